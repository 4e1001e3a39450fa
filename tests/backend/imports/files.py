"""Writers of small voter files in the real layouts (FORMATS.md section 1), for the tests.

Each takes a list of plain dicts with the few fields a test cares about and fills the rest of
the layout's columns the way the state does (blank, or a typical value).
"""

from __future__ import annotations

import csv
from pathlib import Path

from backend.demo.county import OHIO_COLUMNS
from backend.services.imports.formats import FLORIDA_COLUMNS

OHIO_ELECTIONS = ("GENERAL-11/08/2022", "PRIMARY-05/07/2024", "GENERAL-11/05/2024")

NC_COLUMNS = ["county_id", "county_desc", "voter_reg_num", "ncid", "last_name", "first_name", "middle_name", "name_suffix_lbl", "status_cd", "voter_status_desc", "reason_cd", "voter_status_reason_desc", "res_street_address", "res_city_desc", "state_cd", "zip_code", "mail_addr1", "mail_addr2", "mail_addr3", "mail_addr4", "mail_city", "mail_state", "mail_zipcode", "full_phone_number", "confidential_ind", "registr_dt", "race_code", "ethnic_code", "party_cd", "gender_code", "birth_year", "age_at_year_end", "birth_state", "drivers_lic", "precinct_abbrv", "precinct_desc", "municipality_abbrv", "municipality_desc", "ward_abbrv", "ward_desc", "cong_dist_abbrv", "super_court_abbrv", "judic_dist_abbrv", "nc_senate_abbrv", "nc_house_abbrv", "county_commiss_abbrv", "county_commiss_desc", "township_abbrv", "township_desc", "school_dist_abbrv", "school_dist_desc", "fire_dist_abbrv", "fire_dist_desc", "water_dist_abbrv", "water_dist_desc", "sewer_dist_abbrv", "sewer_dist_desc", "sanit_dist_abbrv", "sanit_dist_desc", "rescue_dist_abbrv", "rescue_dist_desc", "munic_dist_abbrv", "munic_dist_desc", "dist_1_abbrv", "dist_1_desc", "vtd_abbrv", "vtd_desc"]
assert len(NC_COLUMNS) == 67


def ohio_voter(n: int, **kw) -> dict:
    base = {
        "SOS_VOTERID": f"OH{n:010d}", "COUNTY_NUMBER": "25", "COUNTY_ID": str(1000 + n),
        "LAST_NAME": f"LAST{n}", "FIRST_NAME": f"FIRST{n}", "DATE_OF_BIRTH": "1980-05-17",
        "REGISTRATION_DATE": "2010-01-04", "VOTER_STATUS": "ACTIVE", "PARTY_AFFILIATION": "D",
        "RESIDENTIAL_ADDRESS1": f"{100 + n} North High Street", "RESIDENTIAL_CITY": "COLUMBUS",
        "RESIDENTIAL_STATE": "OH", "RESIDENTIAL_ZIP": "43215", "PRECINCT_NAME": "COLUMBUS 01-A",
        "PRECINCT_CODE": "01-A", "GENERAL-11/08/2022": "X", "PRIMARY-05/07/2024": "D",
        "GENERAL-11/05/2024": "X",
    }  # fmt: skip
    base.update(kw)
    return base


def write_ohio(path: Path, voters: list[dict], *, coordinates: tuple[str, str] | None = None) -> Path:
    """Ohio SWVF: every field quoted, comma-separated; ``coordinates`` names vendor columns."""
    header = list(OHIO_COLUMNS) + list(OHIO_ELECTIONS)
    if coordinates:
        header += list(coordinates)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(header)
        for v in voters:
            row = [v.get(c, "") for c in header]
            if coordinates:
                row[-2:] = [v.get("lat", ""), v.get("lon", "")]
            w.writerow(row)
    return path


def write_nc(path: Path, voters: list[dict], *, coordinates: tuple[str, str] | None = None) -> Path:
    """NC ncvoter: tab-delimited, quoted, Windows-1252."""
    header = list(NC_COLUMNS) + (list(coordinates) if coordinates else [])
    with open(path, "w", newline="", encoding="cp1252") as f:
        w = csv.writer(f, delimiter="\t", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        w.writerow(header)
        for v in voters:
            row = [v.get(c, "") for c in header]
            if coordinates:
                row[-2:] = [v.get("lat", ""), v.get("lon", "")]
            w.writerow(row)
    return path


def nc_voter(n: int, **kw) -> dict:
    base = {
        "county_id": "92", "county_desc": "WAKE", "voter_reg_num": str(n), "ncid": f"EH{n:06d}",
        "last_name": f"LAST{n}", "first_name": f"FIRST{n}", "status_cd": "A",
        "voter_status_desc": "ACTIVE", "res_street_address": f"{200 + n} OBERLIN RD",
        "res_city_desc": "RALEIGH", "state_cd": "NC", "zip_code": "27605",
        "confidential_ind": "N", "registr_dt": "03/15/2012", "party_cd": "UNA", "gender_code": "F",
        "birth_year": "1975", "precinct_abbrv": "01-07", "precinct_desc": "PRECINCT 01-07",
    }  # fmt: skip
    base.update(kw)
    return base


def florida_voter(n: int, **kw) -> dict:
    base = {
        "County Code": "ALA", "Voter ID": f"{100000000 + n}", "Name Last": f"LAST{n}",
        "Name First": f"FIRST{n}", "Requested public records exemption": "N",
        "Residence Address Line 1": f"{300 + n} NW 13th Street", "Residence City (USPS)": "Gainesville",
        "Residence State": "", "Residence Zipcode": "326011234", "Gender": "M", "Race": "5",
        "Birth Date": "07/04/1990", "Registration Date": "09/01/2008", "Party Affiliation": "NPA",
        "Precinct": "12", "Voter Status": "ACT",
    }  # fmt: skip
    base.update(kw)
    return base


def write_florida(path: Path, voters: list[dict], *, coordinates: bool = False) -> Path:
    """Florida extract: tab-delimited, no header, 38 columns (40 with vendor coordinates)."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter="\t", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        for v in voters:
            row = [v.get(c, "") for c in FLORIDA_COLUMNS]
            if coordinates:
                row += [v.get("lat", ""), v.get("lon", "")]
            w.writerow(row)
    return path
