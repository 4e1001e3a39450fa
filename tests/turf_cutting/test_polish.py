"""The inter-turf polish: it keeps every guarantee of a plan and never lengthens the walks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString

import turf_cutting.cut as cut_module
from turf_cutting import CutParams, cut_turfs, walk
from turf_cutting._graph import components, crossing_mask, delaunay_edges
from turf_cutting._partition import Balance, partition
from turf_cutting._polish import Paths, polish

from ._doors import uniform

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _length(xy: np.ndarray, orders: list[np.ndarray]) -> float:
    return sum(float(np.hypot(*np.diff(xy[o], axis=0).T).sum()) for o in orders if len(o) > 1)


def _pieces(edges: np.ndarray, stops: np.ndarray, n: int) -> int:
    local = np.full(n, -1)
    local[stops] = np.arange(len(stops))
    le = local[edges]
    return components(len(stops), le[(le >= 0).all(axis=1)])[0]


def _crossings(xy: np.ndarray, orders: list[np.ndarray], barriers: tuple) -> int:
    return sum(int(crossing_mask(xy[o[:-1]], xy[o[1:]], barriers).sum()) for o in orders)


@st.composite
def partitioned(draw: st.DrawFn) -> dict[str, object]:
    """Distinct stops, their graph (maybe cut by a barrier), turfs from the partition, walks."""
    kind = draw(st.sampled_from(["uniform", "clusters", "grid", "line"]))
    n = draw(st.integers(2, 300))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    if kind == "uniform":
        xy = rng.random((n, 2)) * 1000
    elif kind == "clusters":
        xy = rng.random((4, 2))[rng.integers(0, 4, n)] * 3000 + rng.normal(0, 60, (n, 2))
    elif kind == "grid":
        side = int(np.ceil(np.sqrt(n)))
        xy = np.column_stack([np.arange(n) % side, np.arange(n) // side]) * 20.0
    else:
        xy = np.column_stack([np.arange(n) * 15.0, rng.random(n)])
    xy = np.unique(xy, axis=0)
    m = len(xy)
    cost = rng.integers(1, 4, m).astype(float) if draw(st.booleans()) else rng.random(m) * 3 + 0.1
    edges = delaunay_edges(xy)
    barriers: tuple[LineString, ...] = ()
    if draw(st.booleans()) and len(edges):
        x = float(np.median(xy[:, 0])) + 0.5
        barriers = (LineString([(x, -1e5), (x, 1e5)]),)
        edges = edges[~crossing_mask(xy[edges[:, 0]], xy[edges[:, 1]], barriers)]
    if draw(st.booleans()):
        # chunks of a serpentine through horizontal bands: stringy turfs (if contiguous at
        # all), full of stops whose removal would disconnect them
        span = np.ptp(xy[:, 1]) + 1e-9
        row = ((xy[:, 1] - xy[:, 1].min()) / span * draw(st.integers(1, 12))).astype(int)
        snake = np.lexsort((np.where(row % 2 == 0, xy[:, 0], -xy[:, 0]), row))
        labels = np.empty(m, dtype=np.int64)
        labels[snake] = np.arange(m) // draw(st.integers(2, 40))
    else:
        target = float(cost.sum()) / draw(st.integers(1, 12))
        balance = Balance(target=target, lo=0.6 * target, hi=1.4 * target)
        labels = partition(xy, cost, edges, balance)
    k = int(labels.max()) + 1
    orders = [
        np.flatnonzero(labels == t)[walk.order_xy(xy[labels == t], effort="bulk")] for t in range(k)
    ]
    # door mode (loads are costs) or time mode (plus walking: slow enough to matter)
    per_metre = draw(st.sampled_from([0.0, 1 / 60, 1.0]))
    size = np.bincount(labels, weights=cost, minlength=k) + per_metre * np.array(
        [_length(xy, [o]) for o in orders]
    )
    band = draw(st.sampled_from([0.0, 0.1, 0.3]))
    lo = np.minimum(size, size.mean() * (1 - band))
    hi = np.maximum(size, size.mean() * (1 + band))
    walks = np.array([_length(xy, [o]) for o in orders])
    longest = draw(st.sampled_from([1.0, 1.2, None]))
    walk_hi = np.maximum(walks, np.median(walks) * longest) if longest else np.full(k, np.inf)
    return {"xy": xy, "cost": cost, "edges": edges, "barriers": barriers, "orders": orders,
            "lo": lo, "hi": hi, "walk_hi": walk_hi, "per_metre": per_metre}  # fmt: skip


def _run(case: dict[str, object]) -> tuple[Paths, np.ndarray]:
    xy = case["xy"]
    paths = Paths.from_orders(len(xy), case["orders"])  # type: ignore[arg-type]

    def reorder(o: np.ndarray) -> np.ndarray:
        # what the plan does: a fresh order if it is shorter, else the polished one (the plan
        # also counts barrier crossings, and a shorter walk lightens a turf in time mode; there
        # the polished order stays, to test polish alone)
        if case["barriers"] or case["per_metre"]:
            return o
        fresh = o[walk.order_xy(xy[o], effort="bulk")]
        return min((fresh, o), key=lambda q: _length(xy, [q]))  # type: ignore[index]

    changed = polish(
        xy, case["cost"], case["edges"], case["edges"], paths, case["lo"], case["hi"],
        reorder=reorder, walk_hi=case["walk_hi"], per_metre=case["per_metre"],
        barriers=case["barriers"],
    )  # fmt: skip
    return paths, changed


def _check_polished(
    case: dict, before: list[np.ndarray], paths: Paths, changed: np.ndarray, walk_hi: np.ndarray
) -> list[np.ndarray]:
    """The guarantees every polish keeps, plain or shedding; returns the turfs' new orders."""
    xy, cost, edges, lo, hi = case["xy"], case["cost"], case["edges"], case["lo"], case["hi"]
    k, pm = len(before), case["per_metre"]
    after = paths.orders(np.arange(k))
    # every stop in exactly one turf, each turf's path visits exactly its stops
    assert sorted(np.concatenate(after).tolist()) == list(range(len(xy)))
    assert all(len(o) >= 1 and (paths.turf[o] == t).all() for t, o in enumerate(after))
    # each turf stays connected in the graph
    assert all(_pieces(edges, o, len(xy)) == 1 for o in after)
    # sizes: inside the band if they were, never further outside if not
    size0 = np.array([cost[o].sum() + pm * _length(xy, [o]) for o in before])
    size1 = np.array([cost[o].sum() + pm * _length(xy, [o]) for o in after])
    assert (size1 >= np.minimum(lo, size0) - 1e-9).all()
    assert (size1 <= np.maximum(hi, size0) + 1e-9).all()
    # no walk past its limit, never a new barrier-crossing leg
    assert all(_length(xy, [o]) <= walk_hi[t] + 1e-6 for t, o in enumerate(after))
    if case["barriers"]:
        assert _crossings(xy, after, case["barriers"]) <= _crossings(xy, before, case["barriers"])
    # the turfs reported as changed are exactly those whose stops changed
    moved = [t for t in range(k) if sorted(after[t].tolist()) != sorted(before[t].tolist())]
    assert set(moved) <= set(changed.tolist())
    return after


def _connected_before(case: dict) -> list[np.ndarray]:
    before = [o.copy() for o in case["orders"]]
    assume(all(_pieces(case["edges"], o, len(case["xy"])) == 1 for o in before))
    return before


@FAST
@given(partitioned())
def test_polish_keeps_the_guarantees_and_never_lengthens_the_walk(case: dict) -> None:
    before = _connected_before(case)
    paths, changed = _run(case)
    after = _check_polished(case, before, paths, changed, case["walk_hi"])
    assert _length(case["xy"], after) <= _length(case["xy"], before) + 1e-6


@FAST
@given(partitioned())
def test_polish_is_deterministic(case: dict) -> None:
    first, _ = _run(case)
    second, _ = _run(case)
    assert (first.turf == second.turf).all()
    assert (first.prev == second.prev).all()
    assert (first.nxt == second.nxt).all()


def test_cut_turfs_walks_less_with_polish(monkeypatch: pytest.MonkeyPatch) -> None:
    doors = uniform(2000, side_m=1400.0, seed=3)
    params = CutParams(target_doors=60, min_doors=40, max_doors=80)
    polished = cut_turfs(doors, params)
    assert cut_turfs(doors, params) == polished
    monkeypatch.setattr(cut_module, "polish", lambda *a, **kw: np.zeros(0, dtype=np.int64))
    plain = cut_turfs(doors, params)
    walked = sum(t.walk_m for t in polished.turfs)
    assert walked < 0.99 * sum(t.walk_m for t in plain.turfs)
    sizes = [len(t) for t in polished.turfs]
    assert min(sizes) >= 40 and max(sizes) <= 80


def test_polish_never_moves_two_neighbours_out_of_a_turf_at_once() -> None:
    # Turf A is a rhombus x, s1, s2, y (no x-y edge) walked s1, x, y, s2; s1 is closer to the
    # path of B above, s2 to the path of C below. Either move alone keeps A connected; both
    # together would leave x and y apart, so only one may happen.
    xy = np.array([[0, 0], [4, 0], [2, 1], [2, -1], [0, 2], [4, 2], [0, -2], [4, -2]], float)
    x, y, s1, s2, b1, b2, c1, c2 = range(8)
    edges = np.array([[x, s1], [x, s2], [s1, s2], [s1, y], [s2, y], [b1, b2], [s1, b1],
                      [s1, b2], [c1, c2], [s2, c1], [s2, c2]])  # fmt: skip
    paths = Paths.from_orders(8, [np.array([s1, x, y, s2]), np.array([b1, b2]),
                                  np.array([c1, c2])])  # fmt: skip
    lo, hi = np.array([2.0, 2.0, 2.0]), np.full(3, 10.0)  # B and C may only gain
    args = (xy, np.ones(8), edges, edges, paths, lo, hi)
    polish(*args, reorder=lambda o: o, passes=1, rounds=1)
    assert sorted(paths.turf[[s1, s2]].tolist()) in ([0, 1], [0, 2])  # one of them moved
    polish(*args, reorder=lambda o: o)
    assert _pieces(edges, np.flatnonzero(paths.turf == 0), 8) == 1


def test_polish_never_moves_a_stop_that_holds_its_turf_together() -> None:
    # s is the only link between the two halves of turf A, and walking it from B's path
    # (b1 -> b2, just above it) would be shorter: it must stay.
    xy = np.array([[-10, 0], [0, 0], [10, 1.5], [20, 0], [30, 0], [8, 2], [12, 2]], float)
    a0, a1, s, a2, a3, b1, b2 = range(7)
    edges = np.array([[a0, a1], [a1, s], [s, a2], [a2, a3], [s, b1], [s, b2], [b1, b2],
                      [a1, b1], [a2, b2]])  # fmt: skip
    paths = Paths.from_orders(7, [np.array([a0, a1, s, a2, a3]), np.array([b1, b2])])
    lo, hi = np.array([1.0, 2.0]), np.full(2, 10.0)
    polish(xy, np.ones(7), edges, edges, paths, lo, hi, reorder=lambda o: o)
    assert paths.turf.tolist() == [0, 0, 0, 0, 0, 1, 1]
    # with a1-a2 adjacent, A holds together without s, and s moves
    edges = np.vstack([edges, [[a1, a2]]])
    paths = Paths.from_orders(7, [np.array([a0, a1, s, a2, a3]), np.array([b1, b2])])
    polish(xy, np.ones(7), edges, edges, paths, lo, hi, reorder=lambda o: o, passes=1, rounds=1)
    assert paths.turf.tolist() == [0, 0, 1, 0, 0, 1, 1]


def _run_shed(case: dict[str, object]) -> tuple[Paths, np.ndarray, np.ndarray]:
    """Shed mode on a case: turfs over 1.2x the median walk shed, receivers stay within theirs."""
    xy = case["xy"]
    paths = Paths.from_orders(len(xy), case["orders"])  # type: ignore[arg-type]
    k = len(case["orders"])  # type: ignore[arg-type]
    walks = paths.lengths(xy, k)  # type: ignore[arg-type]
    long = walks > 1.2 * np.median(walks)
    walk_hi = np.where(long, walks, np.minimum(case["walk_hi"], 1.1 * np.median(walks)))  # type: ignore[call-overload]
    walk_hi = np.maximum(walk_hi, walks)
    changed = polish(
        xy, case["cost"], case["edges"], case["edges"], paths, case["lo"], case["hi"],
        reorder=lambda o: o, walk_hi=walk_hi, per_metre=case["per_metre"],
        barriers=case["barriers"], shed_above=np.where(long, 1.2 * np.median(walks), np.inf),
    )  # fmt: skip
    return paths, changed, walk_hi


@FAST
@given(partitioned())
def test_shed_keeps_the_guarantees_and_never_lengthens_the_longest_walk(case: dict) -> None:
    before = _connected_before(case)
    walk0 = np.array([_length(case["xy"], [o]) for o in before])
    paths, changed, walk_hi = _run_shed(case)
    after = _check_polished(case, before, paths, changed, walk_hi)
    # a long turf's limit is its own walk: the longest never grows
    assert max(_length(case["xy"], [o]) for o in after) <= walk0.max() + 1e-6
    # determinism
    again, _, _ = _run_shed(case)
    assert (again.turf == paths.turf).all() and (again.nxt == paths.nxt).all()


def test_a_long_turf_sheds_stops_though_the_total_grows() -> None:
    # turf 0: ten stops 1 m apart (walk 9 m); turf 1: four stops bunched just past its end.
    # Moving an end stop over saves turf 0 one metre and costs turf 1 one metre: plain polish
    # never does it, shedding does until turf 0 walks no more than 5 m.
    xy = np.array([[float(i), 0.0] for i in range(10)] + [[10 + 0.1 * i, 0.0] for i in range(4)])
    edges = np.array([[i, i + 1] for i in range(13)])
    orders = [np.arange(10), np.arange(10, 14)]
    cost = np.ones(14)
    lo, hi = np.array([5.0, 0.0]), np.array([20.0, 20.0])
    plain = Paths.from_orders(14, orders)
    polish(xy, cost, edges, edges, plain, lo, hi, reorder=lambda o: o)
    assert (plain.turf == np.repeat([0, 1], [10, 4])).all()
    paths = Paths.from_orders(14, orders)
    changed = polish(
        xy, cost, edges, edges, paths, lo, hi, reorder=lambda o: o,
        walk_hi=np.array([np.inf, 100.0]), shed_above=np.array([5.0, np.inf]),
    )  # fmt: skip
    walks = paths.lengths(xy, 2)
    assert walks[0] == pytest.approx(5.0)
    assert walks.max() < 9.0
    assert sorted(changed.tolist()) == [0, 1]
    assert (paths.turf[:6] == 0).all() and (paths.turf[6:] == 1).all()


def _ordered(xy: np.ndarray, params: CutParams, door_turf: np.ndarray):
    """The context, paths, stop orders and walk lengths of a hand-made door -> turf labelling."""
    from ._doors import doors_at

    ctx = cut_module._Context.build(tuple(doors_at(xy)), params)
    stop_turf = np.zeros(ctx.n_stops, dtype=np.int64)
    stop_turf[ctx.stop_of] = door_turf
    k = int(door_turf.max()) + 1
    orders = [
        cut_module._order_stops(ctx, np.flatnonzero(stop_turf == t), None, 0) for t in range(k)
    ]
    paths = Paths.from_orders(ctx.n_stops, orders)
    return ctx, paths, orders, paths.lengths(ctx.stop_xy, k)


def _assert_recut(ctx, paths: Paths, orders: list, first: int, doors: int) -> np.ndarray:
    """Turfs ``first``.. hold ``doors`` doors, each contiguous in bounds, its order its stops;
    the plan's door CV is under 0.10. Returns the walk lengths."""
    k = len(orders)
    sizes = np.bincount(paths.turf, minlength=k)
    assert sizes[first:].sum() == doors and sizes.min() >= 40 and sizes.max() <= 80
    assert sizes.std() / sizes.mean() <= 0.10
    for t in range(first, k):
        assert _pieces(ctx.edges, np.flatnonzero(paths.turf == t), ctx.n_stops) == 1
        assert sorted(orders[t].tolist()) == np.flatnonzero(paths.turf == t).tolist()
    return paths.lengths(ctx.stop_xy, k)


def test_a_sparse_pair_walking_over_twice_the_median_is_recut_into_one_turf_more() -> None:
    """Forty dense street turfs beside a sparse area cut into two long turfs.

    Each dense turf walks one 590 m street; each sparse turf 66 doors 40 m apart (over 2.4 km).
    Re-cut into three turfs of 44 doors, the sparse area would walk 1.7 km per turf; with the
    dense turf beside it into four, its longest walk is shorter still. Every part stays within
    [40, 80] doors and contiguous, and the door CV stays under 0.10.
    """
    dense = [(10.0 * c, 10.0 * r) for c in range(40) for r in range(60)]
    sparse = [(420.0 + 40.0 * i, 40.0 * j) for j in range(12) for i in range(11)]
    params = CutParams(target_doors=60, min_doors=40, max_doors=80)
    door_turf = np.concatenate([np.repeat(np.arange(40), 60), np.repeat([40, 41], 66)])
    ctx, paths, orders, before = _ordered(np.array(dense + sparse), params, door_turf)
    assert before[40:].min() > 2 * np.median(before)

    cut_module._recut_long_walks(ctx, paths, ctx.edges, orders, None, 0)

    assert len(orders) == 43
    after = _assert_recut(ctx, paths, orders, 39, 192)
    assert after[39:].max() < 1700
    assert after[:39].tolist() == before[:39].tolist()  # the dense turfs further off are as were


def test_three_long_turfs_too_few_for_three_per_pair_are_recut_into_four() -> None:
    """A sparse area behind a road, cut into three long turfs of 55 doors (40 m apart).

    No pair of them has the 120 doors that three turfs of at least 40 need, so the middle turf
    and both its neighbours are re-cut into four of about 41 doors: every new walk is shorter
    than the longest old one, all stay within [40, 80] and contiguous, and the door CV under 0.10.
    """
    from ._doors import lonlat

    dense = [(10.0 * c, 10.0 * r) for c in range(60) for r in range(60)]
    sparse = [(620.0 + 40.0 * i, 40.0 * j) for i in range(15) for j in range(11)]
    road = LineString([lonlat(605, -100), lonlat(605, 700)])
    params = CutParams(target_doors=60, min_doors=40, max_doors=80, barriers=[road])
    door_turf = np.concatenate([np.repeat(np.arange(60), 60), np.repeat([60, 61, 62], 55)])
    ctx, paths, orders, before = _ordered(np.array(dense + sparse), params, door_turf)
    assert before[60:].min() > 2 * np.median(before)

    cut_module._recut_long_walks(ctx, paths, ctx.edges, orders, None, 0)

    assert len(orders) == 64
    after = _assert_recut(ctx, paths, orders, 60, 165)
    assert after[60:].max() < before[60:].max()
    assert after[:60].tolist() == before[:60].tolist()  # the dense turfs are untouched
