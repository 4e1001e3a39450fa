"""Progress and quality, computed from canvass reports (never read off a report's claims).

A *knock* is a canvass report that is not a correction and not superseded by a later report
(``supersedes_uuid``). A door is *attempted* once it has a knock; a knock is a *contact*
when somebody answered: a survey response, or a result code in :data:`CONTACT_CODES`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from backend.errors import ValidationError
from backend.models import (
    CanvassReport,
    CanvassReportItem,
    Door,
    Precinct,
    Turf,
    TurfDoor,
    User,
)
from backend.services.access import require_organizer
from backend.services.universes import live_turf_doors

#: Outcomes where a person answered the door: a conversation happened, even a short one.
CONTACT_CODES = ("canvassed", "refused", "hostile", "language_barrier", "do_not_contact")
GROUPINGS = ("turf", "precinct", "canvasser", "day")
#: The by-turf row (key ``None``) of knocks that no live turf counts.
NOT_IN_A_TURF = "Not in a current turf"

#: Quality thresholds (VAN's activity report and Ecanvasser's canvasser tracking).
QUALITY = {
    "min_knocks": 10,             # below this, no rate is judged
    "contact_rate_suspect": 0.8,  # 10-30% is normal; near 100% means answers were made up
    "fast_seconds": 20.0,         # median under 20 s between doors: not walking (2-4 min is plausible)
    "break_seconds": 30 * 60,     # gaps longer than this are breaks, not walking between doors
    "far_m": 300.0,               # recorded beyond 300 m of the door (Ecanvasser's red)
    "far_share_suspect": 0.25,    # a quarter of knocks recorded far away
}


def _contact_expr() -> Any:
    item_contact = exists().where(
        CanvassReportItem.canvass_report_id == CanvassReport.id,
        or_(CanvassReportItem.survey_response_id.is_not(None),
            CanvassReportItem.text_value.is_not(None),
            CanvassReportItem.result_code.in_(CONTACT_CODES)),
    )
    return case((or_(CanvassReport.result_code.in_(CONTACT_CODES), item_contact), 1), else_=0)


def knocks(*columns: Any) -> Select[Any]:
    """Knocks (not corrections, not superseded) with a ``contact`` 0/1 column.

    A report supersedes an earlier one of the same door, so the check looks only at that
    door's reports (an index lookup, not a scan of every report)."""
    later = aliased(CanvassReport)
    superseded = exists().where(later.door_id == CanvassReport.door_id,
                                later.supersedes_uuid == CanvassReport.uuid)
    return (
        select(*columns, _contact_expr().label("contact"))
        .where(CanvassReport.kind != "correction")
        .where(~superseded)
    )


def turf_status(attempted: int, door_count: int) -> str:
    """>>> turf_status(0, 40), turf_status(3, 40), turf_status(40, 40)
    ('not_started', 'in_progress', 'done')
    """
    if attempted <= 0:
        return "not_started"
    return "done" if attempted >= door_count else "in_progress"


def _knocks_by_turf(turf_ids: Sequence[int] | Select[Any] | None) -> Select[Any]:
    """(turf_id, door_id, contact, report_id) per knock on a door a live turf holds, counted
    for that turf: knocks sent with the turf, and knocks since the door's ``knocks_since`` (or
    since it joined) whatever turf they were sent with, so they follow a door through splits,
    merges and re-cuts. A door taken out of the turf takes its knocks with it.

    The one rule behind turf statuses, the turf list and the progress table by turf."""
    k = knocks(CanvassReport.id, CanvassReport.turf_id, CanvassReport.door_id,
               CanvassReport.effective_at).subquery()
    since = func.coalesce(TurfDoor.knocks_since, TurfDoor.added_at)
    query = (
        live_turf_doors(TurfDoor.turf_id, TurfDoor.door_id, k.c.contact,
                        k.c.id.label("report_id"))
        .join(k, k.c.door_id == TurfDoor.door_id)
        .where(or_(k.c.turf_id == TurfDoor.turf_id, k.c.effective_at >= since))
    )
    if turf_ids is not None:
        query = query.where(TurfDoor.turf_id.in_(turf_ids))
    return query


def turf_progress(session: Session, turf_ids: Sequence[int] | None) -> dict[int, tuple[int, int]]:
    """turf id -> (doors attempted, doors with a contact), one grouped query.

    ``None`` means every turf (no id list is sent, which matters for 2,000 turfs)."""
    if turf_ids is not None and not turf_ids:
        return {}
    sub = _knocks_by_turf(turf_ids).subquery()
    per_door = (
        select(sub.c.turf_id, sub.c.door_id, func.max(sub.c.contact).label("contact"))
        .group_by(sub.c.turf_id, sub.c.door_id).subquery()
    )
    rows = session.execute(
        select(per_door.c.turf_id, func.count(), func.coalesce(func.sum(per_door.c.contact), 0))
        .group_by(per_door.c.turf_id)
    )
    return {turf_id: (int(n), int(c)) for turf_id, n, c in rows}


def attempted_doors(session: Session, turf_ids: Sequence[int]) -> dict[int, set[int]]:
    """turf id -> its doors knocked (see ``_knocks_by_turf``)."""
    out: dict[int, set[int]] = defaultdict(set)
    for row in session.execute(_knocks_by_turf(turf_ids)):
        out[row.turf_id].add(row.door_id)
    return out


def _window(query: Select[Any], since: dt.datetime | None, until: dt.datetime | None) -> Select[Any]:
    if since is not None:
        query = query.where(CanvassReport.effective_at >= since)
    if until is not None:
        query = query.where(CanvassReport.effective_at < until)
    return query


def _rate(contacts: int, attempted: int) -> float | None:
    return round(contacts / attempted, 3) if attempted else None


def time_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` ("America/New_York"), or a ValidationError naming ``tz``.

    >>> time_zone("America/New_York").key
    'America/New_York'
    >>> time_zone("Mars/Olympus")
    Traceback (most recent call last):
    ...
    backend.errors.ValidationError: tz: 'Mars/Olympus' is not an IANA time zone (like America/New_York)
    """
    try:
        # zoneinfo reads names as paths: refuse what is not a plain zone name first.
        if not name or name.startswith(("/", ".")) or ".." in name or "\\" in name:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        message = f"{name!r} is not an IANA time zone (like America/New_York)"
        raise ValidationError(f"tz: {message}", errors={"tz": [message]}) from None


def progress(session: Session, actor: User, *, by: str = "turf", universe_id: int | None = None,
             since: dt.datetime | None = None, until: dt.datetime | None = None,
             tz: str = "UTC") -> dict[str, Any]:
    """Doors attempted, contacts, result and survey-response counts and contact rate, per
    turf, precinct, canvasser or day. A day is a calendar day in the time zone ``tz`` (an IANA
    name, UTC unless given), so an evening shift in the organizer's zone is on its own day.

    By turf, the rows are the live turfs, and a turf counts the knocks on the doors it holds
    by the rule of the turf list and turf statuses (``_knocks_by_turf``): those sent with it
    and those since the door's ``knocks_since``, whatever turf they were sent with. Knocks no
    live turf counts (a door taken out of every turf, a turf deleted) make one row with key
    ``None``, "Not in a current turf"; a knock two live turfs count is in both rows. The
    totals count every knock once, whatever the grouping.

    ``universe_id`` keeps the knocks sent with one of the universe's turfs or counted by one
    of its live turfs; by turf, the rows are its live turfs (and "Not in a current turf")."""
    require_organizer(actor, "read progress")
    zone = time_zone(tz)
    if by not in GROUPINGS:
        raise ValidationError(f"by must be one of {', '.join(GROUPINGS)}",
                              errors={"by": [f"{by!r} is not one of {', '.join(GROUPINGS)}"]})
    query = knocks(CanvassReport.id, CanvassReport.door_id, CanvassReport.turf_id,
                   CanvassReport.canvasser_id, CanvassReport.effective_at,
                   CanvassReport.result_code)
    query = _window(query, since, until)
    if universe_id is not None:
        universe_turfs = select(Turf.id).where(Turf.universe_id == universe_id)
        counted = _knocks_by_turf(universe_turfs).subquery()
        query = query.where(or_(CanvassReport.turf_id.in_(universe_turfs),
                                CanvassReport.id.in_(select(counted.c.report_id))))
    reports = list(session.execute(query))
    precinct_of: dict[int, str] = {}
    labels: dict[Any, str] = {}
    door_counts: dict[Any, int] = {}
    counted_by: dict[int, list[int]] = defaultdict(list)  # report id -> live turfs counting it
    if by == "precinct":
        door_ids = {r.door_id for r in reports}
        for door_id, code in session.execute(
                select(Door.id, Precinct.code).join(Precinct, Precinct.id == Door.precinct_id)):
            if door_id in door_ids:
                precinct_of[door_id] = code
        for code, name, n in session.execute(
                select(Precinct.code, Precinct.name, func.count(Door.id))
                .outerjoin(Door, Door.precinct_id == Precinct.id).group_by(Precinct.id)):
            labels[code] = name or code
            door_counts[code] = int(n)
    elif by == "turf":
        query_turfs = select(Turf.id, Turf.name, Turf.door_count).where(Turf.deleted_at.is_(None))
        if universe_id is not None:
            query_turfs = query_turfs.where(Turf.universe_id == universe_id)
        for turf_id, name, n in session.execute(query_turfs):
            labels[turf_id], door_counts[turf_id] = name, n
        in_scope = {r.id for r in reports}
        for row in session.execute(_knocks_by_turf(None)):
            if row.report_id in in_scope:
                counted_by[row.report_id].append(row.turf_id)
    elif by == "canvasser":
        for user_id, name, email in session.execute(select(User.id, User.name, User.email)):
            labels[user_id] = name or email

    def keys_of(r: Any) -> list[Any]:
        if by == "turf":
            # [None]: no live turf counts it; []: only live turfs outside the universe do
            turf_ids = counted_by.get(r.id)
            return [t for t in turf_ids if t in labels] if turf_ids else [None]
        if by == "precinct":
            return [precinct_of.get(r.door_id, "")]
        if by == "canvasser":
            return [r.canvasser_id]
        return [r.effective_at.astimezone(zone).date().isoformat()]

    items: dict[int, list[Any]] = defaultdict(list)
    report_ids = [r.id for r in reports]
    for start in range(0, len(report_ids), 5000):
        for item in session.execute(
                select(CanvassReportItem.canvass_report_id, CanvassReportItem.result_code,
                       CanvassReportItem.survey_response_id)
                .where(CanvassReportItem.canvass_report_id.in_(report_ids[start:start + 5000]))):
            items[item.canvass_report_id].append(item)

    groups: dict[Any, dict[str, Any]] = {}
    totals = _empty("", "all")
    for r in reports:
        accs = [totals]
        for key in keys_of(r):
            label = NOT_IN_A_TURF if by == "turf" and key is None else labels.get(
                key, str(key) if key else "none")
            accs.append(groups.setdefault(key, _empty(key, label)))
        for acc in accs:
            acc["_doors"].add(r.door_id)
            if r.contact:
                acc["_contact_doors"].add(r.door_id)
            if r.result_code:
                acc["results"][r.result_code] += 1
            for item in items.get(r.id, ()):
                if item.result_code:
                    acc["voter_results"][item.result_code] += 1
                if item.survey_response_id is not None:
                    acc["responses"][str(item.survey_response_id)] += 1
    if by in ("turf", "precinct"):
        for key, label in labels.items():
            groups.setdefault(key, _empty(key, label))
    rows = []
    for key, group in groups.items():
        rows.append(_finish(group, door_counts.get(key) if by in ("turf", "precinct") else None))
    rows.sort(key=lambda row: (row["key"] is None, str(row["label"]), str(row["key"])))
    if by == "day":
        rows.sort(key=lambda row: row["key"])
    return {"by": by, "rows": rows, "totals": _finish(totals, None)}


def _empty(key: Any, label: str) -> dict[str, Any]:
    return {"key": key, "label": label, "_doors": set(), "_contact_doors": set(),
            "results": Counter(), "voter_results": Counter(), "responses": Counter()}


def _finish(group: dict[str, Any], door_count: int | None) -> dict[str, Any]:
    attempted, contacts = len(group["_doors"]), len(group["_contact_doors"])
    return {"key": group["key"], "label": group["label"], "door_count": door_count,
            "doors_attempted": attempted, "contacts": contacts,
            "contact_rate": _rate(contacts, attempted),
            "results": dict(group["results"]), "voter_results": dict(group["voter_results"]),
            "responses": dict(group["responses"])}


def _haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """>>> round(_haversine_m(-83.0, 40.0, -83.0, 40.001))
    111
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def quality(session: Session, actor: User, *, since: dt.datetime | None = None,
            until: dt.datetime | None = None) -> dict[str, Any]:
    """Quality signals per canvasser, with outliers flagged for review.

    - contact rate: 10-30% is normal; at or above 80% over 10+ knocks is flagged;
    - time between consecutive knocks (by the phone's clock, breaks over 30 min left out):
      a median under 20 s is flagged (2-4 min is plausible);
    - distance between where a knock was recorded and the door: a median beyond 300 m, or
      a quarter of knocks beyond it, is flagged.
    """
    require_organizer(actor, "read quality signals")
    query = _window(knocks(CanvassReport.canvasser_id, CanvassReport.recorded_at,
                           CanvassReport.recorded_lon, CanvassReport.recorded_lat,
                           Door.lon.label("door_lon"), Door.lat.label("door_lat"))
                    .join(Door, Door.id == CanvassReport.door_id), since, until)
    per_user: dict[int, list[Any]] = defaultdict(list)
    for row in session.execute(query.order_by(CanvassReport.canvasser_id, CanvassReport.recorded_at)):
        per_user[row.canvasser_id].append(row)
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(list(per_user))))}
    t = QUALITY
    rows = []
    for user_id, knocks_ in per_user.items():
        n = len(knocks_)
        contacts = sum(k.contact for k in knocks_)
        gaps = [
            (b.recorded_at - a.recorded_at).total_seconds()
            for a, b in itertools.pairwise(knocks_)
            if 0 <= (b.recorded_at - a.recorded_at).total_seconds() <= t["break_seconds"]
        ]
        distances = [
            _haversine_m(k.recorded_lon, k.recorded_lat, k.door_lon, k.door_lat)
            for k in knocks_
            if None not in (k.recorded_lon, k.recorded_lat, k.door_lon, k.door_lat)
        ]
        rate = contacts / n if n else None
        median_gap = statistics.median(gaps) if gaps else None
        median_distance = statistics.median(distances) if distances else None
        far_share = sum(d > t["far_m"] for d in distances) / len(distances) if distances else None
        flags = []
        if n >= t["min_knocks"] and rate is not None and rate >= t["contact_rate_suspect"]:
            flags.append("contact_rate_high")
        if len(gaps) >= t["min_knocks"] - 1 and median_gap is not None and median_gap < t["fast_seconds"]:
            flags.append("too_fast")
        if distances and ((median_distance or 0) > t["far_m"]
                          or (len(distances) >= t["min_knocks"]
                              and (far_share or 0) >= t["far_share_suspect"])):
            flags.append("far_from_doors")
        user = users.get(user_id)
        rows.append({
            "user": {"id": user_id, "name": user.name if user else "",
                     "email": user.email if user else ""},
            "knocks": n, "contacts": contacts,
            "contact_rate": round(rate, 3) if rate is not None else None,
            "median_seconds_between_doors": round(median_gap, 1) if median_gap is not None else None,
            "share_under_20s": round(sum(g < t["fast_seconds"] for g in gaps) / len(gaps), 3)
            if gaps else None,
            "median_distance_m": round(median_distance, 1) if median_distance is not None else None,
            "share_beyond_300m": round(far_share, 3) if far_share is not None else None,
            "flags": flags, "flagged": bool(flags),
        })
    rows.sort(key=lambda r: (not r["flagged"], r["user"]["name"]))
    return {"thresholds": dict(t), "rows": rows}


__all__ = ["CONTACT_CODES", "GROUPINGS", "NOT_IN_A_TURF", "QUALITY", "attempted_doors", "knocks",
           "progress", "quality", "time_zone", "turf_progress", "turf_status"]
