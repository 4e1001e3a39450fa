"""Universes: saved filters over voters, with their voter and door counts before cutting.

A universe's ``filters`` is a plain mapping (stored as JSON), checked by :func:`check_filters`:

- ``precincts``: precinct codes; ``parties``: party codes ("" is unaffiliated);
- ``voted_in`` / ``not_voted_in``: election ids the voter voted in (all of them) / none of;
- ``age_bands``: labels of :data:`backend.services.voters.AGE_BANDS` ("18-24" ... "65+");
- ``contact_status``: any of :data:`CONTACT_STATUSES`, read from ``contact_history``;
- ``not_home_min``: left "not home" at least this many times;
- ``survey_response_ids``: answered one of these responses (supporters, undecided ...);
- ``last_attempt_time_of_day`` with ``timezone``: re-attempts at another time of day, e.g.
  doors left not home in the ``morning`` go into an evening cut;
- ``note``: free text for the organizer ("evening re-attempt"), not a filter.

Whatever the filters, voters who are no longer in the file, marked moved or deceased, or
asked not to be contacted (at the voter or the door) are always left out, like VAN's
default list suppressions.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from backend.errors import Conflict, NotFound, ValidationError
from backend.models import (
    CanvassReportItem,
    ContactHistory,
    Door,
    Election,
    Precinct,
    Turf,
    TurfDoor,
    Universe,
    User,
    VoteHistory,
    Voter,
)
from backend.services.access import require_organizer
from backend.services.voters import AGE_BANDS

CONTACT_STATUSES = ("never_contacted", "not_home", "contacted", "refused")
#: Voter-level statuses that take a voter out of every universe.
SUPPRESSED_VOTER_STATUSES = ("do_not_contact", "moved", "deceased")
#: Door-level statuses that take the whole door out ("no soliciting" at the door).
SUPPRESSED_DOOR_STATUSES = ("do_not_contact",)
#: Values of ``voters.voter_status`` that mean the person is not there to be canvassed.
INACTIVE_VOTER_STATUSES = ("moved", "deceased", "purged", "cancelled")
CONVERSATION_STATUSES = ("canvassed",)
REFUSAL_STATUSES = ("refused", "hostile")
TIMES_OF_DAY = {"morning": (5, 12), "afternoon": (12, 17), "evening": (17, 24)}
FILTER_KEYS = (
    "precincts", "parties", "voted_in", "not_voted_in", "age_bands", "contact_status",
    "not_home_min", "survey_response_ids", "last_attempt_time_of_day", "timezone", "note",
)  # fmt: skip


def age_band_labels() -> list[str]:
    """>>> age_band_labels()[0], age_band_labels()[-1]
    ('18-24', '65+')
    """
    return [f"{low}+" if high >= 200 else f"{low}-{high}" for low, high in AGE_BANDS]


def check_filters(session: Session, filters: dict[str, Any]) -> dict[str, Any]:
    """Return the filters with only known keys, or raise naming each bad field."""
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(filters) - set(FILTER_KEYS))
    for key in unknown:
        errors[key] = [f"unknown filter; use one of {', '.join(FILTER_KEYS)}"]
    out = {k: v for k, v in filters.items() if k in FILTER_KEYS and v not in (None, [], "")}
    if "precincts" in out:
        known = set(session.scalars(select(Precinct.code).where(Precinct.code.in_(out["precincts"]))))
        missing = [c for c in out["precincts"] if c not in known]
        if missing:
            errors["precincts"] = [f"unknown precinct codes: {', '.join(map(str, missing))}"]
    for key in ("voted_in", "not_voted_in"):
        if key in out:
            known_ids = set(session.scalars(select(Election.id).where(Election.id.in_(out[key]))))
            missing = [i for i in out[key] if i not in known_ids]
            if missing:
                errors[key] = [f"unknown election ids: {', '.join(map(str, missing))}"]
    if "age_bands" in out:
        bad = [b for b in out["age_bands"] if b not in age_band_labels()]
        if bad:
            errors["age_bands"] = [f"{', '.join(bad)} not among {', '.join(age_band_labels())}"]
    if "contact_status" in out:
        bad = [s for s in out["contact_status"] if s not in CONTACT_STATUSES]
        if bad:
            errors["contact_status"] = [f"{', '.join(bad)} not among {', '.join(CONTACT_STATUSES)}"]
    if "not_home_min" in out and (not isinstance(out["not_home_min"], int) or out["not_home_min"] < 1):
        errors["not_home_min"] = ["must be a whole number of at least 1"]
    tod = out.get("last_attempt_time_of_day")
    if tod is not None and tod not in TIMES_OF_DAY:
        errors["last_attempt_time_of_day"] = [f"{tod!r} not among {', '.join(TIMES_OF_DAY)}"]
    if "timezone" in out:
        try:
            zoneinfo.ZoneInfo(out["timezone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            errors["timezone"] = [f"{out['timezone']!r} is not an IANA time zone like America/New_York"]
    if errors:
        raise ValidationError("The universe filters are invalid: " + ", ".join(sorted(errors)),
                              errors=errors)
    return out


def voter_query(filters: dict[str, Any], *, today: dt.date | None = None) -> Select[Any]:
    """``(voter id, door id)`` of every voter the (checked) filters select.

    Voters without a door, no longer in the file, or suppressed are never selected.
    """
    vch = aliased(ContactHistory)
    dch = aliased(ContactHistory)
    query: Select[Any] = (
        select(Voter.id.label("voter_id"), Voter.door_id.label("door_id"))  # type: ignore[assignment]
        .outerjoin(vch, and_(vch.door_id == Voter.door_id, vch.voter_id == Voter.id))
        .outerjoin(dch, and_(dch.door_id == Voter.door_id, dch.voter_id.is_(None)))
        # "is not false" rather than "is true": SQLite would otherwise walk the barely
        # selective is_active index instead of voters.door_id when a door list asks.
        .where(Voter.is_active.is_not(False), Voter.door_id.is_not(None))
        .where(func.lower(Voter.voter_status).not_in(INACTIVE_VOTER_STATUSES))
        .where(func.coalesce(vch.status, "").not_in(SUPPRESSED_VOTER_STATUSES))
        .where(func.coalesce(dch.status, "").not_in(SUPPRESSED_DOOR_STATUSES))
    )
    if filters.get("precincts"):
        query = query.join(Door, Door.id == Voter.door_id).join(
            Precinct, Precinct.id == Door.precinct_id
        ).where(Precinct.code.in_(filters["precincts"]))
    if filters.get("parties"):
        query = query.where(Voter.party.in_(filters["parties"]))
    for election_id in filters.get("voted_in", ()):
        query = query.where(exists().where(VoteHistory.voter_id == Voter.id,
                                           VoteHistory.election_id == election_id))
    for election_id in filters.get("not_voted_in", ()):
        query = query.where(~exists().where(VoteHistory.voter_id == Voter.id,
                                            VoteHistory.election_id == election_id))
    if filters.get("age_bands"):
        year = (today or dt.date.today()).year
        bands = dict(zip(age_band_labels(), AGE_BANDS))
        query = query.where(or_(*(
            Voter.birth_year.between(year - bands[label][1], year - bands[label][0])
            for label in filters["age_bands"]
        )))
    if filters.get("contact_status"):
        attempts = func.coalesce(vch.attempts, 0) + func.coalesce(dch.attempts, 0)
        door_or_voter = func.coalesce(vch.status, dch.status)
        conditions = {
            "never_contacted": attempts == 0,
            "not_home": door_or_voter == "not_home",
            "contacted": vch.status.in_(CONVERSATION_STATUSES),
            "refused": or_(vch.status.in_(REFUSAL_STATUSES), dch.status.in_(REFUSAL_STATUSES)),
        }
        query = query.where(or_(*(conditions[s] for s in filters["contact_status"])))
    if filters.get("not_home_min"):
        least = filters["not_home_min"]
        query = query.where(or_(func.coalesce(vch.not_home_count, 0) >= least,
                                func.coalesce(dch.not_home_count, 0) >= least))
    if filters.get("survey_response_ids"):
        query = query.where(exists().where(
            CanvassReportItem.voter_id == Voter.id,
            CanvassReportItem.survey_response_id.in_(filters["survey_response_ids"]),
        ))
    if filters.get("last_attempt_time_of_day"):
        # The hour is taken in Python (time zones differ per database); here only doors
        # attempted at all are kept, and :func:`_filter_time_of_day` does the rest.
        query = query.add_columns(
            func.coalesce(dch.last_attempt_at, vch.last_attempt_at).label("last_attempt_at")
        ).where(func.coalesce(dch.last_attempt_at, vch.last_attempt_at).is_not(None))
    return query


def _filter_time_of_day(rows: list[Any], filters: dict[str, Any]) -> list[Any]:
    tod = filters.get("last_attempt_time_of_day")
    if not tod:
        return rows
    zone = zoneinfo.ZoneInfo(filters.get("timezone") or "UTC")
    low, high = TIMES_OF_DAY[tod]
    return [r for r in rows if low <= r.last_attempt_at.astimezone(zone).hour < high]


def matching_voters(session: Session, filters: dict[str, Any],
                    *, door_ids: list[int] | None = None) -> list[tuple[int, int]]:
    """``(voter_id, door_id)`` pairs selected by the filters (optionally among some doors)."""
    query = voter_query(filters)
    if door_ids is not None:
        query = query.where(Voter.door_id.in_(door_ids))
    rows = _filter_time_of_day(list(session.execute(query)), filters)
    return [(r.voter_id, r.door_id) for r in rows]


def door_weights(session: Session, filters: dict[str, Any],
                 *, door_ids: list[int] | None = None) -> dict[int, int]:
    """door id -> voters the filters select there (grouped in SQL: a county's 200,000
    voters come back as 100,000 counts, not 200,000 rows to count in Python)."""
    if filters.get("last_attempt_time_of_day"):
        weights: dict[int, int] = {}
        for _, door_id in matching_voters(session, filters, door_ids=door_ids):
            weights[door_id] = weights.get(door_id, 0) + 1
        return weights
    query = voter_query(filters)
    if door_ids is not None:
        query = query.where(Voter.door_id.in_(door_ids))
    sub = query.subquery()
    rows = session.execute(select(sub.c.door_id, func.count()).group_by(sub.c.door_id))
    return {door_id: int(n) for door_id, n in rows}


def live_turf_doors(*columns: Any) -> Select[Any]:
    """``columns`` of each live membership: a door a turf holds now (not removed from it) in
    a turf that is not deleted. The one place the rule is written; add ``where`` clauses.

    >>> print(live_turf_doors(TurfDoor.turf_id).where(TurfDoor.door_id == 7))  # doctest: +ELLIPSIS
    SELECT turf_doors.turf_id FROM turf_doors JOIN turfs ON turfs.id = turf_doors.turf_id
    WHERE turf_doors.removed_at IS NULL AND turfs.deleted_at IS NULL AND turf_doors.door_id = ...
    """
    return (
        select(*columns)
        .join(Turf, Turf.id == TurfDoor.turf_id)
        .where(TurfDoor.removed_at.is_(None), Turf.deleted_at.is_(None))
    )


def live_turf_door_ids() -> Select[Any]:
    """Doors currently in a turf that is not deleted."""
    return live_turf_doors(TurfDoor.door_id)


def counts(session: Session, filters: dict[str, Any]) -> dict[str, int]:
    """Voters and doors the filters select, before cutting."""
    if filters.get("last_attempt_time_of_day"):
        # The time of day is checked in Python, so the doors are counted from the pairs.
        pairs = matching_voters(session, filters)
        door_ids = sorted({door for _, door in pairs})
        unlocated = in_turfs = 0
        for start in range(0, len(door_ids), 5000):
            part = door_ids[start:start + 5000]
            unlocated += session.scalar(select(func.count()).select_from(Door).where(
                Door.id.in_(part), or_(Door.lat.is_(None), Door.lon.is_(None)))) or 0
            in_turfs += session.scalar(select(func.count()).select_from(
                live_turf_door_ids().where(TurfDoor.door_id.in_(part)).subquery())) or 0
        return {"voter_count": len(pairs), "door_count": len(door_ids),
                "doors_without_location": unlocated, "doors_in_turfs": in_turfs}
    sub = voter_query(filters).subquery()
    voter_count = session.scalar(select(func.count()).select_from(sub)) or 0
    distinct_doors = select(sub.c.door_id).distinct().subquery()
    door_count = session.scalar(select(func.count()).select_from(distinct_doors)) or 0
    unlocated = session.scalar(
        select(func.count()).select_from(Door).where(
            Door.id.in_(select(distinct_doors.c.door_id)),
            or_(Door.lat.is_(None), Door.lon.is_(None)))
    ) or 0
    in_turfs = session.scalar(
        select(func.count()).select_from(
            live_turf_door_ids().where(
                TurfDoor.door_id.in_(select(distinct_doors.c.door_id))).subquery())
    ) or 0
    return {"voter_count": voter_count, "door_count": door_count,
            "doors_without_location": unlocated, "doors_in_turfs": in_turfs}


def universe_view(session: Session, universe: Universe, *, with_counts: bool = True) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": universe.id, "name": universe.name, "filters": universe.filters,
        "created_at": universe.created_at, "updated_at": universe.updated_at,
        "turf_count": session.scalar(select(func.count()).select_from(Turf).where(
            Turf.universe_id == universe.id, Turf.deleted_at.is_(None))) or 0,
    }
    if with_counts:
        view.update(counts(session, universe.filters or {}))
    return view


def preview(session: Session, filters: dict[str, Any], actor: User) -> dict[str, Any]:
    """Counts for filters not saved yet, so the organizer sees them before saving."""
    require_organizer(actor, "build universes")
    checked = check_filters(session, filters)
    return {"filters": checked, **counts(session, checked)}


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError("A universe needs a name.", errors={"name": ["required"]})
    return name


def _unique_name(session: Session, name: str, universe_id: int | None = None) -> None:
    other = session.scalar(select(Universe.id).where(func.lower(Universe.name) == name.lower()))
    if other is not None and other != universe_id:
        raise Conflict(f"A universe named {name!r} already exists.", errors={"name": ["taken"]})


def create_universe(session: Session, name: str, filters: dict[str, Any], actor: User) -> dict[str, Any]:
    require_organizer(actor, "build universes")
    name = _name(name)
    _unique_name(session, name)
    universe = Universe(name=name, filters=check_filters(session, filters), created_by_id=actor.id)
    session.add(universe)
    session.flush()
    return universe_view(session, universe)


def get_universe_row(session: Session, universe_id: int) -> Universe:
    universe = session.get(Universe, universe_id)
    if universe is None:
        raise NotFound(f"Universe {universe_id} does not exist.")
    return universe


def get_universe(session: Session, universe_id: int, actor: User) -> dict[str, Any]:
    require_organizer(actor, "read universes")
    return universe_view(session, get_universe_row(session, universe_id))


def list_universes(session: Session, actor: User, *, with_counts: bool = False) -> list[dict[str, Any]]:
    require_organizer(actor, "read universes")
    rows = session.scalars(select(Universe).order_by(Universe.name))
    return [universe_view(session, u, with_counts=with_counts) for u in rows]


def update_universe(session: Session, universe_id: int, actor: User, *, name: str | None = None,
                    filters: dict[str, Any] | None = None) -> dict[str, Any]:
    require_organizer(actor, "change universes")
    universe = get_universe_row(session, universe_id)
    if name is not None:
        name = _name(name)
        _unique_name(session, name, universe.id)
        universe.name = name
    if filters is not None:
        universe.filters = check_filters(session, filters)
    session.flush()
    return universe_view(session, universe)


def delete_universe(session: Session, universe_id: int, actor: User) -> None:
    require_organizer(actor, "delete universes")
    universe = get_universe_row(session, universe_id)
    live = session.scalar(select(func.count()).select_from(Turf).where(
        Turf.universe_id == universe.id, Turf.deleted_at.is_(None))) or 0
    if live:
        raise Conflict(f"Universe {universe.name!r} still has {live} turfs; delete them first.",
                       errors={"turfs": [f"{live} live turfs"]})
    # Deleted turfs keep their reports; they just lose the link to the filter.
    for turf in session.scalars(select(Turf).where(Turf.universe_id == universe.id)):
        turf.universe_id = None
    session.delete(universe)
    session.flush()


def universe_doors(session: Session, universe_id: int, actor: User) -> list[dict[str, Any]]:
    """The universe's doors for the map: location, target voters, and the live turf if any."""
    require_organizer(actor, "read universes")
    universe = get_universe_row(session, universe_id)
    weights = door_weights(session, universe.filters or {})
    if not weights:
        return []
    # Doors are fetched whole and filtered here: an IN list of 100,000 ids is slower than that.
    turf_of = dict(session.execute(live_turf_doors(TurfDoor.door_id, TurfDoor.turf_id)).all())
    rows = session.execute(select(Door.id, Door.lon, Door.lat).order_by(Door.id))
    return [{"id": door_id, "lon": lon, "lat": lat, "voter_count": weights[door_id],
             "turf_id": turf_of.get(door_id)} for door_id, lon, lat in rows if door_id in weights]


def list_elections(session: Session, actor: User) -> list[Election]:
    require_organizer(actor, "read elections")
    return list(session.scalars(select(Election).order_by(Election.election_on.desc(), Election.kind)))


__all__ = [
    "CONTACT_STATUSES",
    "check_filters",
    "counts",
    "create_universe",
    "delete_universe",
    "door_weights",
    "get_universe",
    "list_elections",
    "list_universes",
    "live_turf_door_ids",
    "live_turf_doors",
    "matching_voters",
    "preview",
    "universe_doors",
    "update_universe",
    "voter_query",
]
