"""The change feed phones pull (``sync_changes``), written by the services that change
what a canvasser's phone holds: assignments, turf doors, do-not-contact, the survey, and
voter-file re-imports.

Every change gets the next server sequence (its id); phones pull by that sequence,
never by clocks.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from backend.models import SyncChange

# What a change can be; the phone acts on each kind.
CHANGE_KINDS = (
    "turf_assigned",      # user_id: a turf is now yours (payload: turf_id)
    "turf_unassigned",    # user_id: a turf was taken back from you
    "turf_updated",       # turf_id: fetch the door_list again (turf edited, its outline
                          # moved by a neighbour's edit, or its doors' voters or locations
                          # changed by a correction or a re-import)
    "doors_added",        # turf_id: payload door_ids
    "doors_removed",      # turf_id: payload door_ids
    "door_status",        # turf_id: a door was knocked (co-canvassing), payload door_id, status
    "do_not_contact",     # turf_id: payload voter_id / door_id
    "survey_changed",     # global (no turf, no user): survey questions or result codes
    "turf_deleted",       # turf_id
)


# A phone's cursor must never move past an id whose transaction has not committed yet, or that
# change is skipped forever. Sequence ids are handed out at insert, not at commit, so on
# PostgreSQL every writer of the feed takes this transaction-scoped lock right before inserting
# and holds it until commit: ids then become visible in id order. Writers record changes as
# the last step of their transaction so the lock is held briefly. SQLite has one writer at a
# time, which gives the same order without a lock. (docs/sync-protocol.md, "Pull")
CHANGE_FEED_LOCK = 7_364_011_501


def lock_change_feed(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHANGE_FEED_LOCK})


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
    session.flush()
    lock_change_feed(session)
    session.add(change)
    session.flush()
    return change


def record_changes(session: Session, changes: list[dict[str, Any]]) -> None:
    """Insert many changes at once: dicts with ``kind`` and optional ``turf_id``,
    ``user_id``, ``payload``."""
    if not changes:
        return
    for change in changes:
        if change["kind"] not in CHANGE_KINDS:
            raise ValueError(f"unknown change kind {change['kind']!r}")
    session.flush()
    lock_change_feed(session)
    session.execute(insert(SyncChange.__table__), [
        {"turf_id": c.get("turf_id"), "user_id": c.get("user_id"), "kind": c["kind"],
         "payload": c.get("payload") or {}} for c in changes
    ])
