""""Whole building inaccessible" is one tap, so one "Undo last" takes the whole building back:
reports not yet offered to the server are taken out, and those sent are taken back on the
server by retractions (reports with only `supersedes`)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from backend.extensions import db
from backend.services import contact_history
from tests.pwa.volunteer import expect_waiting, login_and_download, seed_turf, server_reports

pytestmark = pytest.mark.browser

UNITS = 6


def _building_inaccessible(page) -> None:
    page.get_by_test_id("open-turf").click()
    page.get_by_test_id("open-next").click()
    page.get_by_test_id("building-inaccessible").click()
    expect(page.get_by_test_id("all-done")).to_be_visible()
    expect(page.get_by_test_id("progress")).to_have_attribute("data-done", str(UNITS))


def test_one_undo_takes_back_a_building_not_yet_sent(page, context, live_server):
    seeded = seed_turf(live_server, doors=0, buildings=UNITS)
    login_and_download(page, live_server, seeded.user)
    context.set_offline(True)
    _building_inaccessible(page)
    expect_waiting(page, UNITS)
    page.get_by_test_id("undo").click()
    expect(page.locator("#toast")).to_have_text(f"Undone: 500 TOWER AVE, {UNITS} units")
    expect_waiting(page, 0)
    expect(page.get_by_test_id("progress")).to_have_attribute("data-done", "0")
    expect(page.get_by_test_id("next-stop")).to_be_visible()


def test_one_undo_takes_back_a_building_already_sent(page, context, live_server):
    seeded = seed_turf(live_server, doors=0, buildings=UNITS)
    login_and_download(page, live_server, seeded.user)
    _building_inaccessible(page)
    expect_waiting(page, 0)
    assert len(server_reports(seeded.user.id)) == UNITS
    page.get_by_test_id("undo").click()
    expect(page.locator("#toast")).to_have_text(f"Undone: 500 TOWER AVE, {UNITS} units")
    expect(page.get_by_test_id("progress")).to_have_attribute("data-done", "0")
    expect_waiting(page, 0)
    sent = server_reports(seeded.user.id)
    assert len(sent) == 2 * UNITS
    retractions = [r for r in sent if r.supersedes_uuid]
    assert len(retractions) == UNITS and all(r.result_code is None for r in retractions)
    db.session.expire_all()
    for door in seeded.doors:
        row = contact_history.status_of(db.session, door_id=door.id)
        assert (row.status, row.attempts) == ("not_contacted", 0)
    page.reload()
    expect(page.get_by_test_id("progress")).to_have_attribute("data-done", "0")
    expect(page.get_by_test_id("next-stop")).to_be_visible()


def test_one_undo_while_the_send_is_in_flight(page, context, live_server):
    """The server stored part of the building but its answer is slow: undo takes the unsent
    units out and retracts the ones whose send was attempted; the late answer changes
    nothing."""
    seeded = seed_turf(live_server, doors=0, buildings=UNITS)
    login_and_download(page, live_server, seeded.user)
    held = []

    def slow(route):
        if held:
            return route.continue_()
        held.append((route, route.fetch()))  # stored on the server; the answer waits

    context.route("**/api/sync/reports", slow)
    _building_inaccessible(page)
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert held
    page.get_by_test_id("undo").click()
    expect(page.locator("#toast")).to_have_text(f"Undone: 500 TOWER AVE, {UNITS} units")
    expect(page.get_by_test_id("progress")).to_have_attribute("data-done", "0")
    route, response = held[0]
    route.fulfill(response=response)
    page.evaluate("canvass.sync()")
    expect_waiting(page, 0)
    db.session.expire_all()
    for door in seeded.doors:
        row = contact_history.status_of(db.session, door_id=door.id)
        assert (row.status, row.attempts) == ("not_contacted", 0)
    expect(page.get_by_test_id("progress")).to_have_attribute("data-done", "0")
