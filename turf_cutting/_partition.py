"""Balanced, compact, contiguous partition of weighted points on a graph; private.

Pipeline: per connected component, weighted recursive bisection (best of four directions by
inertia); then vectorised boundary moves towards turf centroids under a balance band; then
contiguity repair (fragments join a neighbouring turf) and balance repair by merge-and-split of
adjacent pairs (compact bisection, or a minimum-spanning-tree cut when that is not contiguous).
In door mode two more merge-and-split passes follow: one evens out door counts that contiguity
repair left uneven, one lets turfs with a long walk (estimated by their spanning tree) hand
doors to a neighbour with a short one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import breadth_first_order, minimum_spanning_tree

from ._arrays import unique_inverse
from ._graph import components

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

_DIRECTIONS = np.array(
    [[1.0, 0.0], [0.0, 1.0], [math.sqrt(0.5), math.sqrt(0.5)], [math.sqrt(0.5), -math.sqrt(0.5)]]
)


_BIAS_RATE = 0.5


@dataclass(frozen=True)
class Balance:
    """Per-turf cost bounds: ``lo``/``hi`` hard, ``target`` preferred; ``tol`` the band."""

    target: float
    lo: float
    hi: float
    tol: float = 0.12
    by_ceiling: bool = False  # time mode: k = ceil(W / target)

    def parts(self, weight: float) -> int:
        if weight <= 0:
            return 1
        if self.by_ceiling:
            return max(1, math.ceil(weight / self.target - 1e-9))
        k = max(1, round(weight / self.target))
        k_min = max(1, math.ceil(weight / self.hi - 1e-9))
        k_max = max(1, math.floor(weight / self.lo + 1e-9)) if self.lo > 0 else k
        if k_min <= k_max:
            k = min(max(k, k_min), k_max)
        else:
            k = k_min
        return k


def partition(
    xy: FloatArray,
    cost: FloatArray,
    edges: IntArray,
    balance: Balance,
    *,
    rounds: int = 120,
    one_more: NDArray[np.bool_] | None = None,
    spread: float = 0.1,
    guard_walks: bool = True,
) -> IntArray:
    """Labels 0..k-1 for each point; every label induces a connected subgraph.

    A connected group holding a point marked in ``one_more`` gets one turf more than its
    weight asks for. ``spread`` and ``guard_walks`` go to the evening out of door sizes
    (:func:`even_sizes_and_walks`).
    """
    n = len(xy)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    ncomp, comp = components(n, edges)
    labels = np.empty(n, dtype=np.int64)
    part_target = []
    next_label = 0
    order = np.argsort(comp, kind="stable")
    bounds = np.searchsorted(comp[order], np.arange(ncomp + 1))
    for c in range(ncomp):
        idx = order[bounds[c] : bounds[c + 1]]
        w = float(cost[idx].sum())
        k = balance.parts(w)
        if one_more is not None and one_more[idx].any():
            k += 1
        next_label = _bisect(xy, cost, idx, k, labels, next_label)
        part_target.extend([w / k] * k)
    target = np.asarray(part_target)
    labels = _refine(xy, cost, edges, labels, target, balance, rounds)
    labels = make_contiguous(cost, edges, labels)
    labels = _rebalance(xy, cost, edges, labels, balance)
    if not balance.by_ceiling:
        labels = even_sizes_and_walks(
            xy, cost, edges, labels, balance, spread=spread, guard_walks=guard_walks
        )
    return relabel(labels)


def even_sizes_and_walks(
    xy: FloatArray,
    cost: FloatArray,
    edges: IntArray,
    labels: IntArray,
    balance: Balance,
    *,
    group: IntArray | None = None,
    spread: float = 0.1,
    walks: bool = True,
    guard_walks: bool = True,
) -> IntArray:
    """Door mode: even out turf sizes, then shorten the longest walks, by re-splitting pairs.

    Only adjacent pairs are re-split, into two contiguous parts within [lo, hi]. Turfs out of
    bounds or more than ``spread`` off the mean size are evened out (out-of-bounds ones, and
    all of them without ``guard_walks``, with no walk guard); with ``walks``, long walks are
    shortened (:func:`_shorten_long`). A turf that
    is a whole connected group below ``lo`` (a barrier pocket) is left alone. With ``group``
    (precinct codes, -1 for none), no group of at most ``hi`` in weight is divided.
    """
    if len(labels) == 0:
        return labels
    n = len(xy)
    _, comp = components(n, edges)
    pocket = np.bincount(comp, weights=cost)[comp] < balance.lo - 1e-9
    whole = None
    if group is not None:
        g_weight = np.bincount(np.maximum(group, 0), weights=np.where(group >= 0, cost, 0.0))
        small = (group >= 0) & (g_weight[np.maximum(group, 0)] <= balance.hi + 1e-9)
        whole = np.where(small, group, -1)
    proxy = turf_mst(xy, edges, labels, int(labels.max()) + 1)
    labels = _even_out(xy, cost, edges, labels, balance, pocket, proxy, whole, spread, guard_walks)
    if not walks:
        return labels
    return _shorten_long(xy, cost, edges, labels, balance, pocket, proxy, whole)


def relabel(labels: IntArray) -> IntArray:
    """Renumber labels 0..k-1 in order of first appearance."""
    _, inv = unique_inverse(labels)
    first = np.full(int(inv.max()) + 1, len(labels), dtype=np.int64)
    np.minimum.at(first, inv, np.arange(len(labels)))
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inv]


def _best_split(
    xy: FloatArray, cost: FloatArray, idx: IntArray, frac: float
) -> tuple[IntArray, IntArray]:
    """Split ``idx`` into weight shares ``frac`` and ``1 - frac`` along the best direction.

    Of four directions, the one whose two halves have the least total inertia (sum of weighted
    squared distances to each half's centroid) wins; inertia comes from prefix sums.
    """
    pts = xy[idx]
    pts = pts - pts.mean(axis=0)
    w = cost[idx]
    total = float(w.sum())
    want = frac * total
    wx, wy = w * pts[:, 0], w * pts[:, 1]
    wq = w * (pts[:, 0] ** 2 + pts[:, 1] ** 2)
    tx, ty, tq = float(wx.sum()), float(wy.sum()), float(wq.sum())
    best: tuple[float, IntArray, int] | None = None
    for d in _DIRECTIONS:
        o = np.argsort(pts @ d, kind="stable")
        cw = np.cumsum(w[o])
        s = int(np.searchsorted(cw, want - 1e-9)) + 1
        if s > 1 and abs(cw[s - 2] - want) < abs(cw[s - 1] - want):
            s -= 1
        s = min(max(s, 1), len(o) - 1)
        lw = float(cw[s - 1])
        lx, ly, lq = float(wx[o[:s]].sum()), float(wy[o[:s]].sum()), float(wq[o[:s]].sum())
        rw = total - lw
        score = (lq - (lx * lx + ly * ly) / max(lw, 1e-12)) + (
            (tq - lq) - ((tx - lx) ** 2 + (ty - ly) ** 2) / max(rw, 1e-12)
        )
        if best is None or score < best[0] - 1e-9 * abs(best[0]):
            best = (score, o, s)
    assert best is not None
    _, o, s = best
    return idx[o[:s]], idx[o[s:]]


def _bisect(
    xy: FloatArray, cost: FloatArray, idx: IntArray, k: int, labels: IntArray, next_label: int
) -> int:
    stack = [(idx, k)]
    out: list[tuple[IntArray, int]] = []
    while stack:
        part, kk = stack.pop()
        if kk <= 1 or len(part) <= 1:
            out.append((part, kk))
            continue
        k1 = kk // 2
        left, right = _best_split(xy, cost, part, k1 / kk)
        stack.append((right, kk - k1))
        stack.append((left, k1))
    for part, _ in out:
        labels[part] = next_label
        next_label += 1
    return next_label


def _centroids(xy: FloatArray, cost: FloatArray, labels: IntArray, k: int) -> FloatArray:
    size = np.bincount(labels, weights=cost, minlength=k)
    safe = np.where(size > 0, size, 1.0)
    cx = np.bincount(labels, weights=cost * xy[:, 0], minlength=k) / safe
    cy = np.bincount(labels, weights=cost * xy[:, 1], minlength=k) / safe
    return np.column_stack([cx, cy])


def _refine(
    xy: FloatArray,
    cost: FloatArray,
    edges: IntArray,
    labels: IntArray,
    target: FloatArray,
    balance: Balance,
    rounds: int,
) -> IntArray:
    """Move boundary points to the adjacent turf with the nearer centroid, within the band."""
    k = len(target)
    if k < 2 or len(edges) == 0:
        return labels
    labels = labels.copy()
    lo_b = np.maximum(target * (1 - balance.tol), balance.lo)
    hi_b = np.minimum(target * (1 + balance.tol), balance.hi)
    ea, eb = edges[:, 0], edges[:, 1]
    bias = np.zeros(k)  # power-diagram offsets: push points out of heavy turfs
    c = _centroids(xy, cost, labels, k)
    spread = np.bincount(labels, weights=((xy - c[labels]) ** 2).sum(axis=1) * cost, minlength=k)
    size = np.bincount(labels, weights=cost, minlength=k).astype(np.float64)
    unit = spread / np.maximum(size, 1e-9)  # mean squared distance to the centroid, per turf
    n = len(labels)
    if n > _EXACT_LIMIT:
        rounds = min(rounds, 40)
    rng = np.random.default_rng(20_240_604)  # fixed: thinning only, results stay deterministic
    for _ in range(rounds):
        size = np.bincount(labels, weights=cost, minlength=k).astype(np.float64)
        c = _centroids(xy, cost, labels, k)
        bias += _BIAS_RATE * unit * (size - target) / np.maximum(target, 1e-9)
        la, lb = labels[ea], labels[eb]
        m = np.flatnonzero(la != lb)
        if len(m) == 0:
            break
        s = np.concatenate([ea[m], eb[m]])
        f = np.concatenate([la[m], lb[m]])
        t = np.concatenate([lb[m], la[m]])
        gain = (
            ((xy[s] - c[f]) ** 2).sum(axis=1)
            + bias[f]
            - ((xy[s] - c[t]) ** 2).sum(axis=1)
            - bias[t]
        ) * cost[s]
        good = gain > 1e-6
        s, f, t, gain = s[good], f[good], t[good], gain[good]
        if len(s) == 0:
            break
        # best target per point (ties: the first candidate)
        best = np.full(n, -np.inf)
        np.maximum.at(best, s, gain)
        top = gain >= best[s]
        s, f, t, gain = s[top], f[top], t[top], gain[top]
        first = np.full(n, len(s))
        np.minimum.at(first, s, np.arange(len(s)))
        one = first[s] == np.arange(len(s))
        s, f, t, gain = s[one], f[one], t[one], gain[one]
        if n <= _EXACT_LIMIT:
            accept = _accept_exact(s, f, t, gain, cost, size, lo_b, hi_b, k)
        else:
            accept = _accept_thinned(s, f, t, cost, size, lo_b, hi_b, k, rng)
        if accept.sum() <= n // 2000:
            break
        labels[s[accept]] = t[accept]
    return labels


_EXACT_LIMIT = 200_000  # stops; above it, refinement rounds avoid sorting


def _accept_exact(
    s: IntArray,
    f: IntArray,
    t: IntArray,
    gain: FloatArray,
    cost: FloatArray,
    size: FloatArray,
    lo_b: FloatArray,
    hi_b: FloatArray,
    k: int,
) -> NDArray[np.bool_]:
    """Moves in order of gain: matched pairwise exchanges, then singles within the band."""
    o = np.argsort(-gain, kind="stable")
    inv = np.empty_like(o)
    inv[o] = np.arange(len(o))
    s, f, t = s[o], f[o], t[o]
    key = f.astype(np.int64) * k + t
    rank = _group_rank(key)
    uk, ki = unique_inverse(key)
    cnt = np.bincount(ki)
    rkey = t.astype(np.int64) * k + f
    pos = np.minimum(np.searchsorted(uk, rkey), len(uk) - 1)
    rev = np.where(uk[pos] == rkey, cnt[pos], 0)
    matched = rank < rev
    um = ~matched
    w = np.where(um, cost[s], 0.0)
    out_cum = _group_cumsum(np.where(um, f, -1), w)
    in_cum = _group_cumsum(np.where(um, t, -1), w)
    single = um & (out_cum <= size[f] - lo_b[f] + 1e-9) & (in_cum <= hi_b[t] - size[t] + 1e-9)
    accept: NDArray[np.bool_] = (matched | single)[inv]
    return accept


def _accept_thinned(
    s: IntArray,
    f: IntArray,
    t: IntArray,
    cost: FloatArray,
    size: FloatArray,
    lo_b: FloatArray,
    hi_b: FloatArray,
    k: int,
    rng: np.random.Generator,
) -> NDArray[np.bool_]:
    """Without sorting: exchanges accepted in proportion, the surplus thinned to the band."""
    w = cost[s]
    pair = f.astype(np.int64) * k + t
    pair_u, pair_i = unique_inverse(pair)
    flow = np.bincount(pair_i, weights=w)
    rkey = t.astype(np.int64) * k + f
    rev_pos = np.minimum(np.searchsorted(pair_u, rkey), len(pair_u) - 1)
    rev = np.where(pair_u[rev_pos] == rkey, flow[rev_pos], 0.0)
    p_match = np.minimum(1.0, rev / np.maximum(flow[pair_i], 1e-12))
    surplus = w * (1.0 - p_match)
    out_room = np.maximum(size - lo_b, 0.0) / np.maximum(
        np.bincount(f, weights=surplus, minlength=k), 1e-12
    )
    in_room = np.maximum(hi_b - size, 0.0) / np.maximum(
        np.bincount(t, weights=surplus, minlength=k), 1e-12
    )
    p = p_match + (1.0 - p_match) * 0.5 * np.minimum(1.0, np.minimum(out_room[f], in_room[t]))
    accept: NDArray[np.bool_] = rng.random(len(s)) < p
    return accept


def _group_rank(keys: IntArray) -> IntArray:
    """Rank of each element within its key group, keeping the given order."""
    o = np.argsort(keys, kind="stable")
    sk = keys[o]
    start = np.r_[0, np.flatnonzero(sk[1:] != sk[:-1]) + 1]
    run = np.repeat(start, np.diff(np.r_[start, len(sk)]))
    rank = np.empty(len(keys), dtype=np.int64)
    rank[o] = np.arange(len(sk)) - run
    return rank


def _group_cumsum(keys: IntArray, values: FloatArray) -> FloatArray:
    """Inclusive cumulative sum of ``values`` within each key group, in the given order."""
    o = np.argsort(keys, kind="stable")
    sk = keys[o]
    cs = np.cumsum(values[o])
    start = np.r_[0, np.flatnonzero(sk[1:] != sk[:-1]) + 1]
    base = np.repeat(np.r_[0.0, cs][start], np.diff(np.r_[start, len(sk)]))
    out = np.empty(len(keys))
    out[o] = cs - base
    return out


def make_contiguous(cost: FloatArray, edges: IntArray, labels: IntArray) -> IntArray:
    """Reassign every fragment of a turf (not its heaviest piece) to a neighbouring turf."""
    labels = labels.copy()
    n = len(labels)
    for _ in range(50):
        same = labels[edges[:, 0]] == labels[edges[:, 1]]
        _, piece = components(n, edges[same])
        piece_w = np.bincount(piece, weights=cost + 1e-9)
        piece_label = np.zeros(piece.max() + 1, dtype=np.int64)
        piece_label[piece] = labels
        # heaviest piece of each label is its main body
        o = np.lexsort((-piece_w, piece_label))
        main = np.zeros(len(piece_w), dtype=bool)
        pl = piece_label[o]
        main[o[np.r_[True, pl[1:] != pl[:-1]]]] = True
        frag = ~main[piece]
        if not frag.any():
            return labels
        # for fragment points, neighbour labels across edges
        a, b = edges[:, 0], edges[:, 1]
        cand_p = np.concatenate([piece[a], piece[b]])
        cand_l = np.concatenate([labels[b], labels[a]])
        cand_main = np.concatenate([main[piece[b]], main[piece[a]]])
        is_frag = ~main[cand_p] & (cand_l != piece_label[cand_p])
        cand_p, cand_l, cand_main = cand_p[is_frag], cand_l[is_frag], cand_main[is_frag]
        if len(cand_p) == 0:
            return labels
        # prefer neighbours' main bodies, then the most shared edges
        key = cand_p * (labels.max() + 1) + cand_l
        uk, cnt = np.unique(key, return_counts=True)
        main_of = np.zeros(len(uk), dtype=bool)
        np.logical_or.at(main_of, np.searchsorted(uk, key), cand_main)
        up = uk // (labels.max() + 1)
        ul = uk % (labels.max() + 1)
        o = np.lexsort((-cnt, ~main_of, up))
        first = o[np.r_[True, up[o][1:] != up[o][:-1]]]
        new_label = piece_label.copy()
        new_label[up[first]] = ul[first]
        # move only the lighter side of mutual moves to avoid swapping fragments forever
        labels = new_label[piece]
    return labels


def _rebalance(
    xy: FloatArray, cost: FloatArray, edges: IntArray, labels: IntArray, balance: Balance
) -> IntArray:
    """Merge-and-split adjacent pairs until every turf is within [lo, hi] where possible.

    Each pass computes turf adjacency once; a turf changed in a pass waits for the next one.
    """
    labels = labels.copy()
    lo, hi = balance.lo, balance.hi
    for _ in range(6):
        k = int(labels.max()) + 1
        size = np.bincount(labels, weights=cost, minlength=k)
        bad = np.flatnonzero(((size < lo - 1e-9) | (size > hi + 1e-9)) & (size > 0))
        if len(bad) == 0:
            break
        adj = _adjacency(edges, labels, k)
        touched: set[int] = set()
        for a in bad.tolist():
            if a in touched:
                continue
            size_a = float(size[a])
            # smallest neighbour first: the merge or the merge-and-split most likely fits
            neighbours = sorted(adj.get(a, set()) - touched, key=lambda b: float(size[b]))
            done = False
            for b in neighbours:
                w = size_a + float(size[b])
                if lo <= w <= hi and size_a < lo:
                    labels[labels == b] = a
                    done = True
                elif 2 * lo <= w <= 2 * hi:
                    members = np.flatnonzero((labels == a) | (labels == b))
                    halves = split_pair(xy, cost, edges, members, w / 2, lo, hi)
                    if halves is not None:
                        labels[halves[0]] = a
                        labels[halves[1]] = b
                        done = True
                if done:
                    touched |= {a, b}
                    break
            if not done and size_a > hi:
                members = np.flatnonzero(labels == a)
                parts = max(2, math.ceil(size_a / balance.target))
                sub = _bisect_contiguous(xy, cost, edges, members, parts)
                if sub is not None:
                    new = int(labels.max()) + 1
                    for i, piece in enumerate(sub[1:]):
                        labels[piece] = new + i
                    touched.add(a)
        if not touched:
            break
    return labels


_CV_ROOM = 0.09  # door CV the walk pass may use up (target 0.10)
_SUM_ROOM = 1.02  # growth of a re-split pair's total tree length the walk pass accepts
_WALK_SPREAD = 1.75  # longest tree / median tree sought (target: longest walk <= 2x median)


def turf_mst(xy: FloatArray, edges: IntArray, labels: IntArray, k: int) -> FloatArray:
    """Length of each turf's minimum spanning tree over the graph edges inside it.

    A cheap stand-in for the turf's walk: an open path through the turf is at least this long,
    and the ordered walks measure about 1.1x it on turfs of every density.
    """
    n = len(labels)
    inside = labels[edges[:, 0]] == labels[edges[:, 1]]
    a, b = edges[inside, 0], edges[inside, 1]
    # +1e-6: a sparse matrix drops explicit zeros, and sub-stops may sit on one point
    length = np.hypot(*(xy[a] - xy[b]).T) + 1e-6
    tree = minimum_spanning_tree(coo_matrix((length, (a, b)), shape=(n, n))).tocoo()
    out: FloatArray = np.bincount(labels[tree.row], weights=tree.data, minlength=k)
    return out


class _PairEdges:
    """Graph edges by turf, so a pair's edges come without scanning the whole graph.

    Valid while the turfs asked about keep their points (a pass skips turfs it changed).
    """

    def __init__(self, edges: IntArray, labels: IntArray, k: int) -> None:
        la, lb = labels[edges[:, 0]], labels[edges[:, 1]]
        ids = np.arange(len(edges))
        cross = la != lb
        key = np.concatenate([la, lb[cross]])
        self.ids = np.concatenate([ids, ids[cross]])[np.argsort(key, kind="stable")]
        self.starts = np.searchsorted(np.sort(key), np.arange(k + 1))
        self.edges = edges
        self.labels = labels.copy()

    def pair(self, a: int, b: int) -> IntArray:
        """Edges with both ends in turf ``a`` or ``b``."""
        ids = np.concatenate(
            [
                self.ids[self.starts[a] : self.starts[a + 1]],
                self.ids[self.starts[b] : self.starts[b + 1]],
            ]
        )
        e = self.edges[ids]
        le = self.labels[e]
        ok = ((le == a) | (le == b)).all(axis=1)
        return self.edges[np.unique(ids[ok])]


def _mst_of(xy: FloatArray, edges: IntArray, members: IntArray) -> float:
    le = _local_edges(edges, members, len(xy))
    return float(turf_mst(xy[members], le, np.zeros(len(members), dtype=np.int64), 1)[0])


def _cv_after(size: FloatArray, keep: NDArray[np.bool_], change: dict[int, float]) -> float:
    """Door CV over the ``keep`` turfs once the sizes in ``change`` apply."""
    s = size.copy()
    for t, v in change.items():
        s[t] = v
    s = s[keep]
    return float(s.std() / s.mean()) if len(s) and s.mean() > 0 else 0.0


def _pair_split(
    xy: FloatArray,
    cost: FloatArray,
    pair_edges: IntArray,
    labels: IntArray,
    a: int,
    want: float,
    balance: Balance,
    whole: IntArray | None,
) -> tuple[IntArray, IntArray] | None:
    """Re-split two adjacent turfs (joined by ``pair_edges``) into contiguous parts in bounds.

    ``want`` is the weight of one part; turf ``a`` keeps (first) the part sharing more of its
    old points. No group of ``whole`` (>= 0) may end up in both parts.
    """
    members = np.unique(pair_edges)
    halves = split_pair(xy, cost, pair_edges, members, want, balance.lo, balance.hi)
    if halves is None:
        return None
    first, second = halves
    if whole is not None:
        g1, g2 = whole[first], whole[second]
        if np.intersect1d(g1[g1 >= 0], g2[g2 >= 0]).size:
            return None
    if (labels[first] == a).sum() < (labels[second] == a).sum():
        first, second = second, first
    return first, second


def _even_out(
    xy: FloatArray,
    cost: FloatArray,
    edges: IntArray,
    labels: IntArray,
    balance: Balance,
    pocket: NDArray[np.bool_],
    proxy: FloatArray,
    whole: IntArray | None,
    spread: float,
    guard_walks: bool = True,
) -> IntArray:
    """Door mode: merge-and-split adjacent pairs of unequal size into equal halves.

    Contiguity repair moves whole fragments, so it can leave turfs far from the target although
    within bounds (door CV 0.14 on Helsinki). A pair is re-split only when that narrows the
    size spread, the halves' spanning trees (the walk proxy) grow by at most 1% in total, and
    the longer tree gets no longer (unless it stays below the median). Without
    ``guard_walks`` any pair two or more doors apart is re-split with no walk guard: the
    relief of long walks spends walk here to make room in the door CV for sparse turfs.
    """
    labels = labels.copy()
    failed: set[tuple[int, int]] = set()  # pairs that could not be re-split, while unchanged
    for _ in range(4):
        k = int(labels.max()) + 1
        size = np.bincount(labels, weights=cost, minlength=k)
        free = np.bincount(labels, weights=(~pocket).astype(np.float64), minlength=k) > 0
        keep = (size > 0) & free
        if not keep.any():
            break
        mu = float(size[keep].mean())
        typical = float(np.median(proxy[size > 0]))
        dev = np.abs(size - mu)
        out = (size < balance.lo - 1e-9) | (size > balance.hi + 1e-9)
        far = np.flatnonzero(keep & ((dev > spread * mu) | out))
        if len(far) == 0:
            break
        adj = _adjacency(edges, labels, k)
        index = _PairEdges(edges, labels, k)
        touched: set[int] = set()
        for a in far[np.argsort(-dev[far], kind="stable")].tolist():
            if a in touched:
                continue
            nb = [b for b in adj.get(a, set()) - touched if keep[b]]
            nb.sort(key=lambda b: (-abs(float(size[a] - size[b])), b))
            for b in nb[:3]:
                if abs(float(size[a] - size[b])) < (0.1 * mu if guard_walks else 2.0):
                    break
                if (a, b) in failed:
                    continue
                failed.add((a, b))
                w = float(size[a] + size[b])
                pe = index.pair(a, b)
                got = _pair_split(xy, cost, pe, labels, a, w / 2, balance, whole)
                if got is None:
                    continue
                wa, wb = float(cost[got[0]].sum()), float(cost[got[1]].sum())
                if (wa - mu) ** 2 + (wb - mu) ** 2 > 0.8 * (
                    (size[a] - mu) ** 2 + (size[b] - mu) ** 2
                ):
                    continue
                pa, pb = _mst_of(xy, pe, got[0]), _mst_of(xy, pe, got[1])
                inside = guard_walks and balance.lo - 1e-9 <= size[a] <= balance.hi + 1e-9
                if inside and pa + pb > 1.01 * (proxy[a] + proxy[b]):
                    continue
                if inside and max(pa, pb) > max(proxy[a], proxy[b], typical):
                    continue  # evening out must not lengthen an already long walk
                labels[got[0]] = a
                labels[got[1]] = b
                proxy[a], proxy[b] = pa, pb
                touched |= {a, b}
                break
        if not touched:
            break
        failed = {(a, b) for a, b in failed if a not in touched and b not in touched}
    return labels


def _shorten_long(
    xy: FloatArray,
    cost: FloatArray,
    edges: IntArray,
    labels: IntArray,
    balance: Balance,
    pocket: NDArray[np.bool_],
    proxy: FloatArray,
    whole: IntArray | None,
) -> IntArray:
    """Door mode: a turf whose walk proxy is far above the median sheds points to a neighbour.

    Balancing doors alone gives sparse (rural) turfs the same door count as dense ones, so their
    walks run 2-3x the median. Each long turf and one neighbour are re-split with the long side
    taking fewer doors, choosing the split with the shortest longer tree; sizes stay within
    [lo, hi] and the door CV within ``_CV_ROOM`` (or where it was).
    """
    labels = labels.copy()
    failed: set[tuple[int, int]] = set()  # pairs without a shorter split, while unchanged
    for _ in range(3):
        k = int(labels.max()) + 1
        size = np.bincount(labels, weights=cost, minlength=k)
        used = size > 0
        free = np.bincount(labels, weights=(~pocket).astype(np.float64), minlength=k) > 0
        keep = used & free
        if not keep.any():
            break
        limit = _WALK_SPREAD * float(np.median(proxy[used]))
        long = np.flatnonzero(keep & (proxy > limit))
        if len(long) == 0:
            break
        cv_cap = max(_CV_ROOM, _cv_after(size, keep, {}))
        adj = _adjacency(edges, labels, k)
        index = _PairEdges(edges, labels, k)
        touched: set[int] = set()
        for a in long[np.argsort(-proxy[long], kind="stable")].tolist():
            if a in touched:
                continue
            nb = [b for b in adj.get(a, set()) - touched if keep[b] and proxy[b] < limit]
            nb.sort(key=lambda b: (float(proxy[b]), b))
            best: tuple[float, IntArray, IntArray, int, float, float] | None = None
            for b in nb[:4]:
                if (a, b) in failed:
                    continue
                failed.add((a, b))
                w = float(size[a] + size[b])
                pe = index.pair(a, b)
                # a's size if its tree shrank in proportion, and half-way there; a may come
                # out as either part of a split, so each size is asked for on both sides
                aim = max(balance.lo, min(size[a] - 1, size[a] * limit / proxy[a]))
                wants = (aim, (aim + size[a]) / 2)
                for want in (*wants, *(w - x for x in wants)):
                    got = _pair_split(xy, cost, pe, labels, a, want, balance, whole)
                    if got is None:
                        continue
                    wa = float(cost[got[0]].sum())
                    if wa >= size[a] or _cv_after(size, keep, {a: wa, b: w - wa}) > cv_cap:
                        continue
                    pa, pb = _mst_of(xy, pe, got[0]), _mst_of(xy, pe, got[1])
                    worst = max(pa, pb)
                    if pa + pb > _SUM_ROOM * (proxy[a] + proxy[b]):
                        continue
                    if worst < proxy[a] * 0.98 and (best is None or worst < best[0]):
                        best = (worst, got[0], got[1], b, pa, pb)
                if best is not None and best[0] <= limit:
                    break
            if best is not None:
                _, mine, theirs, b, proxy[a], proxy[b] = best
                labels[mine] = a
                labels[theirs] = b
                size[a] = float(cost[mine].sum())
                size[b] = float(cost[theirs].sum())
                touched |= {a, b}
        if not touched:
            break
        failed = {(a, b) for a, b in failed if a not in touched and b not in touched}
    return labels


def _adjacency(edges: IntArray, labels: IntArray, k: int) -> dict[int, set[int]]:
    la, lb = labels[edges[:, 0]], labels[edges[:, 1]]
    m = la != lb
    lo, hi = np.minimum(la[m], lb[m]), np.maximum(la[m], lb[m])
    pairs, _ = unique_inverse(lo * k + hi)
    adj: dict[int, set[int]] = {}
    for a, b in zip((pairs // k).tolist(), (pairs % k).tolist()):
        adj.setdefault(a, set()).add(b)
        adj.setdefault(b, set()).add(a)
    return adj


def _local_edges(edges: IntArray, members: IntArray, n: int) -> IntArray:
    """The ``edges`` with both ends in ``members``, renumbered to positions in ``members``."""
    if 4 * len(edges) < n:  # few edges (one pair of turfs): search, no n-sized lookup table
        o = np.argsort(members, kind="stable")
        sm = members[o]
        p = np.minimum(np.searchsorted(sm, edges), len(sm) - 1)
        found: IntArray = o[p[(sm[p] == edges).all(axis=1)]]
        return found
    pos = np.full(n, -1, dtype=np.int64)
    pos[members] = np.arange(len(members))
    le = pos[edges]
    return le[(le[:, 0] >= 0) & (le[:, 1] >= 0)]


def split_pair(
    xy: FloatArray,
    cost: FloatArray,
    edges: IntArray,
    members: IntArray,
    want: float,
    lo: float,
    hi: float,
) -> tuple[IntArray, IntArray] | None:
    """Split ``members`` in two contiguous parts of weight near ``want`` within [lo, hi]."""
    if len(members) < 2:
        return None
    total = float(cost[members].sum())
    le = _local_edges(edges, members, len(xy))
    left, right = _best_split(xy, cost, members, want / total)
    wl = float(cost[left].sum())
    if lo - 1e-9 <= wl <= hi + 1e-9 and lo - 1e-9 <= total - wl <= hi + 1e-9:
        mask = np.isin(members, left)
        # both halves connected <=> the edges within halves leave exactly two components
        within = le[mask[le[:, 0]] == mask[le[:, 1]]]
        if components(len(members), within)[0] == 2:
            return left, right
    return _tree_cut(xy, cost, members, le, want, lo, hi)


def _tree_cut(
    xy: FloatArray,
    cost: FloatArray,
    members: IntArray,
    le: IntArray,
    want: float,
    lo: float,
    hi: float,
) -> tuple[IntArray, IntArray] | None:
    """Cut one edge of the minimum spanning tree of ``members`` into two balanced subtrees."""
    m = len(members)
    p = xy[members]
    w = cost[members]
    length = np.hypot(*(p[le[:, 0]] - p[le[:, 1]]).T) + 1e-6
    g = coo_matrix((length, (le[:, 0], le[:, 1])), shape=(m, m))
    tree = minimum_spanning_tree(g)
    order, pred = breadth_first_order(tree, 0, directed=False)
    if len(order) != m:
        return None
    sub = w.copy()
    for node in order[::-1][:-1]:
        sub[pred[node]] += sub[node]
    total = float(w.sum())
    cand = order[1:]
    s = sub[cand]
    ok = (s >= lo - 1e-9) & (s <= hi + 1e-9) & (total - s >= lo - 1e-9) & (total - s <= hi + 1e-9)
    if not ok.any():
        return None
    best = cand[ok][np.argmin(np.abs(s[ok] - want))]
    # nodes in the subtree of `best`: walk the BFS order, a node is inside if its parent is
    inside = np.zeros(m, dtype=bool)
    inside[best] = True
    for node in order:
        if node != best and pred[node] >= 0 and inside[pred[node]]:
            inside[node] = True
    return members[inside], members[~inside]


def split_even(
    xy: FloatArray,
    cost: FloatArray,
    edges: IntArray,
    members: IntArray,
    parts: int,
    lo: float,
    hi: float,
) -> list[IntArray] | None:
    """``members`` in ``parts`` contiguous pieces of about equal weight, each within [lo, hi].

    Halving in proportion (3 parts: one third against two thirds, then the two thirds in
    half) keeps every piece near the mean; None if some cut finds no contiguous split.
    """
    if parts == 1:
        return [members]
    first = parts // 2
    w = float(cost[members].sum())
    got = split_pair(xy, cost, edges, members, w * first / parts, first * lo, (parts - first) * hi)
    if got is None:
        return None
    small, big = sorted(got, key=lambda q: float(cost[q].sum()))
    one = split_even(xy, cost, edges, small, first, lo, hi)
    two = split_even(xy, cost, edges, big, parts - first, lo, hi)
    return None if one is None or two is None else one + two


def _bisect_contiguous(
    xy: FloatArray, cost: FloatArray, edges: IntArray, members: IntArray, parts: int
) -> list[IntArray] | None:
    """Split ``members`` into ``parts`` contiguous pieces by repeated tree cuts."""
    pieces = [members]
    while len(pieces) < parts:
        pieces.sort(key=lambda q: -float(cost[q].sum()))
        big = pieces.pop(0)
        w = float(cost[big].sum())
        got = split_pair(xy, cost, edges, big, w / 2, 0.0, w)
        if got is None:
            pieces.append(big)
            break
        pieces.extend(got)
    return pieces if len(pieces) > 1 else None
