"""Voter-file layouts: one profile per source, detected from the header (FORMATS.md section 1).

A profile says how to read the file (delimiter, encoding, header or not) and which of its
columns feed each voter field. Columns are named as the file names them, so every error a
person sees points at a column they can find in the file.

>>> detect_profile(['"SOS_VOTERID"', 'LAST_NAME', 'RESIDENTIAL_ADDRESS1']).name
'ohio'
>>> detect_profile(["county_id", "ncid", "res_street_address"]).name
'nc'
>>> len(FLORIDA_COLUMNS)
38
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from backend.errors import ImportFileError

__all__ = [
    "COORDINATE_COLUMNS",
    "FIELDS",
    "FLORIDA_COLUMNS",
    "FORMATS",
    "OHIO_HISTORY_COLUMN",
    "Profile",
    "detect_profile",
    "mapping_profile",
    "profile_named",
]

#: Voter fields a profile can fill; ``state_id`` and ``address_line`` are required.
FIELDS: tuple[str, ...] = (
    "state_id", "first_name", "middle_name", "last_name", "suffix", "birth_date", "birth_year",
    "gender", "party", "registered_on", "voter_status", "address_line", "unit", "city", "state",
    "zip", "precinct_code", "precinct_name", "latitude", "longitude",
)  # fmt: skip
REQUIRED = ("state_id", "address_line")

#: Ohio election-history columns such as ``GENERAL-11/05/2024`` (national-voter-file's regex).
OHIO_HISTORY_COLUMN = re.compile(r"^(PRIMARY|GENERAL|SPECIAL)-(\d{2})/(\d{2})/(\d{4})$")

#: Vendor coordinate columns (latitude, longitude) recognised in any layout, best first:
#: L2, TargetSmart (its cleaned-address geocode before the registration one, dotted or
#: warehouse spelling), then plain names.
COORDINATE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Residence_Addresses_Latitude", "Residence_Addresses_Longitude"),
    ("vb.tsmart_latitude", "vb.tsmart_longitude"),
    ("vb_tsmart_latitude", "vb_tsmart_longitude"),
    ("vb.reg_latitude", "vb.reg_longitude"),
    ("vb_reg_latitude", "vb_reg_longitude"),
    ("LATITUDE", "LONGITUDE"),
    ("LAT", "LON"),
    ("LAT", "LONG"),
)

FLORIDA_COLUMNS: tuple[str, ...] = (
    "County Code", "Voter ID", "Name Last", "Name Suffix", "Name First", "Name Middle",
    "Requested public records exemption", "Residence Address Line 1", "Residence Address Line 2",
    "Residence City (USPS)", "Residence State", "Residence Zipcode", "Mailing Address Line 1",
    "Mailing Address Line 2", "Mailing Address Line 3", "Mailing City", "Mailing State",
    "Mailing Zipcode", "Mailing Country", "Gender", "Race", "Birth Date", "Registration Date",
    "Party Affiliation", "Precinct", "Precinct Group", "Precinct Split", "Precinct Suffix",
    "Voter Status", "Congressional District", "House District", "Senate District",
    "County Commission District", "School Board District", "Daytime Area Code",
    "Daytime Phone Number", "Daytime Phone Extension", "Email address",
)  # fmt: skip

# Status words as the files spell them, to the lower-case words Canvass keeps.
_STATUS = {
    "ACT": "active", "INA": "inactive", "A": "active", "I": "inactive", "R": "removed",
    "D": "denied", "S": "temporary", "CONFIRMATION": "confirmation", "ACTIVE": "active",
    "INACTIVE": "inactive", "REMOVED": "removed", "DENIED": "denied", "TEMPORARY": "temporary",
}  # fmt: skip


@dataclass(frozen=True)
class Profile:
    """How to read one layout.

    ``columns`` maps a voter field to the file's column; ``header`` is None when the file has
    no header row (the names then come from ``fixed_columns``). ``skip_if`` names a column and
    the values that mark a row to leave out with ``skip_reason`` (Florida's exempt records).
    """

    name: str
    delimiter: str = ","
    encoding: str = "utf-8"
    has_header: bool = True
    fixed_columns: tuple[str, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    default_state: str = ""
    history: bool = False
    skip_if: tuple[str, frozenset[str]] | None = None
    skip_reason: str = ""
    status_words: dict[str, str] = field(default_factory=lambda: dict(_STATUS))


OHIO = Profile(
    name="ohio",
    columns={
        "state_id": "SOS_VOTERID", "first_name": "FIRST_NAME", "middle_name": "MIDDLE_NAME",
        "last_name": "LAST_NAME", "suffix": "SUFFIX", "birth_date": "DATE_OF_BIRTH",
        "registered_on": "REGISTRATION_DATE", "voter_status": "VOTER_STATUS",
        "party": "PARTY_AFFILIATION", "address_line": "RESIDENTIAL_ADDRESS1",
        "unit": "RESIDENTIAL_SECONDARY_ADDR", "city": "RESIDENTIAL_CITY",
        "state": "RESIDENTIAL_STATE", "zip": "RESIDENTIAL_ZIP", "precinct_code": "PRECINCT_CODE",
        "precinct_name": "PRECINCT_NAME",
    },
    default_state="OH",
    history=True,
)

NC = Profile(
    name="nc",
    delimiter="\t",
    encoding="cp1252",
    columns={
        "state_id": "ncid", "first_name": "first_name", "middle_name": "middle_name",
        "last_name": "last_name", "suffix": "name_suffix_lbl", "birth_year": "birth_year",
        "gender": "gender_code", "party": "party_cd", "registered_on": "registr_dt",
        "voter_status": "voter_status_desc", "address_line": "res_street_address",
        "city": "res_city_desc", "state": "state_cd", "zip": "zip_code",
        "precinct_code": "precinct_abbrv", "precinct_name": "precinct_desc",
    },
    date_formats=("%m/%d/%Y", "%Y-%m-%d"),
    default_state="NC",
    skip_if=("confidential_ind", frozenset({"Y"})),
    skip_reason="confidential record (confidential_ind = Y): the address is withheld",
)
# The layout before 2022 spells a few columns differently (FORMATS.md section 1).
_NC_OLD_NAMES = {"middle_name": "midl_name", "suffix": "name_sufx_cd"}

FLORIDA = Profile(
    name="florida",
    delimiter="\t",
    has_header=False,
    fixed_columns=FLORIDA_COLUMNS,
    columns={
        "state_id": "Voter ID", "first_name": "Name First", "middle_name": "Name Middle",
        "last_name": "Name Last", "suffix": "Name Suffix", "birth_date": "Birth Date",
        "gender": "Gender", "party": "Party Affiliation", "registered_on": "Registration Date",
        "voter_status": "Voter Status", "address_line": "Residence Address Line 1",
        "unit": "Residence Address Line 2", "city": "Residence City (USPS)",
        "state": "Residence State", "zip": "Residence Zipcode", "precinct_code": "Precinct",
    },
    date_formats=("%m/%d/%Y",),
    default_state="FL",
    skip_if=("Requested public records exemption", frozenset({"Y"})),
    skip_reason="public records exemption requested: the record is redacted by law",
)

FORMATS = ("auto", "ohio", "nc", "florida", "csv")
_BY_NAME = {p.name: p for p in (OHIO, NC, FLORIDA)}


def profile_named(name: str) -> Profile:
    return _BY_NAME[name]


def _clean(name: str) -> str:
    return name.strip().strip('"').strip()


def detect_profile(first_row: list[str], *, path: str = "") -> Profile:
    """The profile whose signature columns the first row holds, else Florida's shape.

    Raises ``ImportFileError`` naming the file when nothing matches, with the way out.
    """
    names = {_clean(c) for c in first_row}
    if {"SOS_VOTERID", "RESIDENTIAL_ADDRESS1"} <= names:
        return OHIO
    if {"ncid", "res_street_address"} <= names:
        if "midl_name" in names:
            return replace(NC, columns={**NC.columns, **_NC_OLD_NAMES})
        return NC
    if len(first_row) in (len(FLORIDA_COLUMNS), len(FLORIDA_COLUMNS) + 2) and re.fullmatch(r"[A-Z]{3}", _clean(first_row[0])):
        return FLORIDA
    raise ImportFileError(
        f"{path or 'the file'}: the layout was not recognised from its first line",
        errors=[{
            "file": path, "line": 1, "field": "",
            "message": "not an Ohio, North Carolina or Florida voter file; for any other CSV, "
                       "pass --format csv --mapping FILE (see docs/importing.md)",
        }],
    )  # fmt: skip


def mapping_profile(mapping_path: str | Path) -> Profile:
    """A profile for a generic CSV from a JSON mapping file.

    The file is either ``{"columns": {field: column}, "delimiter": ",", "encoding": "utf-8",
    "date_format": "%m/%d/%Y", "default_state": "OH"}`` or just the ``{field: column}`` object.
    """
    path = str(mapping_path)

    def fail(message: str, fieldname: str = "") -> ImportFileError:
        return ImportFileError(
            f"{path}: {message}",
            errors=[{"file": path, "line": 0, "field": fieldname, "message": message}],
        )

    try:
        raw = json.loads(Path(mapping_path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read the mapping file ({exc})") from None
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"{path}: not valid JSON ({exc.msg})",
            errors=[{"file": path, "line": exc.lineno, "field": "", "message": exc.msg}],
        ) from None
    if not isinstance(raw, dict):
        raise fail("the mapping must be a JSON object")
    columns = raw.get("columns", raw if "columns" not in raw else None)
    options = raw if "columns" in raw else {}
    if not isinstance(columns, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in columns.items()
    ):
        raise fail('"columns" must map voter fields to column names (strings)', "columns")
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        raise fail(f"unknown field(s) {', '.join(unknown)}; known: {', '.join(FIELDS)}", unknown[0])
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        raise fail(f"the mapping must name a column for {', '.join(missing)}", missing[0])
    delimiter = options.get("delimiter", ",")
    if delimiter in ("\\t", "tab"):
        delimiter = "\t"
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise fail("delimiter must be one character (or \"tab\")", "delimiter")
    date_format = options.get("date_format")
    return Profile(
        name="csv",
        delimiter=delimiter,
        encoding=str(options.get("encoding", "utf-8")),
        columns=dict(columns),
        date_formats=(date_format,) if date_format else ("%Y-%m-%d", "%m/%d/%Y"),
        default_state=str(options.get("default_state", "")).upper(),
    )
