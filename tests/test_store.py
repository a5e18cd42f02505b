"""The store: schema and migrations, refusals, answers and validation, history, search, ids, backups."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sg_assess.errors import DatabaseError, NotFound, UsageError, ValidationError
from sg_assess.questionnaire.loader import load_file
from sg_assess.store import db
from sg_assess.store.repository import Store
from tests.conftest import ON_SERVER, SHIPPED, SQLITE_ONLY, location_of, on_server, raw, reopen

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")


def file_digest(path: Path) -> str:
    """The database file and its write-ahead log together: a change to either is a change."""
    wal = Path(f"{path}-wal")
    return hashlib.sha256(path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")).hexdigest()


@pytest.fixture
def store(any_store):
    """Every test of the store runs on a SQLite file and on a team database (PostgreSQL).

    Tests about the file itself (pragmas, permissions, damaged or foreign files, backups) are SQLITE_ONLY:
    a team database has none of these; their server counterparts are the tests marked 'on the server'.
    """
    return any_store


# -- schema, pragmas, migrations ----------------------------------------------------------


@SQLITE_ONLY  # the file itself
def test_new_database_is_migrated_and_marked(store: Store, db_path: Path) -> None:
    with raw(db_path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == db.APPLICATION_ID
        assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0005",)]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"child", "assessment", "answer", "history", "questionnaire_def", "assessment_fts"} <= tables


@SQLITE_ONLY  # the file itself
def test_every_connection_has_the_safety_pragmas(store: Store) -> None:
    with store.engine.connect() as conn:
        value = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert value("foreign_keys") == 1
        assert value("synchronous") == 2  # FULL
        assert value("trusted_schema") == 0
        assert value("secure_delete") == 1
        assert value("busy_timeout") == db.BUSY_TIMEOUT_MS


def test_migrated_schema_matches_the_models(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    # FTS5 and its shadow tables (PostgreSQL: the search table, its GIN index and the team's display names) are
    # created by raw SQL in the migrations, not by the models.
    diffs = [d for d in diffs if not (d[0] == "remove_table" and d[1].name.startswith(("assessment_fts", "team_member"))
                                      or d[0] == "remove_index" and d[1].name == "ix_assessment_fts_doc")]
    assert diffs == []


def test_known_schema_version_matches_the_migrations() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(db.__file__).with_name("migrations")))
    heads = ScriptDirectory.from_config(cfg).get_heads()
    assert heads == ["0005"]
    assert db.SCHEMA_VERSION == 5


@SQLITE_ONLY  # the file itself
@posix_only
def test_new_database_is_private(store: Store, db_path: Path) -> None:
    assert db_path.stat().st_mode & 0o777 == 0o600
    assert db_path.parent.stat().st_mode & 0o777 == 0o700


def test_reopening_keeps_everything(store: Store, questionnaire, clock) -> None:
    with store as s:
        aid = s.create_assessment(questionnaire=questionnaire, actor="Test Worker", child_name="Ben", dob="2020-01-01")
        s.save_answer(aid, "ethnicity", "White British", actor="Test Worker")
    with reopen(store, clock) as s:
        assert s.get(aid).answers == {"ethnicity": "White British"}


def test_sqlalchemy_url_is_accepted(tmp_path: Path, questionnaire) -> None:
    path = tmp_path / "by url.db"
    with Store.open(f"sqlite:///{path}") as s:
        s.create_assessment(questionnaire=questionnaire, actor="Test Worker", child_name="Ben", dob="2020-01-01")
    assert path.exists()


def test_other_database_engines_are_refused_clearly() -> None:
    with pytest.raises(DatabaseError, match="only SQLite files and PostgreSQL servers"):
        Store.open("mysql://localhost/x")


# -- refusals: never modify what we refuse ------------------------------------------------


def _refused_untouched(path: Path, match: str) -> None:
    before = file_digest(path)
    with pytest.raises(DatabaseError, match=match):
        Store.open(path)
    assert file_digest(path) == before


def test_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("Dear diary\n" * 100)
    _refused_untouched(path, "not a database file")


def test_refuses_another_programs_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with raw(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        conn.execute("PRAGMA application_id = 1234")
    _refused_untouched(path, "another program")
    path2 = tmp_path / "plain.db"
    with raw(path2) as conn:
        conn.execute("CREATE TABLE t (x)")
    _refused_untouched(path2, "not an sg-assess database")


@SQLITE_ONLY  # the file itself
def test_refuses_a_database_from_a_newer_version(db_path: Path, store: Store) -> None:
    store.close()
    with raw(db_path) as conn:
        conn.execute("PRAGMA user_version = 99")
    _refused_untouched(db_path, "newer sg-assess")


@SQLITE_ONLY  # the file itself
def test_refuses_a_truncated_database(db_path: Path, store: Store, assessment: str) -> None:
    store.close()
    data = db_path.read_bytes()
    db_path.write_bytes(data[:60])
    _refused_untouched(db_path, "damaged")


@SQLITE_ONLY  # the file itself
def test_refuses_a_damaged_database(db_path: Path, store: Store, assessment: str) -> None:
    store.close()
    with raw(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
    data = bytearray(db_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page, keep the file header
    db_path.write_bytes(bytes(data))
    _refused_untouched(db_path, "damaged")


@SQLITE_ONLY  # the file itself
@posix_only
def test_refuses_a_read_only_database(db_path: Path, store: Store, assessment: str) -> None:
    store.close()
    db_path.chmod(0o400)
    try:
        _refused_untouched(db_path, "read-only")
    finally:
        db_path.chmod(0o600)


@SQLITE_ONLY  # the file itself
@posix_only
def test_refuses_a_database_in_a_read_only_folder(db_path: Path, store: Store, assessment: str) -> None:
    store.close()
    db_path.parent.chmod(0o500)
    try:
        with pytest.raises(DatabaseError, match="read-only"):
            Store.open(db_path)
    finally:
        db_path.parent.chmod(0o700)


def test_opening_a_missing_file_without_create_says_so(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no database"):
        Store.open(tmp_path / "absent.db", create=False)
    assert not (tmp_path / "absent.db").exists()


def test_an_empty_file_becomes_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    with Store.open(path) as s:
        assert s.count() == 0


# -- creating ------------------------------------------------------------------------------


def test_create_computes_the_age_band_and_completeness(store: Store, assessment: str) -> None:
    s = store.summary(assessment)
    assert (s.age_band, s.status, s.practitioner) == ("5-9", "draft", "Test Worker")
    assert s.required_answered == 0 and s.required_total > 20
    history = store.history(assessment)
    assert [h.kind for h in history] == ["created"]


def test_unborn_child(store: Store, questionnaire) -> None:
    aid = store.create_assessment(questionnaire=questionnaire, actor="Test Worker", child_name="Baby Placeholder",
                                  unborn=True, due="2026-06-01", assessment_date="2026-03-02")
    record = store.get(aid)
    assert record.summary.age_band == "unborn"
    assert record.child.dob is None and record.child.due_date == "2026-06-01"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"dob": "2027-01-01"}, ValidationError, "after the assessment date"),
        ({"dob": "2000-01-01"}, ValidationError, "18 or older"),
        ({"dob": "2020-02-30"}, ValidationError, "not a real date"),
        ({"unborn": True}, UsageError, "due date"),
        ({"dob": "2020-01-01", "unborn": True, "due": "2026-05-01"}, UsageError, "not both"),
        ({}, UsageError, "date of birth is needed"),
        ({"dob": "2020-01-01", "child_name": "   "}, ValidationError, "name is needed"),
    ],
)
def test_create_refuses_bad_details(store: Store, questionnaire, kwargs, error, match) -> None:
    kwargs = {"child_name": "Cleo", **kwargs}
    with pytest.raises(error, match=match):
        store.create_assessment(questionnaire=questionnaire, actor="Test Worker", assessment_date="2026-03-02", **kwargs)
    assert store.count() == 0


def test_reassessment_reuses_the_child(store: Store, questionnaire, assessment: str) -> None:
    child_id = store.summary(assessment).child_id
    again = store.create_assessment(questionnaire=questionnaire, actor="Test Worker", child_id=store.resolve_child(child_id[:8]),
                                    assessment_date="2026-09-02")
    s = store.summary(again)
    assert s.child_id == child_id and s.child_name == "Ada Example" and s.age_band == "5-9"
    assert len(store.list(child=child_id[:8])) == 2


# -- answers -------------------------------------------------------------------------------


def test_save_and_read_every_kind(store: Store, assessment: str) -> None:
    values = {
        "ethnicity": "Mixed White and Black Caribbean",
        "danger_statements": "Line one\nLine two",
        "child_seen": "yes",
        "child_seen_date": "2026-02-27",
        "complicating_factors": ["Domestic abuse", "Substance misuse"],
        "parents": [{"name": "Mum", "relationship": "Mother", "involved": True}],
        "safety_scale": [{"who": "Worker", "score": 4, "reason": "Because", "date": "2026-03-01"}],
        "next_steps": [{"what": "Visit", "who": "Worker", "by_when": "2026-03-10", "review_date": "2026-04-01"}],
    }
    for qid, value in values.items():
        assert store.save_answer(assessment, qid, value, actor="Test Worker") is True
    answers = store.get(assessment).answers
    assert answers["complicating_factors"] == ["Substance misuse", "Domestic abuse"]  # questionnaire order
    assert answers["parents"][0]["reason_not_involved"] == ""
    assert store.summary(assessment).latest_score == 4


def test_an_unchanged_save_writes_nothing(store: Store, assessment: str, clock) -> None:
    store.save_answer(assessment, "ethnicity", "White British", actor="Test Worker")
    before = store.summary(assessment)
    history = store.history(assessment)
    clock.advance(minutes=30)
    assert store.save_answer(assessment, "ethnicity", "White British", actor="Test Worker") is False
    assert store.summary(assessment) == before
    assert store.history(assessment) == history


@pytest.mark.parametrize(
    ("qid", "value", "match"),
    [
        ("child_seen_date", "2026-02-30", "not a real date"),
        ("child_seen", "maybe", "yes or no"),
        ("safety_scale", [{"who": "W", "score": 11}], "0 to 10"),
        ("safety_scale", [{"who": "W", "score": 5, "colour": "red"}], "unknown field"),
        ("next_steps", [{"who": "W"}], "needs a what"),
        ("complicating_factors", ["Aliens"], "not one of the choices"),
        ("no_such_question", "x", "no question"),
    ],
)
def test_invalid_values_are_refused_and_nothing_is_written(store: Store, assessment: str, qid, value, match) -> None:
    before = (store.summary(assessment), store.get(assessment).answers, store.history(assessment))
    with pytest.raises(ValidationError, match=match):
        store.save_answer(assessment, qid, value, actor="Test Worker")
    assert (store.summary(assessment), store.get(assessment).answers, store.history(assessment)) == before


def test_clearing_an_answer(store: Store, assessment: str) -> None:
    store.save_answer(assessment, "ethnicity", "White British", actor="Test Worker")
    assert store.save_answer(assessment, "ethnicity", "   ", actor="Test Worker") is True
    assert "ethnicity" not in store.get(assessment).answers


def test_show_if_changes_what_is_required(store: Store, assessment: str) -> None:
    total = store.summary(assessment).required_total
    store.save_answer(assessment, "child_seen", "yes", actor="Test Worker")
    assert store.summary(assessment).required_total == total + 2  # when seen, and whether seen alone
    store.save_answer(assessment, "child_seen_alone", "no", actor="Test Worker")
    assert store.summary(assessment).required_total == total + 3  # ... and why not alone
    store.save_answer(assessment, "child_seen", "no", actor="Test Worker")
    assert store.summary(assessment).required_total == total + 1  # only why the child was not seen
    store.save_answer(assessment, "child_not_seen_reason", "Away at grandparents", actor="Test Worker")
    s = store.summary(assessment)
    assert s.required_answered == 2  # child_seen and the reason; child_seen_alone is hidden now


def test_text_is_stored_exactly(store: Store, assessment: str) -> None:
    hostile = "[@click=app.quit]x[/] \x1b[2J <script> # head \u202e\u200b 🧒🏽 e\u0301 \x00 end"
    store.save_answer(assessment, "danger_statements", hostile, actor="Test Worker")
    # Exactly, but for a NUL: PostgreSQL cannot hold one in text, so both keep it as the '␀' the screens show.
    assert store.get(assessment).answers["danger_statements"] == hostile.replace("\x00", "\u2400")


def test_a_very_long_text_of_distinct_words_is_saved_and_found_on_both(store: Store, assessment: str) -> None:
    """60,000 distinct words (a pasted log or list of ids, 2 MB): PostgreSQL's tsvector holds at most 1 MB."""
    import hashlib as h

    words = [h.md5(str(i).encode()).hexdigest() for i in range(60_000)]
    text = " ".join(words)
    assert store.save_answer(assessment, "danger_statements", text, actor="Test Worker") is True
    assert store.get(assessment).answers["danger_statements"] == text
    assert [r.id for r in store.list(search=words[0])] == [assessment]
    assert [r.id for r in store.list(search=f"{words[1]} {words[5000]}")] == [assessment]


def test_a_pasted_nul_is_kept_as_a_visible_symbol_on_both_databases(store: Store, questionnaire) -> None:
    """One outcome on both: never refused (PostgreSQL refuses NUL in text), never silently dropped."""
    aid = store.create_assessment(questionnaire=questionnaire, actor="Test Worker", child_name="Ada\x00Lovelace",
                                  dob="2019-01-15", assessment_date="2026-03-02")
    store.save_answer(aid, "danger_statements", "stairs\x00gate", actor="Test Worker")
    store.save_answer(aid, "parents", [{"name": "Mum\x00", "relationship": "Mother"}], actor="Test Worker")
    store.add_comment(aid, "look\x00here", actor="Sue Supervisor", role="supervisor")
    record = store.get(aid)
    assert record.child.name == "Ada\u2400Lovelace" and record.summary.child_name == "Ada\u2400Lovelace"
    assert record.answers["danger_statements"] == "stairs\u2400gate"
    assert record.answers["parents"][0]["name"] == "Mum\u2400" and record.comments[0].text == "look\u2400here"
    assert [h.after for h in record.history if h.question_id == "danger_statements"] == ["stairs\u2400gate"]
    assert [r.id for r in store.list(search="gate")] == [aid]
    assert [r.id for r in store.list(child="ada\x00love")] == [aid]  # a NUL typed in a filter finds it too
    store.save_answer(aid, "ethnicity", "\x00\x01 ", actor="Test Worker")  # only invisible characters: no answer
    assert "ethnicity" not in store.get(aid).answers


def test_a_lone_surrogate_from_a_broken_paste_is_kept_as_a_replacement(store: Store, assessment: str) -> None:
    store.save_answer(assessment, "danger_statements", "before \ud800 after", actor="Test Worker")
    assert store.get(assessment).answers["danger_statements"] == "before \ufffd after"


# -- history -------------------------------------------------------------------------------


def answer_entries(store: Store, aid: str, qid: str):
    return [h for h in store.history(aid) if h.kind == "answer" and h.question_id == qid]


def test_saves_within_ten_minutes_coalesce(store: Store, assessment: str, clock) -> None:
    for i, minutes in enumerate([0, 3, 3, 3]):  # 9 minutes after the first save
        clock.advance(minutes=minutes)
        store.save_answer(assessment, "danger_statements", f"draft {i}", actor="Test Worker")
    entries = answer_entries(store, assessment, "danger_statements")
    assert len(entries) == 1
    assert (entries[0].before, entries[0].after) == (None, "draft 3")
    clock.advance(minutes=1, seconds=1)  # now past ten minutes since the entry started
    store.save_answer(assessment, "danger_statements", "final", actor="Test Worker")
    entries = answer_entries(store, assessment, "danger_statements")
    assert [(e.before, e.after) for e in entries] == [(None, "draft 3"), ("draft 3", "final")]


def test_another_persons_save_is_a_new_entry(store: Store, assessment: str, clock) -> None:
    store.save_answer(assessment, "ethnicity", "A", actor="Test Worker", role="practitioner")
    clock.advance(minutes=1)
    store.hand_over(assessment, actor="Test Worker", role="practitioner", to="Bob")
    store.save_answer(assessment, "ethnicity", "B", actor="Bob", role="practitioner")
    entries = answer_entries(store, assessment, "ethnicity")
    assert [(e.actor, e.role, e.before, e.after) for e in entries] == [
        ("Test Worker", "practitioner", None, "A"), ("Bob", "practitioner", "A", "B")]


def test_changing_back_within_the_window_leaves_no_entry(store: Store, assessment: str, clock) -> None:
    store.save_answer(assessment, "ethnicity", "A", actor="Test Worker")
    clock.advance(minutes=20)
    store.save_answer(assessment, "ethnicity", "B", actor="Test Worker")
    clock.advance(minutes=1)
    store.save_answer(assessment, "ethnicity", "A", actor="Test Worker")
    assert [(e.before, e.after) for e in answer_entries(store, assessment, "ethnicity")] == [(None, "A")]


# -- ids -----------------------------------------------------------------------------------


def test_prefixes(store: Store, assessment: str) -> None:
    assert store.resolve(assessment[:6]) == assessment
    assert store.resolve(assessment[:8].upper()) == assessment
    with pytest.raises(UsageError, match="at least 6"):
        store.resolve(assessment[:5])
    with pytest.raises(NotFound):
        store.resolve("ffffff-not")
    with pytest.raises(NotFound):
        store.resolve("zzzzzzzz")


def test_ambiguous_prefix(store: Store, questionnaire) -> None:
    ids = [store.create_assessment(questionnaire=questionnaire, actor="Test Worker", child_name=f"C{i}", dob="2020-01-01")
           for i in range(40)]
    by_prefix: dict[str, list[str]] = {}
    for aid in ids:
        by_prefix.setdefault(aid[:1], []).append(aid)
    shared = next(group for group in by_prefix.values() if len(group) > 1)
    common = os.path.commonprefix(shared)
    if len(common) >= 6:  # astronomically unlikely; the point is the message
        with pytest.raises(UsageError, match="more than one"):
            store.resolve(common)
    with pytest.raises(UsageError):
        store.resolve(shared[0][:1])


# -- search --------------------------------------------------------------------------------


def test_search_finds_names_and_text_answers_and_follows_changes(store: Store, assessment: str) -> None:
    store.save_answer(assessment, "danger_statements", "Worried about the trampoline", actor="Test Worker")
    store.save_answer(assessment, "parents", [{"name": "Gwendolyn", "relationship": "Mother"}], actor="Test Worker")
    assert [r.id for r in store.list(search="trampoline")] == [assessment]
    assert store.list(search="tramp") == []  # whole words ...
    assert [r.id for r in store.list(search="tramp*")] == [assessment]  # ... unless asked for a prefix
    assert [r.id for r in store.list(search="ada tramp", as_you_type=True)] == [assessment]
    assert store.list(search="ada tr", as_you_type=True) == []  # too short to be a prefix
    assert [r.id for r in store.list(search="gwendolyn")] == [assessment]
    assert [r.id for r in store.list(search="ada example")] == [assessment]
    store.save_answer(assessment, "danger_statements", "Worried about the roof", actor="Test Worker")
    assert store.list(search="trampoline") == []
    assert [r.id for r in store.list(search="roof")] == [assessment]


SEARCHED = ("Zoë's trampoline was BROKEN at the café-owner's house; see example.org, ratio 3.5, file a/b, "
            "mail x@y.org, foo_bar, 12:30, v2.0.1, naïve")


@pytest.mark.parametrize(("query", "as_you_type", "found"), [
    ("zoe", False, True), ("ZOË", False, True), ("zoë", False, True),  # case and accents ignored
    ("trampoline", False, True), ("tramp", False, False), ("tramp*", False, True), ("TRAMP*", False, True),
    ("tramp", True, True), ("tr*", False, False), ("tr", True, False),  # a prefix needs three letters
    ("broken trampoline", False, True), ("trampoline nowhere", False, False),  # every word
    ("cafe", False, True), ("owner", False, True), ("naive", False, True), ("café-owner", False, True),
    ("example", False, True), ("org", False, True), ("3", False, True), ("b", False, True), ("x", False, True),
    ("foo_bar", False, True), ("30", False, True), ("v2", False, True),  # split into words as FTS5 does
    # query syntax of either database is only ever searched for
    ("trampoline & !broken", False, True), ("trampoline | nowhere", False, False), ("!trampoline", False, True),
    ("-trampoline", False, True), ("trampoline <-> broken", False, True), ("trampoline:*", False, True),
    ("'trampoline'", False, True), ('"trampoline" NEAR(broken)', False, False), ("name:zoe", False, False),
    ("body:trampoline", False, False), ("tramp:*", False, False), ("tramp:* & x", True, False),
    ("!!", False, False), ("&|", True, False), ("\\", False, False), ("''", False, False),
])
def test_search_means_the_same_on_both_databases(store: Store, assessment: str, query: str, as_you_type: bool,
                                                  found: bool) -> None:
    store.save_answer(assessment, "danger_statements", SEARCHED, actor="Test Worker")
    assert [r.id for r in store.list(search=query, as_you_type=as_you_type)] == ([assessment] if found else [])


@given(st.text(max_size=40))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_search_text_is_safe(store: Store, assessment: str, query: str) -> None:
    store.list(search=query)  # FTS5 syntax in the input is searched for, never obeyed


def test_list_filters_and_order(store: Store, questionnaire, clock) -> None:
    first = store.create_assessment(questionnaire=questionnaire, actor="Test Worker", child_name="Older", dob="2020-01-01")
    clock.advance(minutes=1)
    second = store.create_assessment(questionnaire=questionnaire, actor="Test Worker", child_name="Newer", dob="2020-01-01")
    assert [r.id for r in store.list()] == [second, first]
    clock.advance(minutes=1)
    store.save_answer(first, "ethnicity", "x", actor="Test Worker")
    assert [r.id for r in store.list()] == [first, second]
    assert [r.id for r in store.list(limit=1)] == [first]
    assert [r.id for r in store.list(child="newe")] == [second]
    assert [r.id for r in store.list(child="NEWE")] == [second]  # case ignored on both databases
    third = store.create_assessment(questionnaire=questionnaire, actor="Test Worker", child_name="Zoë Ödegård",
                                    dob="2020-01-01")
    assert [r.id for r in store.list(child="ZOË ÖDE")] == [third]  # beyond ASCII too
    assert [r.id for r in store.list(child="zoë öde")] == [third]
    assert [r.id for r in store.list(child="%")] == []  # LIKE's wildcards are only searched for
    assert store.list(status="signed_off") == []
    assert len(store.list(status="draft")) == 3


# -- the questionnaire is pinned ------------------------------------------------------------


def test_an_old_assessment_keeps_its_questionnaire(tmp_path: Path, store: Store, clock) -> None:
    from sg_assess.export.markdown import render_markdown

    copy = tmp_path / "mine.toml"
    copy.write_bytes(SHIPPED.read_bytes())
    q1 = load_file(copy)
    with store as s:
        aid = s.create_assessment(questionnaire=q1, actor="Test Worker", child_name="Dev", dob="2015-05-05")
        s.save_answer(aid, "ethnicity", "Not stated", actor="Test Worker")
        before = render_markdown(s.get(aid))
    copy.write_text(SHIPPED.read_text(encoding="utf-8").replace("version = 1", "version = 2", 1)
                    .replace("How do the child and their family describe", "CHANGED"), encoding="utf-8")
    q2 = load_file(copy)
    copy.unlink()
    with reopen(store, clock) as s:
        record = s.get(aid)
        assert record.questionnaire.version == 1 and record.questionnaire_hash == q1.content_hash
        assert render_markdown(record) == before
        new = s.create_assessment(questionnaire=q2, actor="Test Worker", child_name="Eve", dob="2015-05-05")
        assert s.get(new).questionnaire.version == 2


# -- two processes at once ------------------------------------------------------------------


def _writer(path: str, aid: str, qid: str, count: int) -> None:
    with Store.open(path) as s:
        for i in range(count):
            s.save_answer(aid, qid, f"text {i} from {os.getpid()}", actor="Test Worker")


def test_two_processes_write_at_once_without_locking_errors(store: Store, questionnaire) -> None:
    with store as s:
        a = s.create_assessment(questionnaire=questionnaire, actor="Test Worker", child_name="A", dob="2020-01-01")
        b = s.create_assessment(questionnaire=questionnaire, actor="Test Worker", child_name="B", dob="2020-01-01")
    where = location_of(store)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(where, aid, qid, 60))
             for aid, qid in ((a, "danger_statements"), (b, "danger_statements"), (a, "existing_strengths"))]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    with Store.open(where) as s:
        assert s.get(a).answers["danger_statements"].startswith("text 59")
        assert s.get(a).answers["existing_strengths"].startswith("text 59")
        assert s.search_index_problems() == []  # on the server, the counterpart of SQLite's check below
    if not on_server(store):
        assert db.check_database(db.resolve_location(where)) == []


# -- maintenance ----------------------------------------------------------------------------


@SQLITE_ONLY  # the file itself
def test_backup_is_a_complete_consistent_copy(store: Store, assessment: str, tmp_path: Path) -> None:
    store.save_answer(assessment, "ethnicity", "White British", actor="Test Worker")
    target = tmp_path / "backups é" / "copy.db"
    store.backup(target)
    with Store.open(target) as copy:
        assert copy.get(assessment).answers == {"ethnicity": "White British"}
    if os.name != "nt":
        assert target.stat().st_mode & 0o777 == 0o600
    assert list(target.parent.glob("*.tmp")) == []


@SQLITE_ONLY  # the file itself
def test_check_database_reports_damage(store: Store, db_path: Path, assessment: str) -> None:
    loc = db.resolve_location(db_path)
    assert db.check_database(loc) == []
    store.close()
    with raw(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'history'").fetchone()[0]
    data = bytearray(db_path.read_bytes())
    start = (root - 1) * page_size
    data[start:start + 12] = b"\x42" * 12  # the history table's b-tree page header
    db_path.write_bytes(bytes(data))
    problems = db.check_database(loc)
    assert problems and all("\n" not in p for p in problems)


@SQLITE_ONLY  # the file itself
def test_search_index_problems_are_found(store: Store, assessment: str, db_path: Path) -> None:
    assert store.search_index_problems() == []
    store.close()
    with raw(db_path) as conn:
        conn.execute("DELETE FROM assessment_fts")
    problems = Store.open(db_path).search_index_problems()
    assert problems and all("\n" not in p for p in problems)


@ON_SERVER
@pytest.mark.postgresql
def test_search_index_problems_are_found_on_the_server(pg_server, team_db: str, questionnaire, clock) -> None:
    from tests.conftest import PeopleStore

    store = PeopleStore(pg_server, team_db, clock)
    try:
        store.create_assessment(questionnaire=questionnaire, actor="Test Worker", child_name="Ada", dob="2019-01-15")
        assert store.search_index_problems() == []
        with psycopg.connect(conninfo(pg_server, team_db), autocommit=True) as admin:  # the owner, past the rules
            admin.execute("ALTER TABLE assessment_fts DISABLE TRIGGER USER")
            admin.execute("DELETE FROM assessment_fts")
        problems = store.search_index_problems()
        assert problems and all("\n" not in p for p in problems)
    finally:
        store.close()


def conninfo(pg_server, database: str) -> str:
    return f"host={pg_server.admin.host} port={pg_server.admin.port or 5432} user={pg_server.admin.username} dbname={database}"


@ON_SERVER
@pytest.mark.postgresql
def test_team_init_brings_an_empty_server_database_to_the_newest_migration(pg_server) -> None:
    """The server's counterpart of a new file being migrated: 'team init' (twice: safe to run again) -> 0005."""
    import uuid

    from sg_assess.store import postgres, team

    name = f"sg_t_{uuid.uuid4().hex[:16]}"
    pg_server.conn.execute(f'CREATE DATABASE "{name}"')
    pg_server.made.append(name)
    engine = team.connect(pg_server.url(name, pg_server.admin.username))
    try:
        with engine.connect() as conn:
            assert postgres.schema_version(conn) == 0
        team.init(engine)
        team.init(engine)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").all() == [("0005",)]
            assert postgres.schema_version(conn) == db.SCHEMA_VERSION
            tables = {r[0] for r in conn.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
    finally:
        engine.dispose()
    assert {"child", "assessment", "answer", "history", "questionnaire_def", "assessment_fts", "team_member"} <= tables


@pytest.mark.parametrize(
    ("text", "as_you_type", "query"),
    [
        ("child", False, "'child'"),
        ("child", True, "'child':*"),
        ("neglec* home", False, "'neglec':* & 'home'"),
        ("a b", True, "'a' & 'b'"),
        ("x & !y | z <-> w:* 'q'", False, "'x' & 'y' & 'z' & 'w' & 'q'"),
        ("  ", False, None),
    ],
)
def test_ts_query(text: str, as_you_type: bool, query: str | None) -> None:
    from sg_assess.store.search import ts_query

    assert ts_query(text, prefix_last=as_you_type) == query


@pytest.mark.parametrize(
    ("text", "as_you_type", "query"),
    [
        ("child", False, '"child"'),
        ("child", True, '"child"*'),
        ("neglec* home", False, '"neglec"* "home"'),
        ("a b", True, '"a" "b"'),
        ('name:x OR "y" NEAR(z)', False, '"name" "x" "OR" "y" "NEAR" "z"'),
        ("  ", False, None),
    ],
)
def test_fts_query(text: str, as_you_type: bool, query: str | None) -> None:
    from sg_assess.store.search import fts_query

    assert fts_query(text, prefix_last=as_you_type) == query
