"""Streaming a voter file into checked rows: one pass, constant memory, every problem located.

``read_voter_file`` yields batches of ``Batch`` (voters, doors first seen, votes) and reports
each problem as ``{file, line, field, message}``; rows with problems are left out of the
batches, so the caller decides whether the file may be stored at all.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backend.errors import ImportFileError
from backend.services.imports.addresses import AddressError, AddressNormaliser, unit_number
from backend.services.imports.formats import (
    COORDINATE_COLUMNS,
    OHIO_HISTORY_COLUMN,
    Profile,
    detect_profile,
    profile_named,
)

__all__ = ["Batch", "ElectionColumn", "FileReport", "Problem", "open_profile", "read_voter_file"]

BATCH_ROWS = 20_000
# Ohio history values: X, or the letter of the party ballot taken in a primary.
BALLOTS = frozenset("XCDEGLNRS")
_OPTIONAL = ("first_name", "middle_name", "last_name", "suffix", "gender", "party",
             "precinct_code", "precinct_name", "voter_status", "birth_date", "birth_year",
             "registered_on", "unit", "city", "state", "zip")  # fmt: skip
# Column lengths in the schema; PostgreSQL enforces them, so they are checked here first.
LIMITS = {"state_id": 40, "first_name": 100, "middle_name": 100, "last_name": 100, "suffix": 20,
          "gender": 10, "party": 10, "voter_status": 20, "precinct_code": 64,
          "precinct_name": 200}  # fmt: skip
_SURROGATE = re.compile("[\udc80-\udcff]")
_SCIENTIFIC = re.compile(r"[0-9](\.[0-9]+)?[Ee]\+[0-9]{2}")
# Names a vendor may give the precinct's scope; NC and Florida number precincts per county.
_COUNTY_SCOPE = {"nc": "county_id", "florida": "County Code"}


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    field: str
    message: str
    kind: str = "rejected"  # or "skipped": left out on purpose, not an error

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "field": self.field, "message": self.message}


@dataclass(frozen=True, slots=True)
class ElectionColumn:
    index: int
    kind: str
    election_on: dt.date
    column: str


@dataclass(slots=True)
class Batch:
    # (line, state_id, first, middle, last, suffix, birth_year, gender, party, registered_on,
    #  voter_status, address_key, door number in the file)
    voters: list[tuple[Any, ...]] = field(default_factory=list)
    # (address_key, building_key, address_line, unit, city, state, zip, lat, lon, precinct_code)
    doors: list[tuple[Any, ...]] = field(default_factory=list)
    # (line, election column index, ballot)
    votes: list[tuple[Any, ...]] = field(default_factory=list)
    # doors first seen without coordinates that a later row gives: (lat, lon, address_key)
    late_coordinates: list[tuple[Any, ...]] = field(default_factory=list)
    # state ids of rejected rows: still in the file, so never marked inactive
    rejected_ids: list[str] = field(default_factory=list)
    precincts: dict[str, str] = field(default_factory=dict)
    bytes_read: int = 0


@dataclass
class FileReport:
    """Filled while reading: what the file held, for the summary."""

    path: str
    profile: Profile
    elections: list[ElectionColumn] = field(default_factory=list)
    rows: int = 0
    problems: int = 0
    skipped: int = 0
    total_bytes: int = 0
    has_coordinates: bool = False


class _CountingReader(io.RawIOBase):
    """Counts bytes as the text layer reads them, for an honest progress bar."""

    def __init__(self, raw: io.BufferedReader | io.FileIO) -> None:
        self.raw: Any = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer)
        self.count += n or 0
        return n or 0

    def close(self) -> None:
        self.raw.close()
        super().close()


def _strip_header(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip('"').strip()


def open_profile(path: str | Path, fmt: str, mapping: Profile | None, encoding: str | None) -> Profile:
    """The profile to read ``path`` with: named, from a mapping, or detected from line 1."""
    if fmt == "csv":
        if mapping is None:
            raise ImportFileError(
                "--format csv needs --mapping FILE naming the columns",
                errors=[{"file": str(path), "line": 0, "field": "",
                         "message": "--format csv needs --mapping FILE naming the columns"}],
            )  # fmt: skip
        profile = mapping
    elif fmt == "auto":
        if mapping is not None:
            profile = mapping
        else:
            with open(path, "rb") as f:
                first = f.readline().removeprefix(codecs.BOM_UTF8).decode("latin-1")
            delimiter = "\t" if first.count("\t") > first.count(",") else ","
            row = next(csv.reader([first.rstrip("\r\n")], delimiter=delimiter), [])
            profile = detect_profile(row, path=str(path))
    else:
        profile = profile_named(fmt)
    if encoding:
        from dataclasses import replace

        profile = replace(profile, encoding=encoding)
    return profile


def read_voter_file(
    path: str | Path,
    profile: Profile,
    report: FileReport,
    on_problem: Callable[[Problem], None],
    *,
    batch_rows: int = BATCH_ROWS,
    stored_units: Iterable[tuple[str, str, str]] = (),
) -> Iterator[Batch]:
    """Yield checked rows in batches; ``on_problem`` hears of every rejected or skipped row.

    ``stored_units`` are the (address key, building key, unit) of the doors already stored
    with a unit, oldest first: a unit the file spells another way (``#2B`` for ``APT 2B``)
    is that door.
    """
    name = str(path)
    file_size = Path(path).stat().st_size
    report.total_bytes = file_size
    raw = _CountingReader(open(path, "rb"))  # noqa: SIM115 (closed below)
    buffered = io.BufferedReader(raw, 1 << 20)
    # A byte-order mark says the file is UTF-8 (Excel's "CSV UTF-8"), whatever the layout's
    # usual encoding; utf-8-sig drops it, so the first column keeps its name.
    encoding = "utf-8-sig" if buffered.peek(3)[:3] == codecs.BOM_UTF8 else profile.encoding
    text = io.TextIOWrapper(buffered, encoding=encoding, errors="surrogateescape", newline="")
    try:
        reader: Any = csv.reader(text, delimiter=profile.delimiter)
        if profile.has_header:
            header = [_strip_header(c) for c in next(reader, [])]
            if not header:
                raise _file_error(name, 1, "", "the file is empty")
        else:
            header = list(profile.fixed_columns)
            first = next(reader, None)
            if first is not None:
                if len(first) == len(header) + 2:
                    # A vendor-enhanced headerless file: coordinates appended to each row.
                    header += ["LATITUDE", "LONGITUDE"]
                reader = _Replay(first, reader)
        yield from _rows(name, reader, header, profile, report, on_problem, raw, batch_rows,
                         stored_units)
    except csv.Error as exc:
        raise _file_error(name, reader.line_num, "", f"not readable as CSV: {exc}") from None
    finally:
        text.close()


class _Replay:
    """A csv reader with its first row put back, keeping ``line_num`` right."""

    def __init__(self, first: list[str], reader: Any) -> None:
        self.first: list[str] | None = first
        self.reader = reader

    @property
    def line_num(self) -> int:
        return self.reader.line_num if self.first is None else 0

    def __iter__(self) -> _Replay:
        return self

    def __next__(self) -> list[str]:
        if self.first is not None:
            row, self.first = self.first, None
            return row
        return next(self.reader)


def _file_error(path: str, line: int, fieldname: str, message: str) -> ImportFileError:
    return ImportFileError(f"{path}, line {line}: {message}",
                           errors=[{"file": path, "line": line, "field": fieldname, "message": message}])


def _rows(name: str, reader: Any, header: list[str], profile: Profile, report: FileReport,
          on_problem: Callable[[Problem], None], raw: _CountingReader,
          batch_rows: int, stored_units: Iterable[tuple[str, str, str]]) -> Iterator[Batch]:
    positions = {c: i for i, c in enumerate(header)}
    upper_positions = {c.upper(): i for i, c in enumerate(header)}
    col = _columns(name, header, profile)
    lat_i = lon_i = None
    if "latitude" in col and "longitude" in col:
        lat_i, lon_i = col["latitude"], col["longitude"]
    else:
        for la, lo in COORDINATE_COLUMNS:
            if la.upper() in upper_positions and lo.upper() in upper_positions:
                lat_i, lon_i = upper_positions[la.upper()], upper_positions[lo.upper()]
                break
    report.has_coordinates = lat_i is not None
    elections: list[ElectionColumn] = []
    if profile.history:
        for i, c in enumerate(header):
            m = OHIO_HISTORY_COLUMN.match(c)
            if m:
                kind, month, day, year = m.groups()
                try:
                    when = dt.date(int(year), int(month), int(day))
                except ValueError:
                    raise _file_error(name, 1, c, f"history column {c!r} has no such date") from None
                elections.append(ElectionColumn(i, kind.lower(), when, c))
    report.elections = elections
    skip = None
    if profile.skip_if and profile.skip_if[0] in positions:
        skip = (positions[profile.skip_if[0]], profile.skip_if[1], profile.skip_if[0])
    scope_col = _COUNTY_SCOPE.get(profile.name)
    scope_i = positions.get(scope_col) if scope_col else None
    date_formats = profile.date_formats
    default_state = profile.default_state
    statuses = profile.status_words
    width = len(header)
    this_year = dt.date.today().year
    normaliser = AddressNormaliser()
    numbers: dict[str, str] = {}  # unit as spelled -> unit_number
    units: dict[tuple[str, str], tuple[str, str]] = {}  # (building, number) -> (key, unit)
    stored_keys = set()
    for stored_key, building, stored_unit in stored_units:
        stored_keys.add(stored_key)
        units.setdefault((building, unit_number(stored_unit)), (stored_key, stored_unit))
    seen_doors: dict[str, int] = {}  # address_key -> door number (see below)
    seen_ids: dict[str, int] = {}  # state id -> its first line
    building_coords: dict[str, tuple[float | None, float | None]] = {}
    c_state_id = col["state_id"]
    c_addr = col["address_line"]
    optional = {f: col.get(f) for f in _OPTIONAL}
    # Missing columns read the "" appended to each row, so one itemgetter serves every layout.
    pick = operator.itemgetter(*(col.get(f, width) for f in _OPTIONAL))
    history = [(e.index, e) for e in elections]
    colname = dict(enumerate(header))
    batch = Batch()
    last_line = 1 if profile.has_header else 0
    rows = 0
    problems: list[Problem] = []

    def problem(line: int, index: int | None, message: str, kind: str = "rejected") -> None:
        problems.append(Problem(name, line, colname.get(index, "") if index is not None else "",
                                message, kind))

    for row in reader:
        line = last_line + 1
        last_line = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        rows += 1
        if len(row) != width:
            problem(line, None, f"has {len(row)} fields where the header has {width}")
            _flush_problems(problems, report, on_problem, batch)
            continue
        if skip is not None and row[skip[0]].strip().upper() in skip[1]:
            problems.append(Problem(name, line, skip[2], profile.skip_reason, "skipped"))
            _flush_problems(problems, report, on_problem, batch)
            continue
        joined = "\x1f".join(row)
        if not joined.isascii() and _SURROGATE.search(joined):
            bad = next(i for i, v in enumerate(row) if _SURROGATE.search(v))
            problem(line, bad, f"is not valid {profile.encoding} text (is the file in another "
                               "encoding? try --encoding cp1252)")
            _flush_problems(problems, report, on_problem, batch)
            continue
        if "\n" in joined or "\r" in joined:
            # A line break inside a quoted field (Alt+Enter in Excel) is a space on a phone.
            row = [" ".join(v.split()) for v in row]
        row.append("")
        (first, middle, last, suffix, gender, party, precinct, precinct_name, status_raw,
         raw_birth, raw_year, raw_reg, unit, city, state, zip_code) = map(str.strip, pick(row))
        state_id = row[c_state_id].strip()
        if not state_id:
            problem(line, c_state_id, "the voter's state id is blank")
        elif len(state_id) > LIMITS["state_id"]:
            problem(line, c_state_id, f"the state id is longer than {LIMITS['state_id']} characters")
        elif state_id[-4:-2] in ("E+", "e+") and _SCIENTIFIC.fullmatch(state_id):
            problem(line, c_state_id, f"state id {state_id} is a number a spreadsheet rewrote in "
                    "scientific notation, its digits lost; export the column as text")
        else:
            first_line = seen_ids.setdefault(state_id, line)
            if first_line != line:
                problem(line, c_state_id, f"state id {state_id} is already on line {first_line}")
        if (len(first) > 100 or len(middle) > 100 or len(last) > 100 or len(suffix) > 20
                or len(gender) > 10 or len(party) > 10 or len(precinct) > 64
                or len(precinct_name) > 200):  # fmt: skip
            for f, v in zip(_OPTIONAL[:8], (first, middle, last, suffix, gender, party, precinct,
                                            precinct_name)):  # fmt: skip
                if len(v) > LIMITS[f]:
                    problem(line, optional[f], f"{v[:20]!r}... is longer than {LIMITS[f]} characters")
        status = statuses.get(status_raw.upper(), status_raw.lower()) if status_raw else "active"
        if len(status) > LIMITS["voter_status"]:
            problem(line, optional["voter_status"], "the voter status is too long")
        birth_year = None
        if raw_birth:
            birth = _date(raw_birth, date_formats)
            if birth is None:
                problem(line, optional["birth_date"], f"{raw_birth!r} is not a date "
                        f"({_formats_text(date_formats)})")
            elif not 1880 <= birth.year <= this_year:
                problem(line, optional["birth_date"], f"birth date {raw_birth} is not plausible")
            else:
                birth_year = birth.year
        if raw_year and birth_year is None:
            if raw_year.isdigit() and 1880 <= int(raw_year) <= this_year:
                birth_year = int(raw_year)
            else:
                problem(line, optional["birth_year"], f"{raw_year!r} is not a birth year")
        registered_on = None
        if raw_reg:
            reg = _date(raw_reg, date_formats)
            if reg is None:
                problem(line, optional["registered_on"],
                        f"{raw_reg!r} is not a date ({_formats_text(date_formats)})")
            else:
                registered_on = reg.isoformat()
        lat = lon = None
        if lat_i is not None:
            lat, lon, message = _coordinates(row[lat_i].strip(), row[lon_i].strip())
            if message:
                problem(line, lat_i, message)
        state = state.upper() or default_state
        address = None
        try:
            address = normaliser.normalise(row[c_addr], unit, city, state, zip_code)
        except AddressError as exc:
            part = optional.get(exc.part) if exc.part != "address_line" else None
            problem(line, part if part is not None else c_addr, str(exc))
        if address is not None and not re.fullmatch(r"[A-Z]{2}", address.state or "XX"):
            problem(line, optional["state"], f"{address.state!r} is not a two-letter state code")
        if address is not None and len(address.unit) > 50:
            problem(line, optional["unit"] or c_addr, "the unit is longer than 50 characters")
        ballots = []
        for index, e in history:
            v = row[index]
            if v:
                if v not in BALLOTS:
                    v = v.strip().upper()
                    if not v:
                        continue
                    if v not in BALLOTS:
                        problem(line, index, f"{row[index]!r} is not a vote history value "
                                "(blank, X or a party letter C D E G L N R S)")
                        continue
                ballots.append((line, index, v))
        if problems:
            if state_id:
                batch.rejected_ids.append(state_id)
            _flush_problems(problems, report, on_problem, batch)
            continue
        assert address is not None
        if precinct and scope_i is not None and row[scope_i].strip():
            precinct = f"{row[scope_i].strip()}-{precinct}"
            if len(precinct) > LIMITS["precinct_code"]:
                precinct = precinct[: LIMITS["precinct_code"]]
        if precinct and precinct not in batch.precincts:
            batch.precincts[precinct] = precinct_name or precinct
        key = address.address_key
        if address.unit:
            # One unit spelled two ways (APT 2B, #2B, Unit 2-B) is one door: the first
            # spelling stored or read, unless this spelling is a door of its own already.
            number = numbers.get(address.unit)
            if number is None:
                number = numbers[address.unit] = unit_number(address.unit)
            known_key, known_unit = units.setdefault((address.building_key, number),
                                                     (key, address.unit))
            if known_key != key and key not in stored_keys:
                key = known_key
                address = address._replace(address_key=key, unit=known_unit)
        # The door's number in the file (0, 1, ...), negative (-1 - number) while it has no
        # coordinates: a first import gives doors their ids from it.
        door_no = seen_doors.get(key)
        if door_no is None:
            door_no = len(seen_doors)
            if lat is not None:
                # One building is one stop: its doors share the first coordinates given.
                lat, lon = building_coords.setdefault(address.building_key, (lat, lon))
            else:
                lat, lon = building_coords.get(address.building_key, (None, None))
            seen_doors[key] = door_no if lat is not None else -1 - door_no
            batch.doors.append((key, address.building_key, address.address_line, address.unit,
                                address.city, address.state, address.zip, lat, lon, precinct))
        elif door_no < 0:
            door_no = -1 - door_no
            if lat is not None:
                lat, lon = building_coords.setdefault(address.building_key, (lat, lon))
                seen_doors[key] = door_no
                batch.late_coordinates.append((lat, lon, key))
        batch.voters.append((line, state_id, first, middle, last, suffix, birth_year, gender,
                             party.upper(), registered_on, status, key, door_no))
        if ballots:
            batch.votes.extend(ballots)
        if len(batch.voters) >= batch_rows:
            batch.bytes_read = raw.count
            report.rows = rows
            yield batch
            batch = Batch()
    report.rows = rows
    batch.bytes_read = raw.count
    yield batch


def _loose(column: str) -> str:
    return " ".join(column.split()).casefold()


def _columns(name: str, header: list[str], profile: Profile) -> dict[str, int]:
    """Where each field's column is: by its exact name, else ignoring case and spacing (a
    spreadsheet's ``Voter  number``); a column named twice is refused, never guessed."""
    line = 1 if profile.has_header else 0
    exact: dict[str, list[int]] = {}
    loose: dict[str, list[int]] = {}
    for i, c in enumerate(header):
        exact.setdefault(c, []).append(i)
        loose.setdefault(_loose(c), []).append(i)
    col: dict[str, int] = {}
    missing = []
    for f, c in profile.columns.items():
        found = exact.get(c) or loose.get(_loose(c))
        if not found:
            missing.append(c)
        elif len(found) > 1:
            raise _file_error(name, line, c, f"the header has {len(found)} columns named {c!r} "
                              f"(columns {', '.join(str(i + 1) for i in found)}); rename the "
                              f"one that is not the {f.replace('_', ' ')}")
        else:
            col[f] = found[0]
    if missing:
        raise _file_error(name, line, missing[0],
                          f"the {profile.name} layout needs column(s) {', '.join(missing)}, "
                          "which the header lacks")
    return col


def _flush_problems(problems: list[Problem], report: FileReport,
                    on_problem: Callable[[Problem], None], batch: Batch) -> None:
    for p in problems:
        if p.kind == "skipped":
            report.skipped += 1
        on_problem(p)
    if any(p.kind == "rejected" for p in problems):
        report.problems += 1
    problems.clear()


def _date(value: str, formats: tuple[str, ...]) -> dt.date | None:
    for f in formats:
        if f == "%Y-%m-%d":
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                continue
        if f == "%m/%d/%Y" and len(value) == 10 and value[2] == "/" and value[5] == "/":
            try:
                return dt.date(int(value[6:]), int(value[:2]), int(value[3:5]))
            except ValueError:
                continue
        try:
            return dt.datetime.strptime(value, f).date()
        except ValueError:
            continue
    return None


def _formats_text(formats: tuple[str, ...]) -> str:
    names = {"%Y-%m-%d": "YYYY-MM-DD", "%m/%d/%Y": "MM/DD/YYYY"}
    return "expected " + " or ".join(names.get(f, f) for f in formats)


def _coordinates(lat_s: str, lon_s: str) -> tuple[float | None, float | None, str]:
    if not lat_s and not lon_s:
        return None, None, ""
    try:
        lat = float(lat_s) if lat_s else 0.0
        lon = float(lon_s) if lon_s else 0.0
    except ValueError:
        return None, None, f"latitude/longitude {lat_s!r}, {lon_s!r} are not numbers"
    if lat == 0.0 or lon == 0.0:
        # Vendors write 0 (or 0/0) for "not geocoded"; nobody canvasses on the equator.
        return None, None, ""
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None, None, f"latitude/longitude {lat_s}, {lon_s} are out of range"
    return lat, lon, ""
