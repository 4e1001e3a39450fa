"""Universes: each filter selects the right voters, suppressions always apply, counts come
before cutting, and only organizers build them."""

from __future__ import annotations

import datetime as dt

import pytest


def preview(org, **filters):
    response = org.post("/api/universes/preview", json=filters)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_no_filter_counts_every_voter_and_door(org, county):
    body = preview(org)
    assert body["voter_count"] == len(county.voters)
    assert body["door_count"] == len(county.doors)
    assert body["doors_without_location"] == 0 and body["doors_in_turfs"] == 0


def test_precinct_and_party_filters(org, county):
    """Precinct codes select the doors' precinct; parties the voters' party."""
    west = preview(org, precincts=["W"])
    assert west["door_count"] == len(county.doors) // 2
    west_ids = {d.id for d in county.doors if d.precinct_id == county.west.id}
    expected = sum(1 for v in county.voters if v.door_id in west_ids)
    assert west["voter_count"] == expected
    dems = preview(org, parties=["D"])
    assert dems["voter_count"] == sum(1 for v in county.voters if v.party == "D")
    unaffiliated = preview(org, parties=[""], precincts=["E"])
    assert unaffiliated["voter_count"] == sum(
        1 for v in county.voters if v.party == "" and v.door_id not in west_ids)


def test_voted_in_the_general_but_not_the_primary(org, county):
    body = preview(org, voted_in=[county.general.id], not_voted_in=[county.primary.id])
    # voter n voted in the general when n is even, in the primary when n % 3 == 0
    assert body["voter_count"] == sum(1 for n in range(len(county.voters))
                                      if n % 2 == 0 and n % 3 != 0)


def test_age_band(org, county):
    year = dt.date.today().year
    body = preview(org, age_bands=["18-24", "65+"])
    assert body["voter_count"] == sum(
        1 for v in county.voters if 18 <= year - v.birth_year <= 24 or year - v.birth_year >= 65)
    assert 0 < body["voter_count"] < len(county.voters)


def test_contact_status_filters(org, county, factory):
    """never contacted / not home last time / not home N times / contacted / refused read
    contact_history; the door-level row counts for every voter living there."""
    v0, v1, v2 = county.voters[0], county.voters[1], county.voters[3]
    door_nh = county.doors[5]
    factory.contact_history(door_nh, "not_home", attempts=2, not_home_count=2)
    factory.contact_history(county.doors[0], "canvassed", voter=v0)
    factory.contact_history(county.doors[1], "refused", voter=v1, attempts=1)
    at_nh = sum(1 for v in county.voters if v.door_id == door_nh.id)
    assert preview(org, contact_status=["not_home"])["voter_count"] == at_nh
    assert preview(org, not_home_min=2)["voter_count"] == at_nh
    assert preview(org, not_home_min=3)["voter_count"] == 0
    assert preview(org, contact_status=["contacted"])["voter_count"] == 1
    assert preview(org, contact_status=["refused"])["voter_count"] == 1
    never = preview(org, contact_status=["never_contacted"])["voter_count"]
    assert never == len(county.voters) - at_nh - 2
    both = preview(org, contact_status=["contacted", "refused"])["voter_count"]
    assert both == 2
    assert v2  # untouched voter stays among the never contacted


def test_supporters_by_survey_response(org, county, factory, session):
    from backend.models import SurveyQuestion, SurveyResponse

    question = SurveyQuestion(name="Support?", kind="single")
    question.responses = [SurveyResponse(name="Yes", position=0), SurveyResponse(name="No", position=1)]
    session.add(question)
    session.commit()
    yes, no = question.responses
    voter = county.voters[4]
    door = next(d for d in county.doors if d.id == voter.door_id)
    factory.report(door, county.alice, result_code=None, items=[
        {"voter_id": voter.id, "survey_question_id": question.id, "survey_response_id": yes.id}])
    assert preview(org, survey_response_ids=[yes.id])["voter_count"] == 1
    assert preview(org, survey_response_ids=[no.id])["voter_count"] == 0


def test_reattempt_by_time_of_day(org, county, factory):
    """Doors left not home in the morning (local time) can go into an evening cut."""
    morning = dt.datetime(2026, 5, 2, 14, 0, tzinfo=dt.UTC)  # 10:00 in New York
    evening = dt.datetime(2026, 5, 2, 23, 0, tzinfo=dt.UTC)  # 19:00 in New York
    d_morning, d_evening = county.doors[10], county.doors[11]
    factory.contact_history(d_morning, "not_home", not_home_count=1, last_attempt_at=morning)
    factory.contact_history(d_evening, "not_home", not_home_count=1, last_attempt_at=evening)
    body = preview(org, contact_status=["not_home"], last_attempt_time_of_day="morning",
                   timezone="America/New_York", note="evening re-attempt")
    assert body["door_count"] == 1
    assert body["voter_count"] == sum(1 for v in county.voters if v.door_id == d_morning.id)
    assert body["filters"]["note"] == "evening re-attempt"


@pytest.mark.parametrize("status", ["do_not_contact", "moved", "deceased"])
def test_suppressed_voters_are_always_excluded(org, county, factory, status):
    voter = county.voters[0]
    door = next(d for d in county.doors if d.id == voter.door_id)
    factory.contact_history(door, status, voter=voter)
    assert preview(org)["voter_count"] == len(county.voters) - 1
    # even when a filter would select them
    assert preview(org, parties=[voter.party])["voter_count"] == sum(
        1 for v in county.voters if v.party == voter.party) - 1


def test_door_level_do_not_contact_and_inactive_voters_are_excluded(org, county, factory, session):
    door = county.doors[2]
    factory.contact_history(door, "do_not_contact")
    gone = county.voters[-1]
    gone.is_active = False
    moved = county.voters[-2]
    moved.voter_status = "moved"
    session.commit()
    at_door = sum(1 for v in county.voters if v.door_id == door.id)
    body = preview(org)
    assert body["voter_count"] == len(county.voters) - at_door - 2
    assert body["door_count"] <= len(county.doors) - 1


def test_save_read_update_list_and_delete(org, county):
    response = org.post("/api/universes", json={"name": "West Dems",
                                                "filters": {"precincts": ["W"], "parties": ["D"]}})
    assert response.status_code == 201
    saved = response.get_json()
    assert saved["voter_count"] == preview(org, precincts=["W"], parties=["D"])["voter_count"]
    assert org.post("/api/universes", json={"name": "west dems"}).status_code == 409
    changed = org.patch(f"/api/universes/{saved['id']}", json={"filters": {"precincts": ["W"]}})
    assert changed.status_code == 200
    assert changed.get_json()["voter_count"] == preview(org, precincts=["W"])["voter_count"]
    listed = org.get("/api/universes?counts=true").get_json()
    assert [u["name"] for u in listed] == ["West Dems"] and listed[0]["voter_count"] > 0
    assert org.get(f"/api/universes/{saved['id']}").get_json()["name"] == "West Dems"
    assert org.delete(f"/api/universes/{saved['id']}").status_code == 204
    assert org.get(f"/api/universes/{saved['id']}").status_code == 404


def test_a_universe_with_live_turfs_cannot_be_deleted(org, universe):
    from tests.backend.organizer.conftest import cut

    cut(org, universe["id"], target_doors=40)
    response = org.delete(f"/api/universes/{universe['id']}")
    assert response.status_code == 409
    assert "turfs" in response.get_json()["errors"]


def test_bad_filters_are_refused_naming_the_field(org, county):
    response = org.post("/api/universes/preview", json={"precincts": ["NOPE"], "voted_in": [999]})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert "NOPE" in errors["precincts"][0] and "999" in errors["voted_in"][0]
    response = org.post("/api/universes/preview", json={"age_bands": ["10-12"]})
    assert response.status_code == 422 and "age_bands" in response.get_json()["errors"]
    response = org.post("/api/universes/preview", json={"timezone": "Mars/Olympus"})
    assert response.status_code == 422 and "timezone" in response.get_json()["errors"]


def test_universe_doors_for_the_map_and_elections(org, county, universe):
    doors = org.get(f"/api/universes/{universe['id']}/doors").get_json()
    assert len(doors) == len(county.doors)
    assert sum(d["voter_count"] for d in doors) == len(county.voters)
    assert all(d["turf_id"] is None for d in doors)
    elections = org.get("/api/elections").get_json()
    assert [e["kind"] for e in elections] == ["general", "primary"]


def test_canvassers_cannot_build_or_read_universes(alice, org, universe):
    assert alice.get("/api/universes").status_code == 403
    assert alice.post("/api/universes", json={"name": "x"}).status_code == 403
    assert alice.post("/api/universes/preview", json={}).status_code == 403
    assert alice.get(f"/api/universes/{universe['id']}").status_code == 403
    assert alice.patch(f"/api/universes/{universe['id']}", json={"name": "y"}).status_code == 403
    assert alice.delete(f"/api/universes/{universe['id']}").status_code == 403
    assert alice.get(f"/api/universes/{universe['id']}/doors").status_code == 403
    assert alice.get("/api/elections").status_code == 403
