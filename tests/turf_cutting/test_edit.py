"""Editing a plan (split, merge, re-cut, remove doors) keeps the guarantees."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from turf_cutting import (
    CutParams,
    TurfEditError,
    TurfParamsError,
    cut_turfs,
    merge_turfs,
    recut,
    remove_doors,
    split_turf,
)

from ._doors import uniform
from .test_cut import assert_guarantees

PARAMS = CutParams(target_doors=30, min_doors=20, max_doors=40)


@pytest.fixture(scope="module")
def plan():  # type: ignore[no-untyped-def]
    return cut_turfs(uniform(240, seed=11), PARAMS, seed=1)


def test_split_keeps_other_turfs(plan) -> None:  # type: ignore[no-untyped-def]
    out = split_turf(plan, 2)
    assert_guarantees(out)
    assert len(out.turfs) == len(plan.turfs) + 1
    assert out.turfs[2].label == plan.turfs[2].label
    assert out.turfs[-1].label not in {t.label for t in plan.turfs}
    assert {len(out.turfs[2]), len(out.turfs[-1])} <= {
        len(plan.turfs[2]) // 2,
        (len(plan.turfs[2]) + 1) // 2,
    }
    for before, after in zip(plan.turfs, out.turfs):
        if before.index != 2:
            assert before.door_ids == after.door_ids
            assert before.outline.equals(after.outline)


@pytest.mark.parametrize(("doors", "parts"), [(28, 3), (29, 4), (232, 3), (100, 7)])
def test_split_into_several_parts_is_even(doors: int, parts: int) -> None:
    """Three or more parts come out about equal: halving the biggest piece each time gave
    14/7/7 for 28 doors in three, and 25 of 100 doors in one of seven parts."""
    whole = cut_turfs(uniform(doors, seed=doors), CutParams(target_doors=doors, min_doors=1,
                                                             max_doors=2 * doors))  # fmt: skip
    out = split_turf(whole, 0, parts=parts)
    assert_guarantees(out)
    sizes = [len(t) for t in out.turfs]
    assert len(sizes) == parts and sum(sizes) == doors
    assert max(sizes) <= 1.15 * doors / parts and min(sizes) >= 0.85 * doors / parts


def test_merge_adjacent_turfs(plan) -> None:  # type: ignore[no-untyped-def]
    assert_guarantees(merge_turfs(split_turf(plan, 0), 0, len(plan.turfs)))
    # find a pair that is adjacent: outlines touch
    a = 0
    b = next(t.index for t in plan.turfs[1:] if t.outline.intersects(plan.turfs[0].outline))
    out = merge_turfs(plan, a, b)
    assert_guarantees(out)
    assert len(out.turfs) == len(plan.turfs) - 1
    assert len(out.turfs[0]) == len(plan.turfs[0]) + len(plan.turfs[b])


def test_merge_refuses_far_apart_turfs(plan) -> None:  # type: ignore[no-untyped-def]
    far = [t.index for t in plan.turfs if not t.outline.intersects(plan.turfs[0].outline)]
    with pytest.raises(TurfEditError, match="adjacent"):
        merge_turfs(plan, 0, far[0])
    with pytest.raises(TurfEditError, match="a=1, b=1"):
        merge_turfs(plan, 1, 1)


def test_recut_by_turfs_and_door_ids(plan) -> None:  # type: ignore[no-untyped-def]
    small = CutParams(target_doors=15, min_doors=10, max_doors=20)
    out = recut(plan, [1, 3], small)
    assert_guarantees(out)
    n = len(plan.turfs[1]) + len(plan.turfs[3])
    recut_sizes = [
        len(t)
        for t in out.turfs
        if t.label not in {plan.turfs[i].label for i in (0, 2, 4, 5, 6, 7)}
    ]
    assert sum(recut_sizes) == n
    assert all(10 <= s <= 20 for s in recut_sizes)
    same = recut(plan, door_ids=[plan.turfs[1].door_ids[0]])
    assert_guarantees(same)
    with pytest.raises(TurfEditError, match="door_ids"):
        recut(plan, door_ids=["nope"])
    with pytest.raises(TurfEditError):
        recut(plan, [])


@settings(max_examples=6, deadline=None)
@given(st.sets(st.integers(0, 239), max_size=120))
def test_remove_doors_keeps_guarantees(drop: set[int]) -> None:
    plan = cut_turfs(uniform(240, seed=11), PARAMS, seed=1)
    out = remove_doors(plan, [f"d{i}" for i in drop])
    assert len(out.doors) == 240 - len(drop)
    if out.doors:
        assert_guarantees(out)


def test_remove_doors_keeps_walking_order_of_untouched_turfs(plan) -> None:  # type: ignore[no-untyped-def]
    victim = plan.turfs[0].door_ids[3]
    out = remove_doors(plan, [victim])
    assert out.turfs[0].door_ids == tuple(d for d in plan.turfs[0].door_ids if d != victim)
    with pytest.raises(TurfEditError, match="'ghost'"):
        remove_doors(plan, ["ghost"])


def test_bad_edit_arguments(plan) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TurfEditError, match="99"):
        split_turf(plan, 99)
    with pytest.raises(TurfParamsError, match="parts"):
        split_turf(plan, 0, parts=1)


def test_remove_doors_from_a_tower_and_a_bridge() -> None:
    import numpy as np

    from ._doors import doors_at

    rng = np.random.default_rng(12)
    left = rng.random((70, 2)) * 200
    right = rng.random((70, 2)) * 200 + [400, 0]
    bridge = np.column_stack([np.linspace(210, 390, 10), np.full(10, 100.0)])
    tower = np.zeros((130, 2)) + [100, 500]
    doors = doors_at(np.vstack([left, right, bridge, tower]))
    plan = cut_turfs(doors, CutParams(), seed=2)
    assert_guarantees(plan)
    out = remove_doors(plan, [f"d{i}" for i in range(140, 150)] + ["d150", "d151"])
    assert_guarantees(out)
