"""Smoke run of benchmarks/pwa.py on tiny input, so the benchmark cannot rot."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "pwa.py"


def test_pwa_benchmark_runs_and_syncs_every_queued_report(capsys):
    """The benchmark measures all four figures on a 6-door turf and 30 reports, and the
    server ends up with exactly the reports it queued."""
    spec = importlib.util.spec_from_file_location("bench_pwa", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    figures = bench.run(doors=6, reports=30, records=3)
    out = capsys.readouterr().out
    for line in ("app shell:", "cold start offline", "record a door persisted", "sync 30 queued"):
        assert line in out
    assert figures["stored"] == 30
    assert 0 < figures["shell_kb"] <= bench.TARGET_SHELL_KB
    assert figures["cold_ms"] > 0 and figures["record_ms"] > 0
