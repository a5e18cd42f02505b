"""Supervision: every allowed and refused transition, sign-off freezing the record by every path, the CLI."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sg_assess.cli import app
from sg_assess.errors import NotFound, Refused, UsageError, ValidationError
from sg_assess.export.jsonexport import render_json
from sg_assess.export.markdown import render_markdown
from sg_assess.store.db import SCHEMA_VERSION
from sg_assess.store.repository import Store
from tests.clirun import Target
from tests.conftest import DATABASES, SQLITE_ONLY, on_server

PAT = {"actor": "Pat Practitioner", "role": "practitioner"}
SUE = {"actor": "Sue Supervisor", "role": "supervisor"}
SAM = {"actor": "Sam Supervisor", "role": "supervisor"}


@pytest.fixture
def store(any_store):
    """The store-level tests run on a SQLite file and on a team database, each person on their own login there.

    SQLITE_ONLY: a SQL client on the file (the server's own backstop has its own tests, as an app login with
    psycopg), the CLI (its suite runs on both databases itself) and migrations of old files.
    """
    return any_store


@pytest.fixture
def draft(store: Store, questionnaire) -> str:
    aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada Example", dob="2019-01-15",
                                  assessment_date="2026-03-02", **PAT)
    store.save_answer(aid, "danger_statements", "Worried about the stairs", **PAT)
    store.save_answer(aid, "next_steps", [{"what": "Stair gate", "who": "Mum", "by_when": "2026-03-09",
                                           "review_date": "2026-03-20"}], **PAT)
    return aid


@pytest.fixture
def signed(store: Store, draft: str) -> str:
    store.submit(draft, reason="Sent now; the rest follows", **PAT)
    store.sign_off(draft, score=6, reason="The stair gate is in", outcome="Early help", **SUE)
    return draft


def status(store: Store, aid: str) -> str:
    return store.summary(aid).status


def file_state(path: Path) -> str:
    wal = Path(f"{path}-wal")
    return hashlib.sha256(path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")).hexdigest()


def database_state(store: Store, path: Path) -> str:
    """The file as it rests; on a team database, every row of every table."""
    if not on_server(store):
        store.engine.dispose()  # let SQLite checkpoint; compare the file as it rests
        return file_state(path)
    with store.engine.connect() as conn:
        tables = sorted(r[0] for r in conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))
        rows = {t: sorted(map(repr, conn.exec_driver_sql(f'SELECT * FROM "{t}"'))) for t in tables}
    return hashlib.sha256(repr(rows).encode()).hexdigest()


# -- transitions -----------------------------------------------------------------------------


def test_the_whole_round(store: Store, draft: str, clock) -> None:
    assert status(store, draft) == "draft"
    store.submit(draft, reason="Sent now; the rest follows", **PAT)
    assert status(store, draft) == "submitted" and [r.id for r in store.review_queue()] == [draft]
    store.return_assessment(draft, comment="Please add the father's view", **SUE)
    assert status(store, draft) == "returned" and store.review_queue() == []
    store.save_answer(draft, "existing_strengths", "Grandma visits daily", **PAT)  # editable again
    clock.advance(minutes=5)
    store.submit(draft, reason="Sent now; the rest follows", **PAT)
    declaration = store.sign_off(draft, score=7, reason="Safety plan holding", outcome="Early help", **SUE)
    record = store.get(draft)
    assert record.summary.status == "signed_off" and record.signed_off_at
    assert "Sue Supervisor (supervisor)" in declaration and "7 out of 10" in declaration
    assert [(r.decision, r.actor) for r in record.reviews] == [("returned", "Sue Supervisor"), ("signed_off", "Sue Supervisor")]
    assert record.sign_off.score == 7 and record.sign_off.comment == "Safety plan holding"
    kinds = [h.kind for h in record.history]
    assert kinds.count("submitted") == 2 and "returned" in kinds and "signed_off" in kinds
    assert all(h.role for h in record.history)  # every change records the role


def test_only_the_owner_edits_and_can_hand_over(store: Store, draft: str) -> None:
    with pytest.raises(Refused, match="only Pat Practitioner can edit"):
        store.save_answer(draft, "ethnicity", "x", actor="Kim Other", role="practitioner")
    with pytest.raises(Refused, match="only Pat Practitioner"):
        store.submit(draft, reason="Sent now; the rest follows", actor="Kim Other", role="practitioner")
    store.hand_over(draft, to="Kim Other", **PAT)
    store.save_answer(draft, "ethnicity", "x", actor="Kim Other", role="practitioner")
    with pytest.raises(Refused, match="only Kim Other"):
        store.save_answer(draft, "ethnicity", "y", **PAT)


def test_submitted_is_read_only(store: Store, draft: str) -> None:
    store.submit(draft, reason="Sent now; the rest follows", **PAT)
    for attempt in (lambda: store.save_answer(draft, "ethnicity", "x", **PAT),
                    lambda: store.submit(draft, reason="Sent now; the rest follows", **PAT),
                    lambda: store.hand_over(draft, to="Kim", **PAT)):
        with pytest.raises(Refused, match="submitted for review"):
            attempt()


@pytest.mark.parametrize("who", [PAT, {"actor": "Kim Other", "role": "practitioner"}])
def test_only_supervisors_return_or_sign_off(store: Store, draft: str, who: dict) -> None:
    store.submit(draft, reason="Sent now; the rest follows", **PAT)
    with pytest.raises(Refused, match="only a supervisor"):
        store.sign_off(draft, score=5, reason="r", outcome="Early help", **who)
    with pytest.raises(Refused, match="only a supervisor"):
        store.return_assessment(draft, comment="c", **who)
    assert status(store, draft) == "submitted"


def test_no_self_sign_off(store: Store, questionnaire) -> None:
    aid = store.create_assessment(questionnaire=questionnaire, child_name="Ben", dob="2019-01-15", **SUE)
    store.submit(aid, reason="Sent now; the rest follows", **SUE)
    with pytest.raises(Refused, match="you wrote or edited .* cannot sign it off"):
        store.sign_off(aid, score=5, reason="r", outcome="Early help", **SUE)
    with pytest.raises(Refused, match="cannot return it"):
        store.return_assessment(aid, comment="c", **SUE)
    store.sign_off(aid, score=5, reason="r", outcome="Early help", **SAM)  # another supervisor may


def test_a_supervisor_who_edited_cannot_sign_off(store: Store, draft: str) -> None:
    store.hand_over(draft, to="Sue Supervisor", **PAT)
    store.save_answer(draft, "ethnicity", "edited by Sue", actor="Sue Supervisor", role="supervisor")
    store.submit(draft, reason="Sent now; the rest follows", **SUE)
    with pytest.raises(Refused, match="you wrote or edited"):
        store.sign_off(draft, score=5, reason="r", outcome="Early help", **SUE)


def test_only_submitted_assessments_are_decided(store: Store, draft: str) -> None:
    with pytest.raises(Refused, match="not submitted"):
        store.sign_off(draft, score=5, reason="r", outcome="Early help", **SUE)
    with pytest.raises(Refused, match="not submitted"):
        store.return_assessment(draft, comment="c", **SUE)


@pytest.mark.parametrize(("score", "reason", "match"), [(11, "r", "0 to 10"), (-1, "r", "0 to 10"), (True, "r", "0 to 10"),
                                                         (5, "  ", "reason")])
def test_sign_off_needs_a_score_and_reason(store: Store, draft: str, score, reason: str, match: str) -> None:
    store.submit(draft, reason="Sent now; the rest follows", **PAT)
    with pytest.raises(ValidationError, match=match):
        store.sign_off(draft, score=score, reason=reason, outcome="Early help", **SUE)
    assert status(store, draft) == "submitted"


def test_returning_needs_a_comment(store: Store, draft: str) -> None:
    store.submit(draft, reason="Sent now; the rest follows", **PAT)
    with pytest.raises(ValidationError, match="comment"):
        store.return_assessment(draft, comment="   ", **SUE)
    assert status(store, draft) == "submitted"


def test_roles_are_checked(store: Store, draft: str) -> None:
    with pytest.raises(UsageError, match="practitioner or supervisor"):
        store.submit(draft, reason="Sent now; the rest follows", actor="Pat Practitioner", role="boss")


# -- after sign-off: frozen by every path -------------------------------------------------------


def test_signed_off_answers_are_refused_by_the_store_and_the_file_is_unchanged(
        store: Store, signed: str, db_path: Path) -> None:
    before = database_state(store, db_path)
    for attempt in (
        lambda: store.save_answer(signed, "ethnicity", "changed", **PAT),
        lambda: store.save_answer(signed, "danger_statements", None, **PAT),
        lambda: store.submit(signed, reason="Sent now; the rest follows", **PAT),
        lambda: store.hand_over(signed, to="Kim", **PAT),
        lambda: store.return_assessment(signed, comment="c", **SAM),
        lambda: store.sign_off(signed, score=1, reason="r", outcome="Early help", **SAM),
    ):
        with pytest.raises(Refused):
            attempt()
    assert database_state(store, db_path) == before


@SQLITE_ONLY  # a SQL client on the file; the server's are the rules' tests
def test_signed_off_answers_are_refused_by_the_database_itself(store: Store, signed: str, db_path: Path) -> None:
    """Even a SQL tool (or another program) cannot change a signed-off record: triggers refuse it."""
    store.close()
    before = file_state(db_path)
    conn = sqlite3.connect(db_path)
    try:
        for sql in (
            "UPDATE answer SET value = '\"hacked\"' WHERE assessment_id = ?",
            "DELETE FROM answer WHERE assessment_id = ?",
            "INSERT INTO answer VALUES (?, 'ethnicity', '\"x\"', 'now', 'me')",
            "UPDATE assessment SET status = 'draft' WHERE id = ?",
            "DELETE FROM assessment WHERE id = ?",
            "UPDATE review SET score = 10 WHERE assessment_id = ?",
            "UPDATE history SET actor = 'nobody' WHERE assessment_id = ?",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="signed off"):
                conn.execute(sql, (signed,))
            conn.rollback()
    finally:
        conn.close()
    assert file_state(db_path) == before


@SQLITE_ONLY  # the CLI suite runs on both databases itself
def test_signed_off_answers_are_refused_by_the_cli(store: Store, signed: str, db_path: Path) -> None:
    store.close()
    before = file_state(db_path)
    result = CliRunner().invoke(app, ["--db", str(db_path), "--as", "Pat Practitioner", "answer", signed[:8],
                                      "ethnicity", "changed"])
    assert result.exit_code == 1 and "signed off and can never be changed" in result.stderr
    assert "Traceback" not in result.output
    assert file_state(db_path) == before


def test_addenda_and_comments_add_to_a_signed_off_record(store: Store, signed: str) -> None:
    original = store.get(signed).answers
    number = store.add_addendum(signed, reason="Wrong date", addendum="The visit was on 3 March", **PAT)
    store.add_comment(signed, "Noted", **SUE)
    record = store.get(signed)
    assert record.answers == original
    assert [(a.id, a.author, a.reason, a.text) for a in record.addenda] == [
        (number, "Pat Practitioner", "Wrong date", "The visit was on 3 March")]
    md = render_markdown(record)
    assert md.index("## Addenda") > md.index("## Review and sign-off") > md.index("## Completeness")
    assert "The visit was on 3 March" in md.split("## Addenda")[1]  # after the original, never merged into it


def test_addenda_are_only_for_signed_off_records(store: Store, draft: str) -> None:
    with pytest.raises(Refused, match="addenda are for signed-off"):
        store.add_addendum(draft, reason="r", addendum="t", **PAT)
    with pytest.raises(ValidationError, match="reason"):
        store.add_addendum(draft, reason="", addendum="t", **PAT)


def test_the_child_is_shown_as_at_sign_off(store: Store, signed: str, questionnaire) -> None:
    child_id = store.summary(signed).child_id
    store.create_assessment(questionnaire=questionnaire, child_id=child_id, child_name="Ada Renamed", **PAT)
    assert store.get(signed).child.name == "Ada Example"


# -- comments ------------------------------------------------------------------------------------


def test_comments_on_sections_and_replies(store: Store, draft: str) -> None:
    first = store.add_comment(draft, "What does dad say?", section_id="worries", **SUE)
    reply = store.add_comment(draft, "He would not talk to me", reply_to=first, **PAT)
    whole = store.add_comment(draft, "Good start", **SUE)
    comments = store.get(draft).comments
    assert [(c.id, c.section_id, c.parent_id, c.author) for c in comments] == [
        (first, "worries", None, "Sue Supervisor"), (reply, "worries", first, "Pat Practitioner"),
        (whole, None, None, "Sue Supervisor")]
    with pytest.raises(ValidationError, match="no section"):
        store.add_comment(draft, "x", section_id="nope", **SUE)
    with pytest.raises(NotFound, match="no comment"):
        store.add_comment(draft, "x", reply_to=999, **SUE)
    with pytest.raises(ValidationError, match="comment is needed"):
        store.add_comment(draft, " ", **SUE)


# -- reading: queue, actions, chronology, exports ---------------------------------------------


def test_actions_due_follow_the_answers(store: Store, draft: str) -> None:
    due = store.actions_due()
    assert [(a.what, a.review_date, a.child_name) for a in due] == [("Stair gate", "2026-03-20", "Ada Example")]
    assert store.overdue_count("2026-03-21") == 1 and store.overdue_count("2026-03-20") == 0
    store.save_answer(draft, "next_steps", [{"what": "Stair gate", "who": "Mum", "review_date": "2026-03-20",
                                             "done": True}], **PAT)
    assert store.actions_due() == [] and len(store.actions_due(include_done=True)) == 1


def test_chronology_and_scores_over_time(store: Store, signed: str, questionnaire) -> None:
    child_id = store.summary(signed).child_id
    again = store.create_assessment(questionnaire=questionnaire, child_id=child_id, assessment_date="2026-09-01", **PAT)
    store.save_answer(again, "safety_scale", [{"who": "Mum", "score": 8, "date": "2026-09-01"}], **PAT)
    store.save_answer(again, "referral_made", "yes", **PAT)
    store.save_answer(again, "referral_date", "2026-08-20", **PAT)
    events, series = store.chronology(child_id)
    kinds = [e.kind for e in events]
    assert kinds.index("assessment") < kinds.index("signed_off") < kinds.index("referral")
    assert "action" in kinds
    assert series["Mum"] == [("2026-09-01", 8)] and series["Sue Supervisor (supervisor)"][0][1] == 6
    assert [e.date for e in events] == sorted(e.date for e in events)


def test_exports_carry_the_workflow(store: Store, signed: str) -> None:
    store.add_addendum(signed, reason="Typo", addendum="Correction", **PAT)
    store.add_comment(signed, "Seen", section_id="worries", **SUE)
    record = store.get(signed)
    md = render_markdown(record)
    assert "**Signed off** by Sue Supervisor (supervisor)" in md and "Declaration: I, Sue Supervisor" in md
    assert "## Comments" in md and "## History summary" in md and "- Submitted: Pat Practitioner" in md
    assert md == render_markdown(store.get(signed))  # stable
    data = json.loads(render_json(record))["assessment"]
    assert data["reviews"][0]["declaration"].startswith("I, Sue Supervisor")
    assert data["addenda"][0]["text"] == "Correction" and data["comments"][0]["section_id"] == "worries"
    assert data["status"] == "signed_off" and data["signed_off_at"]


def test_migrating_a_version_1_database(tmp_path: Path, questionnaire) -> None:
    """A database written by the first release is upgraded on open, its next steps indexed."""
    from alembic import command
    from alembic.config import Config

    from sg_assess.store import db

    path = tmp_path / "old.db"
    loc = db.resolve_location(path)
    db._create_file(path)
    engine = db.create_sqlite_engine(loc)
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(db.__file__).with_name("migrations")))
    with engine.execution_options(sg_write=True).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.exec_driver_sql(
            "INSERT INTO child VALUES ('c1', 'Old Child', '2019-01-01', NULL, 't', 't')")
        conn.exec_driver_sql("INSERT INTO questionnaire_def VALUES (?, ?, ?, ?, ?, 't')",
                             (questionnaire.content_hash, questionnaire.id, questionnaire.version, questionnaire.title,
                              questionnaire.source))
        conn.exec_driver_sql(
            "INSERT INTO assessment (seq, id, child_id, questionnaire_hash, questionnaire_id, questionnaire_version, "
            "assessment_date, age_band, status, practitioner, created_at, updated_at, required_answered, "
            "required_total, latest_score, revision) VALUES (1, 'a1', 'c1', ?, ?, 1, '2026-01-01', '5-9', 'draft', "
            "'Old Worker', 't', 't', 0, 40, NULL, 0)", (questionnaire.content_hash, questionnaire.id))
        conn.exec_driver_sql("INSERT INTO answer VALUES ('a1', 'next_steps', ?, 't', 'Old Worker')",
                             (json.dumps([{"what": "Visit", "who": "SW", "by_when": None, "review_date": "2026-02-01",
                                           "done": False}]),))
    engine.dispose()
    with Store.open(path) as store:
        assert store.get("a1").owner == "Old Worker"
        assert [a.what for a in store.actions_due()] == ["Visit"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION  # the newest


# -- the CLI -----------------------------------------------------------------------------------


class Cli:
    """The CLI as someone: on a file ``--as X --role Y``; on a team database X's own login in Y's group."""

    def __init__(self, target):  # noqa: ANN001 - tests.clirun.Target
        self.target = target

    def __call__(self, who: dict, *args: str, code: int = 0, input: str | None = None):  # noqa: A002
        argv = self.target.argv(["--as", who["actor"], "--role", who["role"], *args])
        result = CliRunner().invoke(app, argv, input=input)
        assert "Traceback" not in result.output + result.stderr
        assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
        if code:
            assert len(result.stderr.strip().splitlines()) == 1
        return result


@pytest.fixture(params=DATABASES)
def cli_target(request: pytest.FixtureRequest, tmp_path: Path) -> Target:
    """The CLI tests' database: a SQLite file, then a team database."""
    server = request.getfixturevalue("pg_server") if request.param == "postgresql" else None
    return Target(request.param, tmp_path / "cli é.db", server)


def test_cli_round_trip(cli_target: Target) -> None:
    cli = Cli(cli_target)
    aid = cli(PAT, "new", "--child", "Ada Example", "--dob", "2019-01-15",
              "--questionnaire", "safeguarding-assessment@1").stdout.strip()[:8]  # v1: the outcome in words
    cli(PAT, "answer", aid, "danger_statements", "Worried")
    assert "only a supervisor" in cli(PAT, "review", "sign-off", aid, "--score", "5", "--reason", "r", code=1).stderr
    assert "waiting for a supervisor" in cli(PAT, "submit", aid, "--reason", "r").stdout
    queue = json.loads(cli(SUE, "review", "list", "--json").stdout)
    assert [r["id"][:8] for r in queue] == [aid] and queue[0]["gaps"] > 0 and queue[0]["days_waiting"] >= 0
    assert "comment" in cli(SUE, "review", "return", aid, "--comment", "   ", code=1).stderr
    cli(SUE, "review", "return", aid, "--comment", "Add dad's view")
    cli(PAT, "comment", aid, "--section", "worries", "Dad would not talk")
    cli(PAT, "comment", aid, "--reply-to", "1", "-", input="Replying from stdin")
    cli(PAT, "submit", aid, "--reason", "r")
    out = cli(SUE, "review", "sign-off", aid, "--score", "6", "--reason", "Plan holding", "--outcome", "Early help").stdout
    assert "signed off" in out and "I, Sue Supervisor (supervisor)" in out
    assert "can never be changed" in cli(PAT, "answer", aid, "danger_statements", "x", code=1).stderr
    assert "addendum 1" in cli(PAT, "addendum", aid, "--reason", "Typo", "Correct text").stdout
    history = json.loads(cli(PAT, "history", aid, "--json").stdout)
    assert [h["kind"] for h in history][:2] == ["created", "answer"] and history[-1]["kind"] == "addendum"
    only = json.loads(cli(PAT, "history", aid, "--question", "danger_statements", "--json").stdout)
    assert {h["question_id"] for h in only} == {"danger_statements"}
    assert "Sue Supervisor" in cli(PAT, "history", aid).stdout
    child = json.loads(cli(PAT, "show", aid, "--json").stdout)["child"]["id"]
    chrono = json.loads(cli(PAT, "chronology", child[:8], "--json").stdout)
    assert {e["kind"] for e in chrono["events"]} >= {"assessment", "submitted", "returned", "signed_off", "addendum"}
    assert chrono["scores"]["Sue Supervisor (supervisor)"][0]["score"] == 6
    assert "Date" in cli(PAT, "chronology", child[:8]).stdout


@pytest.mark.parametrize(
    ("who", "args", "code", "message"),
    [
        (PAT, ["submit", "abcdef12"], 1, "no assessment"),
        ({"actor": "X", "role": "boss"}, ["submit", "{aid}"], 2, "practitioner or supervisor"),
        (SUE, ["review", "sign-off", "{aid}", "--score", "5", "--reason", "r"], 1, "not submitted"),
        (SUE, ["review", "sign-off", "{aid}", "--score", "15", "--reason", "r"], 1, "0 to 10"),
        (SUE, ["addendum", "{aid}", "--reason", "r", "t"], 1, "addenda are for signed-off"),
        ({"actor": "Kim", "role": "practitioner"}, ["answer", "{aid}", "ethnicity", "x"], 1, "only Pat Practitioner"),
        (PAT, ["comment", "{aid}", "--section", "nope", "x"], 1, "no section"),
        (PAT, ["chronology", "abcdef12"], 1, "no child"),
    ],
)
def test_cli_refusals(cli_target: Target, who: dict, args: list[str], code: int, message: str) -> None:
    cli = Cli(cli_target)
    aid = cli(PAT, "new", "--child", "Ada Example", "--dob", "2019-01-15").stdout.strip()[:8]
    if cli_target.on_server and who["role"] not in ("practitioner", "supervisor"):  # no such group: --role refused
        result = CliRunner().invoke(app, ["--db", cli_target.location(), "--role", who["role"], *args])
        assert result.exit_code == 2 and "in team mode you are your database login" in result.stderr
        return
    assert message in cli(who, *[a.format(aid=aid) for a in args], code=code).stderr


def test_cli_hand_over_and_actions(cli_target: Target) -> None:
    cli = Cli(cli_target)
    aid = cli(PAT, "new", "--child", "Ada Example", "--dob", "2019-01-15").stdout.strip()[:8]
    cli(PAT, "answer", aid, "next_steps", '[{"what": "Visit", "who": "SW", "review_date": "2000-01-01"}]')
    assert "Kim Other's to edit" in cli(PAT, "hand-over", aid, "--to", "Kim Other").stdout
    cli({"actor": "Kim Other", "role": "practitioner"}, "answer", aid, "ethnicity", "x")
    out = cli(PAT, "actions").stdout
    assert "OVERDUE" in out and "Visit" in out
    assert json.loads(cli(PAT, "actions", "--json").stdout)[0]["overdue"] is True


def test_config_shows_and_sets_name_and_role(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    overridden = runner.invoke(app, ["config"])
    assert "Test Worker  (from SG_ASSESS_USER" in overridden.stdout
    monkeypatch.delenv("SG_ASSESS_USER")
    result = runner.invoke(app, ["config", "--name", "Sam Worker", "--role", "Supervisor"])
    assert result.exit_code == 0 and "Sam Worker" in result.stdout and "supervisor" in result.stdout
    text = (isolated_env / "config.toml").read_text()
    assert 'user = "Sam Worker"' in text and 'role = "supervisor"' in text
    bad = runner.invoke(app, ["config", "--role", "boss"])
    assert bad.exit_code == 2 and "practitioner or supervisor" in bad.stderr
