"""Where canvassers go: precincts and the doors inside them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.extensions import db
from backend.models._types import UTCDateTime, utcnow


class Precinct(db.Model):
    """An electoral precinct. The polygon is GeoJSON (lon/lat) with its bounding box in
    plain columns, so the same bounding-box-then-shapely query runs on both databases."""

    __tablename__ = "precincts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    polygon: Mapped[dict | None] = mapped_column(JSON)
    min_lon: Mapped[float | None] = mapped_column(Float)
    min_lat: Mapped[float | None] = mapped_column(Float)
    max_lon: Mapped[float | None] = mapped_column(Float)
    max_lat: Mapped[float | None] = mapped_column(Float)


GEOCODE_STATUSES = ("vendor", "geocoded", "census", "pending", "failed", "manual")


class Door(db.Model):
    """One place a canvasser knocks: a normalised street address plus unit.

    Doors of one building share ``building_key`` (address line + ZIP) and coordinates, so a
    walk treats an apartment building as one stop with many doors.
    """

    __tablename__ = "doors"
    __table_args__ = (Index("ix_doors_lat_lon", "lat", "lon"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address_key: Mapped[str] = mapped_column(String(300), unique=True)
    building_key: Mapped[str] = mapped_column(String(300), index=True)
    address_line: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(50), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    state: Mapped[str] = mapped_column(String(2), default="")
    zip: Mapped[str] = mapped_column(String(10), default="")
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    precinct_id: Mapped[int | None] = mapped_column(ForeignKey("precincts.id"), index=True)
    geocode_status: Mapped[str] = mapped_column(String(20), default="pending")
    geocode_error: Mapped[str | None] = mapped_column(Text)
    # Carried from shift to shift: "buzz 4B", "doorman", "elevator out".
    access_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class GeocodeCache(db.Model):
    """What a geocoding provider answered for one query, so no address is asked twice.

    ``lat``/``lon`` null records "no match"; errors (timeouts, refusals) are never cached,
    so a later run asks again. ``provider`` names the service and its server.
    """

    __tablename__ = "geocode_cache"
    __table_args__ = (UniqueConstraint("provider", "query"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(200))
    query: Mapped[str] = mapped_column(String(500))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
