"""Issue 9: every row of a signed-off record frozen against a SQL tool, history append-only, folding never
crossing a workflow event, and 'check' proving each signed-off record is as it was signed off."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sg_assess.cli import app
from sg_assess.store.repository import Store
from tests.conftest import SQLITE_ONLY, on_server, reopen

PAT = {"actor": "Pat Practitioner", "role": "practitioner"}
SUE = {"actor": "Sue Supervisor", "role": "supervisor"}


@pytest.fixture
def store(any_store):
    """The store-level tests run on a SQLite file and on a team database.  SQLITE_ONLY: a SQL tool on the file,
    its triggers by name, 'check' of the file and migrations of old files (a team database's own rules are tested
    as an app login with psycopg, and its seals by the rules' tests)."""
    return any_store


@pytest.fixture
def draft(store: Store, questionnaire) -> str:
    aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada Example", dob="2019-01-15",
                                  assessment_date="2026-03-02", **PAT)
    store.save_answer(aid, "danger_statements", "Worried about the stairs", **PAT)
    store.save_answer(aid, "next_steps", [{"what": "Gate", "who": "Mum", "review_date": "2026-04-01"}], **PAT)
    store.add_comment(aid, "Dad?", **SUE)
    return aid


@pytest.fixture
def signed(store: Store, draft: str, clock) -> str:
    store.submit(draft, reason="Sent now; the rest follows", **PAT)
    store.sign_off(draft, score=6, reason="Holding", outcome="Early help", **SUE)
    store.add_addendum(draft, reason="Typo", addendum="Correction", **PAT)
    store.close()
    return draft


def sql_tool(path: Path) -> sqlite3.Connection:
    """Like the sqlite3 shell: foreign keys off, autocommit off."""
    return sqlite3.connect(path)


FORBIDDEN_AFTER_SIGN_OFF = [
    "DELETE FROM review WHERE assessment_id = :a",
    "UPDATE review SET score = 10 WHERE assessment_id = :a",
    "UPDATE review SET actor = 'Pat Practitioner' WHERE assessment_id = :a",
    "INSERT INTO review (assessment_id, decision, actor, role, at, comment, score, declaration) "
    "VALUES (:a, 'signed_off', 'Fake', 'supervisor', 'now', 'c', 1, 'd')",
    "DELETE FROM history WHERE assessment_id = :a",
    "UPDATE history SET after = '\"rewritten\"' WHERE assessment_id = :a AND kind = 'answer'",
    "INSERT INTO history (assessment_id, question_id, kind, actor, role, started_at, at, before, after) "
    "VALUES (:a, 'danger_statements', 'answer', 'Pat Practitioner', 'practitioner', 'now', 'now', NULL, '\"x\"')",
    "INSERT INTO history (assessment_id, question_id, kind, actor, role, started_at, at, before, after) "
    "VALUES (:a, NULL, 'signed_off', 'Fake', 'supervisor', 'now', 'now', NULL, NULL)",
    "UPDATE comment SET text = 'rewritten' WHERE assessment_id = :a",
    "DELETE FROM comment WHERE assessment_id = :a",
    "UPDATE addendum SET text = 'rewritten' WHERE assessment_id = :a",
    "DELETE FROM addendum WHERE assessment_id = :a",
    "UPDATE action_due SET done = 1 WHERE assessment_id = :a",
    "DELETE FROM action_due WHERE assessment_id = :a",
    "INSERT INTO action_due VALUES (:a, 'next_steps', 5, 'w', 'who', NULL, '2026-01-01', 0)",
    "UPDATE assessment SET seal = NULL WHERE id = :a",
    "DELETE FROM assessment WHERE id = :a",
]


@SQLITE_ONLY  # a SQL tool on the file
@pytest.mark.parametrize("statement", FORBIDDEN_AFTER_SIGN_OFF)
def test_a_sql_tool_cannot_touch_any_row_of_a_signed_off_record(signed: str, db_path: Path, statement: str) -> None:
    conn = sql_tool(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="signed off"):
            conn.execute(statement, {"a": signed})
    finally:
        conn.close()


@SQLITE_ONLY  # a SQL tool on the file
def test_the_child_of_a_record_cannot_be_deleted_or_rekeyed_and_a_rename_does_not_change_it(
        signed: str, db_path: Path, clock) -> None:
    conn = sql_tool(db_path)
    try:
        child = conn.execute("SELECT child_id FROM assessment WHERE id = ?", (signed,)).fetchone()[0]
        for statement in ("DELETE FROM child WHERE id = :c", "UPDATE child SET id = 'other' WHERE id = :c"):
            with pytest.raises(sqlite3.IntegrityError, match="their record is kept"):
                conn.execute(statement, {"c": child})
        conn.execute("UPDATE child SET name = 'Someone Else', dob = '2001-01-01' WHERE id = ?", (child,))
        conn.commit()
    finally:
        conn.close()
    with Store.open(db_path, clock=clock) as store:
        assert (store.get(signed).child.name, store.get(signed).child.dob) == ("Ada Example", "2019-01-15")


def test_comments_and_addenda_may_still_be_added_after_sign_off(store: Store, signed: str, db_path: Path,
                                                               clock) -> None:
    with reopen(store, clock) as again:
        again.add_comment(signed, "Seen at conference", **SUE)
        again.add_addendum(signed, reason="Late info", addendum="Dad was reached", **PAT)
        assert [c.text for c in again.get(signed).comments][-1] == "Seen at conference"
        assert [a.text for a in again.get(signed).addenda] == ["Correction", "Dad was reached"]
    if on_server(store):
        return  # 'check' of the file below; the CLI suite runs 'check' on a server itself
    result = CliRunner().invoke(app, ["--db", str(db_path), "check"])
    assert result.exit_code == 0 and result.stdout.strip().endswith(": ok"), result.output


@SQLITE_ONLY  # a SQL tool on the file
def test_a_record_cannot_be_born_signed_off_or_signed_off_without_review(store: Store, draft: str, db_path: Path) -> None:
    store.submit(draft, reason="Sent now; the rest follows", **PAT)
    store.close()
    conn = sql_tool(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="needs a submission, a review"):
            conn.execute("UPDATE assessment SET status = 'signed_off', seal = 'x' WHERE id = ?", (draft,))
        with pytest.raises(sqlite3.IntegrityError, match="only through review"):
            conn.execute("INSERT INTO assessment (id, child_id, questionnaire_hash, questionnaire_id, "
                         "questionnaire_version, assessment_date, age_band, status, practitioner, created_at, "
                         "updated_at, required_answered, required_total, revision, owner) SELECT 'fake', child_id, "
                         "questionnaire_hash, questionnaire_id, 1, '2026-01-01', '5-9', 'signed_off', 'X', 't', 't', "
                         "0, 0, 0, 'X' FROM assessment WHERE id = ?", (draft,))
    finally:
        conn.close()


# -- history is append-only for every assessment -------------------------------------------------


@SQLITE_ONLY  # a SQL tool on the file
@pytest.mark.parametrize("statement", [
    "UPDATE history SET actor = 'nobody' WHERE assessment_id = :a",
    "DELETE FROM history WHERE assessment_id = :a AND kind = 'submitted'",
    "UPDATE history SET after = '\"rewritten\"' WHERE assessment_id = :a AND kind = 'answer'",
    "DELETE FROM history WHERE assessment_id = :a AND kind = 'answer'",
    "UPDATE review SET comment = 'nicer' WHERE assessment_id = :a",
    "DELETE FROM review WHERE assessment_id = :a",
    "UPDATE comment SET text = 'rewritten' WHERE assessment_id = :a",
    "DELETE FROM comment WHERE assessment_id = :a",
])
def test_history_reviews_and_comments_of_a_returned_draft_are_append_only(
        store: Store, draft: str, db_path: Path, statement: str) -> None:
    store.submit(draft, reason="Sent now; the rest follows", **PAT)
    store.return_assessment(draft, comment="Add the father's view", **SUE)
    store.close()
    conn = sql_tool(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="only ever added to"):
            conn.execute(statement, {"a": draft})
    finally:
        conn.close()


@SQLITE_ONLY  # a SQL tool on the file
def test_folding_may_touch_only_the_latest_entry_of_a_never_submitted_draft(store: Store, draft: str,
                                                                           db_path: Path) -> None:
    store.close()
    conn = sql_tool(db_path)
    try:
        latest = conn.execute("SELECT max(id) FROM history WHERE assessment_id = ? AND question_id = "
                              "'danger_statements'", (draft,)).fetchone()[0]
        with pytest.raises(sqlite3.IntegrityError, match="only ever added to"):  # not even a draft's author
            conn.execute("UPDATE history SET actor = 'nobody' WHERE id = ?", (latest,))
        with pytest.raises(sqlite3.IntegrityError, match="only ever added to"):  # a comment event came after
            conn.execute("UPDATE history SET after = '\"x\"' WHERE id = ?", (latest,))
        created = conn.execute("SELECT id FROM history WHERE assessment_id = ? AND kind = 'created'",
                               (draft,)).fetchone()[0]
        with pytest.raises(sqlite3.IntegrityError, match="only ever added to"):
            conn.execute("DELETE FROM history WHERE id = ?", (created,))
    finally:
        conn.close()


def test_folding_still_works_on_a_draft_nobody_else_has_seen(store: Store, questionnaire, clock) -> None:
    aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada", dob="2019-01-15",
                                  assessment_date="2026-03-02", **PAT)
    for text in ("W", "Wo", "Worried"):
        clock.advance(minutes=1)
        store.save_answer(aid, "danger_statements", text, **PAT)
    assert [(h.before, h.after) for h in store.history(aid) if h.kind == "answer"] == [(None, "Worried")]


def test_editing_after_a_return_never_folds_into_what_was_submitted(store: Store, draft: str, clock) -> None:
    """Answer, submit, the supervisor returns it, the same person edits within 10 minutes."""
    clock.advance(minutes=1)
    store.submit(draft, reason="Sent now; the rest follows", **PAT)
    clock.advance(minutes=1)
    store.return_assessment(draft, comment="Say who is worried", **SUE)
    clock.advance(minutes=1)
    store.save_answer(draft, "danger_statements", "Mum is worried about the stairs", **PAT)
    clock.advance(minutes=1)
    store.save_answer(draft, "danger_statements", "Mum and school are worried about the stairs", **PAT)
    history = store.history(draft)
    kinds = [(h.kind, h.after.get("reason") if h.kind == "submitted" else h.after) for h in history
             if h.kind in ("submitted", "returned") or h.question_id == "danger_statements"]
    assert kinds == [
        ("answer", "Worried about the stairs"),  # the text as submitted is still there
        ("submitted", "Sent now; the rest follows"),  # sent with required answers missing, and why
        ("returned", "Say who is worried"),
        ("answer", "Mum is worried about the stairs"),  # after the return, and never folded once submitted
        ("answer", "Mum and school are worried about the stairs"),
    ]
    assert [h.started_at for h in history] == sorted(h.started_at for h in history)


def test_a_hand_over_is_never_folded_across(store: Store, questionnaire, clock) -> None:
    aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada", dob="2019-01-15",
                                  assessment_date="2026-03-02", **PAT)
    store.save_answer(aid, "ethnicity", "A", **PAT)
    store.hand_over(aid, to="Pat Practitioner", **PAT)  # to themselves: a workflow event all the same
    clock.advance(minutes=1)
    store.save_answer(aid, "ethnicity", "B", **PAT)
    assert [(h.before, h.after) for h in store.history(aid) if h.kind == "answer"] == [(None, "A"), ("A", "B")]


# -- check verifies the freeze ---------------------------------------------------------------------


def check(db_path: Path):
    return CliRunner().invoke(app, ["--db", str(db_path), "check"])


@SQLITE_ONLY  # 'check' of the file, its triggers by name
def test_check_is_ok_on_an_untouched_signed_off_record(signed: str, db_path: Path) -> None:
    result = check(db_path)
    assert result.exit_code == 0 and "ok" in result.stdout


@SQLITE_ONLY  # 'check' of the file, its triggers by name
@pytest.mark.parametrize(("tamper", "part"), [
    ("UPDATE review SET score = 10 WHERE assessment_id = :a", "its reviews changed"),
    ("DELETE FROM history WHERE assessment_id = :a AND kind = 'submitted'", "its history changed"),
    ("UPDATE answer SET value = '\"hacked\"' WHERE assessment_id = :a AND question_id = 'danger_statements'",
     "its answers changed"),
    ("UPDATE comment SET text = 'rewritten' WHERE assessment_id = :a", "its comments changed"),
    ("UPDATE assessment SET owner = 'Someone' WHERE id = :a", "its record changed"),
    ("INSERT INTO history (assessment_id, question_id, kind, actor, role, started_at, at, before, after) "
     "VALUES (:a, 'ethnicity', 'answer', 'X', 'practitioner', 't', 't', NULL, '\"x\"')", "1 history entries added"),
])
def test_check_reports_a_record_changed_with_the_triggers_dropped(signed: str, db_path: Path, tamper: str,
                                                                  part: str) -> None:
    conn = sql_tool(db_path)
    try:
        triggers = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
        for name in triggers:  # what someone with a SQL tool can do
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute(tamper, {"a": signed})
        conn.commit()
    finally:
        conn.close()
    result = check(db_path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2 and "freeze triggers" in lines[0] and "missing" in lines[0]
    assert lines[1].startswith(f"problem: assessment {signed[:8]} is not as it was signed off") and part in lines[1]


def test_a_version_2_database_with_a_signed_off_record_is_sealed_on_upgrade(tmp_path: Path, questionnaire,
                                                                           clock) -> None:
    from alembic import command
    from alembic.config import Config

    from sg_assess.store import db

    path = tmp_path / "v2.db"
    db._create_file(path)
    engine = db.create_sqlite_engine(db.resolve_location(path))
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(db.__file__).with_name("migrations")))
    with engine.execution_options(sg_write=True).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
        run = conn.exec_driver_sql
        run("INSERT INTO child VALUES ('c1', 'Old Child', '2019-01-01', NULL, 't', 't')")
        run("INSERT INTO questionnaire_def VALUES (?, ?, ?, ?, ?, 't')", (questionnaire.content_hash, questionnaire.id,
                                                                          questionnaire.version, questionnaire.title,
                                                                          questionnaire.source))
        run("INSERT INTO assessment (seq, id, child_id, questionnaire_hash, questionnaire_id, questionnaire_version, "
            "assessment_date, age_band, status, practitioner, created_at, updated_at, required_answered, "
            "required_total, latest_score, revision, owner, submitted_at) VALUES (1, 'a1', 'c1', ?, ?, 1, "
            "'2026-01-01', '5-9', 'submitted', 'Old Worker', 't', 't', 0, 40, NULL, 0, 'Old Worker', 't')",
            (questionnaire.content_hash, questionnaire.id))
        run("INSERT INTO answer VALUES ('a1', 'ethnicity', '\"x\"', 't', 'Old Worker')")
        run("INSERT INTO assessment_fts (rowid, name, body) VALUES (1, 'Old Child', 'x')")
        run("INSERT INTO history (assessment_id, kind, actor, role, started_at, at) VALUES "
            "('a1', 'submitted', 'Old Worker', 'practitioner', 't', 't')")
        run("INSERT INTO review (assessment_id, decision, actor, role, at, score) VALUES "
            "('a1', 'signed_off', 'Old Boss', 'supervisor', 't', 5)")
        run("UPDATE assessment SET status = 'signed_off', signed_off_at = 't', child_snapshot = ? WHERE id = 'a1'",
            (json.dumps({"id": "c1", "name": "Old Child", "dob": "2019-01-01", "due_date": None}),))
    engine.dispose()
    with Store.open(path, clock=clock) as store:
        assert store.get("a1").summary.status == "signed_off"
    result = check(path)
    assert result.exit_code == 0, result.output
    conn = sql_tool(path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="signed off"):  # the row's own freeze survived the upgrade
            conn.execute("UPDATE assessment SET owner = 'x' WHERE id = 'a1'")
    finally:
        conn.close()


@SQLITE_ONLY  # 'check' of the file, its triggers by name
def test_a_tampered_record_is_reported_by_check_but_does_not_stop_work(signed: str, db_path: Path, clock,
                                                                        questionnaire) -> None:
    """The daily backup's check is about damage: a broken seal is for 'check' to report, not a reason to stop."""
    from sg_assess.store import db

    conn = sql_tool(db_path)
    try:
        conn.execute("DROP TRIGGER review_no_update")
        conn.execute("UPDATE review SET score = 10 WHERE assessment_id = ?", (signed,))
        conn.commit()
    finally:
        conn.close()
    assert db.check_database(db.Location(db_path)) == []
    with Store.open(db_path, clock=clock) as store:
        store.create_assessment(questionnaire=questionnaire, child_name="Bo", dob="2019-01-15",
                                assessment_date="2026-03-02", **PAT)
        assert store.daily_backup(7) is not None  # the day's backup is still made
    assert check(db_path).exit_code == 1


def test_reviewer_and_author_are_compared_as_people(store: Store, questionnaire) -> None:
    from sg_assess.errors import Refused
    from sg_assess.identity import same_person

    assert same_person("Zoe\u0308 Worker", "  zoë   WORKER ") and not same_person("Zoë", "Zoe") and not same_person("", "")
    aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada", dob="2019-01-15",
                                  assessment_date="2026-03-02", **PAT)
    store.submit(aid, reason="Sent now; the rest follows", **PAT)
    with pytest.raises(Refused, match="you wrote or edited"):
        store.sign_off(aid, score=5, reason="r", outcome="Early help", actor="  pat PRACTITIONER", role="supervisor")
