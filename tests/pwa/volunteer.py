"""Shared steps for the volunteer-app browser tests: seed a walkable turf, log in, download it."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from backend.extensions import db
from backend.models import CanvassReport, SurveyQuestion, SurveyResponse
from tests.factories import PASSWORD


@dataclass
class Seeded:
    user: object
    turf: object
    doors: list
    voters: list
    question: object
    responses: list


def seed_turf(server, doors: int = 25, *, buildings: int = 0, name: str = "Elm Street") -> Seeded:
    """A canvasser with one assigned turf of ``doors`` single-family doors (one voter each)
    plus ``buildings`` units in one apartment building, and a two-answer survey question."""
    factory = server.factory()
    user = factory.user(name="Val Volunteer")
    rows = [factory.door(lat=40.0 + i * 0.0002, lon=-83.0 + (i % 5) * 0.0002) for i in range(doors)]
    for unit in range(buildings):
        rows.append(factory.door(lat=40.01, lon=-83.01, address_line="500 TOWER AVE",
                                 unit=f"{unit // 2 + 1}{'AB'[unit % 2]}"))
    voters = [factory.voter(door) for door in rows]
    question = SurveyQuestion(name="Will you support Measure A?", kind="single", position=0)
    question.responses = [SurveyResponse(name="Yes", position=0), SurveyResponse(name="No", position=1)]
    db.session.add(question)
    db.session.commit()
    turf = factory.turf(rows, name=name, assigned_to=[user])
    return Seeded(user, turf, rows, voters, question, list(question.responses))


def login(page: Page, server, user) -> None:
    page.goto(server.url + "/")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_test_id("server-turfs")).to_be_visible()


def login_and_download(page: Page, server, user) -> None:
    """Log in online, download the assigned turf, and wait until the service worker controls
    the page (the app shell is cached)."""
    login(page, server, user)
    page.get_by_test_id("download-turf").first.click()
    expect(page.get_by_test_id("open-turf")).to_be_visible()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def waiting(page: Page) -> int:
    return int(page.get_by_test_id("waiting").get_attribute("data-count"))


def expect_waiting(page: Page, n: int, timeout: float = 15_000) -> None:
    expect(page.get_by_test_id("waiting")).to_have_attribute("data-count", str(n), timeout=timeout)


def outbox_uuids(page: Page) -> list[str]:
    return page.evaluate("async () => (await canvass.outboxAll()).map(r => r.uuid)")


def record_next(page: Page, how: str = "yes") -> None:
    """At the next door of the walk: 'not_home', 'yes'/'no' (survey answer for the first
    voter), or 'lit' (literature left only)."""
    page.get_by_test_id("open-next").click()
    form = page.get_by_test_id("door-form")
    expect(form).to_be_visible()
    if how == "not_home":
        page.get_by_test_id("door-result-not_home").click()
    else:
        if how in ("yes", "no"):
            page.get_by_test_id("voter").first.get_by_test_id("survey-response").nth(
                0 if how == "yes" else 1).click()
        else:
            page.get_by_test_id("lit-left").click()
        page.get_by_test_id("save").click()
    expect(page.get_by_test_id("next-stop").or_(page.get_by_test_id("all-done"))).to_be_visible()


def server_reports(user_id: int) -> list[CanvassReport]:
    db.session.expire_all()
    return list(db.session.scalars(select(CanvassReport).where(CanvassReport.canvasser_id == user_id)))


def report_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(CanvassReport))
