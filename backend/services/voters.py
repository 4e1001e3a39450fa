"""Reading voters and doors, with the access rules applied."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import NotFound
from backend.models import Door, Election, Precinct, User, VoteHistory, Voter
from backend.services.access import ensure_can_read_door, require_organizer

AGE_BANDS = ((18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 200))


def age_band(birth_year: int | None, *, today: dt.date | None = None) -> str | None:
    """The age band a canvasser may see instead of a birth date.

    >>> age_band(1990, today=dt.date(2026, 11, 3))
    '35-44'
    >>> age_band(1950, today=dt.date(2026, 11, 3))
    '65+'
    """
    if birth_year is None:
        return None
    age = (today or dt.date.today()).year - birth_year
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}+" if high >= 200 else f"{low}-{high}"
    return None


def voter_view(voter: Voter, *, full: bool) -> dict[str, Any]:
    """A voter as a canvasser (``full`` False) or an organizer sees them."""
    view: dict[str, Any] = {
        "id": voter.id,
        "door_id": voter.door_id,
        "first_name": voter.first_name,
        "middle_name": voter.middle_name,
        "last_name": voter.last_name,
        "suffix": voter.suffix,
        "age_band": age_band(voter.birth_year),
    }
    if full:
        view.update(
            state_id=voter.state_id,
            birth_year=voter.birth_year,
            gender=voter.gender,
            party=voter.party,
            registered_on=voter.registered_on,
            voter_status=voter.voter_status,
            is_active=voter.is_active,
        )
    return view


def get_voter(session: Session, voter_id: int, actor: User) -> dict[str, Any]:
    voter = session.get(Voter, voter_id)
    if voter is None:
        raise NotFound(f"Voter {voter_id} does not exist.")
    if not actor.is_organizer:
        if voter.door_id is None or not voter.is_active:
            raise NotFound(f"Voter {voter_id} is not in any of your turfs.")
        ensure_can_read_door(session, actor, voter.door_id)
        return voter_view(voter, full=False)
    view = voter_view(voter, full=True)
    rows = session.execute(
        select(Election, VoteHistory.ballot)
        .join(VoteHistory, VoteHistory.election_id == Election.id)
        .where(VoteHistory.voter_id == voter.id)
        .order_by(Election.election_on)
    ).all()
    view["vote_history"] = [
        {"election_on": e.election_on, "kind": e.kind, "name": e.name, "ballot": ballot}
        for e, ballot in rows
    ]
    return view


def get_door(session: Session, door_id: int, actor: User) -> dict[str, Any]:
    door = session.get(Door, door_id)
    if door is None:
        raise NotFound(f"Door {door_id} does not exist.")
    ensure_can_read_door(session, actor, door_id)
    voters = session.scalars(
        select(Voter)
        .where(Voter.door_id == door_id, Voter.is_active.is_(True))
        .order_by(Voter.last_name, Voter.first_name)
    ).all()
    return {
        "id": door.id,
        "address_line": door.address_line,
        "unit": door.unit,
        "city": door.city,
        "state": door.state,
        "zip": door.zip,
        "lon": door.lon,
        "lat": door.lat,
        "precinct_id": door.precinct_id,
        "access_note": door.access_note,
        "voters": [voter_view(v, full=actor.is_organizer) for v in voters],
    }


def list_voters(
    session: Session, actor: User, *, door_id: int | None = None, limit: int = 100, offset: int = 0
) -> list[dict[str, Any]]:
    require_organizer(actor, "list voters")
    query = select(Voter).order_by(Voter.id).limit(min(limit, 1000)).offset(offset)
    if door_id is not None:
        query = query.where(Voter.door_id == door_id)
    return [voter_view(v, full=True) for v in session.scalars(query)]


def list_precincts(session: Session, actor: User) -> list[Precinct]:
    require_organizer(actor, "list precincts")
    return list(session.scalars(select(Precinct).order_by(Precinct.code)))
