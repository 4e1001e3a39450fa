"""The door screen: one tap records one report, the form saves only what the server takes,
and a finished door can be corrected or visited again with phone and server agreeing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.pwa.volunteer import (
    expect_waiting,
    login_and_download,
    seed_turf,
)

pytestmark = pytest.mark.browser


def _walk_offline(page, context):
    context.set_offline(True)
    page.get_by_test_id("open-turf").click()
    expect(page.get_by_test_id("next-stop")).to_be_visible()


def _outbox(page) -> list[dict]:
    return page.evaluate("canvass.outboxAll()")


def test_double_tapping_a_door_button_records_one_report(page, context, live_server):
    """A double tap on "Not home", on "Save conversation" and on the building's
    "inaccessible" each queue exactly one report per door."""
    seeded = seed_turf(live_server, doors=3, buildings=2)
    login_and_download(page, live_server, seeded.user)
    _walk_offline(page, context)

    page.get_by_test_id("open-next").click()
    page.get_by_test_id("door-result-not_home").dblclick()
    expect(page.get_by_test_id("next-stop")).to_be_visible()
    expect_waiting(page, 1)

    page.get_by_test_id("open-next").click()
    page.get_by_test_id("voter").first.get_by_test_id("survey-response").first.click()
    page.get_by_test_id("save").dblclick()
    expect(page.get_by_test_id("next-stop")).to_be_visible()
    expect_waiting(page, 2)

    page.get_by_test_id("open-next").click()
    page.get_by_test_id("door-result-refused").click(click_count=3)
    expect(page.get_by_test_id("next-stop")).to_be_visible()
    expect_waiting(page, 3)

    page.get_by_test_id("open-next").click()  # the apartment building: two units
    page.get_by_test_id("building-inaccessible").dblclick()
    expect(page.get_by_test_id("all-done")).to_be_visible()
    expect_waiting(page, 5)
    page.wait_for_timeout(500)  # a second report would be written by now
    reports = _outbox(page)
    assert len(reports) == 5
    assert len({r["door_id"] for r in reports}) == 5
