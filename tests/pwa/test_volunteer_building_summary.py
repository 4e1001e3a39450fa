"""A building in the walk's "Done" list sums up its units ("5 of 5 units done · 1 talked ·
4 inaccessible"), rather than showing its first unit's status as the whole building's."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.pwa.volunteer import login_and_download, seed_turf

pytestmark = pytest.mark.browser


def test_a_finished_building_sums_up_its_units(page, context, live_server):
    seeded = seed_turf(live_server, doors=1, buildings=5)
    login_and_download(page, live_server, seeded.user)
    context.set_offline(True)
    page.get_by_test_id("open-turf").click()
    # The single door first (walk order), then the building.
    page.get_by_test_id("open-next").click()
    page.get_by_test_id("door-result-not_home").click()
    page.get_by_test_id("open-next").click()
    # Talk at the first unit, then the rest of the building is inaccessible.
    page.get_by_test_id("unit").first.click()
    page.get_by_test_id("voter").first.get_by_test_id("survey-response").first.click()
    page.get_by_test_id("save").click()
    page.get_by_test_id("building-inaccessible").click()
    expect(page.get_by_test_id("all-done")).to_be_visible()
    page.get_by_text("Done (2)").click()
    finished = page.get_by_test_id("finished")
    building = finished.locator("li", has_text="500 TOWER AVE")
    expect(building.get_by_test_id("stop-summary")).to_have_text(
        "5 of 5 units done · 1 talked · 4 inaccessible")
    # Not the first unit's "Talked" standing for the building.
    expect(building.locator(".badge[data-status=canvassed]")).to_have_count(0)
    expect(building.locator(".badge")).to_have_text("▦ Building")


def test_a_building_under_way_says_how_far_it_is(page, context, live_server):
    seeded = seed_turf(live_server, doors=0, buildings=5)
    login_and_download(page, live_server, seeded.user)
    context.set_offline(True)
    page.get_by_test_id("open-turf").click()
    page.get_by_test_id("open-next").click()
    for _ in range(2):
        page.locator("li.stop:has([data-status=todo]) [data-testid=unit]").first.click()
        page.get_by_test_id("door-result-not_home").click()
        expect(page.get_by_test_id("building-inaccessible")).to_be_visible()
    page.locator("header a.button").first.click()
    expect(page.get_by_test_id("next-stop")).to_contain_text("2 of 5 units done · 2 not home")
