"""On the narrowest common phone (360 CSS px), in English and French, the door screen's
result buttons hold their labels and the counts read right."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.pwa.volunteer import login_and_download, record_next, seed_turf

pytestmark = pytest.mark.browser

# Each door-result label that spills over the edge of its own button.
SPILLS_JS = """() => [...document.querySelectorAll('[data-result]')].flatMap((button) => {
  const b = button.getBoundingClientRect();
  const l = button.querySelector('.badge').getBoundingClientRect();
  return l.left < b.left || l.right > b.right || l.bottom > b.bottom ? [button.dataset.result] : [];
})"""


@pytest.mark.parametrize("locale", ["en-US", "fr-FR"])
def test_door_results_fit_their_buttons_on_a_360px_phone(browser, live_server, locale):
    """"Wrong address" ("Mauvaise adresse") is wider than half a 360 px screen: it wraps
    inside its button instead of spilling over the button's border."""
    seeded = seed_turf(live_server, doors=2)
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True, locale=locale)
    page = context.new_page()
    try:
        login_and_download(page, live_server, seeded.user)
        page.get_by_test_id("open-turf").click()
        page.get_by_test_id("open-next").click()
        expect(page.get_by_test_id("door-result-wrong_address")).to_be_visible()
        assert page.evaluate(SPILLS_JS) == []
    finally:
        context.close()


def test_french_counts_agree_with_one_door(browser, live_server):
    """In French one door done reads "1 porte faite sur 3", not "1 portes faites"."""
    seeded = seed_turf(live_server, doors=3)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    page = context.new_page()
    try:
        login_and_download(page, live_server, seeded.user)
        context.set_offline(True)
        page.get_by_test_id("open-turf").click()
        expect(page.get_by_test_id("progress")).to_contain_text("0 porte faite sur 3")
        record_next(page, "not_home")
        expect(page.get_by_test_id("progress")).to_contain_text("1 porte faite sur 3")
        page.get_by_test_id("end-shift").click()
        expect(page.get_by_test_id("own-progress")).to_contain_text("1 porte sur 3")
        page.get_by_test_id("language").select_option("en")
        expect(page.get_by_test_id("own-progress")).to_contain_text("1 of 3 doors")
    finally:
        context.close()


def test_the_map_header_keeps_the_turf_name_clear_of_its_buttons(browser, live_server):
    """On the map, the turf's name and "Where am I?" never overlap on a 360 px phone (the
    name used to run under the button, cut after "Whole count")."""
    seeded = seed_turf(live_server, doors=2, name="Whole county 010")
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        login_and_download(page, live_server, seeded.user)
        page.goto(live_server.url + f"/#/map/{seeded.turf.id}")
        expect(page.locator(".leaflet-marker-icon")).to_have_count(2)
        overlaps = page.evaluate("""() => {
          const title = document.querySelector('.bar h1');
          const t = title.getBoundingClientRect();
          return [...document.querySelectorAll('.bar .button, .bar button')].some((el) => {
            const b = el.getBoundingClientRect();
            return t.left < b.right && b.left < t.right && t.top < b.bottom && b.top < t.bottom;
          }) || title.scrollWidth > title.clientWidth;
        }""")
        assert not overlaps
    finally:
        context.close()


def test_a_message_on_screen_never_swallows_a_tap(browser, live_server):
    """The short message at the bottom ("Correction saved ...") stays 3.5 s over whatever is
    there; a tap on that spot reaches the button under it, not the message."""
    seeded = seed_turf(live_server, doors=2)
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    try:
        login_and_download(page, live_server, seeded.user)
        page.get_by_test_id("open-turf").click()
        page.get_by_test_id("open-next").click()
        page.get_by_test_id("corrections").click()
        page.get_by_test_id("new-unit").fill("2B")
        page.locator("[data-correction=new_unit]").click()
        toast = page.locator("#toast")
        expect(toast).to_be_visible()
        box = toast.bounding_box()
        under = page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.id",
                              [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
        assert under != "toast"
    finally:
        context.close()
