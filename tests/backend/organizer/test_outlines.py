"""Live turfs' outlines never overlap and each holds its own doors, whatever edits made them:
two cuts of different universes, a big cut made in chunks, a split, a drawn turf that skips
taken doors, a deleted turf.

The county is a 12 x 12 grid of doors whose centre 4 x 4 block is precinct C and the rest,
a ring around it, precinct R: the ring's hull covers the centre, as the rest of a county
covers a city cut first.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from shapely.geometry import shape
from sqlalchemy import select

import turf_cutting as tc
from backend.models import Door, SyncChange, Turf, TurfDoor
from backend.services import turfs as turf_service
from tests.backend.organizer.conftest import square

LON0, LAT0, STEP, SIZE = -83.0, 40.0, 0.0004, 12
#: Two outlines may share more than a border by rounding only (coordinates are kept to ~1 cm):
#: a sliver that thin, however long the border.
SLIVER_M = 0.02


@pytest.fixture
def ring(factory, session):
    centre, rest = factory.precinct("C"), factory.precinct("R")
    doors = factory.door_grid(
        SIZE, SIZE, lon0=LON0, lat0=LAT0, step=STEP,
        precinct_of=lambda col, row: centre if 4 <= col < 8 and 4 <= row < 8 else rest)
    for door in doors:
        factory.voter(door, commit=False)
    session.commit()
    return doors


@pytest.fixture
def org(login, factory, ring):
    return login(factory.user("organizer", name="Olga"))


def universe(org, name, **filters):
    response = org.post("/api/universes", json={"name": name, "filters": filters})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def cut(org, universe_id, **params):
    response = org.post(f"/api/universes/{universe_id}/cut", json=params)
    job = response.get_json()
    assert response.status_code == 202 and job["status"] == "done", job
    return job["result"]["turf_ids"]


def metres(geometry):
    """Lon/lat to metres around the county (equirectangular: exact enough over 500 m)."""
    scale = np.array([111_320.0 * math.cos(math.radians(LAT0)), 111_320.0])
    return shapely.transform(geometry, lambda c: (c - [LON0, LAT0]) * scale)


def widest_overlap(outlines):
    """The mean width (m) of the widest overlap between two of these metric outlines."""
    geoms = np.array(outlines, dtype=object)
    i, j = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = i < j
    both = shapely.intersection(geoms[i[keep]], geoms[j[keep]], grid_size=0.0001)
    area, length = shapely.area(both), shapely.length(both)
    return float(np.max(2 * area / np.maximum(length, 1e-9), initial=0.0))


def assert_tiling(session):
    """No two live outlines overlap by more than a sliver; each door lies in its turf's."""
    session.expire_all()
    turfs = session.scalars(select(Turf).where(Turf.deleted_at.is_(None))).all()
    outlines = {t.id: metres(shape(t.outline)) for t in turfs}
    assert widest_overlap(list(outlines.values())) < SLIVER_M
    members = session.execute(
        select(TurfDoor.turf_id, Door.lon, Door.lat).join(Door, Door.id == TurfDoor.door_id)
        .join(Turf, Turf.id == TurfDoor.turf_id)
        .where(TurfDoor.removed_at.is_(None), Turf.deleted_at.is_(None))).all()
    assert members
    outside = [(t, lon, lat) for t, lon, lat in members
               if outlines[t].distance(metres(shapely.Point(lon, lat))) > 0.2]
    assert outside == [], f"{len(outside)} doors lie outside their turf's outline"


def test_a_second_cut_of_another_universe_makes_room_and_tells_phones(org, session):
    centre = cut(org, universe(org, "Centre", precincts=["C"]), target_doors=8)
    everyone = universe(org, "Everyone")
    before = {t.id: t.outline for t in session.scalars(select(Turf).where(Turf.id.in_(centre)))}
    seq = session.scalar(select(SyncChange.id).order_by(SyncChange.id.desc()).limit(1)) or 0
    rest = cut(org, everyone, target_doors=40, keep_precincts_whole=True)
    assert rest
    assert_tiling(session)
    # the centre turfs whose outline the ring took a bite of are announced to phones
    moved = {t.id for t in session.scalars(select(Turf).where(Turf.id.in_(centre)))
             if shape(t.outline).symmetric_difference(shape(before[t.id])).area > 1e-10}
    told = set(session.scalars(select(SyncChange.turf_id).where(
        SyncChange.id > seq, SyncChange.kind == "turf_updated", SyncChange.turf_id.in_(centre))))
    assert moved and told == moved
    # deleting a turf gives its place to its neighbours, still without overlap
    assert org.delete(f"/api/turfs/{centre[0]}").status_code == 204
    assert_tiling(session)


def test_a_cut_made_in_chunks_draws_outlines_over_the_whole_cut(org, session, monkeypatch):
    monkeypatch.setattr(turf_service, "CHUNK_DOORS", 20)  # chunks: the centre, the ring
    turf_ids = cut(org, universe(org, "Everyone"), target_doors=16)
    assert len(turf_ids) >= 8
    assert_tiling(session)


def test_split_parts_keep_off_the_neighbours_and_so_do_merged_and_recut_turfs(org, session):
    turf_ids = cut(org, universe(org, "Everyone"), target_doors=36)
    response = org.post(f"/api/turfs/{turf_ids[0]}/split", json={"parts": 2})
    assert response.status_code == 200, response.get_json()
    assert_tiling(session)
    parts = [t["id"] for t in response.get_json()["turfs"]]
    response = org.post("/api/turfs/merge", json={"turf_ids": parts, "name": "Merged"})
    assert response.status_code == 200, response.get_json()
    assert_tiling(session)
    response = org.post("/api/turfs/recut", json={"turf_ids": turf_ids[1:3], "target_doors": 20})
    assert response.status_code == 200, response.get_json()
    assert_tiling(session)


def test_a_drawn_turf_that_skips_taken_doors_holds_its_own_doors(org, session):
    everyone = universe(org, "Everyone")
    cut(org, universe(org, "Centre", precincts=["C"]), target_doors=8)
    # columns/rows 2..9: the centre's 16 taken doors and 48 free ones around them
    area = square(LON0 + 1.5 * STEP, LAT0 + 1.5 * STEP, LON0 + 9.5 * STEP, LAT0 + 9.5 * STEP)
    response = org.post("/api/turfs", json={"universe_id": everyone, "polygon": area,
                                            "name": "Free rect", "skip_taken": True})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["turf"]["door_count"] == 48
    assert_tiling(session)


def test_stored_outlines_of_a_sparse_cut_share_borders_without_slivers():
    """Rounding a corner that one outline has on a long border its neighbour runs straight
    along moves it across that border: at 0.1 m, slivers 5 cm wide and 10 m² in the country."""
    from backend.services.outlines import geojson

    rng = np.random.default_rng(5)
    xy = rng.random((1200, 2)) * 6000  # a door every ~170 m
    scale = np.array([111_320.0 * math.cos(math.radians(LAT0)), 111_320.0])
    lonlat = xy / scale + [LON0, LAT0]
    doors = [tc.Door(i, float(x), float(y)) for i, (x, y) in enumerate(lonlat)]
    plan = tc.cut_turfs(doors, tc.CutParams(target_doors=30, min_doors=20, max_doors=40))
    turf_of = {d: t.index for t in plan.turfs for d in t.door_ids}
    shapes = tc.turf_outlines(doors, [turf_of[d.id] for d in doors])
    assert widest_overlap([metres(shape(geojson(g))) for g in shapes.values()]) < SLIVER_M


def test_redraw_outlines_mends_outlines_from_before_the_upgrade(runner, session, factory):
    """Two turfs whose stored outlines overlap (as an older version left them): the command
    draws them again so they do not, and announces the turfs whose outline moved."""
    from shapely.geometry import box, mapping
    from shapely.geometry import shape as to_shape

    from backend.models import SyncChange, Turf

    grid = factory.door_grid(6, 3)
    left = factory.turf([d for i, d in enumerate(grid) if i % 6 < 3])
    right = factory.turf([d for i, d in enumerate(grid) if i % 6 >= 3])
    whole = mapping(box(-83.01, 39.99, -82.99, 40.01))
    for turf in (left, right):
        turf.outline = whole  # both cover everything: overlapping
    session.commit()
    result = runner.invoke(args=["redraw-outlines"])
    assert result.exit_code == 0, result.output
    assert "2 turf(s) changed" in result.output
    session.expire_all()
    a, b = (to_shape(session.get(Turf, t.id).outline) for t in (left, right))
    assert a.intersection(b).area < 1e-12
    for door, turf_shape in [(grid[0], a), (grid[5], b)]:
        assert turf_shape.buffer(1e-9).contains(to_shape({"type": "Point",
                                                          "coordinates": [door.lon, door.lat]}))
    kinds = session.query(SyncChange).filter(SyncChange.turf_id.in_([left.id, right.id]))
    assert sorted(c.turf_id for c in kinds if c.kind == "turf_updated") == sorted([left.id, right.id])
