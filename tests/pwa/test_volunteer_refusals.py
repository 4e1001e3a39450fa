"""What the server refuses a volunteer (a wrong password, a bad list code or invite) is said in
the app's language, not in the server's English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.pwa.volunteer import seed_turf

pytestmark = pytest.mark.browser


@pytest.fixture
def french(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    yield context.new_page()
    context.close()


def test_a_french_volunteer_reads_refusals_in_french(french, live_server):
    """An unknown invite code, then a wrong password, then an unknown list code: each
    refusal reads in French."""
    page = french
    seeded = seed_turf(live_server, doors=2)
    page.goto(live_server.url + "/join?code=ZZZZ9999")
    page.fill("input[name=name]", "Nouvelle")
    page.fill("input[name=email]", "nouvelle@example.org")
    page.fill("input[name=password]", "long enough")
    page.click("button[type=submit]")
    expect(page.locator("[data-testid=join-form] .error")).to_have_text(
        "Ce code d'invitation n'est pas valable : demandez-en un nouveau à votre organisateur.")

    page.get_by_test_id("to-login").click()
    page.fill("input[name=email]", seeded.user.email)
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    expect(page.locator("[data-testid=login-form] .error")).to_have_text(
        "E-mail ou mot de passe incorrect.")

    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_test_id("server-turfs")).to_be_visible()
    page.fill("input[name=list_code]", "NOPE2345")
    page.click("[data-testid=claim-form] button")
    expect(page.locator("#toast")).to_have_text(
        "Ce code de liste n'est pas valable : vérifiez-le auprès de votre organisateur.")
    page.evaluate("document.getElementById('toast').hidden = true")
    page.fill("input[name=list_code]", "AB1")  # too short to be any code
    page.click("[data-testid=claim-form] button")
    expect(page.locator("#toast")).to_have_text(
        "Ce code de liste n'est pas valable : vérifiez-le auprès de votre organisateur.")
