"""The console's printed list code: its QR code (a link with ``?list_code=``) loads the turf."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from backend.extensions import db
from backend.services import turfs as turf_service
from tests.factories import PASSWORD
from tests.pwa.volunteer import login, seed_turf

pytestmark = pytest.mark.browser


def _printed_code(live_server, doors) -> dict:
    """A turf nobody is assigned, and the list code (with its link) the console prints."""
    factory = live_server.factory()
    organizer = factory.user("organizer")
    turf = factory.turf(doors, name="Oak Avenue")
    code = turf_service.issue_list_code(db.session, turf.id, organizer, ttl_days=30,
                                        base_url=live_server.url + "/")
    db.session.commit()
    return code


def _claims(live_server) -> int:
    return live_server.hits.count(("POST", "/api/turfs/claim"))


def test_scanned_link_logged_out_claims_after_login_once(page, live_server):
    """Opening the QR code's link before logging in: the code is kept through the login, the
    turf is claimed and opened, the code leaves the address bar, and a reload claims nothing
    more."""
    seeded = seed_turf(live_server, doors=3)
    code = _printed_code(live_server, seeded.doors)
    page.goto(code["url"])
    expect(page.get_by_test_id("list-code-waiting")).to_contain_text(code["list_code"])
    page.fill("input[name=email]", seeded.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_test_id("next-stop")).to_be_visible(timeout=15_000)
    assert f"#/walk/{code['turf_id']}" in page.url
    assert "list_code" not in page.url
    assert _claims(live_server) == 1
    page.reload()
    expect(page.get_by_test_id("next-stop")).to_be_visible()
    page.goto(live_server.url + "/#/turfs")
    expect(page.locator(f"[data-testid=local-turfs] [data-turf='{code['turf_id']}']")).to_be_visible()
    expect(page.get_by_test_id("list-code-waiting")).to_be_hidden()
    assert _claims(live_server) == 1


def test_list_code_offline_is_kept_with_the_right_message_and_claimed_when_online(
        page, context, live_server):
    """Logged in but offline, the scanned link (and the code box) say there is no network and
    that the code is kept, not "connect once to log in"; back online the turf is claimed and
    opened."""
    seeded = seed_turf(live_server, doors=3)
    code = _printed_code(live_server, seeded.doors)
    login(page, live_server, seeded.user)
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    context.set_offline(True)

    page.get_by_test_id("claim-form").locator("input[name=list_code]").fill(code["list_code"])
    page.get_by_test_id("claim-form").locator("button[type=submit]").click()
    waiting = page.get_by_test_id("list-code-waiting")
    expect(waiting).to_contain_text("No network")
    expect(waiting).to_contain_text(code["list_code"])
    expect(page.locator("body")).not_to_contain_text("Connect once to log in")

    page.goto(code["url"])  # the app shell comes from the service worker's cache
    expect(waiting).to_contain_text(code["list_code"])
    expect(waiting).to_contain_text("No network")
    assert "list_code" not in page.url
    assert _claims(live_server) == 0

    context.set_offline(False)
    expect(page.get_by_test_id("next-stop")).to_be_visible(timeout=15_000)
    assert f"#/walk/{code['turf_id']}" in page.url
    assert _claims(live_server) == 1
