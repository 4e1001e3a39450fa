"""Organizer API at county scale: auto-cut, the turf list, and door lists under gunicorn.

What it does, per database (SQLite file and PostgreSQL):
1. seeds a fresh, migrated database with a synthetic county (``backend.demo.county``) of
   ``--doors`` doors (voters in proportion), an organizer and a canvasser;
2. starts gunicorn on a loopback port and auto-cuts the whole county through the API, end to
   end: ``POST /api/universes``,
   ``POST /api/universes/{id}/cut`` (a background job), polling ``GET /api/jobs/{id}`` until
   the turfs are stored (load doors, cut, store);
3. lists every turf with outlines (``GET /api/turfs``; also ``?simplify_m=`` and
   ``?outline=false``), median of ``--repeat`` calls;
4. merges two touching turfs into one of about 80 doors, assigns it to the canvasser, and
   downloads its door list ``--requests`` times on one keep-alive connection: p50/p95/p99.

Everything after seeding goes over HTTP to gunicorn (``--workers`` sync workers), so the
cut's background job runs as deployed: in a thread of the worker that took the request.

Targets (issue 5): cut of 100,000 doors < 30 s; 2,000 turfs listed < 300 ms; 80-door door
list p95 < 50 ms under gunicorn.

    .venv/bin/python benchmarks/organizer_api.py                     # 100,000 doors, both dbs
    .venv/bin/python benchmarks/organizer_api.py --doors 2000 --databases sqlite --requests 50
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
DEFAULT_PG_ADMIN = os.environ.get(
    "CANVASS_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
#: voters per door in the synthetic county (measured: 76,397 doors for 160,000 voters).
VOTERS_PER_DOOR = 2.1


# ---- databases ---------------------------------------------------------------------------

def _pg_admin(url: str):
    import psycopg
    from sqlalchemy.engine import make_url

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(plain, autocommit=True)


def make_database(kind: str, workdir: Path, pg_admin: str) -> tuple[str, Any]:
    """A fresh database URL and a function that drops it."""
    if kind == "sqlite":
        path = workdir / f"organizer_{secrets.token_hex(3)}.sqlite"
        return f"sqlite:///{path}", lambda: [p.unlink(missing_ok=True) for p in
                                            workdir.glob(path.name + "*")]
    from sqlalchemy.engine import make_url

    name = f"canvass_bench_org_{os.getpid()}_{secrets.token_hex(3)}"
    with _pg_admin(pg_admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with _pg_admin(pg_admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return make_url(pg_admin).set(database=name).render_as_string(hide_password=False), drop


def seed(app: Any, doors: int, seed_value: int) -> dict[str, Any]:
    """Migrate and bulk-load a county of about ``doors`` doors; return users and tokens."""
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from backend.demo.county import generate_county
    from backend.extensions import db
    from backend.models import Door, Precinct, Voter
    from backend.services.auth import create_user, issue_token

    county = generate_county(int(doors * VOTERS_PER_DOOR) + 50, seed=seed_value)
    with app.app_context():
        upgrade()
        session = db.session
        precinct_ids = []
        for shape in county.precincts:
            minx, miny, maxx, maxy = shape.polygon.bounds
            row = Precinct(code=shape.code, name=shape.name, polygon=None, min_lon=minx,
                           min_lat=miny, max_lon=maxx, max_lat=maxy)
            session.add(row)
            precinct_ids.append(row)
        session.flush()
        precinct_ids = [p.id for p in precinct_ids]
        d = county.doors
        n = min(doors, len(d))
        rows = []
        for i in range(n):
            line = f"{d.house_number[i]} {d.street[i]}"
            unit, zip5 = str(d.unit[i]), str(d.zip[i])
            rows.append({"id": i + 1, "address_key": f"{line}|{unit}|{zip5}",
                         "building_key": f"{line}|{zip5}", "address_line": line, "unit": unit,
                         "city": str(d.city[i]), "state": "OH", "zip": zip5,
                         "lon": float(d.lon[i]), "lat": float(d.lat[i]),
                         "precinct_id": precinct_ids[int(d.precinct[i])],
                         "geocode_status": "vendor", "access_note": ""})
        for start in range(0, len(rows), 20_000):
            session.execute(insert(Door), rows[start:start + 20_000])
        v = county.voters
        voters = []
        for i in range(len(v)):
            door = int(v.door[i])
            if door >= n:
                continue
            voters.append({"state_id": str(v.state_id[i]), "first_name": str(v.first_name[i]),
                           "last_name": str(v.last_name[i]), "middle_name": str(v.middle_name[i]),
                           "birth_year": int(str(v.birth_date[i])[:4]), "party": str(v.party[i]),
                           "door_id": door + 1, "is_active": True, "voter_status": "active"})
        for start in range(0, len(voters), 20_000):
            session.execute(insert(Voter), voters[start:start + 20_000])
        if session.get_bind().dialect.name == "postgresql":
            session.execute(db.text("SELECT setval('doors_id_seq', (SELECT max(id) FROM doors))"))
            session.execute(db.text("ANALYZE"))
        organizer = create_user(session, "organizer@example.org", "bench-password",
                                role="organizer", name="Olga")
        canvasser = create_user(session, "canvasser@example.org", "bench-password",
                                role="canvasser", name="Carl")
        out = {"doors": n, "voters": len(voters),
               "organizer_token": issue_token(session, organizer, ttl_hours=24),
               "canvasser_token": issue_token(session, canvasser, ttl_hours=24),
               "canvasser_id": canvasser.id}
        session.commit()
    return out


# ---- measurements ------------------------------------------------------------------------

class Http:
    """A keep-alive JSON client for the gunicorn under test."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def raw(self, method: str, path: str, token: str, body: Any = None) -> bytes:
        headers = {"Authorization": f"Bearer {token}"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=payload, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.status >= 400:
            raise SystemExit(f"{method} {path} -> {response.status}: {data[:500]!r}")
        return data

    def json(self, method: str, path: str, token: str, body: Any = None) -> Any:
        return json.loads(self.raw(method, path, token, body))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    """gunicorn on a loopback port, as deployed: sync workers, background jobs in a thread of
    the worker that took the request, cuts above 0 doors always as a job."""
    port = _free_port()
    env = {**os.environ, "CANVASS_DATABASE_URL": url, "CANVASS_SECRET_KEY": "bench-secret",
           "CANVASS_ENV": "production", "CANVASS_CUT_INLINE_MAX_DOORS": "0"}
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level",
         "warning", "backend:create_app()"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while True:
        try:
            # The arbiter listens before the workers have imported the app: wait for an answer.
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/api/health")
            conn.getresponse().read()
            conn.close()
            return server, port
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise SystemExit("gunicorn did not start") from None
            time.sleep(0.2)


def measure_cut(http: Http, token: str, target: int) -> dict[str, Any]:
    """The whole county cut through the API: the request returns a job at once; poll it."""
    t0 = time.perf_counter()
    universe = http.json("POST", "/api/universes", token, {"name": "County", "filters": {}})
    t_universe = time.perf_counter() - t0
    job = http.json("POST", f"/api/universes/{universe['id']}/cut", token, {"target_doors": target})
    t_accepted = time.perf_counter() - t0 - t_universe
    while job["status"] in ("queued", "running"):
        time.sleep(0.2)
        job = http.json("GET", f"/api/jobs/{job['id']}", token)
    total = time.perf_counter() - t0
    if job["status"] != "done":
        raise SystemExit(f"cut failed: {job}")
    return {"seconds": total, "universe_s": t_universe, "accepted_s": t_accepted,
            "turfs": job["result"]["turf_count"], "doors": job["result"]["door_count"],
            **{k: job["result"][k] for k in ("load_s", "cut_s", "store_s")}}


def measure_list(http: Http, token: str, repeat: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for label, path in (("full", "/api/turfs"), ("simplified", "/api/turfs?simplify_m=15"),
                        ("no_outline", "/api/turfs?outline=false")):
        times, body = [], b""
        for _ in range(repeat):
            t0 = time.perf_counter()
            body = http.raw("GET", path, token)
            times.append(time.perf_counter() - t0)
        out[label] = {"median_ms": statistics.median(times) * 1000, "kb": len(body) / 1024,
                      "turfs": len(json.loads(body))}
    return out


def eighty_door_turf(http: Http, tokens: dict[str, Any]) -> dict[str, Any]:
    """Merge two touching cut turfs whose sizes add up closest to 80 doors (through the API)."""
    from shapely.geometry import shape

    token = tokens["organizer_token"]
    turfs = http.json("GET", "/api/turfs", token)
    shapes = {t["id"]: shape(t["outline"]) for t in turfs}
    best = None
    for a in turfs:
        for b in turfs:
            if b["id"] <= a["id"] or abs(a["door_count"] + b["door_count"] - 80) > 10:
                continue
            ax0, ay0, ax1, ay1 = a["bbox"]
            bx0, by0, bx1, by1 = b["bbox"]
            if ax1 < bx0 or bx1 < ax0 or ay1 < by0 or by1 < ay0:
                continue
            if shapes[a["id"]].distance(shapes[b["id"]]) < 1e-6:
                gap = abs(a["door_count"] + b["door_count"] - 80)
                if best is None or gap < best[0]:
                    best = (gap, a["id"], b["id"])
        if best is not None and best[0] == 0:
            break
    if best is None:  # no pair fits: the turf closest to 80 doors
        return min(turfs, key=lambda t: (abs(t["door_count"] - 80), t["id"]))
    return http.json("POST", "/api/turfs/merge", token, {"turf_ids": [best[1], best[2]]})["turfs"][0]


def measure_door_list(http: Http, tokens: dict[str, Any], requests: int) -> dict[str, Any]:
    """The canvasser downloads the 80-door turf's door list ``requests`` times (after 20
    warm-up calls) on one keep-alive connection."""
    turf = eighty_door_turf(http, tokens)
    http.json("POST", "/api/assignments", tokens["organizer_token"],
              {"turf_ids": [turf["id"]], "user_ids": [tokens["canvasser_id"]]})
    path = f"/api/turfs/{turf['id']}/door_list"
    times, body = [], b""
    for i in range(requests + 20):  # bounded: 20 warm-up calls, then the measured ones
        t0 = time.perf_counter()
        body = http.raw("GET", path, tokens["canvasser_token"])
        if i >= 20:
            times.append(time.perf_counter() - t0)
    times.sort()
    doc = json.loads(body)
    return {"turf_doors": len(doc["doors"]), "voters": sum(len(d["voters"]) for d in doc["doors"]),
            "kb": len(body) / 1024, "p50_ms": times[len(times) // 2] * 1000,
            "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))] * 1000,
            "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))] * 1000,
            "requests": len(times)}


def run(kind: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    from backend import create_app
    from backend.extensions import db

    url, drop = make_database(kind, workdir, args.pg_admin_url)
    server = None
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret"})
        t0 = time.perf_counter()
        tokens = seed(app, args.doors, args.seed)
        with app.app_context():
            db.engine.dispose()
        print(f"[{kind}] seeded {tokens['doors']} doors, {tokens['voters']} voters in "
              f"{time.perf_counter() - t0:.1f} s", flush=True)
        server, port = start_gunicorn(url, args.workers)
        http = Http(port)
        cut = measure_cut(http, tokens["organizer_token"], args.target)
        print(f"[{kind}] cut {cut['doors']} doors into {cut['turfs']} turfs in {cut['seconds']:.1f} s "
              f"(universe saved in {cut['universe_s']:.1f} s, job accepted in {cut['accepted_s'] * 1000:.0f} ms; load {cut['load_s']} s, "
              f"cut {cut['cut_s']} s, store {cut['store_s']} s)", flush=True)
        listing = measure_list(http, tokens["organizer_token"], args.repeat)
        door_list = measure_door_list(http, tokens, args.requests) if args.requests else None
        http.conn.close()
        return {"kind": kind, "cut": cut, "list": listing, "door_list": door_list}
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        drop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--doors", type=int, default=100_000)
    parser.add_argument("--target", type=int, default=50, help="target doors per turf (50: ~2,000 turfs)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=5, help="calls per turf-list variant")
    parser.add_argument("--requests", type=int, default=300, help="door-list calls (0: skip)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-admin-url", default=DEFAULT_PG_ADMIN)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="canvass-bench-"))
    results = [run(kind.strip(), args, workdir) for kind in args.databases.split(",") if kind.strip()]
    print()
    print(f"{'database':10} {'doors':>7} {'turfs':>6} {'cut_s':>7} {'target':>7}  "
          f"{'list_ms':>8} {'simpl_ms':>8} {'light_ms':>8} {'list_kb':>8} {'target':>7}  "
          f"{'dl_p50':>7} {'dl_p95':>7} {'dl_p99':>7} {'target':>7}")
    for r in results:
        cut, lst, dl = r["cut"], r["list"], r["door_list"]
        dl_cells = (f"{dl['p50_ms']:7.1f} {dl['p95_ms']:7.1f} {dl['p99_ms']:7.1f} "
                    f"{'ok' if dl['p95_ms'] < 50 else 'MISS':>7}") if dl else f"{'-':>7} " * 4
        print(f"{r['kind']:10} {cut['doors']:7d} {cut['turfs']:6d} {cut['seconds']:7.1f} "
              f"{'ok' if cut['seconds'] < 30 else 'MISS':>7}  "
              f"{lst['full']['median_ms']:8.1f} {lst['simplified']['median_ms']:8.1f} "
              f"{lst['no_outline']['median_ms']:8.1f} {lst['full']['kb']:8.0f} "
              f"{'ok' if lst['full']['median_ms'] < 300 else 'MISS':>7}  {dl_cells}")
    for r in results:
        if r["door_list"]:
            dl = r["door_list"]
            print(f"[{r['kind']}] door list: turf of {dl['turf_doors']} doors, {dl['voters']} voters, "
                  f"{dl['kb']:.0f} KB, {dl['requests']} requests")
    print("\ncut_s is end to end through the API (universe, job, load, cut, store); list_ms is "
          f"GET /api/turfs with outlines (median of {args.repeat}); dl_* the door list; all over HTTP to gunicorn.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
