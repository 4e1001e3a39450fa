"""The console's Progress panel in real Chromium: days in the organizer's time zone, and
the survey's answers."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from backend.extensions import db
from backend.models import Door, User
from backend.services.demo import DEMO_CANVASSER, DEMO_ORGANIZER, load_demo
from tests.pwa.test_console import log_in

pytestmark = pytest.mark.browser


def test_days_are_the_browsers_days(browser: Browser, live_server):
    """QA: days were UTC days, so a shift in New York after 8 pm was shown on the next day.
    The console sends the browser's time zone and says which zone the days are in."""
    load_demo(db.session, voters=60, seed=3)
    db.session.commit()
    canvasser = db.session.scalar(select(User).where(User.email == DEMO_CANVASSER[0]))
    doors = list(db.session.scalars(select(Door).order_by(Door.id).limit(2)))
    evening = dt.datetime(2026, 10, 4, 1, 0, tzinfo=dt.UTC)  # Oct 3, 9 pm in New York
    factory = live_server.factory()
    factory.report(doors[0], canvasser, recorded_at=evening - dt.timedelta(hours=3))
    factory.report(doors[1], canvasser, recorded_at=evening)
    db.session.rollback()

    context = browser.new_context(timezone_id="America/New_York")
    page = context.new_page()
    try:
        log_in(page, live_server.url, *DEMO_ORGANIZER)
        page.get_by_role("tab", name="Progress").click()
        page.locator('#panel-progress button[data-by="day"]').click()
        expect(page.locator("#progress-zone")).to_have_text("Days in America/New_York time.")
        table = page.locator("#progress-table")
        expect(table).to_contain_text("2026-10-03")
        expect(table).not_to_contain_text("2026-10-04")
    finally:
        context.close()


def test_progress_shows_the_survey_answers_per_question(page: Page, live_server):
    """QA: GET /api/progress counts survey responses, but the Progress panel never showed
    them. Each question now has its responses' answers and their share of its answers."""
    from backend.models import SurveyQuestion, SurveyResponse, Voter

    load_demo(db.session, voters=60, seed=3)
    question = SurveyQuestion(name="Support Measure 4?", kind="single")
    question.responses = [SurveyResponse(name=n, position=i)
                          for i, n in enumerate(("Yes", "No", "Undecided"))]
    db.session.add(question)
    db.session.commit()
    yes, no, _ = question.responses
    canvasser = db.session.scalar(select(User).where(User.email == DEMO_CANVASSER[0]))
    voters = list(db.session.scalars(select(Voter).order_by(Voter.id).limit(3)))
    factory = live_server.factory()
    for voter, response in zip(voters, (yes, yes, no), strict=True):
        factory.report(db.session.get(Door, voter.door_id), canvasser, result_code=None,
                       items=[{"voter_id": voter.id, "result_code": "canvassed",
                               "survey_question_id": question.id,
                               "survey_response_id": response.id}])
    question_id = question.id
    db.session.rollback()

    log_in(page, live_server.url, *DEMO_ORGANIZER)
    page.get_by_role("tab", name="Progress").click()
    block = page.locator(f'#progress-survey [data-question-id="{question_id}"]')
    expect(block.locator("caption")).to_have_text("Support Measure 4?: 3 answers")
    rows = block.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_have_text("Yes267%")
    expect(rows.nth(1)).to_have_text("No133%")
    expect(rows.nth(2)).to_have_text("Undecided00%")
