"""A session the server refuses (token revoked or expired): log in again, lose nothing, send
nothing under someone else's name."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from backend.extensions import db
from backend.services import auth as auth_service
from tests.factories import PASSWORD
from tests.pwa.volunteer import (
    expect_waiting,
    login_and_download,
    outbox_uuids,
    record_next,
    seed_turf,
    server_reports,
)

pytestmark = pytest.mark.browser

AUTHED_CALLS = ("/api/sync/reports", "/api/sync/changes", "/api/my/turfs")


def _revoke(user) -> None:
    user = db.session.merge(user)  # a canvasser may sign out their own devices
    auth_service.revoke_user_tokens(db.session, user.id, user)
    db.session.commit()


def _log_in(page, user) -> None:
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def _turfs_on_phone(page) -> int:
    return page.evaluate("""async () => {
        const db = await new Promise((ok, ko) => { const r = indexedDB.open('canvass');
            r.onsuccess = () => ok(r.result); r.onerror = ko; });
        const n = await new Promise((ok) => {
            const q = db.transaction('turfs').objectStore('turfs').count();
            q.onsuccess = () => ok(q.result); });
        db.close();  // an open connection would block the app from deleting the database
        return n;
    }""")


def test_revoked_session_asks_for_login_keeps_the_queue_and_sends_it_as_its_owner(
        page, context, live_server):
    """Two reports recorded offline; the volunteer's tokens are revoked; back online, the
    app shows the login screen saying why (once: it does not keep knocking with the dead
    token), with both reports and the turf still on the phone. Another volunteer cannot log
    in on top of them (they would be sent under the wrong name); the owner can, and then they
    are sent under the owner's name. Once nothing waits, another volunteer may log in and
    the first one's turf leaves the phone."""
    seeded = seed_turf(live_server, doors=4)
    other = live_server.factory().user(name="Olive Other")
    login_and_download(page, live_server, seeded.user)
    context.set_offline(True)
    page.get_by_test_id("open-turf").click()
    record_next(page, "yes")
    record_next(page, "not_home")
    uuids = outbox_uuids(page)
    _revoke(seeded.user)

    context.set_offline(False)
    notice = page.get_by_test_id("session-expired")
    expect(notice).to_be_visible(timeout=20_000)
    expect(notice).to_contain_text("2 reports")
    expect(page.locator("input[name=email]")).to_have_value(seeded.user.email)
    authed_hits = sum(path in AUTHED_CALLS for _, path in live_server.hits)
    page.evaluate("canvass.sync()")
    page.wait_for_timeout(2_500)
    assert sum(path in AUTHED_CALLS for _, path in live_server.hits) == authed_hits
    page.goto(live_server.url + "/#/turfs")  # a route needing a session leads back to login
    expect(page.get_by_test_id("session-expired")).to_be_visible()
    assert sorted(outbox_uuids(page)) == sorted(uuids)
    assert _turfs_on_phone(page) == 1

    page.fill("input[name=email]", "")
    _log_in(page, other)
    expect(page.get_by_test_id("login-form").locator(".error")).to_contain_text(
        "Val Volunteer", timeout=10_000)
    expect(page.get_by_test_id("login-form")).to_be_visible()
    assert sorted(outbox_uuids(page)) == sorted(uuids)
    assert server_reports(other.id) == []

    page.fill("input[name=email]", "")
    _log_in(page, seeded.user)
    expect(page.get_by_test_id("open-turf")).to_be_visible()
    expect_waiting(page, 0, timeout=20_000)
    assert sorted(r.uuid for r in server_reports(seeded.user.id)) == sorted(uuids)
    assert server_reports(other.id) == []

    _revoke(seeded.user)
    page.evaluate("canvass.sync()")
    expect(page.get_by_test_id("session-expired")).to_be_visible(timeout=10_000)
    page.fill("input[name=email]", "")
    _log_in(page, other)
    expect(page.get_by_test_id("server-turfs")).to_contain_text("No turf assigned")
    expect(page.get_by_test_id("open-turf")).to_have_count(0)
    assert _turfs_on_phone(page) == 0  # Val's voters left the phone with Val's session


def test_a_refused_session_keeps_a_door_form_with_only_typed_text(page, context, live_server):
    """A new person's name and a note typed, no button tapped: the 401 of a background sync
    must not replace the form (and lose the text) with the login screen."""
    seeded = seed_turf(live_server, doors=2)
    login_and_download(page, live_server, seeded.user)
    page.get_by_test_id("open-turf").click()
    page.get_by_test_id("open-next").click()
    page.get_by_test_id("add-person").click()
    page.get_by_test_id("new-first").fill("Robin")
    page.get_by_test_id("note").fill("Back after six")
    _revoke(seeded.user)
    page.evaluate("canvass.sync()")
    page.wait_for_function("canvass.state.phase === 'login'")
    page.wait_for_timeout(300)  # the login screen would be drawn by now
    expect(page.get_by_test_id("door-form")).to_be_visible()
    expect(page.get_by_test_id("new-first")).to_have_value("Robin")
    expect(page.get_by_test_id("note")).to_have_value("Back after six")
