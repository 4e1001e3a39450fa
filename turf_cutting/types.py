"""Value types of :mod:`turf_cutting`: doors in, plans out.

All types are frozen. Coordinates are WGS84 degrees (``lon``, ``lat``); the library projects them
once to metres internally.

>>> params = CutParams(target_doors=30, min_doors=20, max_doors=40)
>>> params.mode, params.min_doors
('doors', 20)
>>> CutParams(min_doors=90, max_doors=80)
Traceback (most recent call last):
...
turf_cutting.errors.TurfParamsError: min_doors (90) must not exceed max_doors (80)
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from shapely.geometry.base import BaseGeometry

from .errors import TurfParamsError

__all__ = ["CutParams", "Door", "LonLat", "Turf", "TurfPlan"]

LonLat = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Door:
    """One place a canvasser knocks.

    ``weight`` is the relative work at the door (voters to talk to); it scales the service time
    in time mode. Doors sharing ``building`` (or identical coordinates) always stay in one turf,
    unless the building alone exceeds ``max_doors``.

    >>> Door("d1", -93.26, 44.97).weight
    1.0
    """

    id: Hashable
    lon: float
    lat: float
    weight: float = 1.0
    precinct: Hashable | None = None
    building: Hashable | None = None


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TurfParamsError(f"{name} must be a number, got {value!r}")
    out = float(value)
    if not math.isfinite(out):
        raise TurfParamsError(f"{name} must be finite, got {value!r}")
    return out


def _lonlat(name: str, value: object) -> LonLat:
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 2:
        raise TurfParamsError(f"{name} must be a (lon, lat) pair, got {value!r}")
    lon, lat = _number(f"{name} lon", value[0]), _number(f"{name} lat", value[1])
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise TurfParamsError(f"{name} must be a (lon, lat) pair in degrees, got {value!r}")
    return (lon, lat)


@dataclass(frozen=True, kw_only=True)
class CutParams:
    """How to cut turfs; validated on construction.

    ``mode="doors"`` balances door counts around ``target_doors`` within
    ``[min_doors, max_doors]``. ``mode="time"`` balances the estimated shift time
    (walk length / ``walk_speed_mps`` + ``minutes_per_door`` x door weight) against
    ``shift_minutes``, never exceeding ``max_doors``; rural turfs then get fewer doors.

    ``barriers`` are shapely lines (or polygons) in lon/lat that no walk may cross. ``start`` is
    a staging location ``(lon, lat)`` or a sequence of them; each turf's walk begins near the
    closest one.

    >>> CutParams(walk_speed_mps=-1)
    Traceback (most recent call last):
    ...
    turf_cutting.errors.TurfParamsError: walk_speed_mps must be positive, got -1
    >>> CutParams(start=(24.94, 60.17)).start
    ((24.94, 60.17),)
    """

    target_doors: int = 60
    min_doors: int = 40
    max_doors: int = 80
    mode: Literal["doors", "time"] = "doors"
    shift_minutes: float = 120.0
    walk_speed_mps: float = 1.2
    minutes_per_door: float = 1.5
    keep_precincts_whole: bool = False
    barriers: tuple[BaseGeometry, ...] = ()
    start: tuple[LonLat, ...] | None = field(default=None)

    def __post_init__(self) -> None:
        for name in ("target_doors", "min_doors", "max_doors"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise TurfParamsError(f"{name} must be a positive integer, got {value!r}")
        if self.min_doors > self.max_doors:
            raise TurfParamsError(
                f"min_doors ({self.min_doors}) must not exceed max_doors ({self.max_doors})"
            )
        if not self.min_doors <= self.target_doors <= self.max_doors:
            raise TurfParamsError(
                f"target_doors ({self.target_doors}) must lie within "
                f"[min_doors, max_doors] = [{self.min_doors}, {self.max_doors}]"
            )
        if self.mode not in ("doors", "time"):
            raise TurfParamsError(f"mode must be 'doors' or 'time', got {self.mode!r}")
        for name in ("shift_minutes", "walk_speed_mps"):
            if _number(name, getattr(self, name)) <= 0:
                raise TurfParamsError(f"{name} must be positive, got {getattr(self, name)!r}")
        if _number("minutes_per_door", self.minutes_per_door) < 0:
            raise TurfParamsError(
                f"minutes_per_door must not be negative, got {self.minutes_per_door!r}"
            )
        if not isinstance(self.keep_precincts_whole, bool):
            raise TurfParamsError(
                f"keep_precincts_whole must be a bool, got {self.keep_precincts_whole!r}"
            )
        barriers = self.barriers
        if isinstance(barriers, BaseGeometry):
            barriers = (barriers,)
        barriers = tuple(barriers)
        for i, barrier in enumerate(barriers):
            if not isinstance(barrier, BaseGeometry) or barrier.is_empty:
                raise TurfParamsError(
                    f"barriers[{i}] must be a non-empty shapely geometry, got {barrier!r}"
                )
        object.__setattr__(self, "barriers", barriers)
        start = self.start
        if start is not None:
            if (
                isinstance(start, Sequence)
                and len(start) == 2
                and all(isinstance(v, (int, float)) for v in start)
            ):
                start = (_lonlat("start", start),)
            elif isinstance(start, Sequence) and not isinstance(start, str) and len(start) > 0:
                start = tuple(_lonlat(f"start[{i}]", s) for i, s in enumerate(start))
            else:
                raise TurfParamsError(
                    f"start must be a (lon, lat) pair or a non-empty sequence of them, "
                    f"got {start!r}"
                )
            object.__setattr__(self, "start", start)


@dataclass(frozen=True)
class Turf:
    """One turf of a plan.

    ``index`` is the position in :attr:`TurfPlan.turfs`; ``label`` is stable across edits.
    ``door_ids`` are in walking order; ``walk_m`` is the straight-line walk between
    consecutive doors; ``minutes`` the estimated shift time; ``outline`` a shapely
    Polygon or MultiPolygon in lon/lat.
    """

    index: int
    label: str
    door_ids: tuple[Hashable, ...]
    outline: BaseGeometry
    walk_m: float
    minutes: float
    precincts: tuple[Hashable, ...]
    start: LonLat | None = None

    def __len__(self) -> int:
        return len(self.door_ids)


@dataclass(frozen=True)
class TurfPlan:
    """A cut: every door of ``doors`` is in exactly one of ``turfs``."""

    turfs: tuple[Turf, ...]
    doors: tuple[Door, ...]
    params: CutParams
    seed: int = 0

    def assignment(self) -> dict[Hashable, int]:
        """Map each door id to the index of its turf.

        >>> from turf_cutting import cut_turfs
        >>> plan = cut_turfs([Door(1, 0.0, 0.0), Door(2, 0.001, 0.0)], CutParams())
        >>> plan.assignment()
        {1: 0, 2: 0}
        """
        return {door_id: turf.index for turf in self.turfs for door_id in turf.door_ids}
