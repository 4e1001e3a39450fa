"""Smoke runs of the sync benchmarks on tiny input (real gunicorn, real PostgreSQL), so they
cannot rot; the kill -9 fault run doubles as an end-to-end exactly-once test."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import PG_ADMIN_URL, ROOT


def _run(script: str, *args: str, timeout: float = 180) -> str:
    env = {**os.environ, "CANVASS_BENCH_PG_URL": PG_ADMIN_URL}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


@pytest.mark.slow
def test_sync_load_smoke():
    """The load benchmark runs end to end and reconciles: nothing lost, nothing doubled."""
    out = _run("sync_load.py", "--canvassers", "8", "--reports", "6", "--batch", "3",
               "--concurrency", "4", "--client-procs", "1", "--threads", "2",
               "--dup-rate", "0.3")
    assert "lost 0, doubled 0, unsent 0, unexpected 0" in out
    assert "ceiling (parse only)" in out and "canvass / ceiling throughput" in out


@pytest.mark.slow
def test_killing_gunicorn_workers_mid_batches_loses_and_doubles_nothing():
    """kill -9 of workers during the load: clients retry, and stored == unique sent."""
    out = _run("sync_faults.py", "--fault", "kill-worker", "--canvassers", "80",
               "--reports", "20", "--batch", "5", "--concurrency", "6", "--first-after", "0.3",
               "--every", "1.2", "--max-faults", "2", "--max-seconds", "120")
    assert "exactly once: yes" in out
    killed = int(out.split("fault kill-worker: ")[1].split()[0])
    assert killed >= 1, out
