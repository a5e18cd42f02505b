"""'sg-assess check' on a team database: every seal, and every rule the server enforces still in place.

The database owner (or a superuser) is not bound by the rules: they can drop or disable a trigger, rewrite a
rule, widen a grant, or alter a signed-off record behind the triggers' backs.  'check' says so, one line each.
"""

from __future__ import annotations

import json

import psycopg
import pytest
from typer.testing import CliRunner

from sg_assess.cli import app
from sg_assess.store.repository import Store

pytestmark = [pytest.mark.xdist_group("postgresql"), pytest.mark.postgresql]

PAT = {"actor": "pat", "role": "practitioner"}
SUE = {"actor": "sue", "role": "supervisor"}


@pytest.fixture
def signed(pg_server, team_db, clock, questionnaire) -> str:
    with Store.open(pg_server.login(team_db, "pat", "practitioner"), clock=clock) as pat:
        aid = pat.create_assessment(questionnaire=questionnaire, child_name="Ada Example", dob="2019-01-15",
                                    assessment_date="2026-03-02", **PAT)
        pat.save_answer(aid, "danger_statements", "Worried about the stairs", **PAT)
        pat.submit(aid, reason="Sent now; the rest follows", **PAT)
    with Store.open(pg_server.login(team_db, "sue", "supervisor"), clock=clock) as sue:
        sue.sign_off(aid, score=6, reason="The stair gate is in", outcome="Early help", **SUE)
    return aid


@pytest.fixture
def owner(pg_server, team_db):
    """The administrator's connection to the team database: trusted, and not bound by the rules."""
    conn = psycopg.connect(pg_server.url(team_db, pg_server.admin.username), autocommit=True)
    yield conn
    conn.close()


def check(pg_server, team_db, *args: str):
    url = pg_server.login(team_db, "pat", "practitioner")
    return CliRunner().invoke(app, ["--db", url, "check", *args])


def test_a_sound_team_database_checks_ok(pg_server, team_db, signed) -> None:
    result = check(pg_server, team_db)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith(": ok")
    data = json.loads(check(pg_server, team_db, "--json").stdout)
    assert data["ok"] is True and data["problems"] == []


def test_a_dropped_trigger_is_reported(pg_server, team_db, signed, owner) -> None:
    owner.execute("DROP TRIGGER history_rules ON history")
    result = check(pg_server, team_db)
    assert result.exit_code == 1
    assert "history_rules" in result.stdout and "are missing" in result.stdout
    assert all(line.startswith("problem: ") for line in result.stdout.splitlines())


def test_a_disabled_trigger_is_reported(pg_server, team_db, signed, owner) -> None:
    owner.execute("ALTER TABLE answer DISABLE TRIGGER answer_rules")
    result = check(pg_server, team_db)
    assert result.exit_code == 1 and "answer_rules are disabled" in result.stdout


def test_a_rewritten_rule_or_a_wider_grant_is_reported(pg_server, team_db, signed, owner) -> None:
    owner.execute("CREATE OR REPLACE FUNCTION sg_is_supervisor() RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT true $$")
    owner.execute("GRANT UPDATE ON review TO sg_practitioner")
    owner.execute("ALTER ROLE pat CREATEROLE")
    owner.execute("GRANT sg_supervisor TO sg_practitioner")
    try:
        out = check(pg_server, team_db).stdout
    finally:  # logins and groups belong to the whole server
        owner.execute("ALTER ROLE pat NOCREATEROLE")
        owner.execute("REVOKE sg_supervisor FROM sg_practitioner")
    assert "sg_is_supervisor" in out and "not as sg-assess wrote them" in out
    assert "UPDATE on review to sg_practitioner" in out
    assert "the team logins pat can create roles" in out
    assert "every practitioner counts as a supervisor" in out


def test_a_signed_off_record_changed_behind_the_triggers_is_reported(pg_server, team_db, signed, owner) -> None:
    with owner.transaction():
        owner.execute("ALTER TABLE answer DISABLE TRIGGER answer_rules")
        owner.execute("UPDATE answer SET value = '\"rewritten\"' WHERE assessment_id = %s", (signed,))
        owner.execute("ALTER TABLE answer ENABLE TRIGGER answer_rules")
    result = check(pg_server, team_db)
    assert result.exit_code == 1
    assert f"assessment {signed[:8]} is not as it was signed off (its answers changed" in result.stdout


def test_team_init_puts_back_what_check_reports(pg_server, team_db, signed, owner) -> None:
    from sg_assess.store import team

    owner.execute("DROP TRIGGER review_decides ON review")
    owner.execute("ALTER TABLE history DISABLE TRIGGER history_rules")
    owner.execute("ALTER FUNCTION sg_owner_edits() RESET search_path")
    owner.execute("GRANT DELETE ON comment TO sg_supervisor")
    assert len(check(pg_server, team_db).stdout.splitlines()) == 4
    engine = team.connect(pg_server.url(team_db, pg_server.admin.username))
    try:
        team.init(engine)  # as its message says
    finally:
        engine.dispose()
    result = check(pg_server, team_db)
    assert result.exit_code == 0, result.output
