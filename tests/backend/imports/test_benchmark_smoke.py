"""The import benchmark runs end to end on tiny input, so it cannot rot."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_import_benchmark_runs_on_a_few_hundred_rows(tmp_path):
    """benchmarks/import_voters.py generates, imports, measures the floor and prints its table."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "import_voters.py"), "--rows", "300",
         "--database-url", f"sqlite:///{tmp_path / 'bench.sqlite'}", "--workdir", str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=ROOT, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    table = result.stdout.splitlines()
    header = next(i for i, line in enumerate(table) if line.startswith("database"))
    row = table[header + 1].split()
    assert row[0] == "sqlite" and row[1] == "300"
    assert float(row[2]) > 0 and float(row[3]) > 0 and float(row[5]) > 0
    assert "300 voters" in result.stdout
