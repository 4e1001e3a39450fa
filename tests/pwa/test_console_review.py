"""The review queue in real Chromium, fed the way the volunteer app reports corrections."""

from __future__ import annotations

import time
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from backend.extensions import db
from backend.models import Assignment, Door, FieldCorrection, TurfDoor, User, Voter
from backend.services.demo import DEMO_CANVASSER, DEMO_ORGANIZER, load_demo, prepare_demo_turfs
from tests.pwa.test_console import log_in

pytestmark = pytest.mark.browser


def test_review_names_every_kind_and_asks_why_before_rejecting(page: Page, live_server):
    """QA: a new unit showed as "new_unit", a move from the app named nobody (see the
    backend test), and Reject said its note was optional, though the server refuses a
    rejection without one. Each kind has its label, a move names the voter, and Reject
    asks for the reason in the panel's own words before anything is sent."""
    base = live_server.url
    load_demo(db.session, voters=300, seed=2)
    prepare_demo_turfs(db.session, target_doors=25)
    db.session.commit()
    canvasser = db.session.scalar(select(User).where(User.email == DEMO_CANVASSER[0]))
    turf_id = db.session.scalar(select(Assignment.turf_id).where(
        Assignment.user_id == canvasser.id))
    door_id = db.session.scalar(select(TurfDoor.door_id).where(TurfDoor.turf_id == turf_id))
    voter = db.session.scalar(select(Voter).where(Voter.door_id == door_id))
    voter_name = f"{voter.first_name} {voter.last_name}"
    db.session.rollback()

    login = page.request.post(f"{base}/api/auth/login",
                              data={"email": DEMO_CANVASSER[0], "password": DEMO_CANVASSER[1]})
    auth = {"Authorization": f"Bearer {login.json()['token']}"}
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

    def report(**fields):
        return {"uuid": str(uuid.uuid4()), "door_id": door_id, "turf_id": turf_id,
                "recorded_at": now, **fields}

    pushed = page.request.post(f"{base}/api/sync/reports", headers=auth, data={"reports": [
        report(correction={"kind": "new_unit", "details": {"unit": "Apt 9"}}),
        report(voters=[{"voter_id": voter.id, "result_code": "moved"}],
               correction={"kind": "moved", "details": {"voter_ids": [voter.id]}}),
    ]})
    assert [r["status"] for r in pushed.json()["results"]] == ["accepted"] * 2, pushed.text()

    log_in(page, base, *DEMO_ORGANIZER)
    page.get_by_role("tab", name="Review").click()
    unit = page.locator("#review-list li", has_text="New unit")
    expect(unit).to_contain_text("unit: Apt 9")
    expect(page.locator("#review-list li", has_text="Moved")).to_contain_text(voter_name)

    hits_before = len(live_server.hits)
    unit.get_by_role("button", name="Reject").click()
    expect(page.locator("#status")).to_have_text(
        "Say in the note why the correction is rejected, then reject it.")
    assert not [h for h in live_server.hits[hits_before:] if h[1].endswith("/reject")]
    unit.get_by_label("Review note").fill("garage, nobody lives there")
    unit.get_by_role("button", name="Reject").click()
    expect(page.locator("#status")).to_contain_text("Correction rejected")
    expect(page.locator("#review-list li", has_text="New unit")).to_have_count(0)
    db.session.rollback()
    rejected = db.session.scalar(select(FieldCorrection).where(FieldCorrection.kind == "new_unit"))
    assert rejected.status == "rejected" and rejected.review_note == "garage, nobody lives there"
    assert db.session.scalar(select(Door).where(Door.unit == "APT 9")) is None
    db.session.rollback()


def test_accepting_a_new_unit_says_which_turf_took_it(page: Page, live_server):
    """QA: an accepted new unit was on no walk list; it now joins the reporting door's turf,
    and the console says which one, so the organizer can tell the volunteer."""
    from backend.models import Turf

    base = live_server.url
    load_demo(db.session, voters=300, seed=2)
    prepare_demo_turfs(db.session, target_doors=25)
    db.session.commit()
    canvasser = db.session.scalar(select(User).where(User.email == DEMO_CANVASSER[0]))
    turf_id = db.session.scalar(select(Assignment.turf_id).where(
        Assignment.user_id == canvasser.id))
    turf_name = db.session.get(Turf, turf_id).name
    door_id = db.session.scalar(select(TurfDoor.door_id).where(TurfDoor.turf_id == turf_id))
    db.session.rollback()

    login = page.request.post(f"{base}/api/auth/login",
                              data={"email": DEMO_CANVASSER[0], "password": DEMO_CANVASSER[1]})
    auth = {"Authorization": f"Bearer {login.json()['token']}"}
    pushed = page.request.post(f"{base}/api/sync/reports", headers=auth, data={"reports": [{
        "uuid": str(uuid.uuid4()), "door_id": door_id, "turf_id": turf_id,
        "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "correction": {"kind": "new_unit", "details": {"unit": "Apt 9"}}}]})
    assert pushed.json()["results"][0]["status"] == "accepted", pushed.text()

    log_in(page, base, *DEMO_ORGANIZER)
    page.get_by_role("tab", name="Review").click()
    page.locator("#review-list li", has_text="New unit").get_by_role(
        "button", name="Accept").click()
    expect(page.locator("#status")).to_contain_text(f"added to {turf_name}")
    new_door = db.session.scalar(select(Door).where(Door.unit == "APT 9"))
    assert db.session.scalar(select(TurfDoor.turf_id).where(
        TurfDoor.door_id == new_door.id)) == turf_id
    db.session.rollback()
