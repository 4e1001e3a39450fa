"""A building's access note saved on the phone survives a turf refresh until it is sent."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.pwa.volunteer import login_and_download, seed_turf

pytestmark = pytest.mark.browser

DOWNLOADED_AT = """async (turfId) => (await (await import("/js/data/store.js")).getTurf(turfId)).downloaded_at"""


def test_download_again_keeps_an_unsent_access_note(page, context, live_server):
    """Saved "buzz 4B" at the building, then "Download again" (as a survey edit or a
    turf_updated change does): the note and its "to send" mark stay on every unit."""
    seeded = seed_turf(live_server, doors=1, buildings=2)
    login_and_download(page, live_server, seeded.user)
    stop = f"#/stop/{seeded.turf.id}/" + seeded.doors[-1].building_key.replace("|", "%7C")
    page.evaluate("(hash) => { location.hash = hash; }", stop)
    form = page.get_by_test_id("access-form")
    form.locator("input[name=access_note]").fill("buzz 4B")
    form.locator("button[type=submit]").click()
    expect(page.locator("#toast")).to_contain_text("saved", ignore_case=True)

    before = page.evaluate(DOWNLOADED_AT, seeded.turf.id)
    page.evaluate("() => { location.hash = '#/turfs'; }")
    page.get_by_test_id("download-turf").first.click()
    page.wait_for_function(f"async () => ({DOWNLOADED_AT})({seeded.turf.id}).then((at) => at !== {before!r})")
    expect(page.get_by_test_id("download-turf").first).to_be_enabled()  # the list redrawn
    expect(page.get_by_test_id("open-turf")).to_be_visible()

    units = page.evaluate(
        """async (turfId) => (await (await import("/js/data/store.js")).turfDoors(turfId))
             .filter((d) => d.unit).map((d) => [d.access_note, Boolean(d.access_note_dirty)])""",
        seeded.turf.id)
    assert units == [["buzz 4B", True], ["buzz 4B", True]]
    page.evaluate("(hash) => { location.hash = hash; }", stop)
    expect(page.get_by_test_id("access-form").locator("input[name=access_note]")).to_have_value("buzz 4B")
