"""SQLAlchemy models, one module per aggregate, in the order the data flows."""

from backend.models.canvass import (
    CanvassReport,
    CanvassReportItem,
    ContactHistory,
    FieldCorrection,
    SyncChange,
)
from backend.models.geography import Door, GeocodeCache, Precinct
from backend.models.surveys import ResultCode, SurveyQuestion, SurveyResponse
from backend.models.turfs import Assignment, Job, Turf, TurfDoor, Universe
from backend.models.users import AuthToken, Invite, User
from backend.models.voters import Election, VoteHistory, Voter

__all__ = [
    "Assignment",
    "AuthToken",
    "CanvassReport",
    "CanvassReportItem",
    "ContactHistory",
    "Door",
    "Election",
    "FieldCorrection",
    "GeocodeCache",
    "Invite",
    "Job",
    "Precinct",
    "ResultCode",
    "SurveyQuestion",
    "SurveyResponse",
    "SyncChange",
    "Turf",
    "TurfDoor",
    "Universe",
    "User",
    "VoteHistory",
    "Voter",
]
