"""The organizer console in real Chromium: plan a canvass end to end, and a county-scale map.

The first test walks an organizer through the week's plan on a small synthetic county:
log in, build a universe (checking the counts shown against the database), auto-cut it,
draw one turf by hand, assign turfs to a canvasser, and watch progress change once that
canvasser's reports arrive through the sync API. The second loads 2,000 turfs over
100,000 doors, checks the map drew every outline on one canvas, and saves a screenshot.
"""

from __future__ import annotations

import time
import uuid

import pytest
from playwright.sync_api import Page, expect
from shapely.geometry import Point, box
from sqlalchemy import func, select

from backend.extensions import db
from backend.models import Assignment, Precinct, Turf, User, Voter
from backend.services.demo import DEMO_CANVASSER, DEMO_ORGANIZER, load_demo
from backend.services.universes import counts, universe_doors
from tests.pwa.console_county import seed_county_scale

pytestmark = pytest.mark.browser


def log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/console")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("body[data-ready=true]")).to_be_attached(timeout=30_000)


def save_universe(page: Page, name: str, precinct_codes: list[str]) -> int:
    """Fills the universe form and saves it; returns the voter count the console showed."""
    page.get_by_role("tab", name="Universe").click()
    page.locator("#panel-universe").get_by_label("Universe name").fill(name)
    for box_ in page.locator('#universe-form input[name="precincts"]').all():
        box_.set_checked(box_.get_attribute("value") in precinct_codes)
    expected = counts(db.session, {"precincts": precinct_codes})
    db.session.rollback()
    # The counts before cutting are the database's own.
    expect(page.locator("#universe-voter-count")).to_have_text(f"{expected['voter_count']:,}")
    expect(page.locator("#universe-door-count")).to_have_text(f"{expected['door_count']:,}")
    page.get_by_role("button", name="Save universe").click()
    expect(page.locator("#status")).to_contain_text(f"Saved universe “{name}”")
    return expected["voter_count"]


def click_polygon(page: Page, corners: list[tuple[float, float]]) -> None:
    """Clicks each (lon, lat) corner on the map, after fitting the map around them."""
    page.evaluate(
        "(b) => { consoleMap.fitBounds([[b[1], b[0]], [b[3], b[2]]], {animate: false, padding: [220, 220]}); }",
        [min(c[0] for c in corners), min(c[1] for c in corners),
         max(c[0] for c in corners), max(c[1] for c in corners)],
    )
    map_box = page.locator("#map").bounding_box()
    for lon, lat in corners:
        point = page.evaluate("(c) => consoleMap.latLngToContainerPoint([c[1], c[0]])", [lon, lat])
        page.mouse.click(map_box["x"] + point["x"], map_box["y"] + point["y"])


def test_organizer_plans_a_canvass_and_sees_progress(page: Page, live_server):
    """Universe -> auto-cut -> hand-drawn turf -> assignment -> reports -> progress, all
    through the console's own controls; every step is checked against the database."""
    base = live_server.url
    page.set_viewport_size({"width": 1400, "height": 900})
    load_demo(db.session, voters=600, seed=1)
    db.session.commit()
    precincts = list(db.session.scalars(select(Precinct.code).order_by(Precinct.code)))
    canvasser = db.session.scalar(select(User).where(User.email == DEMO_CANVASSER[0]))
    db.session.rollback()
    assert len(precincts) >= 6

    log_in(page, base, *DEMO_ORGANIZER)
    expect(page.locator("#map canvas")).to_have_count(1)  # no tile server: outlines on canvas

    # 1. A universe over five precincts, counted before saving.
    save_universe(page, "North weekend", precincts[:5])

    # 2. Auto-cut it; the progress bar follows the job to the end.
    page.get_by_role("tab", name="Cut").click()
    expect(page.locator("#cut-universe option:checked")).to_have_text("North weekend")
    page.locator("#panel-cut").get_by_label("Doors per turf (target)").fill("15")
    page.get_by_role("button", name="Cut turfs").click()
    expect(page.locator("#status")).to_contain_text("Cut done", timeout=60_000)
    expect(page.locator("#cut-progress")).to_have_js_property("value", 1)
    cut_turfs = db.session.scalar(select(func.count()).select_from(Turf).where(Turf.deleted_at.is_(None)))
    db.session.rollback()
    assert cut_turfs >= 2
    expect(page.locator("#map")).to_have_attribute("data-turfs-drawn", str(cut_turfs))

    # 3. A second universe, and one turf drawn by hand around part of its doors.
    busiest = max(precincts[5:], key=lambda c: counts(db.session, {"precincts": [c]})["door_count"])
    save_universe(page, "Hand drawn", [busiest])
    universe_id = page.evaluate("() => Number(document.querySelector('#cut-universe').value)")
    page.get_by_role("tab", name="Cut").click()
    expect(page.locator("#cut-universe option:checked")).to_have_text("Hand drawn")
    org = db.session.scalar(select(User).where(User.email == DEMO_ORGANIZER[0]))
    doors = [d for d in universe_doors(db.session, universe_id, org) if d["lat"] is not None]
    db.session.rollback()
    lons = sorted(d["lon"] for d in doors)
    lats = sorted(d["lat"] for d in doors)
    # A rectangle over the middle of the precinct's doors.
    w, e = lons[len(lons) // 4], lons[3 * len(lons) // 4]
    s, n = lats[len(lats) // 4], lats[3 * len(lats) // 4]
    inside = [d for d in doors if box(w, s, e, n).contains(Point(d["lon"], d["lat"]))]
    assert inside
    page.locator("#panel-cut").get_by_label("Turf name").fill("Hand loop")
    page.get_by_role("button", name="Draw a turf on the map").click()
    expect(page.locator("#draw-bar")).to_be_visible()
    click_polygon(page, [(w, s), (e, s), (e, n), (w, n)])
    page.get_by_role("button", name="Finish turf").click()
    expect(page.locator("#status")).to_contain_text("Turf “Hand loop” made with")
    drawn = db.session.scalar(select(Turf).where(Turf.name == "Hand loop"))
    db.session.rollback()
    assert drawn is not None
    # The clicks went through the screen, so allow a door or two on the edge either way.
    assert abs(drawn.door_count - len({d["id"] for d in inside})) <= 2
    expect(page.locator("#map")).to_have_attribute("data-turfs-drawn", str(cut_turfs + 1))

    # 4. Select two turfs and assign them to the canvasser.
    page.get_by_role("tab", name="Turfs").click()
    rows = page.locator("#turf-list tbody tr")
    expect(rows).to_have_count(cut_turfs + 1)
    first_id = int(rows.nth(0).get_attribute("data-turf-id"))
    rows.nth(0).get_by_role("checkbox").check()
    rows.nth(1).get_by_role("checkbox").check()
    expect(page.locator("#turf-summary")).to_contain_text("2 selected")
    page.locator("#assign-user").select_option(str(canvasser.id))
    page.get_by_role("button", name="Assign selected").click()
    expect(page.locator("#status")).to_contain_text("Assigned 2 turfs")
    assigned = set(db.session.scalars(
        select(Assignment.turf_id).where(Assignment.user_id == canvasser.id, Assignment.ended_at.is_(None))
    ))
    db.session.rollback()
    assert len(assigned) == 2 and first_id in assigned
    expect(rows.nth(0)).to_contain_text(canvasser.name)

    # 5. Progress before any report...
    page.get_by_role("tab", name="Progress").click()
    expect(page.locator("#progress-attempted")).to_have_text("0")

    # ...then the canvasser's phone pushes three knocks through the sync API.
    login = page.request.post(f"{base}/api/auth/login",
                              data={"email": DEMO_CANVASSER[0], "password": DEMO_CANVASSER[1]})
    assert login.ok, login.text()
    auth = {"Authorization": f"Bearer {login.json()['token']}"}
    door_list = page.request.get(f"{base}/api/turfs/{first_id}/door_list", headers=auth)
    assert door_list.ok, door_list.text()
    knocked = door_list.json()["doors"][:3]
    assert len(knocked) == 3
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    reports = [
        {"uuid": str(uuid.uuid4()), "door_id": knocked[0]["id"], "turf_id": first_id,
         "recorded_at": now, "result_code": "not_home"},
        {"uuid": str(uuid.uuid4()), "door_id": knocked[1]["id"], "turf_id": first_id,
         "recorded_at": now, "voters": [{"voter_id": knocked[1]["voters"][0]["id"],
                                         "result_code": "canvassed"}]},
        {"uuid": str(uuid.uuid4()), "door_id": knocked[2]["id"], "turf_id": first_id,
         "recorded_at": now, "result_code": "refused"},
    ]
    pushed = page.request.post(f"{base}/api/sync/reports", headers=auth,
                               data={"device_id": "test-phone", "reports": reports})
    assert pushed.ok, pushed.text()
    assert [r["status"] for r in pushed.json()["results"]] == ["accepted"] * 3

    page.get_by_role("button", name="Refresh").click()
    expect(page.locator("#progress-attempted")).to_have_text("3")
    # Someone opened the door twice (a conversation and a refusal); the third was not home.
    expect(page.locator("#progress-contacts")).to_have_text("2")
    # The turf's status follows on the map and in the list.
    page.get_by_role("tab", name="Turfs").click()
    expect(page.locator(f'#turf-list tr[data-turf-id="{first_id}"]')).to_contain_text("In progress")

    # 6. A correction from the field waits in the review queue until the organizer accepts it.
    fix = page.request.post(f"{base}/api/sync/reports", headers=auth, data={"reports": [
        {"uuid": str(uuid.uuid4()), "door_id": knocked[0]["id"], "turf_id": first_id,
         "recorded_at": now, "correction": {"kind": "new_person",
                                            "details": {"first_name": "Rosa", "last_name": "Field"}}}]})
    assert [r["status"] for r in fix.json()["results"]] == ["accepted"], fix.text()
    page.get_by_role("tab", name="Review").click()
    item = page.locator("#review-list li", has_text="New person")
    expect(item).to_contain_text("Rosa")
    item.get_by_role("button", name="Accept").click()
    expect(page.locator("#status")).to_contain_text("accepted into the voter data")
    expect(page.locator("#review-list")).to_contain_text("Nothing here.")
    added = db.session.scalar(select(Voter).where(Voter.first_name == "Rosa", Voter.last_name == "Field"))
    db.session.rollback()
    assert added is not None and added.door_id == knocked[0]["id"]

    # 7. The contact history export downloads with the organizer's token and holds the knocks.
    page.get_by_role("tab", name="Exports").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Contact history (CSV)").click()
    with open(download.value.path(), encoding="utf-8") as exported:
        text = exported.read()
    assert download.value.suggested_filename == "contact_history.csv"
    assert "not_home" in text and "refused" in text


def test_county_scale_console_renders_fast(page: Page, live_server, artifacts_dir):
    """2,000 turfs over 100,000 doors load onto one canvas within seconds and stay pannable;
    a screenshot of the county is saved as a test artifact."""
    factory = live_server.factory()
    organizer = factory.user("organizer", email="county@example.org")
    canvasser = factory.user("canvasser")
    seeded = seed_county_scale(db.session, canvasser.id)
    assert seeded["turfs"] == 2000 and seeded["doors"] == 100_000
    page.set_viewport_size({"width": 1400, "height": 900})

    started = time.perf_counter()
    log_in(page, live_server.url, organizer.email, "correct horse battery")
    expect(page.locator("#map")).to_have_attribute("data-turfs-drawn", "2000", timeout=30_000)
    load_s = time.perf_counter() - started
    # One canvas, not 2,000 SVG paths.
    expect(page.locator("#map canvas")).to_have_count(1)
    assert page.locator("#map .leaflet-overlay-pane svg path").count() == 0

    # Pan and zoom: each redraw of 2,000 outlines must stay interactive.
    pan_ms = page.evaluate("""async () => {
      const times = [];
      for (const [dx, dy] of [[300, 0], [0, 250], [-300, 0], [0, -250]]) {
        const t0 = performance.now();
        await new Promise((done) => { consoleMap.once('moveend', done); consoleMap.panBy([dx, dy], {animate: false}); });
        await new Promise(requestAnimationFrame);
        times.push(performance.now() - t0);
      }
      return Math.max(...times);
    }""")
    zoom_ms = page.evaluate("""async () => {
      const t0 = performance.now();
      await new Promise((done) => { consoleMap.once('moveend', done); consoleMap.setZoom(consoleMap.getZoom() + 3, {animate: false}); });
      await new Promise(requestAnimationFrame);
      return performance.now() - t0;
    }""")
    # Zoomed in, turfs carry text labels (status in words, not colour alone).
    labels = int(page.locator("#map").get_attribute("data-labels-drawn"))
    assert 0 < labels <= 150, labels
    # ...and no two labels overlap on screen.
    boxes = page.evaluate("""() => [...document.querySelectorAll('.turf-label')].map((el) => {
      const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })""")
    assert len(boxes) == labels
    clashes = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
               if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]
    assert not clashes, clashes[:3]
    page.screenshot(path=str(artifacts_dir / "console-county-zoomed.png"))
    print(f"\ncounty console: load {load_s:.2f} s, slowest pan {pan_ms:.0f} ms, zoom {zoom_ms:.0f} ms")
    assert load_s < 30, f"the county took {load_s:.1f} s to load"
    assert pan_ms < 1500 and zoom_ms < 1500, (pan_ms, zoom_ms)

    page.evaluate("() => { consoleMap.setZoom(consoleMap.getZoom() - 3, {animate: false}); }")
    page.screenshot(path=str(artifacts_dir / "console-county.png"))
    assert (artifacts_dir / "console-county.png").stat().st_size > 10_000
