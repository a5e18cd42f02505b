"""Issue 9, files: special files refused, folders by trailing slash, stale temporary files, restore,
empty and missing databases, read-only URLs, the daily backup off the read path, and Windows branches."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sg_assess import fileio
from sg_assess.cli import app
from sg_assess.errors import DatabaseError, ExportError, UsageError
from sg_assess.store import backups, db
from sg_assess.store.repository import Store

PAT = {"actor": "Pat Practitioner", "role": "practitioner"}
SUE = {"actor": "Sue Supervisor", "role": "supervisor"}
posix_only = pytest.mark.skipif(os.name == "nt", reason="FIFOs, device nodes and modes are POSIX")


def run(*args: str, code: int = 0, cwd: Path | None = None):
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.output + result.stderr
    assert result.exit_code == code, (result.exit_code, result.output, result.stderr)
    if code:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("sg-assess: "), result.stderr
    return result


def run_subprocess(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter with a time limit: a FIFO that is opened would hang the test, not the suite."""
    return subprocess.run([sys.executable, "-m", "sg_assess", *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")})


def make_db(path: Path, questionnaire, **who: str) -> str:
    with Store.open(path) as store:
        aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada Example", dob="2019-01-15",
                                      assessment_date="2026-03-02", **(who or PAT))
        store.save_answer(aid, "danger_statements", "Worried about the stairs", **(who or PAT))
    return aid


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    path = tmp_path / "a pipe.db"
    os.mkfifo(path)
    return path


@pytest.fixture
def device(tmp_path: Path) -> Path:
    """A private copy of /dev/null's device node (never the real one: a failing test would replace it)."""
    path = tmp_path / "null-device"
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (OSError, AttributeError):
        pytest.skip("cannot make a device node here (needs root)")
    return path


# -- 1. special files, folders by a trailing slash, stale temporary files ----------------------------


@posix_only
def test_the_shared_helper_refuses_what_is_not_a_regular_file(fifo: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"is a pipe \(FIFO\), not a regular file"):
        fileio.require_regular(fifo, "the export target")
    with pytest.raises(UsageError, match="is a folder"):
        fileio.require_regular(tmp_path, "the backup")
    fileio.require_regular(tmp_path, "the export target", folder_ok=True)
    fileio.require_regular(tmp_path / "absent.md", "the export target")
    with pytest.raises(UsageError, match="does not exist"):
        fileio.require_regular(tmp_path / "absent.db", "the backup", must_exist=True)
    regular = tmp_path / "file.md"
    regular.write_text("x")
    fileio.require_regular(regular, "the export target")


@posix_only
@pytest.mark.parametrize("special", ["fifo", "device"])
def test_export_never_replaces_a_special_file(special: str, request, db_path: Path, questionnaire) -> None:
    target = request.getfixturevalue(special)
    aid = make_db(db_path, questionnaire)
    mode = target.stat().st_mode
    result = run("--db", str(db_path), "export", aid[:8], "-o", str(target), code=2)
    assert "nothing was read or written" in result.stderr and ("is a pipe" in result.stderr or "is a device" in result.stderr)
    assert target.stat().st_mode == mode  # still the pipe or the device, not a file holding an assessment
    with Store.open(db_path) as store, pytest.raises(ExportError, match="not a regular file"):
        store.backup(target)


@posix_only
@pytest.mark.parametrize("special", ["fifo", "device"])
def test_db_on_a_special_file_is_refused_without_hanging_or_a_journal(special: str, request) -> None:
    target = request.getfixturevalue(special)
    result = run_subprocess("--db", str(target), "list")
    assert result.returncode == 1 and "not a regular file" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not Path(f"{target}-journal").exists() and not Path(f"{target}-wal").exists()


@posix_only
def test_backup_restore_import_and_questionnaires_refuse_a_fifo(fifo: Path, db_path: Path, questionnaire) -> None:
    make_db(db_path, questionnaire)
    assert "is a pipe (FIFO)" in run("--db", str(db_path), "backup", str(fifo), code=2).stderr
    assert "not a regular file" in run("--db", str(db_path), "restore", str(fifo), code=2).stderr
    restored_into = run_subprocess("--db", str(fifo), "restore", str(backups.daily_backup(db_path, keep=7)))
    assert restored_into.returncode == 1 and "not a regular file" in restored_into.stderr, restored_into.stderr
    imported = run_subprocess("--db", str(db_path), "import", str(fifo))
    assert imported.returncode == 1 and "not a regular file" in imported.stderr, imported.stderr
    checked = run_subprocess("questionnaires", "check", str(fifo))
    assert checked.returncode == 1 and "not a regular file" in checked.stdout, checked.stdout
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@posix_only
def test_a_fifo_among_the_questionnaires_is_a_warning_not_a_hang(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "team questionnaires"
    folder.mkdir()
    os.mkfifo(folder / "stuck.toml")
    monkeypatch.setenv("SG_ASSESS_QUESTIONNAIRES", str(folder))
    listed = run_subprocess("questionnaires", "list")
    assert listed.returncode == 0 and "safeguarding-assessment" in listed.stdout
    assert "stuck.toml: cannot read the file: it is a pipe (FIFO)" in listed.stderr


def test_a_trailing_slash_means_a_folder(db_path: Path, tmp_path: Path, questionnaire) -> None:
    aid = make_db(db_path, questionnaire)
    folder = tmp_path / "new dir"
    written = Path(run("--db", str(db_path), "export", aid[:8], "-o", f"{folder}/").stdout.strip())
    assert folder.is_dir() and written.parent == folder and written.suffix == ".md"
    plain = tmp_path / "plain"
    run("--db", str(db_path), "export", aid[:8], "-o", str(plain))
    assert plain.is_file()  # without the slash, a file of that name (as before)
    refused = run("--db", str(db_path), "export", aid[:8], "-o", f"{plain}/", code=2)
    assert "is a file, but a folder was asked for" in refused.stderr
    backup_folder = tmp_path / "backups here"
    made = Path(run("--db", str(db_path), "backup", f"{backup_folder}/").stdout.strip())
    assert made.parent == backup_folder and made.is_file()


def _temp(folder: Path, name: str, age_seconds: float) -> Path:
    path = folder / name
    path.write_bytes(b"half an export")
    moment = time.time() - age_seconds
    os.utime(path, (moment, moment))
    return path


def test_stale_temporary_files_of_ours_are_cleaned_and_nothing_else(db_path: Path, tmp_path: Path,
                                                                    questionnaire, monkeypatch) -> None:
    aid = make_db(db_path, questionnaire)
    out = tmp_path / "exports"
    out.mkdir()
    monkeypatch.setattr(fileio, "_cleaned", set())
    stale = _temp(out, ".Ada-Example_2026-03-02_1a2b3c4d.md.k3j_9x2a.tmp", 3600)  # a killed export --all
    running = _temp(out, ".Ben_2026-03-02_5e6f7a8b.md.abcd1234.tmp", 0)  # another copy, writing now
    foreign = _temp(out, ".someone-elses.tmp", 3600)  # not our pattern
    mine = _temp(out, "notes.md.abcd1234.tmp", 3600)  # not hidden: not ours either
    run("--db", str(db_path), "export", "--all", "--out", str(out))
    assert not stale.exists()
    assert running.exists() and foreign.exists() and mine.exists()
    assert len(list(out.glob("*.md"))) == 1 and aid[:8] in next(out.glob("*.md")).name


def test_stale_backup_temporary_files_are_cleaned(db_path: Path, questionnaire, monkeypatch) -> None:
    make_db(db_path, questionnaire)
    folder = backups.backup_dir(db_path)
    folder.mkdir(parents=True)
    monkeypatch.setattr(fileio, "_cleaned", set())
    stale = _temp(folder, ".sg-assess-backup-20260301-101010.db.q1w2e3r4.tmp", 3600)
    fresh = _temp(folder, ".daily-2026-03-01.db.q1w2e3r5.tmp", 10)
    run("--db", str(db_path), "backup")
    assert not stale.exists() and fresh.exists()


# -- 2. restore ----------------------------------------------------------------------------------


def test_restore_with_a_relative_path(db_path: Path, questionnaire, monkeypatch) -> None:
    make_db(db_path, questionnaire)
    saved = backups.daily_backup(db_path, keep=7)
    monkeypatch.chdir(saved.parent)
    result = run("--db", str(db_path), "restore", saved.name)
    assert "restored" in result.stdout


def test_restore_into_a_missing_database_is_recorded(db_path: Path, tmp_path: Path, questionnaire) -> None:
    aid = make_db(db_path, questionnaire)
    saved = backups.daily_backup(db_path, keep=7)
    fresh = tmp_path / "elsewhere" / "new.db"
    fresh.parent.mkdir()
    run("--db", str(fresh), "restore", str(saved))
    with Store.open(fresh) as store:
        assert store.get(aid).answers["danger_statements"] == "Worried about the stairs"
        (log,) = store.restore_log()
    assert log["kept"] is None and log["affected"] == []


def test_restore_refuses_an_empty_file(db_path: Path, tmp_path: Path, questionnaire) -> None:
    aid = make_db(db_path, questionnaire)
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    before = db_path.read_bytes()
    assert "not a complete database" in run("--db", str(db_path), "restore", str(empty), code=1).stderr
    assert db_path.read_bytes() == before
    with Store.open(db_path) as store:
        assert store.get(aid).answers["danger_statements"] == "Worried about the stairs"
    schemaless = tmp_path / "schemaless.db"
    sqlite3.connect(schemaless).close()
    schemaless.write_bytes(b"")  # sqlite3 leaves a 0-byte file too
    assert "not a complete database" in run("--db", str(db_path), "restore", str(schemaless), code=1).stderr


def test_restore_that_undoes_a_sign_off_says_so_needs_a_reason_and_is_recorded(db_path: Path, questionnaire) -> None:
    aid = make_db(db_path, questionnaire)
    saved = backups.daily_backup(db_path, keep=7)
    with Store.open(db_path) as store:
        store.submit(aid, reason="Sent now; the rest follows", **PAT)
        store.sign_off(aid, score=6, reason="The stair gate is in", outcome="Early help", **SUE)
    before = db_path.read_bytes()
    refused = run("--db", str(db_path), "restore", str(saved), code=1).stderr
    assert f"take 1 assessment back from signed off ({aid[:8]})" in refused and "--reason" in refused
    assert db_path.read_bytes() == before
    said = run("--db", str(db_path), "--as", "Ivy IT", "restore", str(saved), "--reason",
               "signed off on the wrong child [bold]\x1b[2J").stdout
    assert f"{aid[:8]}: taken back from signed off (was signed off)" in said
    assert "restored by Ivy IT, because: signed off on the wrong child [bold]" in said and "\x1b" not in said
    with Store.open(db_path) as store:
        assert store.get(aid).summary.status == "draft"
        (log,) = store.restore_log()
        event = [h for h in store.get(aid).history if h.kind == "restored"]
    assert log["actor"] == "Ivy IT" and log["reason"] == "signed off on the wrong child [bold]\x1b[2J"
    assert log["source"] == str(saved) and log["affected"] == [
        {"id": aid, "was": "signed_off", "now": "draft", "what": "taken back from signed off"}]
    assert log["kept"] and Path(log["kept"]).exists()
    assert len(event) == 1 and event[0].actor == "Ivy IT"
    assert event[0].after["reason"] == log["reason"]  # kept as typed: data, shown escaped
    with Store.open(log["kept"]) as kept:  # the signed-off record is kept whole
        assert kept.get(aid).summary.status == "signed_off"


def test_restore_that_loses_nothing_needs_no_reason_and_is_still_recorded(db_path: Path, questionnaire) -> None:
    make_db(db_path, questionnaire)
    saved = backups.daily_backup(db_path, keep=7)
    run("--db", str(db_path), "--as", "Ivy IT", "restore", str(saved))
    with Store.open(db_path) as store:
        (log,) = store.restore_log()
    assert log["actor"] == "Ivy IT" and log["reason"] is None and log["affected"] == []


def test_restore_that_loses_a_new_assessment_needs_a_reason(db_path: Path, questionnaire) -> None:
    make_db(db_path, questionnaire)
    saved = backups.daily_backup(db_path, keep=7)
    later = make_db(db_path, questionnaire)
    refused = run("--db", str(db_path), "restore", str(saved), code=1).stderr
    assert f"lose later changes to 1 assessment ({later[:8]})" in refused


# -- 3. empty and missing databases ----------------------------------------------------------------


def test_an_empty_database_with_backups_beside_it_is_refused(db_path: Path, questionnaire) -> None:
    make_db(db_path, questionnaire)
    saved = backups.daily_backup(db_path, keep=7)
    for extra in (Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        extra.unlink(missing_ok=True)
    db_path.write_bytes(b"")
    result = run("--db", str(db_path), "new", "--child", "X", "--dob", "2019-01-01", code=1)
    assert "is empty, but it has backups beside it" in result.stderr and str(saved) in result.stderr
    assert db_path.stat().st_size == 0
    with pytest.raises(DatabaseError, match="latest backup is"):
        Store.open(db_path)


@posix_only
def test_an_empty_file_without_backups_becomes_a_private_database(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"")
    os.chmod(db_path, 0o644)
    run("--db", str(db_path), "new", "--child", "X", "--dob", "2019-01-01")
    assert db_path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("command", [
    ["list"], ["show", "abcdef12"], ["history", "abcdef12"], ["chronology", "abcdef12"], ["actions"],
    ["export", "abcdef12"], ["export", "--all", "--out", "out"], ["review", "list"], ["answer", "abcdef12", "x", "y"],
    ["submit", "abcdef12"], ["backup"], ["open", "abcdef12"],
])
def test_reading_commands_on_a_missing_database_create_nothing(command: list[str], tmp_path: Path,
                                                               monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("--db", "typo.db", *command, code=1)
    assert "no database at" in result.stderr and "nothing was created" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home dir é") == []


def test_reading_commands_leave_an_empty_file_as_it_is(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    for command in (["list"], ["actions"], ["review", "list"]):
        assert "the file is empty; nothing was changed" in run("--db", str(empty), *command, code=1).stderr
    assert empty.read_bytes() == b"" and [p.name for p in tmp_path.iterdir() if p.name != "home dir é"] == ["empty.db"]


def test_check_on_a_missing_database_creates_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["--db", "typo.db", "check"])
    assert result.exit_code == 1 and "no database at" in result.stdout
    assert not (tmp_path / "typo.db").exists()


def test_a_network_path_on_posix_creates_no_folders(tmp_path: Path) -> None:
    if os.name == "nt":
        pytest.skip("a real share on Windows")
    result = run("--db", "//server-that-is-not/share/x.db", "list", code=1)
    assert "Windows network path" in result.stderr
    assert not Path("/server-that-is-not").exists()
    run("--db", "//server-that-is-not/share/x.db", "new", "--child", "X", "--dob", "2019-01-01", code=1)
    assert not Path("/server-that-is-not").exists()


def test_read_only_url_is_honoured(db_path: Path, questionnaire) -> None:
    aid = make_db(db_path, questionnaire)
    url = f"sqlite:///{db_path}?mode=ro"
    assert aid[:8] in run("--db", url, "list").stdout
    before = db_path.read_bytes()
    refused = run("--db", url, "--as", "Pat Practitioner", "answer", aid[:8], "ethnicity", "x", code=1)
    assert "read-only" in refused.stderr
    assert db_path.read_bytes() == before
    assert "mode=ro" in run("--db", url, "restore", str(db_path), code=2).stderr
    assert db.resolve_location(url).readonly and not db.resolve_location(str(db_path)).readonly


def test_unknown_url_options_are_refused_not_ignored(db_path: Path, questionnaire) -> None:
    make_db(db_path, questionnaire)
    for option in ("mode=memory", "cache=shared", "immutable=1"):
        assert "not supported" in run("--db", f"sqlite:///{db_path}?{option}", "list", code=1).stderr


@pytest.mark.parametrize("memory", [":memory:", "sqlite://", "sqlite:///:memory:"])
def test_memory_is_refused_where_the_work_would_be_lost(memory: str) -> None:
    for command in (["new", "--child", "X", "--dob", "2019-01-01"], ["list"], ["import", "x.json"], ["restore", "x"]):
        result = run("--db", memory, *command, code=2)
        assert "in-memory database" in result.stderr
    check = CliRunner().invoke(app, ["--db", memory, "check"])
    assert check.exit_code == 2 and "in-memory database" in check.stderr
    assert "in-memory database" in run("--db", memory, "demo", code=2).stderr
    assert "in-memory database" in run("--db", memory, code=2).stderr  # the app: gone when it closes
    assert not Path(":memory:").exists()


def test_a_database_file_is_not_taken_for_memory(tmp_path: Path, monkeypatch) -> None:
    from sg_assess.cli import _names_memory

    assert not _names_memory(str(tmp_path / "memory.db")) and not _names_memory("sqlite:///memory.db")
    assert _names_memory("sqlite+pysqlite:///:memory:?cache=shared")


# -- 4. the daily backup: never on the read path ----------------------------------------------------


def test_no_read_makes_a_backup_a_write_does(db_path: Path, questionnaire, monkeypatch) -> None:
    aid = make_db(db_path, questionnaire)
    opened: list[bool] = []
    monkeypatch.setattr(backups, "daily_backup", lambda *a, **k: opened.append(True))
    for command in (["list"], ["show", aid[:8]], ["history", aid[:8]], ["actions"], ["review", "list"]):
        run("--db", str(db_path), *command)
    assert opened == []
    run("--db", str(db_path), "--as", "Pat Practitioner", "answer", aid[:8], "ethnicity", "x")
    assert opened == [True]


def test_a_failed_backup_after_a_write_is_a_warning_not_a_failure(db_path: Path, questionnaire, monkeypatch) -> None:
    aid = make_db(db_path, questionnaire)

    def broken(*_a, **_k):
        raise DatabaseError("the copy is damaged")

    monkeypatch.setattr(backups, "daily_backup", broken)
    result = run("--db", str(db_path), "--as", "Pat Practitioner", "answer", aid[:8], "ethnicity", "x")
    assert "saved" in result.stdout and "warning: no backup made today: the copy is damaged" in result.stderr


async def test_the_app_backs_up_in_a_thread_once_ready(db_path: Path, questionnaire, monkeypatch) -> None:
    import threading

    from sg_assess.tui.app import SgApp

    make_db(db_path, questionnaire)
    threads: list[str] = []
    real = backups.daily_backup

    def watched(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(backups, "daily_backup", watched)
    app_ = SgApp(str(db_path), user="Pat Practitioner", role="practitioner")
    async with app_.run_test() as pilot:
        await pilot.pause()
        while app_.backup_thread is None:
            await pilot.pause(0.05)
        app_.backup_thread.join(timeout=60)
        assert threads == ["sg-assess-backup"]
        assert threading.main_thread().name not in threads
    assert list(backups.backup_dir(db_path).glob("daily-*.db"))


# -- 5. Windows, from reading the code -----------------------------------------------------------


@pytest.mark.parametrize(("path", "os_name", "uri"), [
    ("\\\\server\\share\\team\\x.db", "nt", "file:////server/share/team/x.db?mode=rw"),
    ("C:\\Users\\Sam Worker\\x.db", "nt", "file:///C:/Users/Sam%20Worker/x.db?mode=rw"),
    ("Z:\\a#b?c%d.db", "nt", "file:///Z:/a%23b%3Fc%25d.db?mode=rw"),
    ("/home/sam/a#b.db", "posix", "file:///home/sam/a%23b.db?mode=rw"),
])
def test_sqlite_uri_for_shares_drives_and_odd_characters(path: str, os_name: str, uri: str) -> None:
    assert db.sqlite_uri(path, "rw", os_name=os_name) == uri


def test_sqlite_uri_of_a_relative_path_works(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    sqlite3.connect("rel é.db").close()
    uri = db.sqlite_uri("rel é.db", "ro")
    assert uri.startswith("file:///") and sqlite3.connect(uri, uri=True).execute("SELECT 1").fetchone() == (1,)


def test_network_drives_are_detected_on_windows_only() -> None:
    asked: list[str] = []

    def drive_type(kind: int):
        return lambda root: asked.append(root) or kind

    assert db._is_network_path("\\\\server\\share\\x.db", os_name="nt", drive_type=drive_type(3))
    assert db._is_network_path("Z:\\team\\x.db", os_name="nt", drive_type=drive_type(db.DRIVE_REMOTE))
    assert asked[-1] == "Z:\\"
    assert not db._is_network_path("C:\\Users\\x.db", os_name="nt", drive_type=drive_type(3))  # DRIVE_FIXED

    def failing(_root: str) -> int:
        raise OSError("no")

    assert not db._is_network_path("C:\\x.db", os_name="nt", drive_type=failing)
    asked.clear()
    assert not db._is_network_path("/mnt/share/x.db", os_name="posix", drive_type=drive_type(db.DRIVE_REMOTE))
    assert asked == []


def test_a_share_path_is_not_refused_on_windows_but_is_elsewhere() -> None:
    assert str(db._local_path("//server/share/x.db", os_name="nt")).endswith("x.db")
    with pytest.raises(DatabaseError, match="Windows network path"):
        db._local_path("//server/share/x.db", os_name="posix")
    assert db._local_path("///tmp/x.db", os_name="posix") == Path("/tmp/x.db")


class FakeKernel32:
    def __init__(self, ok: bool = True):
        self.ok = ok
        self.handlers: list[tuple[object, int]] = []

    def SetConsoleCtrlHandler(self, handler, add):  # noqa: N802 - the Windows name
        self.handlers.append((handler, add))
        return 1 if self.ok else 0


class FakeSignals:
    SIGBREAK = 21

    def __init__(self):
        self.installed: dict[int, object] = {}

    def signal(self, signum, handler):
        self.installed[signum] = handler


def test_console_close_saves_first_on_windows() -> None:
    from sg_assess.tui import console_close

    saved: list[str] = []
    broke: list[int] = []
    kernel32, signals = FakeKernel32(), FakeSignals()
    handler = console_close.install(lambda: saved.append("saved"), broke.append, platform="win32",
                                    kernel32=kernel32, functype=lambda f: f, signals=signals)
    assert kernel32.handlers == [(handler, 1)]
    for event in (console_close.CTRL_CLOSE_EVENT, console_close.CTRL_LOGOFF_EVENT, console_close.CTRL_SHUTDOWN_EVENT):
        assert handler(event) == 1
    assert saved == ["saved"] * 3
    assert handler(console_close.CTRL_C_EVENT) == 0 and handler(console_close.CTRL_BREAK_EVENT) == 0
    assert saved == ["saved"] * 3  # ctrl+c and ctrl+break are not a closing window
    signals.installed[FakeSignals.SIGBREAK](FakeSignals.SIGBREAK, None)
    assert broke == [FakeSignals.SIGBREAK]


def test_console_close_never_raises_into_windows_and_a_refusal_is_survived() -> None:
    from sg_assess.tui import console_close

    def fails() -> None:
        raise RuntimeError("the app has stopped")

    handler = console_close.console_handler(fails)
    assert handler(console_close.CTRL_CLOSE_EVENT) == 1
    assert console_close.install(fails, print, platform="win32", kernel32=FakeKernel32(ok=False),
                                 functype=lambda f: f, signals=FakeSignals()) is None


def test_console_close_does_nothing_elsewhere() -> None:
    from sg_assess.tui import console_close

    class Untouchable:
        def __getattr__(self, name):
            raise AssertionError(f"{name} used off Windows")

    assert console_close.install(print, print, platform="linux", kernel32=Untouchable(), functype=Untouchable(),
                                 signals=Untouchable()) is None


def test_the_restore_log_is_only_ever_added_to(tmp_path: Path) -> None:
    """A SQL tool cannot rewrite or delete who restored what: the log is evidence like the history."""
    path = tmp_path / "log.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    try:
        conn.execute("INSERT INTO restore_log (at, actor, role, source, affected) VALUES ('t', 'a', 'r', 's', '[]')")
        conn.commit()
        for statement in ("UPDATE restore_log SET reason = 'x'", "DELETE FROM restore_log"):
            with pytest.raises(sqlite3.DatabaseError, match="only ever added to"):
                conn.execute(statement)
    finally:
        conn.close()
