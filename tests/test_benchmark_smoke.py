"""The core benchmark runs end to end on a tiny database (no timing is checked here)."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import ON_SERVER

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_core.py"

FIGURES = (
    "import_ms", "open_ms", "first_list_ms", "list_ms_median", "list_ms_p95",
    "search_rare_ms_median", "search_rare_ms_p95", "search_common_ms_median", "search_common_ms_p95",
    "search_name_ms_p95", "save_ms_median", "save_ms_p95", "export_per_s", "peak_rss_mb",
    "search_prefix_ms_median", "search_prefix_ms_p95", "create_ms_median", "create_ms_p95", "get_ms_median",
    "get_ms_p95", "review_queue_ms_median", "review_queue_ms_p95", "round_trip_ms_median",
)
TINY = ["--open-runs", "1", "--list-runs", "3", "--search-runs", "3", "--saves", "5", "--exports", "5", "--gets", "5",
        "--queue-runs", "2", "--creates", "3"]


def _every_figure(result: dict) -> None:
    for key in FIGURES:
        assert key in result["figures"], key
        value = result["figures"][key]
        if value is None:  # only a step that cannot run here may be skipped, and it says why
            assert result["skipped"][key].startswith("skipped:"), key
        else:
            assert isinstance(value, (int, float)) and value >= 0, (key, value)


@pytest.mark.slow  # a build and a dozen subprocesses: ~15-30 s
def test_benchmark_runs_and_reports_every_figure(tmp_path: Path) -> None:
    db, out = tmp_path / "bench.db", tmp_path / "figures.json"
    cmd = [sys.executable, str(BENCH), "--n", "200", "--db", str(db), "--json", str(out), "--open-runs", "2"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["n"] == 200 and result["built"] is True
    _every_figure(result)
    assert result["details"]["list_rows"] == 50
    assert result["details"]["search_rare"]["rows"] >= 1  # the rare word is in the data
    assert "figure" in proc.stdout and "target" in proc.stdout

    # a second run reuses the database it built
    again = subprocess.run([*cmd[:-2], "--open-runs", "1", "--list-runs", "5", "--search-runs", "5",
                            "--saves", "5", "--exports", "5"], capture_output=True, text=True, timeout=600, check=False)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Reusing" in again.stdout


@pytest.mark.slow  # two seeds and a dozen subprocesses
@pytest.mark.postgresql
@ON_SERVER  # it makes (and drops) logins, which belong to the whole server
def test_benchmark_runs_on_a_team_database_beside_sqlite(tmp_path: Path, pg_server) -> None:
    admin = pg_server.admin
    name = f"sg_bench_smoke_{uuid.uuid4().hex[:8]}"
    url = f"postgresql://{admin.username}@{admin.host}:{admin.port or 5432}/{name}"
    out = tmp_path / "figures.json"
    cmd = [sys.executable, str(BENCH), "--n", "200", "--db", url, "--sqlite", str(tmp_path / "bench.db"),
           "--rounds", "1", "--json", str(out), *TINY]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)  # PGPASSFILE: the fixture's
        assert proc.returncode == 0, proc.stdout + proc.stderr
        result = json.loads(out.read_text(encoding="utf-8"))
        reference = result["reference"]
        assert (result["database"], reference["database"]) == ("postgresql", "sqlite")
        assert result["n"] == reference["n"] == 200 and result["built"] is True
        for figures in (result, reference):
            _every_figure(figures)
            assert figures["details"]["list_rows"] == 50
            assert figures["details"]["search_rare"]["rows"] >= 1  # the rare word is in both
            assert figures["details"]["review_queue_rows"] >= 1  # some were submitted, by their owners
        assert set(FIGURES) <= set(result["ratios"])
        assert result["ratios"]["list_ms_median"] is not None and "PG / SQLite" in proc.stdout
        with pg_server.conn.cursor() as cur:
            cur.execute('SELECT datname FROM pg_database WHERE datname LIKE %s', (f"{name}%",))
            assert {row[0] for row in cur.fetchall()} == {f"{name}_tpl"}  # the measured copy is dropped
            cur.execute("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'bench\\_%'")
            assert cur.fetchone()[0] == 0  # and so are the run's logins

        # a second run copies the template instead of seeding again
        again = subprocess.run([*cmd[:-len(TINY) - 2], *TINY], capture_output=True, text=True, timeout=600,
                               check=False)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "Reusing the template" in again.stdout and "Reusing" in again.stdout.split("Reusing the template")[1]
    finally:
        for db in (name, f"{name}_tpl", f"{name}_tpl_building"):
            pg_server.conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
