"""Editing in the organizer console, in real Chromium: turfs, universes, and a volunteer's
export file.

The demo county is cut into turfs (two assigned to the demo canvasser); an organizer then
splits, merges, renames, re-cuts and deletes turfs from the Turfs panel and the map's
selection bar, and every step is checked in the database. A second test edits and deletes
universes with the re-attempt filters; a third uploads a phone's "export my unsent reports"
file on a volunteer's behalf and reads the per-report results.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from urllib.parse import unquote

import pytest
from playwright.sync_api import Page, expect
from shapely.geometry import shape
from shapely.ops import unary_union
from sqlalchemy import func, select

from backend.extensions import db
from backend.models import Assignment, CanvassReport, Door, Turf, TurfDoor, Universe, User
from backend.services.demo import DEMO_CANVASSER, DEMO_ORGANIZER, load_demo, prepare_demo_turfs
from backend.services.turfs import qr_svg
from backend.services.universes import counts
from tests.pwa.test_console import click_polygon, log_in

pytestmark = pytest.mark.browser


def seed_demo() -> tuple[User, list[int]]:
    """The demo county cut into ~25-door turfs; returns the canvasser and their turf ids."""
    load_demo(db.session, voters=600, seed=1)
    prepare_demo_turfs(db.session, target_doors=25)
    db.session.commit()
    canvasser = db.session.scalar(select(User).where(User.email == DEMO_CANVASSER[0]))
    assigned = sorted(db.session.scalars(select(Assignment.turf_id).where(
        Assignment.user_id == canvasser.id, Assignment.ended_at.is_(None))))
    db.session.rollback()
    return canvasser, assigned


def live_turfs() -> dict[str, Turf]:
    db.session.rollback()  # see what the server committed
    return {t.name: t for t in db.session.scalars(select(Turf).where(Turf.deleted_at.is_(None)))}


def members(turf_id: int) -> set[int]:
    return set(db.session.scalars(select(TurfDoor.door_id).where(
        TurfDoor.turf_id == turf_id, TurfDoor.removed_at.is_(None))))


def assignees(turf_id: int) -> set[int]:
    return set(db.session.scalars(select(Assignment.user_id).where(
        Assignment.turf_id == turf_id, Assignment.ended_at.is_(None))))


def pick(page: Page, *turf_ids: int) -> None:
    """Selects exactly these turfs with the list's checkboxes."""
    page.get_by_role("button", name="Select none").click()
    for turf_id in turf_ids:
        page.locator(f'#turf-list tr[data-turf-id="{turf_id}"]').get_by_role("checkbox").check()
    expect(page.locator("#turf-summary")).to_contain_text(f"{len(turf_ids)} selected")


def canvasser_api(page: Page, base: str) -> dict[str, str]:
    login = page.request.post(f"{base}/api/auth/login",
                              data={"email": DEMO_CANVASSER[0], "password": DEMO_CANVASSER[1]})
    assert login.ok, login.text()
    return {"Authorization": f"Bearer {login.json()['token']}"}


def knock(page: Page, base: str, turf_id: int, door_ids: list[int], code: str = "not_home") -> None:
    """The canvasser's phone pushes one report per door through the sync API."""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    reports = [{"uuid": str(uuid.uuid4()), "door_id": d, "turf_id": turf_id, "recorded_at": now,
                "result_code": code} for d in door_ids]
    pushed = page.request.post(f"{base}/api/sync/reports", headers=canvasser_api(page, base),
                               data={"device_id": "phone", "reports": reports})
    assert [r["status"] for r in pushed.json()["results"]] == ["accepted"] * len(door_ids), \
        pushed.text()


def test_organizer_splits_merges_renames_recuts_and_deletes_turfs(page: Page, live_server,
                                                                 artifacts_dir):
    """Each edit in the console lands in the database as the panel says, the map redraws,
    and a deleted turf keeps its reports."""
    base = live_server.url
    page.set_viewport_size({"width": 1400, "height": 900})
    canvasser, (first_id, second_id) = seed_demo()
    before = live_turfs()
    log_in(page, base, *DEMO_ORGANIZER)
    page.get_by_role("tab", name="Turfs").click()
    mapped = page.locator("#map")
    expect(mapped).to_have_attribute("data-turfs-drawn", str(len(before)))

    # 1. Split the canvasser's first turf into three; the first part keeps the turf and
    #    its canvasser, and no door is lost.
    first = db.session.get(Turf, first_id)
    name, doors = first.name, members(first_id)
    db.session.rollback()
    pick(page, first_id)
    page.locator("#split-parts").fill("3")
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    page.locator("#turf-split").click()
    expect(page.locator("#status")).to_contain_text(f"Split “{name}” into")
    assert "keeps only the first part" in asked[0]  # the turf is the canvasser's
    turfs = live_turfs()
    parts = [turfs[name], turfs[f"{name} (2)"], turfs[f"{name} (3)"]]
    assert parts[0].id == first_id and canvasser.id in assignees(first_id)
    assert set().union(*(members(p.id) for p in parts)) == doors
    assert sum(p.door_count for p in parts) == len(doors)
    expect(mapped).to_have_attribute("data-turfs-drawn", str(len(before) + 2))
    expect(page.locator("#turf-summary")).to_contain_text("3 selected")  # the parts
    # The universe's turf count follows (it decides whether the universe can be deleted).
    expect(page.locator("#universe-list li", has_text="Whole county")).to_contain_text(
        f"{len(before) + 2} turfs")

    # 2. Merge the two new parts under a new name; the second is deleted.
    second_part, third_part = parts[1].id, parts[2].id
    pick(page, second_part, third_part)
    page.locator("#merge-name").fill("East loop")
    page.locator("#turf-merge").click()
    expect(page.locator("#status")).to_contain_text("Merged 2 turfs into “East loop”")
    turfs = live_turfs()
    assert turfs["East loop"].id == second_part
    assert f"{name} (3)" not in turfs
    assert members(second_part) == doors - members(first_id)
    expect(mapped).to_have_attribute("data-turfs-drawn", str(len(before) + 1))

    # 3. Rename the first turf; the name box offers the current name of whichever turf
    #    is selected.
    pick(page, second_id)
    expect(page.locator("#rename-name")).to_have_value(db.session.get(Turf, second_id).name)
    db.session.rollback()
    pick(page, first_id)
    expect(page.locator("#rename-name")).to_have_value(name)
    page.locator("#rename-name").fill("Maple walk")
    page.locator("#turf-rename").click()
    expect(page.locator("#status")).to_contain_text(f"Renamed “{name}” to “Maple walk”")
    assert live_turfs()["Maple walk"].id == first_id
    expect(page.locator(f'#turf-list tr[data-turf-id="{first_id}"]')).to_contain_text("Maple walk")

    # 4. The canvasser knocks three doors of their second turf; re-cut what is left undone:
    #    the turf keeps the three, the rest go into new turfs.
    second = db.session.get(Turf, second_id)
    second_name, second_doors = second.name, members(second_id)
    db.session.rollback()
    knocked = sorted(second_doors)[:3]
    knock(page, base, second_id, knocked)
    pick(page, second_id)
    page.locator("#recut-target").fill("8")
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    page.locator("#turf-recut").click()
    expect(page.locator("#status")).to_contain_text(
        f"Re-cut {len(second_doors) - 3} doors not knocked yet into")
    turfs = live_turfs()
    assert members(second_id) == set(knocked)
    recut = [t for n, t in turfs.items() if n.startswith(f"{second_name} re-cut")]
    assert recut and set().union(*(members(t.id) for t in recut)) == second_doors - set(knocked)
    selected = page.locator("#turf-summary")
    expect(selected).to_contain_text(f"{len(recut)} selected")  # the new turfs
    assert "leave the turf held by" in asked[1] and "deleted" not in asked[1]

    # 5. Delete the re-cut turf from the map: click it, then Delete… in the selection bar.
    #    The confirmation says its reports stay, and they do.
    page.get_by_role("button", name="Select none").click()
    page.locator(f'#turf-list tr[data-turf-id="{second_id}"]').get_by_role(
        "button", name=second_name).click()  # zooms the map to it
    # A point of this turf that no other turf's outline covers (a re-cut turf may reach
    # over the knocked doors' outline), so the click can only mean this turf.
    others = unary_union([shape(t.outline) for t in live_turfs().values()
                          if t.id != second_id and t.outline])
    inside = shape(db.session.get(Turf, second_id).outline).difference(others)
    db.session.rollback()
    assert not inside.is_empty
    inside = inside.representative_point()
    page.wait_for_timeout(300)  # the zoom animation
    point = page.evaluate("(c) => consoleMap.latLngToContainerPoint([c[1], c[0]])",
                          [inside.x, inside.y])
    box = mapped.bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    bar = page.locator("#selection-bar")
    expect(bar).to_be_visible()
    expect(page.locator("#selection-count")).to_have_text("1 turf selected")
    page.screenshot(path=str(artifacts_dir / "console-editing.png"))
    messages = []
    page.once("dialog", lambda d: (messages.append(d.message), d.accept()))
    bar.get_by_role("button", name="Delete…").click()
    expect(page.locator("#status")).to_contain_text("Deleted 1 turf")
    assert "Reports already made in them stay" in messages[0]
    assert "taken back" in messages[0]  # it was still the canvasser's
    db.session.rollback()
    assert db.session.get(Turf, second_id).deleted_at is not None
    assert db.session.scalar(select(func.count()).select_from(CanvassReport).where(
        CanvassReport.turf_id == second_id)) == 3
    assert canvasser.id not in assignees(second_id)
    db.session.rollback()
    expect(bar).to_be_hidden()
    expect(mapped).to_have_attribute("data-turfs-drawn", str(len(live_turfs())))


def test_organizer_edits_and_deletes_universes_with_reattempt_filters(page: Page, live_server,
                                                                      artifacts_dir):
    """A re-attempt universe (doors left not home) shows the database's counts before it
    is saved; editing it changes name and filters; a universe with turfs cannot be deleted
    and says why, one without can."""
    base = live_server.url
    page.set_viewport_size({"width": 1400, "height": 900})
    _, (first_id, _) = seed_demo()
    door_ids = sorted(members(first_id))[:4]
    db.session.rollback()
    log_in(page, base, *DEMO_ORGANIZER)
    knock(page, base, first_id, door_ids[:3])  # three not home
    knock(page, base, first_id, door_ids[:1])  # one of them not home twice

    panel = page.locator("#panel-universe")
    panel.get_by_label("Universe name").fill("Not home twice")
    panel.get_by_label("Left not home at least this many times").fill("2")
    twice = counts(db.session, {"not_home_min": 2})
    db.session.rollback()
    assert twice["door_count"] == 1
    expect(page.locator("#universe-door-count")).to_have_text("1")
    expect(page.locator("#universe-voter-count")).to_have_text(f"{twice['voter_count']:,}")
    page.get_by_role("button", name="Save universe").click()
    expect(page.locator("#status")).to_contain_text("Saved universe “Not home twice”")

    # Edit: the form comes back filled; widen it to once, and for morning knocks only.
    item = page.locator("#universe-list li", has_text="Not home twice")
    item.get_by_role("button", name="Edit").click()
    expect(panel.get_by_label("Left not home at least this many times")).to_have_value("2")
    panel.get_by_label("Universe name").fill("Not home, any time")
    panel.get_by_label("Left not home at least this many times").fill("1")
    once = counts(db.session, {"not_home_min": 1})
    db.session.rollback()
    expect(page.locator("#universe-door-count")).to_have_text(str(once["door_count"]))
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#status")).to_contain_text("Saved changes to universe “Not home, any time”")
    saved = db.session.scalar(select(Universe).where(Universe.name == "Not home, any time"))
    assert saved.filters["not_home_min"] == 1
    db.session.rollback()

    # The evening re-attempt preset: not home last time, last knocked in the morning.
    page.get_by_role("button", name="Evening re-attempt of morning not-homes").click()
    expect(panel.get_by_label("Last knocked in the")).to_have_value("morning")
    zone = page.evaluate("() => Intl.DateTimeFormat().resolvedOptions().timeZone")
    morning = counts(db.session, {"contact_status": ["not_home"],
                                  "last_attempt_time_of_day": "morning", "timezone": zone})
    db.session.rollback()
    expect(page.locator("#universe-door-count")).to_have_text(str(morning["door_count"]))
    page.locator("#reattempt-fields").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "console-universe.png"))

    # A universe with turfs stays, with the server's reason; one without goes.
    page.once("dialog", lambda d: d.accept())
    page.locator("#universe-list li", has_text="Whole county").get_by_role(
        "button", name="Delete").click()
    expect(page.locator("#status")).to_contain_text("delete them first")
    page.once("dialog", lambda d: d.accept())
    page.locator("#universe-list li", has_text="Not home, any time").get_by_role(
        "button", name="Delete").click()
    expect(page.locator("#status")).to_contain_text("Deleted universe “Not home, any time”")
    assert db.session.scalar(select(Universe).where(Universe.name.like("Not home%"))) is None
    assert db.session.scalar(select(Universe).where(Universe.name == "Whole county")) is not None
    db.session.rollback()


def test_organizer_uploads_a_volunteers_export_file(page: Page, live_server, tmp_path):
    """A phone's export file that does not name its volunteer needs one chosen; the reports
    are then checked against that volunteer's turfs, counted per result, and uploading the
    same file again changes nothing."""
    base = live_server.url
    page.set_viewport_size({"width": 1400, "height": 900})
    canvasser, (first_id, _) = seed_demo()
    mine = sorted(members(first_id))[:2]
    other_turf = db.session.scalar(select(Turf.id).where(
        Turf.id.not_in(select(Assignment.turf_id)), Turf.deleted_at.is_(None)).limit(1))
    not_mine = min(members(other_turf))
    db.session.rollback()
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    reports = [{"uuid": str(uuid.uuid4()), "door_id": d, "turf_id": t, "recorded_at": now,
                "result_code": "not_home"}
               for d, t in [(mine[0], first_id), (mine[1], first_id), (not_mine, other_turf)]]
    file = tmp_path / "canvass-unsent.json"
    file.write_text(json.dumps({"device_id": "lost-phone", "exported_at": now,
                                "canvasser_id": None, "reports": reports}))

    log_in(page, base, *DEMO_ORGANIZER)
    page.get_by_role("tab", name="Exports").click()
    page.locator("#export-file").set_input_files(str(file))
    expect(page.locator("#export-file-about")).to_contain_text("3 reports")
    expect(page.locator("#export-file-about")).to_contain_text("choose the volunteer")
    page.get_by_role("button", name="Upload reports").click()
    expect(page.locator("#status")).to_contain_text("Choose the volunteer whose reports")
    page.locator("#export-canvasser").select_option(str(canvasser.id))
    page.get_by_role("button", name="Upload reports").click()
    expect(page.locator("#status")).to_contain_text(
        "Uploaded 3 reports: 2 accepted, 0 already received, 1 rejected")
    result = page.locator("#export-result")
    expect(result.locator('tr[data-status="accepted"]')).to_contain_text("2")
    expect(result.locator('tr[data-status="rejected"]')).to_contain_text("1")
    expect(page.locator("#export-rejections")).to_contain_text(reports[2]["uuid"])
    stored = dict(db.session.execute(select(CanvassReport.uuid, CanvassReport.canvasser_id).where(
        CanvassReport.uuid.in_([r["uuid"] for r in reports]))).all())
    db.session.rollback()
    assert stored == {reports[0]["uuid"]: canvasser.id, reports[1]["uuid"]: canvasser.id}

    page.get_by_role("button", name="Upload reports").click()
    expect(page.locator("#status")).to_contain_text("0 accepted, 2 already received, 1 rejected")
    assert db.session.scalar(select(func.count()).select_from(CanvassReport)) == 2
    db.session.rollback()
    # No flagged reports: nothing in their place, not a literal "null".
    expect(result.locator("table")).to_be_visible()
    expect(result).not_to_contain_text("null")

    # Not a JSON export at all: said plainly, nothing sent.
    junk = tmp_path / "notes.json"
    junk.write_text("door 12: dog")
    page.locator("#export-file").set_input_files(str(junk))
    expect(page.locator("#status")).to_contain_text("“notes.json” is not a JSON file")
    expect(page.get_by_role("button", name="Upload reports")).to_be_disabled()
    # Choosing a good file again clears that error.
    page.locator("#export-file").set_input_files(str(file))
    expect(page.locator("#export-file-about")).to_contain_text("3 reports")
    expect(page.locator("#status")).to_have_text("")
    expect(page.locator("#status")).not_to_have_class(re.compile(r"\berror\b"))


def test_invite_shows_a_qr_code_of_its_link(page: Page, live_server):
    """The Team panel shows the invite link, its code and a QR code a phone can scan."""
    organizer = live_server.factory().user("organizer")
    log_in(page, live_server.url, organizer.email, "correct horse battery")
    page.get_by_role("tab", name="Team").click()
    page.get_by_role("button", name="Create invite").click()
    link = page.locator("#invite-link")
    expect(link).to_contain_text("/join?code=")
    qr = page.get_by_role("img", name="QR code of the invite link")
    expect(qr).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth > 0", qr.element_handle())
    src = qr.get_attribute("src")
    assert src.startswith("data:image/svg+xml")
    assert unquote(src.split(",", 1)[1]) == qr_svg(link.get_attribute("href"))


def test_team_panel_disables_and_reenables_a_canvasser_and_admins_change_roles(
    page: Page, live_server
):
    """An organizer disables a canvasser (who is signed out at once) and enables them again;
    an admin changes a role; nobody gets buttons for themselves."""
    factory = live_server.factory()
    organizer, admin = factory.user("organizer"), factory.user("admin")
    canvasser = factory.user("canvasser")
    log_in(page, live_server.url, organizer.email, "correct horse battery")
    page.get_by_role("tab", name="Team").click()
    row = page.locator("#canvasser-list tr", has_text=canvasser.email)
    expect(row).to_contain_text("yes")
    expect(page.locator("#canvasser-list tr", has_text=organizer.email)).not_to_contain_text("Disable")
    expect(page.locator("#canvasser-list tr", has_text=admin.email).get_by_role("button")).to_have_count(0)
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Disable").click()
    expect(page.locator("#status")).to_contain_text(f"{canvasser.email} is disabled")
    expect(row).to_contain_text("no")
    db.session.rollback()
    assert db.session.get(User, canvasser.id).is_active is False
    db.session.rollback()
    row.get_by_role("button", name="Enable").click()
    expect(page.locator("#status")).to_contain_text(f"{canvasser.email} can log in again")
    expect(row).to_contain_text("yes")
    # An organizer cannot change roles: no role menu.
    expect(row.get_by_role("combobox")).to_have_count(0)

    page.evaluate("sessionStorage.clear()")
    log_in(page, live_server.url, admin.email, "correct horse battery")
    page.get_by_role("tab", name="Team").click()
    # A role change asks first; cancelled, the menu shows the role the person still has.
    role = page.get_by_label(f"Role of {canvasser.email}")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    role.select_option("admin")
    expect(role).to_have_value("canvasser")
    assert asked and "admin" in asked[0]
    db.session.rollback()
    assert db.session.get(User, canvasser.id).role == "canvasser"
    db.session.rollback()
    page.once("dialog", lambda dialog: dialog.accept())
    role.select_option("organizer")
    expect(page.locator("#status")).to_contain_text(f"{canvasser.email} is now organizer")
    db.session.rollback()
    assert db.session.get(User, canvasser.id).role == "organizer"
    db.session.rollback()


def test_taking_a_turf_back_from_one_canvasser_keeps_a_disabled_co_assignee(
    page: Page, live_server
):
    """QA: a turf with Bea and Carlos, Carlos disabled: "Take back" from Bea was refused
    ("disabled users"). It works; the list marks Carlos disabled, and he is offered for taking
    back only: assigning him a turf says to enable him first."""
    factory = live_server.factory()
    organizer = factory.user("organizer")
    bea, carlos = factory.user("canvasser", name="Bea"), factory.user("canvasser", name="Carlos")
    doors = [factory.door(), factory.door(lon=-83.001)]
    factory.voter(doors[0])
    turf = factory.turf(doors, assigned_to=[bea, carlos])
    carlos.is_active = False
    db.session.commit()
    turf_id = turf.id
    db.session.rollback()
    log_in(page, live_server.url, organizer.email, "correct horse battery")
    page.get_by_role("tab", name="Turfs").click()
    row = page.locator(f"#turf-list tr[data-turf-id='{turf_id}']")
    expect(row).to_contain_text("Carlos (disabled)")
    expect(page.locator("#assign-user optgroup option")).to_have_text([re.compile("Carlos")])
    row.get_by_role("checkbox").check()
    page.locator("#assign-user").select_option(str(carlos.id))
    page.get_by_role("button", name="Assign selected").click()
    expect(page.locator("#status")).to_contain_text("Carlos is disabled")
    page.locator("#assign-user").select_option(str(bea.id))
    page.get_by_role("button", name="Take back").click()
    expect(page.locator("#status")).to_contain_text("Took back 1 turf from Bea")
    live = set(db.session.scalars(select(Assignment.user_id).where(
        Assignment.turf_id == turf_id, Assignment.ended_at.is_(None))))
    db.session.rollback()
    assert live == {carlos.id}
    # QA: taking it back from Bea again said "Took back 1 turf" though she held none.
    page.get_by_role("button", name="Take back").click()
    expect(page.locator("#status")).to_have_text(
        "Bea holds none of the selected turfs: nothing to take back.")
    # QA: the door list said "(1 voters)".
    page.get_by_role("button", name="Doors…").click()
    expect(page.locator("#turf-doors")).to_contain_text("(1 voter)")
    expect(page.locator("#turf-doors")).not_to_contain_text("(1 voters)")


def test_select_all_selects_the_turfs_the_filter_matches(page: Page, live_server):
    """With a filter typed, "Select all matching" selects exactly the matching turfs (all of
    them, not the first rows of every turf), replacing what was selected before."""
    seed_demo()
    turfs = live_turfs()
    log_in(page, live_server.url, *DEMO_ORGANIZER)
    page.get_by_role("tab", name="Turfs").click()
    some = min(turfs)
    page.get_by_label(f"Select {some}").check()
    needle = "1"  # in some names; in no status label or demo canvasser's name
    page.get_by_placeholder("Filter by name, status or canvasser").fill(needle)
    page.get_by_role("button", name="Select all matching").click()
    expected = sum(1 for name in turfs if needle in name)
    assert 0 < expected < len(turfs)
    expect(page.locator("#panel-turfs")).to_contain_text(f"{len(turfs)} turfs, {expected} selected")
    page.get_by_placeholder("Filter by name, status or canvasser").fill("")
    expect(page.get_by_label(f"Select {some}")).to_be_checked(checked=needle in some)


def test_console_explains_refusals_in_the_organizers_terms(page: Page, live_server):
    """What the console says when it cannot do what the organizer asked: merging turfs of
    universes that select different voters, drawing where no door is free, cutting with no
    target or a universe that selects nobody. Each says what is wrong and what to do, once,
    without the API's field names."""
    base = live_server.url
    page.set_viewport_size({"width": 1400, "height": 900})
    seed_demo()
    turfs = sorted(live_turfs().values(), key=lambda t: t.id)
    a, b = next((s, t) for i, s in enumerate(turfs) for t in turfs[i + 1:]
                if shape(s.outline).distance(shape(t.outline)) < 1e-5)
    # B as if cut from another universe: the Republicans at its doors.
    reps = Universe(name="Republicans", filters={"parties": ["R"]})
    nobody = Universe(name="Nobody", filters={"not_home_min": 3})  # no reports yet
    db.session.add_all([reps, nobody])
    db.session.flush()
    db.session.get(Turf, b.id).universe_id = reps.id
    db.session.get(Turf, b.id).filters = {"parties": ["R"]}
    db.session.commit()
    a_id, b_id, a_name, b_name = a.id, b.id, a.name, b.name
    a_doors = [(d.lon, d.lat) for d in db.session.scalars(
        select(Door).join(TurfDoor, TurfDoor.door_id == Door.id)
        .where(TurfDoor.turf_id == a_id, TurfDoor.removed_at.is_(None)))]
    db.session.rollback()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    status = page.locator("#status")
    log_in(page, base, *DEMO_ORGANIZER)

    # Merge: refused, naming both universes, the message shown once and nothing merged.
    page.get_by_role("tab", name="Turfs").click()
    pick(page, a_id, b_id)
    page.locator("#turf-merge").click()
    expect(status).to_contain_text(
        f"Cannot merge '{a_name}' with '{b_name}': they were cut from universe 'Whole county' "
        "and universe 'Republicans', which select different voters")
    expect(status).not_to_contain_text("turf_ids")
    assert {a_id, b_id} <= {t.id for t in live_turfs().values()}

    # Drawing around doors that are all in turfs: no offer of "0 free doors".
    page.get_by_role("tab", name="Cut").click()
    page.locator("#cut-universe").select_option(label="Whole county")
    lons, lats = [p[0] for p in a_doors], [p[1] for p in a_doors]
    pad = 2e-5
    w, s, e, n = min(lons) - pad, min(lats) - pad, max(lons) + pad, max(lats) + pad
    page.get_by_role("button", name="Draw a turf on the map").click()
    click_polygon(page, [(w, s), (e, s), (e, n), (w, n)])
    page.get_by_role("button", name="Finish turf").click()
    expect(status).to_contain_text("No door inside it is free")
    expect(status).not_to_contain_text("skip_taken")
    expect(status).not_to_contain_text("overlaps[0]")
    assert dialogs == []

    # A bowtie: refused, saying where it crosses itself, once (not again as a field error).
    page.get_by_role("button", name="Draw a turf on the map").click()
    click_polygon(page, [(w, s), (e, n), (e, s), (w, n)])
    page.get_by_role("button", name="Finish turf").click()
    expect(status).to_contain_text("The polygon cannot be used: its edges cross each other near")
    assert status.text_content().count("cross each other") == 1
    assert "polygon:" not in status.text_content()

    # Cutting with no target says which field to fill, in the console's own words.
    page.locator("#panel-cut").get_by_label("Doors per turf (target)").fill("")
    page.get_by_role("button", name="Cut turfs").click()
    expect(status).to_contain_text("Type how many doors each turf should have")
    expect(status).not_to_contain_text("max_doors")

    # A universe that selects nobody: cutting it says so, not "every door is in a turf".
    page.locator("#cut-universe").select_option(label="Nobody")
    page.locator("#panel-cut").get_by_label("Doors per turf (target)").fill("25")
    page.get_by_role("button", name="Cut turfs").click()
    expect(status).to_contain_text("No turfs made: universe 'Nobody' selects no voters")
    expect(status).to_have_class(re.compile(r"\berror\b"))
    # ... and saving it again warns.
    page.get_by_role("tab", name="Universe").click()
    page.get_by_role("button", name="Edit Nobody").click()
    page.locator("#universe-form [type=submit]").click()
    expect(status).to_contain_text(
        "Saved changes to universe “Nobody”, but its filters select no voters")


def test_organizer_takes_doors_out_of_a_turf(page: Page, live_server):
    """Doors… lists the selected turf's doors in walking order; the ticked ones leave the
    turf (and are free), the rest keep their order."""
    canvasser, (first_id, _) = seed_demo()
    before = sorted(members(first_id))
    db.session.rollback()
    log_in(page, live_server.url, *DEMO_ORGANIZER)
    page.get_by_role("tab", name="Turfs").click()
    name = next(t.name for t in live_turfs().values() if t.id == first_id)
    page.get_by_label(f"Select {name}").check()
    page.locator("#turf-doors-show").click()
    picks = page.locator("#turf-doors input[type=checkbox]")
    expect(picks).to_have_count(len(before))
    taken = sorted(int(picks.nth(i).get_attribute("value")) for i in (0, 2))
    picks.nth(0).check()
    picks.nth(2).check()
    page.locator("#turf-doors-remove").click()
    expect(page.locator("#status")).to_contain_text(f"Took 2 doors out of “{name}”")
    db.session.rollback()
    assert sorted(members(first_id)) == [d for d in before if d not in taken]
    assert assignees(first_id) == {canvasser.id}


def test_recut_and_split_ask_before_taking_a_canvassers_doors(page: Page, live_server):
    """QA: one click on "Re-cut undone" deleted a canvasser's not-started turf and cut its
    doors into new turfs assigned to nobody, with no question (deleting the same turf asks
    first). Re-cut and split now ask when the turf is someone's and say what they lose;
    cancelling changes nothing. An unassigned turf is re-cut without a question."""
    base = live_server.url
    page.set_viewport_size({"width": 1400, "height": 900})
    canvasser, (first_id, second_id) = seed_demo()
    before = {t.id: members(t.id) for t in live_turfs().values()}
    log_in(page, base, *DEMO_ORGANIZER)
    page.get_by_role("tab", name="Turfs").click()
    expect(page.locator("#map")).to_have_attribute("data-turfs-drawn", str(len(before)))

    asked: list[str] = []
    page.on("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    pick(page, second_id)
    page.locator("#selection-bar").get_by_role("button", name="Re-cut undone").click()
    expect(page.locator("#status")).to_have_text("Nothing re-cut.")
    assert len(asked) == 1
    assert "Carlos Canvasser" in asked[0] and "deleted and taken back" in asked[0]
    page.locator("#split-parts").fill("2")
    page.locator("#turf-split").click()
    expect(page.locator("#status")).to_have_text("Nothing split.")
    assert len(asked) == 2 and "keeps only the first part" in asked[1]
    assert {t.id: members(t.id) for t in live_turfs().values()} == before
    assert canvasser.id in assignees(second_id)
    db.session.rollback()

    free = next(i for i in before if i not in (first_id, second_id))
    pick(page, free)
    page.locator("#turf-recut").click()
    expect(page.locator("#status")).to_contain_text("doors not knocked yet into")
    assert len(asked) == 2  # nobody's turf: no question
