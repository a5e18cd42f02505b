"""The headless core never imports Textual, and importing sg-assess creates nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

RUN_AND_REPORT = textwrap.dedent(
    """
    import json, sys
    from sg_assess.cli import main
    sys.argv = ["sg-assess", *json.loads(sys.argv[1])]
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code or 0
    loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
    print("\\nRESULT " + json.dumps({"code": code, "textual": loaded}))
    """
)


def run_cli(args: list[str], env_home: Path, stdin: str = "", extra: dict[str, str] | None = None) -> dict:
    env = {
        "SG_ASSESS_DATA_DIR": str(env_home / "data"),
        "SG_ASSESS_CONFIG": str(env_home / "config.toml"),
        "SG_ASSESS_USER": "Hygiene Test",
        "PATH": "",
        "PYTHONIOENCODING": "utf-8",
    }
    proc = subprocess.run([sys.executable, "-c", RUN_AND_REPORT, json.dumps(args)], capture_output=True, text=True,
                          input=stdin, env={**_base_env(), **env, **(extra or {})}, timeout=120)
    line = next(line for line in proc.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def _base_env() -> dict[str, str]:
    import os

    keep = ("SYSTEMROOT", "HOME", "USERPROFILE", "APPDATA", "LOCALAPPDATA", "TMP", "TEMP", "VIRTUAL_ENV")
    return {k: v for k, v in os.environ.items() if k in keep}


@pytest.mark.slow
def test_headless_commands_never_import_textual(tmp_path: Path) -> None:
    home = tmp_path / "home é"
    db = str(home / "h.db")
    created = run_cli(["--db", db, "new", "--child", "Ada", "--dob", "2019-01-01", "--json"], home)
    assert created == {"code": 0, "textual": []}
    with_db = lambda *args: ["--db", db, *args]  # noqa: E731
    from sg_assess.store.repository import Store

    with Store.open(db) as store:
        aid = store.list()[0].id[:8]
    commands = [
        ["--version"],
        ["--help"],
        with_db("list"),
        with_db("list", "--json", "--search", "x"),
        with_db("answer", aid, "ethnicity", "x"),
        with_db("show", aid),
        with_db("show", aid, "--json"),
        with_db("export", aid, "-o", str(tmp_path / "e.md")),
        with_db("export", "--all", "--out", str(tmp_path / "all")),
        ["questionnaires", "list"],
        ["questionnaires", "check", str(Path(__file__).parents[1] / "questionnaires" / "safeguarding-assessment.toml")],
        with_db("paths"),
        with_db("check"),
        with_db("backup", str(tmp_path / "b.db")),
        ["--db", str(tmp_path / "demo.db"), "demo"],
        with_db("show", "zzzzzzzz"),  # an error path too
    ]
    for args in commands:
        result = run_cli(args, home)
        assert result["textual"] == [], args
        assert result["code"] == (1 if args[-1:] == ["zzzzzzzz"] else 0), (args, result)


@pytest.mark.slow
@pytest.mark.postgresql
@pytest.mark.xdist_group("postgresql")
def test_team_commands_never_import_textual(tmp_path: Path, pg_server, team_db: str) -> None:
    """On a team database too: the commands, 'team ...' for IT (cli_team) and the refusals."""
    import os

    home = tmp_path / "home é"
    admin = pg_server.url(team_db, pg_server.admin.username)
    pat = pg_server.login(team_db, "Pat Practitioner", "practitioner")
    extra = {"PGPASSFILE": os.environ["PGPASSFILE"]}
    created = run_cli(["--db", pat, "new", "--child", "Ada", "--dob", "2019-01-01"], home, extra=extra)
    assert created == {"code": 0, "textual": []}
    for args, code in ((["--db", pat, "list"], 0), (["--db", pat, "check"], 0), (["--db", pat, "backup"], 2),
                       (["--db", pat, "--role", "supervisor", "list"], 2), (["--db", admin, "team", "init"], 0),
                       (["--db", admin, "team", "list-users", "--json"], 0),
                       (["--db", admin, "team", "set-role", "Pat Practitioner", "--role", "practitioner"], 0)):
        result = run_cli(args, home, extra=extra)
        assert result == {"code": code, "textual": []}, args


def test_importing_creates_no_files_or_folders(tmp_path: Path) -> None:
    home = tmp_path / "never made"
    code = textwrap.dedent(
        """
        import sg_assess, sg_assess.cli, sg_assess.paths, sg_assess.config, sg_assess.store.repository
        import sg_assess.store.db, sg_assess.export.markdown, sg_assess.export.jsonexport, sg_assess.demo
        import sg_assess.questionnaire.loader, sg_assess.crash
        """
    )
    env = {**_base_env(), "SG_ASSESS_DATA_DIR": str(home / "data"), "SG_ASSESS_CONFIG": str(home / "c.toml")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert not home.exists()


def test_cli_commands_never_open_a_network_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from typer.testing import CliRunner

    from sg_assess.cli import app

    attempts: list[object] = []

    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003
        attempts.append(args)
        raise OSError("network blocked by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    runner = CliRunner()
    db = str(tmp_path / "n.db")
    aid = runner.invoke(app, ["--db", db, "new", "--child", "Ada", "--dob", "2019-01-01"]).stdout.strip()[:8]
    for args in (["answer", aid, "ethnicity", "x"], ["list", "--search", "ada"], ["show", aid],
                 ["export", aid, "-o", str(tmp_path)], ["export", aid, "--format", "bundle", "-o", str(tmp_path)],
                 ["submit", aid, "--reason", "r"], ["history", aid], ["backup", str(tmp_path / "b.db")], ["check"],
                 ["questionnaires", "list"]):
        result = runner.invoke(app, ["--db", db, *args])
        assert result.exit_code == 0, (args, result.stderr)
    assert runner.invoke(app, ["--db", str(tmp_path / "demo.db"), "demo"]).exit_code == 0
    assert attempts == []
