"""A small county for organizer tests: two precincts of a door grid, voters with parties,
ages and vote history, an organizer and two canvassers.

The grid is 8 columns x 10 rows of doors 0.0004 degrees apart (about 35-45 m); the west half
(columns 0-3) is precinct W, the east half precinct E. Each door has one or two voters.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from backend.models import Election, VoteHistory

LON0, LAT0, STEP = -83.0, 40.0, 0.0004
COLS, ROWS = 8, 10


def square(min_lon, min_lat, max_lon, max_lat):
    """A GeoJSON polygon for a lon/lat box."""
    return {"type": "Polygon", "coordinates": [[
        [min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat],
        [min_lon, min_lat]]]}


def cell(col, row):
    """A box around the door at (col, row)."""
    lon, lat = LON0 + col * STEP, LAT0 + row * STEP
    return lon - STEP / 3, lat - STEP / 3, lon + STEP / 3, lat + STEP / 3


@pytest.fixture
def county(factory, session):
    west, east = factory.precinct("W"), factory.precinct("E")
    general = Election(election_on=dt.date(2024, 11, 5), kind="general", name="General 2024")
    primary = Election(election_on=dt.date(2024, 3, 19), kind="primary", name="Primary 2024")
    session.add_all([general, primary])
    session.commit()
    doors = factory.door_grid(COLS, ROWS, lon0=LON0, lat0=LAT0, step=STEP,
                              precinct_of=lambda col, row: west if col < COLS // 2 else east)
    voters = []
    year = dt.date.today().year
    for i, door in enumerate(doors):
        for j in range(1 + (i % 2)):
            n = len(voters)
            voters.append(factory.voter(
                door, party=("D", "R", "")[n % 3], birth_year=year - (20 + (n * 7) % 60),
                commit=False))
    session.commit()
    for n, voter in enumerate(voters):
        if n % 2 == 0:
            session.add(VoteHistory(voter_id=voter.id, election_id=general.id))
        if n % 3 == 0:
            session.add(VoteHistory(voter_id=voter.id, election_id=primary.id))
    session.commit()
    return SimpleNamespace(
        west=west, east=east, general=general, primary=primary, doors=doors, voters=voters,
        organizer=factory.user("organizer", name="Olga"),
        alice=factory.user("canvasser", name="Alice"),
        bob=factory.user("canvasser", name="Bob"),
        grid={(i % COLS, i // COLS): d for i, d in enumerate(doors)},
    )


@pytest.fixture
def org(login, county):
    return login(county.organizer)


@pytest.fixture
def alice(login, county):
    return login(county.alice)


@pytest.fixture
def universe(org):
    """A saved universe of every voter in the county."""
    response = org.post("/api/universes", json={"name": "Everyone", "filters": {}})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def cut(org, universe_id, **params):
    """Auto-cut (inline for the small county) and return the new turfs."""
    response = org.post(f"/api/universes/{universe_id}/cut", json=params)
    assert response.status_code == 202, response.get_json()
    job = response.get_json()
    assert job["status"] == "done", job
    turfs = org.get(f"/api/turfs?universe_id={universe_id}").get_json()
    return [t for t in turfs if t["id"] in job["result"]["turf_ids"]]
