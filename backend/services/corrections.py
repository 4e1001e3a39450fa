"""The field-corrections review queue: what canvassers report about the voter data (a new
person at the door, someone moved, a wrong address, a misplaced pin) waits here until an
organizer accepts it into the voter data or rejects it with a note.

``details`` as phones send them (checked on accept, each missing field named):

- ``new_person``: ``first_name`` or ``last_name`` (one is enough), ``middle_name``,
  ``birth_year``, ``party``; the door is the correction's ``door_id``;
- ``moved``: the correction's ``voter_id`` (a report naming several, in ``voter_ids`` as the
  app sends them, makes one correction for each);
- ``wrong_address``: the correction's ``door_id``, ``note`` optional;
- ``misplaced_pin``: ``lon``, ``lat`` where the door really is (else where the phone was
  when it reported); the building's other doors at the same pin move with it;
- ``new_unit``: ``unit``, a door that the file lacks at the same building; spelled as
  the import spells units, and refused when the building has it already, however typed.
  The new door joins the live turfs of the door that reported it, walked with its building.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backend.errors import Conflict, NotFound, ValidationError
from backend.models import CanvassReport, Door, FieldCorrection, Turf, TurfDoor, User, Voter
from backend.models._types import utcnow
from backend.services.access import require_organizer
from backend.services.changes import record_change
from backend.services.imports.addresses import AddressNormaliser, unit_number
from backend.services.outlines import refresh_outlines
from backend.services.turfs import refresh_voter_counts
from backend.services.universes import live_turf_doors

CORRECTION_KINDS = ("new_person", "moved", "wrong_address", "misplaced_pin", "new_unit")
CORRECTION_STATUSES = ("pending", "accepted", "rejected")


def _view(session: Session, c: FieldCorrection) -> dict[str, Any]:
    door = session.get(Door, c.door_id) if c.door_id else None
    voter = session.get(Voter, c.voter_id) if c.voter_id else None
    reporter = None
    if c.canvass_report_id:
        report = session.get(CanvassReport, c.canvass_report_id)
        user = session.get(User, report.canvasser_id) if report else None
        if user:
            reporter = {"id": user.id, "name": user.name, "email": user.email}
    return {
        "id": c.id, "kind": c.kind, "status": c.status, "door_id": c.door_id,
        "voter_id": c.voter_id, "canvass_report_id": c.canvass_report_id,
        "details": c.details or {},
        "door": None if door is None else {
            "id": door.id, "address_line": door.address_line, "unit": door.unit,
            "city": door.city, "zip": door.zip, "lon": door.lon, "lat": door.lat,
            "geocode_status": door.geocode_status},
        "voter": None if voter is None else {
            "id": voter.id, "first_name": voter.first_name, "last_name": voter.last_name,
            "state_id": voter.state_id, "is_active": voter.is_active,
            "voter_status": voter.voter_status},
        "reported_by": reporter, "created_at": c.created_at, "reviewed_by_id": c.reviewed_by_id,
        "reviewed_at": c.reviewed_at, "review_note": c.review_note,
        "applied": (c.details or {}).get("_applied"),
    }


def list_corrections(session: Session, actor: User, *, status: str = "pending",
                     kind: str | None = None) -> list[dict[str, Any]]:
    require_organizer(actor, "review field corrections")
    query = select(FieldCorrection).where(FieldCorrection.status == status).order_by(
        FieldCorrection.created_at, FieldCorrection.id)
    if kind:
        query = query.where(FieldCorrection.kind == kind)
    return [_view(session, c) for c in session.scalars(query)]


def _pending(session: Session, correction_id: int) -> FieldCorrection:
    correction = session.get(FieldCorrection, correction_id)
    if correction is None:
        raise NotFound(f"Field correction {correction_id} does not exist.")
    if correction.status != "pending":
        raise Conflict(f"Field correction {correction_id} was already {correction.status}.",
                       errors={"status": [correction.status]})
    return correction


def _need(value: Any, field: str, why: str) -> Any:
    if value in (None, ""):
        raise ValidationError(f"This correction cannot be applied: {field} is missing ({why}).",
                              errors={field: [f"missing: {why}"]})
    return value


def _live_turfs_of_door(session: Session, door_id: int) -> list[int]:
    return list(session.scalars(
        live_turf_doors(TurfDoor.turf_id).where(TurfDoor.door_id == door_id)))


def _join_building_turfs(session: Session, door: Door, new: Door) -> list[int]:
    """Put ``new`` (a unit found in the field) in each live turf holding ``door``, its
    building's door that reported it, walked right after the building's last door there; a
    door in no turf is on no walk list, and the volunteer who found it would not see it again.

    It joins the turf's round of knocks: ``knocks_since`` is the reporting door's. Returns
    the turf ids, whose door and voter counts and outlines are brought up to date."""
    since = func.coalesce(TurfDoor.knocks_since, TurfDoor.added_at)
    rows = list(session.execute(live_turf_doors(TurfDoor.turf_id, since).where(
        TurfDoor.door_id == door.id).order_by(TurfDoor.turf_id)))
    if not rows:
        return []
    now = utcnow()
    turf_ids = [turf_id for turf_id, _ in rows]
    for turf_id, knocks_since in rows:
        last = session.scalar(
            select(func.max(TurfDoor.position)).join(Door, Door.id == TurfDoor.door_id)
            .where(TurfDoor.turf_id == turf_id, TurfDoor.removed_at.is_(None),
                   Door.building_key == door.building_key))
        session.execute(update(TurfDoor).where(
            TurfDoor.turf_id == turf_id, TurfDoor.removed_at.is_(None),
            TurfDoor.position > last).values(position=TurfDoor.position + 1))
        session.add(TurfDoor(turf_id=turf_id, door_id=new.id, position=last + 1, added_at=now,
                             knocks_since=knocks_since))
    session.flush()
    doors_of = dict(session.execute(
        select(TurfDoor.turf_id, func.count()).where(
            TurfDoor.turf_id.in_(turf_ids), TurfDoor.removed_at.is_(None))
        .group_by(TurfDoor.turf_id)).all())
    for turf in session.scalars(select(Turf).where(Turf.id.in_(turf_ids))):
        turf.door_count = doors_of.get(turf.id, 0)
        turf.updated_at = now
    refresh_voter_counts(session, turf_ids)
    # Same pin as its building, so the outline barely moves; drawn again as after a pin moves.
    refresh_outlines(session, turf_ids, added_door_ids=[new.id])
    for turf_id in turf_ids:
        record_change(session, "doors_added", turf_id=turf_id, payload={"door_ids": [new.id]})
        record_change(session, "turf_updated", turf_id=turf_id,
                      payload={"turf_id": turf_id, "door_id": new.id})
    return turf_ids


def _apply(session: Session, c: FieldCorrection) -> dict[str, Any]:
    details = c.details or {}
    if c.kind == "new_person":
        door = session.get(Door, _need(c.door_id, "door_id", "the door the person lives at"))
        if door is None:
            raise NotFound(f"Door {c.door_id} does not exist.")
        birth_year = details.get("birth_year")
        if birth_year is not None and not (isinstance(birth_year, int) and 1900 <= birth_year <= 2100):
            raise ValidationError("birth_year must be a year like 1980",
                                  errors={"details.birth_year": [f"{birth_year!r} is not a year"]})
        first = str(details.get("first_name") or "").strip()
        last = str(details.get("last_name") or "").strip()
        # The app takes a person with one name ("Maria", all she gave); so does the review.
        _need(first or last, "details.first_name", "a first or a last name")
        voter = Voter(
            # Not from the voter file: a state id that can never collide with a real one.
            state_id=f"FIELD-{c.id}", first_name=first, last_name=last,
            middle_name=str(details.get("middle_name") or "").strip(),
            birth_year=birth_year, party=str(details.get("party") or ""),
            voter_status="field", door_id=door.id)
        session.add(voter)
        session.flush()
        turf_ids = _live_turfs_of_door(session, door.id)
        # The turf list's voter count is stored, not counted on read: count again.
        refresh_voter_counts(session, turf_ids)
        for turf_id in turf_ids:
            record_change(session, "turf_updated", turf_id=turf_id,
                          payload={"turf_id": turf_id, "door_id": door.id, "voter_id": voter.id})
        return {"voter_id": voter.id}
    if c.kind == "moved":
        mover = session.get(Voter, _need(c.voter_id, "voter_id", "who moved"))
        if mover is None:
            raise NotFound(f"Voter {c.voter_id} does not exist.")
        voter = mover
        voter.is_active = False
        voter.voter_status = "moved"
        if voter.door_id is not None:
            turf_ids = _live_turfs_of_door(session, voter.door_id)
            # An inactive voter is no longer counted: the stored count must drop too.
            session.flush()
            refresh_voter_counts(session, turf_ids)
            for turf_id in turf_ids:
                record_change(session, "do_not_contact", turf_id=turf_id,
                              payload={"voter_id": voter.id, "door_id": voter.door_id,
                                       "reason": "moved"})
        return {"voter_id": voter.id, "is_active": False, "voter_status": "moved"}
    if c.kind == "wrong_address":
        door = session.get(Door, _need(c.door_id, "door_id", "which door"))
        if door is None:
            raise NotFound(f"Door {c.door_id} does not exist.")
        # "failed" sends the door back to geocoding review; the note says why.
        door.geocode_status = "failed"
        door.geocode_error = "wrong address reported in the field" + (
            f": {details['note']}" if details.get("note") else "")
        return {"door_id": door.id, "geocode_status": "failed"}
    if c.kind == "misplaced_pin":
        door = session.get(Door, _need(c.door_id, "door_id", "which door"))
        if door is None:
            raise NotFound(f"Door {c.door_id} does not exist.")
        lon, lat = details.get("lon"), details.get("lat")
        report = session.get(CanvassReport, c.canvass_report_id) if c.canvass_report_id else None
        if lon is None and lat is None and report is not None:
            lon, lat = report.recorded_lon, report.recorded_lat
        if not (isinstance(lon, int | float) and isinstance(lat, int | float)
                and -180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValidationError("A misplaced pin needs the door's lon and lat in degrees.",
                                  errors={"details.lon": [f"got {lon!r}"], "details.lat": [f"got {lat!r}"]})
        before = {"lon": door.lon, "lat": door.lat}
        # A building's doors share one pin (one stop on a walk): the pin of an apartment is
        # the building's, so every door of it still at the old place moves along. A door of
        # the building placed elsewhere on purpose stays where it is.
        moved = [d for d in session.scalars(select(Door).where(
                     Door.building_key == door.building_key).order_by(Door.id))
                 if d.id == door.id or (d.lon, d.lat) == (before["lon"], before["lat"])]
        turf_ids: list[int] = []
        for d in moved:
            d.lon, d.lat, d.geocode_status = float(lon), float(lat), "manual"
            turf_ids += [t for t in _live_turfs_of_door(session, d.id) if t not in turf_ids]
        # The turfs' outlines follow their doors, and the neighbours' make room.
        refresh_outlines(session, turf_ids, added_door_ids=[d.id for d in moved])
        for turf_id in turf_ids:
            record_change(session, "turf_updated", turf_id=turf_id,
                          payload={"turf_id": turf_id, "door_id": door.id})
        return {"door_id": door.id, "before": before, "lon": door.lon, "lat": door.lat,
                "door_ids": [d.id for d in moved]}
    if c.kind == "new_unit":
        door = session.get(Door, _need(c.door_id, "door_id", "the building's door"))
        if door is None:
            raise NotFound(f"Door {c.door_id} does not exist.")
        typed = str(_need(details.get("unit"), "details.unit", "the unit number")).strip()
        # Spelled and keyed as the voter file's import does, so a later file listing the
        # unit finds this door instead of making a second one.
        unit = AddressNormaliser().unit(typed)
        key = f"{door.address_line}|{unit}|{door.zip or door.city}"
        # The same unit typed another way ("Apartment 2B" for APT 2B, "2B") is no new door.
        for other_id, other_unit in session.execute(
                select(Door.id, Door.unit).where(Door.building_key == door.building_key)):
            if unit_number(other_unit or "") == unit_number(unit):
                raise Conflict(
                    f"Unit {typed} of {door.address_line} is already door {other_id}"
                    f" ({other_unit or 'no unit'}).", errors={"details.unit": ["exists"]})
        if session.scalar(select(Door.id).where(Door.address_key == key)) is not None:
            raise Conflict(f"Unit {unit} of {door.address_line} is already a door.",
                           errors={"details.unit": ["exists"]})
        new = Door(address_key=key, building_key=door.building_key, address_line=door.address_line,
                   unit=unit, city=door.city, state=door.state, zip=door.zip, lon=door.lon,
                   lat=door.lat, precinct_id=door.precinct_id, geocode_status=door.geocode_status)
        session.add(new)
        session.flush()
        turf_ids = _join_building_turfs(session, door, new)
        if turf_ids:
            names = ", ".join(session.scalars(select(Turf.name).where(Turf.id.in_(turf_ids))
                                              .order_by(Turf.id)))
            message = f"Door {new.id} ({unit}) added to {names}, beside its building."
        else:
            message = (f"Door {new.id} ({unit}) is in no turf: {door.address_line} is in no live"
                       " turf, so no walk list shows it until a turf takes it.")
        return {"door_id": new.id, "unit": unit, "turf_ids": turf_ids, "message": message}
    raise ValidationError(f"Unknown correction kind {c.kind!r}", errors={"kind": [c.kind]})


def accept(session: Session, correction_id: int, actor: User, *, note: str = "") -> dict[str, Any]:
    """Apply a correction to the voter data and close it."""
    require_organizer(actor, "review field corrections")
    correction = _pending(session, correction_id)
    applied = _apply(session, correction)
    correction.details = {**(correction.details or {}), "_applied": applied}
    correction.status, correction.reviewed_by_id, correction.reviewed_at = "accepted", actor.id, utcnow()
    correction.review_note = note
    session.flush()
    return _view(session, correction)


def reject(session: Session, correction_id: int, actor: User, *, note: str = "") -> dict[str, Any]:
    require_organizer(actor, "review field corrections")
    correction = _pending(session, correction_id)
    if not note.strip():
        raise ValidationError("Say why the correction is rejected.", errors={"note": ["required"]})
    correction.status, correction.reviewed_by_id, correction.reviewed_at = "rejected", actor.id, utcnow()
    correction.review_note = note.strip()
    session.flush()
    return _view(session, correction)
