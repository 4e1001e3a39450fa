"""What the script asks (survey questions and their responses) and knock outcomes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.extensions import db
from backend.models._types import UTCDateTime, utcnow


class SurveyQuestion(db.Model):
    __tablename__ = "survey_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    script_text: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="single")  # single, multi, text
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    van_survey_question_id: Mapped[int | None]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    responses: Mapped[list[SurveyResponse]] = relationship(
        back_populates="question", order_by="SurveyResponse.position", cascade="all, delete-orphan"
    )


class SurveyResponse(db.Model):
    __tablename__ = "survey_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(20), default="")
    position: Mapped[int] = mapped_column(default=0)
    van_survey_response_id: Mapped[int | None]

    question: Mapped[SurveyQuestion] = relationship(back_populates="responses")


class ResultCode(db.Model):
    """The outcome of a knock without a conversation (VAN's result codes).

    ``rank`` orders outcomes for the derived contact status: do-not-contact, moved and
    deceased (4) outrank a conversation (3), which outranks refused (2), which outranks
    not home and the like (1).
    """

    __tablename__ = "result_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    rank: Mapped[int] = mapped_column(default=1)
    # door: applies to the whole door (not home, inaccessible); voter: to one person.
    scope: Mapped[str] = mapped_column(String(10), default="both")
    van_result_code_id: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)


# VAN's stock result codes (ids from public code; "Wrong Address" has no public id), with
# the rank that orders them in the derived contact status. Preloaded by the first migration.
STANDARD_RESULT_CODES: tuple[tuple[str, str, int, str, int | None], ...] = (
    ("not_home", "Not Home", 1, "door", 1),
    ("refused", "Refused", 2, "both", 2),
    ("inaccessible", "Inaccessible", 1, "door", 3),
    ("deceased", "Deceased", 4, "voter", 4),
    ("moved", "Moved", 4, "voter", 5),
    ("canvassed", "Canvassed", 3, "voter", 14),
    ("come_back", "Come Back", 1, "door", 17),
    ("wrong_address", "Wrong Address", 1, "door", None),
    ("language_barrier", "Language Barrier", 1, "voter", None),
    ("hostile", "Hostile", 2, "both", None),
    ("do_not_contact", "Do Not Contact", 4, "voter", None),
    ("lit_drop", "Literature Dropped", 1, "door", None),
)
