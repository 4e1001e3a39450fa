"""Assignments: turfs given to canvassers, taken back and reassigned.

A canvasser's view follows at once: access rules read live assignments, and every change
goes to the change feed (``turf_assigned`` / ``turf_unassigned`` for that user) so phones
pick it up at their next pull.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import NotFound, ValidationError
from backend.models import Assignment, Turf, User
from backend.models._types import utcnow
from backend.services.access import require_organizer
from backend.services.changes import record_change


def _view(assignment: Assignment, turf_name: str, user: User) -> dict[str, Any]:
    return {"id": assignment.id, "turf_id": assignment.turf_id, "turf_name": turf_name,
            "user": {"id": user.id, "name": user.name, "email": user.email},
            "assigned_by_id": assignment.assigned_by_id, "assigned_at": assignment.assigned_at,
            "ended_at": assignment.ended_at}


def list_assignments(session: Session, actor: User, *, turf_id: int | None = None,
                     user_id: int | None = None, active: bool = True) -> list[dict[str, Any]]:
    require_organizer(actor, "list assignments")
    query = (select(Assignment, Turf.name, User)
             .join(Turf, Turf.id == Assignment.turf_id).join(User, User.id == Assignment.user_id)
             .order_by(Assignment.assigned_at, Assignment.id))
    if active:
        query = query.where(Assignment.ended_at.is_(None), Turf.deleted_at.is_(None))
    if turf_id is not None:
        query = query.where(Assignment.turf_id == turf_id)
    if user_id is not None:
        query = query.where(Assignment.user_id == user_id)
    return [_view(a, name, u) for a, name, u in session.execute(query)]


def _users(session: Session, user_ids: list[int], *,
           keeping: frozenset[int] = frozenset()) -> dict[int, User]:
    """The users, refusing unknown ones and disabled ones, except disabled users in
    ``keeping`` (already assigned): taking a turf back from one canvasser re-sends the
    others, and a disabled co-assignee must not block that."""
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(user_ids)))}
    missing = [i for i in user_ids if i not in users]
    inactive = [i for i in user_ids
                if i in users and not users[i].is_active and i not in keeping]
    if missing or inactive:
        problems = ([f"unknown users {missing}"] if missing else []) + (
            [f"disabled users {inactive}"] if inactive else [])
        raise ValidationError("Turfs can only go to active users: " + "; ".join(problems),
                              errors={"user_ids": problems})
    return users


def _turfs(session: Session, turf_ids: list[int]) -> dict[int, Turf]:
    turfs = {t.id: t for t in session.scalars(
        select(Turf).where(Turf.id.in_(turf_ids), Turf.deleted_at.is_(None)))}
    missing = [i for i in turf_ids if i not in turfs]
    if missing:
        raise NotFound(f"Turfs {missing} do not exist.", errors={"turf_ids": [f"unknown {missing}"]})
    return turfs


def assign(session: Session, turf_ids: list[int], user_ids: list[int],
           actor: User) -> list[dict[str, Any]]:
    """Give each turf to each user (one turf may go to a pair or a team); existing live
    assignments are kept, so repeating the call changes nothing. A disabled user gets no new
    turf, but one they hold already stays theirs (disabling keeps assignments, so reports
    the phone still holds sync within them once the account is enabled again)."""
    require_organizer(actor, "assign turfs")
    turf_ids, user_ids = list(dict.fromkeys(turf_ids)), list(dict.fromkeys(user_ids))
    turfs = _turfs(session, turf_ids)
    live = {(a.turf_id, a.user_id): a for a in session.scalars(select(Assignment).where(
        Assignment.turf_id.in_(turf_ids), Assignment.user_id.in_(user_ids),
        Assignment.ended_at.is_(None)))}
    # Kept only if they hold every one of these turfs: otherwise the call gives them a new one.
    holding = frozenset(u for u in user_ids if all((t, u) in live for t in turf_ids))
    users = _users(session, user_ids, keeping=holding)
    now = utcnow()
    out = []
    for turf_id in turf_ids:
        for user_id in user_ids:
            assignment = live.get((turf_id, user_id))
            if assignment is None:
                assignment = Assignment(turf_id=turf_id, user_id=user_id,
                                        assigned_by_id=actor.id, assigned_at=now)
                session.add(assignment)
                record_change(session, "turf_assigned", user_id=user_id,
                              payload={"turf_id": turf_id})
            out.append((assignment, turfs[turf_id].name, users[user_id]))
    session.flush()
    return [_view(a, name, u) for a, name, u in out]


def end_assignment(session: Session, assignment_id: int, actor: User) -> dict[str, Any]:
    """Take a turf back from one canvasser; their phone drops it at its next pull."""
    require_organizer(actor, "take turfs back")
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound(f"Assignment {assignment_id} does not exist.")
    if assignment.ended_at is None:
        assignment.ended_at = utcnow()
        record_change(session, "turf_unassigned", user_id=assignment.user_id,
                      payload={"turf_id": assignment.turf_id})
        session.flush()
    turf = session.get(Turf, assignment.turf_id)
    return _view(assignment, turf.name if turf else "", session.get(User, assignment.user_id))  # type: ignore[arg-type]


def set_assignees(session: Session, turf_id: int, user_ids: list[int],
                  actor: User) -> list[dict[str, Any]]:
    """Reassign: the turf goes to exactly these users ([] takes it back from everyone)."""
    require_organizer(actor, "reassign turfs")
    turf = _turfs(session, [turf_id])[turf_id]
    wanted = list(dict.fromkeys(user_ids))
    if wanted:
        holding = frozenset(session.scalars(select(Assignment.user_id).where(
            Assignment.turf_id == turf.id, Assignment.ended_at.is_(None))))
        _users(session, wanted, keeping=holding)
    now = utcnow()
    for assignment in session.scalars(select(Assignment).where(
            Assignment.turf_id == turf.id, Assignment.ended_at.is_(None))):
        if assignment.user_id not in wanted:
            assignment.ended_at = now
            record_change(session, "turf_unassigned", user_id=assignment.user_id,
                          payload={"turf_id": turf.id})
    session.flush()
    return assign(session, [turf.id], wanted, actor) if wanted else []
