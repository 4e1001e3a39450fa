"""The door screen: one tap records one report, the form saves only what the server takes,
and a finished door can be corrected or visited again with phone and server agreeing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.pwa.volunteer import (
    expect_waiting,
    login_and_download,
    seed_turf,
    server_reports,
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


def test_door_form_saves_only_what_the_server_accepts(page, context, live_server):
    """A note alone, a note over the server's 4000 characters and a new person without a
    name are refused at the door, in the volunteer's language, with nothing recorded; what
    the form does save is accepted by the server, survey answer and (cut) note included."""
    seeded = seed_turf(live_server, doors=3)
    login_and_download(page, live_server, seeded.user)
    page.evaluate("localStorage.setItem('canvass.lang', 'fr')")
    page.reload()
    _walk_offline(page, context)
    page.get_by_test_id("open-next").click()
    error = page.get_by_test_id("door-error")

    page.get_by_test_id("note").fill("Gate code 1234")
    page.get_by_test_id("save").click()
    expect(error).to_contain_text("Une note seule ne peut pas être envoyée")
    expect(page.get_by_test_id("door-form")).to_be_visible()

    # Pasted text stops at the server's limit; a longer value set another way is refused.
    page.get_by_test_id("note").evaluate("el => { el.value = 'x'.repeat(4001); }")
    page.get_by_test_id("voter").first.get_by_test_id("survey-response").first.click()
    page.get_by_test_id("save").click()
    expect(error).to_contain_text("4001")
    page.get_by_test_id("door-result-not_home").click()
    expect(error).to_contain_text("4001")

    page.get_by_test_id("note").fill("")
    page.get_by_test_id("add-person").click()
    page.get_by_test_id("new-note").fill("lives upstairs")
    page.get_by_test_id("save").click()
    expect(error).to_contain_text("Donnez un prénom ou un nom")
    assert _outbox(page) == []

    page.get_by_test_id("new-first").fill("Zoé")
    page.get_by_test_id("note").fill("Gate code 1234 " + "y" * 5000)
    assert len(page.get_by_test_id("note").input_value()) == 4000
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("next-stop")).to_be_visible()
    expect_waiting(page, 2)

    context.set_offline(False)
    expect_waiting(page, 0, timeout=20_000)
    assert page.evaluate("canvass.parkedAll()") == []
    stored = {r.kind: r for r in server_reports(seeded.user.id)}
    assert sorted(stored) == ["correction", "knock"]
    knock = stored["knock"]
    assert knock.note.startswith("Gate code 1234") and len(knock.note) == 4000
    assert [i.voter_id for i in knock.items] == [seeded.voters[0].id]
    assert stored["correction"].body["correction"]["details"]["first_name"] == "Zoé"
