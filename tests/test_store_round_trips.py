"""Statements the store sends: on a team database each one is a round trip over the network.

Counted, never timed.  The benchmark (benchmarks/bench_core.py --db postgresql://...) shows what each costs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import event

from sg_assess.store import db
from sg_assess.store.dialect import WRITE_LOCK_KEY
from tests.conftest import ON_SERVER

WORKER = "Test Worker"
SCALE = "safety_scale"


@contextmanager
def queries(engine) -> Iterator[list[str]]:  # noqa: ANN001 - a SQLAlchemy engine
    """The statements sent on ``engine`` inside the block that read or write data (not BEGIN or the write lock)."""
    sent: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        words = statement.lstrip().upper()
        if not words.startswith("BEGIN") and "PG_ADVISORY_XACT_LOCK" not in words:
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _new(store, questionnaire, name: str, **kwargs) -> str:  # noqa: ANN001
    return store.create_assessment(questionnaire=questionnaire, actor=WORKER, child_name=name,
                                   assessment_date=kwargs.pop("on", "2026-03-02"),
                                   **({"dob": "2019-01-15"} if "child_id" not in kwargs else {}), **kwargs)


def _scale(store, aid: str, score: int) -> None:  # noqa: ANN001
    store.save_answer(aid, SCALE, [{"who": WORKER, "role": "practitioner", "score": score}], actor=WORKER)


def test_a_page_of_the_list_is_one_query_and_one_for_the_scale(any_store, questionnaire) -> None:
    ids = [_new(any_store, questionnaire, f"Ada Page{i}") for i in range(3)]
    _scale(any_store, ids[1], 4)
    with queries(any_store.engine) as sent:
        rows = any_store.list(limit=50)
    assert [r.id for r in rows] == ids[::-1]  # the newest first
    assert {r.id: r.worker_score for r in rows} == {ids[0]: None, ids[1]: 4, ids[2]: None}
    assert len(sent) == 2, sent  # the page and the scale answers; the questionnaire hash comes with the page

    with queries(any_store.engine) as sent:
        found = any_store.list(search="Page1", limit=50)
        one = any_store.summary(ids[1])
    assert [r.id for r in found] == [ids[1]] and found[0].worker_score == 4 and one.worker_score == 4
    assert len(sent) == 4, sent


def test_the_review_queue_is_one_query_and_one_for_the_scale(any_store, questionnaire) -> None:
    waiting = _new(any_store, questionnaire, "Ada Queue")
    _scale(any_store, waiting, 7)
    _new(any_store, questionnaire, "Bo Draft")
    any_store.submit(waiting, actor=WORKER, role="practitioner", reason="Sent for review while answers are added")
    with queries(any_store.engine) as sent:
        queue = any_store.review_queue()
    assert [(s.id, s.worker_score) for s in queue] == [(waiting, 7)]
    assert len(sent) == 2, sent


def test_a_record_costs_the_same_queries_however_many_earlier_assessments_the_child_has(any_store,
                                                                                        questionnaire) -> None:
    first = _new(any_store, questionnaire, "Ada Trend", on="2026-01-05")
    child = any_store.summary(first).child_id
    later = [_new(any_store, questionnaire, "Ada Trend", child_id=child, on=f"2026-0{m}-05") for m in (2, 3, 4)]
    for score, aid in zip((8, 6, 5), [first, *later]):
        _scale(any_store, aid, score)
    sent_for = {}
    for aid in (later[0], later[2]):
        with queries(any_store.engine) as sent:
            record = any_store.get(aid)
        sent_for[aid] = len(sent)
    assert [(e.assessment_id, e.worker) for e in record.earlier] == [(first, 8), (later[0], 6), (later[1], 5)]
    assert record.previous_worker_score == 5
    assert any_store.get(later[0]).previous_worker_score == 8 and any_store.get(first).earlier == []
    assert sent_for[later[0]] == sent_for[later[2]], sent_for  # one earlier assessment, or three: the same queries


@pytest.mark.postgresql
@ON_SERVER
def test_a_transaction_on_the_server_begins_once_and_a_write_holds_the_write_lock(team_store) -> None:
    """psycopg begins each transaction itself: a second BEGIN was a round trip wasted and a warning each time."""
    store = team_store
    warnings: list[str] = []
    watched: set[int] = set()

    def watch(dbapi_conn, _record, _proxy):  # noqa: ANN001
        if id(dbapi_conn) not in watched:
            watched.add(id(dbapi_conn))
            dbapi_conn.add_notice_handler(lambda diag: warnings.append(diag.message_primary or ""))

    event.listen(store.engine, "checkout", watch)
    held = ("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
            f"AND objid = {WRITE_LOCK_KEY} AND granted")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql(held).scalar() == 0  # a read does not hold the write lock
        assert conn.connection.driver_connection.info.transaction_status == TransactionStatus.INTRANS
    with db.write_connection(store.engine) as conn:
        assert conn.exec_driver_sql(held).scalar() == 1
    store.list(limit=5)
    assert warnings == []


@pytest.fixture
def team_store(pg_server, team_db):
    from sg_assess.store.repository import Store

    store = Store.open(pg_server.login(team_db, WORKER, "practitioner"))
    yield store
    store.close()


# -- search on the server: the newest matches, whichever words ----------------------------------------------------

DOCS = 1200  # more than sg_search_newest's window of the newest 500
RARE_AT = (3, 7, 650)


def _seed_documents(pg_server, team_db: str, questionnaire, login: str) -> None:  # noqa: ANN001
    """DOCS drafts of one child with their search documents, in bulk, by their practitioner's own login (the
    server's rules check every row as they would the app's)."""
    import psycopg

    pg_server.login(team_db, login, "practitioner")
    admin = pg_server.admin
    with psycopg.connect(host=admin.host, port=admin.port or 5432, user=login, dbname=team_db) as conn:
        conn.execute("INSERT INTO questionnaire_def (hash, qid, version, title, source, stored_at) "
                     "VALUES (%s, %s, %s, %s, %s, %s)", (questionnaire.content_hash, questionnaire.id,
                                                         questionnaire.version, questionnaire.title,
                                                         questionnaire.source, "2026-03-02T09:00:00+00:00"))
        conn.execute("INSERT INTO child (id, name, dob, due_date, created_at, updated_at) VALUES "
                     "('c1', 'Ada Search', '2019-01-15', NULL, '2026-03-02', '2026-03-02')")
        at = "2026-03-02T09:00:00+00:00"
        with conn.cursor() as cur:
            # The server numbers assessments (no client may choose a seq): in a new database, 1, 2, 3, ...
            with cur.copy("COPY assessment (id, child_id, questionnaire_hash, questionnaire_id, "
                          "questionnaire_version, assessment_date, age_band, status, practitioner, created_at, "
                          "updated_at, required_answered, required_total, revision, owner) FROM STDIN") as copy:
                for i in range(1, DOCS + 1):
                    copy.write_row((f"a{i:05d}", "c1", questionnaire.content_hash, questionnaire.id,
                                    questionnaire.version, "2026-03-02", "5-9", "draft", login, at, at, 0, 1, 0, login))
            assert cur.execute("SELECT min(seq), max(seq) FROM assessment").fetchone() == (1, DOCS)
            with cur.copy("COPY assessment_fts (rowid, name, body) FROM STDIN") as copy:
                for i in range(1, DOCS + 1):
                    body = "common words here" + (" rarely" if i in RARE_AT else "") + (" middling" if i % 40 == 0 else "")
                    copy.write_row((i, "Ada Search", body))
    with psycopg.connect(host=admin.host, port=admin.port or 5432, user=admin.username, dbname=team_db,
                         autocommit=True) as owner:
        owner.execute("ANALYZE assessment_fts")  # as autovacuum would soon: the planner knows the table's size


@pytest.mark.postgresql
@ON_SERVER
def test_the_server_finds_the_newest_matches_of_common_rare_and_absent_words(pg_server, team_db,
                                                                             questionnaire) -> None:
    from sg_assess.store.repository import Store

    _seed_documents(pg_server, team_db, questionnaire, WORKER)
    store = Store.open(pg_server.login(team_db, WORKER, "practitioner"))
    try:
        with store.engine.connect() as conn:
            def newest(words: str, want: int | None) -> list[int]:
                return list(conn.exec_driver_sql("SELECT sg_search_newest(to_tsquery('sg_search', %s), %s)",
                                                 (words, want)).scalars())

            assert newest("'common'", 5) == [1200, 1199, 1198, 1197, 1196]  # found in the newest documents
            assert newest("'rarely'", 50) == [650, 7, 3]  # beyond them: the index
            assert newest("'rarely'", 2) == [650, 7]
            assert newest("'middling'", 20) == list(range(1200, 400, -40))  # 13 in the newest 500, 7 beyond
            assert newest("'nowhere'", 50) == []
            assert newest("'rarely'", None) == [650, 7, 3]
            # a rare word reads the newest 500 documents and the index's few, not all 1,200 (counted, not timed)
            fetched = "SELECT pg_stat_get_xact_tuples_fetched('assessment_fts'::regclass)"
            before = conn.exec_driver_sql(fetched).scalar()
            assert newest("'rarely' & 'common'", 50) == [650, 7, 3]
            assert conn.exec_driver_sql(fetched).scalar() - before < 600
        # the list: newest first, paged, and with a filter (every match, then filtered)
        assert [s.id for s in store.list(search="rarely")] == ["a00650", "a00007", "a00003"]
        assert [s.id for s in store.list(search="common", limit=3)] == ["a01200", "a01199", "a01198"]
        assert [s.id for s in store.list(search="middling", limit=2, offset=13)] == ["a00680", "a00640"]
        assert [s.id for s in store.list(search="rare", as_you_type=True)] == ["a00650", "a00007", "a00003"]
        assert [s.id for s in store.list(search="rarely", status="draft")] == ["a00650", "a00007", "a00003"]
        assert store.list(search="rarely", status="submitted") == [] and store.list(search="nowhere") == []
    finally:
        store.close()


def test_a_record_is_read_as_it_was_at_one_moment_on_the_server(pg_server, team_db, questionnaire) -> None:
    """An export is evidence: a record read while someone else writes holds the state of one moment (SQLite's read
    transaction is one snapshot; PostgreSQL's default gives each statement its own)."""
    from sqlalchemy import event

    from sg_assess.store.repository import Store

    with Store.open(pg_server.login(team_db, "pat_m", "practitioner")) as pat, \
            Store.open(pg_server.login(team_db, "sue_m", "supervisor")) as sue:
        aid = pat.create_assessment(questionnaire=questionnaire, actor="pat_m", role="practitioner",
                                    child_name="Ada", dob="2019-01-15")
        pat.submit(aid, actor="pat_m", role="practitioner", reason="now")
        fired: list[bool] = []

        @event.listens_for(pat.engine, "after_cursor_execute")
        def between(conn, cursor, statement, *args) -> None:  # noqa: ANN001 - SQLAlchemy's signature
            if statement.startswith("SELECT a.questionnaire_hash") and not fired:  # the record's first read
                fired.append(True)
                sue.add_comment(aid, "Written while the record was being read", actor="sue_m", role="supervisor")

        record = pat.get(aid)
        event.remove(pat.engine, "after_cursor_execute", between)
        assert fired and record.comments == []  # the comment came after the moment the record was read
        assert [c.text for c in pat.get(aid).comments] == ["Written while the record was being read"]
