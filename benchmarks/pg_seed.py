"""The core benchmark's data in a team database (PostgreSQL), through SQL the server accepts.

The same generator as the SQLite build (``bench_core.make_batch``) makes the rows; they go in as the
practitioners themselves, with every trigger as it is:

- ``team init`` (``sg_assess.store.team.init``) on a new database, as the administrator who owns it;
- one login per practitioner (``bench_...``), a member of ``sg_practitioner`` with a display name in
  ``team_member``, and a password made up for this run only (never written anywhere);
- the first assessment by a real ``Store.create_assessment`` on that login (so the questionnaire
  definition is the store's own);
- then, for each batch, each practitioner's own rows by ``COPY ... FROM STDIN`` on their own
  connection: assessments (as drafts: the server refuses any other status on insert), answers, history
  and the search documents (the server computes each ``tsvector`` and keeps the GIN index); the few
  submitted ones are then submitted by their owner (``UPDATE ... status = 'submitted'`` and the
  history entry), as the app does.  The server's rules check every row: the practitioner and owner are
  the login, answers are saved in the login's name, history is only added to.

Measured on this project's 2-core machine (PostgreSQL 15, TCP on 127.0.0.1): at 2,000 assessments COPY
put the four tables in 2.3 s where ``executemany`` INSERTs (``--pg-seed insert``; psycopg pipelines them)
took 3.4 s; at 100,000 the seed took 167 s (computing the tsvectors and filling the GIN index 89 s, the
answers with their per-row rule 51 s, generating the rows in a second process alongside), against 69 s for
the SQLite file.  Seeding as a superuser with the triggers disabled (``session_replication_role``) would
not be the rules a team database runs under, so it is not offered.

The finished database is kept as a template (``NAME_tpl``, with what the benchmark needs to know in its
comment); each run measures a fresh copy (``CREATE DATABASE ... TEMPLATE``), so a re-run skips the seed
and always starts from the same data.
"""

from __future__ import annotations

import json
import secrets
import time
from collections import Counter, defaultdict
from typing import Any
from urllib.parse import quote

LOGIN_PREFIX = "bench_"
PASSWORD_ENV = "SG_BENCH_PG_PASSWORD"  # how the measuring processes get this run's password (never argv)


def admin_params(url_text: str) -> dict[str, Any]:
    """psycopg connection arguments from the administrator URL (password: libpq's own ways)."""
    from sqlalchemy.engine import make_url

    url = make_url(url_text)
    if url.password is not None:
        raise SystemExit("a password does not belong in the URL: use PGPASSWORD or a password file (PGPASSFILE)")
    params: dict[str, Any] = {"host": url.host or "localhost", "port": url.port or 5432, "dbname": "postgres"}
    if url.username:
        params["user"] = url.username
    params.update({k: v for k, v in url.query.items() if isinstance(v, str)})
    return params


def bench_names(url_text: str) -> tuple[str, str]:
    """The database the benchmark measures (named in the URL) and the template it is copied from."""
    from sqlalchemy.engine import make_url

    name = make_url(url_text).database
    if not name or name in ("postgres", "template0", "template1"):
        raise SystemExit("name the benchmark's own database in the URL, e.g. postgresql://admin@host:5432/sg_bench "
                         "(it is created, and its template NAME_tpl kept for the next run)")
    return name, f"{name}_tpl"


def connect(params: dict[str, Any], dbname: str, *, user: str | None = None, password: str | None = None):
    import psycopg

    args = {**params, "dbname": dbname, "autocommit": True}
    if user is not None:
        args["user"] = user
    if password is not None:
        args["password"] = password
    return psycopg.connect(**args)


def login_of(name: str) -> str:
    """A practitioner's login: bench_sarah_whitfield (their display name stays 'Sarah Whitfield')."""
    return LOGIN_PREFIX + "_".join(name.lower().split())


def store_url(params: dict[str, Any], dbname: str, login: str) -> str:
    extra = {k: v for k, v in params.items() if k not in ("host", "port", "dbname", "user")}
    query = ("?" + "&".join(f"{k}={quote(str(v))}" for k, v in extra.items())) if extra else ""
    who = f"{quote(login, safe='')}@" if login else ""
    return f"postgresql://{who}{params['host']}:{params['port']}/{dbname}{query}"


def template_meta(admin, template: str) -> dict[str, Any] | None:  # noqa: ANN001 - a psycopg connection
    row = admin.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                        (template,)).fetchone()
    if row is None:
        return None
    try:
        return json.loads(row[0] or "")
    except ValueError:
        return {}


def ensure_logins(admin, names: list[str], password: str) -> None:  # noqa: ANN001
    """Each practitioner's login, in sg_practitioner, with this run's password (made or reset)."""
    from psycopg import sql

    for name in names:
        ident = sql.Identifier(login_of(name))
        if admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login_of(name),)).fetchone() is None:
            admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE sg_practitioner")
                          .format(ident, sql.Literal(password)))
        else:
            admin.execute(sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(ident, sql.Literal(password)))
            admin.execute(sql.SQL("GRANT sg_practitioner TO {}").format(ident))


def drop_logins(admin, names: list[str]) -> None:  # noqa: ANN001
    """The run's logins go when it ends (rows keep their names; the next run makes the logins again)."""
    from psycopg import sql

    for name in names:
        admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(login_of(name))))


def copy_fresh(admin, template: str, name: str) -> float:  # noqa: ANN001
    """A fresh copy of the template to measure (FILE_COPY: a file copy, not the template's WAL replayed)."""
    t = time.perf_counter()
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
    return time.perf_counter() - t


def team_init(params: dict[str, Any], dbname: str) -> float:
    """'team init' on the copy, as its owner: a template seeded by an older version gets this one's rules."""
    from sg_assess.store import team

    t = time.perf_counter()
    engine = team.connect(store_url(params, dbname, params.get("user") or ""))
    try:
        team.init(engine)
    finally:
        engine.dispose()
    return time.perf_counter() - t


def database_size_mb(admin, name: str) -> float:  # noqa: ANN001
    return round(admin.execute("SELECT pg_database_size(%s)", (name,)).fetchone()[0] / 1024 / 1024, 1)


def build(url_text: str, n: int, seed: int, *, workers: int, quiet: bool = False, method: str = "copy") -> dict[str, Any]:
    """Make the template ``NAME_tpl`` holding ``n`` assessments; return its metadata."""
    import random

    import bench_core as bc
    from sg_assess.store import team
    from sg_assess.store.repository import Store

    params = admin_params(url_text)
    _name, template = bench_names(url_text)
    work = f"{template}_building"
    started = time.perf_counter()
    timings: Counter[str] = Counter()
    password = secrets.token_urlsafe(18)
    people = bc.PRACTITIONERS
    logins = [login_of(p) for p in people]
    admin = connect(params, params["dbname"])
    conns: dict[str, Any] = {}
    try:
        t = time.perf_counter()
        admin.execute(f'DROP DATABASE IF EXISTS "{work}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{work}"')
        engine = team.connect(store_url(params, work, params.get("user") or ""))
        try:
            team.init(engine)  # as the database's owner, as IT would
        finally:
            engine.dispose()
        ensure_logins(admin, people, password)
        with connect(params, work) as owner:
            with owner.cursor() as cur:
                cur.executemany("INSERT INTO team_member (login, display_name) VALUES (%s, %s) "
                                "ON CONFLICT (login) DO UPDATE SET display_name = EXCLUDED.display_name",
                                list(zip(logins, people)))
        timings["team_init_and_logins"] += time.perf_counter() - t

        t = time.perf_counter()
        rng = random.Random(seed)
        q = bc.load_questionnaire()
        now = time.time()
        with Store.open(store_url(params, work, logins[0]), password=password) as store:
            store.create_assessment(questionnaire=q, actor=logins[0], child_name="Robin Seedling", dob="2016-03-14")
        timings["first_assessment (Store)"] += time.perf_counter() - t

        for login in logins:
            conns[login] = connect(params, work, user=login, password=password)
            conns[login].autocommit = False
        first = conns[logins[0]]
        seq0 = first.execute("SELECT max(seq) FROM assessment").fetchone()[0]
        first.rollback()
        t = time.perf_counter()
        child_rows, plan = bc.plan_build(rng, n, seed, now, seq0, logins)
        child_info = plan["child_info"]
        timings["plan_children"] += time.perf_counter() - t
        t = time.perf_counter()
        with first.cursor() as cur, cur.copy("COPY child (id, name, dob, due_date, created_at, updated_at) "
                                             "FROM STDIN") as copy:
            for row in child_rows:
                copy.write_row(row)
        first.commit()
        timings["copy_child"] += time.perf_counter() - t
        del child_rows

        a_cols = bc.A_COLUMNS
        seq_at = a_cols.index("seq")  # the server numbers assessments itself: no client may choose a seq
        server_cols = [c for i, c in enumerate(a_cols) if i != seq_at]
        status_at = a_cols.index("status")
        submitted_at_i = a_cols.index("submitted_at")
        owner_at = a_cols.index("owner")
        made = 0
        t = time.perf_counter()
        for a_rows, ans_rows, h_rows, fts_rows, gen_s in bc._batches(plan, workers):
            timings["wait_for_rows"] += time.perf_counter() - t
            timings["generate (in worker)" if workers else "generate"] += gen_s
            owner_of = {row[1]: row[owner_at] for row in a_rows}
            seq_owner = {row[seq_at]: row[owner_at] for row in a_rows}
            id_of_seq = {row[seq_at]: row[1] for row in a_rows}
            mine: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
            for row in a_rows:
                draft = list(row)
                if row[status_at] == "submitted":  # created as a draft; submitted below by its owner
                    mine[row[owner_at]]["submit"].append((row[submitted_at_i], row[1]))
                    draft[status_at], draft[submitted_at_i] = "draft", None
                mine[row[owner_at]]["assessment"].append([v for i, v in enumerate(draft) if i != seq_at])
            for row in ans_rows:
                mine[owner_of[row[0]]]["answer"].append(row)
            for row in h_rows:
                mine[owner_of[row[0]]]["history_submitted" if row[2] == "submitted" else "history"].append(row)
            for row in fts_rows:
                mine[seq_owner[row[0]]]["fts"].append(row)
            for login, rows in mine.items():
                conn = conns[login]
                with conn.cursor() as cur:
                    for table, sql in (
                        ("assessment", f"COPY assessment ({', '.join(server_cols)}) FROM STDIN"),
                        ("answer", "COPY answer (assessment_id, question_id, value, updated_at, updated_by) FROM STDIN"),
                        ("history", "COPY history (assessment_id, question_id, kind, actor, role, started_at, at, "
                                    "before, after) FROM STDIN"),
                        ("fts", "COPY assessment_fts (rowid, name, body) FROM STDIN"),
                    ):
                        t = time.perf_counter()
                        if table == "fts":  # the search document's rowid is the seq the server gave
                            ids = [id_of_seq[row[0]] for row in rows["fts"]]
                            cur.execute("SELECT id, seq FROM assessment WHERE id = ANY(%s)", (ids,))
                            given = dict(cur.fetchall())
                            rows["fts"] = [(given[id_of_seq[row[0]]], *row[1:]) for row in rows["fts"]]
                        if method == "copy":
                            with cur.copy(sql) as copy:
                                for row in rows[table]:
                                    copy.write_row(row)
                        elif rows[table]:  # for comparison: one INSERT per row (pipelined by executemany)
                            head, cols = sql.split(" (", 1)
                            cols = cols.split(")", 1)[0]
                            marks = ", ".join(["%s"] * len(cols.split(",")))
                            cur.executemany(f"INSERT INTO {head[5:]} ({cols}) VALUES ({marks})", rows[table])
                        timings[f"{method}_{table}"] += time.perf_counter() - t
                    if rows["submit"]:
                        t = time.perf_counter()
                        cur.executemany("UPDATE assessment SET status = 'submitted', submitted_at = %s, "
                                        "revision = revision + 1 WHERE id = %s", rows["submit"])
                        cur.executemany("INSERT INTO history (assessment_id, question_id, kind, actor, role, "
                                        "started_at, at, before, after) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                                        rows["history_submitted"])
                        timings["submit"] += time.perf_counter() - t
                t = time.perf_counter()
                conn.commit()
                timings["commit"] += time.perf_counter() - t
            made += len(a_rows)
            if not quiet and (made // bc.BATCH) % 4 == 0:
                print(f"  ... {made + 1:,}/{n:,} assessments, {time.perf_counter() - started:.1f} s", flush=True)
            t = time.perf_counter()
        if workers < 1:
            timings.pop("wait_for_rows", None)
        for conn in conns.values():
            conn.close()
        conns.clear()

        t = time.perf_counter()
        with connect(params, work) as owner:  # the owner's housekeeping: the key's sequence, statistics
            owner.execute("SELECT setval(pg_get_serial_sequence('assessment', 'seq'), max(seq)) FROM assessment")
            owner.execute("VACUUM (ANALYZE)")
        timings["vacuum_analyze"] += time.perf_counter() - t
        gen = bc._STATE.get("gen") or bc.Generator(q, seed, 1)
        meta = {
            "meta_version": bc.META_VERSION, "n": n, "seed": seed, "build_seconds": round(time.perf_counter() - started, 2),
            "build_workers": workers, "build_timings_s": {k: round(v, 2) for k, v in sorted(timings.items())},
            "vocabulary_size": len(gen.vocab), "sentence_pool": plan["n_sentences"],
            "words": bc.search_words(gen.common_word, child_info[0][1]), "built_at": bc._iso(now),
            "practitioners": people, "method": method,
        }
        admin.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        admin.execute(f'ALTER DATABASE "{work}" RENAME TO "{template}"')
        from psycopg import sql

        admin.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(template),
                                                                      sql.Literal(json.dumps(meta))))
        return meta
    finally:
        for conn in conns.values():
            conn.close()
        bc._STATE.clear()
        drop_logins(admin, people)
        admin.close()
