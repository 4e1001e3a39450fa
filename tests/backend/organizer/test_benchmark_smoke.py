"""The organizer API benchmark runs end to end on tiny input, so it cannot rot."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_organizer_benchmark_runs_on_a_few_hundred_doors(tmp_path):
    """Seed, cut through the API as a background job, list turfs, and time door lists
    under a real gunicorn, then print the table."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "organizer_api.py"), "--doors", "400",
         "--target", "40", "--databases", "sqlite", "--requests", "5", "--repeat", "1",
         "--workers", "1", "--workdir", str(tmp_path)],
        check=False, capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("database"))
    row = lines[header + 1].split()
    assert row[0] == "sqlite" and int(row[1]) > 300 and int(row[2]) >= 5
    assert float(row[3]) > 0 and float(row[5]) > 0 and float(row[10]) > 0
    assert "door list: turf of" in result.stdout
