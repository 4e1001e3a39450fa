"""Sync: phones push canvass reports (exactly once) and pull what changed for them.

The protocol and its rules are written down in docs/sync-protocol.md; each rule has a test
in tests/backend/sync/. In short:

- A batch holds at most ``max_reports`` reports. Each report is validated on its own and
  answered ``accepted``, ``duplicate`` (same uuid, same body) or ``rejected`` (field errors,
  ``not_assigned``, or ``uuid_conflict``: same uuid, different body).
- Each report is stored completely or not at all. The accepted reports of a batch are
  inserted together inside one SAVEPOINT (multi-row INSERTs: one round trip per table, not
  per report); if the database refuses that (a racing request stored one of the uuids a
  moment ago), the savepoint is rolled back and the reports are stored one by one, each in
  its own SAVEPOINT, so the others are never lost. A crash before commit stores nothing of
  the batch, and the phone's retry stores it.
- Reports of the same door are serialised (a transaction-scoped advisory lock per door on
  PostgreSQL, the single writer on SQLite), so the contact-history recomputation that
  follows the insert sees every committed report of the door.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError as SchemaError
from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.errors import NotFound, PayloadTooLarge, ValidationError
from backend.models import (
    Assignment,
    CanvassReport,
    CanvassReportItem,
    Door,
    FieldCorrection,
    SurveyQuestion,
    SurveyResponse,
    SyncChange,
    Turf,
    TurfDoor,
    User,
    Voter,
)
from backend.models._types import utcnow
from backend.schemas import MAX_ID
from backend.schemas.sync import ExportFileSchema, SyncReportSchema
from backend.services import changes, contact_history
from backend.services.access import assigned_turf_ids, require_organizer
from backend.services.contact_history import any_of
from backend.services.universes import live_turf_doors

__all__ = [
    "CLOCK_SKEW",
    "LATE_GRACE",
    "MAX_EXPORT_FILE_REPORTS",
    "body_hash",
    "changes_for",
    "ingest_export_file",
    "ingest_reports",
]

# Phones drift; a report up to 5 minutes "in the future" or before the assignment began is
# believed, beyond that its time is the server's receive time.
CLOCK_SKEW = dt.timedelta(minutes=5)
# A phone offline all shift cannot learn its turf was taken back: its knocks of the rest of
# the shift are kept (flagged), later ones are refused.
LATE_GRACE = dt.timedelta(hours=12)
MAX_EXPORT_FILE_REPORTS = 2000
# Keys of the door-lock space (two-int advisory locks, apart from the change-feed lock).
_DOOR_LOCK_CLASS = 7364
_HASH_IGNORED = ("device_id", "app_version")

_report_schema = SyncReportSchema()


def body_hash(raw: dict[str, Any]) -> str:
    """SHA-256 of the report as canonical JSON, without the fields a retry from an upgraded
    app may change (``device_id``, ``app_version``)."""
    kept = {k: v for k, v in raw.items() if k not in _HASH_IGNORED}
    canonical = json.dumps(kept, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class _Pending:
    index: int
    uuid: str
    data: dict[str, Any]
    raw: dict[str, Any]
    hash: str
    effective_at: dt.datetime | None = None
    flags: list[str] = field(default_factory=list)
    # (voter index, answer index) of answers not stored as items: see "survey_answer_dropped".
    dropped: set[tuple[int, int]] = field(default_factory=set)


def _rejected(uuid: str | None, code: str, errors: dict[str, list[str]]) -> dict[str, Any]:
    message = "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items())
    return {"uuid": uuid, "status": "rejected", "code": code, "message": message, "errors": errors}


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as dotted paths: ``voters[0].responses[1].text``."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if isinstance(key, int):
                path = f"{prefix}[{key}]"
            elif key == "_schema":
                path = prefix or "report"
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            for p, msgs in _flatten(value, path).items():
                out.setdefault(p, []).extend(msgs)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out[prefix or "report"] = list(messages)
    else:
        out[prefix or "report"] = [str(messages)]
    return out


def ingest_reports(
    session: Session,
    actor: User,
    reports: list[Any],
    *,
    device_id: str = "",
    max_reports: int = 200,
    received_at: dt.datetime | None = None,
    canvasser: User | None = None,
) -> dict[str, Any]:
    """Store a batch of reports pushed by ``canvasser`` (default: the actor).

    Returns ``{"results": [...], "server_time": received_at}``, one result per report in
    the order sent.
    """
    if len(reports) > max_reports:
        raise PayloadTooLarge(
            f"A sync batch holds at most {max_reports} reports; this one has {len(reports)}. "
            f"Send them in batches of {max_reports} or fewer.",
            errors={"reports": [f"at most {max_reports} reports per batch"]})
    canvasser = canvasser or actor
    received_at = received_at or utcnow()
    results: list[dict[str, Any] | None] = [None] * len(reports)

    pending: list[_Pending] = []
    first_of_uuid: dict[str, _Pending] = {}
    repeats: list[_Pending] = []
    for index, raw in enumerate(reports):
        if not isinstance(raw, dict):
            results[index] = _rejected(None, "validation_error",
                                       {"report": ["each report must be a JSON object"]})
            continue
        hint = raw.get("uuid") if isinstance(raw.get("uuid"), str) else None
        try:
            data = _report_schema.load(raw)
        except SchemaError as exc:
            results[index] = _rejected(hint, "validation_error", _flatten(exc.messages))
            continue
        item = _Pending(index, str(data["uuid"]), data, raw, body_hash(raw))
        if item.uuid in first_of_uuid:
            repeats.append(item)
        else:
            first_of_uuid[item.uuid] = item
            pending.append(item)

    if pending:
        _lock_doors(session, {p.data["door_id"] for p in pending}, canvasser.id)
        stored = {uuid: (body_hash, flags) for uuid, body_hash, flags in session.execute(
            select(CanvassReport.uuid, CanvassReport.body_hash, CanvassReport.flags)
            .where(any_of(session, CanvassReport.uuid, [p.uuid for p in pending]))
        )}
        fresh = []
        for p in pending:
            if p.uuid in stored:
                results[p.index] = _known(p, *stored[p.uuid])
            else:
                fresh.append(p)
        context = _Context()
        accepted = _check_rules(session, canvasser, fresh, received_at, results, context)
        stored_now = _store(session, canvasser, accepted, received_at,
                            device_id=device_id, results=results)
        if stored_now:
            _after_store(session, canvasser, stored_now, context)

    for p in repeats:
        first = first_of_uuid[p.uuid]
        if p.hash != first.hash:
            results[p.index] = _rejected(p.uuid, "uuid_conflict", {"uuid": [
                f"uuid {p.uuid} appears twice in this batch with different contents"]})
        elif (results[first.index] or {}).get("status") == "rejected":
            results[p.index] = results[first.index]
        else:
            results[p.index] = {"uuid": p.uuid, "status": "duplicate",
                                "flags": list((results[first.index] or {}).get("flags") or [])}
    return {"results": results, "server_time": received_at}


def _known(p: _Pending, stored_hash: str, flags: list[str] | None) -> dict[str, Any]:
    # The stored report's flags again: a phone that lost the first answer still learns them.
    if stored_hash == p.hash:
        return {"uuid": p.uuid, "status": "duplicate", "flags": list(flags or [])}
    return _rejected(p.uuid, "uuid_conflict", {"uuid": [(
        f"a different report with uuid {p.uuid} is already stored; a correction needs a new "
        "uuid and 'supersedes'")]})


def _lock_doors(session: Session, door_ids: set[int], canvasser_id: int) -> None:
    if not door_ids:
        return
    if session.get_bind().dialect.name == "sqlite":
        # SQLite has one writer: a first write takes the database's write lock for the rest
        # of the transaction (waiting for other writers), so what we read next is current.
        # pysqlite only opens a transaction at a data-changing statement, and a SAVEPOINT
        # outside a transaction would commit on RELEASE, so this write must come first.
        session.execute(text("UPDATE users SET id = id WHERE id = :id"), {"id": canvasser_id})
        return
    # Sorted, so two batches touching the same doors can never wait on each other in a cycle.
    session.execute(
        text("SELECT pg_advisory_xact_lock(:cls, d) FROM "
             "(SELECT unnest(CAST(:ids AS integer[])) AS d ORDER BY 1) AS doors"),
        {"cls": _DOOR_LOCK_CLASS, "ids": sorted(door_ids)})


@dataclass
class _Context:
    """What the rules looked up, reused after the insert."""

    ranks: dict[str, int] = field(default_factory=dict)
    turfs_of: dict[int, list[int]] = field(default_factory=dict)


def _check_rules(
    session: Session,
    canvasser: User,
    pending: list[_Pending],
    received_at: dt.datetime,
    results: list[dict[str, Any] | None],
    context: _Context,
) -> list[_Pending]:
    """Apply the rules of docs/sync-protocol.md; reject what breaks them, return the rest."""
    if not pending:
        return []
    door_ids = {p.data["door_id"] for p in pending}
    turf_ids = {p.data["turf_id"] for p in pending}
    voter_ids = {v["voter_id"] for p in pending for v in p.data["voters"]}
    question_ids = {a["survey_question_id"] for p in pending for v in p.data["voters"]
                    for a in v["responses"]}
    response_ids = {a["survey_response_id"] for p in pending for v in p.data["voters"]
                    for a in v["responses"] if a.get("survey_response_id") is not None}
    superseded = {str(p.data["supersedes"]) for p in pending if p.data.get("supersedes")}

    ranks = contact_history.result_code_ranks(session)
    codes = set(ranks)
    voters = dict(session.execute(
        select(Voter.id, Voter.door_id).where(any_of(session, Voter.id, voter_ids))).all()
    ) if voter_ids else {}
    questions = set(session.scalars(
        select(SurveyQuestion.id).where(SurveyQuestion.id.in_(question_ids)))
    ) if question_ids else set()
    responses = dict(session.execute(
        select(SurveyResponse.id, SurveyResponse.survey_question_id)
        .where(SurveyResponse.id.in_(response_ids))).all()
    ) if response_ids else {}
    earlier = {r.uuid: r for r in session.execute(
        select(CanvassReport.uuid, CanvassReport.canvasser_id, CanvassReport.door_id)
        .where(CanvassReport.uuid.in_(superseded)))} if superseded else {}
    # A report corrected once is corrected again by correcting its correction: two reports
    # superseding one would both count, as two knocks where the canvasser meant one.
    corrected_by: dict[str, str] = dict(session.execute(
        select(CanvassReport.supersedes_uuid, CanvassReport.uuid)
        .where(CanvassReport.supersedes_uuid.in_(superseded))).all()) if superseded else {}
    assignments: dict[int, list[tuple[dt.datetime, dt.datetime | None]]] = defaultdict(list)
    for turf_id, start, end, deleted in session.execute(
        select(Assignment.turf_id, Assignment.assigned_at, Assignment.ended_at, Turf.deleted_at)
        .join(Turf, Turf.id == Assignment.turf_id)
        .where(Assignment.user_id == canvasser.id, any_of(session, Assignment.turf_id, turf_ids))
    ):
        ends = [e for e in (end, deleted) if e is not None]
        assignments[turf_id].append((start, min(ends) if ends else None))
    # Every membership of these doors: the rules need those of the named turfs, the change
    # feed the current ones (co-canvassers of every turf holding the door).
    memberships: dict[tuple[int, int], list[tuple[dt.datetime, dt.datetime | None]]] = \
        defaultdict(list)
    context.turfs_of = defaultdict(list)
    for turf_id, door_id, start, end, deleted in session.execute(
        select(TurfDoor.turf_id, TurfDoor.door_id, TurfDoor.added_at, TurfDoor.removed_at,
               Turf.deleted_at)
        .join(Turf, Turf.id == TurfDoor.turf_id).where(any_of(session, TurfDoor.door_id, door_ids))
    ):
        memberships[(turf_id, door_id)].append((start, end))
        if end is None and deleted is None:
            context.turfs_of[door_id].append(turf_id)
    context.ranks = ranks
    no_membership = {p.data["door_id"] for p in pending
                     if (p.data["turf_id"], p.data["door_id"]) not in memberships}
    doors = door_ids - no_membership | set(session.scalars(
        select(Door.id).where(Door.id.in_(no_membership)))) if no_membership else door_ids

    accepted = []
    for p in pending:
        d = p.data
        errors: dict[str, list[str]] = {}
        if d["door_id"] not in doors:
            errors["door_id"] = [f"door {d['door_id']} does not exist"]
        if d.get("result_code") and d["result_code"] not in codes:
            errors["result_code"] = [f"unknown result code {d['result_code']!r}"]
        for i, item in enumerate(d["voters"]):
            where = f"voters[{i}]"
            if item["voter_id"] not in voters:
                errors[f"{where}.voter_id"] = [f"voter {item['voter_id']} does not exist"]
            elif voters[item["voter_id"]] != d["door_id"] and "voter_moved" not in p.flags:
                p.flags.append("voter_moved")
            if item.get("result_code") and item["result_code"] not in codes:
                errors[f"{where}.result_code"] = [f"unknown result code {item['result_code']!r}"]
            for j, answer in enumerate(item["responses"]):
                q, r = answer["survey_question_id"], answer.get("survey_response_id")
                if q not in questions or r is not None and r not in responses:
                    # Removed on the server while the phone held it offline (a question an
                    # older server deleted, a response never answered before it was removed).
                    # Rejecting would lose the whole report; the answer stays in the stored
                    # body, only its item is left out, and the flag tells the organizer.
                    p.dropped.add((i, j))
                    if "survey_answer_dropped" not in p.flags:
                        p.flags.append("survey_answer_dropped")
                elif r is not None and responses.get(r) != q:
                    errors[f"{where}.responses[{j}].survey_response_id"] = [
                        f"survey response {r} is not a response of question {q}"]
        if d.get("supersedes"):
            target = str(d["supersedes"])
            prior = earlier.get(target)
            if target == p.uuid:
                errors["supersedes"] = ["a report cannot supersede itself"]
            elif prior is not None and (prior.canvasser_id != canvasser.id
                                        or prior.door_id != d["door_id"]):
                errors["supersedes"] = [(f"report {target} is not one of yours for door "
                                         f"{d['door_id']}")]
            elif corrected_by.get(target, p.uuid) != p.uuid:
                errors["supersedes"] = [(f"report {target} was already corrected by report "
                                         f"{corrected_by[target]}; correct that one instead")]
        if d.get("correction") and len(json.dumps(d["correction"]["details"])) > 4000:
            errors["correction.details"] = ["details are limited to 4000 characters of JSON"]
        if errors:
            results[p.index] = _rejected(p.uuid, "validation_error", errors)
            continue
        refusal = _place_in_assignment(p, assignments.get(d["turf_id"], []),
                                       memberships.get((d["turf_id"], d["door_id"]), []),
                                       received_at)
        if refusal:
            results[p.index] = _rejected(p.uuid, "not_assigned", refusal)
            continue
        if d.get("supersedes"):
            corrected_by[str(d["supersedes"])] = p.uuid
        accepted.append(p)
    return accepted


def _place_in_assignment(
    p: _Pending,
    assignments: list[tuple[dt.datetime, dt.datetime | None]],
    memberships: list[tuple[dt.datetime, dt.datetime | None]],
    received_at: dt.datetime,
) -> dict[str, list[str]] | None:
    """Set ``p.effective_at`` and flags, or say why the door was not the canvasser's."""
    turf_id, door_id = p.data["turf_id"], p.data["door_id"]
    if not assignments:
        return {"turf_id": [f"turf {turf_id} was never assigned to you"]}
    if not memberships:
        return {"door_id": [f"door {door_id} was never in turf {turf_id}"]}
    recorded_at = p.data["recorded_at"].astimezone(dt.UTC)
    began = min(start for start, _ in assignments)
    if recorded_at > received_at + CLOCK_SKEW:
        p.effective_at, clamp = received_at, "clock_ahead"
    elif recorded_at < began - CLOCK_SKEW:
        p.effective_at, clamp = received_at, "clock_behind"
    else:
        p.effective_at, clamp = recorded_at, None
    at = p.effective_at
    best: tuple[int, list[str]] | None = None
    for a_start, a_end in assignments:
        for m_start, m_end in memberships:
            start = max(a_start, m_start)
            ends = [e for e in (a_end, m_end) if e is not None]
            end = min(ends) if ends else None
            if end is not None and end < start or at < start - CLOCK_SKEW:
                continue
            if end is not None and at > end + LATE_GRACE:
                continue
            flags = []
            if a_end is not None:
                flags.append("turf_reassigned")
            if m_end is not None:
                flags.append("door_moved")
            if end is not None and at > end:
                flags.append("after_unassigned")
            score = len(flags)
            if best is None or score < best[0]:
                best = (score, flags)
    if best is None:
        return {"door_id": [(
            f"door {door_id} was not in a turf assigned to you at {at.isoformat()} (turf "
            f"{turf_id}; reports are kept up to {int(LATE_GRACE.total_seconds() // 3600)} hours "
            "after an assignment ends)")]}
    p.flags.extend(([clamp] if clamp else []) + best[1])
    return None


def _kind(d: dict[str, Any]) -> str:
    if d.get("result_code") or d["voters"]:
        return "knock"
    return "lit_drop" if d.get("lit_drop") else "correction"


def _rows(p: _Pending, canvasser: User, received_at: dt.datetime, device_id: str) -> dict:
    d = p.data
    location = d.get("location") or {}
    return {
        "uuid": p.uuid, "body_hash": p.hash, "door_id": d["door_id"], "turf_id": d["turf_id"],
        "canvasser_id": canvasser.id, "kind": _kind(d), "result_code": d.get("result_code"),
        "note": d.get("note") or "", "recorded_at": d["recorded_at"],
        "received_at": received_at, "effective_at": p.effective_at,
        "device_id": d.get("device_id") or device_id or "",
        "app_version": d.get("app_version") or "",
        "recorded_lon": location.get("lon"), "recorded_lat": location.get("lat"),
        "supersedes_uuid": str(d["supersedes"]) if d.get("supersedes") else None,
        "flags": p.flags, "body": p.raw,
    }


def _correction_voter_ids(session: Session, details: dict[str, Any]) -> list[int | None]:
    """The known voters a correction names (``voter_id``, or the app's ``voter_ids``), or
    ``[None]`` when it names none (a new person, a pin, a unit)."""
    listed = details.get("voter_ids")
    wanted = listed if isinstance(listed, list) else [details.get("voter_id")]
    ids = list(dict.fromkeys(i for i in wanted if isinstance(i, int) and not isinstance(i, bool)
                             and abs(i) <= MAX_ID))
    known = set(session.scalars(select(Voter.id).where(Voter.id.in_(ids)))) if ids else set()
    return [i for i in ids if i in known] or [None]


def _insert(session: Session, batch: list[_Pending], canvasser: User,
            received_at: dt.datetime, device_id: str) -> dict[str, int]:
    # Core executemany of one single-row INSERT (psycopg pipelines and prepares it) and
    # the ids read back by uuid: a multi-row INSERT .. RETURNING is a new statement text
    # for every batch size, parsed afresh each time, which cost more than the round trip.
    session.execute(insert(CanvassReport.__table__),
                    [_rows(p, canvasser, received_at, device_id) for p in batch])
    ids = dict(session.execute(
        select(CanvassReport.uuid, CanvassReport.id)
        .where(any_of(session, CanvassReport.uuid, [p.uuid for p in batch]))).all())
    items, corrections = [], []
    for p in batch:
        report_id = ids[p.uuid]
        for i, v in enumerate(p.data["voters"]):
            answers = [a for j, a in enumerate(v["responses"]) if (i, j) not in p.dropped]
            base = {"canvass_report_id": report_id, "voter_id": v["voter_id"],
                    "result_code": v.get("result_code"),
                    "consent_recontact": v.get("consent_recontact"),
                    "consent_keep_data": v.get("consent_keep_data"),
                    "survey_question_id": None, "survey_response_id": None, "text_value": None}
            if not answers:
                items.append(base)
            for answer in answers:
                items.append({**base, "survey_question_id": answer["survey_question_id"],
                              "survey_response_id": answer.get("survey_response_id"),
                              "text_value": answer.get("text")})
        correction = p.data.get("correction")
        if correction:
            # One row per voter it is about: the app lists everyone marked moved at the
            # door in details.voter_ids, and each is reviewed (and accepted) on their own.
            for voter_id in _correction_voter_ids(session, correction["details"]):
                corrections.append({
                    "canvass_report_id": report_id, "door_id": p.data["door_id"],
                    "voter_id": voter_id, "kind": correction["kind"],
                    "details": correction["details"], "status": "pending",
                    "created_at": received_at})
    if items:
        session.execute(insert(CanvassReportItem.__table__), items)
    if corrections:
        session.execute(insert(FieldCorrection.__table__), corrections)
    return ids


def _store(
    session: Session,
    canvasser: User,
    batch: list[_Pending],
    received_at: dt.datetime,
    *,
    device_id: str,
    results: list[dict[str, Any] | None],
) -> list[_Pending]:
    if not batch:
        return []
    try:
        with session.begin_nested():
            _insert(session, batch, canvasser, received_at, device_id)
        stored = batch
    except IntegrityError:
        # Another request stored one of these uuids since we looked: store one by one.
        stored = []
        for p in batch:
            try:
                with session.begin_nested():
                    _insert(session, [p], canvasser, received_at, device_id)
                stored.append(p)
            except IntegrityError:
                prior = session.execute(
                    select(CanvassReport.body_hash, CanvassReport.flags)
                    .where(CanvassReport.uuid == p.uuid)).first()
                results[p.index] = (_known(p, *prior) if prior is not None else _rejected(
                    p.uuid, "validation_error",
                    {"report": ["the database refused this report; it was not stored"]}))
    for p in stored:
        results[p.index] = {"uuid": p.uuid, "status": "accepted", "flags": p.flags}
    return stored


def _after_store(session: Session, canvasser: User, stored: list[_Pending],
                 context: _Context) -> None:
    """Contact history, access notes and the change feed, for the reports just stored."""
    door_ids = {p.data["door_id"] for p in stored}
    voter_ids = {v["voter_id"] for p in stored for v in p.data["voters"]}
    changed = contact_history.refresh(session, door_ids, voter_ids, ranks=context.ranks)
    notes = _update_access_notes(session, [p for p in stored
                                           if p.data.get("access_note") is not None])
    newly_closed = _voter_doors(session, changed)
    turfs_of = context.turfs_of
    elsewhere = {v.door_id for v in newly_closed} - set(turfs_of)
    if elsewhere:  # a voter the voter file moved to a door outside this batch
        for turf_id, door_id in session.execute(
            live_turf_doors(TurfDoor.turf_id, TurfDoor.door_id)
            .where(TurfDoor.door_id.in_(elsewhere))
        ):
            turfs_of.setdefault(door_id, []).append(turf_id)
    latest: dict[int, _Pending] = {}
    for p in stored:
        door_id = p.data["door_id"]
        if door_id not in latest or (p.effective_at, p.uuid) > (
                latest[door_id].effective_at, latest[door_id].uuid):
            latest[door_id] = p
    feed: list[dict[str, Any]] = []
    for door_id in sorted(door_ids):
        derived = changed.get(f"d{door_id}", (None, None))[0]
        if derived is None and door_id not in notes:
            continue
        payload: dict[str, Any] = {
            "door_id": door_id, "canvasser_id": canvasser.id, "canvasser_name": canvasser.name,
            "report_uuid": latest[door_id].uuid,
        }
        if derived is not None:
            payload.update(status=derived.status, rank=derived.rank,
                           attempts=derived.attempts,
                           last_attempt_at=_iso(derived.last_attempt_at))
        if door_id in notes:
            payload["access_note"] = notes[door_id]
        feed.extend({"kind": "door_status", "turf_id": t, "payload": payload}
                    for t in turfs_of.get(door_id, []))
    for row in newly_closed:
        derived, _ = changed[f"v{row.voter_id}"]
        feed.extend({"kind": "do_not_contact", "turf_id": t,
                     "payload": {"voter_id": row.voter_id, "door_id": row.door_id,
                                 "status": derived.status}}
                    for t in turfs_of.get(row.door_id, []))
    changes.record_changes(session, feed)


@dataclass(frozen=True)
class _VoterDoor:
    voter_id: int
    door_id: int


def _voter_doors(session: Session, changed: dict[str, Any]) -> list[_VoterDoor]:
    """Voters who just became do-not-contact (or moved/deceased), with their door."""
    out = []
    for subject, (derived, previous) in sorted(changed.items()):
        if subject.startswith("v") and derived.rank >= 4 and previous != derived.status:
            voter = session.get(Voter, int(subject[1:]))
            if voter is not None and voter.door_id is not None:
                out.append(_VoterDoor(voter.id, voter.door_id))
    return out


def _update_access_notes(session: Session, with_notes: list[_Pending]) -> dict[int, str]:
    """The door's access note becomes the newest one reported (by effective time, then
    uuid), so an old report arriving late never overwrites a newer note."""
    updated: dict[int, str] = {}
    door_ids = {p.data["door_id"] for p in with_notes}
    if not door_ids:
        return updated
    newest: dict[int, tuple[dt.datetime, str, str]] = {}
    for uuid, door_id, effective_at, body in session.execute(
        select(CanvassReport.uuid, CanvassReport.door_id, CanvassReport.effective_at,
               CanvassReport.body).where(CanvassReport.door_id.in_(door_ids))
    ):
        note = (body or {}).get("access_note")
        if note is None:
            continue
        if door_id not in newest or (effective_at, uuid) > newest[door_id][:2]:
            newest[door_id] = (effective_at, uuid, note)
    batch_uuids = {p.uuid for p in with_notes}
    for door_id, (_, uuid, note) in newest.items():
        if uuid in batch_uuids:
            session.execute(update(Door).where(Door.id == door_id).values(access_note=note))
            updated[door_id] = note
    return updated


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def ingest_export_file(
    session: Session,
    actor: User,
    content: bytes | dict[str, Any],
    *,
    max_reports: int = 200,
    received_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """Ingest the phone's "export my unsent reports" file: the same rules as a push, in
    chunks of ``max_reports``. An organizer may upload a canvasser's file (``canvasser_id``
    in the file); the reports are then checked against that canvasser's assignments."""
    if isinstance(content, (bytes, str)):
        try:
            content = json.loads(content)
        except ValueError as exc:
            raise ValidationError(f"The export file is not JSON: {exc}",
                                  errors={"file": ["not valid JSON"]}) from None
    try:
        data = ExportFileSchema().load(content)  # type: ignore[arg-type]
    except SchemaError as exc:
        raise ValidationError("The export file has invalid fields.",
                              errors=_flatten(exc.messages)) from None
    reports = data["reports"]
    if len(reports) > MAX_EXPORT_FILE_REPORTS:
        raise PayloadTooLarge(
            f"An export file holds at most {MAX_EXPORT_FILE_REPORTS} reports; this one has "
            f"{len(reports)}. Ask an organizer to split it.")
    canvasser = actor
    if data.get("canvasser_id") not in (None, actor.id):
        require_organizer(actor, "upload another canvasser's reports")
        canvasser = session.get(User, data["canvasser_id"])
        if canvasser is None:
            raise NotFound(f"User {data['canvasser_id']} does not exist.",
                           errors={"canvasser_id": ["no such user"]})
    received_at = received_at or utcnow()
    results: list[dict[str, Any]] = []
    for start in range(0, len(reports), max_reports):
        answer = ingest_reports(session, actor, reports[start:start + max_reports],
                                device_id=data["device_id"], max_reports=max_reports,
                                received_at=received_at, canvasser=canvasser)
        results.extend(answer["results"])
    return {"results": results, "server_time": received_at}


def changes_for(session: Session, actor: User, *, cursor: int = 0,
                limit: int = 500) -> dict[str, Any]:
    """What changed for the actor after ``cursor``, in server-sequence order.

    Changes addressed to the actor, changes of turfs assigned to the actor now, and global
    changes (no turf, no user). The cursor is the last ``seq`` returned; it never skips a
    change because change ids become visible in id order (``changes.lock_change_feed``).
    """
    # Three index-driven lookups merged by sequence, rather than one OR that would walk the
    # whole feed from the cursor on: changes addressed to me (user_id index), to my turfs
    # now and global ones ((turf_id, id) index).
    parts = [
        select(SyncChange).where(SyncChange.user_id == actor.id, SyncChange.id > cursor),
        select(SyncChange).where(SyncChange.turf_id.in_(assigned_turf_ids(actor.id)),
                                 SyncChange.user_id.is_(None), SyncChange.id > cursor),
        select(SyncChange).where(SyncChange.turf_id.is_(None), SyncChange.user_id.is_(None),
                                 SyncChange.id > cursor),
    ]
    found: dict[int, SyncChange] = {}
    for part in parts:
        for change in session.scalars(part.order_by(SyncChange.id).limit(limit + 1)):
            found[change.id] = change
    rows = [found[i] for i in sorted(found)][:limit + 1]
    has_more = len(rows) > limit
    rows = rows[:limit]
    return {
        "changes": [{"seq": c.id, "kind": c.kind, "turf_id": c.turf_id, "payload": c.payload,
                     "created_at": c.created_at} for c in rows],
        "cursor": rows[-1].id if rows else cursor,
        "has_more": has_more,
    }
