"""score_plan measures what it claims, on hand-made plans."""

from __future__ import annotations

import numpy as np
from shapely.geometry import LineString

from turf_cutting import CutParams, plan_from_assignment
from turf_cutting.quality import msf_lower_bound, score_plan

from ._doors import doors_at, lonlat


def test_msf_removes_the_k_minus_1_heaviest_edges() -> None:
    xy = np.array([[0, 0], [1, 0], [2, 0], [100, 0], [101, 0]], dtype=float)
    assert msf_lower_bound(xy, 1) == 101.0
    assert msf_lower_bound(xy, 2) == 3.0
    assert msf_lower_bound(xy, 5) == 0.0


def test_interleaved_turfs_are_not_contiguous_and_cross_the_barrier() -> None:
    xy = np.column_stack([np.arange(10) * 20.0, np.zeros(10)])
    doors = doors_at(xy)
    wall = LineString([lonlat(90, -50), lonlat(90, 50)])
    plan = plan_from_assignment(
        doors, [i % 2 for i in range(10)], CutParams(min_doors=1, target_doors=5, barriers=[wall])
    )
    score = score_plan(plan)
    assert score.contiguous == 0.0
    assert score.barrier_crossings == 2  # each turf's walk crosses the wall once
    assert score.hull_overlap > 0.0 or score.outline_overlap == 0.0
    assert score.size_min == score.size_max == 5


def test_precinct_splits_are_counted() -> None:
    from turf_cutting import Door

    xy = np.column_stack([np.arange(6) * 20.0, np.zeros(6)])
    doors = [
        Door(d.id, d.lon, d.lat, precinct="P" if i < 4 else "Q") for i, d in enumerate(doors_at(xy))
    ]
    plan = plan_from_assignment(
        doors, [0, 0, 1, 1, 1, 1], CutParams(min_doors=1, target_doors=2, max_doors=3)
    )
    score = score_plan(plan)
    assert (score.precincts_split, score.precincts_split_needlessly) == (1, 0)  # P has 4 > 3 doors
    assert score.within_bounds == 0.5


def test_walk_ratio_of_a_straight_line_is_one() -> None:
    xy = np.column_stack([np.arange(8) * 10.0, np.zeros(8)])
    plan = plan_from_assignment(doors_at(xy), [0] * 8, CutParams(min_doors=1))
    score = score_plan(plan)
    assert abs(score.walk_ratio - 1.0) < 1e-3
    assert score.max_over_median_walk == 1.0


def test_a_barrier_pocket_is_reported_apart_from_the_cut() -> None:
    """Three doors strung out behind a wall are one turf whatever the cut does.

    The pocket walks 200 m, four times the 50 m of the two other turfs: the plan's max/median
    is 4, but over the turfs the cut chose it is 1.
    """
    street = [(x, 0.0) for x in range(0, 60, 10)] + [(x, 30.0) for x in range(0, 60, 10)]
    pocket = [(0.0, 200.0), (100.0, 200.0), (200.0, 200.0)]
    xy = np.array(street + pocket)
    wall = LineString([lonlat(-50, 100), lonlat(250, 100)])
    params = CutParams(target_doors=6, min_doors=4, max_doors=8, barriers=[wall])
    plan = plan_from_assignment(doors_at(xy), [0] * 6 + [1] * 6 + [2] * 3, params)
    score = score_plan(plan)
    assert score.isolated_small == 1
    assert score.within_bounds < 1.0 and score.within_bounds_feasible == 1.0
    assert abs(score.max_over_median_walk - 4.0) < 1e-3
    assert abs(score.max_over_median_walk_feasible - 1.0) < 1e-3


def test_a_short_pocket_does_not_pull_the_feasible_median_down() -> None:
    """Streets walking 50 m and 100 m, and a 20 m pocket behind a wall.

    Over all turfs the median is the 50 m street, so the longest walk is 2x it; over the turfs the
    cut chose the median is 75 m, and the longest walk 1.33x it.
    """
    short = [(x, 0.0) for x in range(0, 60, 10)]
    long = [(x, 30.0) for x in range(0, 120, 20)]
    pocket = [(0.0, 200.0), (10.0, 200.0), (20.0, 200.0)]
    xy = np.array(short + long + pocket)
    wall = LineString([lonlat(-50, 100), lonlat(250, 100)])
    params = CutParams(target_doors=6, min_doors=4, max_doors=8, barriers=[wall])
    plan = plan_from_assignment(doors_at(xy), [0] * 6 + [1] * 6 + [2] * 3, params)
    score = score_plan(plan)
    assert score.isolated_small == 1
    assert abs(score.max_over_median_walk - 2.0) < 1e-3
    assert abs(score.max_over_median_walk_feasible - 100 / 75) < 1e-3


def test_a_group_too_small_to_split_is_left_out_of_the_feasible_walk_figure() -> None:
    """Behind the wall, six doors spread far apart: with at least four doors a turf, no cut can
    make them two turfs, so their long walk is the data's and only the plan-wide figure has it."""
    street = [(x, 0.0) for x in range(0, 60, 10)] + [(x, 30.0) for x in range(0, 60, 10)]
    pocket = [(x, 200.0) for x in range(0, 600, 100)]
    xy = np.array(street + pocket)
    wall = LineString([lonlat(-50, 100), lonlat(650, 100)])
    params = CutParams(target_doors=6, min_doors=4, max_doors=8, barriers=[wall])
    plan = plan_from_assignment(doors_at(xy), [0] * 6 + [1] * 6 + [2] * 6, params)
    score = score_plan(plan)
    assert (score.isolated_small, score.unsplittable) == (0, 1)
    assert score.within_bounds_feasible == 1.0
    assert abs(score.max_over_median_walk - 10.0) < 1e-3  # 500 m over the streets' 50 m
    assert abs(score.max_over_median_walk_feasible - 1.0) < 1e-3
