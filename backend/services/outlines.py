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

import math
from collections.abc import Iterable
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import turf_cutting as tc
from backend.models import Door, Turf, TurfDoor
from backend.models._types import utcnow
from backend.services.changes import record_changes
from backend.services.universes import live_turf_doors

#: ~1 cm. At 6 decimals (~0.1 m) a corner one outline has on a border its neighbour runs
#: straight along rounded off the line: slivers up to 4 m² along long borders.
OUTLINE_DECIMALS = 7
M_PER_DEG = 111_320.0
#: A neighbour's outline drawn again counts as moved when some corner moved this far; less
#: is rounding, not worth a phone's download.
MOVED_M = 0.5


def geojson(geometry: BaseGeometry) -> dict[str, Any]:
    """A shapely geometry as GeoJSON with coordinates rounded to ~1 cm.

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


#: Doors this far (metres) from the changed ones are loaded to find whose cells they touch.
NEAR_M = 1_000.0
#: How far an outline may reach past its turf's outermost door (turf_cutting pads <= 250 m).
PAD_M = 250.0

Box = tuple[float, float, float, float]


def _sites(session: Session, *where: Any) -> list[Any]:
    """(door id, turf id, lon, lat) of the located doors of live turfs matching ``where``."""
    return list(session.execute(
        live_turf_doors(TurfDoor.door_id, TurfDoor.turf_id, Door.lon, Door.lat)
        .join(Door, Door.id == TurfDoor.door_id)
        .where(Door.lon.is_not(None), Door.lat.is_not(None), *where)
    ))


def _in_box(box: Box) -> tuple[Any, ...]:
    return (Door.lon.between(box[0], box[2]), Door.lat.between(box[1], box[3]))


def _box(points: Iterable[tuple[float, float]]) -> Box:
    lons, lats = zip(*points)
    return (min(lons), min(lats), max(lons), max(lats))


def _grown(box: Box, metres: float, *, by_size: bool = False) -> Box:
    """``box`` (lon/lat) grown by ``metres``, plus its own diagonal if asked."""
    ky = M_PER_DEG
    kx = M_PER_DEG * max(math.cos(math.radians(max(abs(box[1]), abs(box[3])))), 0.01)
    if by_size:
        metres += math.hypot((box[2] - box[0]) * kx, (box[3] - box[1]) * ky)
    return (box[0] - metres / kx, box[1] - metres / ky, box[2] + metres / kx, box[3] + metres / ky)


def _within(inner: Box, outer: Box) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def _turf_boxes(session: Session, turf_ids: list[int]) -> dict[int, Box]:
    """Each live turf's box around its located doors, computed by the database."""
    rows = session.execute(
        select(TurfDoor.turf_id, func.min(Door.lon), func.min(Door.lat), func.max(Door.lon),
               func.max(Door.lat))
        .join(Door, Door.id == TurfDoor.door_id)
        .where(TurfDoor.turf_id.in_(turf_ids), TurfDoor.removed_at.is_(None),
               Door.lon.is_not(None), Door.lat.is_not(None))
        .group_by(TurfDoor.turf_id))
    return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}


def _doors_box(session: Session, door_ids: list[int]) -> list[Box]:
    boxes = []
    for start in range(0, len(door_ids), 10_000):
        box = session.execute(
            select(func.min(Door.lon), func.min(Door.lat), func.max(Door.lon), func.max(Door.lat))
            .where(Door.id.in_(door_ids[start:start + 10_000]))).one()
        if box[0] is not None:
            boxes.append(tuple(box))
    return boxes


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def refresh_outlines(session: Session, turf_ids: Iterable[int], *,
                     added_door_ids: Iterable[int] = (),
                     removed_door_ids: Iterable[int] = ()) -> list[int]:
    """Draw the outlines of ``turf_ids`` again, and of the live turfs next to the doors that
    joined (``added_door_ids``) or left (``removed_door_ids``) the live turfs.

    The caller announces its own turfs; a neighbour whose outline moved gets its
    ``turf_updated`` here and a new ``updated_at``. Returns those neighbours' ids.
    Only the doors near the change are read, so a small edit in a county stays fast.
    """
    session.flush()
    own = set(turf_ids)
    added, removed = set(added_door_ids), set(removed_door_ids)
    own_boxes = _turf_boxes(session, sorted(own)) if own else {}
    gone = [tc.Door(r.id, r.lon, r.lat) for r in session.execute(
        select(Door.id, Door.lon, Door.lat).where(
            Door.id.in_(sorted(removed - added)), Door.lon.is_not(None), Door.lat.is_not(None)))]
    focus = [*own_boxes.values(), *_doors_box(session, sorted(added - removed))]
    focus += [_box([(d.lon, d.lat)]) for d in gone]
    if not focus:
        return []
    # Doors near the change, and every door that can shape an own turf's outline
    # (turf_cutting.turf_outlines: within twice the pad plus the turf's size).
    window = _union([_grown(b, NEAR_M) for b in focus]
                    + [_grown(b, 2 * PAD_M, by_size=True) for b in own_boxes.values()])
    loaded = {r.door_id: r for r in _sites(session, *_in_box(window))}
    turf_of = {d: r.turf_id for d, r in loaded.items()}
    live = set(turf_of.values())
    wanted = own & live
    joined = {d for d in added - removed if d in turf_of}
    left = {d.id for d in gone if d.id not in turf_of}
    doors = [tc.Door(r.door_id, r.lon, r.lat) for r in loaded.values()]
    everyone = len(live)  # a county-wide cut: no neighbour to look for
    if joined and len(wanted) < everyone:
        wanted |= {turf_of[d] for d in tc.natural_neighbours(doors, joined)}
    if left and len(wanted) < everyone:
        wanted |= {turf_of[d] for d in tc.natural_neighbours(
            doors + [d for d in gone if d.id in left], left) if d in turf_of}
    if not wanted:
        return []
    others = sorted(wanted - own)
    if others:  # a neighbour may reach past the window
        reach = _union([_grown(b, 2 * PAD_M, by_size=True)
                        for b in _turf_boxes(session, others).values()])
        if not _within(reach, window):
            for r in _sites(session, *_in_box(reach)):
                loaded.setdefault(r.door_id, r)
    rows = list(loaded.values())
    shapes = tc.turf_outlines([tc.Door(r.door_id, r.lon, r.lat) for r in rows],
                              [r.turf_id for r in rows], turfs=sorted(wanted))
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
