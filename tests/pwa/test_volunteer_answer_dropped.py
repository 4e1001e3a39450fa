"""A report whose survey answer the server could not keep: the volunteer is told, in their
language, on the turf and at the door, and nothing is lost or sent again."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from backend.extensions import db
from backend.models import SurveyResponse
from tests.pwa.volunteer import (
    expect_waiting,
    login_and_download,
    record_next,
    seed_turf,
    server_reports,
)

pytestmark = pytest.mark.browser

EN_NOTICE = "saved — the answer to a question that was removed was not kept."
FR_NOTICE = "enregistré — la réponse à une question qui a été supprimée n'a pas été gardée."


def _record_offline_then_lose_the_answer(page, context, seeded):
    """Three doors recorded offline, the second answering "No"; then the response "No" is
    deleted on the server as an older server did (before questions were retired)."""
    context.set_offline(True)
    page.get_by_test_id("open-turf").click()
    expect(page.get_by_test_id("next-stop")).to_be_visible()
    record_next(page, "yes")
    record_next(page, "no")
    record_next(page, "not_home")
    outbox = page.evaluate("canvass.outboxAll()")
    db.session.delete(db.session.get(SurveyResponse, seeded.responses[1].id))
    db.session.commit()
    dropped = next(d for d in seeded.doors if d.id == outbox[1]["door_id"])
    return [r["uuid"] for r in outbox], dropped


def _open_finished(page, door_id: int) -> None:
    summary = page.locator("summary", has_text="Done")
    if not summary.evaluate("el => el.parentElement.open"):
        summary.click()
    page.locator(f'[data-testid=finished] li[data-door="{door_id}"] a').click()


def test_volunteer_is_told_an_answer_was_not_kept(page, context, live_server):
    seeded = seed_turf(live_server, doors=4)
    login_and_download(page, live_server, seeded.user)
    uuids, dropped_door = _record_offline_then_lose_the_answer(page, context, seeded)

    context.set_offline(False)  # the app syncs on "online"; the walk list is open
    expect_waiting(page, 0, timeout=20_000)
    notice = page.locator("[data-testid=turf-notice][data-kind=survey_answer_dropped]")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text(dropped_door.address_line)
    expect(notice).to_contain_text(EN_NOTICE)

    # Stored once, flagged, nothing parked; another sync sends nothing again.
    stored = {r.uuid: r for r in server_reports(seeded.user.id)}
    assert sorted(stored) == sorted(uuids)
    assert stored[uuids[1]].flags == ["survey_answer_dropped"]
    assert not any(stored[u].flags for u in (uuids[0], uuids[2]))
    expect(page.get_by_test_id("parked-count")).to_have_count(0)
    posts = live_server.hits.count(("POST", "/api/sync/reports"))
    page.evaluate("canvass.sync()")
    expect_waiting(page, 0)
    assert live_server.hits.count(("POST", "/api/sync/reports")) == posts
    assert len(server_reports(seeded.user.id)) == 3

    # At the door: the same news, and only at that door.
    _open_finished(page, dropped_door.id)
    expect(page.get_by_test_id("answer-dropped")).to_contain_text(
        "Saved — the answer to a question that was removed was not kept.")
    page.go_back()
    _open_finished(page, stored[uuids[0]].door_id)  # answered "Yes": kept
    expect(page.get_by_test_id("door-form")).to_be_visible()
    expect(page.get_by_test_id("answer-dropped")).to_have_count(0)

    # In French too; and the notice goes when the volunteer has read it.
    page.evaluate("localStorage.setItem('canvass.lang', 'fr')")
    page.goto(f"{live_server.url}/#/walk/{seeded.turf.id}")
    page.reload()
    expect(notice).to_contain_text(FR_NOTICE)
    page.locator("[data-action=dismiss-notices]").click()
    expect(notice).to_have_count(0)
    page.goto(f"{live_server.url}/#/door/{seeded.turf.id}/{dropped_door.id}")
    expect(page.get_by_test_id("answer-dropped")).to_contain_text(
        "Enregistré — la réponse à une question qui a été supprimée n'a pas été gardée.")


def test_the_notice_survives_a_lost_answer_from_the_server(page, context, live_server):
    """The server stores the batch but the phone never hears back: the retry is answered
    `duplicate`, with the stored report's flags, and the volunteer is still told, once."""
    seeded = seed_turf(live_server, doors=4)
    login_and_download(page, live_server, seeded.user)
    uuids, dropped_door = _record_offline_then_lose_the_answer(page, context, seeded)
    lost = []

    def lose_first_response(route):
        if not lost:
            route.fetch()  # the server commits the batch ...
            lost.append(True)
            route.abort("failed")  # ... and the phone sees a network error
        else:
            route.continue_()

    context.route("**/api/sync/reports", lose_first_response)
    context.set_offline(False)
    expect_waiting(page, 0, timeout=20_000)
    assert lost and sorted(r.uuid for r in server_reports(seeded.user.id)) == sorted(uuids)
    notice = page.locator("[data-testid=turf-notice][data-kind=survey_answer_dropped]")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text(dropped_door.address_line)
    page.evaluate("canvass.sync()")
    expect_waiting(page, 0)
    page.reload()
    expect(notice).to_have_count(1)
