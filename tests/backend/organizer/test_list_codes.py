"""List codes: a short code and QR code a volunteer types or scans to load a turf."""

from __future__ import annotations

import datetime as dt

from backend.models import Turf
from tests.backend.organizer.conftest import cut


def test_issue_a_code_and_claim_the_turf_with_it(org, alice, county, universe, session):
    turf = cut(org, universe["id"], target_doors=40)[0]
    assert org.get(f"/api/turfs/{turf['id']}/list_code").status_code == 404
    response = org.post(f"/api/turfs/{turf['id']}/list_code")
    assert response.status_code == 201
    code = response.get_json()
    assert len(code["list_code"]) == 6 and code["list_code"].isalnum()
    assert code["qr_svg"].startswith("<?xml") and "<svg" in code["qr_svg"]
    assert code["url"].endswith(f"?list_code={code['list_code']}")
    expires = dt.datetime.fromisoformat(code["expires_at"])
    assert dt.timedelta(days=29) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(days=30)
    assert org.get(f"/api/turfs/{turf['id']}/list_code").get_json()["list_code"] == code["list_code"]
    # typed on a phone: lower case with a dash still works
    typed = code["list_code"][:3].lower() + "-" + code["list_code"][3:]
    claimed = alice.post("/api/turfs/claim", json={"list_code": typed})
    assert claimed.status_code == 200, claimed.get_json()
    assert claimed.get_json()["id"] == turf["id"]
    assert [t["id"] for t in alice.get("/api/my/turfs").get_json()] == [turf["id"]]
    assert alice.get(f"/api/turfs/{turf['id']}/door_list").status_code == 200
    # claiming twice keeps one assignment
    alice.post("/api/turfs/claim", json={"list_code": code["list_code"]})
    assert len(org.get(f"/api/assignments?turf_id={turf['id']}").get_json()) == 1
    # a new code replaces the old one
    new = org.post(f"/api/turfs/{turf['id']}/list_code").get_json()["list_code"]
    assert new != code["list_code"]
    assert alice.post("/api/turfs/claim", json={"list_code": code["list_code"]}).status_code == 404


def test_an_expired_code_is_refused(org, alice, universe, session):
    turf = cut(org, universe["id"], target_doors=40)[0]
    code = org.post(f"/api/turfs/{turf['id']}/list_code").get_json()["list_code"]
    row = session.get(Turf, turf["id"])
    row.list_code_expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    session.commit()
    response = alice.post("/api/turfs/claim", json={"list_code": code})
    assert response.status_code == 404
    assert response.get_json()["errors"] == {"list_code": ["expired"]}
    assert org.get(f"/api/turfs/{turf['id']}/list_code").status_code == 404
    assert alice.post("/api/turfs/claim", json={"list_code": "ZZZZZZ"}).get_json()["errors"] == {
        "list_code": ["unknown"]}


def test_the_ttl_comes_from_configuration(app, org, universe):
    app.config["CANVASS_LIST_CODE_TTL_DAYS"] = 2
    turf = cut(org, universe["id"], target_doors=40)[0]
    code = org.post(f"/api/turfs/{turf['id']}/list_code").get_json()
    left = dt.datetime.fromisoformat(code["expires_at"]) - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=1) < left <= dt.timedelta(days=2)


def test_canvassers_cannot_issue_or_read_codes(org, alice, universe):
    turf = cut(org, universe["id"], target_doors=40)[0]
    assert alice.post(f"/api/turfs/{turf['id']}/list_code").status_code == 403
    org.post(f"/api/turfs/{turf['id']}/list_code")
    assert alice.get(f"/api/turfs/{turf['id']}/list_code").status_code == 403
