"""A turf downloaded again, or by a second canvasser, shows the doors already knocked."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from playwright.sync_api import expect

from backend.extensions import db
from backend.services import assignments as assignment_service
from backend.services import sync as sync_service
from tests.pwa.volunteer import expect_waiting, login, login_and_download, record_next, seed_turf

pytestmark = pytest.mark.browser


def _knock(user, turf, door, *, result_code=None, answer=None, minutes_ago=1):
    """One report through the real sync ingest, as another phone pushed it (a few minutes
    ago at most: earlier than the assignment began, the server would clamp the time)."""
    recorded = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago)
    body = {"uuid": str(uuid.uuid4()), "door_id": door.id, "turf_id": turf.id,
            "recorded_at": recorded.isoformat(), "result_code": result_code, "voters": []}
    if answer is not None:
        voter, question, response = answer
        body["voters"] = [{"voter_id": voter.id, "responses": [
            {"survey_question_id": question.id, "survey_response_id": response.id}]}]
    results = sync_service.ingest_reports(db.session, user, [body])["results"]
    assert results[0]["status"] == "accepted", results
    db.session.commit()


def _badge(page, door):
    return page.locator(f"li.stop[data-door='{door.id}'] .badge")


def test_a_reassigned_half_walked_turf_shows_the_knocked_doors_and_offers_the_next_unknocked(
        page, live_server):
    """Val knocks the first three doors (a conversation, a not-home, a refusal) and the
    organizer gives the turf to Sam. Sam's phone downloads it and shows those three doors with
    their results, counts them done, and offers the fourth door next: nobody re-knocks."""
    seeded = seed_turf(live_server, doors=6)
    turf, doors = seeded.turf, seeded.doors
    _knock(seeded.user, turf, doors[0],
           answer=(seeded.voters[0], seeded.question, seeded.responses[0]), minutes_ago=3)
    _knock(seeded.user, turf, doors[1], result_code="not_home", minutes_ago=2)
    _knock(seeded.user, turf, doors[2], result_code="refused", minutes_ago=1)
    factory = live_server.factory()
    organizer = factory.user("organizer", name="Olga Organizer")
    sam = factory.user(name="Sam Second")
    assignment_service.set_assignees(db.session, turf.id, [sam.id], organizer)
    db.session.commit()

    login(page, live_server, sam)
    page.get_by_test_id("download-turf").first.click()
    page.get_by_test_id("open-turf").click()

    expect(page.get_by_test_id("progress")).to_have_attribute("data-done", "3")
    expect(page.get_by_test_id("progress")).to_have_attribute("data-total", "6")
    expect(page.get_by_test_id("next-stop")).to_have_attribute("data-door", str(doors[3].id))
    page.locator("[data-testid=finished]").locator("xpath=..").locator("summary").click()
    expect(_badge(page, doors[0])).to_have_attribute("data-status", "canvassed")
    expect(_badge(page, doors[1])).to_have_attribute("data-status", "not_home")
    expect(_badge(page, doors[2])).to_have_attribute("data-status", "refused")
    expect(_badge(page, doors[4])).to_have_attribute("data-status", "todo")


def test_the_same_volunteer_logging_in_again_sees_the_doors_knocked_before(page, live_server):
    """Val knocks two doors, the reports are sent, and Val logs out at the end of the shift
    (the phone forgets everything). Logging in again and downloading the turf shows those two
    doors done and offers the third."""
    seeded = seed_turf(live_server, doors=5)
    login_and_download(page, live_server, seeded.user)
    page.get_by_test_id("open-turf").click()
    record_next(page, "yes")
    record_next(page, "not_home")
    expect_waiting(page, 0, timeout=20_000)
    page.get_by_test_id("end-shift").click()
    page.get_by_test_id("logout").click()
    expect(page.locator("input[name=email]")).to_be_visible()

    login(page, live_server, seeded.user)
    page.get_by_test_id("download-turf").first.click()
    page.get_by_test_id("open-turf").click()
    expect(page.get_by_test_id("progress")).to_have_attribute("data-done", "2")
    expect(page.get_by_test_id("next-stop")).to_have_attribute("data-door", str(seeded.doors[2].id))


def test_a_result_not_yet_sent_is_never_overwritten_by_an_older_server_status(
        page, context, live_server):
    """Val and Carol share a turf. Val records door 1 while the server cannot be reached;
    Carol's older not-home at that door then reaches the server, and Val downloads the turf
    again: door 1 still shows Val's unsent result, while Carol's knock of door 3 shows up.
    Once Val's report is sent, the server's ranked status (the conversation) stays, and a
    knock Carol makes later reaches Val's phone through the change feed."""
    seeded = seed_turf(live_server, doors=5)
    turf, doors = seeded.turf, seeded.doors
    carol = live_server.factory().user(name="Carol Co")
    organizer = live_server.factory().user("organizer", name="Olga Organizer")
    assignment_service.assign(db.session, [turf.id], [carol.id], organizer)
    db.session.commit()
    login_and_download(page, live_server, seeded.user)
    context.route("**/api/sync/reports", lambda route: route.abort("failed"))  # server unreachable
    page.get_by_test_id("open-turf").click()
    record_next(page, "yes")  # door 0, Val's own knock, waiting
    expect_waiting(page, 1)

    _knock(carol, turf, doors[0], result_code="not_home", minutes_ago=2)  # older than Val's
    _knock(carol, turf, doors[2], result_code="refused", minutes_ago=1)
    page.locator("a[href='#/turfs']").first.click()
    with page.expect_response("**/door_list"):
        page.get_by_test_id("download-turf").first.click()
    expect(page.get_by_test_id("download-turf")).to_be_enabled()
    page.get_by_test_id("open-turf").click()
    expect(page.get_by_test_id("progress")).to_have_attribute("data-done", "2")
    expect(page.get_by_test_id("next-stop")).to_have_attribute("data-door", str(doors[1].id))
    finished = page.locator("[data-testid=finished]")
    finished.locator("xpath=..").locator("summary").click()
    expect(_badge(page, doors[0])).to_have_attribute("data-status", "canvassed")
    expect(_badge(page, doors[2])).to_have_attribute("data-status", "refused")

    context.unroute("**/api/sync/reports")
    page.evaluate("canvass.sync()")
    expect_waiting(page, 0, timeout=20_000)
    _knock(carol, turf, doors[1], result_code="not_home", minutes_ago=0)
    page.evaluate("canvass.sync()")
    page.reload()
    expect(page.get_by_test_id("progress")).to_have_attribute("data-done", "3")
    expect(page.get_by_test_id("next-stop")).to_have_attribute("data-door", str(doors[3].id))
    page.locator("[data-testid=finished]").locator("xpath=..").locator("summary").click()
    expect(_badge(page, doors[0])).to_have_attribute("data-status", "canvassed")
    expect(_badge(page, doors[1])).to_have_attribute("data-status", "not_home")


def test_correcting_a_door_another_canvasser_talked_at_says_it_corrects_only_mine(
        page, context, live_server):
    """Val left door 0 "not home"; Carol then talked there. The door shows Carol's
    conversation, so the correct button names what it replaces (Val's not home) and the
    screen says the result shown is not Val's to correct."""
    seeded = seed_turf(live_server, doors=3)
    turf, doors = seeded.turf, seeded.doors
    carol = live_server.factory().user(name="Carol Co")
    organizer = live_server.factory().user("organizer", name="Olga Organizer")
    assignment_service.assign(db.session, [turf.id], [carol.id], organizer)
    db.session.commit()
    login_and_download(page, live_server, seeded.user)
    page.get_by_test_id("open-turf").click()
    record_next(page, "not_home")
    expect_waiting(page, 0, timeout=20_000)
    _knock(carol, turf, doors[0], answer=(seeded.voters[0], seeded.question, seeded.responses[0]),
           minutes_ago=0)
    page.evaluate("canvass.sync()")
    page.reload()
    page.locator("[data-testid=finished]").locator("xpath=..").locator("summary").click()
    expect(_badge(page, doors[0])).to_have_attribute("data-status", "canvassed")
    page.locator(f"li.stop[data-door='{doors[0].id}'] a").click()
    expect(page.get_by_test_id("earlier").locator(".badge").first).to_have_attribute("data-status", "canvassed")
    expect(page.get_by_test_id("not-mine")).to_be_visible()
    correct = page.get_by_test_id("correct-earlier")
    expect(correct.locator(".badge")).to_have_attribute("data-status", "not_home")
    expect(correct).to_contain_text("my own result")


def test_correcting_my_own_result_shows_no_other_canvasser_notice(page, context, live_server):
    seeded = seed_turf(live_server, doors=2)
    login_and_download(page, live_server, seeded.user)
    page.get_by_test_id("open-turf").click()
    record_next(page, "not_home")
    page.locator("[data-testid=finished]").locator("xpath=..").locator("summary").click()
    page.locator(f"li.stop[data-door='{seeded.doors[0].id}'] a").click()
    expect(page.get_by_test_id("correct-earlier").locator(".badge")).to_have_attribute("data-status", "not_home")
    expect(page.get_by_test_id("not-mine")).to_have_count(0)
