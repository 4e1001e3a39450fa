"""Inter-turf polish: relocate boundary stops into a neighbouring turf's walk when that is shorter.

The partition balances and compacts turfs by centroids; it never sees the walks. Once every
turf has a walking order, a stop on a turf boundary may lie closer to the neighbouring turf's
path than to its own, and moving it there (the "relocate" move of vehicle routing) shortens the
total walk. All paths live in two global linked lists (``prev``/``nxt`` per stop, -1 at a path
end), so a move is O(1). Each round scores, for every graph edge ``(s, v)`` between two turfs,
inserting ``s`` just before or just after ``v`` in ``v``'s path minus the gain of removing ``s``
from its own path (vectorised); then a greedy pass, best first, takes improving moves whose path
neighbourhoods are disjoint, so their gains add up exactly. A move must keep both turfs inside
their balance band, its own turf contiguous, and create no leg that crosses a barrier; private.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from ._graph import crossing_mask

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

_EPS_M = 1e-6  # a move must save more than this (metres): no churn on rounding noise


@dataclass
class Paths:
    """Open walking paths over stops as linked lists; ``turf`` -1 marks a stop not in play."""

    turf: IntArray
    prev: IntArray
    nxt: IntArray

    @classmethod
    def from_orders(cls, n_stops: int, orders: Sequence[IntArray]) -> Paths:
        """Paths from stop orders, one per turf (turf ``t`` is ``orders[t]``)."""
        turf = np.full(n_stops, -1, dtype=np.int64)
        prev = np.full(n_stops, -1, dtype=np.int64)
        nxt = np.full(n_stops, -1, dtype=np.int64)
        for t, o in enumerate(orders):
            turf[o] = t
            prev[o[1:]] = o[:-1]
            nxt[o[:-1]] = o[1:]
        return cls(turf, prev, nxt)

    def lengths(self, xy: FloatArray, k: int) -> FloatArray:
        """Path length of each of the turfs 0..k-1."""
        legs = np.flatnonzero((self.turf >= 0) & (self.nxt >= 0))
        d = np.hypot(*(xy[legs] - xy[self.nxt[legs]]).T)
        out: FloatArray = np.bincount(self.turf[legs], weights=d, minlength=k)
        return out

    def relink(self, order: IntArray) -> None:
        """Make ``order`` (all stops of one turf) that turf's path."""
        self.prev[order[0]] = -1
        self.nxt[order[-1]] = -1
        self.prev[order[1:]] = order[:-1]
        self.nxt[order[:-1]] = order[1:]

    def orders(self, turfs: IntArray) -> list[IntArray]:
        """Stop orders of ``turfs`` (sorted), each from its path's head.

        A stop's rank is its number of steps from the head, found by pointer jumping (each
        pass doubles the jump): O(n log L) vectorised instead of walking every list in Python.
        """
        stops = np.flatnonzero(np.isin(self.turf, turfs))
        rank = np.zeros(len(self.turf), dtype=np.int64)
        rank[stops] = self.prev[stops] >= 0
        jump = self.prev.copy()
        active = stops[jump[stops] >= 0]
        while len(active):
            j = jump[active]
            rank[active] += rank[j]
            jump[active] = jump[j]
            active = active[jump[active] >= 0]
        sorted_stops = stops[np.lexsort((rank[stops], self.turf[stops]))]
        bounds = np.searchsorted(self.turf[sorted_stops], turfs)
        ends = np.searchsorted(self.turf[sorted_stops], turfs, side="right")
        return [sorted_stops[a:b] for a, b in zip(bounds.tolist(), ends.tolist())]


@dataclass(frozen=True)
class _Rings:
    """Each stop's graph neighbours sorted by angle, and which consecutive pairs are adjacent.

    If the neighbours of ``s`` in its turf form one run of consecutive, pairwise adjacent
    neighbours, every path through ``s`` in the turf can go round it: the turf stays connected
    without ``s``. That local test is sufficient (never accepts a disconnecting move) and cheap.
    """

    src: IntArray
    dst: IntArray
    ring_next: IntArray  # slot of the next neighbour around src (cyclic)
    linked: BoolArray  # dst of this slot and of ring_next are adjacent
    indptr: IntArray

    @classmethod
    def build(cls, xy: FloatArray, edges: IntArray) -> _Rings:
        m = len(xy)
        src = np.concatenate([edges[:, 0], edges[:, 1]])
        dst = np.concatenate([edges[:, 1], edges[:, 0]])
        d = xy[dst] - xy[src]
        o = np.lexsort((np.arctan2(d[:, 1], d[:, 0]), src))
        src, dst = src[o], dst[o]
        indptr = np.searchsorted(src, np.arange(m + 1))
        slot = np.arange(len(src))
        ring_next = np.where(slot + 1 == indptr[src + 1], indptr[src], slot + 1)
        lo, hi = np.minimum(edges[:, 0], edges[:, 1]), np.maximum(edges[:, 0], edges[:, 1])
        keys = np.sort(lo * m + hi)
        a, b = dst, dst[ring_next]
        q = np.minimum(a, b) * m + np.maximum(a, b)
        pos = np.minimum(np.searchsorted(keys, q), max(len(keys) - 1, 0))
        linked = (a != b) & (keys[pos] == q) if len(keys) else np.zeros(len(q), dtype=bool)
        return cls(src, dst, ring_next, linked, indptr)

    def removable(self, turf: IntArray) -> BoolArray:
        """Per stop: its turf provably stays connected without it (local ring test)."""
        m = len(turf)
        same = (turf[self.dst] == turf[self.src]) & (turf[self.src] >= 0)
        n_same = np.bincount(self.src, weights=same, minlength=m)
        linked = same & same[self.ring_next] & self.linked
        links = np.bincount(self.src, weights=linked, minlength=m)
        out: BoolArray = (n_same >= 1) & (n_same - links <= 1)
        return out


def polish(
    xy: FloatArray,
    cost: FloatArray,
    edges: IntArray,
    contiguity_edges: IntArray,
    paths: Paths,
    lo: FloatArray,
    hi: FloatArray,
    *,
    reorder: Callable[[IntArray], IntArray],
    walk_hi: FloatArray | None = None,
    per_metre: float = 0.0,
    barriers: tuple[BaseGeometry, ...] = (),
    passes: int = 2,
    rounds: int = 12,
    shed_above: FloatArray | None = None,
    shed_cost: float = 2.0,
) -> IntArray:
    """Relocate boundary stops between turfs while the total path length drops; in place.

    ``edges`` are the stop pairs a stop may move across (both in play); ``contiguity_edges``
    the graph each turf must stay connected in (``edges`` is a subset). ``lo``/``hi`` bound
    each turf's load, its summed ``cost`` plus ``per_metre`` times its path length (time
    mode: service minutes plus walking minutes): a move never takes a turf below ``lo`` or
    above ``hi`` (a turf already outside only moves towards its band). No move makes a walk
    longer than ``walk_hi`` of its turf (if given): the total drops, but no turf may become
    the one very long walk of the plan. After each pass of up
    to ``rounds`` rounds, ``reorder`` gets each changed turf's stops in walking order and
    returns a walk over them at least as short; the next pass starts from those walks (a new
    order exposes new moves). Returns the turfs that changed.

    With ``shed_above`` (per turf; inf for most) the moves are not the ones that shorten the
    total but the ones that shorten a long walk: a stop leaves a turf whose walk is over its
    ``shed_above`` whenever inserting it elsewhere costs at most ``shed_cost`` times what its
    turf's walk saves. The plan walks a little more in all, but its longest walk drops; the
    receiving turfs stay within ``walk_hi`` and every other rule holds as above.
    """
    turf = paths.turf
    k = int(turf.max()) + 1
    changed = np.zeros(max(k, 0), dtype=bool)
    if len(edges) == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64)
    rings = _Rings.build(xy, contiguity_edges)
    s_all = np.concatenate([edges[:, 0], edges[:, 1]])
    v_all = np.concatenate([edges[:, 1], edges[:, 0]])
    play = (turf[s_all] >= 0) & (turf[v_all] >= 0)
    s_all, v_all = s_all[play], v_all[play]
    count = np.bincount(turf[turf >= 0], minlength=k)
    limits = _Limits(
        lo,
        hi,
        np.full(k, np.inf) if walk_hi is None else walk_hi,
        None if shed_above is None else _Shed(shed_above, shed_cost),
    )
    for _ in range(passes):
        walk = paths.lengths(xy, k)
        load = np.bincount(turf[turf >= 0], weights=cost[turf >= 0], minlength=k)
        tally = _Tally(load + per_metre * walk, count, walk)
        changed_now = np.zeros(k, dtype=bool)
        for _ in range(rounds):
            moves = _candidates(
                xy, cost, per_metre, paths, rings, s_all, v_all, tally, limits, barriers
            )
            chosen = _choose(moves, rings, tally, limits)
            if not len(chosen):
                break
            _apply(paths, moves, chosen)
            changed_now[moves.a[chosen]] = True
            changed_now[moves.b[chosen]] = True
        if not changed_now.any():
            break
        turfs = np.flatnonzero(changed_now)
        for order in paths.orders(turfs):
            paths.relink(reorder(order))
        changed |= changed_now
    return np.flatnonzero(changed)


@dataclass(frozen=True)
class _Limits:
    """Per turf: load bounds, and the longest walk a move may leave it with."""

    lo: FloatArray
    hi: FloatArray
    walk_hi: FloatArray
    shed: _Shed | None = None


@dataclass(frozen=True)
class _Shed:
    """Shed mode: turfs whose walk is over ``above`` give stops away, paying up to ``cost``x."""

    above: FloatArray
    cost: float


@dataclass(frozen=True)
class _Tally:
    """Per turf running totals: load, stops, walk length (arrays updated in place)."""

    load: FloatArray
    count: IntArray
    walk: FloatArray


@dataclass(frozen=True)
class _Moves:
    """Improving relocations, best first: stop ``s`` from turf ``a`` next to ``v`` in ``b``."""

    s: IntArray
    p: IntArray  # s's path neighbours (-1 at a path end)
    n: IntArray
    v: IntArray
    w: IntArray  # v's path neighbour on the insertion side (-1 at a path end)
    after: BoolArray  # insert after v (else before)
    a: IntArray
    b: IntArray
    load_out: FloatArray  # load a loses, load b gains
    load_in: FloatArray
    gain: FloatArray  # walk a loses, walk b gains
    ins: FloatArray


def _dist(xy: FloatArray, i: IntArray, j: IntArray) -> FloatArray:
    """Distances between stops ``i`` and ``j``; 0 where either is -1 (no leg)."""
    d: FloatArray = np.hypot(*(xy[i] - xy[j]).T)
    return np.where((i >= 0) & (j >= 0), d, 0.0)


def _candidates(
    xy: FloatArray,
    cost: FloatArray,
    per_metre: float,
    paths: Paths,
    rings: _Rings,
    s_all: IntArray,
    v_all: IntArray,
    tally: _Tally,
    limits: _Limits,
    barriers: tuple[BaseGeometry, ...],
) -> _Moves:
    turf, prev, nxt = paths.turf, paths.prev, paths.nxt
    cross = turf[s_all] != turf[v_all]
    s, v = s_all[cross], v_all[cross]
    a, b = turf[s], turf[v]
    c = cost[s]
    size, lo, hi = tally.load, limits.lo, limits.hi
    # paths only add load (per_metre >= 0): the static part already rules most moves out
    ok = (size[a] - c >= lo[a] - 1e-9) & (size[b] + c <= hi[b] + 1e-9) & (tally.count[a] >= 2)
    ok &= rings.removable(turf)[s]
    s, v, a, b, c = s[ok], v[ok], a[ok], b[ok], c[ok]
    p, n = prev[s], nxt[s]
    gain = _dist(xy, p, s) + _dist(xy, s, n) - np.where((p >= 0) & (n >= 0), _dist(xy, p, n), 0.0)
    sv = _dist(xy, s, v)
    w_before, w_after = prev[v], nxt[v]
    ins_before = sv + _dist(xy, s, w_before) - _dist(xy, v, w_before)
    ins_after = sv + _dist(xy, s, w_after) - _dist(xy, v, w_after)
    after = ins_after < ins_before
    w = np.where(after, w_after, w_before)
    ins = np.minimum(ins_before, ins_after)
    delta = ins - gain
    load_out, load_in = c + per_metre * gain, c + per_metre * ins
    if limits.shed is None:
        good = delta < -_EPS_M
    else:
        shed = limits.shed
        good = (tally.walk[a] > shed.above[a]) & (gain > _EPS_M) & (ins <= shed.cost * gain)
    good &= tally.walk[b] + ins <= limits.walk_hi[b] + 1e-9
    if per_metre:
        good &= (size[a] - load_out >= lo[a] - 1e-9) & (size[b] + load_in <= hi[b] + 1e-9)
    s, v, w, after, a, b, load_out, load_in, gain, ins, delta = (
        x[good] for x in (s, v, w, after, a, b, load_out, load_in, gain, ins, delta)
    )
    if barriers and len(s):
        # new legs: p-n where s leaves, s-w where it enters (s-v is a graph edge: no crossing)
        p, n = prev[s], nxt[s]
        both = (p >= 0) & (n >= 0)
        bad = np.zeros(len(s), dtype=bool)
        bad[both] = crossing_mask(xy[p[both]], xy[n[both]], barriers)
        has_w = w >= 0
        bad[has_w] |= crossing_mask(xy[s[has_w]], xy[w[has_w]], barriers)
        s, v, w, after, a, b, load_out, load_in, gain, ins, delta = (
            x[~bad] for x in (s, v, w, after, a, b, load_out, load_in, gain, ins, delta)
        )
    o = np.lexsort((v, s, delta))
    s = s[o]
    return _Moves(
        s, prev[s], nxt[s], v[o], w[o], after[o], a[o], b[o], load_out[o], load_in[o],
        gain[o], ins[o],
    )  # fmt: skip


def _choose(moves: _Moves, rings: _Rings, tally: _Tally, limits: _Limits) -> IntArray:
    """Greedy, best first: moves with disjoint path neighbourhoods, within balance, contiguous.

    Disjoint neighbourhoods (s, its path neighbours, v and w) make the gains exact and
    additive. Two stops leaving the same turf must not be graph neighbours: each ring test
    assumed the other stayed. ``tally`` is updated for the chosen moves.
    """
    size, count, walk = tally.load, tally.count, tally.walk
    lo, hi, walk_hi, shed = limits.lo, limits.hi, limits.walk_hi, limits.shed
    touched: set[int] = set()
    left: dict[int, int] = {}  # stop -> the turf it left this round
    chosen: list[int] = []
    for i, (s, v, w, a, b, p, n, out, into, gain, ins) in enumerate(
        zip(
            moves.s.tolist(),
            moves.v.tolist(),
            moves.w.tolist(),
            moves.a.tolist(),
            moves.b.tolist(),
            moves.p.tolist(),
            moves.n.tolist(),
            moves.load_out.tolist(),
            moves.load_in.tolist(),
            moves.gain.tolist(),
            moves.ins.tolist(),
        )
    ):
        if s in touched or v in touched or w in touched or p in touched or n in touched:
            continue
        if size[a] - out < lo[a] - 1e-9 or size[b] + into > hi[b] + 1e-9 or count[a] < 2:
            continue
        if walk[b] + ins > walk_hi[b] + 1e-9:
            continue
        if shed is not None and walk[a] <= shed.above[a]:
            continue  # short enough now: no more detours for it
        ring = rings.dst[rings.indptr[s] : rings.indptr[s + 1]].tolist()
        if any(left.get(u) == a for u in ring):
            continue
        chosen.append(i)
        touched.update((s, v, w, p, n))
        touched.discard(-1)
        left[s] = a
        size[a] -= out
        size[b] += into
        walk[a] -= gain
        walk[b] += ins
        count[a] -= 1
        count[b] += 1
    return np.asarray(chosen, dtype=np.int64)


def _apply(paths: Paths, moves: _Moves, chosen: IntArray) -> None:
    """Unlink each chosen stop and link it next to its ``v``; neighbourhoods are disjoint."""
    prev, nxt = paths.prev, paths.nxt
    s, p, n = moves.s[chosen], moves.p[chosen], moves.n[chosen]
    v, w, after = moves.v[chosen], moves.w[chosen], moves.after[chosen]
    nxt[p[p >= 0]] = n[p >= 0]
    prev[n[n >= 0]] = p[n >= 0]
    # after v: v -> s -> w; before v: w -> s -> v
    first = np.where(after, v, w)
    second = np.where(after, w, v)
    prev[s] = first
    nxt[s] = second
    nxt[first[first >= 0]] = s[first >= 0]
    prev[second[second >= 0]] = s[second >= 0]
    paths.turf[s] = moves.b[chosen]
