"""Fault runs: the surge load while gunicorn workers are killed and PostgreSQL restarts.

The clients retry every failed request (connection reset, 5xx) with backoff; at the end the
stored reports must equal the unique reports sent, none lost, none doubled (by uuid).

    .venv/bin/python benchmarks/sync_faults.py --fault kill-worker
    .venv/bin/python benchmarks/sync_faults.py --fault restart-pg
    .venv/bin/python benchmarks/sync_faults.py --fault both

``kill-worker`` sends SIGKILL to a random gunicorn worker (one we started) every
``--every`` seconds; the master starts a new one. ``restart-pg`` runs on a throw-away
PostgreSQL cluster (``initdb -A trust`` in a temporary directory, its own port) so the shared
server other tests use is never disturbed, and restarts it (``pg_ctl restart -m fast``)
every ``--every`` seconds.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sync_load

PG_BIN = Path(os.environ.get("CANVASS_PG_BIN", "/usr/lib/postgresql/15/bin"))


class ThrowawayCluster:
    """A PostgreSQL cluster in a temporary directory, on its own port, trust auth."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="canvass_pg_"))
        self.port = sync_load.free_port()
        as_postgres = os.geteuid() == 0  # initdb refuses to run as root
        self.prefix = ["runuser", "-u", "postgres", "--"] if as_postgres else []
        if as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        subprocess.run([*self.prefix, str(PG_BIN / "initdb"), "-A", "trust", "-U", "postgres",
                        "-D", str(self.dir / "data")], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._ctl("start")
        self.admin_url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, action: str, *extra: str) -> None:
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                   "-c max_connections=200 -c fsync=on")
        subprocess.run([*self.prefix, str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"),
                        "-o", options, "-l", str(self.dir / "log"), "-w", *extra, action],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        try:
            self._ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def run(fault: str, *, canvassers: int, reports: int, batch: int, concurrency: int,
        every: float, first_after: float | None = None, max_faults: int = 0, workers: int = 2, threads: int = 4, procs: int = 2,
        max_seconds: float = 240, pg_admin_url: str | None = None, quiet: bool = False
        ) -> dict:
    """Run the load under ``fault``; return the reconciliation and what was injected."""
    cluster = ThrowawayCluster() if fault in ("restart-pg", "both") else None
    admin = cluster.admin_url if cluster else (pg_admin_url or sync_load.DEFAULT_PG_ADMIN)
    name = f"canvass_faults_{os.getpid()}"
    url = sync_load.create_database(admin, name)
    server = None
    injected = {"workers_killed": 0, "pg_restarts": 0}
    try:
        sync_load.migrate(url)
        people = sync_load.seed(url, canvassers)
        server = sync_load.Gunicorn("backend:create_app()", {
            "CANVASS_DATABASE_URL": url, "CANVASS_SECRET_KEY": "bench",
            "CANVASS_ENV": "production"}, workers=workers, threads=threads)
        stop = threading.Event()
        rng = random.Random(5)

        def inject() -> None:
            turn = 0
            wait = every if first_after is None else first_after
            while not stop.wait(wait):
                wait = every
                if max_faults and turn >= max_faults:
                    return
                turn += 1
                if fault in ("kill-worker", "both") and (fault != "both" or turn % 2):
                    pids = server.worker_pids()
                    if pids:
                        os.kill(rng.choice(pids), signal.SIGKILL)
                        injected["workers_killed"] += 1
                elif cluster is not None:
                    cluster.restart()
                    injected["pg_restarts"] += 1

        injector = threading.Thread(target=inject, daemon=True)
        injector.start()
        result = sync_load.run_load(server.url, people, reports_per=reports, batch=batch,
                                    concurrency=concurrency, procs=procs,
                                    max_seconds=max_seconds)
        stop.set()
        injector.join(60)
        server.stop()
        server = None
        rec = sync_load.reconcile(url, result.sent, result.acked)
        summary = {**rec, **injected, "accepted": result.accepted,
                   "duplicate": result.duplicate, "rejected": len(result.rejected),
                   "retries": result.retries, "gave_up": result.gave_up,
                   "failures": result.failures,
                   "seconds": result.last_at - result.first_at}
        if not quiet:
            print(f"fault {fault}: {injected['workers_killed']} workers killed, "
                  f"{injected['pg_restarts']} PostgreSQL restarts in {summary['seconds']:.1f} s")
            print(f"clients: accepted {result.accepted}, duplicate {result.duplicate}, "
                  f"rejected {len(result.rejected)}, retries {result.retries}, "
                  f"gave up {result.gave_up}; failures seen {result.failures}")
            print(f"reconciliation: sent unique {rec['sent_unique']}, stored {rec['stored']}, "
                  f"lost {rec['lost']}, doubled {rec['doubled']}, unsent {rec['unsent']}, "
                  f"unexpected {rec['unexpected']}")
            ok = (rec["lost"] == 0 and rec["doubled"] == 0 and rec["unexpected"] == 0
                  and rec["stored"] == rec["sent_unique"])
            print("exactly once:", "yes" if ok else "NO")
        return summary
    finally:
        if server is not None:
            server.stop()
        try:
            sync_load.drop_database(admin, name)
        finally:
            if cluster is not None:
                cluster.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fault", choices=("kill-worker", "restart-pg", "both"),
                        default="both")
    parser.add_argument("--canvassers", type=int, default=300)
    parser.add_argument("--reports", type=int, default=40)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--every", type=float, default=4.0, help="seconds between faults")
    parser.add_argument("--first-after", type=float, default=None,
                        help="seconds before the first fault (default: --every)")
    parser.add_argument("--max-faults", type=int, default=0, help="stop injecting after N")
    parser.add_argument("--max-seconds", type=float, default=300)
    args = parser.parse_args(argv)
    s = run(args.fault, canvassers=args.canvassers, reports=args.reports, batch=args.batch,
            concurrency=args.concurrency, every=args.every, first_after=args.first_after,
            max_faults=args.max_faults,
            max_seconds=args.max_seconds)
    ok = (s["lost"] == 0 and s["doubled"] == 0 and s["unexpected"] == 0
          and s["stored"] == s["sent_unique"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
