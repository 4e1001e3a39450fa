"""A turf an organizer gives a volunteer mid-shift: the walk says so, and My turfs has it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from backend.extensions import db
from backend.services import assignments as assignment_service
from tests.pwa.volunteer import login_and_download, record_next, seed_turf

pytestmark = pytest.mark.browser


def test_a_turf_given_mid_shift_is_announced_on_the_walk(page, live_server):
    """While the volunteer walks their turf, an organizer gives them a second one. After the
    next sync the walk says another turf is theirs and leads to My turfs, where it waits to
    be downloaded; once seen there, the walk says no more about it."""
    seeded = seed_turf(live_server, doors=3)
    factory = live_server.factory()
    organizer = factory.user("organizer")
    second = factory.turf([factory.door(lat=40.1, lon=-83.1)], name="Second shift")
    login_and_download(page, live_server, seeded.user)
    page.get_by_test_id("open-turf").click()
    record_next(page, "not_home")
    expect(page.get_by_test_id("new-turf-notice")).to_have_count(0)

    assignment_service.assign(db.session, [second.id], [seeded.user.id],
                              db.session.merge(organizer))
    db.session.commit()
    page.evaluate("canvass.sync()")
    record_next(page, "not_home")  # the walk is drawn again after the sync
    page.get_by_test_id("new-turf-notice").click()
    expect(page.locator(f"[data-testid=server-turfs] [data-turf='{second.id}']")).to_contain_text(
        "Second shift")
    page.get_by_test_id("open-turf").click()
    expect(page.get_by_test_id("next-stop")).to_be_visible()
    expect(page.get_by_test_id("new-turf-notice")).to_have_count(0)
