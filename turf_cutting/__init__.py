"""Turf cutting: geocoded doors in, balanced, compact, walkable turfs out.

Pure library (numpy, scipy, shapely). Doors are :class:`Door` values, options a
:class:`CutParams`; :func:`cut_turfs` returns a :class:`TurfPlan` whose turfs carry door ids in
walking order, an outline, the walk length and the estimated shift time.
:mod:`turf_cutting.quality` scores any plan. :func:`turf_outlines` draws outlines of turfs from
separate plans that never overlap.

>>> from turf_cutting import Door, CutParams, cut_turfs
>>> doors = [Door(i, -122.27 + 0.0004 * (i % 8), 37.80 + 0.0004 * (i // 8)) for i in range(64)]
>>> plan = cut_turfs(doors, CutParams(target_doors=32, min_doors=24, max_doors=40))
>>> [len(turf) for turf in plan.turfs]
[32, 32]
"""

from .cut import cut_turfs, merge_turfs, plan_from_assignment, recut, remove_doors, split_turf
from .errors import DoorDataError, TurfCuttingError, TurfEditError, TurfParamsError
from .outlines import natural_neighbours, turf_outlines
from .types import CutParams, Door, LonLat, Turf, TurfPlan
from .walk import order_walk, order_xy, path_length

__all__ = [
    "CutParams",
    "Door",
    "DoorDataError",
    "LonLat",
    "Turf",
    "TurfCuttingError",
    "TurfEditError",
    "TurfParamsError",
    "TurfPlan",
    "cut_turfs",
    "merge_turfs",
    "natural_neighbours",
    "order_walk",
    "order_xy",
    "path_length",
    "plan_from_assignment",
    "recut",
    "remove_doors",
    "split_turf",
    "turf_outlines",
]
