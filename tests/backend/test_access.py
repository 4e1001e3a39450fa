"""Access rules: a canvasser reads only their turfs' doors and voters, with minimal fields."""

from __future__ import annotations

import pytest


@pytest.fixture
def two_turfs(factory):
    alice, bob = factory.user("canvasser"), factory.user("canvasser")
    door_a, door_b = factory.door(), factory.door()
    voter_a = factory.voter(door_a, birth_year=1990, party="R")
    voter_b = factory.voter(door_b)
    turf_a = factory.turf([door_a], assigned_to=[alice])
    turf_b = factory.turf([door_b], assigned_to=[bob])
    return {"alice": alice, "bob": bob, "door_a": door_a, "door_b": door_b,
            "voter_a": voter_a, "voter_b": voter_b, "turf_a": turf_a, "turf_b": turf_b}


def test_canvasser_reads_own_turf_voter_with_only_canvasser_fields(login, two_turfs):
    api = login(two_turfs["alice"])
    response = api.get(f"/api/voters/{two_turfs['voter_a'].id}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["first_name"] == two_turfs["voter_a"].first_name
    assert body["age_band"] in ("35-44", "25-34")
    for hidden in ("birth_year", "party", "vote_history", "state_id", "registered_on"):
        assert hidden not in body


def test_canvasser_cannot_read_another_turfs_voter_or_door(login, two_turfs):
    """Reading another turf's voter or door by id is refused (404, so ids can't be probed)."""
    api = login(two_turfs["alice"])
    assert api.get(f"/api/voters/{two_turfs['voter_b'].id}").status_code in (403, 404)
    assert api.get(f"/api/doors/{two_turfs['door_b'].id}").status_code in (403, 404)
    assert api.get(f"/api/doors/{two_turfs['door_a'].id}").status_code == 200
    # and the refusal does not depend on whether the id exists
    assert api.get("/api/voters/999999").status_code == 404


def test_canvasser_loses_access_when_the_assignment_ends(login, two_turfs, session):
    from backend.models import Assignment
    from backend.models._types import utcnow

    api = login(two_turfs["alice"])
    assert api.get(f"/api/voters/{two_turfs['voter_a'].id}").status_code == 200
    for a in session.query(Assignment).filter_by(user_id=two_turfs["alice"].id):
        a.ended_at = utcnow()
    session.commit()
    assert api.get(f"/api/voters/{two_turfs['voter_a'].id}").status_code == 404


def test_canvasser_cannot_list_voters_or_precincts(login, two_turfs):
    api = login(two_turfs["alice"])
    assert api.get("/api/voters").status_code == 403
    assert api.get("/api/precincts").status_code == 403


def test_organizer_reads_everything_including_vote_history(factory, login, two_turfs):
    api = login(factory.user("organizer"))
    body = api.get(f"/api/voters/{two_turfs['voter_b'].id}").get_json()
    assert body["party"] == "D" and body["birth_year"] == 1980 and body["vote_history"] == []
    assert len(api.get("/api/voters").get_json()) == 2
