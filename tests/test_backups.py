"""Rolling backups, restore, and what a damaged database tells the user."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sg_assess.cli import app
from sg_assess.errors import DatabaseError, Refused, UsageError
from sg_assess.store import backups, restore
from sg_assess.store.repository import Store

WHO = {"actor": "Test Worker"}


def make_db(path: Path, questionnaire, answer: str = "first") -> str:
    with Store.open(path) as store:
        aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada", dob="2019-01-15", **WHO)
        store.save_answer(aid, "ethnicity", answer, **WHO)
    return aid


def wreck(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    path.write_bytes(bytes(data))


def test_one_backup_a_day_keeping_the_newest(db_path: Path, questionnaire) -> None:
    make_db(db_path, questionnaire)
    for day in range(1, 11):
        made = backups.daily_backup(db_path, today=dt.date(2026, 3, day), keep=7)
        assert made is not None and made.name == f"daily-2026-03-{day:02d}.db"
    assert backups.daily_backup(db_path, today=dt.date(2026, 3, 10), keep=7) is None  # once a day
    kept = sorted(p.name for p in backups.backup_dir(db_path).glob("daily-*.db"))
    assert kept == [f"daily-2026-03-{d:02d}.db" for d in range(4, 11)]
    if os.name != "nt":
        assert all(p.stat().st_mode & 0o777 == 0o600 for p in backups.backup_dir(db_path).glob("*.db"))
        assert backups.backup_dir(db_path).stat().st_mode & 0o777 == 0o700


def test_opening_never_backs_up_a_writing_command_does(db_path: Path, questionnaire) -> None:
    aid = make_db(db_path, questionnaire)
    with Store.open(db_path):  # the read path: no integrity check of the whole file, no copy
        pass
    runner = CliRunner()
    assert runner.invoke(app, ["--db", str(db_path), "list"]).exit_code == 0
    assert not list(backups.backup_dir(db_path).glob("daily-*.db"))
    assert runner.invoke(app, ["--db", str(db_path), "answer", aid[:8], "ethnicity", "second"]).exit_code == 0
    (made,) = backups.backup_dir(db_path).glob("daily-*.db")
    with Store.open(made) as copy:
        assert copy.get(aid).answers == {"ethnicity": "second"}


def test_the_copy_is_checked_not_the_live_file(db_path: Path, questionnaire, monkeypatch) -> None:
    make_db(db_path, questionnaire)
    monkeypatch.setattr(backups.db, "check_database", lambda *a, **k: pytest.fail("the live file was checked"))
    assert backups.daily_backup(db_path, keep=7) is not None
    monkeypatch.undo()
    wreck(db_path)
    with pytest.raises(DatabaseError, match="no backup was made"):
        backups.daily_backup(db_path, today=dt.date(2026, 3, 9), keep=7)
    assert not (backups.backup_dir(db_path) / "daily-2026-03-09.db").exists()
    assert not [p for p in backups.backup_dir(db_path).iterdir() if p.name.endswith(".tmp")]


def test_restore_checks_first_and_keeps_the_current_file(db_path: Path, tmp_path: Path, questionnaire) -> None:
    aid = make_db(db_path, questionnaire)
    saved = backups.daily_backup(db_path, keep=7)
    with Store.open(db_path) as store:
        store.save_answer(aid, "ethnicity", "second", **WHO)
    with pytest.raises(Refused, match=f"lose later changes to 1 assessment \\({aid[:8]}\\).*--reason"):
        restore.restore(db_path, saved)
    kept = restore.restore(db_path, saved, reason="the second answer was typed into the wrong record")
    with Store.open(db_path) as store:
        assert store.get(aid).answers == {"ethnicity": "first"}
    with Store.open(kept) as before:
        assert before.get(aid).answers == {"ethnicity": "second"}
    bad = tmp_path / "bad.db"
    bad.write_text("not a database")
    with pytest.raises(DatabaseError, match="not a good backup"):
        restore.restore(db_path, bad)
    with pytest.raises(UsageError):
        restore.restore(db_path, tmp_path / "missing.db")


def test_a_damaged_database_names_the_latest_good_backup(db_path: Path, questionnaire) -> None:
    aid = make_db(db_path, questionnaire)
    good = backups.daily_backup(db_path, keep=7)
    wreck(db_path)
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="latest good backup is .*daily-"):
        Store.open(db_path)
    assert db_path.read_bytes() == before
    result = CliRunner().invoke(app, ["--db", str(db_path), "restore", str(good)])
    assert result.exit_code == 0, result.stderr
    with Store.open(db_path) as store:
        assert store.get(aid).answers == {"ethnicity": "first"}
    kept_line = next(line for line in result.stdout.splitlines() if " kept in " in line)
    kept = Path(kept_line.split(" kept in ")[1])
    assert kept.read_bytes() == before  # the damaged file is kept, byte for byte


def test_cli_backup_uses_the_backup_folder_and_damage_is_one_line(db_path: Path, questionnaire) -> None:
    make_db(db_path, questionnaire)
    runner = CliRunner()
    assert backups.daily_backup(db_path, keep=7)  # as a writing command does at its end
    assert list(backups.backup_dir(db_path).glob("daily-*.db"))
    wreck(db_path)
    result = runner.invoke(app, ["--db", str(db_path), "list"])
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "damaged" in result.stderr and "sg-assess restore" in result.stderr and "Traceback" not in result.output


def _other_program_reads(db: Path) -> list[tuple[str, str]]:
    """Another process (as `sg-assess show` or a SQL tool) opens the database, reads the answers and closes."""
    import subprocess
    import sys

    code = ("import sqlite3, sys, json; c = sqlite3.connect(sys.argv[1]); "
            "print(json.dumps(c.execute('SELECT question_id, value FROM answer ORDER BY 1').fetchall())); c.close()")
    out = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, check=True).stdout
    import json

    return [tuple(row) for row in json.loads(out)]


@pytest.mark.parametrize("new_file", [True, False], ids=["created-by-this-open", "existing"])
def test_saves_after_the_days_backup_reach_other_programs(db_path: Path, questionnaire, new_file: bool) -> None:
    """The day's backup, made as the app opens, must not cost the app its locks on the file (issue 8.1: in a
    database the app had created, answers typed after another program had read it were shown as saved and
    never reached the file: that program, closing, took itself for the last and deleted the write-ahead log)."""
    if not new_file:
        with Store.open(db_path):
            pass
    with Store.open(db_path) as store:
        aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada", dob="2019-01-15",
                                      actor="Test Worker")
        # The day's backup, made while the store is open (the app makes it in a thread once it is ready).
        assert store.daily_backup(7) is not None and backups.backups(db_path)
        store.save_answer(aid, "ethnicity", "first", actor="Test Worker")
        assert ("ethnicity", '"first"') in _other_program_reads(db_path)
        store.save_answer(aid, "religion_belief", "second", actor="Test Worker")
        assert ("religion_belief", '"second"') in _other_program_reads(db_path)
