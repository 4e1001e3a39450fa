"""The door screen: one tap records one report, the form saves only what the server takes,
and a finished door can be corrected or visited again with phone and server agreeing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from backend.extensions import db
from backend.services import contact_history
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


def _sent(page, user_id: int, n: int) -> None:
    """Wait until the server holds `n` reports of the user and the outbox is empty."""
    for _ in range(100):
        if len(server_reports(user_id)) == n:
            break
        page.wait_for_timeout(200)
    assert len(server_reports(user_id)) == n
    expect_waiting(page, 0)


def _door_on_server(door_id: int) -> tuple[str, int]:
    db.session.expire_all()
    row = contact_history.status_of(db.session, door_id=door_id)
    return row.status, row.attempts


def _show_finished(page) -> None:
    summary = page.locator("summary", has_text="Done")
    if not summary.evaluate("el => el.parentElement.open"):
        summary.click()


def _open_finished(page, door_id: int) -> None:
    _show_finished(page)
    page.locator(f'[data-testid=finished] li[data-door="{door_id}"] a').click()
    expect(page.get_by_test_id("earlier")).to_be_visible()


def _badge(page, door_id: int):
    return page.locator(f'[data-testid=finished] li[data-door="{door_id}"] .badge')


def test_finished_door_corrected_or_visited_again_phone_and_server_agree(page, context, live_server):
    """Refused at door A, not home at B, synced. Reopened, A shows "Refused" and offers a
    correction or a new visit. A new visit finding nobody home leaves A "refused" on the phone
    as on the server (2 attempts); correcting replaces the refused report on both. After
    "Undo last" and a correction, Back to the used correcting screen shows the door's choice
    again and cannot supersede the same report a second time."""
    seeded = seed_turf(live_server, doors=4)
    login_and_download(page, live_server, seeded.user)
    page.get_by_test_id("open-turf").click()
    door_a = int(page.get_by_test_id("next-stop").get_attribute("data-door"))
    page.get_by_test_id("open-next").click()
    page.get_by_test_id("door-result-refused").click()
    door_b = int(page.get_by_test_id("next-stop").get_attribute("data-door"))
    page.get_by_test_id("open-next").click()
    page.get_by_test_id("door-result-not_home").click()
    expect(page.get_by_test_id("next-stop")).to_be_visible()
    _sent(page, seeded.user.id, 2)
    refused_uuid = next(r.uuid for r in server_reports(seeded.user.id) if r.door_id == door_a)

    _open_finished(page, door_a)
    expect(page.get_by_test_id("earlier")).to_contain_text("Refused")
    expect(page.get_by_test_id("door-result-not_home")).to_be_hidden()
    page.get_by_test_id("new-visit").click()
    expect(page.get_by_test_id("correcting")).to_be_hidden()
    page.get_by_test_id("door-result-not_home").click()
    expect(page.get_by_test_id("next-stop")).to_be_visible()
    _sent(page, seeded.user.id, 3)
    assert _door_on_server(door_a) == ("refused", 2)
    _show_finished(page)
    expect(_badge(page, door_a)).to_have_attribute("data-status", "refused")

    page.locator(f'[data-testid=finished] li[data-door="{door_a}"] a').click()
    page.get_by_test_id("correct-earlier").click()
    expect(page.get_by_test_id("correcting")).to_be_visible()
    page.get_by_test_id("door-result-not_home").click()
    expect(page.get_by_test_id("next-stop")).to_be_visible()
    _sent(page, seeded.user.id, 4)
    assert _door_on_server(door_a) == ("not_home", 2)
    correction = next(r for r in server_reports(seeded.user.id) if r.supersedes_uuid)
    assert correction.supersedes_uuid == refused_uuid and correction.door_id == door_a
    _show_finished(page)
    expect(_badge(page, door_a)).to_have_attribute("data-status", "not_home")

    # "Undo last" of a sent report opens the correcting screen; B's not home becomes refused.
    _open_finished(page, door_b)
    page.get_by_test_id("new-visit").click()
    page.get_by_test_id("door-result-not_home").click()
    expect(page.get_by_test_id("next-stop")).to_be_visible()
    _sent(page, seeded.user.id, 5)
    page.get_by_test_id("undo").click()
    expect(page.get_by_test_id("correcting")).to_be_visible()
    used = page.evaluate("location.hash")
    page.get_by_test_id("door-result-refused").click()
    expect(page.get_by_test_id("next-stop")).to_be_visible()
    _sent(page, seeded.user.id, 6)
    assert _door_on_server(door_b) == ("refused", 2)

    page.go_back()  # to the correcting screen already used
    expect(page.get_by_test_id("earlier")).to_be_visible()
    assert page.evaluate("location.hash") != used
    expect(page.get_by_test_id("correcting")).to_be_hidden()
    page.get_by_test_id("correct-earlier").click()
    page.get_by_test_id("door-result-come_back").click()
    expect(page.get_by_test_id("next-stop")).to_be_visible()
    _sent(page, seeded.user.id, 7)
    superseded = [r.supersedes_uuid for r in server_reports(seeded.user.id) if r.supersedes_uuid]
    assert len(superseded) == len(set(superseded)) == 3
    assert _door_on_server(door_b) == ("come_back", 2)
    assert page.evaluate("canvass.parkedAll()") == []


def test_switching_language_repaints_the_sync_bar_at_once(page, context, live_server):
    """The sync bar follows a language switch straight away, not at the next sync (nothing
    waits and the network is up, so no sync comes along to repaint it)."""
    seeded = seed_turf(live_server, doors=2)
    login_and_download(page, live_server, seeded.user)
    expect(page.get_by_test_id("waiting")).to_have_text("All reports sent")
    page.get_by_test_id("syncbar").click()
    page.get_by_test_id("language").select_option("fr")
    expect(page.get_by_test_id("sync-now")).to_contain_text("Envoyer")
    expect(page.get_by_test_id("waiting")).to_have_text("Tous les comptes rendus sont envoyés", timeout=2_000)


def test_phone_never_supersedes_a_report_twice(page, context, live_server):
    """Whatever the screen, the phone's store refuses a second correction of the same report
    (the server would count both) and writes nothing of it."""
    seeded = seed_turf(live_server, doors=2)
    login_and_download(page, live_server, seeded.user)
    _walk_offline(page, context)
    door_id = seeded.doors[0].id
    outcome = page.evaluate(
        """async ([turfId, doorId]) => {
          const reports = await import("/js/data/reports.js");
          const make = (fields) => reports.makeReport({ door_id: doorId, turf_id: turfId, ...fields });
          const first = await reports.record(await make({ result_code: "refused" }));
          await reports.record(await make({ result_code: "not_home", supersedes: first.uuid }));
          try {
            await reports.record(await make({ result_code: "come_back", supersedes: first.uuid }));
            return "recorded";
          } catch (err) {
            return String(err.message);
          }
        }""",
        [seeded.turf.id, door_id],
    )
    assert "already corrected" in outcome
    assert [r["result_code"] for r in _outbox(page)] == ["refused", "not_home"]


def test_undoing_an_unsent_correction_brings_back_what_it_replaced(page, context, live_server):
    """A correction still waiting on the phone is taken back with "Undo last": the report it
    replaced counts again, on the phone (and can still be corrected) as on the server."""
    seeded = seed_turf(live_server, doors=3)
    login_and_download(page, live_server, seeded.user)
    page.get_by_test_id("open-turf").click()
    door_a = int(page.get_by_test_id("next-stop").get_attribute("data-door"))
    page.get_by_test_id("open-next").click()
    page.get_by_test_id("door-result-refused").click()
    expect(page.get_by_test_id("next-stop")).to_be_visible()
    _sent(page, seeded.user.id, 1)

    context.set_offline(True)
    _open_finished(page, door_a)
    page.get_by_test_id("correct-earlier").click()
    page.get_by_test_id("door-result-not_home").click()
    expect(page.get_by_test_id("next-stop")).to_be_visible()
    expect_waiting(page, 1)
    page.get_by_test_id("undo").click()
    expect_waiting(page, 0)
    _show_finished(page)
    expect(_badge(page, door_a)).to_have_attribute("data-status", "refused")
    _open_finished(page, door_a)
    expect(page.get_by_test_id("correct-earlier")).to_be_visible()
    context.set_offline(False)
    page.evaluate("canvass.sync()")
    assert _door_on_server(door_a) == ("refused", 1)


def test_with_only_skipped_doors_left_the_walk_goes_back_to_them(page, context, live_server):
    """Two doors skipped, the third recorded: the walk does not say "every door is done"; it
    offers the door skipped first, then, once that is skipped again, the other one."""
    seeded = seed_turf(live_server, doors=3)
    login_and_download(page, live_server, seeded.user)
    _walk_offline(page, context)
    first = page.get_by_test_id("next-stop").get_attribute("data-door")
    page.get_by_test_id("open-next").click()
    page.get_by_test_id("skip").click()
    second = page.get_by_test_id("next-stop").get_attribute("data-door")
    page.get_by_test_id("open-next").click()
    page.get_by_test_id("skip").click()
    page.get_by_test_id("open-next").click()
    page.get_by_test_id("door-result-not_home").click()
    expect(page.get_by_test_id("all-done")).to_have_count(0)
    next_stop = page.get_by_test_id("next-stop")
    expect(next_stop).to_have_attribute("data-door", first)
    expect(next_stop).to_contain_text("a door you skipped")
    page.get_by_test_id("open-next").click()
    page.get_by_test_id("skip").click()
    expect(next_stop).to_have_attribute("data-door", second)
    page.get_by_test_id("open-next").click()
    page.get_by_test_id("door-result-not_home").click()
    expect(next_stop).to_have_attribute("data-door", first)
    page.get_by_test_id("open-next").click()
    page.get_by_test_id("door-result-refused").click()
    expect(page.get_by_test_id("all-done")).to_be_visible()
    expect(page.get_by_test_id("progress")).to_have_attribute("data-done", "3")


def test_double_tapping_literature_left_in_lit_drop_mode_leaves_it_at_one_door(page, context, live_server):
    """In lit-drop mode the list is redrawn after a tap with the next door's "Literature
    left" in the same place: the second tap of a double tap (150 ms apart, same spot) must
    not record literature at that next door."""
    seeded = seed_turf(live_server, doors=4)
    login_and_download(page, live_server, seeded.user)
    _walk_offline(page, context)
    page.get_by_test_id("lit-mode").click()
    button = page.locator("[data-testid=next-stop] [data-testid=lit-drop]")
    first = page.get_by_test_id("next-stop").get_attribute("data-door")
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    page.wait_for_timeout(150)
    page.mouse.click(x, y)
    expect(page.get_by_test_id("next-stop")).not_to_have_attribute("data-door", first)
    page.wait_for_timeout(1_000)  # a second report would be written by now
    assert [r["door_id"] for r in _outbox(page)] == [int(first)]
    expect(button).to_be_enabled()  # and the next door takes its tap once the moment passes
    button.click()
    expect_waiting(page, 2)
