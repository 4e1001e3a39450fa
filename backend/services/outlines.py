"""Live turfs' outlines: they never overlap and tile the area they cover, whichever order the
turfs were made in.

A turf's outline is the union of its doors' Voronoi cells among the doors of *all* live turfs,
clipped to its own doors' buffered hull (:func:`turf_cutting.turf_outlines`). A cut's own
outlines tile only that cut's hull, so a second cut of another universe, or the chunks of a big
cut, would lay outlines over each other; outlines drawn here cannot.

Every service that changes which doors are in which live turf (cut, re-cut, split, merge,
draw, delete) calls :func:`refresh_outlines` with the turfs it changed and the doors that
joined or left the live turfs. The turfs whose doors' cells those doors touch are drawn
again too; those whose outline moved get a ``turf_updated`` change, so phones fetch it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

import turf_cutting as tc
from backend.models import Door, Turf, TurfDoor
from backend.models._types import utcnow
from backend.services.changes import record_changes

OUTLINE_DECIMALS = 6  # ~0.1 m
M_PER_DEG = 111_320.0
#: A neighbour's outline drawn again counts as moved when some corner moved this far; less
#: is rounding, not worth a phone's download.
MOVED_M = 0.5


def geojson(geometry: BaseGeometry) -> dict[str, Any]:
    """A shapely geometry as GeoJSON with coordinates rounded to ~0.1 m.

    >>> from shapely.geometry import Point
    >>> geojson(Point(-83.1234567891, 40.0).buffer(0.001, 1))["type"]
    'Polygon'
    """
    rounded = shapely.set_precision(geometry, 10 ** -OUTLINE_DECIMALS)
    if rounded.is_empty:
        rounded = geometry
    return dict(mapping(rounded))


def bbox(geometry: BaseGeometry) -> tuple[float, float, float, float]:
    return tuple(float(v) for v in geometry.bounds)  # type: ignore[return-value]


def _live_sites(session: Session) -> list[Any]:
    """(door id, turf id, lon, lat) of every located door in a live turf."""
    return list(session.execute(
        select(TurfDoor.door_id, TurfDoor.turf_id, Door.lon, Door.lat)
        .join(Door, Door.id == TurfDoor.door_id)
        .join(Turf, Turf.id == TurfDoor.turf_id)
        .where(TurfDoor.removed_at.is_(None), Turf.deleted_at.is_(None),
               Door.lon.is_not(None), Door.lat.is_not(None))
        .order_by(TurfDoor.door_id)
    ))


def refresh_outlines(session: Session, turf_ids: Iterable[int], *,
                     added_door_ids: Iterable[int] = (),
                     removed_door_ids: Iterable[int] = ()) -> list[int]:
    """Draw the outlines of ``turf_ids`` again, and of the live turfs next to the doors that
    joined (``added_door_ids``) or left (``removed_door_ids``) the live turfs.

    The caller announces its own turfs; a neighbour whose outline moved gets its
    ``turf_updated`` here and a new ``updated_at``. Returns those neighbours' ids.
    """
    session.flush()
    rows = _live_sites(session)
    turf_of = {r.door_id: r.turf_id for r in rows}
    doors = [tc.Door(r.door_id, r.lon, r.lat) for r in rows]
    own = {t for t in turf_ids}
    wanted = {t for t in own if t in set(turf_of.values())}
    added, removed = set(added_door_ids), set(removed_door_ids)
    joined = {d for d in added - removed if d in turf_of}
    left = {d for d in removed - added if d not in turf_of}
    every = len(set(turf_of.values()))
    if joined and len(wanted) < every:
        wanted |= {turf_of[d] for d in tc.natural_neighbours(doors, joined)}
    if left and len(wanted) < every:
        gone = [tc.Door(r.id, r.lon, r.lat) for r in session.execute(
            select(Door.id, Door.lon, Door.lat).where(
                Door.id.in_(sorted(left)), Door.lon.is_not(None), Door.lat.is_not(None)))]
        wanted |= {turf_of[d] for d in tc.natural_neighbours(doors + gone, {d.id for d in gone})
                   if d in turf_of}
    if not wanted:
        return []
    shapes = tc.turf_outlines(doors, [turf_of[d.id] for d in doors], turfs=sorted(wanted))
    now = utcnow()
    moved = []
    for turf in _turfs(session, sorted(wanted)):
        geometry = shapes[turf.id]
        if turf.id not in own:
            if turf.outline and not _moved(shape(turf.outline), geometry):
                continue
            turf.updated_at = now
            moved.append(turf.id)
        turf.outline = geojson(geometry)
        turf.min_lon, turf.min_lat, turf.max_lon, turf.max_lat = bbox(geometry)
    session.flush()
    record_changes(session, [{"kind": "turf_updated", "turf_id": t, "payload": {"turf_id": t}}
                             for t in moved])
    return moved


def _turfs(session: Session, ids: list[int]) -> list[Turf]:
    out: list[Turf] = []
    for start in range(0, len(ids), 10_000):
        out.extend(session.scalars(select(Turf).where(Turf.id.in_(ids[start:start + 10_000]))))
    return out


def _moved(old: BaseGeometry, new: BaseGeometry) -> bool:
    return bool(shapely.hausdorff_distance(old, new) > MOVED_M / M_PER_DEG)
