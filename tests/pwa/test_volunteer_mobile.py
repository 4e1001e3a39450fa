"""On a phone-sized screen (Pixel 7 emulation) every action is reachable and big enough."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.pwa.volunteer import login_and_download, seed_turf

pytestmark = pytest.mark.browser

# Every control a volunteer taps; hidden ones (closed <details>) are skipped.
SMALL_TARGETS_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('button, a, select, input, textarea, summary')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;              // not displayed on this screen
    if (el.closest('.leaflet-control-attribution')) continue;
    if (r.height < 44 || r.width < 44) out.push(`${el.tagName} "${(el.textContent || el.name || '').trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  if (document.documentElement.scrollWidth > innerWidth + 1) out.push('page scrolls sideways');
  return out;
}"""


def test_every_action_reachable_with_44px_targets_on_a_pixel_7(browser, playwright, live_server):
    """Login, turfs, walk list, lit-drop mode, a door (results, survey, consent, corrections),
    an apartment building, the map and the end-of-shift check: each screen fits the phone
    without sideways scrolling and every tap target is at least 44 x 44 CSS px."""
    seeded = seed_turf(live_server, doors=3, buildings=4)
    context = browser.new_context(**playwright.devices["Pixel 7"])
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        assert page.evaluate(SMALL_TARGETS_JS) == [], "login"
        login_and_download(page, live_server, seeded.user)
        assert page.evaluate(SMALL_TARGETS_JS) == [], "my turfs"

        page.get_by_test_id("open-turf").tap()
        expect(page.get_by_test_id("next-stop")).to_be_visible()
        assert page.evaluate(SMALL_TARGETS_JS) == [], "walk list"
        page.get_by_test_id("lit-mode").tap()
        expect(page.get_by_test_id("lit-drop").first).to_be_visible()
        assert page.evaluate(SMALL_TARGETS_JS) == [], "lit-drop mode"
        page.get_by_test_id("lit-mode").tap()

        page.get_by_test_id("open-next").tap()
        expect(page.get_by_test_id("door-form")).to_be_visible()
        page.get_by_test_id("corrections").tap()
        page.get_by_test_id("add-person").tap()
        for testid in ("door-result-not_home", "survey-response", "consent-recontact", "consent-keep",
                       "voter-result", "note", "lit-left", "save", "skip", "correction-wrong_address",
                       "correction-misplaced_pin", "new-unit", "new-first"):
            target = page.get_by_test_id(testid).first
            target.scroll_into_view_if_needed()
            expect(target).to_be_visible()
        assert page.evaluate(SMALL_TARGETS_JS) == [], "door"
        page.get_by_test_id("skip").tap()
        expect(page.get_by_test_id("later")).to_be_visible()

        page.goto(live_server.url + f"/#/stop/{seeded.turf.id}/" + seeded.doors[-1].building_key.replace("|", "%7C"))
        expect(page.get_by_test_id("building-inaccessible")).to_be_visible()
        expect(page.get_by_test_id("unit")).to_have_count(4)
        assert page.evaluate(SMALL_TARGETS_JS) == [], "building"

        page.goto(live_server.url + f"/#/map/{seeded.turf.id}")
        expect(page.locator(".leaflet-marker-icon")).to_have_count(7)
        assert page.evaluate(SMALL_TARGETS_JS) == [], "map"

        page.get_by_test_id("syncbar").tap()
        for testid in ("sync-now", "export", "end-walk", "language", "logout"):
            expect(page.get_by_test_id(testid)).to_be_visible()
        assert page.evaluate(SMALL_TARGETS_JS) == [], "end of shift"
    finally:
        context.close()
