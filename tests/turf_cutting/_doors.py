"""Door generators shared by the turf_cutting tests."""

from __future__ import annotations

import numpy as np

from turf_cutting import Door

LON0, LAT0 = -93.26, 44.97
M_PER_DEG_LAT = 111_195.0
M_PER_DEG_LON = M_PER_DEG_LAT * np.cos(np.radians(LAT0))


def doors_at(xy_m: np.ndarray, **fields: object) -> list[Door]:
    """Doors at planar offsets (metres) around a Minneapolis point."""
    lon = LON0 + xy_m[:, 0] / M_PER_DEG_LON
    lat = LAT0 + xy_m[:, 1] / M_PER_DEG_LAT
    return [Door(f"d{i}", float(lon[i]), float(lat[i]), **fields) for i in range(len(xy_m))]


def uniform(n: int, side_m: float = 1000.0, seed: int = 0) -> list[Door]:
    return doors_at(np.random.default_rng(seed).random((n, 2)) * side_m)


def lonlat(x_m: float, y_m: float) -> tuple[float, float]:
    return (LON0 + x_m / M_PER_DEG_LON, LAT0 + y_m / M_PER_DEG_LAT)
