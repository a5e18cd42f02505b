"""The CLI on a team database: two logins through the whole workflow, identity from the login, the
password prompt, what is refused there (backup, restore, demo, --as/--role), and 'sg-assess team' for IT."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sg_assess.cli import app
from tests.conftest import ON_SERVER
from tests.pgserver import PASSWORD

pytestmark = [ON_SERVER, pytest.mark.postgresql]


def run(*args: str, input: str | None = None, code: int = 0):  # noqa: A002
    """One CLI run in this process; a failure is exactly one 'sg-assess: ...' line."""
    result = CliRunner().invoke(app, list(args), input=input)
    assert "Traceback" not in result.output + result.stderr
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    if code:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("sg-assess: "), result.stderr
    return result


def process(url: str, *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    """One CLI run in a process of its own (as a person at their own machine)."""
    proc = subprocess.run([sys.executable, "-m", "sg_assess", "--db", url, *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    if code:
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    return proc


@pytest.fixture
def people(pg_server, team_db: str) -> dict[str, str]:
    """Two logins on one team database: Pat, a practitioner, and Sue, a supervisor."""
    return {"pat": pg_server.login(team_db, "Pat Practitioner", "practitioner"),
            "sue": pg_server.login(team_db, "Sue Supervisor", "supervisor")}


@pytest.fixture
def no_password_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """libpq finds no password: an empty password file, and no PGPASSWORD."""
    empty = tmp_path / "empty-pgpass"
    empty.write_text("", encoding="utf-8")
    os.chmod(empty, 0o600)
    monkeypatch.setenv("PGPASSFILE", str(empty))
    monkeypatch.delenv("PGPASSWORD", raising=False)


# -- two people, two processes, one team database ------------------------------------------------------


def test_the_whole_workflow_from_two_processes(people: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SG_ASSESS_ROLE", "supervisor")  # configures a file: ignored in team mode
    pat, sue = people["pat"], people["sue"]
    aid = process(pat, "new", "--child", "Ada Example", "--dob", "2019-01-15",
                  "--questionnaire", "safeguarding-assessment@1").stdout.strip()[:8]
    process(pat, "answer", aid, "danger_statements", "Worried about the stairs")
    assert "waiting for a supervisor" in process(pat, "submit", aid, "--reason", "the rest follows").stdout
    refused = process(pat, "review", "sign-off", aid, "--score", "5", "--reason", "r", code=1)
    assert "only a supervisor" in refused.stderr  # SG_ASSESS_ROLE=supervisor did not make Pat one
    assert [r["id"][:8] for r in json.loads(process(sue, "review", "list", "--json").stdout)] == [aid]
    process(sue, "review", "return", aid, "--comment", "Add dad's view")
    process(pat, "answer", aid, "existing_strengths", "Grandma visits daily")
    process(pat, "submit", aid, "--reason", "the rest follows")
    out = process(sue, "review", "sign-off", aid, "--score", "6", "--reason", "Plan holding",
                  "--outcome", "Early help").stdout
    assert "signed off" in out and "Sue Supervisor" in out
    assert "can never be changed" in process(pat, "answer", aid, "danger_statements", "x", code=1).stderr
    history = json.loads(process(pat, "history", aid, "--json").stdout)
    assert {(h["actor"], h["role"]) for h in history} == {("Pat Practitioner", "practitioner"),
                                                         ("Sue Supervisor", "supervisor")}  # never 'Test Worker'
    assert json.loads(process(sue, "show", aid, "--json").stdout)["status"] == "signed_off"


def test_a_supervisor_login_cannot_sign_off_their_own_work(pg_server, team_db: str) -> None:
    sue = pg_server.login(team_db, "Sue Supervisor", "supervisor")
    aid = run("--db", sue, "new", "--child", "Ada Example", "--dob", "2019-01-15").stdout.strip()[:8]
    run("--db", sue, "submit", aid, "--reason", "r")
    assert "you wrote or edited" in run("--db", sue, "review", "sign-off", aid, "--score", "5", "--reason", "r",
                                        code=1).stderr


@pytest.mark.parametrize("claim", [["--role", "supervisor"], ["--as", "Sue Supervisor"],
                                   ["--as", "Sue Supervisor", "--role", "supervisor"]])
def test_a_practitioner_login_claiming_to_be_someone_else_is_refused(people: dict[str, str], claim: list[str]) -> None:
    result = run("--db", people["pat"], *claim, "list", code=2)
    assert "in team mode you are your database login" in result.stderr and "--as/--role" in result.stderr


def test_as_and_role_still_work_on_a_file(tmp_path: Path) -> None:
    db = str(tmp_path / "f.db")
    aid = run("--db", db, "--as", "Kim", "--role", "supervisor", "new", "--child", "A", "--dob", "2019-01-01").stdout
    assert json.loads(run("--db", db, "history", aid.strip()[:8], "--json").stdout)[0]["actor"] == "Kim"


def test_the_environment_names_nobody_in_team_mode(people: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SG_ASSESS_USER", "Somebody Else")
    monkeypatch.setenv("SG_ASSESS_ROLE", "supervisor")
    monkeypatch.setenv("SG_ASSESS_DB", people["pat"])  # --db from the environment: the same login rules
    aid = run("new", "--child", "Ada Example", "--dob", "2019-01-15").stdout.strip()[:8]
    entry = json.loads(run("history", aid, "--json").stdout)[0]
    assert (entry["actor"], entry["role"]) == ("Pat Practitioner", "practitioner")


# -- where the database is named, and passwords ------------------------------------------------------------


def test_the_config_names_the_team_database(people: dict[str, str], isolated_env: Path) -> None:
    isolated_env.mkdir(parents=True, exist_ok=True)
    (isolated_env / "config.toml").write_text(f'database = "{people["pat"]}"\n', encoding="utf-8")
    aid = run("new", "--child", "Ada Example", "--dob", "2019-01-15").stdout.strip()[:8]
    assert [r["id"][:8] for r in json.loads(run("list", "--json").stdout)] == [aid]


def test_a_password_in_the_config_is_refused(people: dict[str, str], isolated_env: Path) -> None:
    isolated_env.mkdir(parents=True, exist_ok=True)
    with_password = people["pat"].replace("Practitioner@", f"Practitioner:{PASSWORD}@")
    (isolated_env / "config.toml").write_text(f'database = "{with_password}"\n', encoding="utf-8")
    result = run("list", code=2)
    assert "config" in result.stderr and "password" in result.stderr and PASSWORD not in result.stderr


@pytest.mark.parametrize("where", ["user", "query"])
def test_a_password_in_the_url_is_refused(people: dict[str, str], where: str) -> None:
    url = people["pat"]
    url = url.replace("Practitioner@", f"Practitioner:{PASSWORD}@") if where == "user" else f"{url}?password={PASSWORD}"
    result = run("--db", url, "list", code=1)
    assert "password does not belong in the database URL" in result.stderr and PASSWORD not in result.stderr


def test_libpq_finds_the_password_in_pgpassword(people: dict[str, str], no_password_file: None,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    assert run("--db", people["pat"], "list").exit_code == 0


def test_a_password_is_asked_for_once_at_a_terminal(people: dict[str, str], no_password_file: None,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr("sg_assess.cli_base.stdin_is_terminal", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": asked.append(prompt) or PASSWORD)
    aid = run("--db", people["pat"], "new", "--child", "Ada Example", "--dob", "2019-01-15").stdout.strip()
    assert len(aid) == 36 and len(asked) == 1 and "Pat Practitioner" in asked[0]


def test_a_wrong_password_typed_is_one_line(people: dict[str, str], no_password_file: None,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr("sg_assess.cli_base.stdin_is_terminal", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": asked.append(prompt) or "wrong")
    assert "right password" in run("--db", people["pat"], "list", code=1).stderr
    assert len(asked) == 1  # asked once, not again and again


def test_no_prompt_without_a_terminal(people: dict[str, str], no_password_file: None,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getpass", lambda prompt="": pytest.fail("asked without a terminal"))
    said = run("--db", people["pat"], "list", input="", code=1).stderr
    assert "asks for the password of the login" in said and "none was found" in said


def test_a_server_that_is_down_is_one_line() -> None:
    result = run("--db", "postgresql://nobody@127.0.0.1:1/team", "list", code=1)
    assert "cannot reach the team database" in result.stderr


# -- commands that are for files, and the rest on a team database ------------------------------------------


def test_backup_and_restore_point_at_the_servers_own_backups(people: dict[str, str], tmp_path: Path) -> None:
    for args in (["backup"], ["backup", str(tmp_path / "b.db")], ["restore", str(tmp_path / "b.db")]):
        assert "backed up by its server" in run("--db", people["pat"], *args, code=2).stderr
    assert not (tmp_path / "b.db").exists()


def test_no_daily_backup_after_a_write_to_a_team_database(people: dict[str, str], isolated_env: Path) -> None:
    run("--db", people["pat"], "new", "--child", "Ada Example", "--dob", "2019-01-15")
    data = isolated_env / "data"
    assert not data.exists() or not any(data.rglob("*.db"))


def test_check_on_a_team_database(people: dict[str, str]) -> None:
    assert run("--db", people["pat"], "check").stdout.strip().endswith(": ok")
    assert "problems" in run("--db", people["pat"], "check", "--json").stdout


def test_demo_never_writes_to_a_team_database(people: dict[str, str], isolated_env: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    assert "never writes to a team database" in run("--db", people["pat"], "demo", code=2).stderr
    monkeypatch.setenv("SG_ASSESS_DB", people["pat"])  # the real records: the demo keeps to its own file
    assert "Created the demo database" in run("demo").stdout
    assert json.loads(run("list", "--json").stdout) == []
    assert (isolated_env / "data" / "sg-assess-demo.db").exists()


def test_paths_shows_the_team_database(people: dict[str, str]) -> None:
    data = json.loads(run("--db", people["pat"], "paths", "--json").stdout)
    assert data["database"].startswith("postgresql://") and "Pat" in data["database"]


def test_bundles_between_a_file_and_a_team_database(people: dict[str, str], tmp_path: Path) -> None:
    """A practitioner offline on SQLite hands a bundle into the team database, and back."""
    offline = str(tmp_path / "laptop.db")
    aid = run("--db", offline, "--as", "Pat Practitioner", "new", "--child", "Ada Example", "--dob", "2019-01-15",
              "--questionnaire", "safeguarding-assessment@1").stdout.strip()
    run("--db", offline, "--as", "Pat Practitioner", "answer", aid[:8], "danger_statements", "Worried")
    bundle = Path(run("--db", offline, "export", aid[:8], "--format", "bundle", "-o", str(tmp_path) + "/").stdout.strip())
    assert "imported" in run("--db", people["pat"], "import", str(bundle)).stdout
    assert json.loads(run("--db", people["pat"], "show", aid[:8], "--json").stdout)["answers"]["danger_statements"] \
        == "Worried"
    out = tmp_path / "back"
    back = Path(run("--db", people["sue"], "export", aid[:8], "--format", "bundle", "-o", str(out) + "/").stdout.strip())
    assert "imported" in run("--db", str(tmp_path / "other.db"), "--as", "Kim", "import", str(back)).stdout


# -- 'sg-assess team' for IT ------------------------------------------------------------------------------


@pytest.fixture
def empty_db(pg_server) -> str:
    """A new, empty database (not set up yet), owned by the test administrator."""
    name = f"sg_e_{uuid.uuid4().hex[:16]}"
    pg_server.conn.execute(f'CREATE DATABASE "{name}"')
    pg_server.made.append(name)
    return name


@pytest.fixture
def new_logins(pg_server):
    """Names for logins a test adds; dropped afterwards (logins belong to the whole server)."""
    made: list[str] = []

    def name(stem: str) -> str:
        made.append(f"{stem}_{uuid.uuid4().hex[:8]}")
        return made[-1]

    yield name
    from psycopg import sql

    for login in made:
        pg_server.conn.execute(sql.SQL("DROP OWNED BY {} CASCADE").format(sql.Identifier(login))) \
            if pg_server.conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).fetchone() else None
        pg_server.conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(login)))


def test_team_init_sets_up_a_database_and_is_safe_to_run_again(pg_server, empty_db: str) -> None:
    admin = pg_server.url(empty_db, pg_server.admin.username)
    first = run("--db", admin, "team", "init").stdout
    assert "set up the team database" in first and "schema version 5" in first and "sg_supervisor" in first
    assert "already set up" in run("--db", admin, "team", "init").stdout
    assert isinstance(json.loads(run("--db", admin, "team", "list-users", "--json").stdout), list)


def test_team_init_refuses_a_login_that_is_not_the_owner(pg_server, empty_db: str) -> None:
    pat = pg_server.login(empty_db, "Pat Practitioner", "practitioner")
    assert "database's owner" in run("--db", pat, "team", "init", code=1).stderr


def test_a_database_not_set_up_sends_people_to_team_init(pg_server, empty_db: str) -> None:
    pat = pg_server.login(empty_db, "Pat Practitioner", "practitioner")
    assert "team init" in run("--db", pat, "list", code=1).stderr
    admin = pg_server.url(empty_db, pg_server.admin.username)
    assert "team init" in run("--db", admin, "team", "list-users", code=1).stderr


def test_team_add_user_then_they_work(pg_server, team_db: str, new_logins) -> None:
    admin = pg_server.url(team_db, pg_server.admin.username)
    login = new_logins("newpat")
    out = run("--db", admin, "team", "add-user", login, "--role", "practitioner", "--name", "New Pat",
              input=f"{PASSWORD}\n").stdout
    assert f"added {login} (New Pat) as a practitioner" in out
    listed = json.loads(run("--db", admin, "team", "list-users", "--json").stdout)
    assert {"login": login, "display_name": "New Pat", "role": "practitioner"} in listed
    assert login in run("--db", admin, "team", "list-users").stdout
    theirs = pg_server.url(team_db, login)  # the password given on standard input is theirs (PGPASSFILE has it)
    assert json.loads(run("--db", theirs, "list", "--json").stdout) == []  # they can connect, and read
    pat = pg_server.login(team_db, "Pat Practitioner", "practitioner")
    aid = run("--db", pat, "new", "--child", "Ada Example", "--dob", "2019-01-15").stdout.strip()[:8]
    run("--db", pat, "submit", aid, "--reason", "r")
    assert "only a supervisor" in run("--db", theirs, "review", "return", aid, "--comment", "c", code=1).stderr
    assert f"{login} is now a supervisor" in run("--db", admin, "team", "set-role", login, "--role", "supervisor").stdout
    assert {"login": login, "display_name": "New Pat", "role": "supervisor"} in \
        json.loads(run("--db", admin, "team", "list-users", "--json").stdout)
    run("--db", theirs, "review", "return", aid, "--comment", "now they may")


def test_team_add_user_asks_twice_at_a_terminal(pg_server, team_db: str, new_logins,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    admin = pg_server.url(team_db, pg_server.admin.username)
    monkeypatch.setattr("sg_assess.cli_base.stdin_is_terminal", lambda: True)
    typed = iter(["secret-1", "secret-2"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    login = new_logins("typo")
    assert "differ" in run("--db", admin, "team", "add-user", login, "--role", "practitioner", code=2).stderr
    typed = iter([PASSWORD, PASSWORD])
    assert "added" in run("--db", admin, "team", "add-user", login, "--role", "supervisor").stdout


@pytest.mark.parametrize(
    ("args", "stdin", "code", "message"),
    [
        (["team", "add-user", "{existing}", "--role", "practitioner"], "pw\n", 2, "exists already"),
        (["team", "add-user", "{new}", "--role", "boss"], "pw\n", 2, "practitioner or supervisor"),
        (["team", "add-user", "{new}", "--role", "practitioner"], "", 2, "no password on standard input"),
        (["team", "add-user", "pg_sneaky", "--role", "practitioner"], "pw\n", 2, "reserved name"),
        (["team", "set-role", "{new}", "--role", "supervisor"], "", 1, "there is no login"),
        (["team", "set-role", "{existing}", "--role", "boss"], "", 2, "practitioner or supervisor"),
    ],
)
def test_team_command_errors_are_one_line(pg_server, team_db: str, new_logins, args: list[str], stdin: str,
                                          code: int, message: str) -> None:
    admin = pg_server.url(team_db, pg_server.admin.username)
    pg_server.login(team_db, "Pat Practitioner", "practitioner")
    filled = [a.format(existing="Pat Practitioner", new=new_logins("nobody")) for a in args]
    assert message in run("--db", admin, *filled, input=stdin, code=code).stderr


def test_team_commands_need_createrole(people: dict[str, str], new_logins) -> None:
    result = run("--db", people["pat"], "team", "add-user", new_logins("x"), "--role", "practitioner",
                 input="pw\n", code=1)
    assert "needs CREATEROLE" in result.stderr
    assert "needs CREATEROLE" in run("--db", people["pat"], "team", "set-role", "Sue Supervisor", "--role",
                                     "practitioner", code=1).stderr


def test_team_commands_need_a_team_database(tmp_path: Path) -> None:
    for args in (["team", "init"], ["team", "list-users"]):
        assert "need a team database" in run("--db", str(tmp_path / "x.db"), *args, code=2).stderr
    assert not (tmp_path / "x.db").exists()


def test_team_commands_on_a_server_that_is_down_or_a_wrong_password(pg_server, team_db: str, no_password_file: None,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assert "cannot reach" in run("--db", "postgresql://admin@127.0.0.1:1/team", "team", "init", code=1).stderr
    monkeypatch.setenv("PGPASSWORD", "not-the-password")
    admin = pg_server.url(team_db, pg_server.admin.username)
    assert "right password" in run("--db", admin, "team", "list-users", code=1).stderr


def test_display_names_are_shown_beside_logins(pg_server, team_db: str, people: dict[str, str]) -> None:
    admin = pg_server.url(team_db, pg_server.admin.username)
    run("--db", admin, "team", "set-role", "Pat Practitioner", "--role", "practitioner", "--name", "P. Practitioner [Team A]")
    aid = run("--db", people["pat"], "new", "--child", "Ada Example", "--dob", "2019-01-15").stdout.strip()[:8]
    run("--db", people["pat"], "submit", aid, "--reason", "r")
    assert "P. Practitioner [Team A] (Pat Practitioner)" in run("--db", people["pat"], "history", aid).stdout
    assert "P. Practitioner [Team A] (Pat Practitioner)" in run("--db", people["sue"], "review", "list").stdout.replace("\n", "")
    entry = json.loads(run("--db", people["pat"], "history", aid, "--json").stdout)[0]
    assert entry["actor"] == "Pat Practitioner"  # the record keeps the login; the name is only shown


def test_end_of_input_at_the_password_prompt_is_one_line(people: dict[str, str], no_password_file: None,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def ctrl_d(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr("sg_assess.cli_base.stdin_is_terminal", lambda: True)
    monkeypatch.setattr("getpass.getpass", ctrl_d)
    assert "no password typed" in run("--db", people["pat"], "list", code=2).stderr


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is POSIX")
def test_the_password_prompt_at_a_real_terminal(people: dict[str, str], no_password_file: None) -> None:
    """A process on a pseudo-terminal: asked once, the password typed is not echoed, and the command runs."""
    import pty
    import select

    pid, fd = pty.fork()
    if pid == 0:  # the child: sg-assess on the terminal
        os.execve(sys.executable, [sys.executable, "-m", "sg_assess", "--db", people["pat"], "list", "--json"],
                  {**os.environ, "PYTHONIOENCODING": "utf-8"})
    seen = b""

    def read_until(done) -> bytes:  # noqa: ANN001
        nonlocal seen
        while not done(seen):
            ready, _, _ = select.select([fd], [], [], 60)
            assert ready, seen
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        return seen

    read_until(lambda out: b"Password for Pat Practitioner" in out)
    os.write(fd, f"{PASSWORD}\n".encode())
    out = read_until(lambda out: False).decode("utf-8", "replace")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, out
    assert PASSWORD not in out and out.count("Password for") == 1 and "[]" in out


def test_a_display_name_is_text_not_control_characters(pg_server, team_db: str, new_logins) -> None:
    admin = pg_server.url(team_db, pg_server.admin.username)
    login = new_logins("ctl")
    run("--db", admin, "team", "add-user", login, "--role", "practitioner", "--name", "Eve\x00 \x1b]0;title\x07[red]X",
        input=f"{PASSWORD}\n")
    listed = {m["login"]: m for m in json.loads(run("--db", admin, "team", "list-users", "--json").stdout)}
    assert listed[login]["display_name"] == "Eve ]0;title[red]X"  # controls gone, the rest literal
    table = run("--db", admin, "team", "list-users").stdout
    assert "\x1b" not in table and "\x07" not in table and "[red]X" in table


def test_display_names_reach_what_people_read_and_never_a_redacted_export(pg_server, team_db: str,
                                                                          tmp_path: Path, questionnaire) -> None:
    """A court reads 'pat_d (Pat Doe)', not a bare login, in the export; the sign-off's declaration names the
    supervisor; the app's banner says who returned it. A redacted export shows neither the login nor the name."""
    from sg_assess.export.markdown import render_markdown
    from sg_assess.export.redact import redact
    from sg_assess.store.repository import Store
    from sg_assess.tui.screens.comments import last_return, return_banner

    admin = pg_server.url(team_db, pg_server.admin.username)
    pat, sue, kim = (pg_server.login(team_db, login, role) for login, role in
                     (("pat_d", "practitioner"), ("sue_r", "supervisor"), ("kim_o", "supervisor")))
    for login, name in (("pat_d", "Pat Doe"), ("sue_r", "Sue Roe"), ("kim_o", "Kim Oh")):
        run("--db", admin, "team", "set-role", login, "--role", "supervisor" if login != "pat_d" else "practitioner",
            "--name", name)
    with Store.open(pat) as p, Store.open(sue) as s:
        aid = p.create_assessment(questionnaire=questionnaire, actor="pat_d", role="practitioner", child_name="Ada",
                                  dob="2019-01-15")
        p.submit(aid, actor="pat_d", role="practitioner", reason="now")
        s.return_assessment(aid, actor="sue_r", role="supervisor", comment="Add the child's views")
        record = p.get(aid)
    assert record.people["pat_d"] == "Pat Doe" and record.person("sue_r") == "Sue Roe (sue_r)"
    assert record.person("someone else") == "someone else"  # a name the team does not know is shown as recorded
    markdown = render_markdown(record)
    assert "**Author:** Pat Doe (pat_d), practitioner" in markdown
    assert "**Returned** by Sue Roe (sue_r, supervisor)" in markdown and "(supervisor) (" not in markdown
    assert return_banner(last_return(record), record).startswith("Returned by Sue Roe (sue_r) on ")
    hidden = render_markdown(redact(record))
    assert "Pat Doe" not in hidden and "pat_d" not in hidden and "Sue Roe" not in hidden and "sue_r" not in hidden
    with Store.open(pat) as p, Store.open(kim) as k:
        p.save_answer(aid, "danger_statements", "Worried about the stairs", actor="pat_d", role="practitioner")
        p.save_answer(aid, "next_steps", [{"what": "Stair gate", "who": "Mum", "by_when": "2026-03-09",
                                           "review_date": "2026-03-20"}], actor="pat_d", role="practitioner")
        p.submit(aid, actor="pat_d", role="practitioner", reason="views added")
        declaration = k.sign_off(aid, actor="kim_o", role="supervisor", score=6, reason="ok", outcome="Early help")
    assert declaration.startswith("I, Kim Oh (kim_o, supervisor), have reviewed this assessment")


def test_it_checks_the_team_database_as_its_owner(pg_server, empty_db: str, new_logins) -> None:
    """IT sets up and checks a team database as its owner, a login in neither group."""
    from psycopg import sql

    owner = new_logins("owner")
    pg_server.conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(owner),
                                                                              sql.Literal(PASSWORD)))
    pg_server.conn.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(empty_db),
                                                                           sql.Identifier(owner)))
    url = pg_server.url(empty_db, owner)
    try:
        run("--db", url, "team", "init")
        assert run("--db", url, "check").stdout.strip().endswith(": ok")
        assert "not on the team" in run("--db", url, "list", code=1).stderr  # the owner is IT, not a practitioner
    finally:  # the owner's objects go with the database, so that the login can be dropped
        pg_server.conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(empty_db)))
        pg_server.made.remove(empty_db)


def test_a_display_name_of_spaces_is_refused_and_a_login_outside_the_groups_is_pointed_at_set_role(
        pg_server, team_db: str, new_logins) -> None:
    from psycopg import sql

    admin = pg_server.url(team_db, pg_server.admin.username)
    login = new_logins("blank")
    said = run("--db", admin, "team", "add-user", login, "--role", "practitioner", "--name", "   ",
               input=f"{PASSWORD}\n", code=2).stderr
    assert "the display name is empty" in said
    outsider = new_logins("outsider")
    pg_server.conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(outsider),
                                                                              sql.Literal(PASSWORD)))
    url = pg_server.url(team_db, outsider)
    assert f"team set-role {outsider} --role practitioner" in run("--db", url, "list", code=1).stderr
    assert "database's owner" in run("--db", url, "team", "init", code=1).stderr  # not 'permission denied'
    run("--db", admin, "team", "set-role", outsider, "--role", "practitioner", "--name", "Out Sider")
    assert run("--db", url, "list").exit_code == 0  # the advice given works


def test_config_on_a_team_database_says_the_login_is_who_you_are(people: dict[str, str]) -> None:
    out = run("--db", people["pat"], "config").stdout
    assert "team:" in out and "you are your database login" in out
    assert json.loads(run("--db", people["pat"], "config", "--json").stdout)["team_database"].startswith("postgresql")
