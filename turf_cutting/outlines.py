"""Outlines of turfs made at different times: drawn from where all their doors are.

A plan's outlines (:func:`turf_cutting.cut_turfs`) tile the buffered hull of that plan's doors,
so two plans cut apart overlap wherever one's hull covers the other's doors. Here a turf's
outline is the union of its doors' Voronoi cells among the doors of *every* turf given,
clipped to its own doors' buffered convex hull. Each point then belongs to the cell of one
door only, so the outlines never overlap, each holds all its own doors, and an outline depends
only on its turf's doors and the doors near them: outlines drawn in separate calls, with
different turfs, still fit together.

>>> from turf_cutting import Door
>>> doors = [Door(i, -83.0 + 0.0004 * (i % 10), 40.0 + 0.0004 * (i // 10)) for i in range(100)]
>>> turf_of = ["west" if i % 10 < 5 else "east" for i in range(100)]
>>> shapes = turf_outlines(doors, turf_of)
>>> sorted(shapes), shapes["west"].intersection(shapes["east"]).area < 1e-12
(['east', 'west'], True)
>>> sorted(natural_neighbours(doors, [0]))
[0, 1, 10, 11]
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Sequence

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.spatial import Delaunay, QhullError, cKDTree
from shapely.geometry.base import BaseGeometry

from ._arrays import unique_rows
from ._geo import Projection
from ._outline import _polygonal, _sites, voronoi_cells
from .errors import DoorDataError
from .types import Door

__all__ = ["natural_neighbours", "turf_outlines"]

FloatArray = NDArray[np.float64]


def turf_outlines(
    doors: Sequence[Door],
    turf_of: Sequence[Hashable],
    *,
    turfs: Iterable[Hashable] | None = None,
) -> dict[Hashable, BaseGeometry]:
    """Lon/lat (Multi)Polygon outlines of ``turfs`` (default: all), keyed by turf.

    ``doors`` are the doors of every turf that may lie near the ones asked for, ``turf_of``
    the turf of each door. Only doors that can shape the asked outlines are used, so asking
    for a few turfs among a county's doors costs little.
    """
    if len(doors) != len(turf_of):
        raise DoorDataError(
            f"turf_of must give one turf per door: {len(turf_of)} turfs for {len(doors)} doors"
        )
    if not doors:
        return {}
    lon = np.array([d.lon for d in doors], dtype=np.float64)
    lat = np.array([d.lat for d in doors], dtype=np.float64)
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        raise DoorDataError("every door needs a finite lon and lat")
    keys = list(dict.fromkeys(turf_of))
    index = {key: i for i, key in enumerate(keys)}
    labels = np.array([index[t] for t in turf_of], dtype=np.int64)
    wanted = keys if turfs is None else [t for t in dict.fromkeys(turfs) if t in index]
    if not wanted:
        return {}
    proj = Projection.around(lon, lat)
    sites, site_label = _sites(proj.forward(lon, lat), labels)
    order = np.argsort(site_label, kind="stable")
    bounds = np.searchsorted(site_label[order], np.arange(len(keys) + 1))

    regions: list[BaseGeometry] = []
    reach: list[BaseGeometry] = []
    for key in wanted:
        own = sites[order[bounds[index[key]] : bounds[index[key] + 1]]]
        pad = _pad(own)
        regions.append(shapely.buffer(shapely.convex_hull(shapely.multipoints(own)), pad, quad_segs=4))
        # A point of the region is at most pad + diagonal from its nearest own door, so a
        # door farther than that from the region cannot take any of it.
        (x0, y0), (x1, y1) = own.min(axis=0), own.max(axis=0)
        margin = 2 * pad + float(np.hypot(x1 - x0, y1 - y0))
        reach.append(shapely.box(x0 - margin, y0 - margin, x1 + margin, y1 + margin))
    near = np.unique(shapely.STRtree(reach).query(shapely.points(sites), predicate="intersects")[0])
    cells = voronoi_cells(sites[near], shapely.envelope(shapely.union_all(reach)))
    cell_of = np.full(len(sites), -1, dtype=np.int64)
    cell_of[near] = np.arange(len(near))

    out: dict[Hashable, BaseGeometry] = {}
    for key, region in zip(wanted, regions):
        group = cells[cell_of[order[bounds[index[key]] : bounds[index[key] + 1]]]]
        group = group[~shapely.is_empty(group)]
        try:
            geom = group[0] if len(group) == 1 else shapely.coverage_union_all(group)
        except shapely.errors.GEOSException:
            geom = shapely.union_all(shapely.make_valid(group), grid_size=1e-3)
        if not geom.is_valid:
            geom = shapely.union_all(shapely.make_valid(group), grid_size=1e-3)
        try:
            geom = shapely.intersection(geom, region)
        except shapely.errors.GEOSException:
            geom = shapely.intersection(geom, region, grid_size=1e-3)
        geom = proj.geom_inverse(_polygonal(geom))
        if not geom.is_valid:
            geom = _polygonal(shapely.make_valid(geom))
        out[key] = geom
    return out


def natural_neighbours(doors: Sequence[Door], ids: Collection[Hashable]) -> set[Hashable]:
    """The doors ``ids`` and the doors whose Voronoi cells touch theirs (among ``doors``),
    doors at the same spot included: adding or removing the doors ``ids`` changes the cells
    of these doors and of no other.
    """
    if not doors or not ids:
        return set()
    lon = np.array([d.lon for d in doors], dtype=np.float64)
    lat = np.array([d.lat for d in doors], dtype=np.float64)
    points, spot = unique_rows(Projection.around(lon, lat).forward(lon, lat))
    wanted = set(ids)
    changed = np.zeros(len(points), dtype=bool)
    changed[spot[[i for i, d in enumerate(doors) if d.id in wanted]]] = True
    try:
        tri = Delaunay(points)
    except (QhullError, ValueError):  # fewer than three spots, or all on one line
        return {d.id for d in doors}
    start, neighbour = tri.vertex_neighbor_vertices
    touched = changed.copy()
    for v in np.flatnonzero(changed).tolist():
        touched[neighbour[start[v] : start[v + 1]]] = True
    return {d.id for d, s in zip(doors, spot.tolist()) if touched[s]}


def _pad(own: FloatArray) -> float:
    """How far an outline reaches past its outermost doors (metres): 1.5 door spacings."""
    if len(own) < 2:
        return 25.0
    d, _ = cKDTree(own).query(own, k=2)
    return float(np.clip(1.5 * np.median(d[:, 1]), 25.0, 250.0))
