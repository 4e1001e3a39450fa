"""The demo county loads into the database through the same model as a voter file."""

from __future__ import annotations

from sqlalchemy import func, select

from backend.models import Door, Precinct, Voter, VoteHistory
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
