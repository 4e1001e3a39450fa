"""Turfs: auto-cut, drawn, split, merged, renamed, deleted and re-cut; door lists; list codes.

This module is the one boundary between the backend's models and :mod:`turf_cutting`: doors
become :class:`turf_cutting.Door` values here (``weight`` = voters the universe selects at the
door, ``precinct`` = precinct id, ``building`` = building key) and plans come back as rows.

Membership has periods (``turf_doors.added_at``/``removed_at``): a door that leaves a turf is
ended, never deleted, so reports recorded while it was in a volunteer's turf stay valid.
Every change a phone must see goes to the change feed (``services.changes.record_change``).
Outlines are drawn again after every edit by ``services.outlines`` from all live turfs' doors,
so the outlines of turfs made at different times never overlap.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import os
import pickle
import secrets
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import orjson
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Text, bindparam, cast, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

import turf_cutting as tc
from backend.errors import Conflict, NotFound, ValidationError
from backend.models import (
    Assignment,
    Door,
    Job,
    ResultCode,
    SurveyQuestion,
    SyncChange,
    Turf,
    TurfDoor,
    Universe,
    User,
    Voter,
)
from backend.models._types import utcnow
from backend.services import contact_history
from backend.services import progress as progress_service
from backend.services.access import ensure_can_read_turf, require_organizer
from backend.services.changes import record_change
from backend.services.outlines import M_PER_DEG, geojson, refresh_outlines
from backend.services.outlines import bbox as _bbox
from backend.services.universes import (
    get_universe_row,
    live_turf_door_ids,
    live_turf_doors,
    voter_query,
)
from backend.services.voters import voter_view

Progress = Callable[[float, str], None]
#: Above this many doors a cut is split along precinct lines into chunks cut in parallel
#: processes; turf_cutting's cost grows faster than linearly with the door count.
CHUNK_DOORS = 12_000
LIST_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L to misread
LIST_CODE_LENGTH = 6


# --------------------------------------------------------------------------- conversions


def cut_params(params: dict[str, Any]) -> tc.CutParams:
    """CutParams from request values; min/max default to a third either side of the target.

    >>> p = cut_params({"target_doors": 45})
    >>> p.min_doors, p.max_doors, p.mode
    (30, 60, 'doors')
    """
    target = int(params.get("target_doors") or 60)
    low = params.get("min_doors") or max(1, round(target * 2 / 3))
    high = params.get("max_doors") or max(target, round(target * 4 / 3))
    try:
        return tc.CutParams(
            target_doors=target, min_doors=low, max_doors=high,
            mode=params.get("mode") or "doors",
            shift_minutes=float(params.get("shift_minutes") or 120.0),
            walk_speed_mps=float(params.get("walk_speed_mps") or 1.2),
            minutes_per_door=float(params.get("minutes_per_door", 1.5)),
            keep_precincts_whole=bool(params.get("keep_precincts_whole", False)),
        )
    except tc.TurfParamsError as exc:
        field = str(exc).split(" ", 1)[0]
        raise ValidationError(f"The cut parameters are invalid: {exc}",
                              errors={field: [str(exc)]}) from None


def _lib_doors(rows: Iterable[Any], weights: dict[int, int]) -> list[tc.Door]:
    return [tc.Door(r.id, r.lon, r.lat, float(max(weights.get(r.id, 1), 1)), r.precinct_id,
                    r.building_key) for r in rows]


# --------------------------------------------------------------------------- reading


def _live_turf(session: Session, turf_id: int) -> Turf:
    turf = session.get(Turf, turf_id)
    if turf is None or turf.deleted_at is not None:
        raise NotFound(f"Turf {turf_id} does not exist.")
    return turf


def _turf_door_rows(session: Session, turf_id: int) -> list[Any]:
    return list(session.execute(
        select(TurfDoor.id.label("turf_door_id"), TurfDoor.position, Door.id, Door.lon, Door.lat,
               Door.precinct_id, Door.building_key)
        .join(Door, Door.id == TurfDoor.door_id)
        .where(TurfDoor.turf_id == turf_id, TurfDoor.removed_at.is_(None))
        .order_by(TurfDoor.position)
    ))


def _assignees(session: Session, turf_ids: Sequence[int] | None) -> dict[int, list[dict[str, Any]]]:
    query = (
        select(Assignment.turf_id, User.id, User.name, User.email, User.is_active)
        .join(User, User.id == Assignment.user_id)
        .where(Assignment.ended_at.is_(None))
        .order_by(User.name)
    )
    if turf_ids is not None:
        query = query.where(Assignment.turf_id.in_(turf_ids))
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for turf_id, user_id, name, email, is_active in session.execute(query):
        # is_active: a disabled canvasser keeps their turfs; the console marks them.
        out[turf_id].append({"id": user_id, "name": name, "email": email,
                             "is_active": is_active})
    return out


def _simplified(outline: dict[str, Any] | None, simplify_m: float) -> dict[str, Any] | None:
    if outline is None or simplify_m <= 0:
        return outline
    geometry = shapely.simplify(shape(outline), simplify_m / M_PER_DEG, preserve_topology=True)
    return geojson(geometry)


def turf_views(session: Session, turfs: Sequence[Any], *, outline: bool = True,
               simplify_m: float = 0.0, all_live: bool = False,
               outlines: Sequence[Any] | None = None) -> list[dict[str, Any]]:
    """Turfs (models, or rows with the same attribute names) as the console shows them,
    with progress and assignees in two grouped queries.

    ``all_live`` says ``turfs`` are all the live turfs, so no id list is sent to the
    database; ``outlines``, when given, are the outlines already decoded, in turf order.
    """
    ids = None if all_live else [t.id for t in turfs]
    done = progress_service.turf_progress(session, ids)
    people = _assignees(session, ids)
    views = []
    for i, turf in enumerate(turfs):
        attempted, contacts = done.get(turf.id, (0, 0))
        if outlines is not None:
            shown = outlines[i]
        else:
            shown = _simplified(turf.outline, simplify_m) if outline else None
        views.append({
            "id": turf.id, "name": turf.name, "universe_id": turf.universe_id,
            "status": progress_service.turf_status(attempted, turf.door_count),
            "outline": shown,
            "bbox": None if turf.min_lon is None else
            [turf.min_lon, turf.min_lat, turf.max_lon, turf.max_lat],
            "door_count": turf.door_count, "voter_count": turf.voter_count,
            "walk_m": round(turf.walk_m, 1), "minutes": round(turf.minutes, 1),
            "list_code": turf.list_code, "list_code_expires_at": turf.list_code_expires_at,
            "progress": {
                "doors_attempted": attempted, "contacts": contacts,
                "contact_rate": round(contacts / attempted, 3) if attempted else None,
                "share_done": round(min(attempted / turf.door_count, 1.0), 3)
                if turf.door_count else 0.0,
            },
            "assignees": people.get(turf.id, []),
            "created_at": turf.created_at, "updated_at": turf.updated_at,
        })
    return views


LIST_COLUMNS = (Turf.id, Turf.name, Turf.universe_id, Turf.min_lon, Turf.min_lat, Turf.max_lon,
                Turf.max_lat, Turf.door_count, Turf.voter_count, Turf.walk_m, Turf.minutes,
                Turf.list_code, Turf.list_code_expires_at, Turf.created_at, Turf.updated_at)


#: Simplified outlines by (turf id, updated_at, tolerance): the console asks again at each
#: zoom, and simplifying 2,000 outlines costs a few hundred ms. Bounded; per process.
_SIMPLIFIED: dict[tuple[int, str, float], str] = {}
_SIMPLIFIED_MAX = 50_000


def _outline_fragments(rows: Sequence[Any], simplify_m: float) -> list[Any]:
    """Stored GeoJSON text as ``orjson.Fragment`` values: embedded in the answer as they are,
    never parsed into Python floats and encoded again (at 2,000 turfs that round trip alone
    costs more than the 300 ms budget). Simplification, when asked, is one vectorised
    shapely pass from text to text, cached."""
    raw = [r.outline_json for r in rows]
    if simplify_m > 0:
        keys = [(r.id, r.updated_at.isoformat(), simplify_m) for r in rows]
        todo = [i for i, text in enumerate(raw) if text is not None and keys[i] not in _SIMPLIFIED]
        if todo:
            geometries = shapely.from_geojson(np.array([raw[i] for i in todo], dtype=object))
            simplified = shapely.simplify(geometries, simplify_m / M_PER_DEG,
                                          preserve_topology=True)
            if len(_SIMPLIFIED) + len(todo) > _SIMPLIFIED_MAX:
                _SIMPLIFIED.clear()
            for i, text in zip(todo, shapely.to_geojson(simplified).tolist()):
                _SIMPLIFIED[keys[i]] = text
        raw = [None if text is None else _SIMPLIFIED.get(keys[i], text)
               for i, text in enumerate(raw)]
    return [None if text is None else orjson.Fragment(text) for text in raw]


def list_turfs(session: Session, actor: User, *, universe_id: int | None = None,
               status: str | None = None, assignee_id: int | None = None, outline: bool = True,
               simplify_m: float = 0.0, bbox: str | None = None) -> list[dict[str, Any]]:
    """Live turfs for the map and the tables: rows, not models, so 2,000 turfs list fast.

    The outlines are ``orjson.Fragment`` values (GeoJSON text as stored), so the answer must
    be encoded with orjson, as the API does."""
    require_organizer(actor, "list all turfs")
    columns: tuple[Any, ...] = LIST_COLUMNS
    if outline:
        columns += (cast(Turf.outline, Text).label("outline_json"),)
    query = select(*columns).where(Turf.deleted_at.is_(None)).order_by(Turf.id)
    filtered = False
    if universe_id is not None:
        query, filtered = query.where(Turf.universe_id == universe_id), True
    if assignee_id is not None:
        query = query.where(Turf.id.in_(select(Assignment.turf_id).where(
            Assignment.user_id == assignee_id, Assignment.ended_at.is_(None))))
        filtered = True
    if bbox:
        try:
            min_lon, min_lat, max_lon, max_lat = (float(v) for v in bbox.split(","))
        except ValueError:
            raise ValidationError("bbox must be min_lon,min_lat,max_lon,max_lat",
                                  errors={"bbox": [f"{bbox!r} is not four numbers"]}) from None
        query = query.where(Turf.max_lon >= min_lon, Turf.min_lon <= max_lon,
                            Turf.max_lat >= min_lat, Turf.min_lat <= max_lat)
        filtered = True
    rows = list(session.execute(query))
    outlines = _outline_fragments(rows, simplify_m) if outline else [None] * len(rows)
    views = turf_views(session, rows, all_live=not filtered, outlines=outlines)
    if status:
        views = [v for v in views if v["status"] == status]
    return views


def _for_canvasser(views: list[dict[str, Any]], actor: User) -> list[dict[str, Any]]:
    # A canvasser sees who walks the turf with them, not their email addresses.
    if not actor.is_organizer:
        for view in views:
            view["assignees"] = [{"id": a["id"], "name": a["name"]} for a in view["assignees"]]
    return views


def get_turf(session: Session, turf_id: int, actor: User) -> dict[str, Any]:
    turf = ensure_can_read_turf(session, actor, turf_id)
    return _for_canvasser(turf_views(session, [turf]), actor)[0]


def my_turfs(session: Session, actor: User) -> list[dict[str, Any]]:
    """The turfs assigned to the caller now, for a canvasser's phone."""
    turfs = list(session.scalars(
        select(Turf).join(Assignment, Assignment.turf_id == Turf.id)
        .where(Assignment.user_id == actor.id, Assignment.ended_at.is_(None),
               Turf.deleted_at.is_(None))
        .order_by(Turf.name)
    ))
    return _for_canvasser(turf_views(session, turfs), actor)


def _target_voters(session: Session, turf: Turf, door_ids: list[int]) -> list[Any]:
    """The voters a canvasser talks to at these doors: those the filters the turf was cut
    with select (all active, not suppressed voters for empty filters), never the universe's
    current ones. Plain rows with the attributes ``voter_view`` reads, not ORM objects: a
    phone's door list is a hot path."""
    filters = dict(turf.filters or {})
    # Time of day chooses doors for a re-attempt cut; at the door everyone selected counts.
    filters.pop("last_attempt_time_of_day", None)
    return list(session.execute(_door_voters_query(json.dumps(filters, sort_keys=True),
                                                   dt.date.today()), {"door_ids": door_ids}))


@functools.lru_cache(maxsize=256)
def _door_voters_query(filters_json: str, today: dt.date) -> Any:
    """Building the filter query costs more than running it for one turf, so it is built
    once per filters (and day: age bands move with the date) and reused."""
    return (
        voter_query(json.loads(filters_json), today=today)
        .where(Voter.door_id.in_(bindparam("door_ids", expanding=True)))
        .with_only_columns(Voter.id, Voter.door_id, Voter.first_name, Voter.middle_name,
                           Voter.last_name, Voter.suffix, Voter.birth_year)
        .order_by(Voter.door_id, Voter.last_name, Voter.first_name, Voter.id)
    )


DOOR_LIST_COLUMNS = (Door.id, Door.address_line, Door.unit, Door.city, Door.state, Door.zip,
                     Door.lon, Door.lat, Door.building_key, Door.access_note)


def door_list(session: Session, turf_id: int, actor: User) -> dict[str, Any]:
    """What a phone downloads for a turf: doors in walk order with their voters (canvasser
    fields only) and door-level status from contact history, the active survey, result codes
    and the outline. Canvassers get only their assigned turfs (404 otherwise, so turf ids
    cannot be probed)."""
    turf = ensure_can_read_turf(session, actor, turf_id)
    doors = list(session.execute(
        select(TurfDoor.position, *DOOR_LIST_COLUMNS)
        .join(Door, Door.id == TurfDoor.door_id)
        .where(TurfDoor.turf_id == turf.id, TurfDoor.removed_at.is_(None))
        .order_by(TurfDoor.position)
    ))
    # The change seq is read before the statuses, so every door_status change up to it is
    # already in them: a phone pulling from here misses no knock (docs/sync-protocol.md).
    change_seq = session.scalar(select(func.max(SyncChange.id))) or 0
    by_door: dict[int, list[dict[str, Any]]] = defaultdict(list)
    statuses: dict[int, dict[str, Any]] = {}
    if doors:
        for voter in _target_voters(session, turf, [d.id for d in doors]):
            by_door[voter.door_id].append(voter_view(voter, full=False))
        # Knocks already made (by anyone, on any phone): a second canvasser, or the same
        # one after a logout or on a new phone, must not knock these doors again.
        statuses = contact_history.door_statuses(session, [d.id for d in doors])
    questions = session.scalars(
        select(SurveyQuestion).where(SurveyQuestion.is_active.is_(True))
        .options(selectinload(SurveyQuestion.responses))
        .order_by(SurveyQuestion.position, SurveyQuestion.id)
    )
    codes = session.execute(
        select(ResultCode.code, ResultCode.name, ResultCode.scope, ResultCode.rank,
               ResultCode.position).where(ResultCode.is_active.is_(True))
        .order_by(ResultCode.position, ResultCode.id)
    )
    attempted, _ = progress_service.turf_progress(session, [turf.id]).get(turf.id, (0, 0))
    return {
        "turf": {
            "id": turf.id, "name": turf.name, "outline": turf.outline, "list_code": turf.list_code,
            "status": progress_service.turf_status(attempted, turf.door_count),
            "door_count": turf.door_count, "voter_count": turf.voter_count,
            "walk_m": round(turf.walk_m, 1), "minutes": round(turf.minutes, 1),
            "updated_at": turf.updated_at,
        },
        "doors": [
            {"id": d.id, "position": d.position, "address_line": d.address_line, "unit": d.unit,
             "city": d.city, "state": d.state, "zip": d.zip, "lon": d.lon, "lat": d.lat,
             "building_key": d.building_key, "access_note": d.access_note,
             "voters": by_door.get(d.id, []),
             **statuses.get(d.id, contact_history.NEVER_KNOCKED)}
            for d in doors
        ],
        "survey_questions": [
            {"id": q.id, "name": q.name, "script_text": q.script_text, "kind": q.kind,
             "position": q.position,
             "responses": [{"id": r.id, "name": r.name, "short_name": r.short_name,
                            "position": r.position} for r in q.responses]}
            for q in questions
        ],
        "result_codes": [dict(c._mapping) for c in codes],
        "change_seq": change_seq,
        "generated_at": utcnow(),
    }


# --------------------------------------------------------------------------- writing


def _weights(session: Session, filters: dict[str, Any] | None,
             door_ids: list[int] | None = None) -> Counter[int]:
    """Voters the filters select per door (all active voters for empty filters)."""
    from backend.services.universes import door_weights

    return Counter(door_weights(session, dict(filters or {}), door_ids=door_ids))


def _shared_filters(session: Session, turfs: Sequence[Turf], action: str) -> dict[str, Any]:
    """The voter filters these turfs were all cut with, for one turf made of them (``action``:
    "merge", "re-cut"). Refused (409) when they differ, naming both universes: the new turf
    has one set of filters, and at the other turfs' doors it would find nobody to talk to."""
    def selecting(filters: dict[str, Any] | None) -> dict[str, Any]:
        # The organizer's note says why a universe exists; it selects nobody.
        return {k: v for k, v in (filters or {}).items() if k != "note"}

    first = dict(turfs[0].filters or {})
    for other in turfs[1:]:
        if selecting(other.filters) == selecting(first):
            continue
        pair = (turfs[0], other)
        if turfs[0].universe_id == other.universe_id:
            why = (f"were cut from {_universe_name(session, other)} before and after its "
                   f"filters were edited")
        else:
            why = (f"were cut from {_universe_name(session, turfs[0])} and "
                   f"{_universe_name(session, other)}, which select different voters")
        raise Conflict(
            f"Cannot {action} {pair[0].name!r} with {pair[1].name!r}: they {why}, so one turf "
            f"made of both would leave doors with nobody to talk to. {action.capitalize()} "
            f"only turfs cut from the same universe.",
            errors={"turf_ids": [f"turfs {pair[0].id} and {pair[1].id} target different voters"]})
    return first


def _universe_name(session: Session, turf: Turf) -> str:
    universe = session.get(Universe, turf.universe_id) if turf.universe_id else None
    return f"universe {universe.name!r}" if universe else "no universe"


def refresh_voter_counts(session: Session, turf_ids: Sequence[int]) -> None:
    """Count each turf's voters again (the voters its filters select at its live doors): a
    re-import changed who lives at some of its doors. One count per filters and 10,000 doors."""
    filters_of: dict[int, str] = {}
    for start in range(0, len(turf_ids), 10_000):
        filters_of.update((turf_id, json.dumps(filters or {}, sort_keys=True))
                          for turf_id, filters in session.execute(
                              select(Turf.id, Turf.filters)
                              .where(Turf.id.in_(turf_ids[start:start + 10_000]))))
    members: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for start in range(0, len(turf_ids), 10_000):
        rows = session.execute(
            select(TurfDoor.turf_id, TurfDoor.door_id)
            .where(TurfDoor.turf_id.in_(turf_ids[start:start + 10_000]),
                   TurfDoor.removed_at.is_(None))
        )
        for turf_id, door_id in rows:
            members[filters_of[turf_id]].append((turf_id, door_id))
    counts = dict.fromkeys(turf_ids, 0)
    for filters_json, pairs in members.items():
        filters = json.loads(filters_json)
        door_ids = sorted({door_id for _, door_id in pairs})
        weights: Counter[int] = Counter()
        for start in range(0, len(door_ids), 10_000):
            weights.update(_weights(session, filters, door_ids[start:start + 10_000]))
        for turf_id, door_id in pairs:
            counts[turf_id] += weights[door_id]
    session.execute(update(Turf), [{"id": t, "voter_count": n} for t, n in counts.items()])


def _next_names(session: Session, prefix: str, count: int) -> list[str]:
    taken = session.scalar(select(func.count()).select_from(Turf).where(
        Turf.name.like(f"{prefix} %"))) or 0
    width = max(3, len(str(taken + count)))
    return [f"{prefix} {taken + i + 1:0{width}d}" for i in range(count)]


def _store_turf(session: Session, turf: Turf, lib_turf: tc.Turf, weights: dict[int, int],
                outline: BaseGeometry | None = None) -> None:
    geometry = lib_turf.outline if outline is None else outline
    turf.outline = geojson(geometry)
    turf.min_lon, turf.min_lat, turf.max_lon, turf.max_lat = _bbox(geometry)
    turf.door_count = len(lib_turf.door_ids)
    turf.voter_count = sum(weights.get(int(d), 0) for d in lib_turf.door_ids)  # type: ignore[call-overload, misc]
    turf.walk_m = lib_turf.walk_m
    turf.minutes = lib_turf.minutes


def _create_turfs(session: Session, plan_turfs: Sequence[tc.Turf], *, universe_id: int | None,
                  filters: dict[str, Any], names: Sequence[str], weights: dict[int, int],
                  actor: User, outlines: Sequence[BaseGeometry | None] | None = None,
                  carry: dict[int, dt.datetime] | None = None) -> list[Turf]:
    """Insert turfs and their doors in bulk (100,000 doors in one executemany); each turf
    keeps a copy of ``filters``, the voter filters it was cut with. ``carry``: the
    ``knocks_since`` of doors an edit moves here from another turf (``_knocks_since``)."""
    now = utcnow()
    turfs = []
    for i, lib_turf in enumerate(plan_turfs):
        turf = Turf(name=names[i], universe_id=universe_id, filters=dict(filters),
                    created_by_id=actor.id, created_at=now, updated_at=now)
        _store_turf(session, turf, lib_turf, weights, outlines[i] if outlines else None)
        turfs.append(turf)
    session.add_all(turfs)
    session.flush()
    rows = [
        {"turf_id": turf.id, "door_id": door_id, "position": position, "added_at": now,
         "knocks_since": (carry or {}).get(door_id)}
        for turf, lib_turf in zip(turfs, plan_turfs)
        for position, door_id in enumerate(lib_turf.door_ids)
    ]
    _insert_turf_doors(session, rows)
    return turfs


def _insert_turf_doors(session: Session, rows: list[dict[str, Any]]) -> None:
    """100,000 memberships at once: COPY on PostgreSQL (row-by-row executemany there took
    ~10 s), a plain executemany of the table insert elsewhere (no ORM bookkeeping)."""
    if not rows:
        return
    session.flush()
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy("COPY turf_doors (turf_id, door_id, position, added_at, knocks_since) "
                         "FROM STDIN") as copy:
            for row in rows:
                copy.write_row((row["turf_id"], row["door_id"], row["position"], row["added_at"],
                                row["knocks_since"]))
        cursor.close()
        return
    table = TurfDoor.__table__
    for start in range(0, len(rows), 20_000):
        # UTCDateTime stores naive UTC on SQLite; the table insert still binds through it.
        connection.execute(table.insert(), rows[start:start + 20_000])


def _knocks_since(session: Session, turf_ids: Sequence[int]) -> dict[int, dt.datetime]:
    """door id -> since when its knocks count, for the doors these turfs hold: what an edit
    that moves them to another turf carries over, so their knocks follow them."""
    since = func.coalesce(TurfDoor.knocks_since, TurfDoor.added_at)
    return dict(session.execute(select(TurfDoor.door_id, since).where(
        TurfDoor.turf_id.in_(turf_ids), TurfDoor.removed_at.is_(None))).all())


def _set_members(session: Session, turf: Turf, ordered: Sequence[int], now: dt.datetime,
                 carry: dict[int, dt.datetime] | None = None) -> tuple[list[int], list[int]]:
    """Make ``ordered`` the turf's doors in walk order; return (added, removed) door ids.
    ``carry``: the ``knocks_since`` of doors that come from another turf."""
    live = {row.door_id: row for row in session.scalars(
        select(TurfDoor).where(TurfDoor.turf_id == turf.id, TurfDoor.removed_at.is_(None)))}
    wanted = set(ordered)
    removed = [d for d in live if d not in wanted]
    for door_id in removed:
        live[door_id].removed_at = now
    added = []
    for position, door_id in enumerate(ordered):
        if door_id in live:
            live[door_id].position = position
        else:
            session.add(TurfDoor(turf_id=turf.id, door_id=door_id, position=position,
                                 added_at=now, knocks_since=(carry or {}).get(door_id)))
            added.append(door_id)
    return added, sorted(removed)


def _announce(session: Session, turf: Turf, added: list[int], removed: list[int]) -> None:
    if added:
        record_change(session, "doors_added", turf_id=turf.id, payload={"door_ids": added})
    if removed:
        record_change(session, "doors_removed", turf_id=turf.id, payload={"door_ids": removed})
    record_change(session, "turf_updated", turf_id=turf.id, payload={"turf_id": turf.id})


def _soft_delete(session: Session, turf: Turf, now: dt.datetime) -> list[int]:
    """End the turf and its memberships; returns the door ids it had."""
    door_ids = []
    for row in session.scalars(select(TurfDoor).where(
            TurfDoor.turf_id == turf.id, TurfDoor.removed_at.is_(None))):
        row.removed_at = now
        door_ids.append(row.door_id)
    for assignment in session.scalars(select(Assignment).where(
            Assignment.turf_id == turf.id, Assignment.ended_at.is_(None))):
        assignment.ended_at = now
        record_change(session, "turf_unassigned", user_id=assignment.user_id,
                      payload={"turf_id": turf.id})
    turf.deleted_at = now
    turf.list_code = None
    turf.list_code_expires_at = None
    record_change(session, "turf_deleted", turf_id=turf.id, payload={"turf_id": turf.id})
    return door_ids


# --------------------------------------------------------------------------- auto-cut


def _cut_chunk(doors: list[tc.Door], params: tc.CutParams, seed: int) -> list[tc.Turf]:
    return list(tc.cut_turfs(doors, params, seed=seed).turfs)


def _chunks(doors: list[tc.Door], size: int) -> list[list[tc.Door]]:
    """Whole precincts grouped into chunks of about ``size`` doors, neighbours together
    (precincts ordered along a Hilbert-like snake of their centres)."""
    by_precinct: dict[Hashable, list[tc.Door]] = defaultdict(list)
    for door in doors:
        by_precinct[door.precinct].append(door)
    centres = {p: (float(np.mean([d.lon for d in ds])), float(np.mean([d.lat for d in ds])))
               for p, ds in by_precinct.items()}
    lats = np.array([c[1] for c in centres.values()])
    rows = max(1, round(len(doors) / size) ** 0.5) if len(doors) > size else 1
    band = (lats.max() - lats.min()) / max(rows, 1) + 1e-9
    def order(p: Hashable) -> tuple[int, float]:
        row = int((centres[p][1] - lats.min()) / band)
        return row, centres[p][0] if row % 2 == 0 else -centres[p][0]
    chunks: list[list[tc.Door]] = [[]]
    for precinct in sorted(by_precinct, key=order):
        if chunks[-1] and len(chunks[-1]) + len(by_precinct[precinct]) > size:
            chunks.append([])
        chunks[-1].extend(by_precinct[precinct])
    return chunks


def cut_doors(doors: list[tc.Door], params: tc.CutParams, *, seed: int = 0,
              workers: int | None = None) -> list[tc.Turf]:
    """Cut doors into turfs; above :data:`CHUNK_DOORS` doors, in chunks of whole precincts
    cut in parallel child processes (turfs then never cross those chunk borders).

    >>> doors = [tc.Door(i, -83 + 0.0004 * (i % 10), 40 + 0.0004 * (i // 10), precinct=i % 2)
    ...          for i in range(200)]
    >>> sorted(len(t) for t in cut_doors(doors, cut_params({"target_doors": 50})))
    [50, 50, 50, 50]
    """
    if len(doors) <= CHUNK_DOORS:
        return _cut_chunk(doors, params, seed)
    chunks = _chunks(doors, CHUNK_DOORS)
    if len(chunks) == 1:
        return _cut_chunk(doors, params, seed)
    workers = workers or min(len(chunks), os.cpu_count() or 1)
    if workers <= 1:
        return [t for chunk in chunks for t in _cut_chunk(chunk, params, seed)]
    return _cut_in_subprocesses(chunks, params, seed, workers)


def _cut_in_subprocesses(chunks: list[list[tc.Door]], params: tc.CutParams, seed: int,
                         workers: int) -> list[tc.Turf]:
    """Cut chunks in ``workers`` child processes (``backend.services.cut_worker``), the
    largest chunks spread first so the processes finish together."""
    groups: list[list[int]] = [[] for _ in range(workers)]
    loads = [0] * workers
    for index in sorted(range(len(chunks)), key=lambda i: -len(chunks[i])):
        lightest = loads.index(min(loads))
        groups[lightest].append(index)
        loads[lightest] += len(chunks[index])
    groups = [g for g in groups if g]
    outputs: list[Any] = [None] * len(groups)

    def run(g: int) -> None:
        payload = pickle.dumps((params, seed, [chunks[i] for i in groups[g]]),
                               protocol=pickle.HIGHEST_PROTOCOL)
        proc = subprocess.run([sys.executable, "-m", "backend.services.cut_worker"],
                              input=payload, capture_output=True, check=False)
        if proc.returncode != 0:
            outputs[g] = RuntimeError("a turf-cutting process failed: "
                                      + proc.stderr.decode(errors="replace")[-2000:])
        else:
            outputs[g] = pickle.loads(proc.stdout)

    threads = [threading.Thread(target=run, args=(g,)) for g in range(len(groups))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    by_chunk: dict[int, list[tc.Turf]] = {}
    for g, output in enumerate(outputs):
        if isinstance(output, Exception):
            raise output
        by_chunk.update(zip(groups[g], output))
    return [t for i in range(len(chunks)) for t in by_chunk[i]]


def _cut_candidates(session: Session, universe: Universe) -> tuple[list[tc.Door], Counter[int]]:
    """The universe's located doors that are in no live turf, with their voter weights."""
    weights = _weights(session, universe.filters)
    taken = set(session.scalars(live_turf_door_ids()))
    rows = session.execute(
        select(Door.id, Door.lon, Door.lat, Door.precinct_id, Door.building_key)
        .where(Door.lat.is_not(None), Door.lon.is_not(None)).order_by(Door.id)
    )
    picked = [r for r in rows if r.id in weights and r.id not in taken]
    return _lib_doors(picked, weights), weights


def start_cut(session: Session, universe_id: int, params: dict[str, Any], actor: User,
              *, inline_max_doors: int) -> Job:
    """Queue an auto-cut of a universe as a job; cuts of up to ``inline_max_doors`` doors run
    at once, so the job comes back done. The caller starts a worker for a queued job."""
    require_organizer(actor, "cut turfs")
    universe = get_universe_row(session, universe_id)
    cut_params(params)  # refuse bad parameters now, not in the background
    job = Job(kind="cut", status="queued", created_by_id=actor.id,
              params={"universe_id": universe.id, **{k: v for k, v in params.items()}},
              message="waiting for a worker")
    session.add(job)
    session.flush()
    if _at_most(session, universe, inline_max_doors):
        job.status, job.started_at = "running", utcnow()
        run_cut(session, job, actor)
    return job


def _at_most(session: Session, universe: Universe, limit: int) -> bool:
    """Whether the universe has at most ``limit`` doors; the count stops at ``limit + 1``,
    so deciding costs little even for a county."""
    if limit <= 0:
        return False
    filters = dict(universe.filters or {})
    filters.pop("last_attempt_time_of_day", None)  # only narrows: an upper bound is enough
    doors = voter_query(filters).with_only_columns(Voter.door_id).distinct().limit(limit + 1)
    return (session.scalar(select(func.count()).select_from(doors.subquery())) or 0) <= limit


def run_cut(session: Session, job: Job, actor: User | None = None,
            progress: Progress | None = None) -> None:
    """Run an auto-cut job: load doors, cut, store turfs. Progress is reported only before
    anything is written, so a separate connection can record it without waiting on locks."""
    report = progress or (lambda fraction, message: None)
    params = dict(job.params)
    universe = get_universe_row(session, int(params.pop("universe_id")))
    if actor is None:
        actor = session.get(User, job.created_by_id)
    require_organizer(actor, "cut turfs")  # type: ignore[arg-type]
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    report(0.05, "loading doors")
    replaced: list[int] = []
    if params.get("replace"):
        replaced = _replace_unstarted(session, universe, actor)  # type: ignore[arg-type]
    doors, weights = _cut_candidates(session, universe)
    timings["load_s"] = round(time.perf_counter() - t0, 2)
    if not doors:
        refresh_outlines(session, (), removed_door_ids=replaced)
        job.status, job.progress, job.finished_at = "done", 1.0, utcnow()
        job.message = _nothing_to_cut(session, universe, weights)
        job.result = {"turf_ids": [], "turf_count": 0, "door_count": 0, **timings}
        session.flush()
        return
    report(0.2, f"cutting {len(doors)} doors")
    t1 = time.perf_counter()
    lib_turfs = cut_doors(doors, cut_params(params), seed=int(params.get("seed") or 0))
    timings["cut_s"] = round(time.perf_counter() - t1, 2)
    report(0.8, f"storing {len(lib_turfs)} turfs")
    t2 = time.perf_counter()
    prefix = (params.get("name_prefix") or universe.name).strip()
    turfs = _create_turfs(session, lib_turfs, universe_id=universe.id, filters=universe.filters or {},
                          names=_next_names(session, prefix, len(lib_turfs)), weights=weights,
                          actor=actor)  # type: ignore[arg-type]
    timings["store_s"] = round(time.perf_counter() - t2, 2)
    # Each chunk, and each earlier cut, drew outlines of its own hull: draw these turfs'
    # and their neighbours' from all live doors, so none overlap.
    t3 = time.perf_counter()
    refresh_outlines(session, [t.id for t in turfs], added_door_ids=[d.id for d in doors],
                     removed_door_ids=replaced)
    timings["outline_s"] = round(time.perf_counter() - t3, 2)
    job.status, job.progress, job.finished_at = "done", 1.0, utcnow()
    # A cut that left doors out must say so, or the universe looks wholly cut.
    unlocated = _unlocated(session, weights)
    job.message = f"cut {len(doors)} doors into {len(turfs)} turfs" + (
        f"; {unlocated} doors of the universe have no map location yet and were left out "
        f"(canvass geocode-doors places them; then cut again)" if unlocated else "")
    job.result = {"turf_ids": [t.id for t in turfs], "turf_count": len(turfs),
                  "door_count": len(doors), "doors_without_location": unlocated, **timings}
    session.flush()


def _unlocated(session: Session, weights: Counter[int]) -> int:
    """How many of the universe's doors have no map location (so no cut can take them)."""
    # Doors without a location are few once a file is geocoded: read them, not an IN list.
    return sum(1 for door_id in session.scalars(select(Door.id).where(
        or_(Door.lat.is_(None), Door.lon.is_(None)))) if door_id in weights)


def _nothing_to_cut(session: Session, universe: Universe, weights: Counter[int]) -> str:
    """Why a cut of the universe made no turfs, in the organizer's terms: an empty universe
    is not the same problem as one already cut."""
    if not weights:
        return (f"universe {universe.name!r} selects no voters; edit its filters so that it "
                f"selects some")
    # All located doors, not an IN list of the universe's: that can be 200,000 ids.
    located = session.scalars(select(Door.id).where(Door.lat.is_not(None), Door.lon.is_not(None)))
    if not any(door_id in weights for door_id in located):
        return (f"none of the {len(weights)} doors of universe {universe.name!r} has a map "
                f"location yet; they get one when the voter file is imported with --geocode")
    return f"every door of universe {universe.name!r} is already in a turf"


def _replace_unstarted(session: Session, universe: Universe, actor: User) -> list[int]:
    """Delete the universe's turfs nobody holds or started; returns the doors they had."""
    turfs = list(session.scalars(select(Turf).where(
        Turf.universe_id == universe.id, Turf.deleted_at.is_(None))))
    if not turfs:
        return []
    done = progress_service.turf_progress(session, [t.id for t in turfs])
    assigned = set(session.scalars(select(Assignment.turf_id).where(
        Assignment.turf_id.in_([t.id for t in turfs]), Assignment.ended_at.is_(None))))
    now = utcnow()
    freed: list[int] = []
    for turf in turfs:
        if turf.id not in assigned and done.get(turf.id, (0, 0))[0] == 0:
            freed.extend(_soft_delete(session, turf, now))
    session.flush()
    return freed


def get_job(session: Session, job_id: int, actor: User, *, stale_after: dt.timedelta) -> Job:
    require_organizer(actor, "read jobs")
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(f"Job {job_id} does not exist.")
    if job.status == "running" and job.started_at and utcnow() - job.started_at > stale_after:
        # The worker process died (a restart, a crash) without finishing: say so.
        job.status, job.finished_at = "failed", utcnow()
        job.error = f"the worker stopped before finishing (running for over {stale_after})"
        session.flush()
    return job


def claim_job(session: Session, job_id: int) -> bool:
    """Take a queued job for this worker; only one worker ever wins (one UPDATE)."""
    result = session.execute(
        update(Job).where(Job.id == job_id, Job.status == "queued")
        .values(status="running", started_at=utcnow(), message="started")
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


JOB_RUNNERS: dict[str, Callable[..., None]] = {"cut": run_cut}


# --------------------------------------------------------------------------- drawing


def _polygon(data: dict[str, Any]) -> BaseGeometry:
    try:
        geometry = shape(data)
    except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.GEOSException) as exc:
        raise ValidationError("polygon is not a GeoJSON geometry",
                              errors={"polygon": [f"not GeoJSON: {exc}"]}) from None
    if geometry.geom_type not in ("Polygon", "MultiPolygon") or geometry.is_empty:
        raise ValidationError("polygon must be a GeoJSON Polygon",
                              errors={"polygon": [f"got {geometry.geom_type}, need a Polygon"]})
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValidationError("polygon coordinates must be lon, lat in degrees",
                              errors={"polygon": ["coordinates out of range"]})
    if not geometry.is_valid:
        # Refused, never repaired: make_valid turns a bowtie into two turfs and a ring that
        # doubles back into a GeometryCollection the map cannot draw.
        problem = _invalidity(geometry)
        raise ValidationError(f"The polygon cannot be used: {problem} Redraw it so that its "
                              f"edges do not cross or touch.",
                              errors={"polygon": [problem]})
    return geometry


_INVALIDITY = {
    "Self-intersection": "its edges cross each other",
    "Ring Self-intersection": "its edge touches itself",
    "Hole lies outside shell": "it has a hole outside its outer edge",
    "Nested shells": "one of its parts lies inside another",
    "Interior is disconnected": "its holes cut it into pieces",
    "Too few points": "it has too few distinct corners",
}


def _invalidity(geometry: BaseGeometry) -> str:
    """Why shapely finds the polygon invalid, in words, with where (lon, lat).

    >>> from shapely.geometry import Polygon
    >>> _invalidity(Polygon([(0, 0), (1, 1), (1, 0), (0, 1)]))
    'its edges cross each other near lon 0.5, lat 0.5.'
    """
    reason = shapely.is_valid_reason(geometry)
    kind, _, where = reason.partition("[")
    words = _INVALIDITY.get(kind.strip(), kind.strip().lower() or "it is not a valid polygon")
    try:
        lon, lat = (float(v) for v in where.rstrip("]").split())
    except ValueError:
        return f"{words}."
    return f"{words} near lon {round(lon, 6)}, lat {round(lat, 6)}."


def draw_turf(session: Session, universe_id: int, polygon: dict[str, Any], actor: User, *,
              name: str | None = None, skip_taken: bool = False) -> dict[str, Any]:
    """Make a turf of the universe's doors inside a drawn polygon.

    Doors already in another turf are refused (409, naming those turfs) unless
    ``skip_taken``; then only the free doors are taken. The polygon only chooses doors: the
    outline is drawn from the turf's doors and its neighbours' (``services.outlines``), so it
    holds its own doors and overlaps no other turf.
    """
    require_organizer(actor, "draw turfs")
    universe = get_universe_row(session, universe_id)
    area = _polygon(polygon)
    min_lon, min_lat, max_lon, max_lat = area.bounds
    rows = list(session.execute(
        select(Door.id, Door.lon, Door.lat, Door.precinct_id, Door.building_key).where(
            Door.lon.between(min_lon, max_lon), Door.lat.between(min_lat, max_lat))
    ))
    if rows:
        inside = shapely.contains_xy(area, np.array([r.lon for r in rows]),
                                     np.array([r.lat for r in rows]))
        rows = [r for r, keep in zip(rows, inside.tolist()) if keep]
    weights = _weights(session, universe.filters, [r.id for r in rows]) if rows else Counter()
    rows = [r for r in rows if r.id in weights]
    if not rows:
        raise ValidationError(
            f"No door of universe {universe.name!r} lies inside the polygon.",
            errors={"polygon": ["contains no door of the universe"]})
    taken = dict(session.execute(
        live_turf_doors(TurfDoor.door_id, TurfDoor.turf_id)
        .where(TurfDoor.door_id.in_([r.id for r in rows]))
    ).all())
    overlaps = []
    if taken:
        per_turf = Counter(taken.values())
        names = dict(session.execute(select(Turf.id, Turf.name).where(Turf.id.in_(per_turf))).all())
        overlaps = [{"turf_id": t, "name": names[t], "door_count": n}
                    for t, n in sorted(per_turf.items())]
        free = [r for r in rows if r.id not in taken]
        if not skip_taken or not free:
            listed = "; ".join(f"{o['name']} (turf {o['turf_id']}): {o['door_count']} doors"
                               for o in overlaps)
            # free_door_count tells a client whether taking only the free doors (skip_taken)
            # is worth offering: with none free, the only ways on are to redraw or edit.
            if free:
                advice = (f"Redraw around them, edit those turfs, or make the turf from only "
                          f"the {len(free)} doors in no turf.")
            else:
                advice = ("No door inside it is free: draw around doors not yet in a turf, or "
                          "split or delete those turfs first.")
            raise Conflict(
                f"{len(taken)} of the {len(rows)} doors inside the polygon are already in other "
                f"turfs — {listed}. {advice}",
                errors={"polygon": ["overlaps existing turfs"], "overlaps": overlaps,
                        "free_door_count": len(free)})
        rows = free
    plan = tc.plan_from_assignment(_lib_doors(rows, weights), [0] * len(rows), cut_params({}))
    prefix = (name or "").strip()
    turf_names = [prefix] if prefix else _next_names(session, f"{universe.name} drawn", 1)
    turf = _create_turfs(session, plan.turfs, universe_id=universe.id,
                         filters=universe.filters or {}, names=turf_names,
                         weights=weights, actor=actor)[0]
    refresh_outlines(session, [turf.id], added_door_ids=[r.id for r in rows])
    return {"turf": turf_views(session, [turf])[0], "skipped": overlaps}


# --------------------------------------------------------------------------- editing


def _plan_of(session: Session, turfs: Sequence[Turf]) -> tuple[tc.TurfPlan, Counter[int]]:
    doors: list[tc.Door] = []
    labels: list[int] = []
    weights: Counter[int] = Counter()
    for i, turf in enumerate(turfs):
        rows = _turf_door_rows(session, turf.id)
        weights.update(_weights(session, turf.filters, [r.id for r in rows]))
        doors.extend(_lib_doors(rows, weights))
        labels.extend([i] * len(rows))
    if not doors:
        raise Conflict("These turfs have no doors left to edit.", errors={"turf_ids": ["empty"]})
    return tc.plan_from_assignment(doors, labels, cut_params({})), weights


def split_turf(session: Session, turf_id: int, parts: int, actor: User) -> dict[str, Any]:
    """Split a turf into ``parts``; the first part keeps the turf (its id, assignees and list
    code), the others become new turfs."""
    require_organizer(actor, "split turfs")
    turf = _live_turf(session, turf_id)
    plan, weights = _plan_of(session, [turf])
    try:
        plan = tc.split_turf(plan, 0, parts=parts)
    except tc.TurfCuttingError as exc:
        # The library counts stops (a building's doors, or doors at one spot, stay together);
        # the organizer thinks in doors and buildings.
        places = len({d.building if d.building is not None else (d.lon, d.lat)
                      for d in plan.doors})
        if parts > places:
            doors = f"{len(plan.doors)} door{'s' if len(plan.doors) != 1 else ''}"
            where = "one place" if places == 1 else f"{places} buildings or places"
            fix = ("Merge it with a neighbouring turf instead." if places < 2
                   else f"Split it into {places} parts or fewer.")
            message = (f"Turf {turf.name!r} cannot be split into {parts} parts: its {doors} "
                       f"are at {where}, and a building's doors always stay in one turf. {fix}")
            raise Conflict(message, errors={"parts": [f"at most {places} for this turf"]}) from None
        raise Conflict(f"Turf {turf.name!r} cannot be split into {parts} parts: {exc}.",
                       errors={"parts": [str(exc)]}) from None
    now = utcnow()
    carry = _knocks_since(session, [turf.id])
    first, rest = plan.turfs[0], plan.turfs[1:]
    _store_turf(session, turf, first, weights)
    added, removed = _set_members(session, turf, list(first.door_ids), now)  # type: ignore[arg-type]
    turf.updated_at = now
    names = [f"{turf.name} ({i + 2})" for i in range(len(rest))]
    new = _create_turfs(session, rest, universe_id=turf.universe_id, filters=turf.filters or {},
                        names=names, weights=weights, actor=actor, carry=carry)
    # The plan's outlines tile only this turf's hull, which reaches into its neighbours.
    refresh_outlines(session, [turf.id, *(t.id for t in new)])
    _announce(session, turf, added, removed)  # last: it holds the change feed's lock
    return {"turfs": turf_views(session, [turf, *new]), "deleted_turf_ids": []}


def remove_turf_doors(session: Session, turf_id: int, door_ids: list[int],
                      actor: User) -> dict[str, Any]:
    """Take doors out of a turf (a gated building, a door the organizer wants left alone);
    they are free to cut or draw again. The turf keeps its id, assignees and list code, and
    its walk keeps its order; phones holding it download it again."""
    require_organizer(actor, "remove doors from turfs")
    turf = _live_turf(session, turf_id)
    wanted = list(dict.fromkeys(door_ids))
    members = set(session.scalars(select(TurfDoor.door_id).where(
        TurfDoor.turf_id == turf.id, TurfDoor.removed_at.is_(None))))
    outside = [d for d in wanted if d not in members]
    if outside:
        shown = ", ".join(map(str, outside[:10])) + (" ..." if len(outside) > 10 else "")
        raise ValidationError(f"Turf {turf.name!r} does not hold door(s) {shown}: nothing "
                              f"was removed.", errors={"door_ids": [f"not in turf {turf.id}"]})
    if len(wanted) >= len(members):
        raise Conflict(f"Removing every door would leave turf {turf.name!r} empty: delete the "
                       f"turf instead.", errors={"door_ids": ["every door of the turf"]})
    plan, weights = _plan_of(session, [turf])
    kept = tc.remove_doors(plan, wanted).turfs[0]
    now = utcnow()
    _store_turf(session, turf, kept, weights)
    added, removed = _set_members(session, turf, list(kept.door_ids), now)  # type: ignore[arg-type]
    turf.updated_at = now
    refresh_outlines(session, [turf.id], removed_door_ids=removed)
    _announce(session, turf, added, removed)  # last: it holds the change feed's lock
    return {"turfs": turf_views(session, [turf]), "deleted_turf_ids": []}


#: Turfs whose outlines are at most this far apart count as touching (drawn turfs leave
#: small gaps between them; cut turfs share borders).
TOUCH_M = 30.0


def _merged_outline(turfs: Sequence[Turf]) -> BaseGeometry:
    """One outline for turfs that touch (a merged turf must stay one walk), else 409."""
    shapes = [shape(t.outline) for t in turfs if t.outline]
    if len(shapes) != len(turfs):
        raise Conflict("Turfs without an outline cannot be merged.", errors={"turf_ids": ["no outline"]})
    tolerance = TOUCH_M / M_PER_DEG
    linked, frontier = {0}, [0]
    while frontier:
        i = frontier.pop()
        for j in range(len(shapes)):
            if j not in linked and shapes[i].distance(shapes[j]) <= tolerance:
                linked.add(j)
                frontier.append(j)
    if len(linked) != len(shapes):
        apart = [turfs[j].name for j in range(len(shapes)) if j not in linked]
        raise Conflict(f"Only turfs that touch can be merged (a merged turf must be one walk); "
                       f"{', '.join(apart)} is more than {TOUCH_M:.0f} m from the others.",
                       errors={"turf_ids": ["not adjacent"]})
    half = tolerance / 2
    # Close the small gaps between drawn turfs so the outline is one piece.
    return shapely.union_all([g.buffer(half) for g in shapes]).buffer(-half)


def merge_turfs(session: Session, turf_ids: list[int], actor: User, *,
                name: str | None = None) -> dict[str, Any]:
    """Merge adjacent turfs cut with the same voter filters into the first one; the others
    are deleted and their assignees move to the merged turf."""
    require_organizer(actor, "merge turfs")
    if len(set(turf_ids)) < 2:
        raise ValidationError("Give at least two different turfs to merge.",
                              errors={"turf_ids": ["need two different turfs"]})
    turfs = [_live_turf(session, t) for t in dict.fromkeys(turf_ids)]
    _shared_filters(session, turfs, "merge")
    outline = _merged_outline(turfs)
    plan, weights = _plan_of(session, turfs)
    plan = tc.plan_from_assignment(plan.doors, [0] * len(plan.doors), plan.params)
    keeper, others = turfs[0], turfs[1:]
    now = utcnow()
    carry = _knocks_since(session, [t.id for t in others])
    moving_users = set()
    for other in others:
        for assignment in session.scalars(select(Assignment).where(
                Assignment.turf_id == other.id, Assignment.ended_at.is_(None))):
            moving_users.add(assignment.user_id)
        _soft_delete(session, other, now)
    session.flush()
    _store_turf(session, keeper, plan.turfs[0], weights, outline)
    if name and name.strip():
        keeper.name = name.strip()
    added, removed = _set_members(session, keeper, list(plan.turfs[0].door_ids), now,  # type: ignore[arg-type]
                                  carry)
    keeper.updated_at = now
    refresh_outlines(session, [keeper.id])
    _announce(session, keeper, added, removed)
    have = set(session.scalars(select(Assignment.user_id).where(
        Assignment.turf_id == keeper.id, Assignment.ended_at.is_(None))))
    for user_id in sorted(moving_users - have):
        session.add(Assignment(turf_id=keeper.id, user_id=user_id, assigned_by_id=actor.id,
                               assigned_at=now))
        record_change(session, "turf_assigned", user_id=user_id, payload={"turf_id": keeper.id})
    session.flush()
    return {"turfs": turf_views(session, [keeper]), "deleted_turf_ids": [t.id for t in others]}


def rename_turf(session: Session, turf_id: int, name: str, actor: User) -> dict[str, Any]:
    require_organizer(actor, "rename turfs")
    turf = _live_turf(session, turf_id)
    name = (name or "").strip()
    if not name:
        raise ValidationError("A turf needs a name.", errors={"name": ["required"]})
    turf.name = name
    turf.updated_at = utcnow()
    record_change(session, "turf_updated", turf_id=turf.id, payload={"turf_id": turf.id})
    session.flush()
    return turf_views(session, [turf])[0]


def delete_turf(session: Session, turf_id: int, actor: User) -> None:
    """Soft delete: reports keep pointing at the turf; its doors are free to cut again."""
    require_organizer(actor, "delete turfs")
    freed = _soft_delete(session, _live_turf(session, turf_id), utcnow())
    refresh_outlines(session, (), removed_door_ids=freed)  # its neighbours take its place
    session.flush()


def recut_undone(session: Session, turf_ids: list[int], params: dict[str, Any],
                 actor: User) -> dict[str, Any]:
    """Re-cut what is left undone: doors of these turfs with no report yet leave them and
    are cut into new turfs; turfs left empty are deleted, the rest keep their knocked doors.

    Kept and new turfs come from one plan, so their outlines tile the area without overlap.
    """
    require_organizer(actor, "re-cut turfs")
    lib_params = cut_params(params)
    turfs = [_live_turf(session, t) for t in dict.fromkeys(turf_ids)]
    filters = _shared_filters(session, turfs, "re-cut")
    attempted = progress_service.attempted_doors(session, [t.id for t in turfs])
    carry = _knocks_since(session, [t.id for t in turfs])
    now = utcnow()
    done_by_turf: dict[int, list[Any]] = {}
    undone_rows: list[Any] = []
    for turf in turfs:
        rows = _turf_door_rows(session, turf.id)
        done_by_turf[turf.id] = [r for r in rows if r.id in attempted.get(turf.id, set())]
        undone_rows.extend(r for r in rows if r.id not in attempted.get(turf.id, set()))
    if not undone_rows:
        raise Conflict("Every door of these turfs has been knocked; nothing is left to re-cut.",
                       errors={"turf_ids": ["nothing undone"]})
    universe_id = turfs[0].universe_id
    kept_turfs = [t for t in turfs if done_by_turf[t.id]]
    all_rows = [r for t in kept_turfs for r in done_by_turf[t.id]] + undone_rows
    weights = _weights(session, filters, [r.id for r in all_rows])
    # One plan over all these doors: each kept turf is a group, the undone doors another,
    # which the library then re-cuts in place.
    labels = [i for i, t in enumerate(kept_turfs) for _ in done_by_turf[t.id]]
    labels += [len(kept_turfs)] * len(undone_rows)
    plan = tc.plan_from_assignment(_lib_doors(all_rows, weights), labels, lib_params)
    plan = tc.recut(plan, (), lib_params, door_ids=[undone_rows[0].id],
                    seed=int(params.get("seed") or 0))
    owner = {r.id: t.id for t in kept_turfs for r in done_by_turf[t.id]}
    by_id = {t.id: t for t in kept_turfs}
    new_lib_turfs = []
    for lib_turf in plan.turfs:
        owners = {owner.get(door_id) for door_id in lib_turf.door_ids}
        if len(owners) == 1 and None not in owners:
            turf = by_id[owners.pop()]
            added, removed = _set_members(session, turf, list(lib_turf.door_ids), now, carry)
            _store_turf(session, turf, lib_turf, weights)
            turf.updated_at = now
            _announce(session, turf, added, removed)
        else:
            new_lib_turfs.append(lib_turf)
    deleted = []
    for turf in turfs:
        if not done_by_turf[turf.id]:
            _soft_delete(session, turf, now)
            deleted.append(turf.id)
    session.flush()
    prefix = (params.get("name_prefix") or f"{turfs[0].name} re-cut").strip()
    new = _create_turfs(session, new_lib_turfs, universe_id=universe_id, filters=filters,
                        names=_next_names(session, prefix, len(new_lib_turfs)), weights=weights,
                        actor=actor, carry=carry)
    refresh_outlines(session, [*(t.id for t in kept_turfs), *(t.id for t in new)])
    return {"turfs": turf_views(session, [*kept_turfs, *new]), "deleted_turf_ids": deleted}


# --------------------------------------------------------------------------- list codes


def qr_svg(text: str) -> str:
    """An SVG QR code (pure Python: the qrcode package's SVG factory needs no Pillow).

    >>> qr_svg("ABC234").startswith("<?xml")
    True
    """
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def _code_view(turf: Turf, base_url: str) -> dict[str, Any]:
    url = f"{base_url.rstrip('/')}/?list_code={turf.list_code}"
    return {"turf_id": turf.id, "list_code": turf.list_code,
            "expires_at": turf.list_code_expires_at, "url": url, "qr_svg": qr_svg(url)}


def issue_list_code(session: Session, turf_id: int, actor: User, *, ttl_days: int,
                    base_url: str) -> dict[str, Any]:
    """A new short code (replacing any old one) a volunteer types or scans to load the turf;
    the QR code holds the app URL with the code."""
    require_organizer(actor, "hand out list codes")
    turf = _live_turf(session, turf_id)
    for _ in range(20):
        code = "".join(secrets.choice(LIST_CODE_ALPHABET) for _ in range(LIST_CODE_LENGTH))
        if session.scalar(select(Turf.id).where(Turf.list_code == code)) is None:
            break
    turf.list_code = code
    turf.list_code_expires_at = utcnow() + dt.timedelta(days=ttl_days)
    session.flush()
    return _code_view(turf, base_url)


def get_list_code(session: Session, turf_id: int, actor: User, *, base_url: str) -> dict[str, Any]:
    require_organizer(actor, "read list codes")
    turf = _live_turf(session, turf_id)
    if turf.list_code is None or (turf.list_code_expires_at or utcnow()) <= utcnow():
        raise NotFound(f"Turf {turf.name!r} has no valid list code; issue one with POST.")
    return _code_view(turf, base_url)


def normalise_list_code(code: str) -> str:
    """>>> normalise_list_code(" abc-234 ")
    'ABC234'
    """
    return "".join(ch for ch in code.upper() if ch.isalnum())


def claim_turf(session: Session, list_code: str, actor: User) -> dict[str, Any]:
    """A volunteer loads a turf by its list code: the turf is assigned to them."""
    code = normalise_list_code(list_code)
    turf = session.scalar(select(Turf).where(Turf.list_code == code, Turf.deleted_at.is_(None)))
    if turf is None:
        raise NotFound("This list code is not valid; check it with your organizer.",
                       errors={"list_code": ["unknown"]})
    if turf.list_code_expires_at is None or turf.list_code_expires_at <= utcnow():
        raise NotFound("This list code has expired; ask your organizer for a new one.",
                       errors={"list_code": ["expired"]})
    live = session.scalar(select(Assignment).where(
        Assignment.turf_id == turf.id, Assignment.user_id == actor.id,
        Assignment.ended_at.is_(None)))
    if live is None:
        session.add(Assignment(turf_id=turf.id, user_id=actor.id, assigned_by_id=None))
        record_change(session, "turf_assigned", user_id=actor.id,
                      payload={"turf_id": turf.id, "via": "list_code"})
        session.flush()
    return _for_canvasser(turf_views(session, [turf]), actor)[0]


__all__ = [
    "claim_turf", "cut_doors", "cut_params", "delete_turf", "door_list", "draw_turf",
    "get_job", "get_list_code", "get_turf", "issue_list_code", "list_turfs", "merge_turfs",
    "my_turfs", "recut_undone", "rename_turf", "run_cut", "split_turf", "start_cut",
    "turf_views",
]
