"""turf_outlines: outlines of turfs cut apart never overlap, hold their own doors, and do not
depend on which other turfs are drawn in the same call."""

from __future__ import annotations

import numpy as np
import shapely

from tests.turf_cutting._doors import LAT0, LON0, M_PER_DEG_LAT, M_PER_DEG_LON, uniform
from turf_cutting import CutParams, cut_turfs, natural_neighbours, turf_outlines


def metres(geometry):
    return shapely.transform(
        geometry, lambda c: (c - [LON0, LAT0]) * [M_PER_DEG_LON, M_PER_DEG_LAT])


def two_cuts():
    """A town cut first, then the country around it, as two plans (their hulls overlap)."""
    doors = uniform(1500, side_m=2000.0, seed=3)
    centre = np.array([LON0 + 1000 / M_PER_DEG_LON, LAT0 + 1000 / M_PER_DEG_LAT])
    inner = [d for d in doors if np.hypot(*((np.array([d.lon, d.lat]) - centre)
                                           * [M_PER_DEG_LON, M_PER_DEG_LAT])) < 500]
    outer = [d for d in doors if d not in inner]
    params = CutParams(target_doors=60, min_doors=40, max_doors=80)
    turf_of = {}
    for name, part in (("town", inner), ("country", outer)):
        for turf in cut_turfs(part, params).turfs:
            turf_of.update({door_id: f"{name}-{turf.label}" for door_id in turf.door_ids})
    return doors, [turf_of[d.id] for d in doors]


def test_outlines_of_separate_cuts_never_overlap_and_hold_their_doors():
    doors, turf_of = two_cuts()
    shapes = {t: metres(g) for t, g in turf_outlines(doors, turf_of).items()}
    keys = list(shapes)
    geoms = np.array([shapes[k] for k in keys], dtype=object)
    i, j = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = i < j
    overlap = shapely.area(shapely.intersection(geoms[i[keep]], geoms[j[keep]], grid_size=1e-3))
    assert overlap.max() < 0.1  # m²: shared borders only, up to rounding
    points = metres(shapely.points([(d.lon, d.lat) for d in doors]))
    own = np.array([shapes[t] for t in turf_of], dtype=object)
    assert shapely.distance(own, points).max() < 1e-6


def test_an_outline_is_the_same_whichever_turfs_are_drawn_with_it():
    doors, turf_of = two_cuts()
    every = turf_outlines(doors, turf_of)
    few = sorted(set(turf_of))[:3]
    alone = turf_outlines(doors, turf_of, turfs=few)
    assert sorted(alone) == few
    for turf in few:
        assert metres(alone[turf]).symmetric_difference(metres(every[turf])).area < 0.01


def test_natural_neighbours_are_the_doors_whose_cells_touch():
    doors = uniform(200, seed=1)
    near = natural_neighbours(doors, [doors[0].id])
    assert doors[0].id in near and 3 <= len(near) <= 15
    assert natural_neighbours(doors, []) == set()
