"""Loads the synthetic demo county (``backend.demo.county``) into the database.

The same path a voter file takes: precincts, doors (one per address plus unit, sharing a
building key per address), voters at doors, elections and vote history rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import shapely
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from backend.models import Door, Election, Precinct, User, VoteHistory, Voter
from backend.services.auth import create_user
from backend.services.surveys import ensure_standard_result_codes

DEMO_ORGANIZER = ("organizer@demo.canvass.test", "organize-demo-2026")
DEMO_CANVASSER = ("canvasser@demo.canvass.test", "canvass-demo-2026")
CHUNK = 5_000


@dataclass(frozen=True)
class DemoSummary:
    precincts: int
    doors: int
    voters: int
    created: bool


def database_is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(Voter)) and not session.scalar(
        select(func.count()).select_from(User)
    )


def load_demo(session: Session, *, voters: int = 5000, seed: int = 0) -> DemoSummary:
    """Generate the demo county and store it, with an organizer and a canvasser to log in as.

    Refuses to touch a database that already has voters or users (returns created=False).
    """
    from backend.demo.county import generate_county

    if not database_is_empty(session):
        return DemoSummary(0, 0, 0, created=False)
    county = generate_county(voters, seed=seed)
    ensure_standard_result_codes(session)

    precinct_ids = []
    for shape in county.precincts:
        min_lon, min_lat, max_lon, max_lat = shape.polygon.bounds
        precinct = Precinct(code=shape.code, name=shape.name,
                            polygon=shapely.geometry.mapping(shape.polygon),
                            min_lon=min_lon, min_lat=min_lat, max_lon=max_lon, max_lat=max_lat)
        session.add(precinct)
        session.flush()
        precinct_ids.append(precinct.id)

    elections = []
    for e in county.elections:
        election = Election(election_on=e.date, kind=e.kind, name=e.name)
        session.add(election)
        session.flush()
        elections.append(election.id)

    now = dt.datetime.now(dt.UTC)
    door_ids: list[int] = []
    rows = []
    for door in county.iter_doors():
        line = f"{door.house_number} {door.street}"
        rows.append({
            "address_key": f"{line}|{door.unit}|{door.zip}", "building_key": f"{line}|{door.zip}",
            "address_line": line, "unit": door.unit, "city": door.city, "state": door.state,
            "zip": door.zip, "lon": door.lon, "lat": door.lat,
            "precinct_id": precinct_ids[door.precinct], "geocode_status": "vendor",
            "access_note": "", "created_at": now, "updated_at": now,
        })
        if len(rows) >= CHUNK:
            door_ids += _insert_returning_ids(session, Door, rows)
            rows = []
    door_ids += _insert_returning_ids(session, Door, rows)

    rows, votes = [], []
    for voter in county.iter_voters():
        rows.append({
            "state_id": voter.state_id, "first_name": voter.first_name,
            "middle_name": voter.middle_name, "last_name": voter.last_name,
            "suffix": voter.suffix, "birth_year": voter.birth_date.year, "gender": "",
            "party": voter.party, "registered_on": voter.registered_at,
            "voter_status": voter.status.lower(), "is_active": True,
            "door_id": door_ids[voter.door], "created_at": now, "updated_at": now,
        })
        votes.append(voter.history)
        if len(rows) >= CHUNK:
            _insert_voters(session, rows, votes, elections)
            rows, votes = [], []
    _insert_voters(session, rows, votes, elections)

    create_user(session, DEMO_ORGANIZER[0], DEMO_ORGANIZER[1], role="organizer", name="Olivia Organizer")
    create_user(session, DEMO_CANVASSER[0], DEMO_CANVASSER[1], role="canvasser", name="Carlos Canvasser")
    session.flush()
    return DemoSummary(len(county.precincts), len(door_ids), len(county.voters), created=True)


def _insert_returning_ids(session: Session, model: type, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    # RETURNING with sort_by_parameter_order keeps ids aligned with rows on both databases.
    result = session.execute(
        insert(model).returning(model.id, sort_by_parameter_order=True), rows
    )
    return [row[0] for row in result]


def _insert_voters(session: Session, rows: list[dict], votes: list, elections: list[int]) -> None:
    ids = _insert_returning_ids(session, Voter, rows)
    history = [
        {"voter_id": voter_id, "election_id": elections[e], "ballot": ballot}
        for voter_id, voted in zip(ids, votes, strict=True)
        for e, ballot in voted
    ]
    if history:
        session.execute(insert(VoteHistory), history)


def prepare_demo_turfs(session: Session, *, target_doors: int = 50) -> int:
    """Set the demo up as an organizer would on day one: a survey question, a universe of
    the whole county cut into turfs, and two turfs given to the demo canvasser, so both the
    console and the volunteer app have something to show. Returns the number of turfs."""
    from backend.services import assignments, surveys, turfs, universes

    organizer = session.scalar(select(User).where(User.email == DEMO_ORGANIZER[0]))
    canvasser = session.scalar(select(User).where(User.email == DEMO_CANVASSER[0]))
    surveys.create_question(session, {
        "name": "Support for Measure 12 (library levy)",
        "script_text": "Can we count on your support for Measure 12, the library levy?",
        "kind": "single",
        "responses": [{"name": "Strong yes"}, {"name": "Lean yes"}, {"name": "Undecided"},
                      {"name": "Lean no"}, {"name": "Strong no"}],
    }, organizer)
    universe = universes.create_universe(session, "Whole county", {}, organizer)
    job = turfs.start_cut(session, universe["id"], {"target_doors": target_doors, "seed": 0},
                          organizer, inline_max_doors=10**9)
    turf_ids = job.result["turf_ids"] if job.result else []
    if turf_ids:
        assignments.assign(session, turf_ids[:2], [canvasser.id], organizer)
    session.flush()
    return len(turf_ids)
