"""Cutting doors into turfs, and editing a plan while keeping its guarantees.

Guarantees of every plan this module returns: each door is in exactly one turf; each turf is
contiguous in the door graph (Delaunay triangulation of the stops minus edges crossing a
barrier); outlines are the union of each turf's Voronoi cells clipped to the buffered hull of
all doors, so they tile that area without overlapping; walks are ordered by
:func:`turf_cutting.walk.order_xy` and re-ordered when a leg would cross a barrier. The same
doors, parameters and seed always give the same plan.

>>> doors = [Door(f"d{i}", -93.0 + 0.0003 * (i % 10), 45.0 + 0.0003 * (i // 10))
...          for i in range(100)]
>>> plan = cut_turfs(doors, CutParams(target_doors=25, min_doors=20, max_doors=30))
>>> [len(t) for t in plan.turfs]
[25, 25, 25, 25]
>>> sorted(d for t in plan.turfs for d in t.door_ids) == sorted(d.id for d in doors)
True
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from . import walk
from ._arrays import unique_inverse, unique_rows
from ._geo import Projection
from ._graph import components, crossing_mask, delaunay_edges
from ._outline import outlines
from ._partition import (
    Balance,
    _bisect_contiguous,
    even_sizes_and_walks,
    make_contiguous,
    partition,
    relabel,
    split_even,
    split_pair,
)
from ._polish import Paths, polish
from .errors import DoorDataError, TurfEditError, TurfParamsError
from .types import CutParams, Door, LonLat, Turf, TurfPlan

__all__ = [
    "cut_turfs",
    "merge_turfs",
    "plan_from_assignment",
    "recut",
    "remove_doors",
    "split_turf",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# Polish keeps every turf within +-10% of its group's mean turf: door CV stays well under 0.10
# while stops still find a shorter walk across the boundary.
_POLISH_BAND = 0.10
# ... and no turf's walk beyond 1.8x the median walk (or its own, if longer): the total drops,
# and the longest walk stays within 2x the median, which the polish shortens a few percent.
_POLISH_LONGEST = 1.8
# Then a turf still walking over 1.9x the median sheds boundary stops to neighbours that stay
# within 1.8x, paying up to 2 m of their walk per metre it saves: the longest walk is what a
# canvasser feels, a few metres more in all is not.
_SHED_FROM = 1.9
_SHED_COST = 2.0
# A turf still over 2x the median walk after shedding is re-cut with one neighbour into three,
# re-split with it 40/60 or 45/55, or re-cut with two into four, if the door CV of the full-size
# turfs stays under 0.09 (the target is 0.10); a part still that long is looked at again, up to
# three rounds.
_SHED_TO_SPLIT = 2.0
_SPLIT_CV = 0.09
_SPLIT_ROUNDS = 3
_RESPLIT_SHARES = (0.4, 0.45, 0.55, 0.6)
# A door-mode plan whose longest walk is still over 2x the median walk is cut again, with each
# group of doors holding such a walk balanced partly by walking (that share of each stop's
# weight is its walking share, as time mode balances) and given one turf more or not, and the
# sizes everywhere evened out to within 3% of the mean turf at the cost of some walk, so that
# the sparse turfs' fewer doors fit in the door CV. The first variant, gentlest first, whose
# turfs are within the door bounds, whose door CV is at most 0.10 and whose longest walk is
# within 2x the median is kept (else the one with the shortest longest walk, if shorter than
# the plan's), if its total walk is at most 5% longer. Helsinki door mode: max/median 2.37 ->
# 1.93, door CV 0.088 -> 0.099, walk/MSF_k 1.214 -> 1.244. Each variant is a whole cut again,
# so only plans of up to 5,000 stops are tried: with 12,000 the API's cut of the 100k demo
# county (12,000-door chunks) took 21.5 s instead of 15.0 s.
_RELIEF_VARIANTS = ((0.1, 0), (0.1, 1), (0.2, 0), (0.2, 1), (0.3, 0), (0.3, 1))
_RELIEF_SPREAD = 0.03
_RELIEF_CV = 0.10
_RELIEF_LONGEST = 2.0
_RELIEF_MORE_WALK = 1.05
_RELIEF_MAX_STOPS = 5_000
# ... and only where the longest walk is at most 2.5x the median: further out it is the data's
# (a far farm, a long spur) rather than the balance's, and no re-balancing brings it to 2x. The
# demo county cut without barriers in 12,000-door chunks: five chunks at 4.3-10.7x gained
# nothing from the variants and took 7x as long to cut.
_RELIEF_UP_TO = 2.5
# Splitting a turf: parts within 10% of the mean if the doors allow, else 25%, else 50%; past
# that, whatever contiguous split there is (a string of doors on one road may allow no other).
_SPLIT_TOLERANCES = (0.1, 0.25, 0.5)


# --------------------------------------------------------------------------- public API


def cut_turfs(doors: Iterable[Door], params: CutParams, *, seed: int | None = None) -> TurfPlan:
    """Cut ``doors`` into balanced, compact, contiguous turfs, each in walking order.

    Doors at identical coordinates, or sharing a ``building``, form one stop and stay in one
    turf (a stop larger than ``max_doors`` is split into sub-stops a metre apart). Stops are
    joined by the Delaunay triangulation minus edges crossing ``params.barriers`` (and, with
    ``keep_precincts_whole``, minus edges between precincts). Each connected group is cut by
    weighted recursive bisection into ``k`` parts (door counts, or estimated minutes in time
    mode), refined by moving boundary stops towards nearer turf centroids within a +-12% band,
    repaired for contiguity, and rebalanced by merge-and-split of adjacent pairs. Walks come
    from :func:`turf_cutting.walk.order_xy`, re-ordered if a leg would cross a barrier. Then
    boundary stops move into a neighbouring turf's walk wherever that shortens the total walk,
    keeping each turf contiguous and within 10% of its group's mean turf (doors, or minutes in
    time mode; never further out than it was), and the turfs that changed are re-ordered. In
    time mode a turf whose walk makes it more than 8% over the shift is split again. In door
    mode, a plan of up to 5,000 stops whose longest walk is still over 2x the median is cut
    again with the groups holding such walks balanced partly by walking, and that plan is kept
    if it meets the door bounds and a door CV of 0.10 with a shorter longest walk. Outlines
    are unions of Voronoi cells clipped to the buffered hull. A group of stops cut off by
    barriers that is smaller than ``min_doors`` becomes one (small) turf. ``seed`` only varies
    the walk search; ``None`` means 0.

    >>> doors = [Door(i, 2.35 + 0.0004 * (i % 12), 48.85 + 0.0004 * (i // 12))
    ...          for i in range(120)]
    >>> plan = cut_turfs(doors, CutParams(), seed=1)
    >>> len(plan.turfs), [len(t) for t in plan.turfs]
    (2, [60, 60])
    >>> plan == cut_turfs(doors, CutParams(), seed=1)
    True
    """
    seed = _check_seed(seed)
    doors_t = tuple(doors)
    _check_params(params)
    if not doors_t:
        return TurfPlan((), (), params, seed)
    ctx = _Context.build(doors_t, params)
    stop_turf = _cut_stops(ctx, np.arange(ctx.n_stops))
    stop_turf, walks = _polished_walks(ctx, stop_turf, seed)
    stop_turf, walks = _relieve_long_walks(ctx, stop_turf, walks, seed)
    return _finish(ctx, stop_turf[ctx.stop_of], seed=seed, walks=walks)


def plan_from_assignment(
    doors: Iterable[Door],
    assignment: Sequence[int],
    params: CutParams,
    *,
    seed: int | None = None,
) -> TurfPlan:
    """Build a plan from a given door -> turf assignment (hand-drawn turfs, other tools).

    The turfs get walking orders and outlines, but no balance or contiguity is enforced.

    >>> doors = [Door(i, 0.001 * i, 0.0) for i in range(4)]
    >>> plan = plan_from_assignment(doors, [0, 0, 1, 1], CutParams())
    >>> [t.door_ids for t in plan.turfs]
    [(0, 1), (2, 3)]
    """
    seed = _check_seed(seed)
    doors_t = tuple(doors)
    _check_params(params)
    labels = np.asarray(assignment, dtype=np.int64)
    if labels.shape != (len(doors_t),):
        raise TurfParamsError(
            f"assignment must have one turf number per door ({len(doors_t)}), got {len(labels)}"
        )
    if not doors_t:
        return TurfPlan((), (), params, seed)
    ctx = _Context.build(doors_t, params, extra_key=labels)
    return _finish(ctx, relabel(labels), seed=seed, repair=False)


def split_turf(
    plan: TurfPlan, turf_index: int, *, parts: int = 2, seed: int | None = None
) -> TurfPlan:
    """Split one turf into ``parts`` contiguous, balanced turfs.

    The first part keeps the index and label; the others are appended at the end. Other
    turfs keep their doors and walking order.

    >>> doors = [Door(i, 0.0005 * (i % 10), 0.0005 * (i // 10)) for i in range(60)]
    >>> plan = cut_turfs(doors, CutParams())
    >>> [len(t) for t in split_turf(plan, 0).turfs]
    [30, 30]
    """
    _turf(plan, turf_index)
    if isinstance(parts, bool) or not isinstance(parts, int) or parts < 2:
        raise TurfParamsError(f"parts must be an integer of at least 2, got {parts!r}")
    ctx, door_turf = _reopen(plan)
    stops = np.unique(ctx.stop_of[door_turf == turf_index])
    if len(stops) < parts:
        raise TurfEditError(
            f"turf_index {turf_index} has {len(stops)} stops, too few for parts={parts}"
        )
    pieces = _split_evenly(ctx, stops, parts)
    k = len(plan.turfs)
    stop_turf = np.full(ctx.n_stops, -1, dtype=np.int64)
    for i, piece in enumerate(pieces[1:]):
        stop_turf[piece] = k + i
    moved = stop_turf[ctx.stop_of] >= 0
    door_turf = np.where(moved, stop_turf[ctx.stop_of], door_turf)
    labels = [t.label for t in plan.turfs] + _new_labels(plan, len(pieces) - 1)
    keep = {t.index: t.door_ids for t in plan.turfs if t.index != turf_index}
    return _finish(ctx, door_turf, seed=_check_seed(seed, plan.seed), labels=labels, keep=keep)


def merge_turfs(plan: TurfPlan, a: int, b: int, *, seed: int | None = None) -> TurfPlan:
    """Merge adjacent turfs ``a`` and ``b`` into one at index ``min(a, b)``.

    Turfs after ``max(a, b)`` move down one index; labels do not change.

    >>> doors = [Door(i, 0.0005 * (i % 10), 0.0005 * (i // 10)) for i in range(60)]
    >>> plan = split_turf(cut_turfs(doors, CutParams()), 0)
    >>> [len(t) for t in merge_turfs(plan, 0, 1).turfs]
    [60]
    """
    _turf(plan, a)
    _turf(plan, b)
    if a == b:
        raise TurfEditError(f"a and b must be different turfs, got a={a}, b={b}")
    ctx, door_turf = _reopen(plan)
    a, b = min(a, b), max(a, b)
    sa = np.zeros(ctx.n_stops, dtype=bool)
    sb = np.zeros(ctx.n_stops, dtype=bool)
    sa[ctx.stop_of[door_turf == a]] = True
    sb[ctx.stop_of[door_turf == b]] = True
    e = ctx.edges
    if not ((sa[e[:, 0]] & sb[e[:, 1]]) | (sb[e[:, 0]] & sa[e[:, 1]])).any():
        raise TurfEditError(
            f"turfs a={a} and b={b} are not adjacent; merging would not be contiguous"
        )
    door_turf = np.where(door_turf == b, a, door_turf)
    door_turf = np.where(door_turf > b, door_turf - 1, door_turf)
    labels = [t.label for t in plan.turfs if t.index != b]
    keep = {
        (t.index if t.index < b else t.index - 1): t.door_ids
        for t in plan.turfs
        if t.index not in (a, b)
    }
    return _finish(ctx, door_turf, seed=_check_seed(seed, plan.seed), labels=labels, keep=keep)


def recut(
    plan: TurfPlan,
    turf_indices: Iterable[int] = (),
    params: CutParams | None = None,
    *,
    door_ids: Iterable[Hashable] = (),
    seed: int | None = None,
) -> TurfPlan:
    """Re-cut the doors of some turfs (given by index, or by any of their door ids).

    The re-cut turfs are replaced, in place of the first of them and then at the end; the
    other turfs keep their doors and order. ``params`` defaults to the plan's.

    >>> doors = [Door(i, 0.0005 * (i % 10), 0.0005 * (i // 10)) for i in range(120)]
    >>> plan = cut_turfs(doors, CutParams())
    >>> small = CutParams(target_doors=30, min_doors=20, max_doors=40)
    >>> [len(t) for t in recut(plan, [1], small).turfs]
    [60, 30, 30]
    """
    chosen = sorted({_turf(plan, i).index for i in turf_indices})
    if door_ids:
        where = plan.assignment()
        for door_id in door_ids:
            if door_id not in where:
                raise TurfEditError(f"door_ids contains {door_id!r}, which is not in the plan")
            chosen.append(where[door_id])
        chosen = sorted(set(chosen))
    if not chosen:
        raise TurfEditError("recut needs at least one turf: turf_indices and door_ids are empty")
    new_params = plan.params if params is None else params
    _check_params(new_params)
    ctx, door_turf = _reopen(plan, new_params)
    stops = np.unique(ctx.stop_of[np.isin(door_turf, chosen)])
    sub, sub_walks = _polished_walks(ctx, _cut_stops(ctx, stops), _check_seed(seed, plan.seed))
    sub_labels = sub[stops]
    kept = [t.index for t in plan.turfs if t.index not in chosen]
    n_parts = int(sub_labels.max()) + 1
    # the first re-cut turf takes the slot of the first chosen turf
    slots = sorted(kept + [chosen[0]])
    first_slot = slots.index(chosen[0])
    new_index = {old: (i if i < first_slot else i + 1) for i, old in enumerate(kept)}
    stop_turf = np.full(ctx.n_stops, -1, dtype=np.int64)
    part_index = np.where(sub_labels == 0, first_slot, len(kept) + sub_labels)
    stop_turf[stops] = part_index
    remap = np.array([new_index.get(i, -1) for i in range(len(plan.turfs))], dtype=np.int64)
    door_turf = np.where(np.isin(door_turf, chosen), stop_turf[ctx.stop_of], remap[door_turf])
    labels_old = {t.index: t.label for t in plan.turfs}
    labels = [""] * (len(kept) + n_parts)
    for old, new in new_index.items():
        labels[new] = labels_old[old]
    fresh = _new_labels(plan, n_parts - 1)
    labels[first_slot] = labels_old[chosen[0]]
    for i in range(1, n_parts):
        labels[len(kept) + i] = fresh[i - 1]
    keep = {new_index[t.index]: t.door_ids for t in plan.turfs if t.index in new_index}
    walks = {(first_slot if p == 0 else len(kept) + p): w for p, w in sub_walks.items()}
    return _finish(
        ctx, door_turf, seed=_check_seed(seed, plan.seed), labels=labels, keep=keep, walks=walks
    )


def remove_doors(plan: TurfPlan, ids: Iterable[Hashable], *, seed: int | None = None) -> TurfPlan:
    """Remove doors from a plan; emptied turfs disappear, and the rest stay contiguous.

    Turfs that only lost doors keep their walking order; a turf broken in pieces hands the
    smaller pieces to its neighbours, which are re-ordered.

    >>> doors = [Door(i, 0.0005 * (i % 10), 0.0005 * (i // 10)) for i in range(60)]
    >>> plan = remove_doors(cut_turfs(doors, CutParams()), [0, 1])
    >>> len(plan.doors), len(plan.turfs[0])
    (58, 58)
    """
    drop = set(ids)
    known = {d.id for d in plan.doors}
    for door_id in drop:
        if door_id not in known:
            raise TurfEditError(f"ids contains {door_id!r}, which is not in the plan")
    where = plan.assignment()
    doors = tuple(d for d in plan.doors if d.id not in drop)
    if not doors:
        return TurfPlan((), (), plan.params, plan.seed)
    old_turf = np.array([where[d.id] for d in doors], dtype=np.int64)
    ctx = _Context.build(doors, plan.params, extra_key=old_turf)
    # stops may now merge doors of different turfs only if they did before; keep per-stop turf
    stop_turf = np.zeros(ctx.n_stops, dtype=np.int64)
    stop_turf[ctx.stop_of] = old_turf
    fixed = make_contiguous(ctx.cost, ctx.edges, stop_turf)
    door_turf = fixed[ctx.stop_of]
    survivors = sorted(set(door_turf.tolist()))
    remap = np.full(len(plan.turfs), -1, dtype=np.int64)
    remap[survivors] = np.arange(len(survivors))
    moved = fixed[ctx.stop_of] != stop_turf[ctx.stop_of]
    changed = set(door_turf[moved].tolist()) | set(old_turf[moved].tolist())
    labels = [plan.turfs[i].label for i in survivors]
    keep = {
        int(remap[t.index]): tuple(d for d in t.door_ids if d not in drop)
        for t in plan.turfs
        if t.index in survivors and t.index not in changed
    }
    return _finish(
        ctx, remap[door_turf], seed=_check_seed(seed, plan.seed), labels=labels, keep=keep
    )


# --------------------------------------------------------------------------- internals


def _check_seed(seed: object, default: int = 0) -> int:
    if seed is None:
        return default
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TurfParamsError(f"seed must be an int or None, got {seed!r}")
    return int(seed)


def _check_params(params: object) -> None:
    if not isinstance(params, CutParams):
        raise TurfParamsError(f"params must be a CutParams, got {params!r}")


def _turf(plan: TurfPlan, index: int) -> Turf:
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
        raise TurfEditError(f"turf index must be an int, got {index!r}")
    if not 0 <= index < len(plan.turfs):
        raise TurfEditError(f"turf index {index} is out of range for {len(plan.turfs)} turfs")
    return plan.turfs[index]


def _new_labels(plan: TurfPlan, count: int) -> list[str]:
    nums = [int(t.label) for t in plan.turfs if t.label.isdigit()]
    top = max(nums, default=len(plan.turfs))
    return [str(top + 1 + i) for i in range(count)]


def _reopen(plan: TurfPlan, params: CutParams | None = None) -> tuple[_Context, IntArray]:
    where = plan.assignment()
    door_turf = np.array([where[d.id] for d in plan.doors], dtype=np.int64)
    ctx = _Context.build(plan.doors, plan.params if params is None else params, extra_key=door_turf)
    return ctx, door_turf


def _split_evenly(ctx: _Context, stops: IntArray, parts: int) -> list[IntArray]:
    """``stops`` in ``parts`` contiguous pieces, as even as the graph allows."""
    unit = float(ctx.cost[stops].sum()) / parts
    for tol in _SPLIT_TOLERANCES:
        pieces = split_even(
            ctx.stop_xy, ctx.cost, ctx.edges, stops, parts, unit * (1 - tol), unit * (1 + tol)
        )
        if pieces is not None:
            return pieces
    pieces = _bisect_contiguous(ctx.stop_xy, ctx.cost, ctx.edges, stops, parts)
    if pieces is None or len(pieces) < parts:
        pieces = _split_anyhow(ctx, stops, parts)
    return pieces


def _split_anyhow(ctx: _Context, stops: IntArray, parts: int) -> list[IntArray]:
    o = np.argsort(ctx.stop_xy[stops, 0], kind="stable")
    return [stops[p] for p in np.array_split(o, parts)]


@dataclass(frozen=True)
class _Context:
    """Doors projected and grouped into stops, with the stop graph and balance costs."""

    doors: tuple[Door, ...]
    params: CutParams
    proj: Projection
    xy: FloatArray
    weight: FloatArray
    precinct: IntArray  # door precinct code, -1 for none
    stop_of: IntArray
    stop_xy: FloatArray
    cost: FloatArray
    edges: IntArray  # barrier- and precinct-respecting
    edges_all: IntArray  # barrier-respecting only
    barriers: tuple[BaseGeometry, ...]
    balance: Balance

    @property
    def n_stops(self) -> int:
        return len(self.stop_xy)

    @classmethod
    def build(
        cls, doors: tuple[Door, ...], params: CutParams, *, extra_key: IntArray | None = None
    ) -> _Context:
        lon, lat, weight = _columns(doors)
        proj = Projection.around(lon, lat)
        xy = proj.forward(lon, lat)
        n = len(doors)
        precinct = _codes(doors, "precinct")
        _, key = unique_rows(np.column_stack([lon, lat]))
        building = _codes(doors, "building")
        if (building >= 0).any():
            key = np.where(building >= 0, key.max() + 1 + building, key)
        cols = [key]
        if params.keep_precincts_whole:
            cols.append(precinct)
        if extra_key is not None:
            cols.append(extra_key)
        if len(cols) > 1:
            _, key = unique_rows(np.column_stack(cols))
        _, stop_of = unique_inverse(key)
        # split stops too big for one turf (an apartment tower) into sub-stops a metre apart
        service = params.minutes_per_door * weight
        if params.mode == "doors":
            load, cap, unit = np.ones(n), float(params.max_doors), float(params.target_doors)
        else:
            load, cap, unit = service, params.shift_minutes * 0.9, params.shift_minutes * 0.75
        stop_load = np.bincount(stop_of, weights=load)
        big = np.flatnonzero(stop_load > cap + 1e-9)
        offset = np.zeros((n, 2))
        if len(big):
            next_stop = len(stop_load)
            for s in big.tolist():
                members = np.flatnonzero(stop_of == s)
                parts = max(2, math.ceil(stop_load[s] / unit - 1e-9))
                share = np.cumsum(load[members]) / stop_load[s]
                part = np.minimum((share * parts - 1e-9).astype(np.int64), parts - 1)
                angle = 2.399963229728653 * part  # golden angle, radius sqrt: a sunflower
                offset[members, 0] = np.sqrt(part + 1.0) * np.cos(angle)
                offset[members, 1] = np.sqrt(part + 1.0) * np.sin(angle)
                stop_of[members[part > 0]] = next_stop + part[part > 0] - 1
                next_stop += parts - 1
        m = int(stop_of.max()) + 1
        count = np.bincount(stop_of, minlength=m).astype(np.float64)
        stop_xy = np.column_stack(
            [
                np.bincount(stop_of, weights=xy[:, i] + offset[:, i], minlength=m) / count
                for i in (0, 1)
            ]
        )
        barriers = tuple(proj.geom_forward(b) for b in params.barriers)
        edges_all = delaunay_edges(stop_xy)
        if barriers and len(edges_all):
            cross = crossing_mask(stop_xy[edges_all[:, 0]], stop_xy[edges_all[:, 1]], barriers)
            edges_all = edges_all[~cross]
        edges = edges_all
        stop_precinct = np.full(m, -1, dtype=np.int64)
        stop_precinct[stop_of] = precinct
        if params.keep_precincts_whole and len(edges):
            edges = edges[stop_precinct[edges[:, 0]] == stop_precinct[edges[:, 1]]]
        if params.mode == "doors":
            cost = count
            balance = Balance(
                target=float(params.target_doors),
                lo=float(params.min_doors),
                hi=float(params.max_doors),
            )
        else:
            cost = np.bincount(stop_of, weights=service, minlength=m) + _walk_share(
                stop_xy, params.walk_speed_mps
            )
            balance = Balance(
                target=params.shift_minutes,
                lo=0.0,
                hi=params.shift_minutes * 1.08,
                by_ceiling=True,
            )
        return cls(
            doors=doors,
            params=params,
            proj=proj,
            xy=xy,
            weight=weight,
            precinct=precinct,
            stop_of=stop_of,
            stop_xy=stop_xy,
            cost=cost,
            edges=edges,
            edges_all=edges_all,
            barriers=barriers,
            balance=balance,
        )


def _codes(doors: tuple[Door, ...], name: str) -> IntArray:
    """Integer codes of a door attribute in order of first appearance; -1 for None."""
    codes: dict[Hashable, int] = {}
    try:
        values = [getattr(d, name) for d in doors]
        out = [-1 if v is None else codes.setdefault(v, len(codes)) for v in values]
    except TypeError as exc:
        raise DoorDataError(f"doors {name} values must be hashable: {exc}") from exc
    return np.array(out, dtype=np.int64)


def _walk_share(stop_xy: FloatArray, speed: float) -> FloatArray:
    """Estimated walking minutes each stop adds to an open path through its turf."""
    m = len(stop_xy)
    if m < 2:
        return np.zeros(m)
    kk = min(3, m)
    d, _ = cKDTree(stop_xy).query(stop_xy, k=kk)
    near = d[:, 1:].mean(axis=1)
    share: FloatArray = 1.14 * near / speed / 60.0
    return share


def _columns(doors: tuple[Door, ...]) -> tuple[FloatArray, FloatArray, FloatArray]:
    n = len(doors)
    try:
        ids = [d.id for d in doors]
        lon = np.fromiter((d.lon for d in doors), dtype=np.float64, count=n)
        lat = np.fromiter((d.lat for d in doors), dtype=np.float64, count=n)
        weight = np.fromiter((d.weight for d in doors), dtype=np.float64, count=n)
    except (AttributeError, TypeError, ValueError) as exc:
        raise DoorDataError(
            f"doors must be Door values with numeric lon, lat, weight: {exc}"
        ) from exc
    bad = ~(np.isfinite(lon) & np.isfinite(lat))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DoorDataError(
            f"doors[{i}] (id {ids[i]!r}) has a non-finite coordinate: lon={lon[i]!r}, lat={lat[i]!r}"
        )
    bad = (np.abs(lon) > 180) | (np.abs(lat) > 90)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DoorDataError(
            f"doors[{i}] (id {ids[i]!r}) is outside lon/lat range: lon={lon[i]!r}, lat={lat[i]!r}"
        )
    bad = ~np.isfinite(weight) | (weight <= 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DoorDataError(
            f"doors[{i}] (id {ids[i]!r}) weight must be positive and finite, got {weight[i]!r}"
        )
    try:
        unique = len(set(ids))
    except TypeError as exc:
        raise DoorDataError(f"doors ids must be hashable: {exc}") from exc
    if unique != n:
        seen: set[Hashable] = set()
        for door_id in ids:
            if door_id in seen:
                raise DoorDataError(f"doors contain the duplicate id {door_id!r}")
            seen.add(door_id)
    if (lon.max() - lon.min() > 60) or (lat.max() - lat.min() > 60):
        raise DoorDataError(
            f"doors span lon {lon.min()}..{lon.max()}, lat {lat.min()}..{lat.max()}: "
            "too wide for one local projection (cut per state or region)"
        )
    return lon, lat, weight


def _cut_stops(ctx: _Context, stops: IntArray, **even: Any) -> IntArray:
    """Turf number (0..k-1) per stop for the subset ``stops``; others get -1.

    ``even`` goes to :func:`._partition.partition` (``one_more``, ``spread``, ``guard_walks``;
    ``one_more`` per stop of the subset).
    """
    pos = np.full(ctx.n_stops, -1, dtype=np.int64)
    pos[stops] = np.arange(len(stops))

    def local(edges: IntArray) -> IntArray:
        le = pos[edges]
        return le[(le[:, 0] >= 0) & (le[:, 1] >= 0)]

    xy = ctx.stop_xy[stops]
    cost = ctx.cost[stops]
    labels = partition(xy, cost, local(ctx.edges), ctx.balance, **even)
    if ctx.params.keep_precincts_whole:
        sp = np.full(ctx.n_stops, -1, dtype=np.int64)
        sp[ctx.stop_of] = ctx.precinct
        labels = _merge_small_turfs(cost, local(ctx.edges_all), labels, sp[stops], ctx.balance)
        if not ctx.balance.by_ceiling:
            # Across precinct lines, small precincts kept whole: turfs out of bounds, sizes over
            # 20% off the mean, long walks. County 10k: bounds 98% -> 100%, CV 0.127 -> 0.096,
            # max/median walk 2.01 -> 1.88, but turfs inside one precinct 94% -> 84%
            # (bounds only, spread=1.0 and walks=False: 92%, CV 0.114, max/median 2.02).
            # Evening out every turf over 10% off the mean, with no walk guard (the precincts
            # leave few pairs the guard would let through): county 10k CV 0.105 -> 0.083 and
            # 25k 0.089 -> 0.076, walk/MSF_k 1.226 -> 1.228 and 1.227 -> 1.228.
            labels = even_sizes_and_walks(
                xy,
                cost,
                local(ctx.edges_all),
                labels,
                ctx.balance,
                group=sp[stops],
                spread=0.1,
                guard_walks=False,
            )
    out = np.full(ctx.n_stops, -1, dtype=np.int64)
    out[stops] = labels
    return out


def _merge_small_turfs(
    cost: FloatArray, edges: IntArray, labels: IntArray, precinct: IntArray, balance: Balance
) -> IntArray:
    """Merge turfs below ``lo`` into an adjacent turf (across precinct lines) within ``hi``.

    Merging never splits a precinct further, so precinct mode can use it for small whole
    precincts and for the small pieces of precincts that barriers cut apart. A neighbour
    sharing a precinct is preferred, then the smallest.
    """
    labels = labels.copy()
    for _ in range(20):
        k = int(labels.max()) + 1
        size = np.bincount(labels, weights=cost, minlength=k)
        small = np.flatnonzero((size > 0) & (size < balance.lo - 1e-9))
        if len(small) == 0 or len(edges) == 0:
            break
        la, lb = labels[edges[:, 0]], labels[edges[:, 1]]
        cross = la != lb
        pairs, _ = unique_inverse(
            np.concatenate([la[cross] * k + lb[cross], lb[cross] * k + la[cross]])
        )
        pair_a, pair_b = pairs // k, pairs % k
        starts = np.searchsorted(pair_a, np.arange(k + 1))
        turf_precincts: dict[int, set[int]] = {}
        tp, _ = unique_inverse(labels * (int(precinct.max()) + 2) + precinct + 1)
        for t_, p_ in zip(
            (tp // (int(precinct.max()) + 2)).tolist(), (tp % (int(precinct.max()) + 2)).tolist()
        ):
            turf_precincts.setdefault(t_, set()).add(p_)
        touched: set[int] = set()
        target_of = np.arange(k)
        for a in small[np.argsort(size[small], kind="stable")].tolist():
            if a in touched:
                continue
            nb = [
                b
                for b in pair_b[starts[a] : starts[a + 1]].tolist()
                if b not in touched and size[a] + size[b] <= balance.hi + 1e-9
            ]
            if not nb:
                continue
            mine = turf_precincts.get(a, set())
            b = min(nb, key=lambda c: (not (turf_precincts.get(c, set()) & mine), size[c], c))
            target_of[b] = a
            touched |= {a, b}
        if not touched:
            break
        labels = target_of[labels]
    return relabel(labels)


def _finish(
    ctx: _Context,
    door_turf: IntArray,
    *,
    seed: int,
    labels: list[str] | None = None,
    keep: dict[int, tuple[Hashable, ...]] | None = None,
    walks: dict[int, IntArray] | None = None,
    repair: bool = True,
) -> TurfPlan:
    """Order walks, check time limits and barriers, draw outlines, and build the plan.

    ``keep`` gives turfs whose walk stays as it is (door ids), ``walks`` turfs already
    ordered (door indices); the other turfs are ordered here.
    """
    params = ctx.params
    k = int(door_turf.max()) + 1
    keep = dict(keep or {})
    if labels is None:
        labels = [str(i + 1) for i in range(k)]
    sequences: dict[int, IntArray] = dict(walks or {})
    index_of = {d.id: i for i, d in enumerate(ctx.doors)} if keep else {}
    for t, ids in keep.items():
        sequences[t] = np.array([index_of[i] for i in ids], dtype=np.int64)
    starts = _starts(ctx)
    order = np.argsort(door_turf, kind="stable")
    bounds = np.searchsorted(door_turf[order], np.arange(k + 1))
    for t in range(k):
        if t not in sequences:
            sequences[t] = _order_doors(ctx, order[bounds[t] : bounds[t + 1]], starts, seed)
    if repair and params.mode == "time":
        door_turf, labels, sequences = _enforce_shift(
            ctx, door_turf, labels, sequences, starts, seed
        )
        k = int(door_turf.max()) + 1
    walk_m = np.array([_path_m(ctx.xy[sequences[t]]) for t in range(k)])
    service = np.bincount(door_turf, weights=params.minutes_per_door * ctx.weight, minlength=k)
    minutes = walk_m / params.walk_speed_mps / 60.0 + service
    shapes = outlines(ctx.xy, door_turf, k, ctx.proj)
    turfs = []
    for t in range(k):
        seq = sequences[t]
        precincts = tuple(dict.fromkeys(ctx.doors[i].precinct for i in seq.tolist()))
        start: LonLat | None = None
        if starts is not None:
            j = _nearest_start(ctx.xy[seq], starts)
            start = params.start[j] if params.start is not None else None
        turfs.append(
            Turf(
                index=t,
                label=labels[t],
                door_ids=tuple(ctx.doors[i].id for i in seq.tolist()),
                outline=shapes[t],
                walk_m=float(walk_m[t]),
                minutes=float(minutes[t]),
                precincts=tuple(p for p in precincts if p is not None),
                start=start,
            )
        )
    return TurfPlan(tuple(turfs), ctx.doors, params, seed)


def _path_m(p: FloatArray) -> float:
    if len(p) < 2:
        return 0.0
    return float(np.hypot(*np.diff(p, axis=0).T).sum())


def _nearest_start(p: FloatArray, starts: FloatArray) -> int:
    c = p.mean(axis=0)
    return int(np.argmin(((starts - c) ** 2).sum(axis=1)))


def _starts(ctx: _Context) -> FloatArray | None:
    if ctx.params.start is None:
        return None
    s = np.array(ctx.params.start, dtype=np.float64)
    return ctx.proj.forward(s[:, 0], s[:, 1])


def _order_doors(
    ctx: _Context, members: IntArray, starts: FloatArray | None, seed: int
) -> IntArray:
    """Doors ``members`` (indices) in walking order: stops ordered, doors of a stop together."""
    if len(members) <= 1:
        return members
    stop = ctx.stop_of[members]
    ustops, inv = np.unique(stop, return_inverse=True)
    o = _order_stops(ctx, ustops, starts, seed)
    rank = np.empty(len(o), dtype=np.int64)
    rank[np.searchsorted(ustops, o)] = np.arange(len(o))
    seq = np.lexsort((members, rank[inv.reshape(-1)]))
    return members[seq]


def _order_stops(ctx: _Context, stops: IntArray, starts: FloatArray | None, seed: int) -> IntArray:
    """Stops ``stops`` (indices) in walking order, legs crossing no barrier where possible."""
    if len(stops) <= 1:
        return stops
    pts = ctx.stop_xy[stops]
    start = None if starts is None else starts[_nearest_start(pts, starts)]
    # The compiled search makes the thorough effort cheap enough for a whole plan (~2.5 ms per
    # 60-door turf); bulk was up to 10% longer on some street turfs (benchmarks/walk_order.py).
    o = np.asarray(walk.order_xy(pts, start=start, seed=seed), dtype=np.int64)
    return stops[_avoid_barriers(ctx, pts, o, seed)]


def _avoid_barriers(ctx: _Context, pts: FloatArray, o: IntArray, seed: int) -> IntArray:
    if ctx.barriers and len(o) > 1:
        legs = crossing_mask(pts[o[:-1]], pts[o[1:]], ctx.barriers)
        if legs.any():
            o = _order_avoiding_restarts(pts, o, ctx.barriers, seed)
    return o


def _reorder_stops(
    ctx: _Context, stops: IntArray, starts: FloatArray | None, seed: int
) -> IntArray:
    """A walk over ``stops`` (given in walking order) at least as good as that order."""
    if len(stops) <= 2:
        return stops
    pts = ctx.stop_xy[stops]
    start = None if starts is None else starts[_nearest_start(pts, starts)]
    given = np.arange(len(stops))
    # the polished walk is good but for the few stops moved in or out: improve it, not redo it
    o = np.asarray(walk.improve_xy(pts, given, start=start, seed=seed), dtype=np.int64)
    o = _avoid_barriers(ctx, pts, o, seed)
    return stops[min((o, given), key=lambda q: _walk_key(ctx, pts, q, start))]


def _walk_key(
    ctx: _Context, pts: FloatArray, o: IntArray, start: FloatArray | None
) -> tuple[int, float]:
    """Barrier crossings, then length (from ``start`` if given): smaller is a better walk."""
    crossings = int(crossing_mask(pts[o[:-1]], pts[o[1:]], ctx.barriers).sum())
    length = _path_m(pts[o] if start is None else np.vstack([start, pts[o]]))
    return crossings, length


def _polished_walks(
    ctx: _Context, stop_turf: IntArray, seed: int
) -> tuple[IntArray, dict[int, IntArray]]:
    """Walks for the turfs of ``stop_turf`` (-1: not in play), polished across turfs.

    Each turf is ordered, then :func:`._polish.polish` moves boundary stops to a neighbouring
    turf's walk where that is shorter, keeping every turf's load (doors; in time mode service
    plus real walking minutes) within +-10% of the mean turf of its connected group and
    within the balance bounds, and its walk within 1.8x the median walk (or its own), and the
    turfs that changed are ordered again. Returns the new
    stop -> turf labels and each turf's doors (indices) in walking order.
    """
    starts = _starts(ctx)
    play = stop_turf >= 0
    k = int(stop_turf.max()) + 1
    members = np.argsort(stop_turf, kind="stable")
    bounds = np.searchsorted(stop_turf[members], np.arange(k + 1))
    orders = [_order_stops(ctx, members[bounds[t] : bounds[t + 1]], starts, seed) for t in range(k)]
    paths = Paths.from_orders(ctx.n_stops, orders)
    e = ctx.edges[play[ctx.edges[:, 0]] & play[ctx.edges[:, 1]]]
    if ctx.params.mode == "doors":
        cost, per_metre = ctx.cost, 0.0
    else:
        # time mode balances minutes: the polish knows the real walks, so it uses them
        # rather than the walk estimate in ctx.cost
        service = ctx.params.minutes_per_door * ctx.weight
        cost = np.bincount(ctx.stop_of, weights=service, minlength=ctx.n_stops)
        per_metre = 1.0 / (ctx.params.walk_speed_mps * 60.0)

    def run_polish(walk_hi: FloatArray, **shed: Any) -> IntArray:
        """One polish over the current walks; load bands from the turfs as they are now."""
        walk_m = paths.lengths(ctx.stop_xy, k)
        load = np.bincount(paths.turf[play], weights=cost[play], minlength=k) + per_metre * walk_m
        lo, hi = _bands(ctx, paths.turf, e, load)
        return polish(
            ctx.stop_xy,
            cost,
            e,
            ctx.edges_all,
            paths,
            lo,
            hi,
            reorder=lambda o: _reorder_stops(ctx, o, starts, seed),
            walk_hi=walk_hi,
            per_metre=per_metre,
            barriers=ctx.barriers,
            **shed,
        )

    walk_m = paths.lengths(ctx.stop_xy, k)
    changed = run_polish(np.maximum(walk_m, _POLISH_LONGEST * np.median(walk_m)))
    walk_m = paths.lengths(ctx.stop_xy, k)
    median = float(np.median(walk_m))
    long = walk_m > _SHED_FROM * median
    if long.any():
        shed = run_polish(
            np.where(long, walk_m, _POLISH_LONGEST * median),
            shed_above=np.where(long, _SHED_FROM * median, np.inf),
            shed_cost=_SHED_COST,
        )
        changed = np.union1d(changed, shed)
    for t, o in zip(changed.tolist(), paths.orders(changed)):
        orders[t] = o
    if not ctx.balance.by_ceiling:
        _recut_long_walks(ctx, paths, e, orders, starts, seed)
    return paths.turf, _door_walks(ctx, orders)


@dataclass(frozen=True)
class _Figures:
    """What the relief of long walks compares plans by (the benchmark's feasible figures)."""

    in_bounds: bool  # every turf but barrier pockets within the door bounds
    door_cv: float  # over the turfs but barrier pockets
    longest: float  # longest walk over the median, over the turfs a cut could split
    total_m: float
    long_groups: IntArray  # the connected groups holding a walk over the relief limit

    def meets(self, cv: float) -> bool:
        return self.in_bounds and self.door_cv <= cv + 1e-12


def _figures(ctx: _Context, stop_turf: IntArray, walks: dict[int, IntArray]) -> _Figures:
    k = int(stop_turf.max()) + 1
    doors = np.bincount(ctx.stop_of, minlength=ctx.n_stops).astype(np.float64)
    size = np.bincount(stop_turf, weights=doors, minlength=k)
    walk = np.array([_path_m(ctx.xy[walks[t]]) for t in range(k)])
    _, comp = components(ctx.n_stops, ctx.edges)
    first = np.full(k, ctx.n_stops, dtype=np.int64)
    np.minimum.at(first, stop_turf, np.arange(ctx.n_stops))
    turf_comp = comp[first]
    whole = size == np.bincount(comp, weights=doors)[turf_comp]
    lo, hi = ctx.params.min_doors, ctx.params.max_doors
    pocket = whole & (size < lo)
    splittable = ~(whole & (size < 2 * lo))
    full = size[~pocket]
    cv = float(full.std() / full.mean()) if len(full) else 0.0
    in_bounds = bool(((full >= lo) & (full <= hi)).all())
    if splittable.any():
        median = float(np.median(walk[splittable]))
        longest = float(walk[splittable].max() / median) if median > 0 else 1.0
        long = splittable & (walk > _RELIEF_LONGEST * median)
    else:
        longest, long = 1.0, np.zeros(k, dtype=bool)
    return _Figures(in_bounds, cv, longest, float(walk.sum()), np.unique(turf_comp[long]))


def _relieve_long_walks(
    ctx: _Context, stop_turf: IntArray, walks: dict[int, IntArray], seed: int
) -> tuple[IntArray, dict[int, IntArray]]:
    """Cut a door-mode plan again where a walk is over 2x the median (``_RELIEF_*``).

    Only a plan whose longest walk is at most ``_RELIEF_UP_TO`` times the median is tried.
    Balancing doors alone gives a group whose sparse part makes full turfs of long walks,
    next to dense turfs of short ones; shedding and re-cutting pairs cannot fix that without
    breaking the door CV, as the long turfs lie side by side. A variant balances that group
    partly by walking, with or without one turf more, and evens out sizes everywhere else
    more tightly to make room in the door CV. Returns the plan kept (the input if no variant
    is better).
    """
    params = ctx.params
    if params.mode != "doors" or params.keep_precincts_whole or ctx.n_stops > _RELIEF_MAX_STOPS:
        return stop_turf, walks
    now = _figures(ctx, stop_turf, walks)
    if not _RELIEF_LONGEST < now.longest <= _RELIEF_UP_TO or not now.meets(_RELIEF_CV):
        return stop_turf, walks
    _, comp = components(ctx.n_stops, ctx.edges)
    sparse = np.isin(comp, now.long_groups)
    share = _walk_share(ctx.stop_xy, 1.0)
    # scaled so that each group weighs as many doors as it has: the same number of turfs
    per_group = np.bincount(comp, weights=ctx.cost) / np.maximum(
        np.bincount(comp, weights=share), 1e-12
    )
    share = share * per_group[comp]
    best: tuple[float, IntArray, dict[int, IntArray]] | None = None
    for walking, more in _RELIEF_VARIANTS:
        cost = np.where(sparse, (1 - walking) * ctx.cost + walking * share, ctx.cost)
        vctx = dataclasses.replace(ctx, cost=cost)
        labels = _cut_stops(
            vctx,
            np.arange(ctx.n_stops),
            one_more=sparse if more else None,
            spread=_RELIEF_SPREAD,
            guard_walks=False,
        )
        labels, v_walks = _polished_walks(vctx, labels, seed)
        got = _figures(ctx, labels, v_walks)
        if not got.meets(_RELIEF_CV) or got.total_m > _RELIEF_MORE_WALK * now.total_m:
            continue
        if got.longest <= _RELIEF_LONGEST:
            return labels, v_walks
        if got.longest < (now.longest if best is None else best[0]):
            best = (got.longest, labels, v_walks)
    return (stop_turf, walks) if best is None else (best[1], best[2])


def _recut_long_walks(
    ctx: _Context,
    paths: Paths,
    edges: IntArray,
    orders: list[IntArray],
    starts: FloatArray | None,
    seed: int,
) -> None:
    """Re-cut a turf walking over 2x the median together with its neighbours; in place.

    A long turf that could shed no stops is most often a sparse area (a rural precinct) whose
    doors make full turfs of long walks: one turf more over the same doors walks less in each,
    and a sparse turf next to a dense one can hand it doors. The long turf and one neighbour
    may become three turfs or be re-split 40/60 or 45/55, or the long turf and two neighbours
    become four (where a pair has too few doors for three, or its parts still walk too far);
    of these re-cuts, the one with the shortest longest walk is kept (a pair's if one brings
    every walk under 2x the median), if every part stays within the door bounds, the door CV
    of the plan's full-size turfs stays under ``_SPLIT_CV``, and its longest walk is shorter
    than the longest of the turfs it replaces. A part still over 2x the median is looked at
    again in the next round. New turfs are appended to ``orders``.
    """
    xy, cost, bal = ctx.stop_xy, ctx.cost, ctx.balance
    k = len(orders)
    walk_m = paths.lengths(xy, k)
    limit = _SHED_TO_SPLIT * float(np.median(walk_m))
    load = np.bincount(paths.turf[paths.turf >= 0], weights=cost[paths.turf >= 0], minlength=k)
    # re-cuts tried in vain, while none of their turfs changes
    tried: set[tuple[tuple[int, ...], int, float | None]] = set()
    for _ in range(_SPLIT_ROUNDS):
        cross = paths.turf[edges[:, 0]] != paths.turf[edges[:, 1]]
        pairs = paths.turf[edges[cross]]
        changed: set[int] = set()
        for t in np.argsort(-walk_m, kind="stable").tolist():
            if walk_m[t] <= limit:
                break
            if t in changed:
                continue
            nbrs = np.unique(
                np.concatenate([pairs[pairs[:, 0] == t, 1], pairs[pairs[:, 1] == t, 0]])
            )
            order = np.argsort(-walk_m[nbrs], kind="stable")
            nbrs = [u for u in nbrs[order].tolist() if u not in changed]
            # (turfs, parts, the first part's share of the doors: None for even parts)
            plans = [((t, u), 3, None) for u in nbrs]
            plans += [((t, u), 2, f) for u in nbrs for f in _RESPLIT_SHARES]
            plans += [((t, u, v), 4, None) for i, u in enumerate(nbrs[:4]) for v in nbrs[i + 1 : 4]]
            best: tuple[float, tuple[int, ...], list[IntArray], list[float]] | None = None
            for plan in plans:
                group, count, share = plan
                if count != plans[0][1] and best is not None and best[0] <= limit:
                    break  # a simpler re-cut does: touch no more turfs than needed
                if plan in tried:
                    continue
                tried.add(plan)
                parts = _recut(ctx, edges, orders, list(group), count, share)
                if parts is None:
                    continue
                sizes = np.array([float(cost[q].sum()) for q in parts])
                new_load = np.concatenate([np.delete(load, group), sizes])
                full = new_load[new_load >= bal.lo]
                if full.std() > _SPLIT_CV * full.mean():
                    continue
                new_orders = [_order_stops(ctx, q, starts, seed) for q in parts]
                new_walk = [_path_m(xy[o]) for o in new_orders]
                longest = max(new_walk)
                if longest >= walk_m[list(group)].max():
                    continue
                # a long neighbour left out stays as long: re-cutting around it is no gain
                left_out = [walk_m[u] for u in nbrs if u not in group and walk_m[u] > limit]
                key = max([longest, *left_out])
                if best is None or key < best[0]:
                    best = (key, group, new_orders, new_walk)
            if best is None:
                continue
            _, group, new_orders, new_walk = best
            slots = [*group, len(orders)][: len(new_orders)]
            if len(new_orders) > len(group):
                orders.append(new_orders[-1])
                load = np.append(load, 0.0)
                walk_m = np.append(walk_m, 0.0)
            for slot, o in zip(slots, new_orders):
                orders[slot] = o
                paths.turf[o] = slot
                paths.relink(o)
            load[slots] = [float(cost[o].sum()) for o in new_orders]
            walk_m[slots] = new_walk
            changed.update(slots)
        if not changed:
            break
        tried = {p for p in tried if not changed.intersection(p[0])}


def _recut(
    ctx: _Context,
    edges: IntArray,
    orders: list[IntArray],
    group: list[int],
    count: int,
    share: float | None,
) -> list[IntArray] | None:
    """The stops of the turfs ``group`` in ``count`` contiguous parts within the bounds.

    Even parts, or with ``share``, two parts, the first with that share of the doors.
    """
    bal = ctx.balance
    stops = np.concatenate([orders[u] for u in group])
    weight = float(ctx.cost[stops].sum())
    if not count * bal.lo - 1e-9 <= weight <= count * bal.hi + 1e-9:
        return None
    if share is None:
        parts = split_even(ctx.stop_xy, ctx.cost, edges, stops, count, bal.lo, bal.hi)
    else:
        got = split_pair(ctx.stop_xy, ctx.cost, edges, stops, share * weight, bal.lo, bal.hi)
        parts = None if got is None else list(got)
    if parts is None:
        return None
    sizes = [float(ctx.cost[q].sum()) for q in parts]
    if min(sizes) < bal.lo - 1e-9 or max(sizes) > bal.hi + 1e-9:
        return None
    return parts


def _bands(
    ctx: _Context, stop_turf: IntArray, edges: IntArray, size: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Per turf load bounds for polishing: near the group's mean turf, never worse than now."""
    play = stop_turf >= 0
    k = len(size)
    _, comp = components(ctx.n_stops, edges)
    first = np.full(k, ctx.n_stops, dtype=np.int64)
    np.minimum.at(first, stop_turf[play], np.flatnonzero(play))
    group = comp[first]
    ref = (np.bincount(group, weights=size) / np.maximum(np.bincount(group), 1))[group]
    lo = np.maximum(ctx.balance.lo, np.minimum(size, ref * (1 - _POLISH_BAND)))
    hi = np.minimum(ctx.balance.hi, np.maximum(size, ref * (1 + _POLISH_BAND)))
    if ctx.balance.by_ceiling:
        # A turf over the shift limit is left as it is, for the shift check to split: polished
        # just under the limit it would keep a long walk (Helsinki: max/median walk 1.97 -> 2.44)
        over = size > ctx.balance.hi
        lo[over], hi[over] = size[over], size[over]
    return lo, hi


def _door_walks(ctx: _Context, orders: list[IntArray]) -> dict[int, IntArray]:
    """Doors (indices) in walking order per turf, from stop orders; a stop's doors together."""
    rank = np.full(ctx.n_stops, -1, dtype=np.int64)
    turf = np.full(ctx.n_stops, -1, dtype=np.int64)
    for t, o in enumerate(orders):
        rank[o] = np.arange(len(o))
        turf[o] = t
    door_turf = turf[ctx.stop_of]
    doors = np.flatnonzero(door_turf >= 0)
    seq = doors[np.lexsort((doors, rank[ctx.stop_of[doors]], door_turf[doors]))]
    bounds = np.searchsorted(door_turf[seq], np.arange(len(orders) + 1))
    return {t: seq[bounds[t] : bounds[t + 1]] for t in range(len(orders))}


def _order_avoiding_restarts(
    pts: FloatArray, order: IntArray, barriers: tuple[BaseGeometry, ...], seed: int
) -> IntArray:
    """Barrier-avoiding local search from the given order, then from seeded random orders."""
    rng = np.random.default_rng(seed)
    best: tuple[int, float, IntArray] | None = None
    start = order
    for _ in range(12):
        o = _order_avoiding(pts, start, barriers)
        crossings = int(crossing_mask(pts[o[:-1]], pts[o[1:]], barriers).sum())
        length = _path_m(pts[o])
        if best is None or (crossings, length) < best[:2]:
            best = (crossings, length, o)
        if crossings == 0:
            break
        start = rng.permutation(len(pts)).astype(np.int64)
    assert best is not None
    return best[2]


def _order_avoiding(
    pts: FloatArray, order: IntArray, barriers: tuple[BaseGeometry, ...]
) -> IntArray:
    """2-opt/or-opt on a distance matrix that makes barrier-crossing legs very long."""
    n = len(pts)
    iu, ju = np.triu_indices(n, 1)
    cross = crossing_mask(pts[iu], pts[ju], barriers)
    d = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1))
    big = 1e7 + d.max() * n
    d[iu[cross], ju[cross]] += big
    d[ju[cross], iu[cross]] += big
    t = order.copy()
    for _ in range(100 * n):
        improved = False
        for i in range(n - 1):
            js = np.arange(i + 1, n)
            nxt = np.minimum(js + 1, n - 1)
            tail = js < n - 1
            before = np.where(tail, d[t[js], t[nxt]], 0.0)
            after = np.where(tail, d[t[i], t[nxt]], 0.0)
            if i > 0:
                before = before + d[t[i - 1], t[i]]
                after = after + d[t[i - 1], t[js]]
            delta = after - before
            best = int(np.argmin(delta))
            if delta[best] < -1e-9:
                j = int(js[best])
                t[i : j + 1] = t[i : j + 1][::-1].copy()
                improved = True
        if not improved:
            break
    return t


def _enforce_shift(
    ctx: _Context,
    door_turf: IntArray,
    labels: list[str],
    sequences: dict[int, IntArray],
    starts: FloatArray | None,
    seed: int,
) -> tuple[IntArray, list[str], dict[int, IntArray]]:
    """Split turfs whose estimated time exceeds the shift by more than 8%."""
    params = ctx.params
    limit = params.shift_minutes * 1.08
    door_turf = door_turf.copy()
    for _ in range(3):
        k = int(door_turf.max()) + 1
        service = np.bincount(door_turf, weights=params.minutes_per_door * ctx.weight, minlength=k)
        walk_m = np.array([_path_m(ctx.xy[sequences[t]]) for t in range(k)])
        minutes = walk_m / params.walk_speed_mps / 60 + service
        over = np.flatnonzero(minutes > limit)
        if len(over) == 0:
            break
        changed = False
        for t in over.tolist():
            stops = np.unique(ctx.stop_of[door_turf == t])
            if len(stops) < 2:
                continue
            w = float(ctx.cost[stops].sum())
            halves = split_pair(ctx.stop_xy, ctx.cost, ctx.edges, stops, w / 2, 0.0, w)
            if halves is None:
                continue
            new = int(door_turf.max()) + 1
            moved = np.isin(ctx.stop_of, halves[1]) & (door_turf == t)
            door_turf[moved] = new
            nums = [int(x) for x in labels if x.isdigit()]
            labels = labels + [str(max(nums, default=len(labels)) + 1)]
            for u in (t, new):
                sequences[u] = _order_doors(ctx, np.flatnonzero(door_turf == u), starts, seed)
            changed = True
        if not changed:
            break
    return door_turf, labels, sequences
