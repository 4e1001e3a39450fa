"""Clicking the console map selects the turf under the pointer, in real Chromium.

Leaflet's canvas gives a click to the last-drawn outline within a few pixels of the pointer,
so a click just inside one turf's border used to select its neighbour: the organizer then
assigned or deleted the wrong turf.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from shapely.geometry import box, mapping

from backend.extensions import db
from tests.pwa.test_console import log_in

pytestmark = pytest.mark.browser


def selected(page: Page) -> list[int]:
    return page.evaluate("() => import('/console/js/state.js').then((m) => [...m.state.selected])")


def test_a_click_inside_a_turf_next_to_its_border_selects_that_turf(page: Page, live_server):
    factory = live_server.factory()
    organizer = factory.user("organizer", email="map@example.org")
    west, east = (factory.turf([factory.door(lon=lon, lat=40.0005)], name=name)
                  for lon, name in ((-83.0005, "West"), (-82.9995, "East")))
    for turf, outline in ((west, box(-83.001, 40.0, -83.0, 40.001)),
                          (east, box(-83.0, 40.0, -82.999, 40.001))):
        turf.outline = dict(mapping(outline))
        turf.min_lon, turf.min_lat, turf.max_lon, turf.max_lat = outline.bounds
    db.session.commit()
    west_id, east_id = west.id, east.id

    page.set_viewport_size({"width": 1200, "height": 800})
    log_in(page, live_server.url, organizer.email, "correct horse battery")
    expect(page.locator("#map")).to_have_attribute("data-turfs-drawn", "2", timeout=30_000)
    page.evaluate("() => consoleMap.fitBounds([[40.0, -83.001], [40.001, -82.999]], {animate: false})")
    border = page.evaluate("() => consoleMap.latLngToContainerPoint([40.0005, -83.0])")
    at = page.locator("#map").bounding_box()
    # 2 px inside West: within the canvas's click tolerance of East, drawn after it
    page.mouse.click(at["x"] + border["x"] - 2, at["y"] + border["y"])
    assert selected(page) == [west_id]
    page.mouse.click(at["x"] + border["x"] + 2, at["y"] + border["y"])
    assert sorted(selected(page)) == sorted([west_id, east_id])
    # Outlines stored before they were made to tile may still overlap: the turf whose own
    # door is nearest the click wins, not the one drawn last.
    chosen = page.evaluate("""() => import('/console/js/map/turf_map.js').then((m) => {
      const ring = (w, s, e, n) => [[[w, s], [e, s], [e, n], [w, n], [w, s]]];
      const turfs = [{id: 1, outline: {type: "Polygon", coordinates: ring(0, 0, 10, 10)}},
                     {id: 2, outline: {type: "Polygon", coordinates: ring(4, 4, 6, 6)}}];
      const doors = [{lon: 1, lat: 1, turf_id: 1}, {lon: 5, lat: 5.2, turf_id: 2}];
      return [m.turfAt(turfs, 5, 5, doors), m.turfAt(turfs, 2, 2, doors),
              m.turfAt(turfs, 5, 5, []), m.turfAt(turfs, 20, 20, [])];
    })""")
    assert chosen == [2, 1, 1, None]


def test_a_refresh_reloads_outlines_when_a_turf_changed(page: Page, live_server):
    """A neighbour's edit can move a turf's outline without changing the set of turfs: the
    console's figures-only refresh then downloads the outlines again."""
    factory = live_server.factory()
    organizer = factory.user("organizer", email="refresh@example.org")
    factory.turf([factory.door()], name="Only")
    log_in(page, live_server.url, organizer.email, "correct horse battery")
    expect(page.locator("#map")).to_have_attribute("data-turfs-drawn", "0", timeout=30_000)
    merged = page.evaluate("""() => import('/console/js/state.js').then((m) => {
      const now = m.state.turfs.map((t) => ({...t, outline: undefined}));
      const later = now.map((t) => ({...t, updated_at: "2099-01-01T00:00:00Z"}));
      return [m.mergeTurfFigures(now), m.mergeTurfFigures(later)];
    })""")
    assert merged == [True, False]
