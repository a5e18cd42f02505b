"""The core benchmark runs end to end on a tiny database (no timing is checked here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_core.py"

FIGURES = (
    "import_ms", "open_ms", "first_list_ms", "list_ms_median", "list_ms_p95",
    "search_rare_ms_median", "search_rare_ms_p95", "search_common_ms_median", "search_common_ms_p95",
    "search_name_ms_p95", "save_ms_median", "save_ms_p95", "export_per_s", "peak_rss_mb",
)


@pytest.mark.slow  # a build and a dozen subprocesses: ~15-30 s
def test_benchmark_runs_and_reports_every_figure(tmp_path: Path) -> None:
    db, out = tmp_path / "bench.db", tmp_path / "figures.json"
    cmd = [sys.executable, str(BENCH), "--n", "200", "--db", str(db), "--json", str(out), "--open-runs", "2"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["n"] == 200 and result["built"] is True
    for key in FIGURES:
        assert key in result["figures"], key
        value = result["figures"][key]
        if value is None:  # only a step that cannot run here may be skipped, and it says why
            assert result["skipped"][key].startswith("skipped:"), key
        else:
            assert isinstance(value, (int, float)) and value >= 0, (key, value)
    assert result["details"]["list_rows"] == 50
    assert result["details"]["search_rare"]["rows"] >= 1  # the rare word is in the data
    assert "figure" in proc.stdout and "target" in proc.stdout

    # a second run reuses the database it built
    again = subprocess.run([*cmd[:-2], "--open-runs", "1", "--list-runs", "5", "--search-runs", "5",
                            "--saves", "5", "--exports", "5"], capture_output=True, text=True, timeout=600, check=False)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Reusing" in again.stdout
