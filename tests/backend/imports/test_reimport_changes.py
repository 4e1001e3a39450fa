"""A re-import tells phones which turfs it changed: one ``turf_updated`` per live turf whose
doors or voters the newer file changed, in the change feed a phone pulls; nothing for a file
that changes nothing, or changes only doors in no turf. On both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backend.models import Door, Election, SyncChange, Universe, Voter
from tests.backend.imports.files import ohio_voter, write_ohio

COORDINATES = ("LATITUDE", "LONGITUDE")
GENERAL, PRIMARY = "GENERAL-11/08/2022", "PRIMARY-05/07/2024"


def resident(n: int, door: int, **kw) -> dict:
    """Voter ``n`` living at door ``door`` (its own address and vendor coordinates)."""
    kw = {"lat": f"{39.96 + door / 1000:.6f}", "lon": "-82.998794", **kw}
    return ohio_voter(n, RESIDENTIAL_ADDRESS1=f"{door} North High Street", **kw)


# Door 1 (voters 1, 2) is turf A, door 3 (voter 3) is turf B, doors 4 and 5 are in no turf.
FIRST = {1: resident(1, 1), 2: resident(2, 1), 3: resident(3, 3), 4: resident(4, 4),
         5: resident(5, 5)}  # fmt: skip


def import_file(runner, tmp_path, name: str, voters: dict[int, dict]) -> str:
    path = write_ohio(tmp_path / name, list(voters.values()), coordinates=COORDINATES)
    result = runner.invoke(args=["import-voters", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def field(runner, session, tmp_path, factory, login):
    """The first file imported, turfs A and B assigned to a canvasser, and a pull that
    returns the changes after that."""
    import_file(runner, tmp_path, "v1.csv", FIRST)
    door = {n: session.scalar(select(Voter.door_id).where(Voter.state_id == v["SOS_VOTERID"]))
            for n, v in FIRST.items()}  # fmt: skip
    canvasser = factory.user()
    turf_a = factory.turf([session.get(Door, door[1])], assigned_to=[canvasser])
    turf_b = factory.turf([session.get(Door, door[3])], assigned_to=[canvasser])
    api = login(canvasser)
    cursor = session.scalar(select(func.max(SyncChange.id))) or 0

    def pull() -> list[tuple[str, int]]:
        response = api.get(f"/api/sync/changes?cursor={cursor}")
        assert response.status_code == 200, response.get_json()
        return [(c["kind"], c["turf_id"]) for c in response.get_json()["changes"]]

    return {"A": turf_a.id, "B": turf_b.id, "pull": pull, "api": api}


def without(voters: dict[int, dict], *numbers: int) -> dict[int, dict]:
    return {n: v for n, v in voters.items() if n not in numbers}


@pytest.mark.parametrize(("second", "turfs"), [
    (FIRST, []),
    ({**FIRST, 1: resident(1, 1, LAST_NAME="NEWNAME")}, ["A"]),
    ({**FIRST, 2: resident(2, 1, PARTY_AFFILIATION="R")}, ["A"]),
    ({**FIRST, 6: resident(6, 1)}, ["A"]),
    ({**FIRST, 3: resident(3, 4)}, ["B"]),
    ({**FIRST, 4: resident(4, 1)}, ["A"]),
    (without(FIRST, 3), ["B"]),
    ({**FIRST, 3: resident(3, 3, lat="39.970000")}, ["B"]),
    ({**without(FIRST, 5), 4: resident(4, 4, FIRST_NAME="NEW"), 7: resident(7, 5)}, []),
    ({**FIRST, 1: resident(1, 3), 3: resident(3, 1)}, ["A", "B"]),
], ids=["unchanged", "renamed", "party", "new-neighbour", "moved-away", "moved-in", "gone",
        "door-moved", "outside-turfs", "swapped"])  # fmt: skip
def test_reimport_announces_each_turf_it_changed(runner, tmp_path, field, second, turfs):
    """Each live turf whose doors, or voters at its doors, the newer file changed gets one
    ``turf_updated`` that the canvasser holding it pulls; other turfs get nothing."""
    output = import_file(runner, tmp_path, "v2.csv", second)
    assert field["pull"]() == [("turf_updated", field[t]) for t in turfs]
    assert f"turfs updated        {len(turfs)}" in output


def test_the_phone_refetches_the_changed_door_list(runner, tmp_path, field):
    """After the pull, the turf's door_list (what the phone fetches on ``turf_updated``)
    shows the voter file's new name."""
    import_file(runner, tmp_path, "v2.csv", {**FIRST, 1: resident(1, 1, LAST_NAME="NEWNAME")})
    assert field["pull"]() == [("turf_updated", field["A"])]
    doors = field["api"].get(f"/api/turfs/{field['A']}/door_list").get_json()["doors"]
    assert "NEWNAME" in {v["last_name"] for v in doors[0]["voters"]}


def test_a_vote_changed_in_an_election_a_turfs_filters_select_on(
    runner, session, tmp_path, field, factory
):
    """A voter losing a vote in an election a turf's filters select on (voted_in) leaves
    that turf's door_list, even when its universe was edited since the cut; a vote changed
    in an election no turf names changes no list."""
    voted = session.scalar(select(Election.id).where(Election.kind == "general")
                           .order_by(Election.election_on))  # fmt: skip
    universe = Universe(name="Voted 2022", filters={"voted_in": [voted]})
    session.add(universe)
    session.commit()
    door_5 = session.scalar(select(Voter.door_id).where(Voter.state_id == FIRST[5]["SOS_VOTERID"]))
    watched = factory.turf([session.get(Door, door_5)], universe=universe)
    # Edited after the cut: the turf still targets the 2022 voters it was cut for.
    universe.filters = {"voted_in": []}
    session.commit()
    kinds = select(SyncChange.kind).where(SyncChange.turf_id == watched.id)
    # The 2024 primary: a vote the turf does not select on.
    import_file(runner, tmp_path, "v2.csv", {**FIRST, 5: resident(5, 5, **{PRIMARY: ""})})
    assert session.scalars(kinds).all() == []
    import_file(runner, tmp_path, "v3.csv", {**FIRST, 5: resident(5, 5, **{GENERAL: ""})})
    assert session.scalars(kinds).all() == ["turf_updated"]


def test_a_reimport_counts_the_changed_turfs_voters_again(runner, session, tmp_path, field):
    """A new neighbour at turf A's door and voter 3 gone from turf B's: the turfs' voter
    counts (the console's lists, the door list's header) follow the file."""
    from backend.models import Turf
    from backend.services.turfs import refresh_voter_counts

    refresh_voter_counts(session, [field["A"], field["B"]])
    session.commit()
    count = select(Turf.voter_count).where(Turf.id.in_([field["A"], field["B"]])).order_by(Turf.id)
    assert session.scalars(count).all() == [2, 1]
    import_file(runner, tmp_path, "v2.csv", {**without(FIRST, 3), 6: resident(6, 1)})
    session.expire_all()
    assert session.scalars(count).all() == [3, 0]


def test_a_door_the_newer_file_moves_takes_its_turfs_outline_along(runner, session, tmp_path,
                                                                  field):
    """Voter 3's door (turf B) moves 7 doors north in the newer file: B's outline is drawn
    again around it, and A's still does not overlap it."""
    from shapely.geometry import Point, shape

    from backend.models import Turf
    from backend.services.outlines import refresh_outlines

    refresh_outlines(session, [field["A"], field["B"]])
    session.commit()
    moved = Point(float(FIRST[3]["lon"]), 39.97)
    assert not shape(session.get(Turf, field["B"]).outline).contains(moved)
    import_file(runner, tmp_path, "v2.csv", {**FIRST, 3: resident(3, 3, lat="39.970000")})
    session.expire_all()
    a, b = (shape(session.get(Turf, field[t]).outline) for t in "AB")
    assert b.contains(moved)
    assert a.intersection(b).area < 1e-12
