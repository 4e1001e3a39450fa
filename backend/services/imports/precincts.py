"""Placing doors in precincts by polygon, when the voter file gave no precinct code.

Bounding box first (the ``(lat, lon)`` index), then ``shapely.contains_xy`` for the exact
test: the query the testing guide measured on both databases.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import shape
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.models import Door, Precinct

__all__ = ["assign_precincts_by_polygon"]


def assign_precincts_by_polygon(session: Session) -> int:
    """Put every door with coordinates and no precinct into the precinct containing it.

    Returns how many doors were placed. Doors outside every polygon keep no precinct.
    """
    precincts = session.execute(
        select(Precinct.id, Precinct.polygon, Precinct.min_lon, Precinct.min_lat,
               Precinct.max_lon, Precinct.max_lat).where(Precinct.polygon.is_not(None))
    ).all()  # fmt: skip
    if not precincts:
        return 0
    has_orphans = session.execute(
        select(Door.id).where(Door.precinct_id.is_(None), Door.lat.is_not(None)).limit(1)
    ).first()
    if has_orphans is None:
        return 0
    placed = 0
    for precinct_id, polygon, min_lon, min_lat, max_lon, max_lat in precincts:
        geometry = shape(polygon)
        if min_lon is None:
            min_lon, min_lat, max_lon, max_lat = geometry.bounds
        rows = session.execute(
            select(Door.id, Door.lon, Door.lat).where(
                Door.precinct_id.is_(None), Door.lat.between(min_lat, max_lat),
                Door.lon.between(min_lon, max_lon))
        ).all()  # fmt: skip
        if not rows:
            continue
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        lon = np.fromiter((r[1] for r in rows), dtype=float, count=len(rows))
        lat = np.fromiter((r[2] for r in rows), dtype=float, count=len(rows))
        inside = ids[shapely.contains_xy(geometry, lon, lat)].tolist()
        for start in range(0, len(inside), 5000):
            chunk = inside[start : start + 5000]
            session.execute(update(Door).where(Door.id.in_(chunk)).values(precinct_id=precinct_id),
                            execution_options={"synchronize_session": False})
        placed += len(inside)
    return placed
