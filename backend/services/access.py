"""Access rules, in one place: who may read which doors and voters.

Organizers and admins read everything. A canvasser reads only the doors (and their
voters) of turfs currently assigned to them, and only the fields a canvasser needs.
"""

from __future__ import annotations

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from backend.errors import NotFound, PermissionDenied
from backend.models import Assignment, Turf, TurfDoor, User


def require_organizer(actor: User, what: str = "do this") -> None:
    if not actor.is_organizer:
        raise PermissionDenied(f"Only organizers and admins can {what}.")


def require_admin(actor: User, what: str = "do this") -> None:
    if actor.role != "admin":
        raise PermissionDenied(f"Only admins can {what}.")


def assigned_turf_ids(user_id: int) -> Select[tuple[int]]:
    """Turfs assigned to the user now (live assignment, turf not deleted)."""
    return (
        select(Assignment.turf_id)
        .join(Turf, Turf.id == Assignment.turf_id)
        .where(Assignment.user_id == user_id, Assignment.ended_at.is_(None))
        .where(Turf.deleted_at.is_(None))
    )


def visible_door_ids(user_id: int) -> Select[tuple[int]]:
    """Doors a canvasser may read now: those in their assigned turfs."""
    return select(TurfDoor.door_id).where(
        TurfDoor.turf_id.in_(assigned_turf_ids(user_id)), TurfDoor.removed_at.is_(None)
    )


def can_read_door(session: Session, actor: User, door_id: int) -> bool:
    if actor.is_organizer:
        return True
    return bool(
        session.scalar(
            select(
                exists().where(
                    TurfDoor.door_id == door_id,
                    TurfDoor.removed_at.is_(None),
                    TurfDoor.turf_id.in_(assigned_turf_ids(actor.id)),
                )
            )
        )
    )


def ensure_can_read_door(session: Session, actor: User, door_id: int) -> None:
    # 404 rather than 403 for canvassers, so ids cannot be probed for existence.
    if not can_read_door(session, actor, door_id):
        raise NotFound(f"Door {door_id} is not in any of your turfs.")


def ensure_can_read_turf(session: Session, actor: User, turf_id: int) -> Turf:
    turf = session.get(Turf, turf_id)
    if turf is None or turf.deleted_at is not None:
        raise NotFound(f"Turf {turf_id} does not exist.", errors={"turf_id": ["unknown"]})
    if actor.is_organizer:
        return turf
    assigned = session.scalar(
        select(assigned_turf_ids(actor.id).where(Assignment.turf_id == turf_id).exists())
    )
    if not assigned:
        raise NotFound(f"Turf {turf_id} is not assigned to you.",
                       errors={"turf_id": ["not_assigned"]})
    return turf
