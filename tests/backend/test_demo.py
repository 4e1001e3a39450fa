"""The demo county loads into the database through the same model as a voter file."""

from __future__ import annotations

from sqlalchemy import func, select

from backend.models import Door, Precinct, VoteHistory, Voter
from backend.services.demo import DEMO_CANVASSER, DEMO_ORGANIZER, load_demo


def test_demo_county_loads_with_logins_and_is_not_loaded_twice(session, client):
    summary = load_demo(session, voters=1000, seed=3)
    session.commit()
    assert summary.created and summary.voters == 1000
    assert session.scalar(select(func.count()).select_from(Voter)) == 1000
    assert session.scalar(select(func.count()).select_from(Door)) == summary.doors
    assert 10 <= session.scalar(select(func.count()).select_from(Precinct)) <= 30
    assert session.scalar(select(func.count()).select_from(VoteHistory)) > 1000
    # every voter lives at a door, every door in a precinct
    assert session.scalar(select(func.count()).where(Voter.door_id.is_(None))) == 0
    assert session.scalar(select(func.count()).where(Door.precinct_id.is_(None))) == 0
    # apartment buildings: several doors share one building key
    shared = session.execute(
        select(Door.building_key, func.count()).group_by(Door.building_key).having(func.count() > 2)
    ).all()
    assert shared
    for email, password in (DEMO_ORGANIZER, DEMO_CANVASSER):
        assert client.post("/api/auth/login", json={"email": email, "password": password}).status_code == 200
    assert not load_demo(session, voters=1000, seed=3).created


def test_demo_turfs_are_cut_and_two_are_assigned_to_the_demo_canvasser(session, client):
    """After `canvass demo`, the canvasser logs in and finds turfs with door lists to walk."""
    from backend.services.demo import prepare_demo_turfs

    load_demo(session, voters=1000, seed=3)
    turf_count = prepare_demo_turfs(session, target_doors=40)
    session.commit()
    assert turf_count >= 5
    token = client.post("/api/auth/login", json={"email": DEMO_CANVASSER[0],
                                                 "password": DEMO_CANVASSER[1]}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    mine = client.get("/api/my/turfs", headers=headers)
    assert mine.status_code == 200 and len(mine.get_json()) == 2
    door_list = client.get(f"/api/turfs/{mine.get_json()[0]['id']}/door_list", headers=headers)
    assert door_list.status_code == 200
    body = door_list.get_json()
    assert body["doors"] and body["survey_questions"][0]["responses"]
