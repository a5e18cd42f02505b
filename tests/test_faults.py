"""Faults: a full disk, damaged or foreign databases, and the process killed in the middle of saving."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import event
from typer.testing import CliRunner

from sg_assess.cli import app
from sg_assess.errors import DatabaseError
from sg_assess.store import db
from sg_assess.store.repository import Store
from tests.conftest import raw

WHO = {"actor": "Test Worker"}
posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions and signals")


def limit_pages(store: Store, extra_pages: int | None) -> None:
    """Simulate a nearly full disk: SQLite may grow the file by only ``extra_pages`` pages (None: no limit)."""
    store.engine.dispose()
    with raw(store.location.path) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    limit = 2**31 - 1 if extra_pages is None else pages + extra_pages

    @event.listens_for(store.engine, "connect")
    def _limit(dbapi_conn, _record):  # noqa: ANN001
        dbapi_conn.execute(f"PRAGMA max_page_count = {limit}")


def test_a_full_disk_is_reported_harms_nothing_and_saving_resumes(db_path: Path, questionnaire) -> None:
    store = Store.open(db_path)
    aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada", dob="2019-01-15", **WHO)
    store.save_answer(aid, "ethnicity", "Saved before the disk filled", **WHO)
    before = store.get(aid)
    limit_pages(store, 1)
    with pytest.raises(DatabaseError, match="disk is full"):
        store.save_answer(aid, "danger_statements", "A long note. " * 20_000, **WHO)
    assert store.get(aid).answers == before.answers and store.history(aid) == before.history
    assert db.check_database(store.location) == []
    limit_pages(store, None)  # space comes back
    assert store.save_answer(aid, "danger_statements", "A long note. " * 20_000, **WHO) is True
    store.close()


# -- damaged and foreign databases, through the CLI ----------------------------------------


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def built(path: Path, questionnaire) -> str:
    with Store.open(path) as store:
        aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada", dob="2019-01-15", **WHO)
        store.save_answer(aid, "ethnicity", "x", **WHO)
    with raw(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")  # the damage below is done to one self-contained file
    return aid


def flip_table_page(path: Path) -> None:
    with raw(path) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'assessment'").fetchone()[0]
    data = bytearray(path.read_bytes())
    data[(root - 1) * size] ^= 0xFF  # the page-type byte of the assessments' b-tree
    path.write_bytes(bytes(data))


def other_program(path: Path) -> None:
    path.unlink()
    with raw(path) as conn:
        conn.execute("CREATE TABLE invoice (id INTEGER PRIMARY KEY)")


def newer(path: Path) -> None:
    with raw(path) as conn:
        conn.execute("PRAGMA user_version = 99")


CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "not a database": (lambda p: p.write_bytes(b"%PDF-1.7 not a database" * 100), "not a database file"),
    "truncated": (lambda p: p.write_bytes(p.read_bytes()[:50]), "damaged"),
    "a byte flipped": (flip_table_page, "damaged"),
    "written by a newer sg-assess": (newer, "newer sg-assess"),
    "another program's database": (other_program, "not an sg-assess database"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_database_is_one_line_and_untouched(tmp_path: Path, questionnaire, case: str) -> None:
    path = tmp_path / "bad db é.db"
    aid = built(path, questionnaire)
    damage, message = CASES[case]
    damage(path)
    before = digest(path)
    runner = CliRunner()
    for args in (["list"], ["show", aid[:8]], ["answer", aid[:8], "ethnicity", "y"],
                 ["new", "--child", "B", "--dob", "2019-01-01"]):
        result = runner.invoke(app, ["--db", str(path), *args])
        assert result.exit_code == 1, (case, args, result.stdout)
        assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr, (case, args, result.stderr)
        assert "Traceback" not in result.output
    assert digest(path) == before
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


@posix_only
@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_database_is_one_line_and_untouched(tmp_path: Path, questionnaire, what: str) -> None:
    path = tmp_path / "ro" / "r.db"
    aid = built(path, questionnaire)
    before = digest(path)
    target = path if what == "file" else path.parent
    target.chmod(0o500 if what == "folder" else 0o400)
    try:
        result = CliRunner().invoke(app, ["--db", str(path), "answer", aid[:8], "ethnicity", "y"])
    finally:
        target.chmod(0o700 if what == "folder" else 0o600)
    assert result.exit_code == 1 and "read-only" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert digest(path) == before


def test_a_deleted_write_ahead_log_after_a_crash(tmp_path: Path, questionnaire) -> None:
    """SQLite keeps the last checkpointed state: the database opens, is sound, and says nothing is wrong."""
    path = tmp_path / "w.db"
    aid = built(path, questionnaire)  # checkpointed: "x" is in the main file
    script = textwrap.dedent(f"""
        import os
        from sg_assess.store.repository import Store
        s = Store.open({str(path)!r})
        s.save_answer({aid!r}, "ethnicity", "only in the log", actor="Test Worker")
        os._exit(0)  # a crash: no checkpoint, the log stays
    """)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    Path(f"{path}-wal").unlink(missing_ok=True)
    Path(f"{path}-shm").unlink(missing_ok=True)
    assert db.check_database(db.resolve_location(path)) == []
    with Store.open(path) as store:
        assert store.get(aid).answers["ethnicity"] in ("x", "only in the log")


# -- killed while saving -------------------------------------------------------------------

SAVER = textwrap.dedent("""
    import sys
    from sg_assess.store.repository import Store
    path, aid = sys.argv[1], sys.argv[2]
    store = Store.open(path)
    i = 0
    print("ready", flush=True)
    while True:
        i += 1
        store.save_answer(aid, "danger_statements", f"save {i} " + "words " * (i % 400), actor="Test Worker")
        store.save_answer(aid, "next_steps", [{"what": f"step {i}", "who": "SW"}], actor="Test Worker")
""")


@posix_only
@pytest.mark.slow
def test_killed_at_random_moments_while_saving_loses_nothing_half_written(tmp_path: Path, questionnaire) -> None:
    path = tmp_path / "kill.db"
    with Store.open(path) as store:
        aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada", dob="2019-01-15", **WHO)
    rng = random.Random(20261123)
    for _ in range(50):
        proc = subprocess.Popen([sys.executable, "-c", SAVER, str(path), aid], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        conn = sqlite3.connect(path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            (value,) = conn.execute("SELECT value FROM answer WHERE assessment_id = ? AND question_id = "
                                    "'danger_statements'", (aid,)).fetchone() or (None,)
            body = conn.execute("SELECT body FROM assessment_fts WHERE rowid = (SELECT seq FROM assessment "
                                "WHERE id = ?)", (aid,)).fetchone()[0]
            last = conn.execute("SELECT after FROM history WHERE assessment_id = ? AND question_id = "
                                "'danger_statements' ORDER BY id DESC LIMIT 1", (aid,)).fetchone()
        finally:
            conn.close()
        if value is not None:  # each save is whole: answer, history and search index agree
            assert last is not None and last[0] == value
            text = value.strip('"')
            assert text.split()[1] in body.split()
    with Store.open(path) as store:  # and the store opens and works afterwards
        assert store.save_answer(aid, "ethnicity", "after the kills", **WHO) is True


def test_sqlite_errors_are_recognised_by_their_code_not_their_words(tmp_path: Path) -> None:
    """SQLite's result code names the failure (Python 3.11+); only an error without one is read by its words."""
    import sqlite3

    from sg_assess.store.db import explain_failure, sqlite_kind

    path = tmp_path / "ro.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as caught:
        conn.execute("INSERT INTO t VALUES (1)")
    conn.close()
    assert sqlite_kind(caught.value) == "SQLITE_READONLY"
    assert "read-only" in explain_failure(caught.value)
    worded = sqlite3.OperationalError("a message that says nothing about disks")
    worded.sqlite_errorname = "SQLITE_FULL"  # as SQLite names a full disk, whatever the words
    assert explain_failure(worded).startswith("the disk is full")
    assert sqlite_kind(sqlite3.OperationalError("database is locked")) is None  # no code: read by its words
    assert "busy" in explain_failure(sqlite3.OperationalError("database is locked"))
