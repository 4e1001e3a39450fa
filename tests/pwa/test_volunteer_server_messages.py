"""What the server refuses or fails at reaches the volunteer in the app's language, chosen by
the error's codes and fields, never as the server's English: the join form's field checks,
a refused turf download and a server problem while syncing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete

from backend.extensions import db
from backend.models import Assignment
from backend.services import auth
from tests.factories import PASSWORD
from tests.pwa.volunteer import seed_turf

pytestmark = pytest.mark.browser


@pytest.fixture
def french(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    yield context.new_page()
    context.close()


def _invite(server) -> str:
    organizer = server.factory().user("organizer", name="Olga")
    code, _ = auth.create_invite(db.session, organizer, ttl_hours=24)
    db.session.commit()
    return code


def test_the_join_forms_field_checks_read_in_french(french, live_server):
    page = french
    code = _invite(live_server)
    page.goto(live_server.url + f"/join?code={code}")
    error = page.locator("[data-testid=join-form] .error")
    page.fill("input[name=name]", "Nouvelle")
    page.fill("input[name=email]", "nouvelle@localhost")  # the browser's check lets it by
    page.fill("input[name=password]", "long enough")
    page.click("button[type=submit]")
    expect(error).to_have_text("Cette adresse e-mail ne semble pas correcte : vérifiez-la.")
    # A browser that does not check minlength sends the short password on.
    page.evaluate("document.querySelector('input[name=password]').removeAttribute('minlength')")
    page.fill("input[name=email]", "nouvelle@example.org")
    page.fill("input[name=password]", "court")
    page.click("button[type=submit]")
    expect(error).to_have_text("Le mot de passe est trop court : 8 caractères ou plus.")
    page.fill("input[name=password]", "long enough")
    page.click("button[type=submit]")
    expect(page.get_by_test_id("server-turfs")).to_be_visible()


def test_a_refused_turf_download_reads_in_french(french, live_server):
    page = french
    seeded = seed_turf(live_server, doors=2)
    page.goto(live_server.url + "/")
    page.fill("input[name=email]", seeded.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_test_id("download-turf")).to_be_visible()
    # Taken back by an organizer while the list was on screen.
    db.session.execute(delete(Assignment))
    db.session.commit()
    page.get_by_test_id("download-turf").click()
    expect(page.locator("#toast")).to_have_text(
        "Ce secteur ne vous est plus attribué : demandez à votre organisateur.")


def test_a_server_problem_while_syncing_reads_in_french(french, live_server):
    page = french
    seeded = seed_turf(live_server, doors=2)
    page.goto(live_server.url + "/")
    page.fill("input[name=email]", seeded.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_test_id("download-turf").first.click()
    expect(page.get_by_test_id("open-turf")).to_be_visible()
    page.context.route("**/api/sync/reports", lambda route: route.fulfill(
        status=502, content_type="text/html", body="<html><body>Bad Gateway</body></html>"))
    page.get_by_test_id("open-turf").click()
    page.get_by_test_id("open-next").click()
    page.get_by_test_id("door-result-not_home").click()
    page.get_by_test_id("end-shift").click()
    expect(page.get_by_test_id("sync-error")).to_have_text(
        "Le serveur a un problème. Vos comptes rendus sont gardés sur ce téléphone et envoyés "
        "dès qu'il est réparé.")
