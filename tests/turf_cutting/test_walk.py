"""Tests for the walking order (:mod:`turf_cutting.walk`).

Properties are checked with hypothesis; lengths are judged only through ``path_length``.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from turf_cutting.errors import DoorDataError, TurfParamsError
from turf_cutting.walk import improve_xy, order_walk, order_xy, path_length

ROOT = Path(__file__).resolve().parents[2]
FAST = settings(max_examples=25, deadline=None)


@dataclass(frozen=True)
class _Door:
    id: Hashable
    lon: float
    lat: float
    building: Hashable | None = None


# --------------------------------------------------------------------------- strategies


def _grid_points(max_n: int = 40) -> st.SearchStrategy[np.ndarray]:
    """Points on a coarse grid, so duplicates (co-located doors) are common."""
    return st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=1, max_size=max_n
    ).map(lambda pts: np.array(pts, dtype=float) * 17.0)


def _float_points(max_n: int = 40) -> st.SearchStrategy[np.ndarray]:
    coord = st.floats(-500, 500, allow_nan=False, allow_infinity=False)
    return st.lists(st.tuples(coord, coord), min_size=1, max_size=max_n).map(
        lambda pts: np.array(pts, dtype=float)
    )


_starts = st.none() | st.tuples(st.floats(-600, 600), st.floats(-600, 600))
_efforts = st.sampled_from(["thorough", "bulk"])


def _nearest_neighbour(xy: np.ndarray, start: np.ndarray | None) -> list[int]:
    """Reference NN path, from ``start`` or else from the lowest (x, y) point."""
    n = len(xy)
    seen = np.zeros(n, dtype=bool)
    path: list[int] = []
    if start is None:
        first = int(np.lexsort((xy[:, 1], xy[:, 0]))[0])
        path.append(first)
        seen[first] = True
        cur = xy[first]
    else:
        cur = start
    while len(path) < n:
        d = np.where(seen, np.inf, np.hypot(*(xy - cur).T))
        nxt = int(np.argmin(d))
        seen[nxt] = True
        path.append(nxt)
        cur = xy[nxt]
    return path


# --------------------------------------------------------------------------- properties


@FAST
@given(_grid_points(), _starts, _efforts)
def test_visits_every_point_exactly_once(
    xy: np.ndarray, start: tuple[float, float] | None, effort: str
) -> None:
    order = order_xy(xy, start=start, effort=effort)
    assert order.dtype == np.intp
    assert sorted(order.tolist()) == list(range(len(xy)))


@FAST
@given(_grid_points(30), _starts, st.integers(0, 3), _efforts)
def test_deterministic(
    xy: np.ndarray, start: tuple[float, float] | None, seed: int, effort: str
) -> None:
    first = order_xy(xy, start=start, seed=seed, effort=effort)
    assert np.array_equal(first, order_xy(xy.copy(), start=start, seed=seed, effort=effort))


@FAST
@given(_grid_points(), _starts)
def test_co_located_points_are_consecutive_in_index_order(
    xy: np.ndarray, start: tuple[float, float] | None
) -> None:
    order = order_xy(xy, start=start).tolist()
    position = {i: p for p, i in enumerate(order)}
    groups: dict[tuple[float, float], list[int]] = {}
    for i, (x, y) in enumerate(xy):
        groups.setdefault((x, y), []).append(i)
    for members in groups.values():
        spots = [position[i] for i in members]
        assert spots == list(range(spots[0], spots[0] + len(members)))


@FAST
@given(_float_points(), _starts, _efforts)
def test_never_longer_than_nearest_neighbour(
    xy: np.ndarray, start: tuple[float, float] | None, effort: str
) -> None:
    s = None if start is None else np.array(start)
    ours = path_length(xy, order_xy(xy, start=start, effort=effort), start=start)
    nn = path_length(xy, _nearest_neighbour(xy, s), start=start)
    assert ours <= nn * (1 + 1e-9) + 1e-9


@FAST
@given(_float_points(40), _starts, _efforts)
def test_two_opt_optimal(xy: np.ndarray, start: tuple[float, float] | None, effort: str) -> None:
    """No reversal of a stretch of the path (including its head or tail) shortens it."""
    order = order_xy(xy, start=start, effort=effort).tolist()
    base = path_length(xy, order, start=start)
    n = len(order)
    for a in range(n):
        for b in range(a + 1, n):
            if a == 0 and start is None:
                continue  # reversing the whole open path changes nothing
            cand = order[:a] + order[a : b + 1][::-1] + order[b + 1 :]
            assert path_length(xy, cand, start=start) >= base - 1e-7 * (1 + base)


@settings(max_examples=30, deadline=None)
@given(_float_points(7), _starts, _efforts)
def test_small_turfs_are_optimal(
    xy: np.ndarray, start: tuple[float, float] | None, effort: str
) -> None:
    ours = path_length(xy, order_xy(xy, start=start, effort=effort), start=start)
    perms = np.array(list(itertools.permutations(range(len(xy)))))
    pts = xy[perms]  # (permutations, n, 2)
    if start is not None:
        pts = np.concatenate([np.broadcast_to(np.array(start), (len(pts), 1, 2)), pts], axis=1)
    best = float(np.hypot(*np.diff(pts, axis=1).transpose(2, 0, 1)).sum(axis=1).min())
    assert ours <= best + 1e-7 * (1 + best)


@FAST
@given(_float_points(30), st.tuples(st.floats(-600, 600), st.floats(-600, 600)))
def test_start_begins_the_walk(xy: np.ndarray, start: tuple[float, float]) -> None:
    """Walking the same path the other way round from ``start`` is never shorter."""
    order = order_xy(xy, start=start).tolist()
    forward = path_length(xy, order, start=start)
    assert forward <= path_length(xy, order[::-1], start=start) + 1e-7 * (1 + forward)


def test_start_near_one_end_of_a_street() -> None:
    xy = np.column_stack([np.arange(20.0) * 10, np.zeros(20)])
    rng = np.random.default_rng(3)
    shuffled = rng.permutation(20)
    order = order_xy(xy[shuffled], start=(195.0, 0.0))
    assert shuffled[order].tolist() == list(range(19, -1, -1))


def test_bulk_effort_stays_close_to_thorough() -> None:
    """``bulk`` searches less, but on street-like turfs it stays within 3% of ``thorough``."""
    rng = np.random.default_rng(5)
    for n in (60, 120):
        street = np.column_stack([rng.random(n) * n * 9, rng.choice([-8.0, 8.0], n)])
        street[::3, 1] += 120.0  # a second, parallel street
        thorough = path_length(street, order_xy(street))
        bulk = path_length(street, order_xy(street, effort="bulk"))
        assert bulk <= thorough * 1.03


def test_seed_changes_only_the_search() -> None:
    xy = np.random.default_rng(0).random((80, 2)) * 400
    lengths = [path_length(xy, order_xy(xy, seed=s)) for s in range(3)]
    assert max(lengths) <= min(lengths) * 1.05


# --------------------------------------------------------------------------- edge cases


def test_empty_single_two_and_one_spot() -> None:
    assert order_xy(np.zeros((0, 2))).tolist() == []
    assert order_xy([[5.0, 5.0]]).tolist() == [0]
    assert order_xy([[5.0, 5.0]], start=(0, 0)).tolist() == [0]
    assert sorted(order_xy([[0.0, 0.0], [3.0, 4.0]]).tolist()) == [0, 1]
    assert order_xy([[0.0, 0.0], [3.0, 4.0]], start=(3, 5)).tolist() == [1, 0]
    assert order_xy([[1.0, 2.0]] * 5).tolist() == [0, 1, 2, 3, 4]
    assert order_xy([[1.0, 2.0]] * 5, start=(9, 9)).tolist() == [0, 1, 2, 3, 4]


def test_path_length() -> None:
    assert path_length([[0, 0], [3, 4]], [1, 0]) == 5.0
    assert path_length([[0, 0], [3, 4]], [], start=(1, 1)) == 0.0
    assert path_length([[0, 0]], [0], start=(0, 2)) == 2.0
    with pytest.raises(TurfParamsError, match="order"):
        path_length([[0, 0]], [3])


@pytest.mark.parametrize(
    ("xy", "kwargs", "error", "match"),
    [
        ([[0, 0], [1, math.nan]], {}, DoorDataError, r"xy\[1\]"),
        ([[0, 0, 0]], {}, DoorDataError, r"shape \(1, 3\)"),
        ([[0, 0]], {"start": (0, math.inf)}, TurfParamsError, "start"),
        ([[0, 0]], {"start": (1, 2, 3)}, TurfParamsError, "start"),
        ([[0, 0]], {"seed": 1.5}, TurfParamsError, "seed.*1.5"),
        ([[0, 0]], {"effort": "fast"}, TurfParamsError, "effort must be one of.*'fast'"),
    ],
)
def test_order_xy_errors(
    xy: list[list[float]], kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        order_xy(xy, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- order_walk


def test_order_walk_on_a_street_keeps_buildings_together() -> None:
    lat = 44.9778
    doors = [_Door(f"h{i}", -93.2650 + 0.0002 * i, lat) for i in range(10)]
    doors += [_Door(f"apt{u}", -93.2641, lat + 0.00001 * u, building="B") for u in range(4)]
    doors.reverse()
    ids = order_walk(doors, start=(-93.2652, lat))
    assert sorted(map(str, ids)) == sorted(str(d.id) for d in doors)
    assert ids[0] == "h0"
    spots = [ids.index(f"apt{u}") for u in range(4)]
    assert max(spots) - min(spots) == 3
    assert [ids[p] for p in sorted(spots)] == ["apt3", "apt2", "apt1", "apt0"]  # input order


def test_order_walk_accepts_library_doors_and_co_located_units() -> None:
    from turf_cutting import Door

    doors = [Door("a", 0.0010, 0.0), Door("b", 0.0, 0.0), Door("c", 0.0, 0.0), Door("d", 0.002, 0)]
    ids = order_walk(doors)
    assert ids in (["b", "c", "a", "d"], ["d", "a", "b", "c"])


def test_order_walk_across_the_antimeridian() -> None:
    doors = [_Door(1, 179.9995, 0.0), _Door(2, -179.9995, 0.0), _Door(3, 179.9990, 0.0)]
    assert order_walk(doors, start=(179.9985, 0.0)) == [3, 1, 2]


@pytest.mark.parametrize(
    ("doors", "kwargs", "error", "match"),
    [
        ([], {}, DoorDataError, "doors must not be empty"),
        ([_Door("x", 0.0, math.nan)], {}, DoorDataError, r"doors\[0\]\.lat.*nan.*'x'"),
        ([_Door("x", 0.0, 0.0), _Door("x", 1.0, 0.0)], {}, DoorDataError, "duplicate id 'x'"),
        ([_Door("x", 200.0, 0.0)], {}, DoorDataError, r"doors\[0\].*lon=200"),
        ([object()], {}, DoorDataError, r"doors\[0\] must have id, lon and lat"),
        ([_Door("x", 0.0, 0.0)], {"start": (0.0, 95.0)}, TurfParamsError, "start.*lat=95"),
        ([_Door("x", 0.0, 0.0)], {"effort": None}, TurfParamsError, "effort.*None"),
    ],
)
def test_order_walk_errors(
    doors: list[object], kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        order_walk(doors, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- benchmark smoke


def _load_benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("walk_order", ROOT / "benchmarks/walk_order.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_smoke(capsys: pytest.CaptureFixture[str]) -> None:
    bench = _load_benchmark()
    assert (
        bench.main(["--sizes", "20", "--instances", "1", "--ortools-seconds", "0.1", "--no-lkh"])
        == 0
    )
    out = capsys.readouterr().out
    assert "uniform" in out and "street" in out and "ours" in out and "nn+2opt" in out


def test_benchmark_without_optional_solvers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bench = _load_benchmark()
    monkeypatch.setattr(bench, "make_ortools", lambda seconds: None)
    monkeypatch.setattr(bench, "make_lkh", lambda runs=10: None)
    rows = bench.run([12], instances=1, kinds=["street"])
    by_solver = {row["solver"]: row for row in rows}
    assert by_solver["ortools"]["flag"] == "not installed"
    assert by_solver["ours"]["ratio_ortools_mean"] is None
    assert by_solver["ours"]["ms_mean"] > 0
    bench.main(["--sizes", "12", "--instances", "1", "--kinds", "uniform"])
    assert "ortools: not installed" in capsys.readouterr().out


# --------------------------------------------------------------------------- improve_xy


@FAST
@given(_float_points(60), _starts, st.randoms(use_true_random=False), st.integers(0, 3))
def test_improve_never_longer_and_deterministic(
    xy: np.ndarray, start: tuple[float, float] | None, rnd: object, seed: int
) -> None:
    """From any given order (a turf that changed), the result is a permutation, no longer."""
    stops = np.unique(xy, axis=0)
    given_order = list(range(len(stops)))
    rnd.shuffle(given_order)  # type: ignore[attr-defined]
    out = improve_xy(stops, given_order, start=start, seed=seed)
    assert sorted(out.tolist()) == list(range(len(stops)))
    before = path_length(stops, given_order, start=start)
    assert path_length(stops, out, start=start) <= before + 1e-6 * max(1.0, before)
    again = improve_xy(stops, given_order, start=start, seed=seed)
    assert np.array_equal(out, again)


def test_improve_repairs_a_scrambled_street() -> None:
    """Twenty doors along a street, walked out of order, come back as one straight pass."""
    xy = np.column_stack([np.arange(20) * 12.0, np.zeros(20)])
    scrambled = [0, 19, 1, 18, 2, 17, 3, 16, 4, 15, 5, 14, 6, 13, 7, 12, 8, 11, 9, 10]
    out = improve_xy(xy, scrambled).tolist()
    assert out in (list(range(20)), list(range(19, -1, -1)))


@pytest.mark.parametrize(
    ("order", "message"),
    [([0, 1], r"permutation of range\(3\)"), ([0, 0, 1], "permutation"), ([0.0, 1.0, 2.0], "perm")],
)
def test_improve_rejects_a_bad_order(order: list[float], message: str) -> None:
    with pytest.raises(TurfParamsError, match=message):
        improve_xy([[0, 0], [1, 0], [2, 0]], order)


def test_walks_are_ordered_where_no_compiled_code_can_be_cached() -> None:
    """A read-only install run by a user without a home: numba finds nowhere to cache.

    ``NUMBA_CACHE_LOCATOR_CLASSES=ZipCacheLocator`` leaves numba no usable cache place for
    files on disk, which made importing ``turf_cutting`` fail; it must compile in memory instead.
    """
    import os
    import subprocess
    import sys

    code = (
        "import numpy as np; from turf_cutting import walk; "
        "print(sorted(walk.order_xy(np.random.default_rng(0).random((12, 2))).tolist()))"
    )
    env = {**os.environ, "NUMBA_CACHE_LOCATOR_CLASSES": "ZipCacheLocator", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == str(list(range(12)))
