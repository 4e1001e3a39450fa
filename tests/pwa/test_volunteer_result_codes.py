"""A result code an organizer created in the console shows by its name on the phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from backend.extensions import db
from backend.models import ResultCode
from tests.pwa.volunteer import login_and_download, seed_turf

pytestmark = pytest.mark.browser


def test_a_console_made_result_code_shows_its_name_not_a_key(page, context, live_server):
    """"Gate locked" (no app translation) on the door's button, on the per-person buttons
    and on the walk list's badge once recorded: never "status.gate_locked"."""
    db.session.add(ResultCode(code="gate_locked", name="Gate locked", rank=1, scope="both", position=50))
    db.session.commit()
    seeded = seed_turf(live_server, doors=2)
    login_and_download(page, live_server, seeded.user)
    context.set_offline(True)
    page.get_by_test_id("open-turf").click()
    door = page.get_by_test_id("next-stop").get_attribute("data-door")
    page.get_by_test_id("open-next").click()
    button = page.get_by_test_id("door-result-gate_locked")
    expect(button).to_have_text("● Gate locked")
    expect(page.get_by_test_id("door-form")).not_to_contain_text("status.")
    button.click()
    page.locator("summary", has_text="Done").click()
    badge = page.locator(f'[data-testid=finished] li[data-door="{door}"] .badge')
    expect(badge).to_have_text("● Gate locked")
