"""A half-filled door form survives the tab being killed or reloaded: it is kept on the phone
as a draft (never sent), restored when the door is opened again, and dropped once saved or
discarded."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.pwa.volunteer import expect_waiting, login_and_download, seed_turf, server_reports

pytestmark = pytest.mark.browser

DRAFT = """async ([turfId, doorId]) =>
  (await import("/js/data/store.js")).getDraft(turfId, doorId)"""


def _half_fill(page, seeded) -> tuple[int, str]:
    page.get_by_test_id("open-turf").click()
    door = int(page.get_by_test_id("next-stop").get_attribute("data-door"))
    page.get_by_test_id("open-next").click()
    page.get_by_test_id("voter").first.get_by_test_id("survey-response").nth(1).click()
    page.get_by_test_id("note").fill("Dog in the yard, came to the side door")
    page.get_by_test_id("add-person").click()
    page.get_by_test_id("new-first").fill("Maria")
    page.wait_for_function(
        f"""async () => (await ({DRAFT})([{seeded.turf.id}, {door}]))?.people?.[0]?.first_name === "Maria" """)
    return door, page.url


def test_a_killed_tab_gives_the_half_filled_form_back(page, context, live_server):
    seeded = seed_turf(live_server, doors=3)
    login_and_download(page, live_server, seeded.user)
    context.set_offline(True)
    door, url = _half_fill(page, seeded)
    expect_waiting(page, 0)  # a draft is never queued
    page.close()  # the phone killed the backgrounded tab
    page = context.new_page()
    page.goto(url)
    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    expect(page.get_by_test_id("draft-restored")).to_contain_text("Restored what you had typed")
    voter = page.get_by_test_id("voter").first
    expect(voter.get_by_test_id("survey-response").nth(1)).to_have_attribute("aria-pressed", "true")
    expect(voter.get_by_test_id("survey-response").nth(0)).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_test_id("note")).to_have_value("Dog in the yard, came to the side door")
    expect(page.get_by_test_id("new-first")).to_have_value("Maria")
    expect_waiting(page, 0)
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("next-stop")).to_be_visible()
    expect_waiting(page, 2)  # the conversation and the new person
    assert page.evaluate(DRAFT, [seeded.turf.id, door]) is None
    context.set_offline(False)
    page.evaluate("canvass.sync()")
    expect_waiting(page, 0)
    sent = server_reports(seeded.user.id)
    assert sorted(r.kind for r in sent) == ["correction", "knock"]
    assert next(r for r in sent if r.kind == "knock").note == "Dog in the yard, came to the side door"


def test_a_discarded_draft_is_gone(page, context, live_server):
    seeded = seed_turf(live_server, doors=3)
    login_and_download(page, live_server, seeded.user)
    context.set_offline(True)
    door, _ = _half_fill(page, seeded)
    page.reload()
    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    page.get_by_test_id("discard-draft").click()
    expect(page.get_by_test_id("draft-restored")).to_be_hidden()
    expect(page.get_by_test_id("note")).to_have_value("")
    expect(page.get_by_test_id("new-first")).to_have_count(0)
    assert page.evaluate(DRAFT, [seeded.turf.id, door]) is None
    page.reload()
    expect(page.get_by_test_id("door-form")).to_be_visible()
    expect(page.get_by_test_id("draft-restored")).to_be_hidden()
    expect_waiting(page, 0)


def test_the_draft_is_restored_in_french(page, context, live_server):
    seeded = seed_turf(live_server, doors=3)
    login_and_download(page, live_server, seeded.user)
    page.evaluate("localStorage.setItem('canvass.lang', 'fr')")
    context.set_offline(True)
    _half_fill(page, seeded)
    page.reload()
    expect(page.get_by_test_id("draft-restored")).to_contain_text("Ce que vous aviez saisi a été restauré")
