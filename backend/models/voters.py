"""Registered voters from the voter file, and their vote history (one row per election)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.extensions import db
from backend.models._types import UTCDateTime, utcnow


class Voter(db.Model):
    __tablename__ = "voters"

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[str] = mapped_column(String(40), unique=True)
    first_name: Mapped[str] = mapped_column(String(100), default="")
    middle_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    suffix: Mapped[str] = mapped_column(String(20), default="")
    # Only the year is kept: canvassers see an age band, and nobody needs the day.
    birth_year: Mapped[int | None]
    gender: Mapped[str] = mapped_column(String(10), default="")
    party: Mapped[str] = mapped_column(String(10), default="")
    registered_on: Mapped[dt.date | None] = mapped_column(Date)
    voter_status: Mapped[str] = mapped_column(String(20), default="active")
    # False once a newer voter file no longer lists the voter; their history stays.
    is_active: Mapped[bool] = mapped_column(default=True, index=True)
    door_id: Mapped[int | None] = mapped_column(ForeignKey("doors.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    votes: Mapped[list[VoteHistory]] = relationship(
        back_populates="voter", cascade="all, delete-orphan"
    )


class Election(db.Model):
    __tablename__ = "elections"
    __table_args__ = (UniqueConstraint("election_on", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    election_on: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))  # general, primary, special
    name: Mapped[str] = mapped_column(String(200), default="")


class VoteHistory(db.Model):
    """That a voter voted in an election; ``ballot`` is "X" or the primary party letter."""

    __tablename__ = "vote_history"
    __table_args__ = (Index("ix_vote_history_election_voter", "election_id", "voter_id"),)

    voter_id: Mapped[int] = mapped_column(
        ForeignKey("voters.id", ondelete="CASCADE"), primary_key=True
    )
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"), primary_key=True)
    ballot: Mapped[str] = mapped_column(String(5), default="X")

    voter: Mapped[Voter] = relationship(back_populates="votes")
