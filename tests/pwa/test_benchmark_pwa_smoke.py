"""Smoke run of benchmarks/pwa.py on tiny input, so the benchmark cannot rot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "pwa.py"


def test_pwa_benchmark_runs_and_syncs_every_queued_report():
    """The benchmark prints all four figures on a 6-door turf and 30 reports, and the server
    ends up with exactly the reports it queued. It runs in its own process: Playwright's sync
    API cannot start inside the event loop pytest-playwright keeps for the other tests."""
    done = subprocess.run([sys.executable, str(BENCH), "--doors", "6", "--reports", "30", "--records", "3"],
                          capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    for line in ("app shell:", "cold start offline, 6-door walk list", "record a door persisted",
                 "sync 30 queued reports", "server stored 30 reports (queued 30)"):
        assert line in done.stdout, done.stdout
