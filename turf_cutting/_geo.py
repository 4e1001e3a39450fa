"""Local azimuthal-equidistant projection (metres) around a centre; private."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

EARTH_RADIUS_M = 6_371_008.8

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Projection:
    """Azimuthal equidistant projection centred at (lon0, lat0), in metres."""

    lon0: float
    lat0: float

    @classmethod
    def around(cls, lon: FloatArray, lat: FloatArray) -> Projection:
        return cls(float((lon.min() + lon.max()) / 2), float((lat.min() + lat.max()) / 2))

    def forward(self, lon: FloatArray, lat: FloatArray) -> FloatArray:
        lam = np.radians(np.asarray(lon, dtype=np.float64)) - np.radians(self.lon0)
        phi = np.radians(np.asarray(lat, dtype=np.float64))
        phi0 = np.radians(self.lat0)
        cos_c = np.sin(phi0) * np.sin(phi) + np.cos(phi0) * np.cos(phi) * np.cos(lam)
        c = np.arccos(np.clip(cos_c, -1.0, 1.0))
        with np.errstate(invalid="ignore", divide="ignore"):
            k = np.where(c < 1e-12, 1.0, c / np.sin(c))
        x = EARTH_RADIUS_M * k * np.cos(phi) * np.sin(lam)
        y = (
            EARTH_RADIUS_M
            * k
            * (np.cos(phi0) * np.sin(phi) - np.sin(phi0) * np.cos(phi) * np.cos(lam))
        )
        return np.column_stack([x, y])

    def inverse(self, xy: FloatArray) -> FloatArray:
        x, y = xy[:, 0], xy[:, 1]
        rho = np.hypot(x, y)
        c = rho / EARTH_RADIUS_M
        phi0 = np.radians(self.lat0)
        with np.errstate(invalid="ignore", divide="ignore"):
            safe = np.where(rho < 1e-9, 1.0, rho)
            phi = np.arcsin(
                np.clip(np.cos(c) * np.sin(phi0) + y * np.sin(c) * np.cos(phi0) / safe, -1, 1)
            )
            lam = np.arctan2(
                x * np.sin(c), rho * np.cos(phi0) * np.cos(c) - y * np.sin(phi0) * np.sin(c)
            )
        phi = np.where(rho < 1e-9, phi0, phi)
        lam = np.where(rho < 1e-9, 0.0, lam)
        return np.column_stack([np.degrees(lam) + self.lon0, np.degrees(phi)])

    def geom_forward(self, geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geom, lambda c: self.forward(c[:, 0], c[:, 1]))

    def geom_inverse(self, geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geom, self.inverse)
