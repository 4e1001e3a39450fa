"""Turf outlines: union of each turf's Voronoi cells, clipped to the buffered hull; private."""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from ._arrays import unique_rows
from ._geo import Projection

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def voronoi_cells(sites: FloatArray, extent: BaseGeometry) -> NDArray[np.object_]:
    """Voronoi cell of each site, in site order, reaching at least to ``extent``."""
    if len(sites) == 1:
        return np.array([extent], dtype=object)
    vor = shapely.voronoi_polygons(shapely.multipoints(sites), extend_to=extent, ordered=True)
    cells = shapely.get_parts(vor)
    if len(cells) != len(sites):  # GEOS merged near-duplicate sites: match by location
        tree = shapely.STRtree(cells)
        hit = tree.query(shapely.points(sites), predicate="intersects")
        first = np.full(len(sites), -1, dtype=np.int64)
        first[hit[0][::-1]] = hit[1][::-1]
        pads = shapely.buffer(shapely.points(sites), 0.5)
        cells = np.array(
            [cells[f] if f >= 0 else pads[i] for i, f in enumerate(first.tolist())], dtype=object
        )
    return cells


def outlines(xy: FloatArray, labels: IntArray, k: int, proj: Projection) -> list[BaseGeometry]:
    """One lon/lat (Multi)Polygon per label; outlines tile the buffered hull of ``xy``."""
    sites, site_label = _sites(xy, labels)
    region = _region(sites)
    cells = voronoi_cells(sites, region)
    if len(sites) > 1:
        shapely.prepare(region)
        edge = ~shapely.contains_properly(
            region, cells
        )  # only cells reaching the rim need clipping
        try:
            cells[edge] = shapely.intersection(cells[edge], region)
        except shapely.errors.GEOSException:
            cells[edge] = shapely.intersection(cells[edge], region, grid_size=1e-3)
        odd = shapely.get_type_id(cells) != 3
        for i in np.flatnonzero(odd).tolist():
            cells[i] = _polygonal(cells[i])
    order = np.argsort(site_label, kind="stable")
    bounds = np.searchsorted(site_label[order], np.arange(k + 1))
    out: list[BaseGeometry] = []
    for j in range(k):
        group = cells[order[bounds[j] : bounds[j + 1]]]
        if len(group) == 0:
            out.append(shapely.Polygon())
            continue
        group = group[~shapely.is_empty(group)]
        try:
            geom = group[0] if len(group) == 1 else shapely.coverage_union_all(group)
        except shapely.errors.GEOSException:
            geom = shapely.union_all(shapely.make_valid(group), grid_size=1e-3)
        if not geom.is_valid:
            geom = shapely.union_all(shapely.make_valid(group), grid_size=1e-3)
        geom = _polygonal(geom)
        geom = proj.geom_inverse(geom)
        if not geom.is_valid:
            geom = _polygonal(shapely.make_valid(geom))
        out.append(geom)
    return out


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else shapely.Polygon()


def _sites(xy: FloatArray, labels: IntArray) -> tuple[FloatArray, IntArray]:
    """Distinct (point, label) sites; a point shared by several turfs is fanned out (metres)."""
    rows = np.column_stack([xy, labels.astype(np.float64)])
    uniq, _ = unique_rows(rows)
    pts, lab = uniq[:, :2].copy(), uniq[:, 2].astype(np.int64)
    _, inv = unique_rows(pts)
    counts = np.bincount(inv)
    if (counts > 1).any():
        shared = counts[inv] > 1
        rank = np.zeros(len(pts), dtype=np.int64)
        o = np.argsort(inv, kind="stable")
        si = inv[o]
        start = np.r_[0, np.flatnonzero(si[1:] != si[:-1]) + 1]
        rank[o] = np.arange(len(si)) - np.repeat(start, np.diff(np.r_[start, len(si)]))
        angle = 2.399963229728653 * rank  # golden angle: no four sites on one circle
        radius = np.sqrt(rank + 1.0)
        pts[shared, 0] += (radius * np.cos(angle))[shared]
        pts[shared, 1] += (radius * np.sin(angle))[shared]
    return pts, lab


def _region(sites: FloatArray) -> BaseGeometry:
    if len(sites) >= 2:
        d, _ = cKDTree(sites).query(sites, k=2)
        pad = float(np.clip(1.5 * np.median(d[:, 1]), 25.0, 250.0))
    else:
        pad = 25.0
    hull = shapely.convex_hull(shapely.multipoints(sites))
    return shapely.buffer(hull, pad, quad_segs=4)
