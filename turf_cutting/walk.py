"""Walking order: an open path through a turf's doors.

The walk is an open Hamiltonian path (a canvasser does not return to the first
door), optionally anchored at a ``start`` point such as where the canvasser
parks; the leg from ``start`` to the first door then counts in the length.

Algorithm (all deterministic; randomness only through ``seed``):

1. Co-located points are collapsed into one *stop* (and, in :func:`order_walk`,
   doors sharing a ``building`` key too), so units of one building are always
   consecutive.
2. Stops are ordered as a cyclic tour with a zero-cost dummy node, which turns
   the open-path problem into a tour problem; a fixed ``start`` node follows
   the dummy.
3. Construction by nearest neighbour (from the start, or from the lowest-x
   stop), then local search with 2-opt and Or-opt (segments of 1-3 stops,
   both orientations) over 8-nearest-neighbour candidate lists with gain
   pruning and don't-look bits.  The search is a numba-compiled kernel
   (``turf_cutting._ils``): branchy scalar code that plain Python ran 10-15x
   slower.
4. Iterated local search: ``4n + min(n**2 // 50, 4n)`` double-bridge kicks
   for n stops (most swap two short neighbouring blocks, 30% cut at legs
   drawn in proportion to their length), each repaired by the local search and kept if no longer.
   The kicks are split over 3 runs from nearest-neighbour paths begun at
   spread-out stops, which avoids deep wrong choices such as walking the
   wrong street first.  ``effort="bulk"`` (cheaper; a plan now uses the thorough one) splits
   only ``n + 30`` kicks over 2 runs.  :func:`improve_xy` runs the same search
   from a given order (a turf that changed a little).  Budgets are counts,
   never wall-clock, so results are reproducible.
5. A final exhaustive 2-opt pass (up to 400 stops) makes the result 2-opt
   optimal; turfs of up to 7 stops are solved exactly by enumeration.

Cost: about 2.5 ms of CPU for 60 doors, 5 ms for 100, 14 ms for 200
(``bulk``: 0.9, 1.6 and 4 ms, typically 0.5-1% longer), plus a one-time
load of the compiled kernel (about 1 s; the first compile after installing,
about 10 s, is cached on disk); memory is an n x n distance matrix.  See
``benchmarks/walk_order.py`` for quality against OR-Tools and LKH.

Distances are Euclidean in metres; :func:`order_walk` projects lon/lat once
with a local equirectangular projection (error well under 0.1% over a turf).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _ils
from .errors import DoorDataError, TurfParamsError

__all__ = ["improve_xy", "order_walk", "order_xy", "path_length"]

_EARTH_RADIUS_M = 6_371_008.8
_NEIGHBOURS = 8  # candidate list length for the local search
_BRUTE_FORCE_MAX = 7  # stops; exact enumeration up to this size
_NO_ORDER = np.zeros(0, dtype=np.int64)  # no initial order: search from nearest-neighbour paths
# effort -> (independent searches from different nearest-neighbour paths, kicks for k stops)
_EFFORTS = ("thorough", "bulk")


# --------------------------------------------------------------------------- public API


def path_length(xy: ArrayLike, order: ArrayLike, *, start: ArrayLike | None = None) -> float:
    """Length of the open path visiting ``xy[order]`` in turn.

    With ``start`` the leg from ``start`` to the first point counts too.

    >>> xy = [[0, 0], [3, 4], [3, 0]]
    >>> path_length(xy, [0, 2, 1])
    7.0
    >>> path_length(xy, [0, 2, 1], start=[0, -1])
    8.0
    """
    pts = _check_xy(xy)
    idx = np.asarray(order)
    if idx.ndim != 1 or (idx.size and not np.issubdtype(idx.dtype, np.integer)):
        raise TurfParamsError(f"order must be a 1-d sequence of integer indices, got {order!r}")
    idx = idx.astype(np.intp)
    if idx.size and (idx.min() < -len(pts) or idx.max() >= len(pts)):
        raise TurfParamsError(f"order has an index out of range for {len(pts)} points: {order!r}")
    path = pts[idx]
    if start is not None:
        path = np.vstack([_check_start(start), path])
    if len(path) < 2:
        return 0.0
    return float(np.hypot(*np.diff(path, axis=0).T).sum())


def order_xy(
    xy: ArrayLike,
    *,
    start: ArrayLike | None = None,
    seed: int | None = None,
    effort: str = "thorough",
) -> NDArray[np.intp]:
    """Order points (planar, metres) into a short open walking path.

    Returns the indices of ``xy`` in walking order; every index appears once.
    Points with identical coordinates are consecutive, in index order.  With
    ``start`` the path begins near it: the length minimised includes the leg
    from ``start`` to the first point.  ``seed`` only varies the
    perturbations of the search; the same input and seed always give the same
    order (``None`` is a fixed default seed).

    Guarantees: optimal for up to 7 distinct points; otherwise 2-opt optimal
    (up to 400 distinct points) and never longer than the nearest-neighbour
    path from ``start`` (or, without one, from the lowest-x, then lowest-y
    point).  Typically within 1% of LKH on 60-200 points.

    ``effort`` trades search for time: ``"thorough"`` (default, about 2.5 ms
    of CPU for 60 points) or ``"bulk"`` for ordering many turfs at once
    (about 1.7x less CPU at 60 points, 3x at 200, typically 0.5-1% longer;
    the guarantees above hold for both).

    >>> xy = [[0, 0], [10, 0], [1, 0], [5, 0], [1, 0]]
    >>> order_xy(xy).tolist()
    [0, 2, 4, 3, 1]
    >>> order_xy(xy, start=[11, 0]).tolist()
    [1, 3, 2, 4, 0]
    """
    pts = _check_xy(xy)
    s = None if start is None else _check_start(start)
    if seed is not None and (not isinstance(seed, (int, np.integer)) or isinstance(seed, bool)):
        raise TurfParamsError(f"seed must be an int or None, got {seed!r}")
    _check_effort(effort)
    n = len(pts)
    if n == 0:
        return np.zeros(0, dtype=np.intp)
    stops, inverse = np.unique(pts, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    stop_order = _order_stops(stops, s, 0 if seed is None else int(seed), effort)
    # expand stops: members of a stop in ascending index order
    members = np.argsort(inverse, kind="stable")
    counts = np.bincount(inverse, minlength=len(stops))
    offsets = np.concatenate([[0], np.cumsum(counts)])
    return np.concatenate([members[offsets[k] : offsets[k + 1]] for k in stop_order]).astype(
        np.intp
    )


def improve_xy(
    xy: ArrayLike,
    order: ArrayLike,
    *,
    start: ArrayLike | None = None,
    seed: int | None = None,
    effort: str = "bulk",
) -> NDArray[np.intp]:
    """Improve a given walking order of distinct points; never returns a longer one.

    For re-ordering a turf that changed a little (a few doors moved in or out): the search
    starts from ``order`` instead of nearest-neighbour paths, so it is cheaper than
    :func:`order_xy` and keeps the good parts of the old walk.  ``xy`` rows should be distinct
    points (stops); ``order`` is a permutation of their indices.

    >>> xy = [[0, 0], [1, 0], [2, 0], [3, 0], [4, 0], [5, 0], [6, 0], [7, 0], [8, 0]]
    >>> improve_xy(xy, [0, 8, 1, 7, 2, 6, 3, 5, 4]).tolist()
    [0, 1, 2, 3, 4, 5, 6, 7, 8]
    """
    pts = _check_xy(xy)
    s = None if start is None else _check_start(start)
    if seed is not None and (not isinstance(seed, (int, np.integer)) or isinstance(seed, bool)):
        raise TurfParamsError(f"seed must be an int or None, got {seed!r}")
    _check_effort(effort)
    k = len(pts)
    given = np.asarray(order)
    if given.shape != (k,) or (k and not np.issubdtype(given.dtype, np.integer)):
        raise TurfParamsError(f"order must be a permutation of range({k}), got {order!r}")
    given = given.astype(np.int64)
    if not np.array_equal(np.sort(given), np.arange(k)):
        raise TurfParamsError(f"order must be a permutation of range({k}), got {order!r}")
    if k <= _BRUTE_FORCE_MAX:  # solved exactly, so never longer than ``order``
        return _order_stops(pts, s, 0, effort) if k else given.astype(np.intp)
    dm = _dummy_matrix(pts, s)
    _, kicks = _budget(effort, k)
    out = _ils.search(
        dm, _candidates(dm, k), k, s is not None, 0 if seed is None else int(seed), 1, kicks, given
    )
    return np.asarray(out, dtype=np.intp)


def order_walk(
    doors: Sequence[Any],
    *,
    start: tuple[float, float] | None = None,
    effort: str = "thorough",
) -> list[Hashable]:
    """Order doors (objects with ``id``, ``lon``, ``lat``) into a walk; return their ids.

    Doors with the same non-``None`` ``building`` attribute, and doors at the
    same coordinates, are visited consecutively (in input order).  ``start``
    is an optional ``(lon, lat)`` where the walk begins, e.g. the car.
    ``effort`` is as in :func:`order_xy`.

    >>> from types import SimpleNamespace as D
    >>> doors = [D(id="c", lon=-93.2650, lat=44.9778), D(id="a", lon=-93.2660, lat=44.9778),
    ...          D(id="b", lon=-93.2655, lat=44.9778, building="B1"),
    ...          D(id="b2", lon=-93.2655, lat=44.9778, building="B1")]
    >>> order_walk(doors, start=(-93.2670, 44.9778))
    ['a', 'b', 'b2', 'c']
    """
    if isinstance(doors, (str, bytes)) or not isinstance(doors, Sequence):
        doors = list(doors)
    _check_effort(effort)
    if len(doors) == 0:
        raise DoorDataError("doors must not be empty, got []")
    ids: list[Hashable] = []
    seen: set[Hashable] = set()
    lonlat = np.empty((len(doors), 2), dtype=float)
    for i, door in enumerate(doors):
        try:
            did, lon, lat = door.id, door.lon, door.lat
        except AttributeError as exc:
            raise DoorDataError(
                f"doors[{i}] must have id, lon and lat attributes, got {door!r}"
            ) from exc
        try:
            if did in seen:
                raise DoorDataError(f"doors has a duplicate id {did!r} (at doors[{i}])")
        except TypeError as exc:
            raise DoorDataError(f"doors[{i}].id must be hashable, got {did!r}") from exc
        seen.add(did)
        ids.append(did)
        for name, value in (("lon", lon), ("lat", lat)):
            try:
                v = float(value)
            except (TypeError, ValueError) as exc:
                raise DoorDataError(
                    f"doors[{i}].{name} must be a number, got {value!r} (door id {did!r})"
                ) from exc
            if not math.isfinite(v):
                raise DoorDataError(
                    f"doors[{i}].{name} must be finite, got {value!r} (door id {did!r})"
                )
        lonlat[i] = (float(lon), float(lat))
    _check_lonlat_range(lonlat[:, 0], lonlat[:, 1], "doors")
    start_ll = None
    if start is not None:
        start_ll = _check_start(start)
        _check_lonlat_range(start_ll[:1], start_ll[1:], "start")

    lat0 = float(lonlat[:, 1].mean())
    lon0 = float(lonlat[0, 0])
    xy = _project(lonlat[:, 0], lonlat[:, 1], lon0, lat0)
    start_xy = None if start_ll is None else _project(start_ll[:1], start_ll[1:], lon0, lat0)[0]

    # one stop per building (at its doors' centroid); other doors stand alone
    group_of: dict[Hashable, int] = {}
    groups: list[list[int]] = []
    for i, door in enumerate(doors):
        b = getattr(door, "building", None)
        if b is None:
            groups.append([i])
            continue
        try:
            g = group_of.setdefault(("building", b), len(groups))
        except TypeError as exc:
            raise DoorDataError(f"doors[{i}].building must be hashable, got {b!r}") from exc
        if g == len(groups):
            groups.append([])
        groups[g].append(i)
    stop_xy = np.array([xy[g].mean(axis=0) for g in groups])
    order = order_xy(stop_xy, start=start_xy, effort=effort)
    return [ids[i] for g in order for i in groups[g]]


# --------------------------------------------------------------------------- validation


def _check_xy(xy: ArrayLike) -> NDArray[np.float64]:
    try:
        pts = np.asarray(xy, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DoorDataError(f"xy must be an (n, 2) array of numbers, got {xy!r}") from exc
    if pts.size == 0:
        return np.zeros((0, 2))
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise DoorDataError(f"xy must have shape (n, 2), got shape {pts.shape}")
    bad = ~np.isfinite(pts).all(axis=1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DoorDataError(f"xy must be finite, got xy[{i}] = {pts[i].tolist()}")
    return pts


def _check_effort(effort: object) -> None:
    if not isinstance(effort, str) or effort not in _EFFORTS:
        raise TurfParamsError(
            f"effort must be one of {', '.join(map(repr, _EFFORTS))}, got {effort!r}"
        )


def _check_start(start: ArrayLike) -> NDArray[np.float64]:
    try:
        s = np.asarray(start, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TurfParamsError(f"start must be a pair of numbers, got {start!r}") from exc
    if s.shape != (2,):
        raise TurfParamsError(f"start must be a pair of numbers, got {start!r}")
    if not np.isfinite(s).all():
        raise TurfParamsError(f"start must be finite, got {start!r}")
    return s


def _check_lonlat_range(lon: NDArray[np.float64], lat: NDArray[np.float64], name: str) -> None:
    bad = (np.abs(lon) > 180) | (np.abs(lat) > 90)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        where = f"{name}[{i}]" if name == "doors" else name
        error = DoorDataError if name == "doors" else TurfParamsError
        raise error(
            f"{where} must have lon in [-180, 180] and lat in [-90, 90], "
            f"got lon={float(lon[i])!r}, lat={float(lat[i])!r}"
        )


def _project(
    lon: NDArray[np.float64], lat: NDArray[np.float64], lon0: float, lat0: float
) -> NDArray[np.float64]:
    """Local equirectangular projection to metres around (lon0, lat0)."""
    dlon = (np.asarray(lon, dtype=float) - lon0 + 180.0) % 360.0 - 180.0
    dlat = np.asarray(lat, dtype=float) - lat0
    k = math.radians(1.0) * _EARTH_RADIUS_M
    return np.column_stack([dlon * k * math.cos(math.radians(lat0)), dlat * k])


# --------------------------------------------------------------------------- solver


def _order_stops(
    stops: NDArray[np.float64], start: NDArray[np.float64] | None, seed: int, effort: str
) -> NDArray[np.intp]:
    """Order distinct points; returns a permutation of ``range(len(stops))``."""
    k = len(stops)
    if k == 1:
        return np.zeros(1, dtype=np.intp)
    dm = _dummy_matrix(stops, start)
    if k <= _BRUTE_FORCE_MAX:
        return _brute_force(dm, k, start is not None)
    restarts, kicks = _budget(effort, k)
    order = _ils.search(
        dm, _candidates(dm, k), k, start is not None, seed, restarts, kicks, _NO_ORDER
    )
    return np.asarray(order, dtype=np.intp)


def _candidates(dm: NDArray[np.float64], k: int) -> NDArray[np.int64]:
    """Each node's nearest real stops (the start's row too; the dummy's row is never used)."""
    kk = min(_NEIGHBOURS, k - 1)
    sub = dm[:, :k].copy()
    sub[np.arange(k), np.arange(k)] = np.inf
    return np.ascontiguousarray(np.argsort(sub, axis=1, kind="stable")[:, :kk], dtype=np.int64)


def _dummy_matrix(
    stops: NDArray[np.float64], start: NDArray[np.float64] | None
) -> NDArray[np.float64]:
    """Distances over nodes 0..k-1 (stops), k (dummy, zero to all) and k+1 (start, if any)."""
    k = len(stops)
    nodes = stops if start is None else np.vstack([stops, start])
    real = np.hypot(*(nodes[:, None, :] - nodes[None, :, :]).transpose(2, 0, 1))
    m = k + 1 + (start is not None)
    dm = np.zeros((m, m))
    ix = [*range(k)] + ([k + 1] if start is not None else [])
    dm[np.ix_(ix, ix)] = real
    return dm


def _brute_force(dm: NDArray[np.float64], k: int, has_start: bool) -> NDArray[np.intp]:
    perms = np.array(list(itertools.permutations(range(k))), dtype=np.intp)
    cost = dm[perms[:, :-1], perms[:, 1:]].sum(axis=1)
    if has_start:
        cost += dm[k + 1, perms[:, 0]]
    best = int(np.argmin(cost))  # first minimum: deterministic
    return np.asarray(perms[best], dtype=np.intp)


def _budget(effort: str, k: int) -> tuple[int, int]:
    """(restarts, kicks) for ``k`` stops.

    ``thorough``: 3 searches sharing ``4k + min(k**2 // 50, 4k)`` kicks (mean 1.000-1.006x LKH
    at 60-200 stops, worst 1.011; half as many kicks left 200-stop streets 1.2% longer on
    average and up to 4%, and the compiled search affords them).  ``bulk``: 2 searches sharing ``k + 30`` kicks, 1.7-3x less CPU for about
    0.5-1% more walk on average (``benchmarks/walk_order.py``).  Kicks are where the time goes;
    the second search and the 30 extra kicks guard small street turfs against walking the wrong
    street first (with ``k`` kicks alone a few 60-stop streets came out 5-10% longer).
    """
    if effort == "bulk":
        return 2, k + 30
    return 3, 4 * k + min(k * k // 50, 4 * k)
