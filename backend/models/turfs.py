"""Universes (saved voter filters), turfs cut from them, and who walks which turf."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.extensions import db
from backend.models._types import UTCDateTime, utcnow

# Derived from the turf's canvass reports when read (services.progress.turf_status), never stored.
TURF_STATUSES = ("not_started", "in_progress", "done")


class Universe(db.Model):
    __tablename__ = "universes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Turf(db.Model):
    __tablename__ = "turfs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    universe_id: Mapped[int | None] = mapped_column(ForeignKey("universes.id"), index=True)
    # The universe's filters when the turf was cut: editing the universe later must not
    # change whom a turf already handed out targets ({} = every active voter).
    filters: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    outline: Mapped[dict | None] = mapped_column(JSON)  # GeoJSON geometry, lon/lat
    min_lon: Mapped[float | None] = mapped_column(Float)
    min_lat: Mapped[float | None] = mapped_column(Float)
    max_lon: Mapped[float | None] = mapped_column(Float)
    max_lat: Mapped[float | None] = mapped_column(Float)
    door_count: Mapped[int] = mapped_column(default=0)
    voter_count: Mapped[int] = mapped_column(default=0)
    walk_m: Mapped[float] = mapped_column(Float, default=0.0)
    minutes: Mapped[float] = mapped_column(Float, default=0.0)
    # A short code a volunteer types or scans to load the turf, like VAN's list numbers.
    list_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    list_code_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Deleted turfs are kept (soft delete) because canvass reports point at them.
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    turf_doors: Mapped[list[TurfDoor]] = relationship(
        back_populates="turf", order_by="TurfDoor.position"
    )


class TurfDoor(db.Model):
    """A door's membership of a turf, with its place in the walk.

    Membership has a period (``added_at``..``removed_at``) because a report recorded while
    a door was in a volunteer's turf stays valid after the organizer moves the door.
    """

    __tablename__ = "turf_doors"
    __table_args__ = (
        Index("ix_turf_doors_turf_id_position", "turf_id", "position"),
        Index("ix_turf_doors_door_id_removed_at", "door_id", "removed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    turf_id: Mapped[int] = mapped_column(ForeignKey("turfs.id"))
    door_id: Mapped[int] = mapped_column(ForeignKey("doors.id"))
    position: Mapped[int] = mapped_column(default=0)
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Knocks on the door since this time count for this turf whatever turf they were sent
    # with: a split, merge or re-cut carries the time over from the turf the door left, so its
    # knocks follow it; None means since added_at (a fresh cut starts a fresh round).
    knocks_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    turf: Mapped[Turf] = relationship(back_populates="turf_doors")


class Assignment(db.Model):
    """A turf given to a user for a period; ``ended_at`` is set when it is taken back."""

    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_user_id_ended_at", "user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    turf_id: Mapped[int] = mapped_column(ForeignKey("turfs.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Job(db.Model):
    """A background task (a large auto-cut, an import) whose progress the console polls."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued running done failed
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
