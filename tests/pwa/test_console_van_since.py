"""The VAN export in real Chromium: a weekly upload can hold only what VAN has not had."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from backend.extensions import db
from backend.models import Door, User, Voter
from backend.services.demo import DEMO_CANVASSER, DEMO_ORGANIZER, load_demo
from tests.pwa.test_console import log_in

pytestmark = pytest.mark.browser


def test_the_van_file_can_hold_only_reports_received_since_a_time(page: Page, live_server):
    """QA: the console's VAN file always held every knock since the campaign began; VAN
    keeps each uploaded row, so last week's upload went in again and was counted twice.
    With a "since" time it holds only the reports received since then (local time)."""
    load_demo(db.session, voters=200, seed=4)
    db.session.commit()
    canvasser = db.session.scalar(select(User).where(User.email == DEMO_CANVASSER[0]))
    doors = [d for d in db.session.scalars(select(Door).order_by(Door.id).limit(40))
             if db.session.scalar(select(Voter.id).where(Voter.door_id == d.id))][:2]
    factory = live_server.factory()
    last_week = dt.datetime(2026, 11, 2, 18, 0, tzinfo=dt.UTC)
    this_week = dt.datetime(2026, 11, 9, 18, 0, tzinfo=dt.UTC)
    factory.report(doors[0], canvasser, recorded_at=last_week)
    factory.report(doors[1], canvasser, recorded_at=this_week)
    states = {d.id: {v.state_id for v in db.session.scalars(select(Voter).where(
        Voter.door_id == d.id))} for d in doors}
    db.session.rollback()

    page.set_viewport_size({"width": 1400, "height": 900})
    log_in(page, live_server.url, *DEMO_ORGANIZER)
    page.get_by_role("tab", name="Exports").click()

    def download() -> set[str]:
        with page.expect_download() as got:
            page.get_by_role("button", name="NGP VAN bulk canvass results").click()
        with open(got.value.path(), encoding="utf-8") as f:
            return {row["statefileid"] for row in csv.DictReader(f)}

    assert download() == states[doors[0].id] | states[doors[1].id]
    # The browser's local time: a midweek moment between the two reports, in any zone.
    midweek = page.evaluate(
        "() => { const d = new Date(Date.UTC(2026, 10, 5, 12)); const p = (n) => String(n).padStart(2, '0');"
        " return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`; }")
    page.get_by_label("VAN file: only reports received since").fill(midweek)
    assert download() == states[doors[1].id]
    expect(page.locator("#status")).to_contain_text("reports received since")
