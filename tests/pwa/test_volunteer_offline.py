"""The volunteer app keeps every report with the network off and syncs each exactly once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from backend.extensions import db
from backend.models import ContactHistory
from tests.pwa.volunteer import (
    expect_waiting,
    login_and_download,
    outbox_uuids,
    record_next,
    seed_turf,
    server_reports,
)

pytestmark = pytest.mark.browser


def test_twenty_doors_recorded_offline_survive_reopen_and_sync_exactly_once(page, context, live_server):
    """Online login and download; offline reload still opens the app; 20 doors (survey answers
    and a not-home) recorded offline stay waiting after the page is closed and reopened
    offline; back online, the server holds exactly those 20 reports, once each, in the
    contact history."""
    seeded = seed_turf(live_server, doors=22)
    login_and_download(page, live_server, seeded.user)

    context.set_offline(True)
    hits_before = len(live_server.hits)
    page.reload()
    page.get_by_test_id("open-turf").click()
    expect(page.get_by_test_id("next-stop")).to_be_visible()

    record_next(page, "not_home")
    for i in range(19):
        record_next(page, "yes" if i % 3 else "no")
    expect_waiting(page, 20)
    expect(page.get_by_test_id("progress")).to_have_attribute("data-done", "20")

    page.close()
    page = context.new_page()
    page.goto(live_server.url + "/")  # offline cold start: the service worker serves the shell
    expect_waiting(page, 20)
    uuids = outbox_uuids(page)
    assert len(set(uuids)) == 20
    # Nothing the app sent reached the server while offline. The browser's own service-worker
    # update check (sw.js and the script it imports) is not blocked by Playwright's offline
    # emulation, so it is left out.
    update_check = {("GET", "/sw.js"), ("GET", "/js/version.js")}
    assert [h for h in live_server.hits[hits_before:] if h not in update_check] == []

    context.set_offline(False)  # 'online' starts a sync
    expect_waiting(page, 0, timeout=20_000)

    reports = server_reports(seeded.user.id)
    assert sorted(r.uuid for r in reports) == sorted(uuids)
    door_ids = [d.id for d in seeded.doors[:20]]
    assert sorted(r.door_id for r in reports) == sorted(door_ids)
    assert [r.result_code for r in reports if r.door_id == door_ids[0]] == ["not_home"]
    answered = [r for r in reports if r.items and r.items[0].survey_response_id]
    assert len(answered) == 19
    history = db.session.scalars(
        select(ContactHistory).where(ContactHistory.door_id.in_(door_ids),
                                     ContactHistory.voter_id.is_(None))).all()
    assert sorted(h.report_uuid for h in history) == sorted(uuids)
    assert all(h.attempts == 1 for h in history)
    assert expect(page.get_by_test_id("syncbar")).to_contain_text("All reports sent") is None
