"""The change feed phones pull (``sync_changes``), written by the services that change
what a canvasser's phone holds: assignments, turf doors, do-not-contact, the survey.

Every change gets the next server sequence (its id); phones pull by that sequence,
never by clocks.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from backend.models import SyncChange

# What a change can be; the phone acts on each kind.
CHANGE_KINDS = (
    "turf_assigned",      # user_id: a turf is now yours (payload: turf_id)
    "turf_unassigned",    # user_id: a turf was taken back from you
    "turf_updated",       # turf_id: name, outline or walk order changed
    "doors_added",        # turf_id: payload door_ids
    "doors_removed",      # turf_id: payload door_ids
    "door_status",        # turf_id: a door was knocked (co-canvassing), payload door_id, status
    "do_not_contact",     # turf_id: payload voter_id / door_id
    "survey_changed",     # global (no turf, no user): survey questions or result codes
    "turf_deleted",       # turf_id
)


def record_change(
    session: Session,
    kind: str,
    *,
    turf_id: int | None = None,
    user_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> SyncChange:
    if kind not in CHANGE_KINDS:
        raise ValueError(f"unknown change kind {kind!r}")
    change = SyncChange(kind=kind, turf_id=turf_id, user_id=user_id, payload=payload or {})
    session.add(change)
    session.flush()
    return change
