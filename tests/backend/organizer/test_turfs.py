"""Turfs: auto-cut (inline and as a background job), drawing with overlap rules, split,
merge, rename, delete, re-cut of what is left undone, the lightweight list, and the rules
that keep canvassers out of all of it."""

from __future__ import annotations

import time

import pytest
from shapely.geometry import MultiPoint, Point, shape

from tests.backend.organizer.conftest import COLS, LAT0, LON0, ROWS, STEP, cell, cut, square


def live_members(session, turf_id):
    from backend.models import TurfDoor

    return [r.door_id for r in session.query(TurfDoor).filter_by(turf_id=turf_id, removed_at=None)
            .order_by(TurfDoor.position)]


def test_cut_covers_each_door_once_with_outlines_and_walk_figures(org, county, universe, session):
    turfs = cut(org, universe["id"], target_doors=20, min_doors=15, max_doors=25)
    assert len(turfs) == 4
    members = [d for t in turfs for d in live_members(session, t["id"])]
    assert sorted(members) == sorted(d.id for d in county.doors)
    for turf in turfs:
        assert 15 <= turf["door_count"] <= 25
        assert turf["voter_count"] > turf["door_count"] // 2
        assert turf["walk_m"] > 0 and turf["minutes"] > turf["door_count"]  # 1.5 min a door
        assert turf["status"] == "not_started" and turf["progress"]["doors_attempted"] == 0
        outline = shape(turf["outline"])
        assert outline.is_valid and outline.area > 0
        assert turf["bbox"] == pytest.approx(list(outline.bounds), abs=1e-6)
    # outlines do not overlap
    shapes = [shape(t["outline"]) for t in turfs]
    for i, a in enumerate(shapes):
        for b in shapes[i + 1:]:
            assert a.intersection(b).area < 1e-12
    assert org.get(f"/api/universes/{universe['id']}").get_json()["doors_in_turfs"] == len(county.doors)


def test_keep_precincts_whole_never_mixes_precincts(org, county, universe, session):
    from backend.models import Door

    turfs = cut(org, universe["id"], target_doors=30, keep_precincts_whole=True)
    for turf in turfs:
        precincts = {session.get(Door, d).precinct_id for d in live_members(session, turf["id"])}
        assert len(precincts) == 1


def test_time_mode_keeps_turfs_within_the_shift(org, universe):
    turfs = cut(org, universe["id"], mode="time", shift_minutes=45, target_doors=60,
                max_doors=80, minutes_per_door=1.5)
    assert len(turfs) >= 3
    assert all(t["minutes"] <= 45 * 1.05 for t in turfs)


def test_a_second_cut_takes_only_doors_in_no_turf_and_replace_starts_over(org, county, universe):
    first = cut(org, universe["id"], target_doors=40)
    response = org.post(f"/api/universes/{universe['id']}/cut", json={"target_doors": 40})
    job = response.get_json()
    assert job["status"] == "done" and job["result"]["turf_count"] == 0
    assert "every door" in job["message"]
    again = cut(org, universe["id"], target_doors=20, replace=True)
    assert sum(t["door_count"] for t in again) == len(county.doors)
    live = {t["id"] for t in org.get("/api/turfs").get_json()}
    assert live == {t["id"] for t in again} and not live & {t["id"] for t in first}


def test_cutting_a_universe_that_selects_nobody_says_so(org, county, session):
    """0 voters is not "every door of the universe is in a turf": the job says the universe
    selects no voters, and a universe whose doors have no map location says that."""
    from backend.models import Door

    nobody = org.post("/api/universes", json={"name": "Nobody", "filters": {"parties": ["X"]}})
    assert nobody.status_code == 201 and nobody.get_json()["voter_count"] == 0
    job = org.post(f"/api/universes/{nobody.get_json()['id']}/cut", json={}).get_json()
    assert job["status"] == "done" and job["result"]["turf_count"] == 0
    assert job["message"] == ("universe 'Nobody' selects no voters; edit its filters so that "
                              "it selects some")
    session.query(Door).update({"lat": None, "lon": None})
    session.commit()
    everyone = org.post("/api/universes", json={"name": "All", "filters": {}}).get_json()
    job = org.post(f"/api/universes/{everyone['id']}/cut", json={}).get_json()
    assert f"none of the {len(county.doors)} doors" in job["message"]
    assert "map location" in job["message"]


def test_bad_cut_parameters_are_refused_before_any_job(org, universe):
    response = org.post(f"/api/universes/{universe['id']}/cut",
                        json={"target_doors": 50, "min_doors": 60, "max_doors": 70})
    assert response.status_code == 422
    assert "target_doors" in response.get_json()["errors"]
    response = org.post(f"/api/universes/{universe['id']}/cut", json={"mode": "bike"})
    assert response.status_code == 422 and "mode" in response.get_json()["errors"]
    assert org.post("/api/universes/9999/cut", json={}).status_code == 404


def test_large_cut_runs_as_a_background_job_the_console_polls(app, org, county, universe):
    """Above the inline limit the request returns a queued job at once; a worker thread
    with its own session cuts and stores the turfs while the console polls."""
    app.config["CANVASS_CUT_INLINE_MAX_DOORS"] = 10
    response = org.post(f"/api/universes/{universe['id']}/cut", json={"target_doors": 40})
    assert response.status_code == 202
    job = response.get_json()
    assert job["status"] in ("queued", "running")
    seen = set()
    deadline = time.monotonic() + 60
    while job["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.1)
        job = org.get(f"/api/jobs/{job['id']}").get_json()
        seen.add(job["status"])
    assert job["status"] == "done", job
    assert job["progress"] == 1.0 and job["finished_at"] and job["started_at"]
    assert job["result"]["door_count"] == len(county.doors)
    turfs = org.get(f"/api/turfs?universe_id={universe['id']}").get_json()
    assert sorted(t["id"] for t in turfs) == sorted(job["result"]["turf_ids"])


def test_a_job_whose_worker_died_is_reported_failed(org, session, county):
    import datetime as dt

    from backend.models import Job

    job = Job(kind="cut", status="running", params={}, created_by_id=county.organizer.id,
              started_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
    session.add(job)
    session.commit()
    body = org.get(f"/api/jobs/{job.id}").get_json()
    assert body["status"] == "failed" and "worker stopped" in body["error"]


def test_queued_jobs_run_from_the_command_line(app, org, universe, runner, session):
    """With CANVASS_JOBS_IN_PROCESS=0 a queued cut waits for `canvass jobs run`."""
    app.config["CANVASS_CUT_INLINE_MAX_DOORS"] = 10
    app.config["CANVASS_JOBS_IN_PROCESS"] = False
    job = org.post(f"/api/universes/{universe['id']}/cut", json={"target_doors": 40}).get_json()
    assert org.get(f"/api/jobs/{job['id']}").get_json()["status"] == "queued"
    result = runner.invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert "Ran 1 job" in result.output
    assert org.get(f"/api/jobs/{job['id']}").get_json()["status"] == "done"


def test_draw_a_turf_from_the_universe_doors_inside_a_polygon(org, county, universe, session):
    # the 2 x 3 block of doors at columns 1-2, rows 1-3
    polygon = square(LON0 + 0.5 * STEP, LAT0 + 0.5 * STEP, LON0 + 2.5 * STEP, LAT0 + 3.5 * STEP)
    response = org.post("/api/turfs", json={"universe_id": universe["id"], "polygon": polygon,
                                            "name": "Hand drawn"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    turf = body["turf"]
    assert turf["name"] == "Hand drawn" and turf["door_count"] == 6 and body["skipped"] == []
    expected = {county.grid[(c, r)].id for c in (1, 2) for r in (1, 2, 3)}
    assert set(live_members(session, turf["id"])) == expected
    # the polygon chooses the doors; the outline is drawn around them (services.outlines)
    outline = shape(turf["outline"])
    assert all(outline.contains(Point(d.lon, d.lat)) for d in county.doors if d.id in expected)
    own = MultiPoint([(d.lon, d.lat) for d in county.doors if d.id in expected])
    assert outline.within(own.convex_hull.buffer(2 * STEP))


def test_drawing_over_another_turf_is_refused_with_an_explanation(org, county, universe, session):
    first = org.post("/api/turfs", json={
        "universe_id": universe["id"], "name": "First",
        "polygon": square(*cell(0, 0)[:2], *cell(1, 1)[2:])}).get_json()["turf"]
    overlapping = square(*cell(1, 0)[:2], *cell(2, 1)[2:])  # columns 1-2, rows 0-1
    response = org.post("/api/turfs", json={"universe_id": universe["id"], "polygon": overlapping})
    assert response.status_code == 409
    body = response.get_json()
    assert body["errors"]["overlaps"] == [{"turf_id": first["id"], "name": "First", "door_count": 2}]
    assert "First" in body["message"] and "only the 2 doors in no turf" in body["message"]
    assert body["errors"]["free_door_count"] == 2
    # skip_taken takes only the free doors; the outline keeps off the other turf
    response = org.post("/api/turfs", json={"universe_id": universe["id"], "polygon": overlapping,
                                            "skip_taken": True})
    assert response.status_code == 201
    second = response.get_json()
    assert second["turf"]["door_count"] == 2
    assert set(live_members(session, second["turf"]["id"])) == {
        county.grid[(2, 0)].id, county.grid[(2, 1)].id}
    assert second["skipped"] == [{"turf_id": first["id"], "name": "First", "door_count": 2}]
    first = org.get(f"/api/turfs/{first['id']}").get_json()  # its outline made room
    assert shape(second["turf"]["outline"]).intersection(shape(first["outline"])).area < 1e-12


def test_drawing_over_doors_all_taken_offers_no_free_doors(org, universe, session):
    """Every door inside is in another turf: the message says none is free and what to do
    instead of offering "the 0 free doors", and skip_taken is refused the same way."""
    from backend.models import Turf

    box = square(*cell(0, 0)[:2], *cell(1, 1)[2:])
    org.post("/api/turfs", json={"universe_id": universe["id"], "name": "First", "polygon": box})
    for skip_taken in (False, True):
        response = org.post("/api/turfs", json={"universe_id": universe["id"], "polygon": box,
                                                "skip_taken": skip_taken})
        assert response.status_code == 409
        body = response.get_json()
        assert body["errors"]["free_door_count"] == 0
        assert "No door inside it is free" in body["message"]
        assert "the 0" not in body["message"]
    assert session.query(Turf).count() == 1


def test_drawing_refuses_empty_or_invalid_polygons(org, universe):
    far = square(10.0, 10.0, 10.001, 10.001)
    response = org.post("/api/turfs", json={"universe_id": universe["id"], "polygon": far})
    assert response.status_code == 422 and "polygon" in response.get_json()["errors"]
    point = {"type": "Point", "coordinates": [-83.0, 40.0]}
    response = org.post("/api/turfs", json={"universe_id": universe["id"], "polygon": point})
    assert response.status_code == 422 and "Polygon" in response.get_json()["errors"]["polygon"][0]
    response = org.post("/api/turfs", json={"universe_id": universe["id"], "polygon": {"x": 1}})
    assert response.status_code == 422


def test_split_keeps_the_first_part_and_makes_new_turfs(org, county, universe, session):
    turf = cut(org, universe["id"], target_doors=80, min_doors=60, max_doors=80)[0]
    org.post("/api/assignments", json={"turf_ids": [turf["id"]], "user_ids": [county.alice.id]})
    response = org.post(f"/api/turfs/{turf['id']}/split", json={"parts": 2})
    assert response.status_code == 200, response.get_json()
    parts = response.get_json()["turfs"]
    assert parts[0]["id"] == turf["id"] and len(parts) == 2
    assert sum(p["door_count"] for p in parts) == 80
    assert all(30 <= p["door_count"] <= 50 for p in parts)
    assert parts[0]["assignees"][0]["id"] == county.alice.id and parts[1]["assignees"] == []
    assert len(live_members(session, turf["id"])) == parts[0]["door_count"]
    from backend.models import SyncChange

    kinds = {c.kind for c in session.query(SyncChange).filter_by(turf_id=turf["id"])}
    assert {"doors_removed", "turf_updated"} <= kinds


def test_remove_doors_frees_them_and_keeps_the_walk(org, county, universe, session):
    """Two doors taken out of an assigned turf: the rest keep their walking order, the turf
    its assignee, the phone a turf_updated; the doors are free for a drawn turf; doors not in
    the turf, or every door, are refused with nothing changed."""
    from backend.models import Door, SyncChange

    turf = cut(org, universe["id"], target_doors=40, min_doors=30, max_doors=50)[0]
    org.post("/api/assignments", json={"turf_ids": [turf["id"]], "user_ids": [county.alice.id]})
    before = live_members(session, turf["id"])
    gone = before[3:5]
    response = org.post(f"/api/turfs/{turf['id']}/remove_doors", json={"door_ids": gone})
    assert response.status_code == 200, response.get_json()
    after = response.get_json()["turfs"][0]
    assert after["door_count"] == len(before) - 2
    assert after["assignees"][0]["id"] == county.alice.id
    session.expire_all()
    assert live_members(session, turf["id"]) == [d for d in before if d not in gone]
    assert "turf_updated" in {c.kind for c in session.query(SyncChange).filter_by(
        turf_id=turf["id"])}
    drawn = org.post("/api/turfs", json={"universe_id": universe["id"], "name": "Freed",
                                         "skip_taken": True, "polygon": square(
        *(min(c) - 1e-5 for c in zip(*[(session.get(Door, d).lon, session.get(Door, d).lat)
                                        for d in gone])),
        *(max(c) + 1e-5 for c in zip(*[(session.get(Door, d).lon, session.get(Door, d).lat)
                                        for d in gone])))})
    assert drawn.status_code == 201, drawn.get_json()
    assert set(gone) <= set(live_members(session, drawn.get_json()["turf"]["id"]))

    stranger = live_members(session, drawn.get_json()["turf"]["id"])[0]
    refused = org.post(f"/api/turfs/{turf['id']}/remove_doors", json={"door_ids": [stranger]})
    assert refused.status_code == 422 and "does not hold" in refused.get_json()["message"]
    everything = org.post(f"/api/turfs/{turf['id']}/remove_doors",
                          json={"door_ids": live_members(session, turf["id"])})
    assert everything.status_code == 409 and "delete the turf" in everything.get_json()["message"]
    assert len(live_members(session, turf["id"])) == len(before) - 2


def test_splitting_into_more_parts_than_buildings_says_how_many_it_can(org, universe, session):
    """A 4-door turf split into 20 parts: the message speaks of doors and buildings and says
    how many parts are possible, not the library's "turf_index 0 has 4 stops"."""
    turf = org.post("/api/turfs", json={"universe_id": universe["id"], "name": "Small",
                                        "polygon": square(*cell(0, 0)[:2], *cell(1, 1)[2:])}
                    ).get_json()["turf"]
    response = org.post(f"/api/turfs/{turf['id']}/split", json={"parts": 20})
    assert response.status_code == 409
    body = response.get_json()
    assert body["message"] == (
        "Turf 'Small' cannot be split into 20 parts: its 4 doors are at 4 buildings or places, "
        "and a building's doors always stay in one turf. Split it into 4 parts or fewer.")
    assert body["errors"] == {"parts": ["at most 4 for this turf"]}
    assert live_members(session, turf["id"]) and len(live_members(session, turf["id"])) == 4


def test_merge_adjacent_turfs_moves_assignees(org, county, universe, session):
    a = org.post("/api/turfs", json={"universe_id": universe["id"], "name": "A",
                                     "polygon": square(*cell(0, 0)[:2], *cell(1, 1)[2:])}).get_json()["turf"]
    b = org.post("/api/turfs", json={"universe_id": universe["id"], "name": "B",
                                     "polygon": square(*cell(2, 0)[:2], *cell(3, 1)[2:])}).get_json()["turf"]
    far = org.post("/api/turfs", json={"universe_id": universe["id"], "name": "Far",
                                       "polygon": square(*cell(6, 8)[:2], *cell(7, 9)[2:])}).get_json()["turf"]
    org.post("/api/assignments", json={"turf_ids": [b["id"]], "user_ids": [county.bob.id]})
    response = org.post("/api/turfs/merge", json={"turf_ids": [a["id"], b["id"]], "name": "AB"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    merged = body["turfs"][0]
    assert merged["id"] == a["id"] and merged["name"] == "AB" and merged["door_count"] == 8
    assert body["deleted_turf_ids"] == [b["id"]]
    assert [u["id"] for u in merged["assignees"]] == [county.bob.id]
    assert org.get(f"/api/turfs/{b['id']}").status_code == 404
    response = org.post("/api/turfs/merge", json={"turf_ids": [a["id"], far["id"]]})
    assert response.status_code == 409 and "touch" in response.get_json()["message"]


def test_rename_and_soft_delete(org, county, universe, session, login):
    from backend.models import Turf

    turf = cut(org, universe["id"], target_doors=40)[0]
    assert org.patch(f"/api/turfs/{turf['id']}", json={"name": "North"}).get_json()["name"] == "North"
    assert org.patch(f"/api/turfs/{turf['id']}", json={"name": "  "}).status_code == 422
    org.post("/api/assignments", json={"turf_ids": [turf["id"]], "user_ids": [county.alice.id]})
    alice = login(county.alice)
    assert alice.get(f"/api/turfs/{turf['id']}/door_list").status_code == 200
    assert org.delete(f"/api/turfs/{turf['id']}").status_code == 204
    assert alice.get(f"/api/turfs/{turf['id']}/door_list").status_code == 404
    assert alice.get("/api/my/turfs").get_json() == []
    session.expire_all()
    row = session.get(Turf, turf["id"])
    assert row.deleted_at is not None  # kept for the reports that point at it
    assert live_members(session, turf["id"]) == []
    # its doors are free for the next cut
    again = cut(org, universe["id"], target_doors=40)
    assert sum(t["door_count"] for t in again) == turf["door_count"]


def test_recut_moves_only_undone_doors(org, county, universe, session, factory):
    from backend.models import Turf

    turf = cut(org, universe["id"], target_doors=80, min_doors=60, max_doors=80)[0]
    members = live_members(session, turf["id"])
    row = session.get(Turf, turf["id"])
    doors = {d.id: d for d in county.doors}
    for door_id in members[:10]:
        factory.report(doors[door_id], county.alice, turf=row, result_code="not_home")
    response = org.post("/api/turfs/recut", json={"turf_ids": [turf["id"]], "target_doors": 35})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    kept, new = body["turfs"][0], body["turfs"][1:]
    assert kept["id"] == turf["id"] and kept["door_count"] == 10 and kept["status"] == "done"
    assert sorted(live_members(session, turf["id"])) == sorted(members[:10])
    assert sum(t["door_count"] for t in new) == 70 and len(new) == 2
    # the kept turf's outline shrinks to its knocked doors: no overlap with the new turfs
    outlines = [shape(t["outline"]) for t in body["turfs"]]
    for i, a in enumerate(outlines):
        for b in outlines[i + 1:]:
            assert a.intersection(b).area <= 0.01 * min(a.area, b.area)
    # nothing left undone now
    response = org.post("/api/turfs/recut", json={"turf_ids": [turf["id"]]})
    assert response.status_code == 409


def test_list_is_light_on_request(org, universe):
    turfs = cut(org, universe["id"], target_doors=20)
    light = org.get("/api/turfs?outline=false").get_json()
    assert len(light) == len(turfs) and all(t["outline"] is None for t in light)
    simple = org.get("/api/turfs?simplify_m=30").get_json()
    full = {t["id"]: t for t in org.get("/api/turfs").get_json()}
    for t in simple:
        a, b = shape(t["outline"]), shape(full[t["id"]]["outline"])
        assert len(a.exterior.coords) <= len(b.exterior.coords)
        assert a.symmetric_difference(b).area < 0.2 * b.area
    west = LON0 + 1.5 * STEP
    some = org.get(f"/api/turfs?bbox={LON0 - 1},{LAT0 - 1},{west},{LAT0 + ROWS * STEP}").get_json()
    assert 0 < len(some) < len(turfs) or len(turfs) == 1
    assert org.get("/api/turfs?bbox=1,2").status_code == 422
    assert COLS  # the grid is wider than the bbox


def test_canvassers_cannot_cut_draw_edit_or_list_turfs(org, alice, county, universe):
    turf = cut(org, universe["id"], target_doors=40)[0]
    polygon = square(*cell(0, 0)[:2], *cell(1, 1)[2:])
    assert alice.post(f"/api/universes/{universe['id']}/cut", json={}).status_code == 403
    assert alice.post("/api/turfs", json={"universe_id": universe["id"],
                                          "polygon": polygon}).status_code == 403
    assert alice.get("/api/turfs").status_code == 403
    assert alice.get(f"/api/turfs/{turf['id']}").status_code == 404
    assert alice.patch(f"/api/turfs/{turf['id']}", json={"name": "x"}).status_code == 403
    assert alice.delete(f"/api/turfs/{turf['id']}").status_code == 403
    assert alice.post(f"/api/turfs/{turf['id']}/split", json={}).status_code == 403
    assert alice.post("/api/turfs/merge", json={"turf_ids": [1, 2]}).status_code == 403
    assert alice.post("/api/turfs/recut", json={"turf_ids": [turf["id"]]}).status_code == 403
    job_id = org.post(f"/api/universes/{universe['id']}/cut", json={}).get_json()["id"]
    assert alice.get(f"/api/jobs/{job_id}").status_code == 403


def test_merging_turfs_of_universes_that_select_different_voters_is_refused(org, county, session):
    """A merged turf has one set of filters: merging a Democrats turf into a Republicans one
    would leave the Democrats' doors with nobody to talk to. Refused, naming both universes,
    with nothing changed; universes with the same filters merge."""
    def universe(name, filters):
        return org.post("/api/universes", json={"name": name, "filters": filters}).get_json()

    def draw(universe_id, name, box):
        response = org.post("/api/turfs", json={"universe_id": universe_id, "name": name,
                                                "polygon": square(*box)})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["turf"]

    dems, reps = universe("Dems", {"parties": ["D"]}), universe("Reps", {"parties": ["R"]})
    a = draw(dems["id"], "A", (*cell(0, 0)[:2], *cell(1, 1)[2:]))
    b = draw(reps["id"], "B", (*cell(2, 0)[:2], *cell(3, 1)[2:]))
    response = org.post("/api/turfs/merge", json={"turf_ids": [a["id"], b["id"]]})
    assert response.status_code == 409, response.get_json()
    message = response.get_json()["message"]
    assert "'A'" in message and "'B'" in message
    assert "universe 'Dems'" in message and "universe 'Reps'" in message
    # Re-cutting them together would make new turfs of both with one set of filters, too.
    response = org.post("/api/turfs/recut", json={"turf_ids": [a["id"], b["id"]],
                                                  "target_doors": 4})
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["message"].startswith("Cannot re-cut 'A' with 'B'")
    assert org.get(f"/api/turfs/{b['id']}").status_code == 200
    assert len(live_members(session, a["id"])) == a["door_count"]
    # Two universes with the same filters target the same voters: they merge.
    also_dems = universe("Also Dems", {"parties": ["D"], "note": "same voters, other note"})
    c = draw(also_dems["id"], "C", (*cell(0, 2)[:2], *cell(1, 3)[2:]))
    response = org.post("/api/turfs/merge", json={"turf_ids": [a["id"], c["id"]]})
    assert response.status_code == 200, response.get_json()
    merged = response.get_json()["turfs"][0]
    body = org.get(f"/api/turfs/{merged['id']}/door_list").get_json()
    assert merged["door_count"] == a["door_count"] + c["door_count"]
    assert all(d["voters"] for d in body["doors"])
    assert merged["voter_count"] == sum(len(d["voters"]) for d in body["doors"])


@pytest.mark.parametrize(("ring", "where"), [
    # a bowtie: its edges cross between the 2 x 2 block's middle doors
    ([(0, 0), (2, 2), (2, 0), (0, 2)], "lon -82.9996, lat 40.0004"),
    # a square with a spike that goes out to (1, 3) and comes back along itself
    ([(0, 0), (2, 0), (2, 2), (1, 2), (1, 3), (1, 2), (0, 2)], "lon -82.9996, lat 40.0012"),
], ids=["bowtie", "doubles-back"])
def test_a_polygon_that_crosses_itself_is_refused_saying_where(org, universe, session, ring, where):
    """Repairing it made a bowtie into a two-part turf and a ring that doubles back into a
    GeometryCollection the map could not draw; now nothing is stored and the message says
    where to redraw."""
    from backend.models import Turf

    coordinates = [[LON0 + c * STEP, LAT0 + r * STEP] for c, r in ring]
    polygon = {"type": "Polygon", "coordinates": [[*coordinates, coordinates[0]]]}
    response = org.post("/api/turfs", json={"universe_id": universe["id"], "polygon": polygon})
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert "cross each other" in body["message"]
    assert where in body["message"] and where in body["errors"]["polygon"][0]
    assert session.query(Turf).count() == 0
