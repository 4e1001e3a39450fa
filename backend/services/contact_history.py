"""Contact history: the per-voter and per-door status derived from canvass reports.

Reports are append-only facts; ``contact_history`` is a view of them kept up to date by the
sync service (``refresh``). The derivation is a pure function of the *set* of reports, so
arrival order never matters (a hypothesis test checks every permutation):

- Each report gives each subject (a voter, or a door) an outcome: the voter's own item
  (its result code, or "canvassed" when it has survey responses, whichever ranks higher),
  else the report's door-level result code. A door gets the best of the door-level code and
  the voters' outcomes, where a voter's moved / deceased / do_not_contact counts as a
  conversation at the door (only a door-level code of rank 4 closes the whole door).
- Rank comes from ``result_codes.rank``: do_not_contact, moved, deceased (4) > conversation
  (3) > refused, hostile (2) > not home and the like (1).
- The status is the maximum of ``(rank, effective_at, uuid)`` over the subject's outcomes:
  rank first, within a rank the latest, ties on the uuid.
- ``attempts`` counts outcomes, ``not_home_count`` the not_home ones.
- ``needs_review``: two canvassers gave different outcomes of rank >= 2 within 12 hours.
- A report named in another report's ``supersedes`` no longer counts.

Queries for universes, progress and the next cut (each returns a ``Select`` of ids to use
in ``where(Model.id.in_(...))`` or to run with ``session.scalars``):

- ``voter_ids_never_contacted() -> Select[int]``: voters with no outcome at all.
- ``voter_ids_with_status(*statuses: str) -> Select[int]``: current status in ``statuses``.
- ``voter_ids_not_home(times: int = 1) -> Select[int]``: not home at least ``times`` times
  and never reached beyond that (status rank 1).
- ``voter_ids_contacted() -> Select[int]``: had a conversation (rank 3).
- ``voter_ids_do_not_contact() -> Select[int]``: do_not_contact, moved or deceased (rank 4);
  these never come back in a cut.
- ``voter_ids_needing_review() -> Select[int]``: conflicting reports to look at.
- ``door_ids_with_status(*statuses: str) -> Select[int]`` and ``door_ids_not_home(times=1)``.
- ``door_ids_to_revisit() -> Select[int]``: knocked, but nobody reached (rank 1): these
  return in the next cut.
- ``door_ids_excluded_from_cuts() -> Select[int]``: doors where a door-level do-not-contact
  (or moved/deceased) was reported, or every voter living there is rank 4.
- ``turf_progress(session, turf_id) -> dict``: doors, knocked, contacted, refused, not_home,
  do_not_contact, needs_review counts for a turf's current doors.
- ``status_of(session, *, voter_id=None, door_id=None) -> ContactHistory | None``.
- ``door_statuses(session, door_ids) -> dict[int, dict]``: the door-level status a phone
  shows (``DOOR_STATUS_FIELDS``), for the door list; doors never knocked are left out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import Select, and_, any_, bindparam, exists, func, or_, select
from sqlalchemy.orm import Session

from backend.models import (
    CanvassReport,
    CanvassReportItem,
    ContactHistory,
    ResultCode,
    TurfDoor,
    Voter,
)

__all__ = [
    "DOOR_STATUS_FIELDS",
    "NEVER_KNOCKED",
    "REVIEW_WINDOW",
    "Derived",
    "Outcome",
    "ReportFact",
    "any_of",
    "derive",
    "derive_all",
    "door_ids_excluded_from_cuts",
    "door_ids_not_home",
    "door_ids_to_revisit",
    "door_ids_with_status",
    "door_statuses",
    "refresh",
    "result_code_ranks",
    "status_of",
    "turf_progress",
    "voter_ids_contacted",
    "voter_ids_do_not_contact",
    "voter_ids_needing_review",
    "voter_ids_never_contacted",
    "voter_ids_not_home",
    "voter_ids_with_status",
]

CONVERSATION = "canvassed"
NOT_HOME = "not_home"
NO_STATUS = "not_contacted"
REVIEW_WINDOW = dt.timedelta(hours=12)
# Fallback ranks if an organizer deleted a standard code that old reports still name.
_DEFAULT_RANK = 1
_CONVERSATION_RANK = 3


@dataclass(frozen=True)
class ReportFact:
    """What derivation needs from one report."""

    uuid: str
    canvasser_id: int
    door_id: int
    effective_at: dt.datetime
    result_code: str | None  # door level; "lit_drop" for a literature drop without a result
    # (voter_id, result_code or None, answered any survey question)
    items: tuple[tuple[int, str | None, bool], ...] = ()
    supersedes: str | None = None


class Outcome(NamedTuple):
    """One report's outcome for one subject (a tuple: thousands are made per batch)."""

    uuid: str
    canvasser_id: int
    effective_at: dt.datetime
    status: str
    rank: int

    @property
    def key(self) -> tuple[int, dt.datetime, str]:
        return (self.rank, self.effective_at, self.uuid)


@dataclass
class Derived:
    status: str = NO_STATUS
    rank: int = 0
    effective_at: dt.datetime | None = None
    report_uuid: str | None = None
    attempts: int = 0
    not_home_count: int = 0
    last_attempt_at: dt.datetime | None = None
    needs_review: bool = False
    outcomes: list[Outcome] = field(default_factory=list, repr=False, compare=False)


def any_of(session: Session, column: Any, values: Iterable[Any]) -> Any:
    """``column IN values``; on PostgreSQL ``column = ANY(:array)``, one statement text
    whatever the number of values, so psycopg prepares it once instead of parsing and
    planning a new query for every batch size."""
    values = sorted(set(values))
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)


def _best(codes: Iterable[str | None], ranks: Mapping[str, int]) -> str | None:
    # Within one report, ties between codes of equal rank break on the code, never on order.
    best: str | None = None
    best_key: tuple[int, str] | None = None
    for code in codes:
        if code:
            key = (ranks.get(code, _DEFAULT_RANK), code)
            if best_key is None or key > best_key:
                best, best_key = code, key
    return best


def _item_status(code: str | None, answered: bool, ranks: Mapping[str, int]) -> str | None:
    return _best([code, CONVERSATION if answered else None], ranks)


def derive(outcomes: Iterable[Outcome]) -> Derived:
    """The status of one subject from its outcomes (any order, any duplicates by uuid).

    >>> t = dt.datetime(2026, 10, 31, 14, tzinfo=dt.UTC)
    >>> d = derive([Outcome("b", 1, t, "not_home", 1), Outcome("a", 2, t, "refused", 2)])
    >>> (d.status, d.attempts, d.not_home_count, d.needs_review)
    ('refused', 2, 1, False)
    """
    unique = {o.uuid: o for o in outcomes}
    ordered = sorted(unique.values(), key=lambda o: o.key)
    if not ordered:
        return Derived()
    winner = ordered[-1]
    return Derived(
        status=winner.status,
        rank=winner.rank,
        effective_at=winner.effective_at,
        report_uuid=winner.uuid,
        attempts=len(ordered),
        not_home_count=sum(o.status == NOT_HOME for o in ordered),
        last_attempt_at=max(o.effective_at for o in ordered),
        needs_review=_conflicting(ordered),
        outcomes=ordered,
    )


def _conflicting(outcomes: list[Outcome]) -> bool:
    strong = sorted((o for o in outcomes if o.rank >= 2), key=lambda o: o.effective_at)
    for i, a in enumerate(strong):
        for b in strong[i + 1:]:
            if b.effective_at - a.effective_at > REVIEW_WINDOW:
                break
            if a.canvasser_id != b.canvasser_id and a.status != b.status:
                return True
    return False


def derive_all(
    reports: Iterable[ReportFact],
    voters_at_door: Mapping[int, Iterable[int]],
    ranks: Mapping[str, int],
) -> dict[str, Derived]:
    """Statuses of every subject the reports touch, keyed "d<door id>" / "v<voter id>".

    A door-level result applies to the voters living at the door (``voters_at_door``) who
    have no item of their own in that report.

    >>> t = dt.datetime(2026, 10, 31, 14, tzinfo=dt.UTC)
    >>> r = ReportFact("u1", 7, 3, t, "not_home", items=((11, None, True),))
    >>> out = derive_all([r], {3: [11, 12]}, {"not_home": 1, "canvassed": 3})
    >>> {k: v.status for k, v in sorted(out.items())}
    {'d3': 'canvassed', 'v11': 'canvassed', 'v12': 'not_home'}
    """
    reports = {r.uuid: r for r in reports}.values()
    superseded = {r.supersedes for r in reports if r.supersedes}
    outcomes: dict[str, list[Outcome]] = defaultdict(list)
    touched: set[str] = set()
    living: dict[int, list[str]] = {}
    for report in reports:
        if report.door_id not in living:
            living[report.door_id] = [f"v{v}" for v in voters_at_door.get(report.door_id, ())]
            touched.add(f"d{report.door_id}")
            touched.update(living[report.door_id])
        touched.update(f"v{v}" for v, _, _ in report.items)
        if report.uuid in superseded:
            continue
        own = {f"v{v}": _item_status(code, answered, ranks) for v, code, answered in report.items}
        # One voter moved or asking not to be contacted says someone talked at the door;
        # only a door-level code puts the whole door out of bounds.
        door_status = _best([report.result_code, *(
            CONVERSATION if s and ranks.get(s, _DEFAULT_RANK) > _CONVERSATION_RANK else s
            for s in own.values())], ranks)
        per_subject: dict[str, str | None] = dict.fromkeys(living[report.door_id],
                                                           report.result_code)
        per_subject.update(own)
        per_subject[f"d{report.door_id}"] = door_status
        for subject, status in per_subject.items():
            if status:
                rank = ranks.get(status, _CONVERSATION_RANK if status == CONVERSATION else _DEFAULT_RANK)
                outcomes[subject].append(
                    Outcome(report.uuid, report.canvasser_id, report.effective_at, status, rank))
    return {subject: derive(outcomes.get(subject, ())) for subject in touched}


def result_code_ranks(session: Session) -> dict[str, int]:
    ranks = dict(session.execute(select(ResultCode.code, ResultCode.rank)).all())
    ranks.setdefault(CONVERSATION, _CONVERSATION_RANK)
    return ranks


def _load_facts(session: Session, door_ids: set[int], voter_ids: set[int]) -> list[ReportFact]:
    """Every report at these doors, plus any report naming these voters elsewhere (a voter
    the voter file has since moved), with their voter items, in one query."""
    # A UNION of two index lookups, not an OR: an OR with a subquery scans the whole table.
    wanted: Any = select(CanvassReport.id).where(
        any_of(session, CanvassReport.door_id, door_ids))
    if voter_ids:
        wanted = wanted.union(select(CanvassReportItem.canvass_report_id).where(
            any_of(session, CanvassReportItem.voter_id, voter_ids)))
    rows = session.execute(
        select(CanvassReport.id, CanvassReport.uuid, CanvassReport.canvasser_id,
               CanvassReport.door_id, CanvassReport.effective_at, CanvassReport.result_code,
               CanvassReport.kind, CanvassReport.supersedes_uuid, CanvassReportItem.voter_id,
               CanvassReportItem.result_code.label("item_code"),
               CanvassReportItem.survey_question_id)
        .outerjoin(CanvassReportItem, CanvassReportItem.canvass_report_id == CanvassReport.id)
        .where(CanvassReport.id.in_(wanted))
    ).all()
    reports: dict[int, Any] = {}
    items: dict[int, dict[int, list[Any]]] = defaultdict(dict)
    for r in rows:
        reports.setdefault(r.id, r)
        if r.voter_id is not None:
            entry = items[r.id].setdefault(r.voter_id, [None, False])
            entry[0] = entry[0] or r.item_code
            entry[1] = entry[1] or r.survey_question_id is not None
    facts = []
    for report_id, r in reports.items():
        code = r.result_code or ("lit_drop" if r.kind == "lit_drop" else None)
        facts.append(ReportFact(
            r.uuid, r.canvasser_id, r.door_id, r.effective_at, code,
            tuple((v, c, a) for v, (c, a) in sorted(items.get(report_id, {}).items())),
            r.supersedes_uuid))
    return facts


_COMPARED = ("door_id", "voter_id", "status", "rank", "effective_at", "report_uuid",
             "attempts", "not_home_count", "last_attempt_at", "needs_review")


def refresh(
    session: Session,
    door_ids: Iterable[int],
    voter_ids: Iterable[int] = (),
    *,
    ranks: Mapping[str, int] | None = None,
    seq: int = 0,
) -> dict[str, tuple[Derived, str | None]]:
    """Recompute and store the status of these doors, their voters and ``voter_ids``.

    Returns ``{subject: (derived, previous status)}`` for every subject whose row changed.
    Callers serialise refreshes of the same door (the sync service locks doors first), so
    the recomputation always sees every committed report of the door.
    """
    door_ids, voter_ids = set(door_ids), set(voter_ids)
    if not door_ids and not voter_ids:
        return {}
    living = session.execute(
        select(Voter.id, Voter.door_id).where(
            or_(any_of(session, Voter.door_id, door_ids), any_of(session, Voter.id, voter_ids)))
    ).all()
    voters_at_door: dict[int, list[int]] = defaultdict(list)
    home: dict[int, int | None] = {}
    for voter_id, door_id in living:
        home[voter_id] = door_id
        if door_id in door_ids:
            voters_at_door[door_id].append(voter_id)
    facts = _load_facts(session, door_ids, voter_ids)
    report_door = {f.uuid: f.door_id for f in facts}
    derived = derive_all(facts, voters_at_door,
                         ranks if ranks is not None else result_code_ranks(session))
    existing = {row.subject: row for row in session.execute(
        select(ContactHistory.subject, *(getattr(ContactHistory, c) for c in _COMPARED))
        .where(any_of(session, ContactHistory.subject, derived)))}
    changed: dict[str, tuple[Derived, str | None]] = {}
    rows = []
    for subject, d in sorted(derived.items()):
        row = existing.get(subject)
        if subject.startswith("d"):
            door_id, voter_id = int(subject[1:]), None
        else:
            voter_id = int(subject[1:])
            door_id = home.get(voter_id) or report_door.get(d.report_uuid or "") or min(
                door_ids)
        values = {"door_id": door_id, "voter_id": voter_id, "status": d.status, "rank": d.rank,
                  "effective_at": d.effective_at, "report_uuid": d.report_uuid,
                  "attempts": d.attempts, "not_home_count": d.not_home_count,
                  "last_attempt_at": d.last_attempt_at, "needs_review": d.needs_review}
        if row is not None and all(getattr(row, k) == v for k, v in values.items()):
            continue
        changed[subject] = (d, row.status if row is not None else None)
        rows.append({"subject": subject, "updated_seq": seq, **values})
    _upsert(session, rows)
    return changed


def _upsert(session: Session, rows: list[dict[str, Any]]) -> None:
    """INSERT .. ON CONFLICT (subject) DO UPDATE, on both databases."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    session.flush()
    table = ContactHistory.__table__
    stmt = dialect_insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["subject"], set_={c: stmt.excluded[c] for c in (*_COMPARED, "updated_seq")})
    # executemany of one cached statement (a pipeline on psycopg): no per-batch compiling.
    session.execute(stmt, rows)
    # Rows loaded earlier in this session must not shadow what was just written.
    for obj in list(session.identity_map.values()):
        if isinstance(obj, ContactHistory):
            session.expire(obj)


def status_of(session: Session, *, voter_id: int | None = None,
              door_id: int | None = None) -> ContactHistory | None:
    if (voter_id is None) == (door_id is None):
        raise ValueError("give exactly one of voter_id and door_id")
    subject = f"v{voter_id}" if voter_id is not None else f"d{door_id}"
    return session.scalar(select(ContactHistory).where(ContactHistory.subject == subject))


# ---- queries for universes, progress, door lists and the next cut --------------------------

_VOTER = ContactHistory.voter_id.is_not(None)
_DOOR = ContactHistory.voter_id.is_(None)


#: What a phone holds of a door's status, in the door list and in ``door_status`` changes.
DOOR_STATUS_FIELDS = ("status", "rank", "attempts", "last_attempt_at")
NEVER_KNOCKED: dict[str, Any] = {"status": NO_STATUS, "rank": 0, "attempts": 0,
                                 "last_attempt_at": None}


def door_statuses(session: Session, door_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The door-level status of these doors (``DOOR_STATUS_FIELDS``), keyed by door id.

    Doors without a row are left out (``NEVER_KNOCKED`` stands for them), and so are rows
    whose every report was superseded (attempts 0): on a phone both are simply to do.
    """
    door_ids = set(door_ids)
    if not door_ids:
        return {}
    rows = session.execute(
        select(ContactHistory.door_id, *(getattr(ContactHistory, c) for c in DOOR_STATUS_FIELDS))
        .where(_DOOR, ContactHistory.attempts > 0, any_of(session, ContactHistory.door_id, door_ids)))
    return {row.door_id: {c: getattr(row, c) for c in DOOR_STATUS_FIELDS} for row in rows}


def voter_ids_never_contacted() -> Select[tuple[int]]:
    return select(Voter.id).where(~exists().where(
        ContactHistory.voter_id == Voter.id, ContactHistory.attempts > 0))


def voter_ids_with_status(*statuses: str) -> Select[tuple[int]]:
    return select(ContactHistory.voter_id).where(_VOTER, ContactHistory.status.in_(statuses))


def voter_ids_not_home(times: int = 1) -> Select[tuple[int]]:
    return select(ContactHistory.voter_id).where(
        _VOTER, ContactHistory.rank == 1, ContactHistory.not_home_count >= times)


def voter_ids_contacted() -> Select[tuple[int]]:
    return select(ContactHistory.voter_id).where(_VOTER, ContactHistory.rank == 3)


def voter_ids_do_not_contact() -> Select[tuple[int]]:
    return select(ContactHistory.voter_id).where(_VOTER, ContactHistory.rank >= 4)


def voter_ids_needing_review() -> Select[tuple[int]]:
    return select(ContactHistory.voter_id).where(_VOTER, ContactHistory.needs_review.is_(True))


def door_ids_with_status(*statuses: str) -> Select[tuple[int]]:
    return select(ContactHistory.door_id).where(_DOOR, ContactHistory.status.in_(statuses))


def door_ids_not_home(times: int = 1) -> Select[tuple[int]]:
    return select(ContactHistory.door_id).where(
        _DOOR, ContactHistory.rank == 1, ContactHistory.not_home_count >= times)


def door_ids_to_revisit() -> Select[tuple[int]]:
    return select(ContactHistory.door_id).where(
        _DOOR, ContactHistory.rank == 1, ContactHistory.attempts > 0)


def door_ids_excluded_from_cuts() -> Select[tuple[int]]:
    """Doors never to send a canvasser to again (until an organizer clears the status)."""
    door_level = select(CanvassReport.door_id).join(
        ResultCode, ResultCode.code == CanvassReport.result_code).where(ResultCode.rank >= 4)
    voter_rank4 = and_(ContactHistory.voter_id == Voter.id, ContactHistory.rank >= 4)
    everyone_gone = select(Voter.door_id).where(Voter.door_id.is_not(None)).group_by(
        Voter.door_id).having(
        func.count(Voter.id) == func.count(ContactHistory.id)).outerjoin(
        ContactHistory, voter_rank4)
    return select(ContactHistory.door_id).where(
        _DOOR, or_(ContactHistory.door_id.in_(door_level),
                   ContactHistory.door_id.in_(everyone_gone)))


def turf_progress(session: Session, turf_id: int) -> dict[str, int]:
    """Counts of the turf's current doors by derived door status."""
    doors = select(TurfDoor.door_id).where(TurfDoor.turf_id == turf_id,
                                           TurfDoor.removed_at.is_(None))
    total = session.scalar(select(func.count()).select_from(doors.subquery())) or 0
    rows = session.execute(
        select(ContactHistory.rank, ContactHistory.status, ContactHistory.needs_review)
        .where(_DOOR, ContactHistory.door_id.in_(doors), ContactHistory.attempts > 0)
    ).all()
    return {
        "doors": total,
        "knocked": len(rows),
        "contacted": sum(r.rank == 3 for r in rows),
        "refused": sum(r.rank == 2 for r in rows),
        "not_home": sum(r.status == NOT_HOME for r in rows),
        "do_not_contact": sum(r.rank >= 4 for r in rows),
        "needs_review": sum(bool(r.needs_review) for r in rows),
    }
