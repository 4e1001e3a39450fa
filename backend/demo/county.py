"""A seeded synthetic county: doors along streets, voters at doors, precincts and vote history.

The county is built to judge turf cutting and voter-file import on, so its geometry follows the
calibration in the turf guide (TURFS.md section 4): a grid of roughly 1 km tiles bounded by major
roads (returned as barriers), with an urban core (short blocks, 9-14 m lots, apartment buildings of
8-120 units at one address), suburban tiles (curving collectors with cul-de-sacs, 15-25 m lots) and
rural tiles (a road or two with farmhouses hundreds of metres apart).  Doors stand about 15 m either
side of the street centreline; house numbers rise along the street, even on one side and odd on the
other.  Not every lot holds registered voters: a seeded share of lots is left out so that the voter
count comes out exact.

Everything is columnar (numpy arrays), so a million voters take a few hundred megabytes and well
under a minute.  The module is pure: numpy, shapely and the standard library only.

>>> county = generate_county(2000, seed=7)
>>> len(county.voters), 10 <= len(county.precincts) <= 30
(2000, True)
>>> door = next(county.iter_doors())
>>> door.state, door.kind in DOOR_KINDS
('OH', True)
>>> voter = next(county.iter_voters())
>>> voter.state_id[:2], len(voter.state_id)
('OH', 12)
>>> [e.column for e in county.elections][:2]
['GENERAL-11/03/2020', 'PRIMARY-05/03/2022']
>>> generate_county(2000, seed=7).voters.state_id[0] == county.voters.state_id[0]
True
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPoint, Polygon, box

__all__ = [
    "COUNTY_CENTRE",
    "DOOR_KINDS",
    "HISTORY_VALUES",
    "OHIO_COLUMNS",
    "PARTIES",
    "County",
    "Door",
    "DoorTable",
    "Election",
    "PrecinctShape",
    "Voter",
    "VoterTable",
    "decode_history",
    "generate_county",
    "write_ohio_csv",
]

#: (lon, lat) of the county centre: Columbus, Ohio.
COUNTY_CENTRE: tuple[float, float] = (-83.0, 40.0)
COUNTY_NUMBER = 25  # FRANKLIN in Ohio's alphabetical county numbering
COUNTY_NAME = "FRANKLIN"
STATE = "OH"
#: Date the synthetic file is "published": ages and history are as of this day.
FILE_DATE = dt.date(2026, 6, 1)

DOOR_KINDS: tuple[str, ...] = ("house", "apartment", "rural")
#: Party affiliation values as in the Ohio file ("" is unaffiliated).
PARTIES: tuple[str, ...] = ("", "D", "R", "L", "G")
#: History codes: ``VoterTable.history`` holds indexes into this tuple (0 = did not vote).
HISTORY_VALUES: tuple[str, ...] = ("", "X", "C", "D", "E", "G", "L", "N", "R", "S")

#: The Ohio SWVF columns before the per-election history columns, in file order (FORMATS.md 1).
OHIO_COLUMNS: tuple[str, ...] = (
    "SOS_VOTERID", "COUNTY_NUMBER", "COUNTY_ID", "LAST_NAME", "FIRST_NAME", "MIDDLE_NAME",
    "SUFFIX", "DATE_OF_BIRTH", "REGISTRATION_DATE", "VOTER_STATUS", "PARTY_AFFILIATION",
    "RESIDENTIAL_ADDRESS1", "RESIDENTIAL_SECONDARY_ADDR", "RESIDENTIAL_CITY", "RESIDENTIAL_STATE",
    "RESIDENTIAL_ZIP", "RESIDENTIAL_ZIP_PLUS4", "RESIDENTIAL_COUNTRY", "RESIDENTIAL_POSTALCODE",
    "MAILING_ADDRESS1", "MAILING_SECONDARY_ADDRESS", "MAILING_CITY", "MAILING_STATE",
    "MAILING_ZIP", "MAILING_ZIP_PLUS4", "MAILING_COUNTRY", "MAILING_POSTAL_CODE", "CAREER_CENTER",
    "CITY", "CITY_SCHOOL_DISTRICT", "COUNTY_COURT_DISTRICT", "CONGRESSIONAL_DISTRICT",
    "COURT_OF_APPEALS", "EDU_SERVICE_CENTER_DISTRICT", "EXEMPTED_VILL_SCHOOL_DISTRICT", "LIBRARY",
    "LOCAL_SCHOOL_DISTRICT", "MUNICIPAL_COURT_DISTRICT", "PRECINCT_NAME", "PRECINCT_CODE",
    "STATE_BOARD_OF_EDUCATION", "STATE_REPRESENTATIVE_DISTRICT", "STATE_SENATE_DISTRICT",
    "TOWNSHIP", "VILLAGE", "WARD",
)  # fmt: skip

# Metres per degree at 40 N (WGS84): a local equirectangular projection, exact enough at 50 km.
_M_PER_DEG_LAT = 111_035.0
_M_PER_DEG_LON = 85_394.0
_M_PER_DEG = np.array([_M_PER_DEG_LON, _M_PER_DEG_LAT])

# --------------------------------------------------------------------------------------------
# Public value types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Election:
    """One election in the vote history; ``column`` is its Ohio header, e.g. GENERAL-11/05/2024."""

    date: dt.date
    kind: str  # "general" | "primary" | "special"
    name: str

    @property
    def column(self) -> str:
        return f"{self.kind.upper()}-{self.date:%m/%d/%Y}"


@dataclass(frozen=True, slots=True)
class PrecinctShape:
    """A precinct: Ohio-style code ("01-A"), name ("COLUMBUS 01-A") and polygon in lon/lat."""

    code: str
    name: str
    polygon: Polygon


@dataclass(frozen=True, eq=False, slots=True)
class DoorTable:
    """Doors, one row per address plus unit, as parallel read-only arrays.

    String columns are numpy object arrays of ``str``; ``unit`` is "" for a single-family door;
    ``precinct`` indexes ``County.precincts``; ``kind`` is one of ``DOOR_KINDS``.
    """

    house_number: np.ndarray
    street: np.ndarray
    unit: np.ndarray
    city: np.ndarray
    state: np.ndarray
    zip: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    precinct: np.ndarray
    kind: np.ndarray

    def __len__(self) -> int:
        return len(self.lon)


@dataclass(frozen=True, eq=False, slots=True)
class VoterTable:
    """Voters as parallel read-only arrays; ``door`` indexes ``County.doors``.

    ``birth_date`` and ``registered_at`` are ``datetime64[D]`` calendar dates (the file has no
    time of day).  ``history`` is an int8 matrix (voters x ``County.elections``) of indexes into
    ``HISTORY_VALUES``: 0 did not vote, 1 "X", otherwise the party letter of a primary ballot.
    """

    state_id: np.ndarray
    county_id: np.ndarray
    door: np.ndarray
    first_name: np.ndarray
    middle_name: np.ndarray
    last_name: np.ndarray
    suffix: np.ndarray
    birth_date: np.ndarray
    party: np.ndarray
    registered_at: np.ndarray
    status: np.ndarray
    history: np.ndarray

    def __len__(self) -> int:
        return len(self.door)

    @property
    def birth_year(self) -> np.ndarray:
        return self.birth_date.astype("datetime64[Y]").astype(np.int64) + 1970


@dataclass(frozen=True, slots=True)
class Door:
    """One row of ``DoorTable`` as a record (from ``County.iter_doors``)."""

    index: int
    house_number: str
    street: str
    unit: str
    city: str
    state: str
    zip: str
    lon: float
    lat: float
    precinct: int
    kind: str


@dataclass(frozen=True, slots=True)
class Voter:
    """One row of ``VoterTable`` as a record; ``history`` lists (election index, value) voted."""

    index: int
    state_id: str
    door: int
    first_name: str
    middle_name: str
    last_name: str
    suffix: str
    birth_date: dt.date
    party: str
    registered_at: dt.date
    status: str
    history: tuple[tuple[int, str], ...]


@dataclass(frozen=True, eq=False, slots=True)
class County:
    """A generated county. Build it with ``generate_county``."""

    seed: int
    number: int
    name: str
    boundary: Polygon
    precincts: list[PrecinctShape]
    major_roads: list[LineString]
    elections: list[Election]
    doors: DoorTable
    voters: VoterTable

    def iter_doors(self) -> Iterator[Door]:
        d = self.doors
        for start in range(0, len(d), 10_000):
            sl = slice(start, start + 10_000)
            cols = zip(
                d.house_number[sl].tolist(), d.street[sl].tolist(), d.unit[sl].tolist(),
                d.city[sl].tolist(), d.state[sl].tolist(), d.zip[sl].tolist(),
                d.lon[sl].tolist(), d.lat[sl].tolist(), d.precinct[sl].tolist(),
                d.kind[sl].tolist(),
            )  # fmt: skip
            for i, row in enumerate(cols, start):
                yield Door(i, *row)

    def iter_voters(self) -> Iterator[Voter]:
        v = self.voters
        for start in range(0, len(v), 10_000):
            sl = slice(start, start + 10_000)
            history = v.history[sl]
            cols = zip(
                v.state_id[sl].tolist(), v.door[sl].tolist(), v.first_name[sl].tolist(),
                v.middle_name[sl].tolist(), v.last_name[sl].tolist(), v.suffix[sl].tolist(),
                v.birth_date[sl].tolist(), v.party[sl].tolist(), v.registered_at[sl].tolist(),
                v.status[sl].tolist(), history.tolist(),
            )  # fmt: skip
            for i, (*row, codes) in enumerate(cols, start):
                hist = tuple((e, HISTORY_VALUES[c]) for e, c in enumerate(codes) if c)
                yield Voter(i, *row, history=hist)


def decode_history(codes: np.ndarray) -> np.ndarray:
    """Turn history codes (any shape) into their string values ("", "X" or a party letter).

    >>> decode_history(np.array([[0, 1, 3]], dtype=np.int8)).tolist()
    [['', 'X', 'D']]
    """
    return np.asarray(HISTORY_VALUES, dtype=object)[np.asarray(codes)]


# --------------------------------------------------------------------------------------------
# Name pools
# --------------------------------------------------------------------------------------------

_STREET_BASES = """
OAK MAPLE ELM PINE CEDAR BIRCH WILLOW ASH HICKORY WALNUT CHESTNUT SYCAMORE POPLAR SPRUCE MAGNOLIA
DOGWOOD CHERRY LOCUST LINDEN HAWTHORN BUCKEYE REDBUD ASPEN LAUREL JUNIPER HOLLY MULBERRY HEMLOCK
WASHINGTON JEFFERSON MADISON MONROE ADAMS JACKSON LINCOLN GRANT GARFIELD HARRISON CLEVELAND
MCKINLEY TAFT WILSON HARDING HAYES POLK TYLER PIERCE FILLMORE SCIOTO OLENTANGY SANDUSKY CUYAHOGA
MIAMI HOCKING MUSKINGUM LICKING DELAWARE MARION PICKAWAY FAIRFIELD KNOX UNION CHAMPAIGN GREENE
CLARK MORROW MAIN HIGH BROAD PARK LAKE HILL RIVER SPRING MILL CHURCH SCHOOL CENTER WATER MARKET
FRONT BRIDGE LIBERTY SUMMIT FOREST MEADOW VALLEY RIDGE SUNSET HIGHLAND FAIRVIEW LAKEVIEW
RIVERSIDE HILLCREST WOODLAND GLENWOOD KENWOOD ELMWOOD OAKLAND ARLINGTON BRIGHTON STRATFORD
CAMBRIDGE OXFORD WINDSOR KENSINGTON CHELSEA DEVON DORSET ESSEX CAMDEN CHARLESTON RICHMOND
LEXINGTON CONCORD PRINCETON COLUMBIA HAMILTON FRANKLIN WARREN PERRY WAYNE LOGAN HARDIN SHELBY
MERCER ALLEN HURON LORAIN MEDINA PORTAGE SUMMERSET WESTGATE EASTGATE NORTHGATE SOUTHGATE
CLINTON MORSE KARL CLEVELAND HUDSON NOE COOKE ALUM CREEK GENDER HAMILTON LIVINGSTON PARSONS
MOUND STATE TOWN GAY LONG SPRING NAGHTEN RICH FULTON KOSSUTH WHITTIER THURMAN FREDERICK
ABERDEEN BRENTWOOD CANTERBURY DARTMOUTH EDGEWOOD FAIRWAY GREENFIELD HARVARD IVY JASMINE
KINGSTON LANCASTER MONTGOMERY NORWOOD ORCHARD PEACHTREE QUAIL REDWOOD SHERWOOD TIMBERLINE
VILLAGE WESTWOOD YORKSHIRE ASHFORD BRADFORD CARRIAGE DOVER EMERALD FOXFIRE GLENCOE HEATHER
"""
_STREET_WORDS = "HOLLOW RIDGE CREEK GLEN MEADOW HILL PARK WOODS BROOK POINTE LAKE VIEW RUN TRACE"
_PREFIXES = ("", "N ", "S ", "E ", "W ")
_ORDINALS = [f"{n}{'TH' if 10 <= n % 100 <= 20 else {1: 'ST', 2: 'ND', 3: 'RD'}.get(n % 10, 'TH')}"
             for n in range(1, 100)]  # fmt: skip

# (city, ZIP codes, township for its rural doors); the first one is the core city.
_CITIES: list[tuple[str, tuple[str, ...], str]] = [
    ("COLUMBUS", ("43201", "43202", "43203", "43204", "43205", "43206", "43207", "43209", "43210",
                  "43211", "43212", "43213", "43214", "43215", "43219", "43220", "43221", "43222",
                  "43223", "43224", "43227", "43228", "43229", "43231", "43232", "43235"),
     "MIFFLIN TOWNSHIP"),
    ("WESTERVILLE", ("43081", "43082"), "BLENDON TOWNSHIP"),
    ("GROVE CITY", ("43123",), "JACKSON TOWNSHIP"),
    ("DUBLIN", ("43016", "43017"), "WASHINGTON TOWNSHIP"),
    ("REYNOLDSBURG", ("43068",), "TRURO TOWNSHIP"),
    ("HILLIARD", ("43026",), "NORWICH TOWNSHIP"),
    ("GAHANNA", ("43230",), "JEFFERSON TOWNSHIP"),
    ("CANAL WINCHESTER", ("43110",), "MADISON TOWNSHIP"),
    ("WORTHINGTON", ("43085",), "SHARON TOWNSHIP"),
    ("GROVEPORT", ("43125",), "HAMILTON TOWNSHIP"),
    ("NEW ALBANY", ("43054",), "PLAIN TOWNSHIP"),
    ("GALLOWAY", ("43119",), "PRAIRIE TOWNSHIP"),
    ("LOCKBOURNE", ("43137",), "PLEASANT TOWNSHIP"),
    ("BLACKLICK", ("43004",), "BROWN TOWNSHIP"),
]  # fmt: skip

# First names by birth cohort (before 1965, 1965-1989, 1990 on) and sex.
_FIRST = {
    (0, 0): "JAMES ROBERT JOHN WILLIAM RICHARD CHARLES DONALD GEORGE THOMAS RONALD KENNETH LARRY "
    "GARY DAVID JERRY DENNIS PAUL FRANK RAYMOND HAROLD WALTER ROGER GERALD CARL EDWARD",
    (0, 1): "MARY PATRICIA LINDA BARBARA CAROL SHARON NANCY SANDRA BETTY DONNA JUDITH MARGARET "
    "SHIRLEY JOYCE KATHLEEN JANET DIANE BRENDA CAROLYN PEGGY JOAN BONNIE PHYLLIS GLORIA RUTH",
    (1, 0): "MICHAEL DAVID JAMES JOHN ROBERT CHRISTOPHER JASON BRIAN MATTHEW WILLIAM KEVIN JEFFREY "
    "SCOTT ERIC MARK STEVEN JOSEPH DANIEL TIMOTHY ANTHONY RYAN JUSTIN JEREMY TODD SHAWN",
    (1, 1): "JENNIFER LISA MICHELLE AMY KIMBERLY ANGELA MELISSA STEPHANIE HEATHER ELIZABETH "
    "JESSICA NICOLE SARAH AMANDA TAMMY DAWN TINA CHRISTINA JULIE KELLY RACHEL LAURA ANDREA "
    "SHANNON TONYA",
    (2, 0): "MICHAEL CHRISTOPHER MATTHEW JOSHUA TYLER JACOB ANDREW NICHOLAS BRANDON DANIEL "
    "AUSTIN ZACHARY ETHAN NOAH LOGAN JUSTIN KYLE JORDAN DYLAN CODY MASON AIDEN CALEB ISAIAH "
    "ELIJAH",
    (2, 1): "ASHLEY JESSICA SAMANTHA EMILY SARAH BRITTANY TAYLOR HANNAH MEGAN LAUREN ALEXIS "
    "KAYLA MADISON OLIVIA ABIGAIL EMMA ISABELLA CHLOE GRACE SYDNEY MORGAN ALYSSA DESTINY JASMINE "
    "AALIYAH",
}
_FIRST_POOLS = {k: v.split() for k, v in _FIRST.items()}

_LAST_NAMES = """
SMITH JOHNSON WILLIAMS BROWN JONES MILLER DAVIS WILSON ANDERSON TAYLOR THOMAS MOORE MARTIN JACKSON
THOMPSON WHITE HARRIS CLARK LEWIS ROBINSON WALKER YOUNG ALLEN KING WRIGHT SCOTT HILL GREEN ADAMS
BAKER NELSON CARTER MITCHELL ROBERTS TURNER PHILLIPS CAMPBELL PARKER EVANS EDWARDS COLLINS
STEWART MORRIS MURPHY COOK ROGERS MORGAN COOPER PETERSON BAILEY REED KELLY HOWARD COX WARD
RICHARDSON WATSON BROOKS WOOD JAMES BENNETT GRAY HUGHES PRICE MYERS LONG FOSTER SANDERS ROSS
POWELL SULLIVAN RUSSELL JENKINS PERRY BUTLER BARNES FISHER HENDERSON COLEMAN SIMMONS PATTERSON
JORDAN REYNOLDS HAMILTON GRAHAM WALLACE WEST COLE HAYES BRYANT HERRERA GIBSON ELLIS TRAN MEDINA
FORD MARSHALL OWENS MCDONALD HARRISON KENNEDY WELLS ALVAREZ WOODS MENDOZA CASTILLO OLSON WEBB
WASHINGTON TUCKER FREEMAN BURNS HENRY VASQUEZ SNYDER SIMPSON CRAWFORD SHAW HUNT BLACK DANIELS
PALMER MILLS GRANT KNIGHT FERGUSON STONE HAWKINS DUNN PERKINS HUDSON SPENCER GARDNER STEPHENS
PAYNE PIERCE BERRY MATTHEWS ARNOLD WAGNER WILLIS RAY WATKINS SCHMIDT HOFFMAN SCHULTZ MEYER KLEIN
WEBER BECKER KOCH SCHNEIDER ZIMMERMAN GARCIA RODRIGUEZ MARTINEZ HERNANDEZ LOPEZ GONZALEZ PEREZ
SANCHEZ RAMIREZ TORRES NGUYEN PATEL KIM LEE ALI MOHAMED HASSAN ABDI FARAH OSMAN SINGH SHAH
KOWALSKI NOWAK RUSSO ROMANO BIANCHI OCONNOR MURRAY QUINN BYRNE DOYLE KAUFMAN YODER MILLER
"""
_LAST_POOL = _LAST_NAMES.split()

# The vote history: (date, kind, name, base turnout among eligible registered voters).
_ELECTIONS: list[tuple[dt.date, str, str, float]] = [
    (dt.date(2020, 11, 3), "general", "2020 General Election", 0.81),
    (dt.date(2022, 5, 3), "primary", "2022 Primary Election", 0.21),
    (dt.date(2022, 8, 2), "primary", "2022 August Primary Election", 0.08),
    (dt.date(2022, 11, 8), "general", "2022 General Election", 0.57),
    (dt.date(2023, 8, 8), "special", "2023 August Special Election", 0.39),
    (dt.date(2023, 11, 7), "general", "2023 General Election", 0.52),
    (dt.date(2024, 3, 19), "primary", "2024 Primary Election", 0.26),
    (dt.date(2024, 11, 5), "general", "2024 General Election", 0.79),
    (dt.date(2025, 8, 5), "special", "2025 August Special Election", 0.11),
    (dt.date(2025, 11, 4), "general", "2025 General Election", 0.31),
    (dt.date(2026, 5, 5), "primary", "2026 Primary Election", 0.22),
]
# Ohio derives PARTY_AFFILIATION from partisan primary ballots of the last two calendar years.
_AFFILIATION_SINCE = dt.date(FILE_DATE.year - 2, 1, 1)

# Area types and door kinds (internal codes).
_URBAN, _SUBURBAN, _RURAL = 0, 1, 2
_HOUSE, _APARTMENT, _RURAL_DOOR = 0, 1, 2

# Expected registered-voter capacity of one tile of each area type (calibrated on generated
# tiles at 100% occupancy); used to size the county before building it.
_TILE_CAPACITY = {_URBAN: 3400.0, _SUBURBAN: 1100.0, _RURAL: 14.0}
_TARGET_OCCUPANCY = 0.8  # share of lots that hold registered voters in a typical county

# Party shares (D, R, L, G; the rest unaffiliated) by area type.
_PARTY_SHARES = {
    _URBAN: (0.38, 0.11, 0.006, 0.005),
    _SUBURBAN: (0.23, 0.28, 0.006, 0.002),
    _RURAL: (0.11, 0.40, 0.005, 0.001),
}


# --------------------------------------------------------------------------------------------
# Geometry: door slots along streets
# --------------------------------------------------------------------------------------------


class _Slots:
    """Accumulates door slots (one per address plus unit) as chunks of arrays."""

    def __init__(self) -> None:
        self.chunks: list[tuple[np.ndarray, ...]] = []
        self.streets: list[tuple[str, int, str]] = []  # (name, city index, zip)

    def street(self, name: str, city: int, zip_code: str) -> int:
        self.streets.append((name, city, zip_code))
        return len(self.streets) - 1

    def add(self, x, y, street, number, kind, area, unit=None) -> None:
        n = len(x)
        if n == 0:
            return
        self.chunks.append(
            (
                np.asarray(x, dtype=np.float64),
                np.asarray(y, dtype=np.float64),
                np.full(n, street, dtype=np.int32),
                np.asarray(number, dtype=np.int32),
                np.full(n, kind, dtype=np.int8),
                np.full(n, area, dtype=np.int8),
                np.full(n, -1, dtype=np.int16) if unit is None else unit.astype(np.int16),
            )
        )

    def arrays(self) -> tuple[np.ndarray, ...]:
        return tuple(np.concatenate(c) for c in zip(*self.chunks))


class _StreetNames:
    """Unique street names per city, drawn from shuffled pools per street type."""

    def __init__(self, rng: np.random.Generator) -> None:
        bases = list(dict.fromkeys(_STREET_BASES.split()))
        simple = [p + b for p in _PREFIXES for b in bases]
        compound = [f"{p}{b} {w}" for p in _PREFIXES for b in bases for w in _STREET_WORDS.split()]
        ordinal = [p + o for p in _PREFIXES for o in _ORDINALS]
        self._rng = rng
        self._pools = {"simple": simple, "compound": compound, "ordinal": ordinal}
        self._queues: dict[tuple[int, str], list[str]] = {}
        self._n = 2

    def take(self, city: int, street_type: str) -> str:
        queue = self._queues.get((city, street_type))
        if queue is None:  # ordinals first on city grids, then plain names, then compounds
            parts = [self._pools["ordinal"]] if street_type in ("ST", "AVE") else []
            parts += [self._pools["simple"], self._pools["compound"]]
            queue = [n for part in reversed(parts) for n in self._shuffled(part)]
            self._queues[(city, street_type)] = queue
        if not queue:  # exhausted (never at a million voters): numbered variants
            queue.extend(f"{n} {self._n}" for n in self._shuffled(self._pools["simple"]))
            self._n += 1
        return f"{queue.pop()} {street_type}"

    def _shuffled(self, names: list[str]) -> list[str]:
        return [names[i] for i in self._rng.permutation(len(names))]


def _polyline_positions(
    pts: np.ndarray, s: np.ndarray, offset: np.ndarray | float
) -> tuple[np.ndarray, np.ndarray]:
    """Points at arc lengths ``s`` along polyline ``pts`` (k x 2), pushed ``offset`` to the left."""
    seg = np.diff(pts, axis=0)
    seg_len = np.hypot(seg[:, 0], seg[:, 1])
    cum = np.concatenate([[0.0], np.cumsum(seg_len)])
    i = np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(seg) - 1)
    t = (s - cum[i]) / seg_len[i]
    base = pts[i] + seg[i] * t[:, None]
    tangent = seg[i] / seg_len[i][:, None]
    normal = np.column_stack([-tangent[:, 1], tangent[:, 0]])
    return base + normal * np.asarray(offset)[..., None], cum


def _lots(rng, s_lo: float, s_hi: float, lo: float, hi: float) -> np.ndarray:
    """Lot centres between s_lo and s_hi with frontages drawn from [lo, hi] metres."""
    if s_hi - s_lo < lo:
        return np.empty(0)
    steps = rng.uniform(lo, hi, int((s_hi - s_lo) / lo) + 2)
    s = s_lo + rng.uniform(0.3, 0.7) * lo + np.concatenate([[0.0], np.cumsum(steps[:-1])])
    return s[s < s_hi]


def _house_numbers(s_abs: np.ndarray, left: bool, base: int = 100) -> np.ndarray:
    """House numbers from the distance along the street: even on the right, odd on the left."""
    return (base + 2 * np.floor(s_abs / 8.0).astype(np.int64) + (1 if left else 0)).astype(np.int32)


def _to_xy(u: np.ndarray, v: np.ndarray, swap: bool) -> tuple[np.ndarray, np.ndarray]:
    return (v, u) if swap else (u, v)


def _urban_tile(slots, names, rng, tile, u0, u1, v0, v1, swap, u_origin) -> None:
    city, zip_code = tile
    margin = 45.0
    block_depth = rng.uniform(75, 100)
    block_len = rng.uniform(130, 220)
    lot = rng.uniform(9, 12)
    vs = np.arange(v0 + margin + 10, v1 - margin, block_depth)
    cross = np.arange(u0 + rng.uniform(60, block_len), u1 - 60, block_len)
    ends = np.concatenate([[u0 + margin], cross, [u1 - margin]])
    street_type = "ST" if rng.random() < 0.55 else "AVE"
    for v in vs:
        sid = slots.street(names.take(city, street_type), city, zip_code)
        pts = np.array([[u0, v], [u1, v]])
        for left in (True, False):
            side = 1.0 if left else -1.0
            s_parts, apts = [], []
            for a, b in itertools.pairwise(ends):
                s = _lots(rng, a - u0 + 12, b - u0 - 12, lot, lot + 4)
                if b - a > 90 and rng.random() < 0.16:  # an apartment building on this block face
                    c = rng.uniform(a - u0 + 40, b - u0 - 40)
                    half = rng.uniform(15, 30)
                    s = s[np.abs(s - c) > half + 6]
                    apts.append(c)
                s_parts.append(s)
            s = np.concatenate(s_parts)
            jitter = rng.normal(0, 0.8, len(s))
            xy, _ = _polyline_positions(pts, s, side * (15.0 + jitter))
            x, y = _to_xy(xy[:, 0], xy[:, 1], swap)
            number = _house_numbers(s + u0 - u_origin, left)
            slots.add(x, y, sid, number, _HOUSE, _URBAN)
            for c in apts:
                floors = rng.choice(
                    [2, 3, 4, 5, 6, 8, 10, 12], p=[0.15, 0.3, 0.25, 0.1, 0.08, 0.06, 0.04, 0.02]
                )
                per_floor = int(rng.integers(4, 11))
                n_units = int(np.clip(floors * per_floor, 8, 120))
                unit = np.arange(n_units)
                unit = (unit // per_floor) * 10 + unit % per_floor  # floor-major: APT 1A, 1B...
                xy, _ = _polyline_positions(pts, np.array([c]), side * 20.0)
                x, y = _to_xy(np.repeat(xy[:, 0], n_units), np.repeat(xy[:, 1], n_units), swap)
                number = np.repeat(_house_numbers(np.array([c + u0 - u_origin]), left), n_units)
                slots.add(x, y, sid, number, _APARTMENT, _URBAN, unit)


def _suburban_tile(slots, names, rng, tile, u0, u1, v0, v1, swap, u_origin) -> None:
    city, zip_code = tile
    margin = 50.0
    gap = rng.uniform(150, 210)
    amp = rng.uniform(8, 22)
    wavelength = rng.uniform(350, 800)
    rows = np.arange(v0 + margin + 25, v1 - margin - 20, gap)
    u = np.linspace(u0 + margin, u1 - margin, 48)
    for row in rows:
        if rng.random() < 0.15:  # a park, a school or a field instead of a street
            continue
        phase = rng.uniform(0, 2 * np.pi)
        pts = np.column_stack([u, row + amp * np.sin(2 * np.pi * (u - u0) / wavelength + phase)])
        collector = slots.street(names.take(city, str(rng.choice(["DR", "BLVD", "WAY", "LN", "RD"],
                                 p=[.4, .1, .2, .2, .1]))), city, zip_code)  # fmt: skip
        length = float(np.hypot(*np.diff(pts, axis=0).T).sum())
        # cul-de-sacs off the upper (left) side, into the gap above this collector
        room = gap - 2 * amp - 60
        roots = _lots(rng, 70, length - 70, 95, 160) if room > 70 and rng.random() < 0.85 else []
        roots = np.asarray(roots)
        lot = rng.uniform(15, 22)
        for left in (True, False):
            s = _lots(rng, 10, length - 10, lot, lot + 5)
            if left and len(roots):
                s = s[np.min(np.abs(s[:, None] - roots[None, :]), axis=1) > 16]
            xy, _ = _polyline_positions(
                pts, s, (1.0 if left else -1.0) * (15.0 + rng.normal(0, 1.0, len(s)))
            )
            x, y = _to_xy(xy[:, 0], xy[:, 1], swap)
            slots.add(x, y, collector, _house_numbers(s, left, base=100 * int(rng.integers(1, 60))),
                      _HOUSE, _SUBURBAN)  # fmt: skip
        if not len(roots):
            continue
        base_pts, _ = _polyline_positions(pts, roots, 0.0)
        for ru, rv in base_pts:
            stem = float(rng.uniform(70, room))
            stem = min(stem, v1 - 50 - rv - 45)  # the bulb stays clear of the major road
            if stem < 70:
                continue
            radius = 27.0
            court_type = str(rng.choice(["CT", "CT", "PL", "CIR", "LN", "WAY"]))
            court = slots.street(names.take(city, court_type), city, zip_code)
            cpts = np.array([[ru, rv], [ru, rv + stem]])
            for left in (True, False):
                side = 1.0 if left else -1.0
                s = _lots(rng, 30, stem - 30, 17, 24)
                xy, _ = _polyline_positions(cpts, s, side * 15.0)
                n_bulb = int(rng.integers(2, 4))
                ang = np.radians(np.linspace(115, 22, n_bulb) + rng.normal(0, 3, n_bulb))
                # around the bulb: left side turns counter-clockwise from the stem direction (+v)
                bu = ru - side * radius * np.sin(ang)
                bv = rv + stem + radius * np.cos(ang)
                s_bulb = stem + 10 + radius * (np.radians(140) - ang)
                uu = np.concatenate([xy[:, 0], bu])
                vv = np.concatenate([xy[:, 1], bv])
                x, y = _to_xy(uu, vv, swap)
                number = _house_numbers(np.concatenate([s, s_bulb]), left, base=100)
                slots.add(x, y, court, number, _HOUSE, _SUBURBAN)


def _rural_tile(slots, names, rng, tile, u0, u1, v0, v1, swap, u_origin) -> None:
    city, zip_code = tile
    n_roads = int(rng.choice([1, 1, 2]))
    for k in range(n_roads):
        v = v0 + (v1 - v0) * (k + rng.uniform(0.3, 0.7)) / n_roads
        bend = rng.uniform(-40, 40)
        pts = np.array([[u0, v], [(u0 + u1) / 2, v + bend], [u1, v]])
        road = slots.street(names.take(city, "RD"), city, zip_code)
        length = float(np.hypot(*np.diff(pts, axis=0).T).sum())
        for left in (True, False):
            gaps = 100 + rng.exponential(400, 10)
            s = 40 + rng.uniform(0, 200) + np.concatenate([[0.0], np.cumsum(gaps[:-1])])
            s = s[s < length - 40]
            setback = (1.0 if left else -1.0) * rng.uniform(20, 70, len(s))
            xy, _ = _polyline_positions(pts, s, setback)
            x, y = _to_xy(xy[:, 0], xy[:, 1], swap)
            slots.add(
                x, y, road, _house_numbers(s + u0 - u_origin, left, base=1000), _RURAL_DOOR, _RURAL
            )


# --------------------------------------------------------------------------------------------
# Layout of the county
# --------------------------------------------------------------------------------------------


def _tile_counts(side: int) -> tuple[int, int]:
    n = side * side
    return max(1, round(0.12 * n)), max(1, round(0.30 * n))


def _capacity(side: int) -> float:
    n_urban, n_suburban = _tile_counts(side)
    n_rural = side * side - n_urban - n_suburban
    cap = _TILE_CAPACITY
    return n_urban * cap[_URBAN] + n_suburban * cap[_SUBURBAN] + n_rural * cap[_RURAL]


def _layout(rng: np.random.Generator, side: int):
    """Tile edges, area type per tile, city and ZIP per tile."""
    xs = np.concatenate([[0.0], np.cumsum(rng.uniform(880, 1120, side))])
    ys = np.concatenate([[0.0], np.cumsum(rng.uniform(880, 1120, side))])
    xs -= xs[-1] / 2
    ys -= ys[-1] / 2
    cx = (xs[:-1] + xs[1:]) / 2
    cy = (ys[:-1] + ys[1:]) / 2
    gx, gy = np.meshgrid(cx, cy, indexing="ij")
    half = xs[-1]
    score = np.hypot(gx, gy) / half + rng.normal(0, 0.12, gx.shape)
    order = np.argsort(score, axis=None, kind="stable")
    n_urban, n_suburban = _tile_counts(side)
    area = np.full(side * side, _RURAL, dtype=np.int8)
    area[order[:n_urban]] = _URBAN
    area[order[n_urban : n_urban + n_suburban]] = _SUBURBAN
    area = area.reshape(side, side)

    n_cities = int(np.clip(2 + side // 3, 3, len(_CITIES)))
    angles = rng.uniform(0, 2 * np.pi) + 2 * np.pi * np.arange(n_cities - 1) / (n_cities - 1)
    radius = 0.6 * half * rng.uniform(0.8, 1.1, n_cities - 1)
    centres = np.column_stack(
        [
            np.concatenate([[0.0], radius * np.cos(angles)]),
            np.concatenate([[0.0], radius * np.sin(angles)]),
        ]
    )
    weight = np.concatenate([[1.9], np.ones(n_cities - 1)])
    dist = np.hypot(gx[..., None] - centres[:, 0], gy[..., None] - centres[:, 1]) / weight
    city = np.argmin(dist, axis=-1)
    zips = np.empty((side, side), dtype=object)
    core_zips = _CITIES[0][1]
    ring = np.floor(np.hypot(gx, gy) / 2500.0).astype(int)
    sector = np.floor((np.arctan2(gy, gx) + np.pi) / (2 * np.pi) * 6).astype(int) % 6
    for i in range(side):
        for j in range(side):
            c = int(city[i, j])
            if c == 0:
                zips[i, j] = core_zips[(ring[i, j] * 6 + sector[i, j]) % len(core_zips)]
            else:
                options = _CITIES[c][1]
                zips[i, j] = options[int(gx[i, j] > centres[c, 0]) % len(options)]
    return xs, ys, area, city, zips


def _build_slots(rng: np.random.Generator, voters: int):
    side = 3
    while _capacity(side) * _TARGET_OCCUPANCY < voters:
        side += 1
    xs, ys, area, city, zips = _layout(rng, side)
    names = _StreetNames(rng)
    slots = _Slots()
    builders = {_URBAN: _urban_tile, _SUBURBAN: _suburban_tile, _RURAL: _rural_tile}
    for i in range(side):
        for j in range(side):
            swap = bool(rng.random() < 0.5)
            x0, x1, y0, y1 = xs[i], xs[i + 1], ys[j], ys[j + 1]
            if swap:
                u0, u1, v0, v1, u_origin = y0, y1, x0, x1, ys[0]
            else:
                u0, u1, v0, v1, u_origin = x0, x1, y0, y1, xs[0]
            tile = (int(city[i, j]), str(zips[i, j]))
            builders[int(area[i, j])](slots, names, rng, tile, u0, u1, v0, v1, swap, u_origin)
    return xs, ys, slots


# --------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------


def _voters_per_door(rng, kind: np.ndarray) -> np.ndarray:
    size = np.empty(len(kind), dtype=np.int8)
    p = {
        _HOUSE: [0.30, 0.42, 0.15, 0.08, 0.035, 0.015],
        _APARTMENT: [0.56, 0.32, 0.08, 0.03, 0.01, 0.0],
        _RURAL_DOOR: [0.24, 0.45, 0.15, 0.09, 0.05, 0.02],
    }
    for k, probs in p.items():
        m = kind == k
        size[m] = rng.choice(np.arange(1, 7, dtype=np.int8), size=int(m.sum()), p=probs)
    return size


def _age_weights(young: bool) -> np.ndarray:
    age = np.arange(18, 96)
    w = np.where(age < 65, 1.0, np.clip(1.0 - (age - 65) / 32.0, 0.05, 1.0))
    w = w * np.where(age < 25, 0.75, 1.0)
    if young:
        w = w * np.exp(-np.clip(age - 30, 0, None) / 18.0)
    return w / w.sum()


def _voters(rng, kind_of_door, area_of_door, size, n_elections):
    n_doors = len(size)
    n = int(size.sum())
    door = np.repeat(np.arange(n_doors, dtype=np.int32), size)
    start = np.concatenate([[0], np.cumsum(size[:-1], dtype=np.int64)])
    rank = np.arange(n) - np.repeat(start, size)
    kind = kind_of_door[door]
    area = area_of_door[door]

    # ages: the first voter at a door sets the pace; then partners, adult children, roommates
    ages = np.arange(18, 96)
    head_age = np.where(
        kind_of_door == _APARTMENT,
        rng.choice(ages, n_doors, p=_age_weights(True)),
        rng.choice(ages, n_doors, p=_age_weights(False)),
    )
    age = head_age[door].astype(np.float64)
    partner = rank == 1
    age[partner] += rng.normal(0, 4, int(partner.sum()))
    later = rank >= 2
    child = later & (age >= 42) & (kind != _APARTMENT)
    age[child] -= rng.uniform(21, 36, int(child.sum()))
    other = later & ~child
    age[other] += rng.normal(0, 5, int(other.sum()))
    age = np.clip(np.round(age), 18, 95).astype(np.int64)
    day_of_year = rng.integers(0, 365, n)
    # age on FILE_DATE: born between FILE_DATE - (age+1) years and FILE_DATE - age years
    file_day = np.datetime64(FILE_DATE, "D")
    birth = file_day - (age * 365.25 + day_of_year + 1).astype("timedelta64[D]")

    # sex, names
    female = rng.random(n) < 0.53
    female[partner] = ~female[np.flatnonzero(partner) - 1] ^ (rng.random(int(partner.sum())) < 0.08)
    year = FILE_DATE.year - age
    cohort = np.where(year < 1965, 0, np.where(year < 1990, 1, 2))
    first = np.empty(n, dtype=object)
    middle = np.empty(n, dtype=object)
    for c in range(3):
        for s in range(2):
            m = (cohort == c) & (female == bool(s))
            k = int(m.sum())
            pool = np.asarray(_FIRST_POOLS[(c, s)], dtype=object)
            w = 1.0 / (np.arange(len(pool)) + 4.0)
            first[m] = pool[rng.choice(len(pool), k, p=w / w.sum())]
            mid_pool = np.asarray(
                _FIRST_POOLS[((c + 1) % 3, s)] + _FIRST_POOLS[(c, s)], dtype=object
            )
            middle[m] = mid_pool[rng.integers(0, len(mid_pool), k)]
    style = rng.random(n)  # a full middle name, an initial, or none
    initial = style < 0.15
    middle[initial] = np.asarray([m[0] for m in middle[initial].tolist()] + [""], dtype=object)[:-1]
    middle[style > 0.78] = ""

    last_pool = np.asarray(_LAST_POOL, dtype=object)
    w = 1.0 / (np.arange(len(last_pool)) + 12.0)
    door_last = rng.choice(len(last_pool), n_doors, p=w / w.sum())
    last_idx = door_last[door]
    other_name = (rank >= 1) & (rng.random(n) < np.where(kind == _APARTMENT, 0.6, 0.1))
    last_idx[other_name] = rng.choice(len(last_pool), int(other_name.sum()), p=w / w.sum())
    last = last_pool[last_idx]

    suffix = np.full(n, "", dtype=object)
    r = rng.random(n)
    male = ~female
    suffix[male & (r < 0.02)] = "JR"
    suffix[male & (r >= 0.02) & (r < 0.027)] = "SR"
    suffix[male & (r >= 0.027) & (r < 0.032)] = "II"
    suffix[male & (r >= 0.032) & (r < 0.035)] = "III"

    # registration: a move or first registration some years ago, never before 18
    eighteen = birth + np.timedelta64(6575, "D")  # 18 years
    years_back = np.minimum(
        age - 18 + rng.random(n), rng.exponential(np.where(kind == _APARTMENT, 6.0, 17.0))
    )
    registered = file_day - (years_back * 365.25 + 20).astype("timedelta64[D]")
    registered = np.minimum(registered, file_day - np.timedelta64(20, "D"))
    registered = np.maximum(registered, eighteen)
    status = np.where(rng.random(n) < 0.03, "CONFIRMATION", "ACTIVE").astype(object)

    # party: people at one door lean together
    party_door = np.empty(n_doors, dtype=np.int8)
    party = np.empty(n, dtype=np.int8)
    for a, (d, rep, lib, grn) in _PARTY_SHARES.items():
        p = [1 - d - rep - lib - grn, d, rep, lib, grn]
        md = area_of_door == a
        party_door[md] = rng.choice(5, int(md.sum()), p=p)
        mv = area == a
        party[mv] = rng.choice(5, int(mv.sum()), p=p)
    same = rng.random(n) < 0.65
    party[same] = party_door[door[same]]

    history = _history(rng, age, birth, registered, party, kind, status, n_elections)
    # as in Ohio, the affiliation is the ballot of the latest partisan primary in the last two
    # calendar years: a leaning voter who took none of those ballots is unaffiliated
    for e, (date, kind_e, _, _) in enumerate(_ELECTIONS):
        if kind_e == "primary" and date >= _AFFILIATION_SINCE:
            ballot = history[:, e] > 0
            party[ballot] = _PARTY_OF_CODE[history[ballot, e]]
    window = [
        e for e, el in enumerate(_ELECTIONS) if el[1] == "primary" and el[0] >= _AFFILIATION_SINCE
    ]
    party[~(history[:, window] > 0).any(axis=1)] = 0
    return door, first, middle, last, suffix, birth, registered, status, party, history


# history code of each party's primary ballot, indexed like PARTIES (0 for unaffiliated)
_PARTY_CODES = np.array([0, *(HISTORY_VALUES.index(p) for p in PARTIES[1:])], dtype=np.int8)
_PARTY_OF_CODE = np.zeros(len(HISTORY_VALUES), dtype=np.int8)
_PARTY_OF_CODE[_PARTY_CODES] = np.arange(len(PARTIES))


def _history(rng, age, birth, registered, party, kind, status, n_elections):
    n = len(age)
    history = np.zeros((n, n_elections), dtype=np.int8)
    propensity = rng.normal(0, 1.15, n) + 0.9 * np.clip((age - 45) / 20.0, -1.5, 1.5)
    propensity -= np.where(kind == _APARTMENT, 0.35, 0.0) + np.where(status != "ACTIVE", 1.5, 0.0)
    affiliated = party > 0
    lean = np.where(rng.random(n) < 0.5, _PARTY_CODES[1], _PARTY_CODES[2])
    other_major = np.where(party == 1, _PARTY_CODES[2], _PARTY_CODES[1])
    in_window = np.zeros(n, dtype=bool)
    for e, (date, kind_e, _, base) in enumerate(_ELECTIONS):
        day = np.datetime64(date, "D")
        eligible = (registered <= day - np.timedelta64(30, "D")) & (
            birth <= day - np.timedelta64(6575, "D")
        )
        logit = math.log(base / (1 - base)) + propensity
        if kind_e != "primary":
            votes = eligible & (rng.random(n) < 1 / (1 + np.exp(-logit)))
            history[votes, e] = HISTORY_VALUES.index("X")
            continue
        recent = date >= _AFFILIATION_SINCE
        logit = logit + np.where(affiliated, 1.0, -1.6)
        votes = eligible & (rng.random(n) < 1 / (1 + np.exp(-logit)))
        if recent:
            votes &= affiliated  # unaffiliated voters took no partisan ballot lately
            history[votes, e] = _PARTY_CODES[party[votes]]
            in_window |= votes
        else:
            cross = rng.random(n) < 0.08
            letter = np.where(
                affiliated & ~cross, _PARTY_CODES[party], np.where(affiliated, other_major, lean)
            )
            letter = np.where(party >= 3, np.where(cross, lean, letter), letter)
            history[votes, e] = letter[votes]
    return history


# --------------------------------------------------------------------------------------------
# Precincts
# --------------------------------------------------------------------------------------------


def _bisect(x: np.ndarray, y: np.ndarray, idx: np.ndarray, k: int, out: list[np.ndarray]) -> None:
    """Split doors into k spatial groups of near-equal size by recursive median cuts."""
    if k == 1:
        out.append(idx)
        return
    k_left = k // 2
    xs, ys = x[idx], y[idx]
    coord = xs if np.ptp(xs) >= np.ptp(ys) else ys
    cut = round(len(idx) * k_left / k)
    order = np.argpartition(coord, cut) if 0 < cut < len(idx) else np.argsort(coord)
    _bisect(x, y, idx[order[:cut]], k_left, out)
    _bisect(x, y, idx[order[cut:]], k - k_left, out)


def _precincts(x, y, bounds: Polygon, n_precincts: int) -> list[Polygon]:
    if n_precincts == 1:
        return [bounds]
    groups: list[np.ndarray] = []
    _bisect(x, y, np.arange(len(x)), n_precincts, groups)
    seeds = np.array([[np.median(x[g]), np.median(y[g])] for g in groups])
    # medians of neighbouring groups can coincide on a grid: nudge duplicates apart
    seeds += np.arange(len(seeds))[:, None] * 1e-3
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=bounds, ordered=True)
    return [cell.intersection(bounds) for cell in shapely.get_parts(cells)]


def _assign(lon: np.ndarray, lat: np.ndarray, polygons: list[Polygon]) -> np.ndarray:
    """Index of the polygon containing each point (boundary points go to one that touches them)."""
    out = np.full(len(lon), -1, dtype=np.int32)
    order = np.argsort(lon, kind="stable")
    lon_sorted = lon[order]
    for predicate in (shapely.contains_xy, shapely.intersects_xy):
        for p, poly in enumerate(polygons):
            minx, miny, maxx, maxy = poly.bounds
            a = int(np.searchsorted(lon_sorted, minx, side="left"))
            b = int(np.searchsorted(lon_sorted, maxx, side="right"))
            cand = order[a:b]
            cand = cand[(lat[cand] >= miny) & (lat[cand] <= maxy) & (out[cand] < 0)]
            if len(cand):
                hit = predicate(poly, lon[cand], lat[cand])
                out[cand[hit]] = p
        if (out >= 0).all():
            break
    if (out < 0).any():
        raise RuntimeError("a door fell outside every precinct")  # pragma: no cover
    return out


# --------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------


def _frozen(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def generate_county(voters: int = 5000, *, seed: int = 0) -> County:
    """Generate a synthetic county of exactly ``voters`` voters, deterministic for ``seed``.

    Doors and voters come out in street order (tile by tile, street by street, side by side).

    >>> c = generate_county(500, seed=1)
    >>> len(c.voters), len(c.doors) < 500, c.voters.history.shape[1] == len(c.elections)
    (500, True, True)
    """
    if not isinstance(voters, int | np.integer) or isinstance(voters, bool) or voters < 1:
        raise ValueError(f"voters must be a positive integer, got {voters!r}")
    if not isinstance(seed, int | np.integer) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    layout_ss, people_ss, keep_ss = np.random.SeedSequence(int(seed)).spawn(3)
    rng = np.random.default_rng(layout_ss)
    xs, ys, slots = _build_slots(rng, voters)
    x, y, street, number, kind, area, unit = slots.arrays()

    # occupancy: weighted sample of lots (apartments empty of voters more often), cut to exact
    people = np.random.default_rng(people_ss)
    keep_rng = np.random.default_rng(keep_ss)
    size_all = _voters_per_door(people, kind)
    weight = np.where(kind == _APARTMENT, 0.7, 1.0)
    key = np.log(keep_rng.random(len(kind))) / weight  # Efraimidis-Spirakis: larger first
    by_key = np.argsort(-key, kind="stable")
    cum = np.cumsum(size_all[by_key], dtype=np.int64)
    if cum[-1] < voters:
        raise ValueError(f"voters={voters} is beyond this generator's capacity")  # pragma: no cover
    last = int(np.searchsorted(cum, voters))
    chosen = by_key[: last + 1]
    size_all[by_key[last]] -= int(cum[last] - voters)
    keep = np.sort(chosen)
    x, y, street, number, kind, area, unit = (
        a[keep] for a in (x, y, street, number, kind, area, unit)
    )
    size = size_all[keep]

    lon = COUNTY_CENTRE[0] + x / _M_PER_DEG_LON
    lat = COUNTY_CENTRE[1] + y / _M_PER_DEG_LAT

    def to_lonlat(geom):
        return shapely.transform(geom, lambda c: c / _M_PER_DEG + COUNTY_CENTRE)

    bounds_m = box(xs[0], ys[0], xs[-1], ys[-1])
    n_precincts = min(len(x), max(15, round(len(x) / 1500)))
    polygons = [to_lonlat(p) for p in _precincts(x, y, bounds_m, n_precincts)]
    precinct = _assign(lon, lat, polygons)

    # street table -> per-door strings
    street_names = np.asarray([s[0] for s in slots.streets], dtype=object)
    city_names = np.asarray([c[0] for c in _CITIES], dtype=object)
    street_city = np.asarray([s[1] for s in slots.streets], dtype=np.int32)
    street_zip = np.asarray([s[2] for s in slots.streets], dtype=object)
    unit_pool = np.asarray(
        [f"APT {f + 1}{chr(65 + u)}" for f in range(12) for u in range(10)] + [""], dtype=object
    )
    city_of_door = street_city[street]

    # precinct names: by majority city, wards of up to four precincts per city
    majority = np.zeros((len(polygons), len(_CITIES)), dtype=np.int64)
    np.add.at(majority, (precinct, city_of_door), 1)
    precinct_city = majority.argmax(axis=1)
    ward_of_city: dict[int, int] = {}
    shapes = []
    ward = 0
    for c in sorted(set(precinct_city.tolist())):
        for k, p in enumerate(np.flatnonzero(precinct_city == c)):
            if k % 4 == 0:
                ward += 1
                ward_of_city[c] = ward_of_city.get(c, 0) + 1
            letter = "ABCD"[k % 4]
            shapes.append(
                (int(p), f"{ward:02d}-{letter}", f"{city_names[c]} {ward_of_city[c]:02d}-{letter}")
            )
    precincts = [PrecinctShape(code, name, polygons[p]) for p, code, name in sorted(shapes)]

    doors = DoorTable(
        house_number=_frozen(np.asarray([str(n) for n in number.tolist()], dtype=object)),
        street=_frozen(street_names[street]),
        unit=_frozen(unit_pool[np.where(unit < 0, len(unit_pool) - 1, unit)]),
        city=_frozen(city_names[city_of_door]),
        state=_frozen(np.full(len(x), STATE, dtype=object)),
        zip=_frozen(street_zip[street]),
        lon=_frozen(lon),
        lat=_frozen(lat),
        precinct=_frozen(precinct),
        kind=_frozen(np.asarray(DOOR_KINDS, dtype=object)[kind]),
    )

    door, first, middle, last_names, suffix, birth, registered, status, party, history = _voters(
        people, kind, area, size, len(_ELECTIONS)
    )
    # unique SOS ids with gaps (people who left the file), in no particular order
    ids = people.permutation(100_000 + np.cumsum(people.integers(1, 40, len(door))))
    county_ids = people.permutation(np.arange(len(door))) + 1_000_000
    voter_table = VoterTable(
        state_id=_frozen(np.asarray([f"OH{i:010d}" for i in ids.tolist()], dtype=object)),
        county_id=_frozen(np.asarray([str(i) for i in county_ids.tolist()], dtype=object)),
        door=_frozen(door),
        first_name=_frozen(first),
        middle_name=_frozen(middle),
        last_name=_frozen(last_names),
        suffix=_frozen(suffix),
        birth_date=_frozen(birth),
        party=_frozen(np.asarray(PARTIES, dtype=object)[party]),
        registered_at=_frozen(registered),
        status=_frozen(status),
        history=_frozen(history),
    )
    major_roads = [to_lonlat(LineString([(x0, ys[0]), (x0, ys[-1])])) for x0 in xs[1:-1]]
    major_roads += [to_lonlat(LineString([(xs[0], y0), (xs[-1], y0)])) for y0 in ys[1:-1]]
    elections = [Election(d, k, name) for d, k, name, _ in _ELECTIONS]
    return County(
        seed=int(seed),
        number=COUNTY_NUMBER,
        name=COUNTY_NAME,
        boundary=to_lonlat(bounds_m),
        precincts=precincts,
        major_roads=major_roads,
        elections=elections,
        doors=doors,
        voters=voter_table,
    )


# --------------------------------------------------------------------------------------------
# Ohio SWVF writer
# --------------------------------------------------------------------------------------------


def write_ohio_csv(
    county: County,
    path_or_file: str | os.PathLike[str] | IO[str],
    *,
    with_coordinates: bool = False,
) -> None:
    """Write ``county`` as an Ohio Statewide Voter File: every field quoted, one row per voter.

    Columns are ``OHIO_COLUMNS`` then one history column per election (``Election.column``) in
    date order, holding "X", a party letter or "".  With ``with_coordinates``, two more columns
    "LATITUDE","LONGITUDE" close each row, as in vendor-enhanced files (L2, TargetSmart) that ship
    geocodes; the state's own file has none.  Rows are written in chunks, so memory stays flat.

    >>> import io
    >>> out = io.StringIO()
    >>> write_ohio_csv(generate_county(50, seed=3), out)
    >>> out.getvalue().splitlines()[0][:30]
    '"SOS_VOTERID","COUNTY_NUMBER",'
    """
    if isinstance(path_or_file, str | os.PathLike):
        with open(path_or_file, "w", newline="", encoding="utf-8") as f:
            _write_ohio(county, f, with_coordinates)
    else:
        _write_ohio(county, path_or_file, with_coordinates)


def _write_ohio(county: County, f: IO[str], with_coordinates: bool) -> None:
    writer = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
    elections = sorted(range(len(county.elections)), key=lambda e: county.elections[e].date)
    header = list(OHIO_COLUMNS) + [county.elections[e].column for e in elections]
    if with_coordinates:
        header += ["LATITUDE", "LONGITUDE"]
    writer.writerow(header)

    d, v = county.doors, county.voters
    townships = {c[0]: c[2] for c in _CITIES}
    precinct_code = [p.code for p in county.precincts]
    precinct_name = [p.name for p in county.precincts]
    # districts by precinct: congressional by west/east half, house by clusters of precincts
    centre_lon = np.array([p.polygon.centroid.x for p in county.precincts])
    congress = np.where(centre_lon < COUNTY_CENTRE[0], "15", "03")
    house = [f"{1 + i * 12 // max(1, len(precinct_code)):02d}" for i in range(len(precinct_code))]
    senate = [{0: "16", 1: "03", 2: "15"}[int(h) % 3] for h in house]
    county_number = str(county.number)
    values = np.asarray(HISTORY_VALUES, dtype=object)
    chunk = 20_000
    for start in range(0, len(v), chunk):
        sl = slice(start, start + chunk)
        door = v.door[sl]
        kind = d.kind[door].tolist()
        city = d.city[door].tolist()
        prec = d.precinct[door].tolist()
        address = [
            f"{n} {s}" for n, s in zip(d.house_number[door].tolist(), d.street[door].tolist())
        ]
        history = values[v.history[sl][:, elections]].tolist()
        dob = np.datetime_as_string(v.birth_date[sl], unit="D").tolist()
        reg = np.datetime_as_string(v.registered_at[sl], unit="D").tolist()
        coords = zip(d.lat[door].round(6).tolist(), d.lon[door].round(6).tolist())
        rows = zip(
            v.state_id[sl].tolist(), v.county_id[sl].tolist(), v.last_name[sl].tolist(),
            v.first_name[sl].tolist(), v.middle_name[sl].tolist(), v.suffix[sl].tolist(), dob, reg,
            v.status[sl].tolist(), v.party[sl].tolist(), address, d.unit[door].tolist(), city,
            d.zip[door].tolist(), kind, prec, history, coords,
        )  # fmt: skip
        out = []
        for (sos, cid, last, first, middle, suffix, birth, registered, status, party, addr, unit,
             town, zip_code, k, p, hist, (la, lo)) in rows:  # fmt: skip
            rural = k == "rural"
            code = precinct_code[p]
            row = [
                sos, county_number, cid, last, first, middle, suffix, birth, registered, status,
                party, addr, unit, town, STATE, zip_code, "", "", "",
                "", "", "", "", "", "", "", "",
                "", "" if rural else town, f"{town} CITY SD", "", congress[p], "10", "", "", "",
                "", "FRANKLIN COUNTY", precinct_name[p], code, "", house[p], senate[p],
                townships[town] if rural else "", "", "" if rural else code.split("-")[0],
                *hist,
            ]  # fmt: skip
            if with_coordinates:
                row += [f"{la:.6f}", f"{lo:.6f}"]
            out.append(row)
        writer.writerows(out)
