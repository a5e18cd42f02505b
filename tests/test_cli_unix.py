"""Issue 9, the CLI as a well-behaved Unix tool: closed pipes, full disks, --json, and the small one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sg_assess.cli import EXIT_PIPE_CLOSED, app

PAT = ["--as", "Pat Practitioner", "--role", "practitioner"]
SUE = ["--as", "Sue Supervisor", "--role", "supervisor"]


class Cli:
    def __init__(self, db: Path):
        self.db = db

    def __call__(self, *args: str, code: int = 0, input: str | None = None, env: dict | None = None):  # noqa: A002
        result = CliRunner().invoke(app, ["--db", str(self.db), *args], input=input, env=env)
        assert "Traceback" not in result.output + result.stderr
        assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
        if code:
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("sg-assess: "), result.stderr
        return result

    def new(self, *args: str) -> str:
        return self(*PAT, "new", "--child", "Ada Example", "--dob", "2019-01-15", "--date", "2026-03-02",
                    "--questionnaire", "safeguarding-assessment@1", *args).stdout.strip()  # v1: outcome in words


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "cli dir ñ" / "records.db")


# -- closed pipes and full disks (real processes: the runner's buffers never fail) -------------------------


def _env(isolated_env: Path, db: Path) -> dict[str, str]:
    return {**os.environ, "SG_ASSESS_DB": str(db), "PYTHONUTF8": "1"}


def run_into_closed_pipe(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run with standard output a pipe whose reader has already gone, as '| head -1' is after its line."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run([sys.executable, "-m", "sg_assess", *args], stdout=write_end, stderr=subprocess.PIPE,
                              env=env, timeout=120)
    finally:
        os.close(write_end)


def crash_reports(isolated_env: Path) -> list[Path]:
    return list((isolated_env / "data" / "logs").glob("crash-*"))


@pytest.mark.parametrize("args", [["paths"], ["show", "{aid}"], ["show", "{aid}", "--json"]])
def test_a_closed_pipe_exits_quietly(cli: Cli, isolated_env: Path, args: list[str]) -> None:
    aid = cli.new()[:8]
    done = run_into_closed_pipe([a.format(aid=aid) for a in args], _env(isolated_env, cli.db))
    assert done.returncode == EXIT_PIPE_CLOSED == 141 and done.stderr == b""
    assert crash_reports(isolated_env) == []


def test_a_closed_pipe_after_a_committed_sign_off_keeps_the_sign_off(cli: Cli, isolated_env: Path) -> None:
    aid = cli.new()[:8]
    cli(*PAT, "submit", aid, "--reason", "Sent now")
    done = run_into_closed_pipe([*SUE, "review", "sign-off", aid, "--score", "6", "--reason", "Holding",
                                 "--outcome", "Early help"],
                                _env(isolated_env, cli.db))
    assert done.returncode == 141 and done.stderr == b"" and crash_reports(isolated_env) == []
    assert json.loads(cli("show", aid, "--json").stdout)["status"] == "signed_off"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["paths"], ["show", "{aid}"], ["list", "--json"]])
def test_output_to_a_full_disk_is_one_line(cli: Cli, isolated_env: Path, args: list[str]) -> None:
    aid = cli.new()[:8]
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "sg_assess", *[a.format(aid=aid) for a in args]], stdout=full,
                              stderr=subprocess.PIPE, env=_env(isolated_env, cli.db), timeout=120)
    assert done.returncode == 1
    assert done.stderr.decode().splitlines() == ["sg-assess: cannot write the output: No space left on device"]
    assert crash_reports(isolated_env) == []


def test_an_open_pipe_still_gets_everything(cli: Cli, isolated_env: Path) -> None:
    aid = cli.new()[:8]
    done = subprocess.run([sys.executable, "-m", "sg_assess", "show", aid], capture_output=True,
                          env=_env(isolated_env, cli.db), timeout=120)
    assert done.returncode == 0 and b"Ada Example" in done.stdout and done.stderr == b""


# -- --json for scripts --------------------------------------------------------------------------------------


def test_paths_json(cli: Cli) -> None:
    data = json.loads(cli("paths", "--json").stdout)
    assert data["database"] == str(cli.db) and {"config_file", "log_folder", "demo_database", "data_folder"} <= set(data)
    assert isinstance(data["questionnaires"], list) and data["questionnaires"]
    assert "database:" in cli("paths").stdout  # without --json: the table as before


def test_answer_submit_and_check_json(cli: Cli) -> None:
    aid = cli.new()
    data = json.loads(cli(*PAT, "answer", aid[:8], "child_seen", "yes", "--json").stdout)
    assert data["id"] == aid and data["result"] == "saved" and data["required_answered"] >= 1
    again = json.loads(cli(*PAT, "answer", aid[:8], "child_seen", "yes", "--json").stdout)
    assert again["result"] == "unchanged"
    submitted = json.loads(cli(*PAT, "submit", aid[:8], "--reason", "Sent now", "--json").stdout)
    assert submitted["id"] == aid and submitted["status"] == "submitted" and submitted["gaps"] > 0
    checked = json.loads(cli("check", "--json").stdout)
    assert checked == {"database": str(cli.db), "ok": True, "problems": []}


def test_check_json_reports_problems_with_exit_1(tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"SQLite format 3\x00" + b"\xa5" * 4096)
    result = CliRunner().invoke(app, ["--db", str(broken), "check", "--json"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["database"] == str(broken) and "damaged" in data["problems"][0]


def test_export_backup_and_import_json(cli: Cli, tmp_path: Path) -> None:
    aid = cli.new()
    out = tmp_path / "out"
    out.mkdir()
    data = json.loads(cli("export", aid[:8], "-o", str(out), "--json").stdout)
    assert data["id"] == aid and Path(data["path"]).is_file() and data["format"] == "md"
    every = json.loads(cli("export", "--all", "--out", str(out / "all"), "--format", "json", "--json").stdout)
    assert [e["id"] for e in every["exported"]] == [aid] and Path(every["exported"][0]["path"]).is_file()
    bundle = json.loads(cli("export", aid[:8], "--format", "bundle", "-o", str(out / "b.json"), "--json").stdout)
    backup = json.loads(cli("backup", str(tmp_path / "copy.db"), "--json").stdout)
    assert backup == {"database": str(cli.db), "backup": str(tmp_path / "copy.db")}
    other = Cli(tmp_path / "other.db")
    imported = json.loads(other(*PAT, "import", bundle["path"], "--json").stdout)
    assert imported == {"id": aid, "file": bundle["path"], "notes": []}  # notes: what a merge kept
    assert "leave out --json" in cli("export", aid[:8], "-o", "-", "--json", code=2).stderr


def test_config_json(cli: Cli) -> None:
    data = json.loads(cli("config", "--json").stdout)
    assert data["name"] == "Test Worker" and data["name_from"] == "SG_ASSESS_USER" and data["role"] == "practitioner"
    assert data["backups_keep"] == 7


# -- the small cases -------------------------------------------------------------------------------------------


def test_actions_until_must_be_a_date(cli: Cli) -> None:
    cli.new()
    assert "not a date" in cli("actions", "--until", "notadate", code=2).stderr
    assert "No next steps" in cli("actions", "--until", "2026-12-31").stderr  # a real date: not an error


def test_history_of_an_unknown_question_is_an_error(cli: Cli) -> None:
    aid = cli.new()[:8]
    assert "no question 'nosuch'" in cli("history", aid, "--question", "nosuch", code=2).stderr
    cli(*PAT, "answer", aid, "child_seen", "yes")
    assert json.loads(cli("history", aid, "--question", "child_seen", "--json").stdout)[0]["question_id"] == "child_seen"


@pytest.mark.parametrize("number", ["99999999999999999999", "9223372036854775808", "0", "-1"])
def test_reply_to_a_number_no_comment_can_have(cli: Cli, number: str) -> None:
    aid = cli.new()[:8]
    assert "not a comment number" in cli(*PAT, "comment", aid, "--reply-to", number, "text", code=2).stderr


def test_reply_to_overflow_in_the_store(tmp_path: Path, questionnaire) -> None:
    from sg_assess.errors import NotFound
    from sg_assess.store.repository import Store

    with Store.open(tmp_path / "s.db") as store:
        aid = store.create_assessment(questionnaire=questionnaire, actor="A", child_name="Ada", dob="2019-01-15")
        with pytest.raises(NotFound, match="no comment"):
            store.add_comment(aid, "x", actor="A", role="practitioner", reply_to=10**20)
        first = store.add_comment(aid, "x", actor="A", role="practitioner")
        assert store.add_comment(aid, "y", actor="A", role="practitioner", reply_to=first) > first


@pytest.mark.parametrize("payload", ["[" * 100_000 + "]" * 100_000,
                                     '{"format": "sg-assess/bundle", "format_version": 1, "content": '
                                     + '{"a": ' * 5_000 + "1" + "}" * 5_000 + "}"], ids=["brackets", "nested-content"])
def test_import_of_deeply_nested_json_is_one_line(cli: Cli, tmp_path: Path, payload: str) -> None:
    bundle = tmp_path / "deep.json"
    bundle.write_text(payload, encoding="utf-8")
    assert "nested too deeply" in cli(*PAT, "import", str(bundle), code=1).stderr


def test_demo_never_uses_the_database_named_in_the_environment(cli: Cli, isolated_env: Path) -> None:
    aid = cli.new()
    before = cli.db.read_bytes()
    result = CliRunner().invoke(app, ["demo"], env={"SG_ASSESS_DB": str(cli.db)})
    assert result.exit_code == 0, result.output
    assert str(isolated_env / "data" / "sg-assess-demo.db") in result.stdout
    assert cli.db.read_bytes() == before and [r["id"] for r in json.loads(cli("list", "--json").stdout)] == [aid]


def test_demo_refuses_an_explicit_real_database(cli: Cli) -> None:
    cli.new()
    assert "holds real assessments" in cli("demo", code=2).stderr


def test_config_strips_escapes_from_what_it_shows(cli: Cli, isolated_env: Path) -> None:
    config = isolated_env / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('user = "Sam\\u001b]0;owned\\u0007 \\u009b31mWorker"\ntheme = "\\u001b[2Jnord"\n', encoding="utf-8")
    shown = cli("config", env={"SG_ASSESS_USER": ""}).stdout
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert "Sam]0;owned 31mWorker" in shown and "[2Jnord" in shown
    cli("config", "--name", "Kim\x1b[31m Other", env={"SG_ASSESS_USER": ""})
    assert "\x1b" not in config.read_text(encoding="utf-8")


def test_show_json_escapes_c1_controls_and_bidi_overrides(cli: Cli) -> None:
    aid = cli.new()[:8]
    hostile = "a\u009b31mb\u202ec\u2066d"
    cli(*PAT, "answer", aid, "danger_statements", hostile)
    raw = cli("show", aid, "--json").stdout
    assert "\u009b" not in raw and "\u202e" not in raw and "\u2066" not in raw
    assert "\\u009b" in raw and "\\u202e" in raw
    assert json.loads(raw)["answers"]["danger_statements"] == hostile  # the same data, written safely
    exported = cli("export", aid, "--format", "json", "-o", "-").stdout
    assert "\u009b" not in exported and json.loads(exported)["assessment"]["answers"]["danger_statements"] == hostile


@pytest.mark.parametrize("args", [["list", "--child", "J\udcf6rg"], ["list", "--search", "J\udcf6rg"]])
def test_an_argument_that_is_not_utf8_is_one_line(cli: Cli, args: list[str]) -> None:
    cli.new()
    result = cli(*args, code=cli_code(args))
    assert "Ada" not in result.stdout


def cli_code(args: list[str]) -> int:
    return 2 if "--child" in args else 0  # a search for it simply finds nothing


def test_invalid_utf8_from_a_real_shell(cli: Cli, isolated_env: Path) -> None:
    cli.new()
    done = subprocess.run([sys.executable, "-m", "sg_assess", "list", "--child", b"J\xf6rg"], capture_output=True,
                          env=_env(isolated_env, cli.db), timeout=120)
    assert done.returncode == 2 and crash_reports(isolated_env) == []
    assert done.stderr.decode().strip() == ("sg-assess: an argument is not valid UTF-8 text; check the terminal's or "
                                            "the script's encoding")
