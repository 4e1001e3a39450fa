"""The door list: exactly what a phone downloads for a turf."""

from __future__ import annotations

from backend.models import SurveyQuestion, SurveyResponse
from tests.backend.organizer.conftest import cut


def test_door_list_is_the_walk_with_canvasser_fields_survey_and_codes(
        org, alice, county, universe, session):
    question = SurveyQuestion(name="Support?", kind="single", position=1, script_text="Hi!")
    question.responses = [SurveyResponse(name="Yes", short_name="Y", position=0),
                          SurveyResponse(name="No", short_name="N", position=1)]
    retired = SurveyQuestion(name="Old", kind="text", is_active=False)
    session.add_all([question, retired])
    from backend.models import ResultCode

    session.query(ResultCode).filter_by(code="lit_drop").update({"is_active": False})
    county.doors[0].access_note = "buzz 4B"
    session.commit()
    turf = cut(org, universe["id"], target_doors=20)[0]
    org.post("/api/assignments", json={"turf_ids": [turf["id"]], "user_ids": [county.alice.id]})
    response = alice.get(f"/api/turfs/{turf['id']}/door_list")
    assert response.status_code == 200
    body = response.get_json()
    assert body["turf"]["id"] == turf["id"] and body["turf"]["outline"] == turf["outline"]
    assert body["turf"]["status"] == "not_started"
    from tests.backend.organizer.test_turfs import live_members

    assert [d["id"] for d in body["doors"]] == live_members(session, turf["id"])
    assert [d["position"] for d in body["doors"]] == list(range(len(body["doors"])))
    voters_at = {}
    for v in county.voters:
        voters_at.setdefault(v.door_id, set()).add(v.id)
    for door in body["doors"]:
        assert {v["id"] for v in door["voters"]} == voters_at[door["id"]]
        for voter in door["voters"]:
            assert set(voter) == {"id", "door_id", "first_name", "middle_name", "last_name",
                                  "suffix", "age_band"}
    assert [q["name"] for q in body["survey_questions"]] == ["Support?"]
    assert [r["short_name"] for r in body["survey_questions"][0]["responses"]] == ["Y", "N"]
    codes = [c["code"] for c in body["result_codes"]]
    assert "not_home" in codes and "lit_drop" not in codes
    assert body["change_seq"] >= 1  # the assignment wrote to the change feed


def test_door_list_shows_only_the_universe_targets_and_never_suppressed_voters(
        org, login, county, factory):
    dems = org.post("/api/universes", json={"name": "Dems", "filters": {"parties": ["D"]}}).get_json()
    turf = cut(org, dems["id"], target_doors=80, max_doors=80, min_doors=20)[0]
    dem = next(v for v in county.voters if v.party == "D")
    door = next(d for d in county.doors if d.id == dem.door_id)
    factory.contact_history(door, "do_not_contact", voter=dem)
    body = org.get(f"/api/turfs/{turf['id']}/door_list").get_json()
    shown = {v["id"] for d in body["doors"] for v in d["voters"]}
    assert shown == {v.id for v in county.voters if v.party == "D"} - {dem.id}


def test_canvassers_get_only_their_own_turfs_door_lists(org, alice, login, county, universe):
    mine, other = cut(org, universe["id"], target_doors=40)[:2]
    org.post("/api/assignments", json={"turf_ids": [mine["id"]], "user_ids": [county.alice.id]})
    org.post("/api/assignments", json={"turf_ids": [other["id"]], "user_ids": [county.bob.id]})
    assert alice.get(f"/api/turfs/{mine['id']}/door_list").status_code == 200
    response = alice.get(f"/api/turfs/{other['id']}/door_list")
    assert response.status_code == 404
    assert alice.get("/api/turfs/99999/door_list").status_code == 404
    assert alice.get(f"/api/turfs/{mine['id']}").status_code == 200
    assert alice.get(f"/api/turfs/{other['id']}").status_code == 404


def test_fast_json_answers_match_their_documented_schemas(org, alice, county, universe):
    """The turf list, my turfs and the door list skip marshmallow for speed; their bodies
    must still be exactly what the OpenAPI schemas say."""
    from backend.schemas.turfs import DoorListSchema, TurfSchema

    turf = cut(org, universe["id"], target_doors=40)[0]
    org.post("/api/assignments", json={"turf_ids": [turf["id"]], "user_ids": [county.alice.id]})
    org.post(f"/api/turfs/{turf['id']}/list_code")
    door_list = alice.get(f"/api/turfs/{turf['id']}/door_list").get_json()
    assert DoorListSchema().dump(DoorListSchema().load(door_list)) == door_list
    for body in (org.get("/api/turfs").get_json(), alice.get("/api/my/turfs").get_json()):
        assert TurfSchema(many=True).dump(TurfSchema(many=True).load(body)) == body


def test_door_list_carries_each_doors_status_so_a_second_canvasser_skips_knocked_doors(
        org, alice, login, county, universe, session):
    """Bob knocks three doors of a turf (one twice; one knock he later withdraws with a
    superseding correction) and the organizer gives the turf to Alice. Her door list holds
    each door's contact-history status, rank, attempts and last attempt, named as in the
    change feed; doors never knocked, or whose only knock was superseded, say so."""
    import datetime as dt

    from backend.schemas.turfs import DoorListSchema
    from tests.backend.sync.conftest import make_report, push

    turf = cut(org, universe["id"], target_doors=20)[0]
    org.put(f"/api/turfs/{turf['id']}/assignees", json={"user_ids": [county.bob.id]})
    doors = [d["id"] for d in org.get(f"/api/turfs/{turf['id']}/door_list").get_json()["doors"]]
    bob = login(county.bob)
    t0 = dt.datetime.now(dt.UTC)  # after the assignment began, so no clock clamp applies

    def at(seconds):
        return (t0 + dt.timedelta(seconds=seconds)).isoformat()

    first_try = make_report(doors[0], turf["id"], result_code="not_home", recorded_at=at(0))
    refused = make_report(doors[0], turf["id"], result_code="refused", recorded_at=at(30))
    not_home = make_report(doors[1], turf["id"], result_code="not_home", recorded_at=at(10))
    mistake = make_report(doors[2], turf["id"], result_code="moved", recorded_at=at(20))
    withdrawn = make_report(doors[2], turf["id"], result_code=None, recorded_at=at(21),
                            correction={"kind": "wrong_address", "details": {}},
                            supersedes=mistake["uuid"])
    answer = push(bob, [first_try, refused, not_home, mistake, withdrawn]).get_json()
    assert [r["status"] for r in answer["results"]] == ["accepted"] * 5, answer
    feed = bob.get("/api/sync/changes?cursor=0").get_json()["changes"]
    org.put(f"/api/turfs/{turf['id']}/assignees", json={"user_ids": [county.alice.id]})

    body = alice.get(f"/api/turfs/{turf['id']}/door_list").get_json()
    by_id = {d["id"]: d for d in body["doors"]}
    fields = ("status", "rank", "attempts", "last_attempt_at")

    def when(iso):
        return dt.datetime.fromisoformat(iso)

    assert {k: by_id[doors[0]][k] for k in fields[:3]} == {
        "status": "refused", "rank": 2, "attempts": 2}
    assert when(by_id[doors[0]]["last_attempt_at"]) == when(at(30))
    assert {k: by_id[doors[1]][k] for k in fields[:3]} == {
        "status": "not_home", "rank": 1, "attempts": 1}
    assert when(by_id[doors[1]]["last_attempt_at"]) == when(at(10))
    never = {"status": "not_contacted", "rank": 0, "attempts": 0, "last_attempt_at": None}
    assert {k: by_id[doors[2]][k] for k in fields} == never
    for door_id in doors[3:]:
        assert {k: by_id[door_id][k] for k in fields} == never
    # The door list and the change feed name the same thing the same way.
    latest = {}
    for change in feed:
        if change["kind"] == "door_status":
            latest[change["payload"]["door_id"]] = change["payload"]
    for door_id in doors[:2]:
        assert {k: latest[door_id][k] for k in fields[:3]} == {
            k: by_id[door_id][k] for k in fields[:3]}
        assert when(latest[door_id]["last_attempt_at"]) == when(by_id[door_id]["last_attempt_at"])
    assert DoorListSchema().dump(DoorListSchema().load(body)) == body


def test_editing_a_universe_leaves_the_turfs_already_cut_as_they_were(org, county, session):
    """An organizer edits a universe's filters after cutting it (Democrats -> Republicans):
    the turfs already cut, and perhaps on phones, keep the voters they were cut for, in the
    door list, the voter count and a recount after a re-import; a new cut uses the new filters."""
    from backend.models import Turf
    from backend.services.turfs import refresh_voter_counts

    dems = org.post("/api/universes", json={"name": "Dems", "filters": {"parties": ["D"]}}).get_json()
    turf = cut(org, dems["id"], target_doors=80, max_doors=80, min_doors=20)[0]
    dem_ids = {v.id for v in county.voters if v.party == "D"}
    before = org.get(f"/api/turfs/{turf['id']}/door_list").get_json()
    assert {v["id"] for d in before["doors"] for v in d["voters"]} == dem_ids
    response = org.patch(f"/api/universes/{dems['id']}", json={"filters": {"parties": ["R"]}})
    assert response.status_code == 200, response.get_json()
    after = org.get(f"/api/turfs/{turf['id']}/door_list").get_json()
    assert after["doors"] == before["doors"]
    refresh_voter_counts(session, [turf["id"]])
    session.commit()
    session.expire_all()
    assert session.get(Turf, turf["id"]).voter_count == len(dem_ids) == turf["voter_count"]
    assert session.get(Turf, turf["id"]).filters == {"parties": ["D"]}
    # Its doors freed, a new cut of the edited universe targets Republicans.
    assert org.delete(f"/api/turfs/{turf['id']}").status_code == 204
    again = cut(org, dems["id"], target_doors=80, max_doors=80, min_doors=20)[0]
    body = org.get(f"/api/turfs/{again['id']}/door_list").get_json()
    assert {v["id"] for d in body["doors"] for v in d["voters"]} == {
        v.id for v in county.voters if v.party == "R"}
