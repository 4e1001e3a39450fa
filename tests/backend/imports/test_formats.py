"""Layouts detected from the header, and address normalisation (no database)."""

from __future__ import annotations

import json

import pytest
from scourgify import normalize_address_record

from backend.demo.county import generate_county
from backend.errors import ImportFileError
from backend.services.imports.addresses import AddressError, AddressNormaliser
from backend.services.imports.formats import FLORIDA_COLUMNS, detect_profile, mapping_profile
from tests.backend.imports.files import NC_COLUMNS

HAND_WRITTEN = [
    ("123 North Main Street", "Apt 4b"), ("1200 Riverside Drive", ""), ("5 W 5th Ave", "Unit 3"),
    ("4500 E Broad St", "Ste 200"), ("10 Elm St", "#4"), ("77 Oak Avenue", "Apartment 12"),
    ("3578 Christian Roads", "Suite 884"), ("100 N High St", ""), ("1 S Front St", "Fl 2"),
    ("901 Lakeview Terrace", "Lot 12"), ("42 Saint James Place", ""), ("2020 Route 23 North", ""),
    ("0310 Old State Route 3", ""), ("88 Martin Luther King Jr Blvd", "Apt 1-C"),
]  # fmt: skip


def plain_scourgify(line1: str, unit: str) -> tuple[str, str]:
    out = normalize_address_record({"address_line_1": line1, "address_line_2": unit,
                                    "city": "COLUMBUS", "state": "OH", "postal_code": "43215"})
    return out["address_line_1"], out["address_line_2"] or ""


def test_cached_normalisation_equals_scourgify_address_by_address():
    """The per-template cache gives exactly what scourgify gives each address on its own,
    on hand-written addresses and a few hundred from the synthetic county."""
    county = generate_county(600, seed=5)
    sample = HAND_WRITTEN + [
        (f"{d.house_number} {d.street}", d.unit) for d in list(county.iter_doors())[:300]
    ]
    normaliser = AddressNormaliser()
    for line1, unit in sample:
        got = normaliser.normalise(line1, unit, "Columbus", "OH", "43215")
        assert (got.address_line, got.unit) == plain_scourgify(line1, unit), (line1, unit)
    assert normaliser.calls < len(sample) * 0.8, "the cache must save scourgify calls"


@pytest.mark.parametrize(("line1", "zip_code", "message"), [
    ("", "43215", "blank"), ("PO BOX 12", "43215", "cannot be parsed"),
    ("Main Street", "43215", "cannot be parsed"), ("12 Main St", "432", "not a 5-digit ZIP"),
])  # fmt: skip
def test_addresses_that_are_not_doors_are_refused(line1, zip_code, message):
    """A blank line, a PO box, a street without a number or a bad ZIP is not a door."""
    with pytest.raises(AddressError, match=message):
        AddressNormaliser().normalise(line1, "", "Columbus", "OH", zip_code)


def test_layouts_are_detected_from_the_first_line():
    """Ohio and NC by their signature columns (old NC spelling too), Florida by its shape."""
    assert detect_profile(["SOS_VOTERID", "COUNTY_NUMBER", "RESIDENTIAL_ADDRESS1"]).name == "ohio"
    assert detect_profile(NC_COLUMNS).columns["middle_name"] == "middle_name"
    old = detect_profile([c.replace("middle_name", "midl_name") for c in NC_COLUMNS])
    assert old.name == "nc" and old.columns["middle_name"] == "midl_name"
    florida_row = ["ALA", "100000001"] + [""] * (len(FLORIDA_COLUMNS) - 2)
    assert detect_profile(florida_row).name == "florida"
    assert detect_profile(florida_row + ["29.6", "-82.3"]).name == "florida"
    with pytest.raises(ImportFileError, match="not recognised"):
        detect_profile(["id", "name"], path="x.csv")


def test_mapping_file_is_checked(tmp_path):
    """A mapping must be JSON, name known fields and give the required ones."""
    path = tmp_path / "m.json"
    path.write_text("{not json")
    with pytest.raises(ImportFileError, match="not valid JSON"):
        mapping_profile(path)
    path.write_text(json.dumps({"columns": {"state_id": "ID"}}))
    with pytest.raises(ImportFileError, match="address_line"):
        mapping_profile(path)
    path.write_text(json.dumps({"columns": {"state_id": "ID", "address_line": "A"},
                                "delimiter": "tab"}))
    assert mapping_profile(path).delimiter == "\t"
