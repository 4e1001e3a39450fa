"""The end-of-shift check: what it says waits and what it says is done match the walk and
the sync, without leaving the screen and coming back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from backend.extensions import db
from backend.models import ResultCode
from tests.pwa.volunteer import expect_waiting, login_and_download, record_next, seed_turf

pytestmark = pytest.mark.browser


def test_the_shift_check_follows_the_sync_to_all_sent(page, context, live_server):
    """Reports recorded offline; the volunteer opens the end-of-shift check and waits there
    for the network. When it returns and the reports go, the check itself says "all sent"
    (it said "2 waiting" before), not only the sync bar above it."""
    seeded = seed_turf(live_server, doors=3)
    login_and_download(page, live_server, seeded.user)
    context.set_offline(True)
    page.get_by_test_id("open-turf").click()
    record_next(page, "not_home")
    record_next(page, "yes")
    page.get_by_test_id("end-shift").click()
    check = page.get_by_test_id("shift-waiting")
    expect(check).to_have_attribute("data-count", "2")
    context.set_offline(False)
    expect_waiting(page, 0, timeout=20_000)
    expect(check).to_have_attribute("data-count", "0", timeout=5_000)
    expect(check).to_contain_text("All reports sent")


def test_shift_progress_counts_the_doors_the_walk_counts(page, context, live_server):
    """A door where the volunteer only added a person (or moved a pin) stays to do in the
    walk list; the end-of-shift check does not count it done either."""
    seeded = seed_turf(live_server, doors=3)
    login_and_download(page, live_server, seeded.user)
    context.set_offline(True)
    page.get_by_test_id("open-turf").click()
    record_next(page, "not_home")
    page.get_by_test_id("open-next").click()
    page.get_by_test_id("add-person").click()
    page.get_by_test_id("new-first").fill("Nina")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("progress")).to_have_attribute("data-done", "1")
    expect_waiting(page, 2)
    page.get_by_test_id("end-shift").click()
    expect(page.get_by_test_id("own-progress")).to_contain_text("1 of 3 doors · 2 reports")


def test_a_refused_report_names_its_door_by_address(page, context, live_server):
    """A report the server refuses is listed on the check under its door's address (what the
    volunteer saw at the door), not under a database number; and while the phone is offline
    the check says so in words, not with the network's raw "offline"."""
    seeded = seed_turf(live_server, doors=2)
    login_and_download(page, live_server, seeded.user)
    context.set_offline(True)
    page.get_by_test_id("open-turf").click()
    first = int(page.get_by_test_id("next-stop").get_attribute("data-door"))
    record_next(page, "not_home")
    page.get_by_test_id("end-shift").click()
    expect(page.get_by_test_id("shift-waiting")).to_have_attribute("data-count", "1")
    expect(page.get_by_test_id("sync-error")).to_have_count(0)
    page.get_by_test_id("sync-now").click()  # offline: the check says why nothing went
    expect(page.get_by_test_id("sync-offline")).to_have_text(
        "No network now: they go as soon as the phone is back online.")
    db.session.delete(db.session.scalar(select(ResultCode).where(ResultCode.code == "not_home")))
    db.session.commit()
    context.set_offline(False)
    expect(page.get_by_test_id("parked-door")).to_have_text(
        next(d.address_line for d in seeded.doors if d.id == first), timeout=20_000)


def test_a_late_redraw_of_the_check_never_covers_the_screen_the_volunteer_went_to(
        page, context, live_server):
    """The check redraws itself on sync news; a redraw that finishes after the volunteer
    tapped Back (here: one started while the walk list shows) leaves the walk list on screen."""
    seeded = seed_turf(live_server, doors=2)
    login_and_download(page, live_server, seeded.user)
    page.get_by_test_id("open-turf").click()
    expect(page.get_by_test_id("next-stop")).to_be_visible()
    page.evaluate("""async () => {
        const { renderShift } = await import("./js/views/shift.js");
        await renderShift(document.getElementById("app"));
    }""")
    expect(page.get_by_test_id("next-stop")).to_be_visible()
    expect(page.locator("section.shift")).to_have_count(0)
