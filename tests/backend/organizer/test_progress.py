"""Progress tables and quality signals, computed from canvass reports."""

from __future__ import annotations

import datetime as dt

from backend.models import SurveyQuestion, SurveyResponse, Turf
from tests.backend.organizer.conftest import cut

T0 = dt.datetime(2026, 10, 3, 14, 0, tzinfo=dt.UTC)


def test_progress_per_turf_precinct_canvasser_and_day(org, county, universe, factory, session):
    question = SurveyQuestion(name="Support?", kind="single")
    question.responses = [SurveyResponse(name="Yes", position=0), SurveyResponse(name="No", position=1)]
    session.add(question)
    session.commit()
    yes = question.responses[0]
    turfs = cut(org, universe["id"], target_doors=40, keep_precincts_whole=True)
    turf = session.get(Turf, turfs[0]["id"])
    from tests.backend.organizer.test_turfs import live_members

    doors = {d.id: d for d in county.doors}
    members = [doors[i] for i in live_members(session, turf.id)]
    voter_at = {v.door_id: v for v in county.voters}
    # Alice on day 1: 3 not home, 1 conversation with a "yes"; Bob on day 2: 1 refused
    for i, door in enumerate(members[:3]):
        factory.report(door, county.alice, turf=turf, recorded_at=T0 + dt.timedelta(minutes=3 * i))
    talk = members[3]
    factory.report(talk, county.alice, turf=turf, result_code=None,
                   recorded_at=T0 + dt.timedelta(minutes=10),
                   items=[{"voter_id": voter_at[talk.id].id, "survey_question_id": question.id,
                           "survey_response_id": yes.id}])
    factory.report(members[4], county.bob, turf=turf, result_code="refused",
                   recorded_at=T0 + dt.timedelta(days=1))
    # a knock again at a door already knocked counts the door once
    factory.report(members[0], county.bob, turf=turf, recorded_at=T0 + dt.timedelta(days=1, hours=1))

    by_turf = org.get("/api/progress?by=turf").get_json()
    row = next(r for r in by_turf["rows"] if r["key"] == turf.id)
    assert row["door_count"] == turf.door_count
    assert row["doors_attempted"] == 5 and row["contacts"] == 2 and row["contact_rate"] == 0.4
    assert row["results"] == {"not_home": 4, "refused": 1}
    assert row["responses"] == {str(yes.id): 1}
    assert len(by_turf["rows"]) == len(turfs)  # untouched turfs listed with zeros
    assert by_turf["totals"]["doors_attempted"] == 5

    by_canvasser = {r["key"]: r for r in org.get("/api/progress?by=canvasser").get_json()["rows"]}
    assert by_canvasser[county.alice.id]["doors_attempted"] == 4
    assert by_canvasser[county.alice.id]["contacts"] == 1
    assert by_canvasser[county.bob.id]["doors_attempted"] == 2
    assert by_canvasser[county.bob.id]["label"] == "Bob"

    by_day = org.get("/api/progress?by=day").get_json()["rows"]
    assert [(r["key"], r["doors_attempted"]) for r in by_day] == [("2026-10-03", 4), ("2026-10-04", 2)]

    by_precinct = {r["key"]: r for r in org.get("/api/progress?by=precinct").get_json()["rows"]}
    precinct = "W" if members[0].precinct_id == county.west.id else "E"
    assert by_precinct[precinct]["doors_attempted"] == 5
    assert by_precinct[precinct]["door_count"] == len(county.doors) // 2

    window = org.get("/api/progress?by=canvasser&since=2026-10-04T00:00:00Z").get_json()
    assert [r["key"] for r in window["rows"]] == [county.bob.id]

    listed = org.get(f"/api/turfs/{turf.id}").get_json()
    assert listed["status"] == "in_progress" and listed["progress"]["doors_attempted"] == 5
    assert listed["progress"]["contacts"] == 2


def test_a_superseded_report_no_longer_counts(org, county, universe, factory, session):
    turf = session.get(Turf, cut(org, universe["id"], target_doors=40)[0]["id"])
    door = county.doors[0]
    first = factory.report(door, county.alice, turf=turf, result_code="canvassed")
    fix = factory.report(door, county.alice, turf=turf, result_code="not_home", commit=False)
    fix.supersedes_uuid = first.uuid
    session.commit()
    row = next(r for r in org.get("/api/progress?by=turf").get_json()["rows"] if r["key"] == turf.id)
    assert row["results"] == {"not_home": 1} and row["contacts"] == 0


def test_quality_flags_suspect_canvassers(org, county, factory, session):
    """Alice walks at a plausible pace with 20% contacts at the door; Bob "knocks" 12 doors
    20 s apart from one spot 1 km away, and everyone answered."""
    doors = county.doors
    for i in range(12):
        door = doors[i]
        factory.report(door, county.alice, result_code="canvassed" if i % 5 == 0 else "not_home",
                       recorded_at=T0 + dt.timedelta(minutes=3 * i), lon=door.lon, lat=door.lat,
                       commit=False)
        factory.report(doors[20 + i], county.bob, result_code="canvassed",
                       recorded_at=T0 + dt.timedelta(seconds=10 * i),
                       lon=-83.0 + 0.012, lat=40.0, commit=False)
    session.commit()
    body = org.get("/api/quality").get_json()
    rows = {r["user"]["id"]: r for r in body["rows"]}
    alice, bob = rows[county.alice.id], rows[county.bob.id]
    assert alice["flags"] == [] and not alice["flagged"]
    assert alice["median_seconds_between_doors"] == 180.0
    assert alice["median_distance_m"] < 1 and alice["contact_rate"] == 0.25
    assert set(bob["flags"]) == {"contact_rate_high", "too_fast", "far_from_doors"}
    assert bob["contact_rate"] == 1.0 and bob["median_seconds_between_doors"] == 10.0
    assert bob["median_distance_m"] > 300 and bob["share_beyond_300m"] == 1.0
    assert body["rows"][0]["user"]["id"] == county.bob.id  # flagged first
    assert body["thresholds"]["fast_seconds"] == 20.0


def test_progress_and_quality_are_for_organizers_only(alice):
    assert alice.get("/api/progress").status_code == 403
    assert alice.get("/api/quality").status_code == 403


def test_progress_refuses_unknown_grouping(org):
    response = org.get("/api/progress?by=street")
    assert response.status_code == 422
    assert "by" in response.get_json()["errors"]  # the field is named, whatever its location


def test_knocks_and_voters_are_counted_apart(org, county, universe, factory, session):
    """One knock where a voter answered: one knock 'canvassed' and one voter 'canvassed', not
    two of one kind; a voter refusing at a door canvassed counts under voters only."""
    turf = session.get(Turf, cut(org, universe["id"], target_doors=40)[0]["id"])
    door = county.doors[0]
    voters = [v for v in county.voters if v.door_id == door.id]
    items = [{"voter_id": voters[0].id, "result_code": "canvassed"}]
    if len(voters) > 1:
        items.append({"voter_id": voters[1].id, "result_code": "refused"})
    factory.report(door, county.alice, turf=turf, result_code="canvassed", items=items)
    row = next(r for r in org.get("/api/progress?by=turf").get_json()["rows"] if r["key"] == turf.id)
    assert row["results"] == {"canvassed": 1}
    assert row["voter_results"] == {i["result_code"]: 1 for i in items}


def test_knocks_follow_their_doors_through_split_merge_recut_and_removal(
        org, county, universe, factory, session):
    """Ten doors knocked in one turf: after a split each part counts the knocked doors it
    holds, the merged turf all ten, a re-cut of what is left undone keeps them in place, and a
    door taken out takes its knock with it."""
    from backend.models import Door
    from tests.backend.organizer.test_turfs import live_members

    turf = session.get(Turf, cut(org, universe["id"], target_doors=40, min_doors=30,
                                 max_doors=50)[0]["id"])
    doors = live_members(session, turf.id)
    knocked = set(doors[:10])
    for door_id in doors[:10]:
        factory.report(session.get(Door, door_id), county.alice, turf=turf)

    def attempted(turf_id):
        return org.get(f"/api/turfs/{turf_id}").get_json()["progress"]["doors_attempted"]

    parts = org.post(f"/api/turfs/{turf.id}/split", json={"parts": 2}).get_json()["turfs"]
    session.expire_all()
    held = [knocked & set(live_members(session, p["id"])) for p in parts]
    assert all(held) and sum(map(len, held)) == 10
    assert [attempted(p["id"]) for p in parts] == [len(h) for h in held]

    merged = org.post("/api/turfs/merge", json={"turf_ids": [parts[1]["id"], parts[0]["id"]]})
    merged_id = merged.get_json()["turfs"][0]["id"]
    assert attempted(merged_id) == 10

    recut = org.post("/api/turfs/recut", json={"turf_ids": [merged_id], "target_doors": 10,
                                               "min_doors": 5, "max_doors": 15})
    assert recut.status_code == 200, recut.get_json()
    session.expire_all()
    assert set(live_members(session, merged_id)) == knocked
    assert attempted(merged_id) == 10

    gone = min(knocked)
    org.post(f"/api/turfs/{merged_id}/remove_doors", json={"door_ids": [gone]})
    assert attempted(merged_id) == 9


def test_progress_by_turf_follows_doors_like_the_turf_list(org, county, universe, factory, session):
    """The by-turf table counts by the turf list's rule: after a split its rows are the parts
    with the knocked doors each holds, after a merge the merged turf holds all ten (no row for
    the turf merged away), and a door taken out of every turf takes its knock to the
    "Not in a current turf" row while the totals keep it."""
    from backend.models import Door
    from tests.backend.organizer.test_turfs import live_members

    turf = session.get(Turf, cut(org, universe["id"], target_doors=40, min_doors=30,
                                 max_doors=50)[0]["id"])
    doors = live_members(session, turf.id)
    knocked = set(doors[:10])
    for i, door_id in enumerate(doors[:10]):
        factory.report(session.get(Door, door_id), county.alice, turf=turf,
                       result_code="canvassed" if i < 3 else "not_home")

    def table():
        body = org.get("/api/progress?by=turf").get_json()
        return {r["key"]: r for r in body["rows"]}, body["totals"]

    def agree_with_turf_list(rows):
        live = {t["id"]: t for t in org.get("/api/turfs").get_json()}
        assert set(rows) - {None} == set(live)
        for turf_id, t in live.items():
            assert rows[turf_id]["doors_attempted"] == t["progress"]["doors_attempted"], turf_id
            assert rows[turf_id]["contacts"] == t["progress"]["contacts"], turf_id
            assert rows[turf_id]["door_count"] == t["door_count"], turf_id

    parts = org.post(f"/api/turfs/{turf.id}/split", json={"parts": 2}).get_json()["turfs"]
    session.expire_all()
    rows, totals = table()
    assert None not in rows
    held = {p["id"]: knocked & set(live_members(session, p["id"])) for p in parts}
    assert {p: rows[p]["doors_attempted"] for p in held} == {p: len(h) for p, h in held.items()}
    assert sum(rows[p]["results"].get("not_home", 0) + rows[p]["results"].get("canvassed", 0)
               for p in held) == 10
    agree_with_turf_list(rows)
    assert totals["doors_attempted"] == 10 and totals["contacts"] == 3

    merged = org.post("/api/turfs/merge", json={"turf_ids": [p["id"] for p in parts]})
    merged_id = merged.get_json()["turfs"][0]["id"]
    rows, totals = table()
    assert set(held) & set(rows) == {merged_id} or not set(held) & set(rows)
    assert len(set(held) - set(rows)) >= 1  # a part merged away is no row of its own
    assert rows[merged_id]["doors_attempted"] == 10 and rows[merged_id]["contacts"] == 3
    agree_with_turf_list(rows)

    gone = min(knocked)
    org.post(f"/api/turfs/{merged_id}/remove_doors", json={"door_ids": [gone]})
    rows, totals = table()
    assert rows[merged_id]["doors_attempted"] == 9
    assert rows[None]["label"] == "Not in a current turf" and rows[None]["doors_attempted"] == 1
    assert rows[None]["door_count"] is None
    assert list(rows)[-1] is None  # listed last
    assert totals["doors_attempted"] == 10
    agree_with_turf_list(rows)

    in_universe = org.get(f"/api/progress?by=turf&universe_id={universe['id']}").get_json()
    assert {r["key"] for r in in_universe["rows"]} == set(rows)
    assert in_universe["totals"]["doors_attempted"] == 10


def test_progress_by_day_counts_days_in_the_organizers_time_zone(org, county, factory):
    """QA: days were UTC days, so an evening shift in Ohio (9 pm EDT is 1 am UTC) landed on
    the next day. ``tz`` names the organizer's zone; UTC stays the default."""
    evening = dt.datetime(2026, 10, 4, 1, 0, tzinfo=dt.UTC)  # Oct 3, 9 pm in New York
    factory.report(county.doors[0], county.alice, recorded_at=evening - dt.timedelta(hours=3))
    factory.report(county.doors[1], county.alice, recorded_at=evening)
    factory.report(county.doors[2], county.alice, recorded_at=evening + dt.timedelta(hours=14))

    def days(query=""):
        response = org.get(f"/api/progress?by=day{query}")
        assert response.status_code == 200, response.get_json()
        return [(r["key"], r["doors_attempted"]) for r in response.get_json()["rows"]]

    assert days() == [("2026-10-03", 1), ("2026-10-04", 2)]
    assert days("&tz=UTC") == days()
    assert days("&tz=America/New_York") == [("2026-10-03", 2), ("2026-10-04", 1)]
    for bad in ("Mars/Olympus", "EST5EDT/../../etc/passwd", ""):
        response = org.get(f"/api/progress?by=day&tz={bad}")
        assert response.status_code == 422, bad
        assert "tz" in response.get_json()["errors"], response.get_json()
