"""The synthetic county: deterministic, realistic enough to judge turfs on, a valid Ohio file."""

from __future__ import annotations

import csv
import datetime as dt
import doctest
import io
import itertools
import re
from collections import Counter, defaultdict

import numpy as np
import pytest
import shapely

from backend.demo import county as county_module
from backend.demo.county import (
    FILE_DATE,
    HISTORY_VALUES,
    OHIO_COLUMNS,
    PARTIES,
    decode_history,
    generate_county,
    write_ohio_csv,
)

# FORMATS.md section 1, the Ohio SWVF header up to the history columns, copied by hand.
OHIO_HEADER = (
    '"SOS_VOTERID","COUNTY_NUMBER","COUNTY_ID","LAST_NAME","FIRST_NAME","MIDDLE_NAME","SUFFIX",'
    '"DATE_OF_BIRTH","REGISTRATION_DATE","VOTER_STATUS","PARTY_AFFILIATION","RESIDENTIAL_ADDRESS1",'
    '"RESIDENTIAL_SECONDARY_ADDR","RESIDENTIAL_CITY","RESIDENTIAL_STATE","RESIDENTIAL_ZIP",'
    '"RESIDENTIAL_ZIP_PLUS4","RESIDENTIAL_COUNTRY","RESIDENTIAL_POSTALCODE","MAILING_ADDRESS1",'
    '"MAILING_SECONDARY_ADDRESS","MAILING_CITY","MAILING_STATE","MAILING_ZIP","MAILING_ZIP_PLUS4",'
    '"MAILING_COUNTRY","MAILING_POSTAL_CODE","CAREER_CENTER","CITY","CITY_SCHOOL_DISTRICT",'
    '"COUNTY_COURT_DISTRICT","CONGRESSIONAL_DISTRICT","COURT_OF_APPEALS",'
    '"EDU_SERVICE_CENTER_DISTRICT","EXEMPTED_VILL_SCHOOL_DISTRICT","LIBRARY",'
    '"LOCAL_SCHOOL_DISTRICT","MUNICIPAL_COURT_DISTRICT","PRECINCT_NAME","PRECINCT_CODE",'
    '"STATE_BOARD_OF_EDUCATION","STATE_REPRESENTATIVE_DISTRICT","STATE_SENATE_DISTRICT",'
    '"TOWNSHIP","VILLAGE","WARD"'
)
M_PER_DEG_LAT, M_PER_DEG_LON = 111_035.0, 85_394.0


@pytest.fixture(scope="module")
def county():
    return generate_county()


def metres(c, idx=slice(None)):
    d = c.doors
    return np.column_stack([d.lon[idx] * M_PER_DEG_LON, d.lat[idx] * M_PER_DEG_LAT])


def nearest(points: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Distance from each point to its nearest other point (excluding itself when the same)."""
    dist = np.hypot(*(points[:, None, :] - others[None, :, :]).transpose(2, 0, 1))
    dist[dist == 0] = np.inf
    return dist.min(axis=1)


def test_the_module_doctests_pass():
    """The examples in the docstrings run and hold."""
    result = doctest.testmod(county_module, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5 and result.failed == 0


def test_same_seed_same_county_and_other_seed_differs():
    """A seed fixes every column; another seed gives another county."""
    a, b, other = (generate_county(1500, seed=s) for s in (11, 11, 12))
    for table in ("doors", "voters"):
        for name in getattr(a, table).__dataclass_fields__:
            assert np.array_equal(
                getattr(getattr(a, table), name), getattr(getattr(b, table), name)
            ), name
    assert [p.polygon.wkt for p in a.precincts] == [p.polygon.wkt for p in b.precincts]
    assert [p.code for p in a.precincts] == [p.code for p in b.precincts]
    assert not np.array_equal(a.doors.lon[:100], other.doors.lon[:100])


@pytest.mark.parametrize("voters", [1, 37, 1500, 5000])
def test_voter_count_is_exact(voters):
    c = generate_county(voters, seed=voters)
    assert len(c.voters) == voters
    assert set(np.unique(c.voters.door)) == set(range(len(c.doors))), "every door has a voter"


@pytest.mark.parametrize("bad", [0, -5, 2.5, "10", True])
def test_bad_arguments_are_named(bad):
    with pytest.raises(ValueError, match="voters"):
        generate_county(bad)
    with pytest.raises(ValueError, match="seed"):
        generate_county(10, seed=-1)


def test_default_county_is_near_columbus_with_10_to_30_precincts(county):
    assert len(county.voters) == 5000
    assert 10 <= len(county.precincts) <= 30
    codes = [p.code for p in county.precincts]
    assert len(set(codes)) == len(codes) and all(re.fullmatch(r"\d{2,}-[A-D]", c) for c in codes)
    assert len({p.name for p in county.precincts}) == len(codes)
    lon, lat = county.doors.lon, county.doors.lat
    assert -83.3 < lon.min() and lon.max() < -82.7 and 39.8 < lat.min() and lat.max() < 40.2
    assert shapely.contains_xy(county.boundary, lon, lat).all()
    # the precincts tile the county
    union = shapely.union_all([p.polygon for p in county.precincts])
    assert abs(union.area - county.boundary.area) < 1e-9 * max(1.0, county.boundary.area) + 1e-12


def test_every_door_lies_in_its_precinct(county):
    d = county.doors
    for p, shape in enumerate(county.precincts):
        mine = d.precinct == p
        assert mine.any(), shape.code
        assert shapely.intersects_xy(shape.polygon, d.lon[mine], d.lat[mine]).all(), shape.code


def test_major_roads_are_barriers_about_a_kilometre_apart(county):
    assert county.major_roads
    pts = metres(county)
    roads = [
        shapely.transform(r, lambda c: c * [M_PER_DEG_LON, M_PER_DEG_LAT])
        for r in county.major_roads
    ]
    xs = sorted(r.coords[0][0] for r in roads if r.coords[0][0] == r.coords[-1][0])
    assert all(800 < b - a < 1250 for a, b in itertools.pairwise(xs))
    distance = shapely.distance(shapely.MultiLineString(roads), shapely.points(pts))
    assert distance.min() > 20, "no door stands on a major road"


def test_doors_face_each_other_across_residential_streets(county):
    """Both sides of a street are lived on: even numbers on one, odd on the other, ~30 m apart."""
    d = county.doors
    houses = np.flatnonzero(d.kind == "house")
    by_street: dict[str, list[int]] = defaultdict(list)
    for i in houses.tolist():
        by_street[d.street[i]].append(i)
    pts = metres(county)
    both_sides, across = 0, []
    for idx in by_street.values():
        idx = np.array(idx)
        odd = np.array([int(n) % 2 == 1 for n in d.house_number[idx]])
        if len(idx) >= 8:
            both_sides += bool(odd.any() and (~odd).any())
        if odd.any() and (~odd).any():
            across.append(nearest(pts[idx[odd]], pts[idx[~odd]]))
    streets = sum(len(i) >= 8 for i in by_street.values())
    assert both_sides >= 0.95 * streets
    across = np.concatenate(across)
    assert 26 < np.median(across) < 40, np.median(across)
    # along one side, neighbours are 10-25 m apart and numbers rise along the street
    gaps = []
    for idx in by_street.values():
        for parity in (0, 1):
            side = [i for i in idx if int(d.house_number[i]) % 2 == parity]
            numbers = [int(d.house_number[i]) for i in side]
            assert len(set(numbers)) == len(numbers), "one address per house"
            if len(side) > 2:
                order = np.argsort(numbers)
                p = pts[np.array(side)[order]]
                gaps.append(np.hypot(*np.diff(p, axis=0).T))
    gaps = np.concatenate(gaps)
    assert 10 <= np.median(gaps) <= 28, np.median(gaps)


def test_some_apartment_buildings_hold_many_units_at_one_address(county):
    d = county.doors
    apartments = np.flatnonzero(d.kind == "apartment")
    buildings = Counter(zip(d.house_number[apartments], d.street[apartments], d.city[apartments]))
    assert max(buildings.values()) >= 20 and max(buildings.values()) <= 120
    for (number, street, city), units in buildings.items():
        mine = apartments[(d.house_number[apartments] == number) & (d.street[apartments] == street)]
        assert len(set(zip(d.lon[mine], d.lat[mine]))) == 1, "one building, one coordinate"
        assert all(re.fullmatch(r"APT \d{1,2}[A-J]", u) for u in d.unit[mine])
        assert len(set(d.unit[mine])) == units
    assert (d.unit[d.kind != "apartment"] == "").all()


def test_rural_doors_are_hundreds_of_metres_apart(county):
    rural = np.flatnonzero(county.doors.kind == "rural")
    assert len(rural) >= 10
    pts = metres(county, rural)
    assert np.median(nearest(pts, pts)) > 100
    houses = metres(county, np.flatnonzero(county.doors.kind == "house"))[:1500]
    assert np.median(nearest(houses, houses)) < 30


def test_addresses_are_complete_and_unique(county):
    d = county.doors
    assert set(d.state) == {"OH"}
    assert all(re.fullmatch(r"43\d{3}", z) for z in set(d.zip))
    assert len(set(d.city)) >= 2
    assert all(re.fullmatch(r"[1-9]\d*", n) for n in d.house_number)
    types = Counter(s.rsplit(" ", 1)[1] for s in set(d.street))
    assert {"RD", "CT"} <= set(types) and {"ST", "AVE"} & set(types) and set(types) <= {
        "ST", "AVE", "RD", "DR", "LN", "CT", "BLVD", "WAY", "PL", "CIR"}  # fmt: skip
    keys = list(zip(d.house_number, d.street, d.unit, d.city))
    assert len(set(keys)) == len(keys)


def test_voters_per_door_people_and_dates_are_plausible(county):
    v = county.voters
    sizes = np.bincount(v.door)
    assert sizes.min() >= 1 and sizes.max() <= 6
    share = np.bincount(sizes, minlength=7)[1:] / len(sizes)
    assert share[:3].sum() > 0.85 and share[0] > 0.25
    file_day = np.datetime64(FILE_DATE, "D")
    age = (file_day - v.birth_date).astype(np.int64) / 365.25
    assert age.min() >= 18 and age.max() < 96
    assert (v.birth_year >= 1930).all() and (v.birth_year <= 2008).all()
    assert (v.registered_at >= v.birth_date + np.timedelta64(6574, "D")).all()
    assert (v.registered_at < file_day).all()
    assert len(set(v.state_id)) == len(v) and all(re.fullmatch(r"OH\d{10}", s) for s in v.state_id)
    assert set(v.status) <= {"ACTIVE", "CONFIRMATION"} and (v.status == "ACTIVE").mean() > 0.9
    # most people at a door share its last name
    head = np.r_[True, v.door[1:] != v.door[:-1]]
    same = v.last_name[~head] == v.last_name[np.flatnonzero(~head) - 1]
    assert same.mean() > 0.6
    assert len(set(v.first_name)) > 60 and len(set(v.last_name)) > 100
    assert set(v.party) <= set(PARTIES)
    party = Counter(v.party)
    assert party["D"] > 0.1 * len(v) and party["R"] > 0.05 * len(v) and party[""] > 0.3 * len(v)


def test_history_values_follow_ohio_rules(county):
    v = county.voters
    elections = county.elections
    assert [e.date for e in elections] == sorted(e.date for e in elections)
    assert {e.kind for e in elections} == {"general", "primary", "special"}
    values = decode_history(v.history)
    assert v.history.shape == (len(v), len(elections)) and v.history.dtype == np.int8
    for e, election in enumerate(elections):
        column = set(values[:, e])
        if election.kind == "primary":
            assert column <= {"", "C", "D", "E", "G", "L", "N", "R", "S"}, election.column
        else:
            assert column <= {"", "X"}, election.column
        # nobody votes before registering
        day = np.datetime64(election.date, "D")
        assert not (v.history[v.registered_at > day, e]).any()
        turnout = (v.history[:, e] > 0).mean()
        assert 0.03 < turnout < 0.9
    general = [e for e, el in enumerate(elections) if el.kind == "general"]
    # turnout rises with age
    age = (np.datetime64(FILE_DATE, "D") - v.birth_date).astype(np.int64) / 365.25
    votes = (v.history[:, general] > 0).sum(axis=1)
    assert votes[age > 60].mean() > votes[age < 30].mean() + 1
    # an affiliation comes from the latest primary ballot in the last two calendar years
    recent = [
        e
        for e, el in enumerate(elections)
        if el.kind == "primary" and el.date >= dt.date(2024, 1, 1)
    ]
    for i in range(len(v)):
        ballots = [HISTORY_VALUES[c] for c in v.history[i, recent] if c]
        assert v.party[i] == (ballots[-1] if ballots else "")
    voter = next(county.iter_voters())
    assert all(HISTORY_VALUES[v.history[0, e]] == value for e, value in voter.history)


def test_records_match_the_tables(county):
    doors = list(county.iter_doors())
    voters = list(county.iter_voters())
    assert len(doors) == len(county.doors) and len(voters) == len(county.voters)
    d, v = doors[123], voters[456]
    assert (d.street, d.lon, d.precinct) == (
        county.doors.street[123],
        county.doors.lon[123],
        county.doors.precinct[123],
    )
    assert v.birth_date == county.voters.birth_date[456].item() and isinstance(
        v.registered_at, dt.date
    )
    with pytest.raises(AttributeError):
        d.street = "ELSEWHERE"  # type: ignore[misc]
    with pytest.raises(ValueError):
        county.doors.lon[0] = 0.0


@pytest.mark.parametrize("with_coordinates", [False, True])
def test_ohio_csv_has_the_swvf_header_quoted_fields_and_one_row_per_voter(
    county, with_coordinates, tmp_path
):
    path = tmp_path / "FRANKLIN.csv"
    write_ohio_csv(county, path, with_coordinates=with_coordinates)
    lines = path.read_text(encoding="utf-8").splitlines()
    history = ",".join(f'"{e.column}"' for e in county.elections)
    expected = OHIO_HEADER + "," + history + (',"LATITUDE","LONGITUDE"' if with_coordinates else "")
    assert lines[0] == expected
    assert list(OHIO_COLUMNS) == [c.strip('"') for c in OHIO_HEADER.split(",")]
    assert '"GENERAL-11/05/2024"' in lines[0] and '"PRIMARY-03/19/2024"' in lines[0]
    assert len(lines) == len(county.voters) + 1
    field = r'"[^"]*"'
    width = len(expected.split(","))
    row = re.compile(rf"{field}(,{field}){{{width - 1}}}")
    assert all(row.fullmatch(line) for line in lines)

    records = list(csv.DictReader(io.StringIO("\n".join(lines))))
    first, v, d = records[0], county.voters, county.doors
    door = v.door[0]
    assert first["SOS_VOTERID"] == v.state_id[0] and first["COUNTY_NUMBER"] == "25"
    assert first["RESIDENTIAL_ADDRESS1"] == f"{d.house_number[door]} {d.street[door]}"
    assert first["PRECINCT_CODE"] == county.precincts[d.precinct[door]].code
    assert first["PRECINCT_NAME"] == county.precincts[d.precinct[door]].name
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", first["DATE_OF_BIRTH"])
    units = [r["RESIDENTIAL_SECONDARY_ADDR"] for r in records if r["RESIDENTIAL_SECONDARY_ADDR"]]
    assert units and all(re.fullmatch(r"APT \d{1,2}[A-J]", u) for u in units)
    values = Counter(r[e.column] for r in records for e in county.elections)
    assert set(values) <= {"", "X", "D", "R", "L", "G"} and values["X"] > 0 and values["D"] > 0
    if with_coordinates:
        assert float(records[0]["LATITUDE"]) == pytest.approx(d.lat[door], abs=1e-6)
        assert float(records[0]["LONGITUDE"]) == pytest.approx(d.lon[door], abs=1e-6)
    else:
        assert "LATITUDE" not in records[0]


def test_ohio_csv_writes_to_an_open_file():
    out = io.StringIO()
    write_ohio_csv(generate_county(30, seed=2), out)
    assert len(out.getvalue().splitlines()) == 31
