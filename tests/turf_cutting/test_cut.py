"""Guarantees of cut_turfs, checked through turf_cutting.quality on random and adversarial doors."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString

from turf_cutting import CutParams, Door, TurfPlan, cut_turfs
from turf_cutting.quality import score_plan

from ._doors import doors_at, lonlat, uniform

FAST = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_guarantees(plan: TurfPlan) -> None:
    ids = [d for t in plan.turfs for d in t.door_ids]
    assert Counter(ids) == Counter(d.id for d in plan.doors), "each door in exactly one turf"
    assert [t.index for t in plan.turfs] == list(range(len(plan.turfs)))
    assert len({t.label for t in plan.turfs}) == len(plan.turfs)
    score = score_plan(plan)
    assert score.contiguous == 1.0
    assert score.outline_overlap <= 0.01
    assert score.barrier_crossings == 0
    for turf in plan.turfs:
        assert turf.outline.geom_type in ("Polygon", "MultiPolygon")
        assert not turf.outline.is_empty and turf.outline.is_valid


@st.composite
def scenes(draw: st.DrawFn) -> tuple[list[Door], CutParams]:
    kind = draw(st.sampled_from(["uniform", "clusters", "grid", "line", "towers"]))
    n = draw(st.integers(1, 240))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    if kind == "uniform":
        xy = rng.random((n, 2)) * draw(st.sampled_from([50.0, 1000.0, 20000.0]))
    elif kind == "clusters":
        centres = rng.random((3, 2)) * 30000
        xy = centres[rng.integers(0, 3, n)] + rng.normal(0, 80, (n, 2))
    elif kind == "grid":
        side = int(np.ceil(np.sqrt(n)))
        xy = np.column_stack([np.arange(n) % side, np.arange(n) // side]) * 20.0
    elif kind == "line":
        xy = np.column_stack([np.arange(n) * 15.0, np.zeros(n)])
    else:  # apartment towers: many doors at few points
        xy = (rng.random((4, 2)) * 500)[rng.integers(0, 4, n)]
    target = draw(st.integers(3, 40))
    lo = draw(st.integers(1, target))
    hi = draw(st.integers(target, 2 * target))
    mode = draw(st.sampled_from(["doors", "doors", "time"]))
    params = CutParams(
        target_doors=target,
        min_doors=lo,
        max_doors=hi,
        mode=mode,
        shift_minutes=draw(st.sampled_from([20.0, 60.0, 120.0])),
    )
    return doors_at(xy), params


@FAST
@given(scenes())
def test_every_plan_keeps_the_guarantees(scene: tuple[list[Door], CutParams]) -> None:
    doors, params = scene
    plan = cut_turfs(doors, params, seed=3)
    assert_guarantees(plan)
    assert plan == cut_turfs(doors, params, seed=3), "deterministic"


@settings(max_examples=5, deadline=None)
@given(st.integers(0, 10_000), st.integers(150, 400))
def test_uniform_doors_are_balanced(seed: int, n: int) -> None:
    params = CutParams(target_doors=30, min_doors=20, max_doors=40)
    score = score_plan(cut_turfs(uniform(n, seed=seed), params))
    assert score.within_bounds == 1.0
    assert score.size_cv <= 0.10
    assert score.walk_ratio < 1.5


def test_all_doors_at_one_point_are_split_only_when_too_many() -> None:
    one = doors_at(np.zeros((50, 2)))
    plan = cut_turfs(one, CutParams())
    assert [len(t) for t in plan.turfs] == [50]
    tower = doors_at(np.zeros((200, 2)))
    plan = cut_turfs(tower, CutParams())
    assert all(40 <= len(t) <= 80 for t in plan.turfs)
    assert_guarantees(plan)


def test_a_single_door_and_fewer_doors_than_the_minimum() -> None:
    plan = cut_turfs(uniform(1), CutParams())
    assert [t.door_ids for t in plan.turfs] == [("d0",)]
    assert plan.turfs[0].walk_m == 0.0
    plan = cut_turfs(uniform(7), CutParams())
    assert len(plan.turfs) == 1 and len(plan.turfs[0]) == 7
    assert_guarantees(plan)


def test_no_doors_give_an_empty_plan() -> None:
    assert cut_turfs([], CutParams()).turfs == ()


def test_two_far_apart_clusters_are_cut_separately() -> None:
    rng = np.random.default_rng(1)
    xy = np.vstack([rng.random((120, 2)) * 300, rng.random((120, 2)) * 300 + 50_000])
    plan = cut_turfs(doors_at(xy), CutParams())
    assert_guarantees(plan)
    for turf in plan.turfs:
        sides = {int(d[1:]) < 120 for d in turf.door_ids}
        assert len(sides) == 1


def test_co_located_doors_and_buildings_stay_together() -> None:
    rng = np.random.default_rng(2)
    xy = np.repeat(rng.random((60, 2)) * 800, 3, axis=0)  # 60 addresses of 3 units
    xy[:12] = xy[0] + rng.normal(0, 2, (12, 2))  # one building, units a few metres apart
    doors = doors_at(xy)
    doors = [
        Door(d.id, d.lon, d.lat, building=("B" if i < 12 else None)) for i, d in enumerate(doors)
    ]
    plan = cut_turfs(doors, CutParams())
    turf_of = plan.assignment()
    for i in range(0, 180, 3):
        assert len({turf_of[f"d{j}"] for j in range(i, i + 3)}) == 1
    assert len({turf_of[f"d{j}"] for j in range(12)}) == 1
    assert_guarantees(plan)


def test_walks_and_turfs_respect_a_barrier() -> None:
    rng = np.random.default_rng(4)
    xy = rng.random((400, 2)) * 1000
    doors = doors_at(xy)
    road = LineString([lonlat(-100, 480), lonlat(1100, 530)])
    plan = cut_turfs(doors, CutParams(barriers=[road]))
    assert_guarantees(plan)
    north = {d.id: (y - 480) * 1200 - (x + 100) * 50 > 0 for d, (x, y) in zip(doors, xy)}
    for turf in plan.turfs:
        assert len({north[i] for i in turf.door_ids}) == 1


def test_walk_can_not_cut_through_a_partial_barrier() -> None:
    # a wall from the middle to the top: doors left and right of it share turfs around its end
    rng = np.random.default_rng(5)
    xy = rng.random((300, 2)) * 600
    wall = LineString([lonlat(300, 200), lonlat(300, 700)])
    plan = cut_turfs(
        doors_at(xy), CutParams(target_doors=100, min_doors=60, max_doors=140, barriers=[wall])
    )
    assert_guarantees(plan)


def test_precincts_are_kept_whole_unless_too_big() -> None:
    rng = np.random.default_rng(6)
    xy = rng.random((600, 2)) * [3000, 1000]
    # strips: 100, 100, 100, 300 doors by x; the last one exceeds max_doors
    order = np.argsort(xy[:, 0])
    precinct = np.empty(600, dtype=object)
    for name, (a, b) in zip("ABCD", [(0, 100), (100, 200), (200, 300), (300, 600)]):
        precinct[order[a:b]] = name
    base = doors_at(xy)
    doors = [Door(d.id, d.lon, d.lat, precinct=precinct[i]) for i, d in enumerate(base)]
    params = CutParams(target_doors=100, min_doors=60, max_doors=120, keep_precincts_whole=True)
    plan = cut_turfs(doors, params)
    assert_guarantees(plan)
    score = score_plan(plan)
    assert score.precincts_split_needlessly == 0
    assert score.precincts_split == 1  # D, 300 doors, is split cleanly
    assert all(len(t.precincts) == 1 for t in plan.turfs)
    d_turfs = [t for t in plan.turfs if t.precincts == ("D",)]
    assert len(d_turfs) == 3 and all(60 <= len(t) <= 120 for t in d_turfs)


def test_small_precincts_are_merged_whole() -> None:
    rng = np.random.default_rng(7)
    xy = rng.random((200, 2)) * [2000, 500]
    precinct = (xy[:, 0] // 250).astype(int)  # 8 strips of about 25 doors
    base = doors_at(xy)
    doors = [Door(d.id, d.lon, d.lat, precinct=int(precinct[i])) for i, d in enumerate(base)]
    params = CutParams(target_doors=50, min_doors=40, max_doors=70, keep_precincts_whole=True)
    plan = cut_turfs(doors, params)
    assert_guarantees(plan)
    score = score_plan(plan)
    assert score.precincts_split == 0
    assert score.size_max <= 70


def test_time_mode_gives_rural_turfs_fewer_doors() -> None:
    rng = np.random.default_rng(8)
    town = rng.random((600, 2)) * 600
    farms = rng.random((120, 2)) * 12_000 + [2_000, 0]
    doors = doors_at(np.vstack([town, farms]))
    params = CutParams(mode="time", shift_minutes=120, max_doors=120, min_doors=1, target_doors=60)
    plan = cut_turfs(doors, params)
    assert_guarantees(plan)
    score = score_plan(plan)
    assert score.max_shift_ratio <= 1.15
    rural = [len(t) for t in plan.turfs if all(int(d[1:]) >= 600 for d in t.door_ids)]
    urban = [len(t) for t in plan.turfs if all(int(d[1:]) < 600 for d in t.door_ids)]
    assert rural and urban and max(rural) < min(urban)


def test_walks_start_near_the_staging_point() -> None:
    doors = uniform(120, seed=9)
    corner = lonlat(0, 0)
    plan = cut_turfs(doors, CutParams(start=corner))
    where = {d.id: d for d in doors}
    for turf in plan.turfs:
        assert turf.start == corner
        first, last = where[turf.door_ids[0]], where[turf.door_ids[-1]]
        dist = lambda d: (d.lon - corner[0]) ** 2 + (d.lat - corner[1]) ** 2
        assert dist(first) <= dist(last)


def test_walk_length_and_minutes_are_consistent() -> None:
    params = CutParams()
    plan = cut_turfs(uniform(200, seed=10), params)
    for turf in plan.turfs:
        expected = turf.walk_m / params.walk_speed_mps / 60 + params.minutes_per_door * len(turf)
        assert abs(turf.minutes - expected) < 1e-6
