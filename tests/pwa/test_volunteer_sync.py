"""Sync faults: a lost response, two tabs at once, a rejected report, a turf taken back."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from backend.extensions import db
from backend.models import Assignment, ResultCode, SurveyResponse
from backend.services.changes import record_change
from tests.pwa.volunteer import (
    expect_waiting,
    login_and_download,
    outbox_uuids,
    record_next,
    report_count,
    seed_turf,
    server_reports,
)

pytestmark = pytest.mark.browser


def _walk(page):
    page.get_by_test_id("open-turf").click()
    expect(page.get_by_test_id("next-stop")).to_be_visible()


def test_lost_response_is_retried_and_nothing_is_doubled(page, context, live_server):
    """The server stores a batch but the phone never hears back: the app retries the same
    reports and the server keeps each exactly once."""
    seeded = seed_turf(live_server, doors=6)
    login_and_download(page, live_server, seeded.user)
    context.set_offline(True)
    _walk(page)
    for how in ("yes", "not_home", "no", "lit"):
        record_next(page, how)
    uuids = outbox_uuids(page)
    stored_by_lost_call = []

    def lose_first_response(route):
        if not stored_by_lost_call:
            route.fetch()  # the server commits the batch ...
            with live_server.app.app_context():  # route handlers run outside the test's context
                stored_by_lost_call.append(report_count())
            route.abort("failed")  # ... and the phone sees a network error
        else:
            route.continue_()

    context.route("**/api/sync/reports", lose_first_response)
    context.set_offline(False)
    expect_waiting(page, 0, timeout=20_000)
    assert stored_by_lost_call == [4]
    posts = [h for h in live_server.hits if h == ("POST", "/api/sync/reports")]
    assert len(posts) >= 2
    assert sorted(r.uuid for r in server_reports(seeded.user.id)) == sorted(uuids)


def test_two_tabs_syncing_at_once_double_nothing_and_lose_nothing(page, context, live_server):
    """Two tabs share one outbox and both sync the moment the network returns (and again on
    request): every report is stored once and both outboxes end empty."""
    seeded = seed_turf(live_server, doors=12)
    login_and_download(page, live_server, seeded.user)
    context.set_offline(True)
    _walk(page)
    for i in range(10):
        record_next(page, "yes" if i % 2 else "not_home")
    other = context.new_page()
    other.goto(live_server.url + "/#/turfs")
    expect_waiting(other, 10)
    uuids = outbox_uuids(page)
    context.set_offline(False)
    page.evaluate("canvass.sync()")
    other.evaluate("canvass.sync()")
    expect_waiting(page, 0, timeout=20_000)
    expect_waiting(other, 0, timeout=20_000)
    assert sorted(r.uuid for r in server_reports(seeded.user.id)) == sorted(uuids)
    assert other.evaluate("async () => (await canvass.outboxAll()).length") == 0


def test_rejected_report_is_parked_with_its_reason_while_others_go_through(page, context, live_server):
    """While the phone is offline an organizer deletes the result code one report uses and a
    survey answer another uses. The first is refused by the server, parked with the reason and
    shown; the one with the deleted answer is stored without it, flagged; the others are
    stored."""
    seeded = seed_turf(live_server, doors=6)
    login_and_download(page, live_server, seeded.user)
    context.set_offline(True)
    _walk(page)
    record_next(page, "yes")
    record_next(page, "no")  # its answer is deleted: stored without it, flagged
    record_next(page, "not_home")  # its result code is deleted: refused
    record_next(page, "yes")
    answer_gone_uuid, refused_uuid = outbox_uuids(page)[1:3]
    db.session.delete(db.session.get(SurveyResponse, seeded.responses[1].id))
    db.session.delete(db.session.scalar(select(ResultCode).where(ResultCode.code == "not_home")))
    db.session.commit()

    context.set_offline(False)
    expect_waiting(page, 0, timeout=20_000)
    expect(page.get_by_test_id("parked-count")).to_have_attribute("data-count", "1")
    stored = {r.uuid: r for r in server_reports(seeded.user.id)}
    assert len(stored) == 3 and refused_uuid not in stored
    assert "survey_answer_dropped" in stored[answer_gone_uuid].flags

    page.get_by_test_id("syncbar").click()
    reason = page.get_by_test_id("parked-reason")
    expect(reason).to_have_count(1)
    expect(reason).to_contain_text("result_code")
    expect(page.get_by_test_id("parked-why")).to_have_text(
        "It has no result the server knows: a door result, an answer for a person or literature left.")
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("logout-refused")).to_contain_text("1 report")
    parked = page.evaluate("canvass.parkedAll()")
    assert [p["uuid"] for p in parked] == [refused_uuid]


def test_turf_reassigned_while_offline_reports_kept_flagged_and_volunteer_told(page, context, live_server):
    """The organizer gives the turf to someone else while the phone is offline. On sync the
    reports recorded while it was still ours are accepted with the `turf_reassigned` flag
    (docs/sync-protocol.md rule 3); the phone then pulls `turf_unassigned`, removes the turf
    once nothing from it waits, and tells the volunteer."""
    seeded = seed_turf(live_server, doors=5)
    login_and_download(page, live_server, seeded.user)
    context.set_offline(True)
    _walk(page)
    for how in ("yes", "not_home", "no"):
        record_next(page, how)
    uuids = outbox_uuids(page)

    other = live_server.factory().user(name="Other Volunteer")
    assignment = db.session.scalar(select(Assignment).where(Assignment.user_id == seeded.user.id))
    assignment.ended_at = dt.datetime.now(dt.UTC)
    db.session.add(Assignment(turf_id=seeded.turf.id, user_id=other.id))
    record_change(db.session, "turf_unassigned", user_id=seeded.user.id,
                  payload={"turf_id": seeded.turf.id})
    record_change(db.session, "turf_assigned", user_id=other.id, payload={"turf_id": seeded.turf.id})
    db.session.commit()

    context.set_offline(False)
    page.evaluate("canvass.sync()")
    expect_waiting(page, 0, timeout=20_000)
    reports = server_reports(seeded.user.id)
    assert sorted(r.uuid for r in reports) == sorted(uuids)
    assert all("turf_reassigned" in r.flags for r in reports)

    page.goto(live_server.url + "/#/turfs")
    expect(page.get_by_test_id("wiped-notice")).to_contain_text("Elm Street")
    expect(page.get_by_test_id("open-turf")).to_have_count(0)
    left = page.evaluate("""async () => {
        const db = await new Promise((ok, ko) => { const r = indexedDB.open('canvass');
            r.onsuccess = () => ok(r.result); r.onerror = ko; });
        const count = (s) => new Promise((ok) => { const q = db.transaction(s).objectStore(s).count();
            q.onsuccess = () => ok(q.result); });
        return {doors: await count('doors'), turfs: await count('turfs')};
    }""")
    assert left == {"doors": 0, "turfs": 0}  # data minimisation: the voters left the phone
    # the walk on it ended with it: nothing holds back an update ("walk in progress")
    assert page.evaluate("canvass.updateIsSafe()")["walk"] is False


def test_a_send_that_never_gets_an_answer_is_given_up_and_retried(page, context, live_server):
    """With one bar of signal a request can hang with no answer and no error while the
    phone still says it is online. The app gives up on it after a while and sends again, in
    smaller batches (the link may be too slow for a big one), so the reports reach the server
    instead of staying "syncing…" for ever."""
    seeded = seed_turf(live_server, doors=3)
    login_and_download(page, live_server, seeded.user)
    context.set_offline(True)
    _walk(page)
    record_next(page, "not_home")
    record_next(page, "yes")
    page.clock.install()
    hanging, batches = [], []

    def hang_the_first(route):
        if not hanging:
            hanging.append(route)  # never answered: the dead zone
        else:
            batches.append(len(route.request.post_data_json["reports"]))
            route.continue_()

    context.route("**/api/sync/reports", hang_the_first)
    context.set_offline(False)
    for _ in range(100):  # the send is on its way and held
        if hanging:
            break
        page.wait_for_timeout(50)
    assert len(hanging) == 1
    page.wait_for_timeout(1_000)
    expect(page.locator("[data-phase=syncing]")).to_be_visible()
    expect_waiting(page, 2)
    page.clock.fast_forward("00:46")  # the timeout passes; the retry is due in 1 to 3 s
    page.clock.run_for(5_000)  # the retry goes out (and has time, unlike the first)
    expect_waiting(page, 0, timeout=10_000)
    assert len(server_reports(seeded.user.id)) == 2
    assert batches == [1, 1]


def test_offline_with_nothing_waiting_promises_no_retry(page, context, live_server):
    """Offline with every report sent, the sync bar says "offline", not "offline, will retry"
    (retry what?); once a report waits, it says it will retry."""
    seeded = seed_turf(live_server, doors=2)
    login_and_download(page, live_server, seeded.user)
    context.set_offline(True)
    phase = page.locator("[data-testid=syncbar] .phase")
    expect(phase).to_have_text("· offline")
    _walk(page)
    record_next(page, "not_home")
    expect(phase).to_have_text("· offline, will retry")
