"""``canvass import-voters`` on real layouts, on both databases: doors, coordinates, precincts,
vote history, rejects, re-import and interruption."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from sqlalchemy import func, inspect, select

from backend.demo.county import generate_county, write_ohio_csv
from backend.models import (
    CanvassReport,
    ContactHistory,
    Door,
    Election,
    Precinct,
    VoteHistory,
    Voter,
)
from tests.backend.imports.files import (
    florida_voter,
    nc_voter,
    ohio_voter,
    write_florida,
    write_nc,
    write_ohio,
)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def voter(session, state_id: str) -> Voter:
    return session.execute(select(Voter).where(Voter.state_id == state_id)).scalar_one()


def read_rejects(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def run(runner, *args):
    return runner.invoke(args=["import-voters", *map(str, args)])


@pytest.mark.parametrize("with_coordinates", [True, False], ids=["coordinates", "no-coordinates"])
def test_ohio_file_from_the_synthetic_county(runner, session, tmp_path, with_coordinates):
    """An Ohio SWVF file becomes one voter per row, one door per address and unit, its
    precincts, elections and vote history; vendor coordinates place the doors, or the doors
    wait for geocoding and the summary says how to get them."""
    county = generate_county(400, seed=11)
    path = tmp_path / "FRANKLIN.txt"
    write_ohio_csv(county, path, with_coordinates=with_coordinates)
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    assert count(session, Voter) == 400
    assert count(session, Door) == len(set(county.voters.door.tolist()))
    assert "rows read            400" in result.output
    assert "voters created       400" in result.output
    placed = session.scalar(select(func.count()).where(Door.lat.is_not(None)))
    if with_coordinates:
        assert placed == count(session, Door)
        statuses = set(session.scalars(select(Door.geocode_status).distinct()))
        assert statuses == {"vendor"}
    else:
        assert placed == 0
        assert "still need coordinates" in result.output
    # Doors of one apartment building share a building key and (when given) a location.
    buildings = session.execute(
        select(Door.building_key, func.count(), func.count(func.distinct(Door.lat)))
        .group_by(Door.building_key).having(func.count() > 1)).all()  # fmt: skip
    assert buildings, "the county has apartment buildings"
    assert all(distinct <= 1 for _, _, distinct in buildings)
    assert count(session, Election) == len(county.elections)
    expected_votes = int((county.voters.history != 0).sum())
    assert count(session, VoteHistory) == expected_votes
    first = next(county.iter_voters())
    v = voter(session, first.state_id)
    assert v.birth_year == first.birth_date.year and v.party == first.party
    assert v.door_id is not None and session.get(Door, v.door_id).precinct_id is not None
    assert count(session, Precinct) == len({county.precincts[p].code for p in county.doors.precinct[county.voters.door]})


@pytest.mark.parametrize("columns", [
    ("LATITUDE", "LONGITUDE"),
    ("Residence_Addresses_Latitude", "Residence_Addresses_Longitude"),
    ("vb.tsmart_latitude", "vb.tsmart_longitude"),
], ids=["plain", "l2", "targetsmart"])  # fmt: skip
def test_vendor_coordinate_columns_and_zero_means_not_geocoded(runner, session, tmp_path, columns):
    """L2 / TargetSmart coordinate columns are read; 0/0 or blank is "not geocoded"."""
    voters = [ohio_voter(1, lat="39.961176", lon="-82.998794"), ohio_voter(2, lat="0", lon="0"),
              ohio_voter(3, lat="", lon="")]  # fmt: skip
    result = run(runner, write_ohio(tmp_path / "oh.csv", voters, coordinates=columns))
    assert result.exit_code == 0, result.output
    doors = {v.state_id: session.get(Door, v.door_id) for v in session.scalars(select(Voter))}
    assert (doors["OH0000000001"].lat, doors["OH0000000001"].lon) == (39.961176, -82.998794)
    assert doors["OH0000000001"].geocode_status == "vendor"
    for sid in ("OH0000000002", "OH0000000003"):
        assert doors[sid].lat is None and doors[sid].geocode_status == "pending"


@pytest.mark.parametrize("with_coordinates", [True, False], ids=["coordinates", "no-coordinates"])
def test_north_carolina_windows_1252_tab_delimited(runner, session, tmp_path, with_coordinates):
    """NC ncvoter: tabs, quotes, Windows-1252 names; the unit inside res_street_address
    becomes the door's unit; a confidential record is skipped with its reason."""
    coords = ("Residence_Addresses_Latitude", "Residence_Addresses_Longitude")
    voters = [
        nc_voter(1, first_name="JOSÉ", last_name="NUÑEZ", res_street_address="12 OBERLIN RD APT 4",
                 lat="35.79", lon="-78.66"),
        nc_voter(2, res_street_address="12 Oberlin Road Apartment 4", lat="35.79", lon="-78.66"),
        nc_voter(3, confidential_ind="Y", res_street_address=""),
    ]  # fmt: skip
    path = write_nc(tmp_path / "ncvoter92.txt", voters, coordinates=coords if with_coordinates else None)
    assert "É".encode("cp1252") in path.read_bytes()
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    jose = voter(session, "EH000001")
    assert (jose.first_name, jose.last_name, jose.birth_year) == ("JOSÉ", "NUÑEZ", 1975)
    assert jose.registered_on == dt.date(2012, 3, 15) and jose.voter_status == "active"
    door = session.get(Door, jose.door_id)
    assert (door.address_line, door.unit, door.zip) == ("12 OBERLIN RD", "APT 4", "27605")
    assert voter(session, "EH000002").door_id == door.id, "same normalised address, same door"
    assert (door.lat is not None) is with_coordinates
    assert session.get(Precinct, door.precinct_id).code == "92-01-07"
    assert count(session, Voter) == 2
    assert "1 row(s) skipped" in result.output
    rejects = read_rejects(f"{path}.rejects.csv")
    assert rejects == [{"file": str(path), "line": "4", "field": "confidential_ind",
                        "message": rejects[0]["message"], "kind": "skipped"}]
    assert "confidential" in rejects[0]["message"]


@pytest.mark.parametrize("with_coordinates", [True, False], ids=["coordinates", "no-coordinates"])
def test_florida_headerless_with_exempt_rows_skipped(runner, session, tmp_path, with_coordinates):
    """Florida: no header, tabs, MM/DD/YYYY dates, ZIP+4 without a dash, blank state; a
    public-records-exempt row is skipped with the reason, not imported, not an error."""
    voters = [
        florida_voter(1, lat="29.65", lon="-82.33"),
        florida_voter(2, **{"Requested public records exemption": "Y",
                            "Residence Address Line 1": "*", "Birth Date": "*"}),
        florida_voter(3, **{"Residence Address Line 2": "Apt 2b", "Party Affiliation": "DEM"}),
    ]  # fmt: skip
    path = write_florida(tmp_path / "ALA_20240101.txt", voters, coordinates=with_coordinates)
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    assert "(florida layout)" in result.output
    assert count(session, Voter) == 2
    one = voter(session, "100000001")
    assert (one.birth_year, one.registered_on, one.voter_status) == (1990, dt.date(2008, 9, 1), "active")
    door = session.get(Door, one.door_id)
    assert (door.address_line, door.city, door.state, door.zip) == ("301 NW 13TH ST", "GAINESVILLE", "FL", "32601")
    assert (door.lat == 29.65) is with_coordinates
    assert session.get(Door, voter(session, "100000003").door_id).unit == "APT 2B"
    rejects = read_rejects(f"{path}.rejects.csv")
    assert [(r["line"], r["field"], r["kind"]) for r in rejects] == [
        ("2", "Requested public records exemption", "skipped")]
    assert "exemption" in rejects[0]["message"]


def test_generic_csv_with_a_mapping_file(runner, session, tmp_path):
    """Any CSV imports through a JSON mapping of voter fields to its columns."""
    path = tmp_path / "list.csv"
    path.write_text("Voter Number;Surname;Given;Street;Apt;Town;Postcode;Born;Lat;Lng\n"
                    "A-1;Smith;Ann;5 Elm Street;;Dayton;45402;03/02/1970;39.76;-84.19\n"
                    "A-2;Jones;Bob;5 Elm St;;Dayton;45402;11/30/1985;;\n", encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({
        "delimiter": ";", "date_format": "%m/%d/%Y", "default_state": "OH",
        "columns": {"state_id": "Voter Number", "last_name": "Surname", "first_name": "Given",
                    "address_line": "Street", "unit": "Apt", "city": "Town", "zip": "Postcode",
                    "birth_date": "Born", "latitude": "Lat", "longitude": "Lng"},
    }))  # fmt: skip
    result = run(runner, path, "--format", "csv", "--mapping", mapping)
    assert result.exit_code == 0, result.output
    ann, bob = voter(session, "A-1"), voter(session, "A-2")
    assert ann.door_id == bob.door_id, "5 Elm Street and 5 Elm St are one door"
    door = session.get(Door, ann.door_id)
    assert (door.address_line, door.state, door.lat) == ("5 ELM ST", "OH", 39.76)
    assert (ann.birth_year, bob.birth_year) == (1970, 1985)


def test_mapping_file_naming_an_unknown_field_is_refused(runner, session, tmp_path):
    """A mapping with a typo is refused before reading, naming the field."""
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"state_id": "ID", "adress_line": "Street"}))
    (tmp_path / "f.csv").write_text("ID,Street\n1,5 Elm St\n")
    result = run(runner, tmp_path / "f.csv", "--mapping", mapping)
    assert result.exit_code == 1
    assert "adress_line" in result.output and count(session, Voter) == 0


def broken_ohio(tmp_path, extra_bad: int = 0):
    voters = [
        ohio_voter(1),
        ohio_voter(2, SOS_VOTERID=""),
        ohio_voter(3, DATE_OF_BIRTH="1980-13-45"),
        ohio_voter(4, RESIDENTIAL_ZIP="4321"),
        ohio_voter(5, **{"GENERAL-11/05/2024": "Y"}),
        ohio_voter(6, lat="north", lon="-83"),
        ohio_voter(7, RESIDENTIAL_ADDRESS1="PO BOX 12"),
        ohio_voter(8),
        ohio_voter(9, SOS_VOTERID="OH0000000008"),
    ] + [ohio_voter(100 + i, REGISTRATION_DATE="soon") for i in range(extra_bad)]
    return write_ohio(tmp_path / "broken.csv", voters, coordinates=("LATITUDE", "LONGITUDE"))


def test_broken_file_stores_nothing_and_reports_each_problem(runner, session, tmp_path):
    """Every kind of bad row is reported with file, line, field and reason; nothing is
    stored; the exit status is non-zero; the first 100 are on screen, all in the rejects file."""
    path = broken_ohio(tmp_path, extra_bad=100)
    result = run(runner, path)
    assert result.exit_code == 1
    assert count(session, Voter) == 0 and count(session, Door) == 0
    assert count(session, Election) == 0 and count(session, Precinct) == 0
    # The import drops secondary indexes while loading a first file; a failed one leaves
    # the schema whole.
    indexes = {i["name"] for i in inspect(session.get_bind()).get_indexes("vote_history")}
    assert "ix_vote_history_election_voter" in indexes
    out = result.output
    assert f"{path}:3 [SOS_VOTERID]: the voter's state id is blank" in out
    assert f"{path}:4 [DATE_OF_BIRTH]: '1980-13-45' is not a date (expected YYYY-MM-DD)" in out
    assert f"{path}:5 [RESIDENTIAL_ZIP]: '4321' is not a 5-digit ZIP code" in out
    assert f"{path}:6 [GENERAL-11/05/2024]: 'Y' is not a vote history value" in out
    assert f"{path}:7 [LATITUDE]: latitude/longitude 'north', '-83' are not numbers" in out
    assert f"{path}:8 [RESIDENTIAL_ADDRESS1]: the street address 'PO BOX 12'" in out
    assert "... and 7 more" in out
    rejects = read_rejects(f"{path}.rejects.csv")
    assert len(rejects) == 107
    assert {"file": str(path), "line": "10", "field": "SOS_VOTERID",
            "message": "state id OH0000000008 is already on line 9", "kind": "rejected"} in rejects
    assert ("110", "REGISTRATION_DATE") in {(r["line"], r["field"]) for r in rejects}


def test_skip_invalid_stores_the_valid_rows(runner, session, tmp_path):
    """--skip-invalid imports the good rows, lists the bad ones, exits 0."""
    path = broken_ohio(tmp_path)
    rejects = tmp_path / "rejects.csv"
    result = run(runner, path, "--skip-invalid", "--rejects", rejects)
    assert result.exit_code == 0, result.output
    assert sorted(session.scalars(select(Voter.state_id))) == ["OH0000000001", "OH0000000008"]
    assert "7 row(s) rejected" in result.output
    assert len(read_rejects(rejects)) == 7


def test_reimport_moves_voters_inactivates_the_gone_and_keeps_canvass_history(runner, session, tmp_path, factory):
    """A newer file, matched by state id: a changed address moves the voter to the right
    door, a voter no longer listed turns inactive, and every canvass report and contact
    history row made before stays exactly as it was."""
    first = [ohio_voter(1), ohio_voter(2), ohio_voter(3), ohio_voter(4, PARTY_AFFILIATION="R")]
    assert run(runner, write_ohio(tmp_path / "v1.csv", first)).exit_code == 0
    mover = voter(session, "OH0000000001")
    old_door = mover.door_id
    canvasser = factory.user()
    now = dt.datetime.now(dt.UTC)
    report = CanvassReport(uuid="8b0c2f0e-0000-4000-8000-000000000001", body_hash="h",
                           door_id=old_door, canvasser_id=canvasser.id, result_code="canvassed",
                           recorded_at=now, effective_at=now, body={"note": "supports us"})
    history = ContactHistory(subject=f"v{mover.id}", door_id=old_door, voter_id=mover.id,
                             status="canvassed", attempts=1, effective_at=now)
    session.add_all([report, history])
    session.commit()
    before = [(r.id, r.door_id, r.body) for r in session.scalars(select(CanvassReport))]
    history_before = [(h.id, h.voter_id, h.door_id, h.status, h.attempts)
                      for h in session.scalars(select(ContactHistory))]

    # A door made by hand after the first import gets a fresh id: the import's own
    # numbering left the id sequence past the ids it used.
    extra = factory.door(address_line="1 EXTRA ST")
    assert extra.id > max(session.scalars(select(Voter.door_id)))
    assert count(session, VoteHistory) == 12
    second = [ohio_voter(1, RESIDENTIAL_ADDRESS1="77 Oak Avenue", RESIDENTIAL_SECONDARY_ADDR="Apt 3"),
              ohio_voter(2, **{"GENERAL-11/05/2024": ""}), ohio_voter(4, PARTY_AFFILIATION="D"),
              ohio_voter(5)]  # fmt: skip
    result = run(runner, write_ohio(tmp_path / "v2.csv", second))
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert "voters created       1" in result.output
    assert "voters updated       2" in result.output, "1 moved, 4 changed party; 2 unchanged"
    assert "voters inactivated   1" in result.output
    mover = voter(session, "OH0000000001")
    new_door = session.get(Door, mover.door_id)
    assert (new_door.address_line, new_door.unit) == ("77 OAK AVE", "APT 3")
    assert mover.id == history.voter_id, "the voter keeps their id, so their history follows"
    assert voter(session, "OH0000000003").is_active is False
    assert voter(session, "OH0000000004").party == "D"
    # History: the new voter's 3 votes added, the vote the newer file took back removed,
    # the inactive voter's history kept.
    assert count(session, VoteHistory) == 12 + 3 - 1
    assert len(voter(session, "OH0000000003").votes) == 3
    assert session.get(Door, old_door) is not None
    assert [(r.id, r.door_id, r.body) for r in session.scalars(select(CanvassReport))] == before
    assert [(h.id, h.voter_id, h.door_id, h.status, h.attempts)
            for h in session.scalars(select(ContactHistory))] == history_before
    # The voter who was gone comes back active when a later file lists them again.
    assert run(runner, write_ohio(tmp_path / "v3.csv", first)).exit_code == 0
    session.expire_all()
    assert voter(session, "OH0000000003").is_active is True


def test_a_file_missing_most_voters_is_refused_unless_told(runner, session, tmp_path):
    """A re-import that would mark more than 10% (and more than 100) of the active voters
    inactive stores nothing and says why and what to pass; --keep-missing takes it as a file
    of additions and changes; --max-inactivated takes it as the whole new list."""
    first = [ohio_voter(n) for n in range(1, 151)]
    assert run(runner, write_ohio(tmp_path / "v1.csv", first)).exit_code == 0
    update = [ohio_voter(1, LAST_NAME="NEWNAME"), ohio_voter(2), ohio_voter(151)]
    path = write_ohio(tmp_path / "update.csv", update)

    def state() -> list[tuple]:
        session.expire_all()
        return session.execute(select(Voter.state_id, Voter.last_name, Voter.is_active)
                               .order_by(Voter.state_id)).all()  # fmt: skip

    before = state()
    result = run(runner, path)
    assert result.exit_code == 1
    assert "does not list 148 of the 150 active voters (99%)" in result.output
    assert "--keep-missing" in result.output and "--max-inactivated 99" in result.output
    assert "Nothing was imported" in result.output
    assert state() == before

    result = run(runner, path, "--keep-missing")
    assert result.exit_code == 0, result.output
    assert "voters created       1" in result.output
    assert "voters inactivated   0" in result.output
    assert "not in file, kept    148" in result.output
    assert voter(session, "OH0000000001").last_name == "NEWNAME"
    assert session.scalar(select(func.count()).where(Voter.is_active.is_(False))) == 0

    # As the whole new list: 148 of the 151 active voters gone (98%), as the organizer allows.
    result = run(runner, path, "--max-inactivated", "99")
    assert result.exit_code == 0, result.output
    assert "voters inactivated   148" in result.output
    session.expire_all()
    assert session.scalar(select(func.count()).where(Voter.is_active)) == 3


def test_interrupted_import_leaves_the_database_as_it_was(session, tmp_path):
    """An import stopped half-way (Ctrl-C during reading) changes nothing once rolled back,
    even though elections, staging rows and a first batch were already written."""
    from backend.services.imports import import_voters

    import_voters(session, write_ohio(tmp_path / "v1.csv", [ohio_voter(1), ohio_voter(2)]), None)
    session.commit()
    snapshot = sorted((v.state_id, v.door_id, v.is_active) for v in session.scalars(select(Voter)))
    bigger = [ohio_voter(1, RESIDENTIAL_ADDRESS1="9 Pine St")] + [ohio_voter(n) for n in range(3, 40)]
    path = write_ohio(tmp_path / "v2.csv", bigger)
    calls = []

    def stop(done, total):
        calls.append(done)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_voters(session, path, None, progress=stop, batch_rows=10)
    session.rollback()
    assert sorted((v.state_id, v.door_id, v.is_active) for v in session.scalars(select(Voter))) == snapshot
    assert count(session, Door) == 2 and count(session, VoteHistory) == 6


def test_doors_without_a_precinct_code_are_placed_by_precinct_polygon(runner, session, tmp_path, factory):
    """When precinct polygons exist and the file has no precinct code, each door with
    coordinates lands in the precinct whose polygon contains it."""
    square = {"type": "Polygon", "coordinates": [[[-83.1, 39.9], [-82.9, 39.9], [-82.9, 40.1],
                                                  [-83.1, 40.1], [-83.1, 39.9]]]}  # fmt: skip
    factory.precinct("CENTRAL", polygon=square, min_lon=-83.1, min_lat=39.9, max_lon=-82.9, max_lat=40.1)
    voters = [ohio_voter(1, PRECINCT_CODE="", lat="40.0", lon="-83.0"),
              ohio_voter(2, PRECINCT_CODE="", lat="41.5", lon="-81.7")]  # fmt: skip
    result = run(runner, write_ohio(tmp_path / "oh.csv", voters, coordinates=("LATITUDE", "LONGITUDE")))
    assert result.exit_code == 0, result.output
    inside = session.get(Door, voter(session, "OH0000000001").door_id)
    outside = session.get(Door, voter(session, "OH0000000002").door_id)
    assert session.get(Precinct, inside.precinct_id).code == "CENTRAL"
    assert outside.precinct_id is None


def test_unknown_layout_is_explained(runner, session, tmp_path):
    """A file that is none of the known layouts says so and points at --mapping."""
    path = tmp_path / "x.csv"
    path.write_text("id,name\n1,Ann\n")
    result = run(runner, path)
    assert result.exit_code == 1 and "--format csv --mapping" in result.output


def test_the_safety_check_counts_the_voters_active_before_the_file(runner, session, tmp_path):
    """The share of voters a file leaves out is of those active before it: a voter the file
    brings back is not one of them."""
    first = [ohio_voter(n) for n in range(1, 201)]
    assert run(runner, write_ohio(tmp_path / "v1.csv", first)).exit_code == 0
    # Voter 1 goes: 199 active.
    assert run(runner, write_ohio(tmp_path / "v2.csv", first[1:])).exit_code == 0
    # Back comes voter 1; 150 of the 199 are left out.
    result = run(runner, write_ohio(tmp_path / "v3.csv", first[:50]))
    assert result.exit_code == 1
    assert "does not list 150 of the 199 active voters" in result.output, result.output


def accepted(session, factory, kind: str, state_id: str = "OH0000000001", **details):
    """A correction of ``kind`` at ``state_id``'s door, reported and accepted."""
    from backend.models import FieldCorrection
    from backend.services import corrections

    organizer, canvasser = factory.user("organizer"), factory.user()
    subject = voter(session, state_id)
    report = factory.report(session.get(Door, subject.door_id), canvasser, result_code=None)
    row = FieldCorrection(canvass_report_id=report.id, door_id=subject.door_id, kind=kind,
                          voter_id=subject.id if kind == "moved" else None, details=details)
    session.add(row)
    session.flush()
    corrections.accept(session, row.id, organizer)
    session.commit()
    return row


def test_a_reimport_keeps_a_person_added_from_the_field(runner, session, tmp_path, factory):
    """No vendor file lists a person added from the field: a newer file leaves them active
    and does not count them among the voters it inactivates."""
    first = [ohio_voter(n) for n in (1, 2, 3)]
    assert run(runner, write_ohio(tmp_path / "v1.csv", first)).exit_code == 0
    door = voter(session, "OH0000000001").door_id
    added = accepted(session, factory, "new_person", first_name="Ada", last_name="Byron")

    result = run(runner, write_ohio(tmp_path / "v2.csv", first[1:]))
    assert result.exit_code == 0, result.output
    assert "voters inactivated   1" in result.output, "voter 1 only"
    session.expire_all()
    person = voter(session, f"FIELD-{added.id}")
    assert (person.is_active, person.voter_status, person.door_id) == (True, "field", door)


def test_a_confirmed_move_holds_until_the_file_shows_a_new_address(runner, session, tmp_path,
                                                                   factory):
    """A move accepted from the field holds while a newer file still shows the voter at the
    same address (the file's other fields still apply); the file's new address wins, and the
    voter is active there."""
    first = [ohio_voter(n) for n in (1, 2, 3)]
    assert run(runner, write_ohio(tmp_path / "v1.csv", first)).exit_code == 0
    door = voter(session, "OH0000000001").door_id
    accepted(session, factory, "moved")

    second = [ohio_voter(1, PARTY_AFFILIATION="R"), ohio_voter(2), ohio_voter(3)]
    result = run(runner, write_ohio(tmp_path / "v2.csv", second))
    assert result.exit_code == 0, result.output
    assert "voters updated       1" in result.output
    session.expire_all()
    mover = voter(session, "OH0000000001")
    assert (mover.is_active, mover.voter_status, mover.door_id) == (False, "moved", door)
    assert mover.party == "R", "the file's other fields still apply"

    # The same file again: a move that holds is no change.
    result = run(runner, write_ohio(tmp_path / "v3.csv", second))
    assert result.exit_code == 0, result.output
    assert "voters updated       0" in result.output

    third = [ohio_voter(1, RESIDENTIAL_ADDRESS1="77 Oak Avenue"), ohio_voter(2), ohio_voter(3)]
    assert run(runner, write_ohio(tmp_path / "v4.csv", third)).exit_code == 0
    session.expire_all()
    mover = voter(session, "OH0000000001")
    assert (mover.is_active, mover.voter_status) == (True, "active")
    assert session.get(Door, mover.door_id).address_line == "77 OAK AVE"


@pytest.mark.parametrize("writer", ["ohio", "nc"])
def test_a_file_saved_with_a_utf8_byte_order_mark_is_recognised_and_read(runner, session,
                                                                         tmp_path, writer):
    """Excel's "CSV UTF-8" starts the file with a byte-order mark: the layout is still
    recognised from the first line, the first column keeps its name, and the names are read
    as UTF-8 even where the layout's usual encoding is Windows-1252."""
    path = tmp_path / "list.txt"
    if writer == "ohio":
        write_ohio(path, [ohio_voter(1, LAST_NAME="MÜLLER"), ohio_voter(2, LAST_NAME="PEÑA")])
    else:
        write_nc(path, [nc_voter(1, last_name="MÜLLER"), nc_voter(2, last_name="PEÑA")])
        path.write_bytes(path.read_bytes().decode("cp1252").encode("utf-8"))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    assert sorted(session.scalars(select(Voter.last_name))) == ["MÜLLER", "PEÑA"]


def test_zip_codes_that_lost_their_leading_zeros_in_a_spreadsheet(runner, session, tmp_path):
    """In a state whose ZIP codes start with 0, a ZIP code a spreadsheet turned into a
    number (02139 -> 2139, ZIP+4 021391234 -> 21391234) is read as the ZIP code it was, so
    those voters share one door. (In Ohio, 4321 stays refused: see broken_ohio.)"""
    ma = {"RESIDENTIAL_ADDRESS1": "12 Main St", "RESIDENTIAL_CITY": "CAMBRIDGE",
          "RESIDENTIAL_STATE": "MA"}  # fmt: skip
    path = write_ohio(tmp_path / "SWVF.txt", [
        ohio_voter(1, RESIDENTIAL_ZIP="02139", **ma),
        ohio_voter(2, RESIDENTIAL_ZIP="2139", **ma),
        ohio_voter(3, RESIDENTIAL_ZIP="21391234", **ma),
        ohio_voter(4, RESIDENTIAL_ZIP="2139-0001", **ma),
    ])  # fmt: skip
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    assert session.execute(select(Door.zip, Door.address_line)).all() == [("02139", "12 MAIN ST")]


def test_mapped_columns_match_whatever_their_case_and_spacing(runner, session, tmp_path):
    """A spreadsheet's header spelled ``VOTER  NUMBER`` or ``street`` still matches the
    mapping's ``Voter Number`` and ``Street``."""
    path = tmp_path / "list.csv"
    path.write_text("VOTER  NUMBER,Surname ,street,ZIP\nA-1,Smith,5 Elm St,45402\n", encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"default_state": "OH", "columns": {
        "state_id": "Voter Number", "last_name": "Surname", "address_line": "Street",
        "zip": "Zip"}}))
    result = run(runner, path, "--format", "csv", "--mapping", mapping)
    assert result.exit_code == 0, result.output
    assert voter(session, "A-1").last_name == "Smith"


def test_a_mapped_column_named_twice_in_the_header_is_refused(runner, session, tmp_path):
    """A header with two ``Address`` columns (a residence and a mailing address, say) is
    refused naming both, rather than silently reading the last one."""
    path = tmp_path / "list.csv"
    path.write_text("ID,Address,City,Address\nA-1,5 Elm St,Dayton,PO Box 7\n", encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"default_state": "OH", "columns": {
        "state_id": "ID", "address_line": "Address", "city": "City"}}))
    result = run(runner, path, "--format", "csv", "--mapping", mapping)
    assert result.exit_code == 1
    assert f"{path}:1 [Address]: the header has 2 columns named 'Address' (columns 2, 4)" in (
        result.output)
    assert count(session, Voter) == 0


def test_one_unit_spelled_several_ways_is_one_door(runner, session, tmp_path):
    """``Apt 2B``, ``#2B``, ``Unit 2-B`` and ``2B`` at one address are one door, in one file
    and when a newer file spells the unit another way; ``1-2`` is not unit 12."""
    def unit(n: int, spelled: str) -> dict:
        return ohio_voter(n, RESIDENTIAL_ADDRESS1="12 Main St", RESIDENTIAL_SECONDARY_ADDR=spelled)

    spellings = ["Apt 2B", "#2B", "Unit 2-B", "2B", "Apt 12", "Apt 1-2"]
    path = write_ohio(tmp_path / "SWVF.txt", [unit(n, s) for n, s in enumerate(spellings, 1)])
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    doors = sorted(session.execute(select(Door.id, Door.unit)).all(), key=lambda d: d.unit)
    assert [d.unit for d in doors] == ["APT 1-2", "APT 12", "APT 2B"]
    two_b = next(d.id for d in doors if d.unit == "APT 2B")
    assert {voter(session, f"OH{n:010d}").door_id for n in range(1, 5)} == {two_b}
    session.expire_all()

    newer = write_ohio(tmp_path / "SWVF2.txt", [unit(n, "# 2-b") for n in range(1, 5)]
                       + [unit(5, "Apt 12"), unit(6, "Apt 1-2")])  # fmt: skip
    result = run(runner, newer)
    assert result.exit_code == 0, result.output
    assert count(session, Door) == 3
    assert {voter(session, f"OH{n:010d}").door_id for n in range(1, 5)} == {two_b}


def test_an_excel_csv_with_line_breaks_inside_fields(runner, session, tmp_path):
    """Excel writes CRLF and keeps a line break typed inside a cell in quotes: the name is
    stored with a space, and a problem after it is reported on its real line."""
    path = tmp_path / "list.csv"
    path.write_bytes(b"ID,First,Last,Street,ZIP\r\n"
                     b'A-1,"Mary\r\nAnn",Smith,5 Elm St,45402\r\n'
                     b"A-2,Bob,Jones,PO Box 9,45402\r\n")  # fmt: skip
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"default_state": "OH", "columns": {
        "state_id": "ID", "first_name": "First", "last_name": "Last", "address_line": "Street",
        "zip": "ZIP"}}))
    result = run(runner, path, "--format", "csv", "--mapping", mapping, "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert voter(session, "A-1").first_name == "Mary Ann"
    assert [(r["line"], r["field"]) for r in read_rejects(f"{path}.rejects.csv")] == [
        ("4", "Street")]


def test_a_state_id_a_spreadsheet_turned_into_scientific_notation_is_refused(runner, session,
                                                                            tmp_path):
    """Excel shows a long numeric id as 1.23457E+11 and saves it so: the digits are gone, so
    the row is refused saying why, not stored (or reported as a repeat of another id)."""
    path = tmp_path / "list.csv"
    path.write_text("ID,Street,ZIP\n1.23457E+11,5 Elm St,45402\n1.23457E+11,7 Elm St,45402\n"
                    "123456789012,9 Elm St,45402\n")  # fmt: skip
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"default_state": "OH", "columns": {
        "state_id": "ID", "address_line": "Street", "zip": "ZIP"}}))
    result = run(runner, path, "--format", "csv", "--mapping", mapping)
    assert result.exit_code == 1
    assert (f"{path}:2 [ID]: state id 1.23457E+11 is a number a spreadsheet rewrote in "
            "scientific notation") in result.output
    assert [(r["line"], r["field"]) for r in read_rejects(f"{path}.rejects.csv")] == [
        ("2", "ID"), ("3", "ID")]
    assert count(session, Voter) == 0
