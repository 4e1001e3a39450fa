"""A county-scale console load (2,000 turfs, 100,000 doors) inserted in bulk with SQL.

Turfs are wobbly 24-corner polygons on a grid (so per-zoom simplification has work to do),
each holding 50 doors; statuses are mixed so the legend's three looks all appear.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from sqlalchemy import insert
from sqlalchemy.orm import Session

from backend.models import CanvassReport, Door, Turf, TurfDoor

COLUMNS, ROWS, DOORS_PER_TURF = 50, 40, 50
WEST, SOUTH = -83.20, 39.85
CELL_LON, CELL_LAT = 0.0045, 0.0034  # about 380 m x 380 m
CHUNK = 10_000


def _outline(rng: random.Random, cx: float, cy: float) -> list[list[float]]:
    ring = []
    for k in range(24):
        angle = 2 * math.pi * k / 24
        r = 0.42 + 0.06 * rng.random()
        ring.append([round(cx + r * CELL_LON * math.cos(angle), 6),
                     round(cy + r * CELL_LAT * math.sin(angle), 6)])
    ring.append(ring[0])
    return ring


def _chunks(rows: list[dict]) -> list[list[dict]]:
    return [rows[i:i + CHUNK] for i in range(0, len(rows), CHUNK)]


def seed_county_scale(session: Session, canvasser_id: int, *, seed: int = 5) -> dict[str, int]:
    """Insert the turfs, doors, memberships and the canvasser's knocks (status is derived
    from reports: some turfs part-walked, some finished); returns the counts inserted."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    turf_rows, door_rows, bounds = [], [], []
    statuses = ("not_started",) * 6 + ("in_progress",) * 3 + ("done",)
    n = 0
    for row in range(ROWS):
        for col in range(COLUMNS):
            n += 1
            cx = WEST + (col + 0.5) * CELL_LON
            cy = SOUTH + (row + 0.5) * CELL_LAT
            ring = _outline(rng, cx, cy)
            lons = [p[0] for p in ring]
            lats = [p[1] for p in ring]
            bounds.append((cx, cy))
            turf_rows.append({
                "id": n, "name": f"T{n:04d}", "status": rng.choice(statuses),
                "outline": {"type": "Polygon", "coordinates": [ring]},
                "min_lon": min(lons), "min_lat": min(lats), "max_lon": max(lons),
                "max_lat": max(lats), "door_count": DOORS_PER_TURF,
                "voter_count": DOORS_PER_TURF * 2, "walk_m": 1800.0, "minutes": 95.0,
                "created_at": now, "updated_at": now,
            })
    for turf_id, (cx, cy) in enumerate(bounds, start=1):
        for k in range(DOORS_PER_TURF):
            d = (turf_id - 1) * DOORS_PER_TURF + k + 1
            line = f"{100 + k * 2} COUNTY RD {turf_id}"
            door_rows.append({
                "id": d, "address_key": f"{line}||43000", "building_key": f"{line}|43000",
                "address_line": line, "unit": "", "city": "SCALE", "state": "OH",
                "zip": "43000", "geocode_status": "vendor", "access_note": "",
                "lon": cx + (rng.random() - 0.5) * 0.6 * CELL_LON,
                "lat": cy + (rng.random() - 0.5) * 0.6 * CELL_LAT,
                "created_at": now, "updated_at": now,
            })
    for chunk in _chunks(turf_rows):
        session.execute(insert(Turf), chunk)
    for chunk in _chunks(door_rows):
        session.execute(insert(Door), chunk)
    memberships = [{"turf_id": (d["id"] - 1) // DOORS_PER_TURF + 1, "door_id": d["id"],
                    "position": (d["id"] - 1) % DOORS_PER_TURF, "added_at": now}
                   for d in door_rows]
    for chunk in _chunks(memberships):
        session.execute(insert(TurfDoor), chunk)
    reports = []
    for turf in turf_rows:
        knocked = {"not_started": 0, "in_progress": rng.randint(5, 45), "done": DOORS_PER_TURF}
        first = (turf["id"] - 1) * DOORS_PER_TURF + 1
        for door_id in range(first, first + knocked[turf["status"]]):
            code = rng.choice(("not_home", "not_home", "not_home", "canvassed", "refused"))
            reports.append({
                "uuid": f"00000000-0000-4000-8000-{door_id:012d}", "body_hash": "0" * 64,
                "door_id": door_id, "turf_id": turf["id"], "canvasser_id": canvasser_id,
                "kind": "knock", "result_code": code, "note": "", "recorded_at": now,
                "received_at": now, "effective_at": now, "device_id": "", "app_version": "",
                "flags": [], "body": {},
            })
    for chunk in _chunks(reports):
        session.execute(insert(CanvassReport), chunk)
    session.commit()
    return {"turfs": len(turf_rows), "doors": len(door_rows), "reports": len(reports)}
