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
3. Construction by nearest neighbour, then local search with 2-opt and Or-opt
   (segments of 1-3 stops, both orientations) over K-nearest-neighbour
   candidate lists with don't-look bits; every step evaluates all candidate
   moves of the active stops at once with numpy.
4. Iterated local search: a fixed number of local double-bridge kicks, each
   repaired by the local search and kept if no longer.  The kick count
   depends only on the number of stops, so results are reproducible.
5. A final exhaustive 2-opt pass makes the result 2-opt optimal; turfs of up
   to 7 stops are solved exactly by enumeration.

Distances are Euclidean in metres; :func:`order_walk` projects lon/lat once
with a local equirectangular projection (error well under 0.1% over a turf).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import DoorDataError, TurfParamsError

__all__ = ["order_xy", "order_walk", "path_length"]

_EARTH_RADIUS_M = 6_371_008.8
_NEIGHBOURS = 10  # candidate list length for the local search
_BRUTE_FORCE_MAX = 7  # stops; exact enumeration up to this size
_FULL_2OPT_MAX = 400  # tour nodes; exhaustive final 2-opt pass up to this size
_KICK_SPAN = 8  # maximum block length of a double-bridge kick


class _DoorLike(Protocol):
    @property
    def id(self) -> Hashable: ...

    @property
    def lon(self) -> float: ...

    @property
    def lat(self) -> float: ...


# --------------------------------------------------------------------------- public API


def path_length(
    xy: ArrayLike, order: ArrayLike, *, start: ArrayLike | None = None
) -> float:
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
    if idx.size and (idx.min() < -len(pts) or idx.max() >= len(pts)):
        raise TurfParamsError(f"order has an index out of range for {len(pts)} points: {order!r}")
    path = pts[idx]
    if start is not None:
        path = np.vstack([_check_start(start), path])
    if len(path) < 2:
        return 0.0
    return float(np.hypot(*np.diff(path, axis=0).T).sum())


def order_xy(
    xy: ArrayLike, *, start: ArrayLike | None = None, seed: int | None = None
) -> NDArray[np.intp]:
    """Order points (planar, metres) into a short open walking path.

    Returns the indices of ``xy`` in walking order; every index appears once.
    Points with identical coordinates are consecutive, in index order.  With
    ``start`` the path begins near it: the length minimised includes the leg
    from ``start`` to the first point.  ``seed`` only varies the
    perturbations of the search; the same input and seed always give the same
    order (``None`` is a fixed default seed).

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
    n = len(pts)
    if n == 0:
        return np.zeros(0, dtype=np.intp)
    stops, inverse = np.unique(pts, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    stop_order = _order_stops(stops, s, 0 if seed is None else int(seed))
    # expand stops: members of a stop in ascending index order
    members = np.argsort(inverse, kind="stable")
    counts = np.bincount(inverse, minlength=len(stops))
    offsets = np.concatenate([[0], np.cumsum(counts)])
    return np.concatenate(
        [members[offsets[k] : offsets[k + 1]] for k in stop_order]
    ).astype(np.intp)


def order_walk(
    doors: Sequence[Any], *, start: tuple[float, float] | None = None
) -> list[Hashable]:
    """Order doors (objects with ``id``, ``lon``, ``lat``) into a walk; return their ids.

    Doors with the same non-``None`` ``building`` attribute, and doors at the
    same coordinates, are visited consecutively (in input order).  ``start``
    is an optional ``(lon, lat)`` where the walk begins, e.g. the car.

    >>> from types import SimpleNamespace as D
    >>> doors = [D(id="c", lon=-93.2650, lat=44.9778), D(id="a", lon=-93.2660, lat=44.9778),
    ...          D(id="b", lon=-93.2655, lat=44.9778, building="B1"),
    ...          D(id="b2", lon=-93.2655, lat=44.9778, building="B1")]
    >>> order_walk(doors, start=(-93.2670, 44.9778))
    ['a', 'b', 'b2', 'c']
    """
    if isinstance(doors, (str, bytes)) or not isinstance(doors, Sequence):
        doors = list(doors)
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
    order = order_xy(stop_xy, start=start_xy)
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
    stops: NDArray[np.float64], start: NDArray[np.float64] | None, seed: int
) -> NDArray[np.intp]:
    """Order distinct points; returns a permutation of ``range(len(stops))``."""
    k = len(stops)
    if k == 1:
        return np.zeros(1, dtype=np.intp)
    # nodes: 0..k-1 stops, k = dummy (zero distances), k+1 = start (if any)
    nodes = stops if start is None else np.vstack([stops, start])
    real = np.hypot(*(nodes[:, None, :] - nodes[None, :, :]).transpose(2, 0, 1))
    m = k + 1 + (start is not None)
    dm = np.zeros((m, m))
    ix = [*range(k)] + ([k + 1] if start is not None else [])
    dm[np.ix_(ix, ix)] = real
    if k <= _BRUTE_FORCE_MAX:
        return _brute_force(dm, k, start is not None)
    return _Search(dm, k, start is not None, seed).run()


def _brute_force(dm: NDArray[np.float64], k: int, has_start: bool) -> NDArray[np.intp]:
    perms = np.array(list(itertools.permutations(range(k))), dtype=np.intp)
    cost = dm[perms[:, :-1], perms[:, 1:]].sum(axis=1)
    if has_start:
        cost += dm[k + 1, perms[:, 0]]
    best = int(np.argmin(cost))  # first minimum: deterministic
    return perms[best]


class _Search:
    """Local search over a cyclic tour ``t`` with the dummy node at position 0."""

    def __init__(self, dm: NDArray[np.float64], k: int, has_start: bool, seed: int) -> None:
        self.dm = dm
        self.k = k
        self.m = len(dm)
        self.has_start = has_start
        self.rng = np.random.default_rng(seed)
        self.eps = 1e-9 * max(1.0, float(dm.max()))
        # positions a may not be before: 2-opt first edge, Or-opt segment start, insertion edge
        self.lo_a = 1 if has_start else 0
        self.lo_seg = 2 if has_start else 1
        # candidate lists over real stops; the start node gets them too
        K = min(_NEIGHBOURS, k - 1)
        sub = dm[:, :k].copy()
        sub[np.arange(k), np.arange(k)] = np.inf
        nbr = np.argsort(sub, axis=1, kind="stable")[:, :K]
        self.nbr = nbr  # the dummy's row is never used; the start's row is its nearest stops
        self.movable = np.array([*range(k)] + ([k + 1] if has_start else []), dtype=np.intp)

    # -- tour bookkeeping
    def _set(self, t: NDArray[np.intp]) -> None:
        self.t = t
        self.pos = np.empty(self.m, dtype=np.intp)
        self.pos[t] = np.arange(self.m)
        self.e = self.dm[t, np.roll(t, -1)]

    def length(self) -> float:
        return float(self.e.sum())

    def _initial(self) -> NDArray[np.intp]:
        k, dm = self.k, self.dm
        cur = k + 1 if self.has_start else 0
        unvisited = np.ones(k, dtype=bool)
        path = [] if self.has_start else [0]
        if not self.has_start:
            unvisited[0] = False
        row = np.empty(k)
        for _ in range(k - len(path)):
            row[:] = dm[cur, :k]
            row[~unvisited] = np.inf
            cur = int(np.argmin(row))
            unvisited[cur] = False
            path.append(cur)
        head = [k, k + 1] if self.has_start else [k]
        return np.array(head + path, dtype=np.intp)

    # -- move evaluation
    def _step(self, active: NDArray[np.intp]) -> tuple[NDArray[np.intp], tuple[Any, ...] | None]:
        """Best improving move among the active nodes' candidates.

        Returns the nodes that still have an improving move, and the move.
        """
        t, pos, e, dm, m = self.t, self.pos, self.e, self.dm, self.m
        P = pos[active][:, None]  # (a, 1)
        Q = pos[self.nbr[active]]  # (a, K)
        lo = np.minimum(P, Q)
        hi = np.maximum(P, Q)
        # 2-opt: reverse t[a+1..b]; new edges (t[a], t[b]) and (t[a+1], t[b+1])
        A = np.concatenate([lo, lo - 1], axis=1)
        B = np.concatenate([hi, hi - 1], axis=1)
        ok2 = (A >= self.lo_a) & (B >= A + 2)
        Ac = np.clip(A, 0, m - 1)
        Bc = np.clip(B, 0, m - 1)
        d2 = dm[t[Ac], t[Bc]] + dm[t[(Ac + 1) % m], t[(Bc + 1) % m]] - e[Ac] - e[Bc]
        d2 = np.where(ok2, d2, np.inf)
        # Or-opt: move t[s..s+L-1] between t[c] and t[c+1], forward or reversed
        Pq = np.broadcast_to(P, Q.shape)
        Ls = np.arange(1, 4)[:, None, None]  # (3, 1, 1)
        S = np.stack([np.broadcast_to(Pq, (3, *Q.shape))] * 2 + [Pq - Ls + 1] * 2, axis=1)
        Qb = np.broadcast_to(Q, (3, *Q.shape))
        C = np.stack([Qb, Qb - 1, Qb - 1, Qb], axis=1)
        R = np.array([False, True, False, True])[None, :, None, None]
        L = Ls[:, :, :, None]  # (3,1,1,1)
        # shapes: S, C -> (3, 4, a, K)
        SE = S + L - 1
        okr = (S >= self.lo_seg) & (SE <= m - 1) & (C >= self.lo_a) & (C <= m - 1)
        okr &= (C < S - 1) | (C > SE)
        Sc = np.clip(S, 1, m - 1)
        SEc = np.clip(SE, 0, m - 1)
        Cc = np.clip(C, 0, m - 1)
        tS, tSE, tC, tC1 = t[Sc], t[SEc], t[Cc], t[(Cc + 1) % m]
        rem = dm[t[Sc - 1], t[(SEc + 1) % m]] - e[Sc - 1] - e[SEc]
        ins = np.where(R, dm[tC, tSE] + dm[tS, tC1], dm[tC, tS] + dm[tSE, tC1]) - e[Cc]
        dr = np.where(okr, rem + ins, np.inf)
        a = len(active)
        allv = np.concatenate([d2, dr.transpose(2, 0, 1, 3).reshape(a, -1)], axis=1)
        node_best = allv.min(axis=1)
        still = active[node_best < -self.eps]
        if len(still) == 0:
            return still, None
        r = int(np.argmin(node_best))
        col = int(np.argmin(allv[r]))
        n2 = d2.shape[1]
        if col < n2:
            return still, ("2opt", int(A[r, col]), int(B[r, col]))
        col -= n2
        Kn = Q.shape[1]
        li, vi, kk = col // (4 * Kn), (col // Kn) % 4, col % Kn
        return still, (
            "or",
            int(S[li, vi, r, kk]),
            int(L[li, 0, 0, 0]),
            int(C[li, vi, r, kk]),
            bool(vi % 2),
        )

    def _apply(self, move: tuple[Any, ...]) -> NDArray[np.intp]:
        t, m = self.t, self.m
        if move[0] == "2opt":
            _, a, b = move
            touched = t[[a, a + 1, b, (b + 1) % m]]
            nt = np.concatenate([t[: a + 1], t[a + 1 : b + 1][::-1], t[b + 1 :]])
        else:
            _, s, L, c, rev = move
            se = s + L - 1
            touched = t[[s - 1, s, se, (se + 1) % m, c, (c + 1) % m]]
            seg = t[s : se + 1][::-1] if rev else t[s : se + 1]
            if c < s:
                nt = np.concatenate([t[: c + 1], seg, t[c + 1 : s], t[se + 1 :]])
            else:
                nt = np.concatenate([t[:s], t[se + 1 : c + 1], seg, t[c + 1 :]])
        self._set(nt)
        return touched

    def _local_search(self, active: NDArray[np.intp]) -> None:
        dummy = self.k
        while len(active):
            still, move = self._step(active)
            if move is None:
                return
            touched = self._apply(move)
            active = np.union1d(still, touched[touched != dummy])

    def _kick(self) -> NDArray[np.intp]:
        """Local double bridge: swap two short adjacent blocks of the path."""
        t, m = self.t, self.m
        span = min(_KICK_SPAN, (m - self.lo_seg) // 3)
        l1, l2 = (int(v) for v in self.rng.integers(1, span + 1, size=2))
        p1 = int(self.rng.integers(self.lo_seg, m - l1 - l2 + 1))
        p2, p3 = p1 + l1, p1 + l1 + l2
        touched = t[[p1 - 1, p1, p2 - 1, p2, p3 - 1, p3 % m]]
        self._set(np.concatenate([t[:p1], t[p2:p3], t[p1:p2], t[p3:]]))
        return touched[touched != self.k]

    def _full_2opt(self) -> None:
        m, lo = self.m, self.lo_a
        iu = np.triu_indices(m, 2)
        keep = iu[0] >= lo
        A, B = iu[0][keep], iu[1][keep]
        while True:
            t, e, dm = self.t, self.e, self.dm
            d = dm[t[A], t[B]] + dm[t[A + 1], t[(B + 1) % m]] - e[A] - e[B]
            j = int(np.argmin(d))
            if d[j] >= -self.eps:
                return
            self._apply(("2opt", int(A[j]), int(B[j])))

    def run(self, kicks: int | None = None) -> NDArray[np.intp]:
        self._set(self._initial())
        self._local_search(self.movable)
        if kicks is None:
            kicks = _kicks_for(self.k)
        best_t, best_len = self.t.copy(), self.length()
        for _ in range(kicks):
            touched = self._kick()
            self._local_search(np.unique(touched))
            cur = self.length()
            if cur <= best_len + self.eps:
                if cur < best_len - self.eps:
                    best_t, best_len = self.t.copy(), cur
                else:
                    best_t = self.t.copy()
            else:
                self._set(best_t.copy())
        self._set(best_t)
        if self.m <= _FULL_2OPT_MAX:
            self._full_2opt()
        path = self.t[2:] if self.has_start else self.t[1:]
        return path.astype(np.intp)


def _kicks_for(k: int) -> int:
    return 30 + k
