"""Facts from the field (canvass reports) and what is derived from them.

Reports are append-only: a correction is a new report. ``contact_history`` is derived from
all reports by deterministic rules, so it never depends on the order reports arrive in.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.extensions import db
from backend.models._types import UTCDateTime, utcnow


class CanvassReport(db.Model):
    __tablename__ = "canvass_reports"
    __table_args__ = (
        Index("ix_canvass_reports_door_id_effective_at", "door_id", "effective_at"),
        Index("ix_canvass_reports_canvasser_id_recorded_at", "canvasser_id", "recorded_at"),
    )

    # The server sequence: assigned at insert, it orders reports for cursors, never clocks.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)  # made on the phone
    body_hash: Mapped[str] = mapped_column(String(64))
    door_id: Mapped[int] = mapped_column(ForeignKey("doors.id"))
    turf_id: Mapped[int | None] = mapped_column(ForeignKey("turfs.id"), index=True)
    canvasser_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20), default="knock")  # knock, lit_drop, correction
    result_code: Mapped[str | None] = mapped_column(String(40))  # door-level outcome
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # the phone's clock
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    effective_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # clamped to received_at
    device_id: Mapped[str] = mapped_column(String(64), default="")
    app_version: Mapped[str] = mapped_column(String(40), default="")
    recorded_lon: Mapped[float | None] = mapped_column(Float)
    recorded_lat: Mapped[float | None] = mapped_column(Float)
    supersedes_uuid: Mapped[str | None] = mapped_column(String(36))
    # Set when accepted under a rule worth an organizer's look (e.g. turf reassigned since).
    flags: Mapped[list] = mapped_column(JSON, default=list)
    body: Mapped[dict] = mapped_column(JSON)  # the report as the phone sent it

    items: Mapped[list[CanvassReportItem]] = relationship(
        back_populates="report", cascade="all, delete-orphan"
    )


class CanvassReportItem(db.Model):
    """One voter's part of a report: a result for that person, or one survey answer."""

    __tablename__ = "canvass_report_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    canvass_report_id: Mapped[int] = mapped_column(
        ForeignKey("canvass_reports.id", ondelete="CASCADE"), index=True
    )
    voter_id: Mapped[int | None] = mapped_column(ForeignKey("voters.id"), index=True)
    result_code: Mapped[str | None] = mapped_column(String(40))
    survey_question_id: Mapped[int | None] = mapped_column(ForeignKey("survey_questions.id"))
    survey_response_id: Mapped[int | None] = mapped_column(ForeignKey("survey_responses.id"))
    text_value: Mapped[str | None] = mapped_column(Text)
    consent_recontact: Mapped[bool | None]
    consent_keep_data: Mapped[bool | None]

    report: Mapped[CanvassReport] = relationship(back_populates="items")


class ContactHistory(db.Model):
    """The derived status of one voter (``voter_id`` set) or one door (``voter_id`` null).

    ``subject`` is "v<voter id>" or "d<door id>": one unique key on both databases.
    """

    __tablename__ = "contact_history"
    __table_args__ = (Index("ix_contact_history_door_id_voter_id", "door_id", "voter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(30), unique=True)
    door_id: Mapped[int] = mapped_column(ForeignKey("doors.id"))
    voter_id: Mapped[int | None] = mapped_column(ForeignKey("voters.id"))
    status: Mapped[str] = mapped_column(String(40), index=True)
    rank: Mapped[int] = mapped_column(default=0)
    effective_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    report_uuid: Mapped[str | None] = mapped_column(String(36))
    attempts: Mapped[int] = mapped_column(default=0)
    not_home_count: Mapped[int] = mapped_column(default=0)
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    needs_review: Mapped[bool] = mapped_column(default=False)
    updated_seq: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"), default=0)


class FieldCorrection(db.Model):
    """A correction from the field (new person, moved, wrong address, misplaced pin) that
    an organizer accepts into the voter data or rejects."""

    __tablename__ = "field_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    canvass_report_id: Mapped[int | None] = mapped_column(ForeignKey("canvass_reports.id"))
    door_id: Mapped[int | None] = mapped_column(ForeignKey("doors.id"), index=True)
    voter_id: Mapped[int | None] = mapped_column(ForeignKey("voters.id"))
    kind: Mapped[str] = mapped_column(String(30))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncChange(db.Model):
    """What phones pull: an append-only change feed ordered by the server sequence ``id``.

    A change concerns a turf (everyone assigned to it sees it) or one user.
    """

    __tablename__ = "sync_changes"
    __table_args__ = (Index("ix_sync_changes_turf_id_id", "turf_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True)
    turf_id: Mapped[int | None] = mapped_column(ForeignKey("turfs.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
