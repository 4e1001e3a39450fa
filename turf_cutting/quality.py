"""Quality metrics of a turf plan, independent of how the plan was made.

Tests and benchmarks judge algorithms only through :func:`score_plan`.

>>> from turf_cutting import Door, CutParams, cut_turfs
>>> doors = [Door(i, 0.0004 * (i % 10), 0.0004 * (i // 10)) for i in range(100)]
>>> plan = cut_turfs(doors, CutParams(target_doors=50, min_doors=40, max_doors=60))
>>> score = score_plan(plan)
>>> score.n_turfs, score.size_min, score.size_max, score.within_bounds
(2, 50, 50, 1.0)
>>> score.contiguous, score.barrier_crossings, score.outline_overlap < 0.01
(1.0, 0, True)
>>> 1.0 <= score.walk_ratio < 1.3
True
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import minimum_spanning_tree
from shapely.geometry.base import BaseGeometry

from ._arrays import unique_inverse, unique_rows
from ._geo import Projection
from ._graph import components, crossing_mask, delaunay_edges
from .types import TurfPlan

__all__ = ["PlanScore", "msf_lower_bound", "score_plan"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class PlanScore:
    """Figures of one plan. Shares are in [0, 1]; lengths in metres; times in minutes."""

    n_doors: int
    n_turfs: int
    size_min: int
    size_max: int
    size_cv: float
    within_bounds: float  # share of turfs with min_doors <= doors <= max_doors
    isolated_small: int  # turfs that are a whole door-graph component below min_doors
    within_bounds_feasible: float  # within_bounds over the turfs that are not isolated_small
    size_cv_feasible: float  # size_cv over the turfs that are not isolated_small
    minutes_median: float
    minutes_max: float
    minutes_cv: float
    max_shift_ratio: float  # longest estimated shift / shift_minutes
    within_shift: float  # share of turfs at most 1.15 x shift_minutes
    walk_total_m: float
    walk_median_m: float
    walk_p90_m: float
    walk_max_m: float
    msf_m: float  # MSF_k lower bound on the total walk
    walk_ratio: float  # walk_total_m / msf_m
    max_over_median_walk: float
    # turfs that are a whole door-graph component of under 2 x min_doors doors (isolated_small
    # among them): no cut can make such a group anything but one turf, so its walk is the data's
    unsplittable: int
    # max_over_median_walk over the turfs that are not unsplittable: their walks say nothing
    # about the cut (neither as the longest walk nor by moving the median)
    max_over_median_walk_feasible: float
    outline_overlap: float  # pairwise outline intersection area / total outline area
    hull_overlap: float  # pairwise convex hull intersection area / total hull area
    polsby_popper_median: float
    contiguous: float  # share of turfs forming one component of the door graph
    barrier_crossings: int  # walk legs crossing a barrier
    precincts_split: int
    precincts_split_needlessly: int  # split though <= max_doors and not cut apart by barriers

    def as_dict(self) -> dict[str, Any]:
        """The figures as a plain dict.

        >>> sorted(PlanScore.__dataclass_fields__)[:3]
        ['barrier_crossings', 'contiguous', 'hull_overlap']
        """
        return asdict(self)


def score_plan(plan: TurfPlan, *, barriers: Sequence[BaseGeometry] | None = None) -> PlanScore:
    """Score ``plan``; ``barriers`` (lon/lat) default to the plan's parameters."""
    params = plan.params
    doors = plan.doors
    n = len(doors)
    k = len(plan.turfs)
    if n == 0 or k == 0:
        return _empty()
    lon = np.fromiter((d.lon for d in doors), dtype=np.float64, count=n)
    lat = np.fromiter((d.lat for d in doors), dtype=np.float64, count=n)
    weight = np.fromiter((d.weight for d in doors), dtype=np.float64, count=n)
    proj = Projection.around(lon, lat)
    xy = proj.forward(lon, lat)
    index = {d.id: i for i, d in enumerate(doors)}
    seq = np.array([index[i] for t in plan.turfs for i in t.door_ids], dtype=np.int64)
    turf_of_seq = np.repeat(np.arange(k), [len(t.door_ids) for t in plan.turfs])
    turf = np.full(n, -1, dtype=np.int64)
    turf[seq] = turf_of_seq
    sizes = np.bincount(turf_of_seq, minlength=k)

    same = turf_of_seq[1:] == turf_of_seq[:-1]
    a, b = xy[seq[:-1]][same], xy[seq[1:]][same]
    leg = np.hypot(*(b - a).T)
    walk = np.bincount(turf_of_seq[1:][same], weights=leg, minlength=k)
    service = np.bincount(turf, weights=params.minutes_per_door * weight, minlength=k)
    minutes = walk / params.walk_speed_mps / 60 + service

    bar = tuple(proj.geom_forward(g) for g in (params.barriers if barriers is None else barriers))
    moving = leg > 0
    crossings = int(crossing_mask(a[moving], b[moving], bar).sum()) if bar else 0

    nodes, node_of = unique_rows(xy)
    msf = msf_lower_bound(nodes, k)
    edges = delaunay_edges(nodes)
    if bar and len(edges):
        edges = edges[~crossing_mask(nodes[edges[:, 0]], nodes[edges[:, 1]], bar)]
    contiguous = _contiguous_share(node_of, turf, edges, k)
    _, comp = components(len(nodes), edges)
    comp_doors = np.bincount(comp[node_of])
    turf_comp = np.zeros(k, dtype=np.int64)
    turf_comp[turf] = comp[node_of]
    whole = sizes == comp_doors[turf_comp]
    isolated = whole & (sizes < params.min_doors)
    unsplittable = whole & (sizes < 2 * params.min_doors)
    inside = (sizes >= params.min_doors) & (sizes <= params.max_doors)

    shapes = np.array([proj.geom_forward(t.outline) for t in plan.turfs], dtype=object)
    outline_overlap = _overlap(shapes)
    by_turf = np.argsort(turf, kind="stable")
    cut = np.searchsorted(turf[by_turf], np.arange(k + 1))
    hulls = shapely.convex_hull(
        shapely.multipoints(xy[by_turf], indices=np.repeat(np.arange(k), np.diff(cut)))
    )
    hull_overlap = _overlap(hulls)
    area = shapely.area(shapes)
    perimeter = shapely.length(shapes)
    with np.errstate(divide="ignore", invalid="ignore"):
        pp = np.where(perimeter > 0, 4 * math.pi * area / perimeter**2, 0.0)

    split, needless = _precincts_split(doors, turf, params.max_doors, comp[node_of])
    total = float(walk.sum())
    median_walk = float(np.median(walk))
    shift = params.shift_minutes
    return PlanScore(
        n_doors=n,
        n_turfs=k,
        size_min=int(sizes.min()),
        size_max=int(sizes.max()),
        size_cv=_cv(sizes),
        within_bounds=float(inside.mean()),
        isolated_small=int(isolated.sum()),
        within_bounds_feasible=float(inside[~isolated].mean()) if (~isolated).any() else 1.0,
        size_cv_feasible=_cv(sizes[~isolated]) if (~isolated).any() else 0.0,
        minutes_median=float(np.median(minutes)),
        minutes_max=float(minutes.max()),
        minutes_cv=_cv(minutes),
        max_shift_ratio=float(minutes.max() / shift),
        within_shift=float((minutes <= 1.15 * shift).mean()),
        walk_total_m=total,
        walk_median_m=median_walk,
        walk_p90_m=float(np.percentile(walk, 90)),
        walk_max_m=float(walk.max()),
        msf_m=msf,
        walk_ratio=total / msf if msf > 0 else (1.0 if total == 0 else math.inf),
        max_over_median_walk=_max_over_median(walk),
        unsplittable=int(unsplittable.sum()),
        max_over_median_walk_feasible=_max_over_median(walk[~unsplittable]),
        outline_overlap=outline_overlap,
        hull_overlap=hull_overlap,
        polsby_popper_median=float(np.median(pp)),
        contiguous=contiguous,
        barrier_crossings=crossings,
        precincts_split=split,
        precincts_split_needlessly=needless,
    )


def msf_lower_bound(xy: FloatArray, k: int) -> float:
    """Minimum spanning forest with ``k`` trees: a lower bound on the total walk of k turfs.

    >>> msf_lower_bound(np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0], [11.0, 0.0]]), 2)
    2.0
    """
    pts, _ = unique_rows(np.asarray(xy, dtype=np.float64))
    m = len(pts)
    if m < 2:
        return 0.0
    e = delaunay_edges(pts)
    length = np.hypot(*(pts[e[:, 0]] - pts[e[:, 1]]).T)
    g = coo_matrix((length + 1e-12, (e[:, 0], e[:, 1])), shape=(m, m))
    w = np.sort(minimum_spanning_tree(g).data - 1e-12)
    drop = min(max(k - 1, 0), len(w))
    return float(w[: len(w) - drop].sum())


def _cv(values: NDArray[Any]) -> float:
    mean = float(np.mean(values))
    return float(np.std(values) / mean) if mean > 0 else 0.0


def _max_over_median(walk: NDArray[Any]) -> float:
    median = float(np.median(walk)) if len(walk) else 0.0
    return float(walk.max() / median) if median > 0 else 1.0


def _overlap(shapes: NDArray[Any]) -> float:
    valid = np.array([not shapely.is_empty(s) for s in shapes], dtype=bool)
    total = float(shapely.area(shapes[valid]).sum()) if valid.any() else 0.0
    if total <= 0:
        return 0.0
    tree = shapely.STRtree(shapes)
    i, j = tree.query(shapes, predicate="intersects")
    keep = i < j
    i, j = i[keep], j[keep]
    if len(i) == 0:
        return 0.0
    inter = shapely.area(shapely.intersection(shapes[i], shapes[j], grid_size=1e-3))
    return float(inter.sum() / total)


def _contiguous_share(node_of: IntArray, turf: IntArray, edges: IntArray, k: int) -> float:
    """Share of turfs whose doors' nodes induce one connected subgraph."""
    m = int(node_of.max()) + 1
    key, _ = unique_inverse(node_of * k + turf)  # (node, turf) vertices
    v_node, v_turf = key // k, key % k
    start = np.searchsorted(v_node, np.arange(m + 1))
    if len(edges):
        a, b = edges[:, 0], edges[:, 1]
        count = start[a + 1] - start[a]
        ea = np.repeat(np.arange(len(a)), count)
        va = np.arange(len(ea)) - np.repeat(np.cumsum(count) - count, count) + start[a][ea]
        t = v_turf[va]
        vb = np.searchsorted(key, b[ea] * k + t)
        vb = np.minimum(vb, len(key) - 1)
        hit = key[vb] == b[ea] * k + t
        local = np.column_stack([va[hit], vb[hit]]).astype(np.int64)
    else:
        local = np.zeros((0, 2), dtype=np.int64)
    _, comp = components(len(key), local)
    pairs, _ = unique_inverse(v_turf * (len(key) + 1) + comp)
    per_turf = np.bincount(pairs // (len(key) + 1), minlength=k)
    return float((per_turf == 1).mean())


def _precincts_split(
    doors: Sequence[Any], turf: IntArray, max_doors: int, piece: IntArray
) -> tuple[int, int]:
    """Precincts split over several turfs, and those split although small and in one piece."""
    codes: dict[Hashable, int] = {}
    p = np.array(
        [-1 if d.precinct is None else codes.setdefault(d.precinct, len(codes)) for d in doors],
        dtype=np.int64,
    )
    has = p >= 0
    if not has.any():
        return 0, 0
    pairs = np.unique(np.column_stack([p[has], turf[has]]), axis=0)
    turfs_per = np.bincount(pairs[:, 0], minlength=len(codes))
    size = np.bincount(p[has], minlength=len(codes))
    split = turfs_per > 1
    pieces = np.unique(np.column_stack([p[has], piece[has]]), axis=0)
    one_piece = np.bincount(pieces[:, 0], minlength=len(codes)) == 1
    return int(split.sum()), int((split & (size <= max_doors) & one_piece).sum())


def _empty() -> PlanScore:
    """The score of a plan without doors: nothing out of bounds, nothing walked."""
    ones = {
        "within_bounds", "within_bounds_feasible", "within_shift", "walk_ratio",
        "max_over_median_walk", "max_over_median_walk_feasible", "contiguous",
    }  # fmt: skip
    fields = PlanScore.__dataclass_fields__.values()
    return PlanScore(
        **{f.name: 1.0 if f.name in ones else 0.0 if f.type == "float" else 0 for f in fields}
    )
