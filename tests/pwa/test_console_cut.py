"""The Cut panel in real Chromium: what a cut tells the organizer when it is done."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from backend.extensions import db
from backend.models import Door
from backend.services.demo import DEMO_ORGANIZER, load_demo
from tests.pwa.test_console import log_in, save_universe

pytestmark = pytest.mark.browser


def test_a_cut_says_which_doors_it_could_not_place(page: Page, live_server):
    """QA: "Cut done: 12 turfs." while a dozen doors of the universe, never geocoded, were
    in none of them; the console now says how many were left out and what to do."""
    page.set_viewport_size({"width": 1400, "height": 900})
    load_demo(db.session, voters=400, seed=3)
    first = list(db.session.scalars(select(Door.id).order_by(Door.id).limit(12)))
    db.session.execute(update(Door).where(Door.id.in_(first)).values(lat=None, lon=None))
    db.session.commit()
    precinct = db.session.scalar(select(Door.precinct_id).where(Door.id == first[0]))
    from backend.models import Precinct

    code = db.session.get(Precinct, precinct).code
    unlocated = db.session.scalar(select(db.func.count()).select_from(Door).where(
        Door.precinct_id == precinct, Door.lat.is_(None)))
    db.session.rollback()

    log_in(page, live_server.url, *DEMO_ORGANIZER)
    save_universe(page, "One precinct", [code])
    page.get_by_role("tab", name="Cut").click()
    expect(page.locator("#cut-universe option:checked")).to_have_text("One precinct")
    page.get_by_role("button", name="Cut turfs").click()
    status = page.locator("#status")
    expect(status).to_contain_text("Cut done", timeout=60_000)
    expect(status).to_contain_text(
        f"{unlocated} doors of the universe have no map location yet and were left out")
