"""Geocoding doors that came without coordinates, and importing the Census batch geocoder's results.

The provider is any geopy geocoder chosen by configuration (``CANVASS_GEOCODER``: nominatim,
photon, pelias, ...), pointed at a self-hosted server with ``CANVASS_GEOCODER_DOMAIN`` and
``_SCHEME``. Calls go through geopy's ``RateLimiter`` with ``swallow_exceptions=False``, so a
failure is never a silent None: each one is written on the doors it concerns
(``geocode_status`` "failed", ``geocode_error`` why). One query per building: the doors of an
apartment building share one location. Answers, including "no match", are cached in
``geocode_cache``; errors are not, so the next run asks again.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import get_geocoder_for_service
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backend.errors import ConfigError, ImportFileError
from backend.models import Door, GeocodeCache

__all__ = [
    "CensusSummary",
    "GeocodeSummary",
    "Geocoder",
    "export_census_batch",
    "geocode_pending_doors",
    "import_census_results",
    "make_geocoder",
]


@dataclass
class Geocoder:
    """A configured geopy geocoder, its cache name and its pace."""

    geocoder: Any
    provider: str  # e.g. "nominatim@127.0.0.1:8080": the cache key's first half
    min_delay: float
    max_retries: int = 2
    error_wait_seconds: float = 5.0


def make_geocoder(config: Mapping[str, Any]) -> Geocoder:
    """Build the geocoder from the ``CANVASS_GEOCODER*`` settings.

    >>> g = make_geocoder({"CANVASS_GEOCODER": "photon", "CANVASS_GEOCODER_DOMAIN": "geo.local:2322",
    ...                    "CANVASS_GEOCODER_SCHEME": "http", "CANVASS_GEOCODER_MIN_DELAY": 0,
    ...                    "CANVASS_GEOCODER_USER_AGENT": "canvass-test"})
    >>> type(g.geocoder).__name__, g.provider
    ('Photon', 'photon@geo.local:2322')
    """
    name = str(config.get("CANVASS_GEOCODER") or "nominatim").lower()
    try:
        cls = get_geocoder_for_service(name)
    except GeopyError:
        raise ConfigError(f"CANVASS_GEOCODER={name!r} is not a geopy provider "
                          "(for example nominatim, photon, pelias)") from None  # fmt: skip
    kwargs: dict[str, Any] = {
        "user_agent": config.get("CANVASS_GEOCODER_USER_AGENT") or "canvass",
        "timeout": float(config.get("CANVASS_GEOCODER_TIMEOUT", 10)),
    }
    domain = config.get("CANVASS_GEOCODER_DOMAIN") or ""
    if domain:
        kwargs["domain"] = domain
    scheme = config.get("CANVASS_GEOCODER_SCHEME") or ""
    if scheme:
        kwargs["scheme"] = scheme
    if name == "pelias" and not domain:
        raise ConfigError("CANVASS_GEOCODER=pelias needs CANVASS_GEOCODER_DOMAIN (your server)")
    try:
        geocoder = cls(**kwargs)
    except TypeError as exc:
        raise ConfigError(f"CANVASS_GEOCODER={name!r} cannot be built from the settings: {exc}") from None
    return Geocoder(geocoder, f"{name}@{domain or 'default'}",
                    float(config.get("CANVASS_GEOCODER_MIN_DELAY", 1.0)),
                    int(config.get("CANVASS_GEOCODER_MAX_RETRIES", 2)),
                    float(config.get("CANVASS_GEOCODER_ERROR_WAIT", 5.0)))


@dataclass
class GeocodeSummary:
    buildings: int = 0
    doors_geocoded: int = 0
    doors_failed: int = 0
    cache_hits: int = 0
    requests: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)


def _query(door: Door) -> str:
    place = " ".join(p for p in (door.state, door.zip) if p)
    return ", ".join(p for p in (door.address_line, door.city, place) if p)


def geocode_pending_doors(
    session: Session,
    geocoder: Geocoder,
    *,
    limit: int = 100,
) -> GeocodeSummary:
    """Geocode up to ``limit`` buildings whose doors have no coordinates yet ("pending").

    Flushes, never commits: call it in a loop and commit after each call, so an
    interrupted run keeps what it found. Returns a summary whose ``buildings`` is 0 when
    nothing is left.
    """
    summary = GeocodeSummary()
    keys = session.execute(
        select(Door.building_key).where(Door.lat.is_(None), Door.geocode_status == "pending")
        .group_by(Door.building_key).order_by(func.min(Door.id)).limit(limit)
    ).scalars().all()  # fmt: skip
    if not keys:
        return summary
    call = RateLimiter(geocoder.geocoder.geocode, min_delay_seconds=geocoder.min_delay,
                       max_retries=geocoder.max_retries,
                       error_wait_seconds=max(geocoder.error_wait_seconds, geocoder.min_delay),
                       swallow_exceptions=False)  # fmt: skip
    for key in keys:
        summary.buildings += 1
        door = session.execute(
            select(Door).where(Door.building_key == key).order_by(Door.id).limit(1)
        ).scalar_one()
        query = _query(door)
        cached = session.execute(
            select(GeocodeCache).where(GeocodeCache.provider == geocoder.provider,
                                       GeocodeCache.query == query)
        ).scalar_one_or_none()  # fmt: skip
        error = None
        if cached is not None:
            summary.cache_hits += 1
            lat, lon = cached.lat, cached.lon
        else:
            summary.requests += 1
            try:
                location = call(query)
            except GeopyError as exc:
                lat = lon = None
                error = f"{geocoder.provider}: {type(exc).__name__}: {exc}"
            else:
                lat = location.latitude if location is not None else None
                lon = location.longitude if location is not None else None
                session.add(GeocodeCache(provider=geocoder.provider, query=query, lat=lat,
                                         lon=lon, address=location.address if location else ""))
        if lat is not None and lon is not None:
            values: dict[str, Any] = {"lat": lat, "lon": lon, "geocode_status": "geocoded",
                                      "geocode_error": None}
        else:
            error = error or f"{geocoder.provider}: no match for {query!r}"
            values = {"geocode_status": "failed", "geocode_error": error[:2000]}
            summary.failures.append({"address": query, "error": error})
        count: int = session.execute(  # type: ignore[attr-defined]
            update(Door).where(Door.building_key == key, Door.lat.is_(None),
                               Door.geocode_status == "pending")
            .values(**values, updated_at=dt.datetime.now(dt.UTC)),
            execution_options={"synchronize_session": False},
        ).rowcount  # fmt: skip
        if "lat" in values:
            summary.doors_geocoded += count
        else:
            summary.doors_failed += count
    session.flush()
    return summary


def retry_failed_doors(session: Session) -> int:
    """Put doors whose geocoding failed back in the queue; returns how many."""
    return session.execute(  # type: ignore[attr-defined,no-any-return]
        update(Door).where(Door.geocode_status == "failed", Door.lat.is_(None))
        .values(geocode_status="pending"), execution_options={"synchronize_session": False},
    ).rowcount  # fmt: skip


# -- US Census batch geocoder ----------------------------------------------------------------


def _census_problem(summary: CensusSummary, on_problem: Callable[[dict[str, Any]], None] | None,
                    name: str, line: int, fieldname: str, message: str) -> None:
    problem = {"file": name, "line": line, "field": fieldname, "message": message}
    summary.problems.append(problem)
    if on_problem:
        on_problem(problem)


def _cp1252_if_not_utf8(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # bytes that were not UTF-8, kept as surrogates
        return value.encode("utf-8", "surrogateescape").decode("cp1252", "replace")
    return value


def export_census_batch(session: Session, path: str | Path, *, rows_per_file: int = 10_000) -> list[Path]:
    """Write the doors still without coordinates as Census batch input files.

    One row per building (``id,street,city,state,zip``, no header, the id a door id), at most
    ``rows_per_file`` (the Census limit is 10,000) per file: ``PATH``, or ``PATH-2.csv``... .
    """
    base = Path(path)
    rows = session.execute(
        select(func.min(Door.id), Door.building_key).where(Door.lat.is_(None))
        .group_by(Door.building_key).order_by(func.min(Door.id))
    ).all()  # fmt: skip
    doors = {d.id: d for d in session.execute(
        select(Door).where(Door.id.in_([r[0] for r in rows]))).scalars()} if rows else {}
    written: list[Path] = []
    for n, start in enumerate(range(0, len(rows), rows_per_file), 1):
        target = base if n == 1 else base.with_name(f"{base.stem}-{n}{base.suffix or '.csv'}")
        with open(target, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            for door_id, _ in rows[start : start + rows_per_file]:
                d = doors[door_id]
                writer.writerow([d.id, d.address_line, d.city, d.state, d.zip])
        written.append(target)
    return written


@dataclass
class CensusSummary:
    rows: int = 0
    matched: int = 0
    unmatched: int = 0
    doors_geocoded: int = 0
    doors_failed: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)


def import_census_results(
    session: Session, path: str | Path, *, skip_invalid: bool = False,
    on_problem: Callable[[dict[str, Any]], None] | None = None,
) -> CensusSummary:
    """Read the Census geocoder's ``GeocodeResults.csv`` and place the doors it names.

    Rows: ``id, input address, Match|No_Match|Tie, Exact|Non_Exact, matched address,
    "lon,lat", tigerlineid, side`` (no header; the coordinate is x,y). A match places the
    door and the other doors of its building that have no coordinates; No_Match and Tie are
    recorded on the door as a failure with the reason. Problem rows raise ``ImportFileError``
    and store nothing unless ``skip_invalid``.
    """
    name = str(path)
    summary = CensusSummary()
    updates: list[tuple[int, float | None, float | None, str | None]] = []
    lat: float | None
    lon: float | None
    try:
        # The file echoes the input addresses; one saved again by a spreadsheet may be in
        # Windows-1252. Those fields are read as such (below); ids and coordinates are ASCII.
        f = open(path, newline="", encoding="utf-8-sig", errors="surrogateescape")  # noqa: SIM115
    except OSError as exc:
        raise ImportFileError(f"{name}: {exc.strerror}", errors=[
            {"file": name, "line": 0, "field": "", "message": str(exc.strerror)}]) from None
    ids: dict[int, int] = {}  # door id -> its first line
    with f:
        reader = csv.reader(f)
        last = 0
        for row in reader:
            line, last = last + 1, reader.line_num
            if not row:
                continue
            summary.rows += 1
            if not "".join(row).isascii():
                row = [_cp1252_if_not_utf8(c) for c in row]

            bad = partial(_census_problem, summary, on_problem, name, line)

            if len(row) < 3:
                bad("", f"has {len(row)} fields; a Census result row has at least 3 "
                        "(id, input address, match)")
                continue
            if not row[0].strip().isdigit():
                bad("id", f"{row[0]!r} is not a door id (export the input with "
                          "`canvass export-census-batch`)")
                continue
            door_id = int(row[0])
            match = row[2].strip()
            if match == "Match":
                if len(row) < 6:
                    bad("coordinates", "a Match row has no coordinate column")
                    continue
                try:
                    lon_s, lat_s = row[5].split(",")
                    lon, lat = float(lon_s), float(lat_s)
                except ValueError:
                    bad("coordinates", f"{row[5]!r} is not \"longitude,latitude\"")
                    continue
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    bad("coordinates", f"{row[5]!r} is out of range")
                    continue
                updates.append((door_id, lat, lon, None))
                summary.matched += 1
            elif match in ("No_Match", "Tie"):
                updates.append((door_id, None, None, f"census: {match} for {row[1].strip()!r}"))
                summary.unmatched += 1
            else:
                bad("match", f"{match!r} is not Match, No_Match or Tie")
                continue
            ids.setdefault(door_id, line)
    known: set[int] = set()
    id_list = sorted(ids)
    for start in range(0, len(id_list), 5000):
        known.update(session.execute(
            select(Door.id).where(Door.id.in_(id_list[start : start + 5000]))).scalars())
    for door_id in sorted(ids.keys() - known):
        summary.problems.append({"file": name, "line": ids[door_id], "field": "id",
                                 "message": f"door {door_id} does not exist in this database"})
    if summary.problems and not skip_invalid:
        raise ImportFileError(f"{name}: {len(summary.problems)} problem(s); nothing was stored",
                              errors=summary.problems[:100])
    now = dt.datetime.now(dt.UTC)
    for door_id, lat, lon, error in updates:
        if door_id not in known:
            continue
        door = session.get(Door, door_id)
        assert door is not None
        if door.geocode_status == "manual":
            continue
        if lat is not None:
            summary.doors_geocoded += session.execute(  # type: ignore[attr-defined]
                update(Door).where((Door.id == door_id) | (
                    (Door.building_key == door.building_key) & Door.lat.is_(None)
                    & (Door.geocode_status != "manual")))
                .values(lat=lat, lon=lon, geocode_status="census", geocode_error=None,
                        updated_at=now), execution_options={"synchronize_session": False},
            ).rowcount  # fmt: skip
        elif door.lat is None:
            door.geocode_status = "failed"
            door.geocode_error = error
            summary.doors_failed += 1
    session.flush()
    return summary
