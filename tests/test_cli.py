"""Every CLI command, its output and its refusals, through typer's runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sg_assess import __version__
from sg_assess.cli import app
from sg_assess.store.repository import Store
from tests.clirun import Target
from tests.conftest import DATABASES


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli dir ñ" / "records.db"


class Cli:
    """The CLI on ``db``: a database file, or a team database's login URL (the same tests run on both)."""

    def __init__(self, db: Path | str):
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, code: int = 0):  # noqa: A002
        result = self.runner.invoke(app, ["--db", str(self.db), *args], input=input)
        assert "Traceback" not in result.output + result.stderr
        assert result.exit_code == code, (result.exit_code, result.output, result.stderr)
        if code:
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("sg-assess: "), result.stderr
        return result

    def new(self, *args: str) -> str:
        return self("new", "--child", "Ada Example", "--dob", "2019-01-15", "--date", "2026-03-02", *args).stdout.strip()


@pytest.fixture(params=DATABASES)
def cli(request: pytest.FixtureRequest, db: Path) -> Cli:
    """The CLI on a SQLite file, then on a team database (as the login 'Test Worker', a practitioner)."""
    server = request.getfixturevalue("pg_server") if request.param == "postgresql" else None
    return Cli(Target(request.param, db, server).location())


@pytest.fixture
def file_cli(db: Path) -> Cli:
    """The CLI on a SQLite file only: for what is about files (paths, backups, damaged files)."""
    return Cli(db)


def test_version_and_help() -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["--version"]).stdout.strip() == f"sg-assess {__version__}"
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and "Usage" in result.stdout and "new" in result.stdout


def test_new_prints_the_id_and_json(cli: Cli) -> None:
    aid = cli.new()
    assert len(aid) == 36
    data = json.loads(cli("new", "--child", "Ben Sample", "--unborn", "--due", "2026-06-01", "--date", "2026-03-02",
                          "--json").stdout)
    assert data["age_band"] == "unborn" and data["status"] == "draft" and data["child_name"] == "Ben Sample"


def test_new_reassesses_a_child(cli: Cli) -> None:
    aid = cli.new()
    child_id = json.loads(cli("show", aid[:8], "--json").stdout)["child"]["id"]
    data = json.loads(cli("new", "--child-id", child_id[:8], "--date", "2026-09-01", "--json").stdout)
    assert data["child_id"] == child_id and data["child_name"] == "Ada Example"


def _version(cli: Cli, aid: str) -> int:
    return json.loads(cli("show", aid[:8], "--json").stdout)["questionnaire"]["version"]


def test_new_assessments_use_version_2(cli: Cli) -> None:
    aid = cli.new()
    assert _version(cli, aid) == 2
    assert json.loads(cli("show", aid[:8], "--json").stdout)["questionnaire"]["id"] == "safeguarding-assessment"


def test_version_1_on_request_for_a_series_started_on_it(cli: Cli) -> None:
    first = cli.new("--questionnaire", "safeguarding-assessment@1")
    assert _version(cli, first) == 1
    cli("answer", first[:8], "child_has_advocate", "no")  # a version 1 question
    child_id = json.loads(cli("show", first[:8], "--json").stdout)["child"]["id"]
    again = cli("new", "--child-id", child_id[:8], "--date", "2026-09-01", "--questionnaire",
                "safeguarding-assessment@1").stdout.strip()
    assert _version(cli, again) == 1
    assert _version(cli, first) == 1  # and version 1 keeps working beside version 2
    assert "child_has_advocate" in cli("show", first[:8]).stdout


def test_a_reassessment_of_a_version_1_child_uses_version_2(cli: Cli) -> None:
    first = cli.new("--questionnaire", "safeguarding-assessment@1")
    child_id = json.loads(cli("show", first[:8], "--json").stdout)["child"]["id"]
    again = cli("new", "--child-id", child_id[:8], "--date", "2026-09-01").stdout.strip()
    assert (_version(cli, first), _version(cli, again)) == (1, 2)
    cli("answer", again[:8], "advocacy_offered", "yes")  # a version 2 question
    assert "advocacy_offered" in cli("answer", first[:8], "advocacy_offered", "yes", code=2).stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["new", "--dob", "2019-01-01"], 2, "child's name"),
        (["new", "--child", "X", "--dob", "2019-02-30"], 1, "not a real date"),
        (["new", "--child", "X", "--dob", "2030-01-01"], 1, "after the assessment date"),
        (["new", "--child", "X", "--unborn"], 2, "due date"),
        (["new", "--child", "X", "--dob", "2019-01-01", "--questionnaire", "nope"], 1, "no questionnaire"),
        (["new", "--child", "X", "--dob", "2019-01-01", "--questionnaire", "safeguarding-assessment@9"], 1,
         "found versions: 1, 2"),
        (["new", "--child-id", "abcdef12"], 1, "no child"),
        (["answer", "abc", "ethnicity", "x"], 2, "at least 6"),
        (["answer", "abcdef12", "ethnicity", "x"], 1, "no assessment"),
        (["list", "--status", "lost"], 2, "unknown status"),
        (["show", "zzzzzzzz"], 1, "not an id"),
        (["export"], 2, "give an assessment id"),
        (["export", "--all"], 2, "needs a folder"),
        (["export", "abcdef12", "--format", "pdf"], 2, "unknown format"),
    ],
)
def test_user_errors_are_one_line(cli: Cli, args: list[str], code: int, message: str) -> None:
    Store.open(cli.db).close()  # an empty database: reading commands refuse a missing one (test_files.py)
    assert message in cli(*args, code=code).stderr


def test_answer_every_kind_and_show(cli: Cli) -> None:
    aid = cli.new()[:8]
    assert "saved: ethnicity" in cli("answer", aid, "ethnicity", "Mixed heritage").stdout
    assert "unchanged" in cli("answer", aid, "ethnicity", "Mixed heritage").stdout
    cli("answer", aid, "child_seen", "Yes")
    cli("answer", aid, "child_seen_date", "2026-02-27")
    cli("answer", aid, "complicating_factors", '["Domestic abuse"]')
    cli("answer", aid, "complicating_factors", "Substance use")  # version 2's words (version 1 said "misuse")
    cli("answer", aid, "safety_scale", '[{"who": "Worker", "score": 5, "reason": "Some safety"}]')
    cli("answer", aid, "danger_statements", "-", input="From stdin\nsecond line\n")
    data = json.loads(cli("show", aid, "--json").stdout)
    assert set(data) >= {"id", "status", "child", "questionnaire", "answers", "created_at", "updated_at", "completeness"}
    assert data["answers"]["child_seen"] == "yes"
    assert data["answers"]["complicating_factors"] == ["Substance use"]
    assert data["answers"]["danger_statements"] == "From stdin\nsecond line\n"
    assert data["answers"]["safety_scale"][0]["score"] == 5
    assert data["questionnaire"]["id"] == "safeguarding-assessment" and data["questionnaire"]["version"] == 2
    text = cli("show", aid).stdout
    assert "Mixed heritage" in text and "ethnicity" in text  # question ids shown, to answer by


@pytest.mark.parametrize(
    ("qid", "value", "message"),
    [
        ("child_seen_date", "2026-13-01", "not a real date"),
        ("safety_scale", '[{"who": "W", "score": 12}]', "0 to 10"),
        ("safety_scale", "not json", "must be JSON"),
        ("nope", "x", "no question"),
        ("complicating_factors", "Aliens", "not one of the choices"),
    ],
)
def test_answer_refusals(cli: Cli, qid: str, value: str, message: str) -> None:
    aid = cli.new()[:8]
    result = cli("answer", aid, qid, value, code=2 if qid == "nope" else 1)
    assert message in result.stderr


def test_list_search_and_filters(cli: Cli) -> None:
    a = cli.new()
    b = cli("new", "--child", "Ben Sample", "--dob", "2012-05-05").stdout.strip()
    cli("answer", a[:8], "danger_statements", "worried about the trampoline")
    rows = json.loads(cli("list", "--json").stdout)
    assert [r["id"] for r in rows] == [a, b]
    assert [r["id"] for r in json.loads(cli("list", "--search", "trampoline", "--json").stdout)] == [a]
    assert [r["id"] for r in json.loads(cli("list", "--child", "ben", "--json").stdout)] == [b]
    assert len(json.loads(cli("list", "--limit", "1", "--json").stdout)) == 1
    assert json.loads(cli("list", "--status", "submitted", "--json").stdout) == []
    table = cli("list").stdout
    assert a[:8] in table and "Ben Sample" in table


def test_list_on_an_empty_database_says_what_to_do(cli: Cli) -> None:
    Store.open(cli.db).close()
    result = cli("list")
    assert "sg-assess demo" in result.stderr


def test_user_text_in_list_is_literal(cli: Cli) -> None:
    cli("new", "--child", "[bold red]Eve[/] \x1b[2J\x1b]0;title\x07", "--dob", "2015-01-01")
    out = cli("list").stdout
    assert "[bold red]Eve[/]" in out
    assert "\x1b" not in out and "\x07" not in out


def test_export_markdown_and_json(cli: Cli, tmp_path: Path) -> None:
    aid = cli.new()
    out_dir = tmp_path / "exports é"
    out_dir.mkdir()
    path = Path(cli("export", aid[:8], "-o", str(out_dir)).stdout.strip())
    assert path.parent == out_dir and path.name.startswith("Ada-Example_2026-03-02_") and path.suffix == ".md"
    assert path.read_text(encoding="utf-8").startswith("# Safeguarding assessment: Ada Example")
    if os.name != "nt":
        assert path.stat().st_mode & 0o777 == 0o600
    json_path = out_dir / "one.json"
    cli("export", aid[:8], "--format", "json", "-o", str(json_path))
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["assessment"]["id"] == aid and "source" in data["assessment"]["questionnaire"]
    assert cli("export", aid[:8], "-o", "-").stdout.startswith("# Safeguarding assessment")


def test_export_defaults_to_the_current_folder(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    aid = cli.new()
    monkeypatch.chdir(tmp_path)
    path = Path(cli("export", aid[:8]).stdout.strip())
    assert path.parent == tmp_path and path.exists()


def test_export_all(cli: Cli, tmp_path: Path) -> None:
    ids = [cli.new() for _ in range(3)]
    out = tmp_path / "all of them"
    result = cli("export", "--all", "--out", str(out), "--format", "json")
    assert "exported 3 assessments" in result.stdout
    files = sorted(out.glob("*.json"))
    assert len(files) == 3 and {json.loads(f.read_text())["assessment"]["id"] for f in files} == set(ids)


def test_paths(file_cli: Cli, db: Path) -> None:  # a file's path; a team database's paths: test_team_cli.py
    out = file_cli("paths").stdout
    assert str(db) in out and "config file" in out and "questionnaires" in out


def test_check_and_backup(file_cli: Cli, tmp_path: Path) -> None:  # backups of a file (a server's: test_team_cli.py)
    cli = file_cli
    cli.new()
    assert cli("check").stdout.strip().endswith(": ok")
    target = tmp_path / "my backup.db"
    assert Path(cli("backup", str(target)).stdout.strip()) == target
    assert target.exists()
    default = Path(cli("backup").stdout.strip())
    assert default.exists() and default.parent == cli.db.parent / "backups" / cli.db.stem


def test_backup_refuses_to_overwrite_the_database(file_cli: Cli, db: Path) -> None:  # a file's own backup
    file_cli.new()
    assert "overwrite the database" in file_cli("backup", str(db), code=2).stderr


def test_a_file_that_is_not_a_database_is_one_clear_line(file_cli: Cli, db: Path) -> None:  # about files
    cli = file_cli
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_text("not a database")
    for command in (["list"], ["new", "--child", "X", "--dob", "2019-01-01"]):
        assert "not a database" in cli(*command, code=1).stderr
    check = CliRunner().invoke(app, ["--db", str(db), "check"])
    assert check.exit_code == 1 and "not a database" in check.stdout
    assert db.read_text() == "not a database"


def test_db_from_environment(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SG_ASSESS_DB", str(db))
    runner = CliRunner()
    result = runner.invoke(app, ["new", "--child", "Env Child", "--dob", "2019-01-01"])
    assert result.exit_code == 0 and db.exists()


def test_demo_creates_then_reuses(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "demo folder" / "demo.db"
    first = runner.invoke(app, ["--db", str(target), "demo"])
    assert first.exit_code == 0, first.output
    assert "Created" in first.stdout and str(target) in first.stdout
    second = runner.invoke(app, ["--db", str(target), "demo"])
    assert "Reusing" in second.stdout
    listed = runner.invoke(app, ["--db", str(target), "list", "--json"])
    assert len(json.loads(listed.stdout)) >= 5


def test_demo_default_location_is_separate(isolated_env: Path) -> None:
    result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code == 0
    assert (isolated_env / "data" / "sg-assess-demo.db").exists()
    assert not (isolated_env / "data" / "sg-assess.db").exists()


def test_an_unexpected_error_gives_one_line_and_a_report_without_user_text(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, isolated_env: Path
) -> None:
    from sg_assess.store.repository import Store

    def boom(*args, **kwargs):
        raise RuntimeError("Secret Child Name lives at 1 Secret Street")

    aid = cli.new()
    monkeypatch.setattr(Store, "get", boom)
    result = cli("show", aid[:8], code=70)
    assert "unexpected error (RuntimeError)" in result.stderr and "Secret" not in result.stderr
    reports = list((isolated_env / "data" / "logs").glob("crash-*.txt"))
    assert len(reports) == 1
    text = reports[0].read_text()
    assert "Secret" not in text and "RuntimeError" in text and "sg_assess/cli.py" in text


def test_python_dash_m_works() -> None:
    result = subprocess.run([sys.executable, "-m", "sg_assess", "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == f"sg-assess {__version__}"
