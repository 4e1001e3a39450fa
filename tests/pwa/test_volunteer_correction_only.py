"""A correction on its own (a new unit, a pin, a new person) is no knock: the door stays to do."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from backend.extensions import db
from backend.models import FieldCorrection
from tests.pwa.volunteer import expect_waiting, login_and_download, seed_turf, server_reports

pytestmark = pytest.mark.browser


def test_a_correction_alone_leaves_the_door_to_do(page, context, live_server):
    seeded = seed_turf(live_server, doors=2)
    login_and_download(page, live_server, seeded.user)
    context.set_offline(True)
    page.get_by_test_id("open-turf").click()
    door = page.get_by_test_id("next-stop").get_attribute("data-door")
    page.get_by_test_id("open-next").click()
    page.get_by_test_id("corrections").click()
    page.get_by_test_id("new-unit").fill("2B")
    page.locator("[data-correction=new_unit]").click()
    expect_waiting(page, 1)
    page.locator("header a.button").first.click()  # back to the list
    expect(page.get_by_test_id("next-stop")).to_have_attribute("data-door", door)
    expect(page.get_by_test_id("progress")).to_have_attribute("data-done", "0")
    expect(page.locator("[data-testid=finished]")).to_have_count(0)
    page.get_by_test_id("open-next").click()
    expect(page.get_by_test_id("door-form")).to_be_visible()
    expect(page.get_by_test_id("earlier")).to_have_count(0)  # nothing to correct or revisit


def test_a_new_unit_is_reported_once_however_often_the_button_is_tapped(page, context, live_server):
    """After "Report this new unit" the unit box is emptied: a second tap asks for a unit
    instead of queueing the same unit for the organizers again."""
    seeded = seed_turf(live_server, doors=2)
    login_and_download(page, live_server, seeded.user)
    context.set_offline(True)
    page.get_by_test_id("open-turf").click()
    page.get_by_test_id("open-next").click()
    page.get_by_test_id("corrections").click()
    page.get_by_test_id("new-unit").fill("2B")
    page.locator("[data-correction=new_unit]").click()
    expect_waiting(page, 1)
    expect(page.get_by_test_id("new-unit")).to_have_value("")
    page.locator("[data-correction=new_unit]").click()
    expect(page.locator("#toast")).to_have_text("Type the unit first.")
    page.wait_for_timeout(500)  # a second report would be written by now
    kinds = page.evaluate("async () => (await canvass.outboxAll()).map(r => r.correction.details.unit)")
    assert kinds == ["2B"]


def test_a_wrong_address_reported_for_review_is_also_the_doors_outcome(page, context, live_server):
    """"Something wrong here? > Wrong address" goes to the organizers' review queue and
    finishes the door: the walk moves on instead of offering the address that is not there
    as the next door again."""
    seeded = seed_turf(live_server, doors=2)
    login_and_download(page, live_server, seeded.user)
    page.get_by_test_id("open-turf").click()
    door = page.get_by_test_id("next-stop").get_attribute("data-door")
    page.get_by_test_id("open-next").click()
    page.get_by_test_id("corrections").click()
    page.get_by_test_id("correction-wrong_address").click()
    expect(page.get_by_test_id("next-stop")).not_to_have_attribute("data-door", door)
    expect(page.get_by_test_id("progress")).to_have_attribute("data-done", "1")
    expect_waiting(page, 0, timeout=15_000)
    db.session.expire_all()
    correction = db.session.scalar(select(FieldCorrection))
    assert (correction.kind, correction.door_id) == ("wrong_address", int(door))
    (report,) = server_reports(seeded.user.id)
    assert report.result_code == "wrong_address"
