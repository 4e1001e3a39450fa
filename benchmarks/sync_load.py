"""Election-day surge: 1,000 canvassers pushing reports and pulling changes over real HTTP.

What it does, end to end:
1. creates a fresh PostgreSQL database (``--pg-admin-url``, default the local server) and
   migrates it with ``canvass db upgrade``;
2. seeds canvassers (with tokens), turfs of doors with voters; two canvassers share each turf,
   so pulls carry each other's knocks (co-canvassing);
3. starts gunicorn (``'backend:create_app()'``, ``--workers`` >= 2) on loopback;
4. runs the load from separate client processes: every canvasser pushes its reports in
   batches and pulls changes after each push, at most ``--concurrency`` phones syncing at
   once; a share of batches is sent twice (a lost response, then a retry); failed requests
   are retried with backoff;
5. reconciles by uuid: every unique report sent is stored, none lost, none doubled;
6. runs the same load against a minimal Flask endpoint that only parses the JSON and
   answers (the ceiling of the stack: gunicorn + Flask + JSON + loopback), and prints the
   ratio.

Targets (issue 7, 2-core machine): >= 1,500 reports/s stored, p99 push latency < 500 ms,
zero lost, zero doubled.

    .venv/bin/python benchmarks/sync_load.py                      # the full run
    .venv/bin/python benchmarks/sync_load.py --canvassers 20 --reports 4 --no-ceiling  # tiny

``benchmarks/sync_faults.py`` reuses these parts to kill workers and restart PostgreSQL
during the load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import json
import multiprocessing as mp
import os
import queue
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_PG_ADMIN = os.environ.get(
    "CANVASS_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


# ---- database ----------------------------------------------------------------------------

def _libpq(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_database(admin_url: str, name: str) -> str:
    import psycopg
    from sqlalchemy.engine import make_url

    with psycopg.connect(_libpq(admin_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(_libpq(admin_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(url: str) -> None:
    env = {**os.environ, "CANVASS_DATABASE_URL": url, "CANVASS_SECRET_KEY": "bench"}
    subprocess.run([str(BIN / "canvass"), "db", "upgrade"], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@dataclass
class Canvasser:
    token: str
    turf_id: int
    door_ids: list[int]


def seed(url: str, canvassers: int, doors_per_turf: int = 20,
         voters_per_door: int = 2) -> list[Canvasser]:
    """Canvassers with tokens; one turf per pair of canvassers (shared: co-canvassing)."""
    from sqlalchemy import insert

    from backend import create_app
    from backend.extensions import db
    from backend.models import Assignment, AuthToken, Door, Turf, TurfDoor, User, Voter

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    now = dt.datetime.now(dt.UTC)
    start = now - dt.timedelta(hours=1)
    with app.app_context():
        s = db.session
        user_ids = list(s.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), [
            {"email": f"c{i}@bench.example", "name": f"Canvasser {i}", "role": "canvasser",
             "password_hash": "!", "created_at": now} for i in range(canvassers)]))
        tokens = [secrets.token_urlsafe(24) for _ in user_ids]
        s.execute(insert(AuthToken), [
            {"user_id": u, "token_hash": hashlib.sha256(t.encode()).hexdigest(),
             "created_at": now, "expires_at": now + dt.timedelta(days=2), "last_used_at": now}
            for u, t in zip(user_ids, tokens, strict=True)])
        turfs = (canvassers + 1) // 2
        turf_ids = list(s.scalars(insert(Turf).returning(Turf.id, sort_by_parameter_order=True), [
            {"name": f"Turf {t}", "door_count": doors_per_turf, "created_at": now,
             "updated_at": now} for t in range(turfs)]))
        door_rows = []
        for t in range(turfs):
            for d in range(doors_per_turf):
                line = f"{100 + d} BENCH ST T{t}"
                door_rows.append({
                    "address_key": f"{line}||43215", "building_key": f"{line}|43215",
                    "address_line": line, "unit": "", "city": "COLUMBUS", "state": "OH",
                    "zip": "43215", "lon": -83.0 + t * 1e-3, "lat": 40.0 + d * 1e-4,
                    "geocode_status": "vendor", "access_note": "", "created_at": now,
                    "updated_at": now})
        door_ids = list(s.scalars(
            insert(Door).returning(Door.id, sort_by_parameter_order=True), door_rows))
        s.execute(insert(Voter), [
            {"state_id": f"OHB{d:08d}{v}", "first_name": "Pat", "last_name": f"Voter{d}",
             "door_id": d, "birth_year": 1970 + v, "party": "D", "voter_status": "active",
             "is_active": True, "created_at": now, "updated_at": now}
            for d in door_ids for v in range(voters_per_door)])
        by_turf = {turf_ids[t]: door_ids[t * doors_per_turf:(t + 1) * doors_per_turf]
                   for t in range(turfs)}
        s.execute(insert(TurfDoor), [
            {"turf_id": t, "door_id": d, "position": i, "added_at": start}
            for t, doors in by_turf.items() for i, d in enumerate(doors)])
        s.execute(insert(Assignment), [
            {"turf_id": turf_ids[i // 2], "user_id": u, "assigned_at": start}
            for i, u in enumerate(user_ids)])
        s.commit()
        db.engine.dispose()
    return [Canvasser(tokens[i], turf_ids[i // 2], by_turf[turf_ids[i // 2]])
            for i in range(canvassers)]


# ---- servers -----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """A gunicorn master we started (stopped by its own pid)."""

    def __init__(self, app_spec: str, env: dict[str, str], *, workers: int = 2,
                 threads: int = 1, pythonpath: str | None = None) -> None:
        self.port = free_port()
        cmd = [str(BIN / "gunicorn"), app_spec, "--bind", f"127.0.0.1:{self.port}",
               "--workers", str(workers), "--backlog", "4096", "--timeout", "60",
               "--graceful-timeout", "5", "--log-level", "warning"]
        if threads > 1:
            cmd += ["--worker-class", "gthread", "--threads", str(threads)]
        if pythonpath:
            cmd += ["--pythonpath", pythonpath]
        # A file, not a pipe: nobody reads a pipe during the run, and once it is full every
        # worker blocks on its next log line.
        # (closed in stop(), so no with-block)
        self.log = tempfile.NamedTemporaryFile(prefix="canvass_gunicorn_", suffix=".log")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env},
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        self.url = f"http://127.0.0.1:{self.port}"
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn exited: " + Path(self.log.name).read_text()[-2000:])
            try:
                status, _ = request("GET", self.url, "/api/health", None, None, timeout=2)
                if status == 200 and len(self.worker_pids()) >= 1:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /api/health in time")

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()


def ceiling_app():  # gunicorn 'sync_load:ceiling_app()' with --pythonpath benchmarks
    """Only parse the JSON and answer in the same shape: the stack's ceiling."""
    from flask import Flask, jsonify
    from flask import request as flask_request

    app = Flask("ceiling")

    @app.post("/api/sync/reports")
    def reports():
        body = flask_request.get_json()
        return jsonify(results=[{"uuid": r.get("uuid"), "status": "accepted", "flags": []}
                                for r in body["reports"]],
                       server_time=dt.datetime.now(dt.UTC).isoformat())

    @app.get("/api/sync/changes")
    def changes():
        return jsonify(changes=[], cursor=int(flask_request.args.get("cursor", 0)),
                       has_more=False)

    @app.get("/api/health")
    def health():
        return jsonify(status="ok")

    return app


# ---- client ------------------------------------------------------------------------------

def request(method: str, base: str, path: str, token: str | None, payload: Any,
            timeout: float = 15) -> tuple[int, Any]:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn.request(method, path, body=None if payload is None else json.dumps(payload),
                     headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None
    finally:
        conn.close()


@dataclass
class ClientResult:
    push_ms: list[float] = field(default_factory=list)
    pull_ms: list[float] = field(default_factory=list)
    sent: set[str] = field(default_factory=set)
    acked: set[str] = field(default_factory=set)  # answered accepted or duplicate
    accepted: int = 0
    duplicate: int = 0
    rejected: list[dict] = field(default_factory=list)
    retries: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    gave_up: int = 0
    changes_seen: int = 0
    first_at: float = 0.0
    last_at: float = 0.0


def _reports_for(c: Canvasser, n: int, rng: random.Random) -> list[dict]:
    now = dt.datetime.now(dt.UTC)
    out = []
    for i in range(n):
        door = rng.choice(c.door_ids)
        code = rng.choice(("not_home", "not_home", "refused", "canvassed", "come_back"))
        out.append({"uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "door_id": door, "turf_id": c.turf_id,
                    "recorded_at": (now - dt.timedelta(seconds=n - i)).isoformat(),
                    "result_code": code, "note": "", "device_id": "bench",
                    "app_version": "bench"})
    return out


def _with_retries(fn, result: ClientResult, deadline: float):
    delay = 0.05
    while True:
        try:
            status, body = fn()
            if status < 500 and status not in (408, 429):
                return status, body
            reason = f"http {status}"
        except (OSError, http.client.HTTPException, ValueError) as exc:
            reason = type(exc).__name__
        result.failures[reason] = result.failures.get(reason, 0) + 1
        if time.monotonic() > deadline:
            return None, None
        result.retries += 1
        time.sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, 2.0)


def _client(base: str, canvassers: list[Canvasser], reports_per: int, batch: int,
            threads: int, dup_rate: float, seed: int, deadline: float,
            out: mp.Queue) -> None:
    result = ClientResult()
    lock = threading.Lock()
    work: queue.Queue[tuple[int, Canvasser]] = queue.Queue()
    for i, c in enumerate(canvassers):
        work.put((i, c))

    def phone() -> None:
        while True:
            try:
                i, c = work.get_nowait()
            except queue.Empty:
                return
            rng = random.Random(seed * 100_003 + i)
            reports = _reports_for(c, reports_per, rng)
            cursor = 0
            for start in range(0, len(reports), batch):
                chunk = reports[start:start + batch]
                sends = 2 if rng.random() < dup_rate else 1
                for _ in range(sends):
                    t0 = time.perf_counter()
                    status, body = _with_retries(lambda c=c, chunk=chunk: request(
                        "POST", base, "/api/sync/reports", c.token,
                        {"device_id": "bench", "reports": chunk}), result, deadline)
                    elapsed = (time.perf_counter() - t0) * 1000
                    with lock:
                        result.sent.update(r["uuid"] for r in chunk)
                        if status != 200:
                            result.gave_up += 1
                            continue
                        result.push_ms.append(elapsed)
                        now = time.time()
                        result.first_at = min(result.first_at or now, now - elapsed / 1000)
                        result.last_at = max(result.last_at, now)
                        for r in body["results"]:
                            if r["status"] == "accepted":
                                result.accepted += 1
                                result.acked.add(r["uuid"])
                            elif r["status"] == "duplicate":
                                result.duplicate += 1
                                result.acked.add(r["uuid"])
                            else:
                                result.rejected.append(r)
                t0 = time.perf_counter()
                status, body = _with_retries(lambda c=c, cursor=cursor: request(
                    "GET", base, f"/api/sync/changes?cursor={cursor}&limit=500", c.token, None),
                    result, deadline)
                with lock:
                    if status == 200:
                        result.pull_ms.append((time.perf_counter() - t0) * 1000)
                        cursor = body["cursor"]
                        result.changes_seen += len(body["changes"])

    pool = [threading.Thread(target=phone) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put(result)


def run_load(base: str, canvassers: list[Canvasser], *, reports_per: int, batch: int,
             concurrency: int, procs: int, dup_rate: float = 0.05, seed: int = 1,
             max_seconds: float = 300) -> ClientResult:
    """Run the load from ``procs`` client processes; merge their results."""
    ctx = mp.get_context("fork")
    out: mp.Queue = ctx.Queue()
    deadline = time.monotonic() + max_seconds
    workers = []
    for p in range(procs):
        share = canvassers[p::procs]
        workers.append(ctx.Process(target=_client, args=(
            base, share, reports_per, batch, max(1, concurrency // procs), dup_rate,
            seed * 1000 + p, deadline, out)))
    for w in workers:
        w.start()
    parts = [out.get() for _ in workers]
    for w in workers:
        w.join()
    total = ClientResult()
    for part in parts:
        total.push_ms += part.push_ms
        total.pull_ms += part.pull_ms
        total.sent |= part.sent
        total.acked |= part.acked
        total.accepted += part.accepted
        total.duplicate += part.duplicate
        total.rejected += part.rejected
        total.retries += part.retries
        total.gave_up += part.gave_up
        total.changes_seen += part.changes_seen
        for k, v in part.failures.items():
            total.failures[k] = total.failures.get(k, 0) + v
        total.first_at = min(x for x in (total.first_at, part.first_at) if x) if (
            total.first_at or part.first_at) else 0.0
        total.last_at = max(total.last_at, part.last_at)
    return total


def reconcile(url: str, sent: set[str], acked: set[str]) -> dict[str, int]:
    """By uuid: ``lost`` = acknowledged but not stored, ``doubled`` = stored more than once,
    ``unsent`` = sent but never stored (only a client that gave up may have those: they are
    still in its outbox)."""
    import psycopg

    with psycopg.connect(_libpq(url)) as conn:
        stored = [row[0] for row in conn.execute("SELECT uuid FROM canvass_reports")]
    stored_set = set(stored)
    return {"sent_unique": len(sent), "stored": len(stored), "acked": len(acked),
            "lost": len(acked - stored_set), "doubled": len(stored) - len(stored_set),
            "unsent": len(sent - stored_set), "unexpected": len(stored_set - sent)}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def describe(name: str, r: ClientResult) -> dict[str, float]:
    seconds = max(r.last_at - r.first_at, 1e-9)
    figures = {"reports_per_s": r.accepted / seconds, "seconds": seconds,
               "p50": percentile(r.push_ms, 50), "p95": percentile(r.push_ms, 95),
               "p99": percentile(r.push_ms, 99), "pull_p99": percentile(r.pull_ms, 99),
               "pushes": len(r.push_ms), "pulls": len(r.pull_ms)}
    print(f"{name:<22} {figures['reports_per_s']:>10.0f} {figures['seconds']:>8.1f} "
          f"{figures['p50']:>8.1f} {figures['p95']:>8.1f} {figures['p99']:>8.1f} "
          f"{figures['pull_p99']:>9.1f} {figures['pushes']:>7} {figures['pulls']:>7}")
    return figures


HEADER = (f"{'run':<22} {'reports/s':>10} {'seconds':>8} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'pull p99':>9} {'pushes':>7} {'pulls':>7}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--canvassers", type=int, default=1000)
    parser.add_argument("--reports", type=int, default=50, help="reports per canvasser")
    parser.add_argument("--batch", type=int, default=50, help="reports per push")
    parser.add_argument("--concurrency", type=int, default=12,
                        help="phones syncing at the same moment")
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="gthread threads per worker")
    parser.add_argument("--dup-rate", type=float, default=0.05,
                        help="share of batches sent twice (lost response, retry)")
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--pg-admin-url", default=DEFAULT_PG_ADMIN)
    parser.add_argument("--no-ceiling", action="store_true")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args(argv)

    name = f"canvass_bench_{os.getpid()}"
    print(f"sync_load: {args.canvassers} canvassers x {args.reports} reports in batches of "
          f"{args.batch}; {args.concurrency} syncing at once; gunicorn {args.workers} workers x "
          f"{args.threads} threads; {os.cpu_count()} CPUs")
    t0 = time.perf_counter()
    url = create_database(args.pg_admin_url, name)
    server = None
    try:
        migrate(url)
        canvassers = seed(url, args.canvassers)
        print(f"database {name} created, migrated and seeded in {time.perf_counter() - t0:.1f} s")
        env = {"CANVASS_DATABASE_URL": url, "CANVASS_SECRET_KEY": "bench",
               "CANVASS_ENV": "production"}
        server = Gunicorn("backend:create_app()", env, workers=args.workers,
                          threads=args.threads)
        load = {"reports_per": args.reports, "batch": args.batch,
                "concurrency": args.concurrency, "procs": args.client_procs,
                "dup_rate": args.dup_rate, "max_seconds": args.max_seconds}
        result = run_load(server.url, canvassers, **load)
        server.stop()
        server = None
        print(HEADER)
        canvass = describe("canvass (PostgreSQL)", result)
        rec = reconcile(url, result.sent, result.acked)
        ceiling = None
        if not args.no_ceiling:
            server = Gunicorn("sync_load:ceiling_app()", {}, workers=args.workers,
                              threads=args.threads, pythonpath=str(ROOT / "benchmarks"))
            ceiling = describe("ceiling (parse only)", run_load(server.url, canvassers, **load))
            server.stop()
            server = None
        print()
        print(f"reconciliation: sent unique {rec['sent_unique']}, stored {rec['stored']}, "
              f"lost {rec['lost']}, doubled {rec['doubled']}, unsent {rec['unsent']}, "
              f"unexpected {rec['unexpected']}; "
              f"answers: accepted {result.accepted}, duplicate {result.duplicate}, "
              f"rejected {len(result.rejected)}; retries {result.retries} {result.failures or ''}; "
              f"gave up {result.gave_up}; changes pulled {result.changes_seen}")
        if result.rejected:
            print("first rejection:", result.rejected[0])
        if ceiling:
            print(f"canvass / ceiling throughput: {canvass['reports_per_s'] / ceiling['reports_per_s']:.2f}")
        ok_rate = canvass["reports_per_s"] >= 1500
        ok_p99 = canvass["p99"] < 500
        ok_rec = (rec["lost"] == 0 and rec["doubled"] == 0 and rec["unexpected"] == 0
                  and rec["stored"] == rec["sent_unique"])
        print(f"targets: >=1500 reports/s {'met' if ok_rate else 'MISSED'}; "
              f"p99 push < 500 ms {'met' if ok_p99 else 'MISSED'}; "
              f"zero lost/doubled {'met' if ok_rec else 'MISSED'}")
        return 0 if ok_rec else 1
    finally:
        if server is not None:
            server.stop()
        if not args.keep_db:
            drop_database(args.pg_admin_url, name)


if __name__ == "__main__":
    sys.exit(main())
