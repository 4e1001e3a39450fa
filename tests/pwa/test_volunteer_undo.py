""""Undo last" undoes on the server too: a report whose send was attempted (the answer still on
its way, or lost) may already be stored there, so undo corrects it instead of deleting it;
and a double tap undoes one door, not two."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from backend.extensions import db
from backend.services import contact_history
from tests.pwa.volunteer import expect_waiting, login_and_download, seed_turf, server_reports

pytestmark = pytest.mark.browser


def _door_on_server(door_id: int) -> tuple[str, int]:
    db.session.expire_all()
    row = contact_history.status_of(db.session, door_id=door_id)
    return row.status, row.attempts


def _wait_server(page, user_id: int, n: int) -> None:
    for _ in range(100):
        if len(server_reports(user_id)) == n:
            break
        page.wait_for_timeout(200)
    assert len(server_reports(user_id)) == n


def _history(page) -> dict[str, str]:
    return dict(page.evaluate(
        """async (turfId) => (await (await import("/js/data/reports.js")).turfHistory(turfId))
             .map((r) => [r.result_code, r.state])""",
        _history.turf_id))


def _record_refused_then_undo(page, seeded, context, answer) -> int:
    """Refused at the next door while `answer` handles the first push; the server stores the
    report; then "Undo last" must open the correcting screen, not delete the phone's copy."""
    page.get_by_test_id("open-turf").click()
    door = int(page.get_by_test_id("next-stop").get_attribute("data-door"))
    context.route("**/api/sync/reports", answer)
    page.get_by_test_id("open-next").click()
    page.get_by_test_id("door-result-refused").click()
    expect(page.get_by_test_id("next-stop")).to_be_visible()
    _wait_server(page, seeded.user.id, 1)
    page.get_by_test_id("undo").click()
    expect(page.get_by_test_id("correcting")).to_be_visible()
    page.get_by_test_id("door-result-not_home").click()
    expect(page.get_by_test_id("next-stop")).to_be_visible()
    return door


def test_undo_while_the_send_is_in_flight_corrects_on_the_server(page, context, live_server):
    """The server stored the refused report but its answer is slow: undo in that window
    records a correction superseding it, so the server ends with the corrected result and
    the phone's copy stays superseded after the late answer."""
    seeded = seed_turf(live_server, doors=3)
    login_and_download(page, live_server, seeded.user)
    _history.turf_id = seeded.turf.id
    held = []

    def slow(route):
        if held:
            return route.continue_()
        held.append((route, route.fetch()))  # stored on the server; the answer waits

    door = _record_refused_then_undo(page, seeded, context, slow)
    route, response = held[0]
    route.fulfill(response=response)
    _wait_server(page, seeded.user.id, 2)
    expect_waiting(page, 0)
    assert _door_on_server(door) == ("not_home", 1)
    correction = next(r for r in server_reports(seeded.user.id) if r.supersedes_uuid)
    assert correction.result_code == "not_home"
    assert _history(page) == {"refused": "superseded", "not_home": "sent"}


def test_undo_after_a_lost_answer_corrects_on_the_server(page, context, live_server):
    """A send reached the server, its answer was lost and the phone went offline: undo still
    corrects (the retry of the original is a duplicate, the correction supersedes it)."""
    seeded = seed_turf(live_server, doors=3)
    login_and_download(page, live_server, seeded.user)
    _history.turf_id = seeded.turf.id
    state = {"sent": 0}

    def lost_then_offline(route):
        state["sent"] += 1
        if state["sent"] == 1:
            route.fetch()  # committed on the server...
        route.abort()  # ...and the answer lost; later sends find no network

    door = _record_refused_then_undo(page, seeded, context, lost_then_offline)
    expect_waiting(page, 2)
    context.unroute("**/api/sync/reports")
    page.evaluate("canvass.sync()")
    _wait_server(page, seeded.user.id, 2)
    expect_waiting(page, 0)
    assert _door_on_server(door) == ("not_home", 1)
    assert _history(page) == {"refused": "superseded", "not_home": "sent"}


def test_double_tapping_undo_undoes_one_door(page, context, live_server):
    """Two taps 250 ms apart (a phone's double tap): the first undo has already redrawn the
    list by the second, which lands on the new "Undo last" and must not undo another door."""
    seeded = seed_turf(live_server, doors=3)
    login_and_download(page, live_server, seeded.user)
    context.set_offline(True)
    page.get_by_test_id("open-turf").click()
    for _ in range(2):
        page.get_by_test_id("open-next").click()
        page.get_by_test_id("door-result-not_home").click()
        expect(page.get_by_test_id("next-stop")).to_be_visible()
    expect_waiting(page, 2)
    undo = page.get_by_test_id("undo")
    box = undo.bounding_box()
    undo.click()
    page.wait_for_timeout(200)
    # A raw tap where the button was: a tap on a disabled button does nothing (a locator
    # click would wait for it to be enabled again).
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect_waiting(page, 1)
    page.wait_for_timeout(500)  # a second undo would have run by now
    expect_waiting(page, 1)


def test_undoing_a_unit_names_the_unit(page, context, live_server):
    """In an apartment building "Undone: 500 TOWER AVE" fits every unit: the message names
    the unit that was undone."""
    seeded = seed_turf(live_server, doors=0, buildings=2)
    login_and_download(page, live_server, seeded.user)
    context.set_offline(True)
    page.get_by_test_id("open-turf").click()
    page.get_by_test_id("open-next").click()
    page.get_by_test_id("unit").first.click()
    page.get_by_test_id("door-result-not_home").click()
    expect(page.get_by_test_id("building-inaccessible")).to_be_visible()  # back at the building
    page.locator("header a.button").first.click()  # to the list
    page.get_by_test_id("undo").click()
    expect(page.locator("#toast")).to_have_text("Undone: 500 TOWER AVE 1A")
    expect_waiting(page, 0)
