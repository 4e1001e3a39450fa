"""Street addresses to doors: USPS-normalised with usaddress-scourgify, keyed for deduplication.

Voters at the same normalised address line, unit and ZIP share a door (``address_key``); the
doors of one address line and ZIP form a building (``building_key``), one stop on a walk.

scourgify costs about 0.2 ms an address, minutes on a state file, so results are cached per
*template*: the house number is replaced by a stand-in with the same digit count and trailing
zeros. usaddress labels a token from its features alone, and for a number those are exactly
"all digits", its length and its trailing zeros (``usaddress.tokenFeatures``), so the stand-in
gets the same labels and scourgify the same output; the real number is put back afterwards.
A test checks the two paths agree on many addresses.

>>> n = AddressNormaliser()
>>> d = n.normalise("123 North Main Street", "Apt 4b", "Columbus", "oh", "43215-1234")
>>> d.address_line, d.unit, d.city, d.state, d.zip, d.address_key, d.building_key
('123 N MAIN ST', 'APT 4B', 'COLUMBUS', 'OH', '43215', '123 N MAIN ST|APT 4B|43215', '123 N MAIN ST|43215')
>>> n.normalise("987 North Main Street", "Apt 4b", "Columbus", "OH", "43215").address_line
'987 N MAIN ST'
>>> n.calls  # one street template and one unit: the second address reused both
2
"""

from __future__ import annotations

import re
from typing import NamedTuple

from scourgify import normalize_address_record
from scourgify.exceptions import AddressNormalizationError

__all__ = ["AddressError", "AddressNormaliser", "NormalisedAddress", "house_number_template",
           "unit_number"]

_SPACES = re.compile(r"\s+")
_ZIP = re.compile(r"([0-9]{5})(?:-?[0-9]{4})?")
# A ZIP code a spreadsheet read as a number lost its leading zero: 02139 -> 2139,
# 02139-1234 -> 2139-1234, 021391234 -> 21391234. Only in the states whose ZIP codes start
# with 0; elsewhere (4321 in Ohio) it is a ZIP code cut short, and three digits are too.
_SHORT_ZIP = re.compile(r"([0-9]{4})(-[0-9]{4})?|([0-9]{8})")
_ZERO_ZIP_STATES = frozenset({"CT", "MA", "ME", "NH", "NJ", "RI", "VT", "PR", "VI", "AE"})


_LETTER_HYPHEN = re.compile(r"(?<=[0-9])-(?=[A-Za-z])|(?<=[A-Za-z])-(?=[0-9])")
#: Words that only say "the unit number follows" (USPS designators that take a number).
_UNIT_WORDS = frozenset({"#", "APT", "UNIT", "STE", "RM", "SPC", "LOT", "TRLR", "NO", "NUMBER"})


def unit_number(unit: str) -> str:
    """What tells a building's units apart, without the word before the number: the same
    unit typed as ``Apt 2b``, ``Apartment 2B``, ``Unit 2B``, ``#2B`` or ``2B`` (normalised
    or not) gives the same answer. A unit with no number (``REAR``) is itself.

    >>> unit_number("APT 2B"), unit_number("# 2b"), unit_number("2B"), unit_number("Apartment 2B")
    ('2B', '2B', '2B', '2B')
    >>> unit_number("BLDG C APT 4"), unit_number("REAR"), unit_number("")
    ('BLDG C 4', 'REAR', '')

    A hyphen between a number and a letter is only spelling (``Unit 2-B`` is ``2B``); one
    between two numbers is not (``1-2``, building 1 unit 2, is not unit 12):

    >>> unit_number("UNIT 2-B"), unit_number("B-2"), unit_number("1-2")
    ('2B', 'B2', '1-2')
    """
    unit = _LETTER_HYPHEN.sub("", unit)
    words = _SPACES.sub(" ", unit.upper().replace("#", " # ")).split()
    words = ["APT" if w in ("APARTMENT", "APT.") else w for w in words]
    kept = [w for w in words if w not in _UNIT_WORDS]
    return " ".join(kept or words)


class AddressError(ValueError):
    """The address cannot become a door; the message says why, for a person, and ``part``
    which part of the address is at fault ("address_line", "zip" or "city")."""

    def __init__(self, message: str, part: str = "address_line") -> None:
        super().__init__(message)
        self.part = part


class NormalisedAddress(NamedTuple):
    address_line: str
    unit: str
    city: str
    state: str
    zip: str
    address_key: str
    building_key: str


def house_number_template(number: str) -> str:
    """A stand-in with the same usaddress features: length and trailing zeros.

    >>> house_number_template("1200"), house_number_template("57"), house_number_template("0")
    ('1100', '11', '0')
    """
    zeros = len(number) - len(number.rstrip("0"))
    return "1" * (len(number) - zeros) + "0" * zeros


class AddressNormaliser:
    """Normalises addresses with per-template caches; one instance per import.

    The street line is parsed on its own, with the file's state; a separate unit column is
    normalised on its own too, the same way wherever it appears (``Apt 4b`` is ``APT 4B``).
    City and ZIP are checked and kept as given: they never change how a street line parses
    unless the line has no street name, and such a line is refused (it is not a door).
    """

    def __init__(self) -> None:
        self._lines: dict[tuple[str, str], tuple[str, str] | str] = {}
        self._units: dict[str, str] = {}
        self.calls = 0

    def normalise(self, line1: str, unit: str, city: str, state: str, zip_code: str) -> NormalisedAddress:
        line1 = " ".join(line1.split()).upper()
        city = " ".join(city.split()).upper()
        state = state.strip().upper()
        zip_code = zip_code.strip()
        if not line1:
            raise AddressError("the street address is blank")
        if len(zip_code) == 5 and zip_code.isdigit() and zip_code.isascii():
            zip5 = zip_code
        elif zip_code:
            short = _SHORT_ZIP.fullmatch(zip_code) if state in _ZERO_ZIP_STATES else None
            if short is not None:
                zip_code = short[3].zfill(9) if short[3] else short[1].zfill(5) + (short[2] or "")
            m = _ZIP.fullmatch(zip_code)
            if m is None:
                # Florida writes ZIP+4 without a dash; anything else is not a ZIP code.
                raise AddressError(f"{zip_code!r} is not a 5-digit ZIP code (or ZIP+4)", "zip")
            zip5 = m.group(1)
        else:
            zip5 = ""
            if not city:
                raise AddressError("the address has neither a city nor a ZIP code", "city")
        line, line2 = self._line(line1, state)
        unit = self._unit(unit) if unit and not unit.isspace() else ""
        if line2:
            unit = f"{line2} {unit}" if unit else line2
        place = zip5 or city
        return NormalisedAddress(line, unit, city, state, zip5, f"{line}|{unit}|{place}",
                                 f"{line}|{place}")

    def unit(self, unit: str) -> str:
        """A unit typed on its own, spelled as a voter file's would be.

        >>> AddressNormaliser().unit(" Apartment 2b ")
        'APT 2B'
        """
        return self._unit(unit) if unit and not unit.isspace() else ""

    def _line(self, line1: str, state: str) -> tuple[str, str]:
        number, space, rest = line1.partition(" ")
        if space and number.isdigit() and number.isascii():
            template = house_number_template(number)
            hit = self._cached_line(f"{template} {rest}", state)
            if isinstance(hit, tuple) and hit[0].startswith(template + " "):
                return number + hit[0][len(template):], hit[1]
        hit = self._cached_line(line1, state)
        if isinstance(hit, str):
            raise AddressError(hit)
        return hit

    def _cached_line(self, line1: str, state: str) -> tuple[str, str] | str:
        key = (line1, state)
        hit = self._lines.get(key)
        if hit is None:
            hit = self._lines[key] = self._scourgify_line(line1, state)
        return hit

    def _scourgify_line(self, line1: str, state: str) -> tuple[str, str] | str:
        self.calls += 1
        record = {"address_line_1": line1, "address_line_2": "", "city": _PLACEHOLDER_CITY,
                  "state": state or "OH", "postal_code": "00000"}  # fmt: skip
        try:
            out = normalize_address_record(record)
        except AddressNormalizationError as exc:
            return f"the street address {line1!r} cannot be parsed ({_reason(exc)})"
        line = out["address_line_1"] or ""
        if _PLACEHOLDER_CITY in line or _PLACEHOLDER_CITY in (out["address_line_2"] or ""):
            return f"the street address {line1!r} has no street name"
        if not re.match(r"[0-9]", line):
            # A PO box, an intersection or a street without a number is not a door to knock.
            return f"the street address {line1!r} has no house number"
        return line, out["address_line_2"] or ""

    def _unit(self, unit: str) -> str:
        hit = self._units.get(unit)
        if hit is None:
            self.calls += 1
            clean = _SPACES.sub(" ", unit).strip().upper()
            record = {"address_line_1": "1 MAIN ST", "address_line_2": clean,
                      "city": _PLACEHOLDER_CITY, "state": "OH", "postal_code": "00000"}
            try:
                out = normalize_address_record(record)
                parsed = out["address_line_2"] or ""
                hit = parsed if out["address_line_1"] == "1 MAIN ST" and parsed else clean
            except AddressNormalizationError:
                # "REAR", "BSMT": not an occupancy usaddress knows, but still a door.
                hit = clean
            self._units[unit] = hit
        return hit


# Never a real city: if it shows up in a parsed street line, the line had no street of its own.
_PLACEHOLDER_CITY = "ZZCANVASSNOCITY"


def _reason(exc: Exception) -> str:
    text = str(exc).split(",")[0].strip()
    return text.lower() or type(exc).__name__
