"""What differs between SQLite and PostgreSQL, said once for each.

Everything else in the store speaks SQL that both understand.  Hot paths write
their statements with ``?`` placeholders and run them through ``driver_sql``,
which hands them to SQLAlchemy's connection (never a raw driver cursor) in the
driver's own placeholder style.  PostgreSQL gets a ``json_extract`` function and
an ``assessment_fts`` table with a ``rowid`` column from its migrations, so the
statements that keep the search document and read a child's recorded name are
the same text on both.  What cannot be the same text is here:

- the search: SQLite's FTS5 ``MATCH`` against PostgreSQL's ``tsvector @@ tsquery``, and the document
  PostgreSQL is given (only its words, split as FTS5 splits them);
- the write lock: SQLite's ``BEGIN IMMEDIATE`` against a transaction-scoped
  advisory lock, so that on both a write transaction reads what it then changes
  without another writer in between;
- the list of the database's triggers, for ``check``;
- folding case beyond ASCII (``folded``): SQLite's ``lower()`` folds ASCII only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Integer, String, column, table, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import Select
from sqlalchemy.sql.functions import FunctionElement

from sg_assess.store.search import document_words, fts_query, ts_query

POSTGRESQL = "postgresql"
SQLITE = "sqlite"
WRITE_LOCK_KEY = 0x53474153  # "SGAS": one advisory lock for every write transaction in a team database

Run = Callable[..., Any]
FTS = table("assessment_fts", column("rowid"))


@lru_cache(maxsize=512)
def _pyformat(statement: str) -> str:
    """``?`` placeholders in ``%s`` style, ``%`` doubled; quoted text is left as it is."""
    out: list[str] = []
    quoted = False
    for ch in statement:
        if ch == "'":
            quoted = not quoted
        if ch == "%":
            out.append("%%")
        elif ch == "?" and not quoted:
            out.append("%s")
        else:
            out.append(ch)
    return "".join(out)


def _params(params: Sequence[Any]) -> Any:
    """One parameter set as a tuple; several (a list of tuples) as they are."""
    if isinstance(params, list) and params and isinstance(params[0], (tuple, list)):
        return [tuple(p) for p in params]
    return tuple(params)


def driver_sql(conn: Connection) -> Run:
    """``run(statement, params=())``: a ``?``-placeholder statement on ``conn``, in its transaction.

    ``params`` is one sequence of values, or a list of tuples to run the statement once for each.
    """
    if conn.dialect.name == POSTGRESQL:
        def run(statement: str, params: Sequence[Any] = ()) -> Any:
            return conn.exec_driver_sql(_pyformat(statement), _params(params))
    else:
        def run(statement: str, params: Sequence[Any] = ()) -> Any:
            return conn.exec_driver_sql(statement, _params(params))
    return run


def run_script(conn: Connection, script: str) -> None:
    """Run a PostgreSQL script as written (several statements, PL/pgSQL, ``%`` in ``format``)."""
    conn.exec_driver_sql(script.replace("%", "%%"), ())  # psycopg reads placeholders even with no parameters


def is_server(conn_or_engine: Any) -> bool:
    return conn_or_engine.dialect.name == POSTGRESQL


def search(query: Select, dialect_name: str, words: str, *, prefix_last: bool,
           want: int | None = None) -> tuple[Select, dict[str, Any]] | None:
    """``query`` narrowed to the assessments whose search document holds every word, newest first.

    The same semantics on both: whole words, case and accents ignored, a final ``*`` (or the last word as
    you type) for a prefix of three letters or more.  None when there is no word to look for.  ``want``:
    how many of the newest matches the caller shows (limit + offset), when ``query`` filters nothing else;
    a team database then finds them with ``sg_search_newest`` (server_rules.sql), whichever way is quick
    for the words, where the planner's own choice reads every document for a rare word.
    """
    if dialect_name == POSTGRESQL:
        match = ts_query(words, prefix_last=prefix_last)
        if match is None:
            return None
        if want is not None:
            found = (text("SELECT sg_search_newest(to_tsquery('sg_search', :match), :want) AS rowid")
                     .columns(column("rowid", Integer)).subquery("matched"))
            return (query.join(found, found.c.rowid == column("seq")).order_by(found.c.rowid.desc()),
                    {"match": match, "want": want})
        fts = table("assessment_fts", column("rowid"), column("doc"))
        return (query.join(fts, fts.c.rowid == column("seq")).where(text("assessment_fts.doc @@ "
                                                                        "to_tsquery('sg_search', :match)"))
                .order_by(fts.c.rowid.desc()), {"match": match})
    match = fts_query(words, prefix_last=prefix_last)
    if match is None:
        return None
    # FTS5 walks its matches newest first (rowid = seq) and stops after the query's limit.
    return (query.join(FTS, FTS.c.rowid == column("seq")).where(text("assessment_fts MATCH :match"))
            .order_by(FTS.c.rowid.desc()), {"match": match})


class folded(FunctionElement):
    """A text column in lower case, as Python's ``str.lower`` does it, on both databases: SQLite's own
    ``lower()`` (and LIKE) folds ASCII only, so 'ZOË' would not find 'Zoë' there; PostgreSQL's folds all."""

    type = String()
    inherit_cache = True
    name = "sg_fold"


@compiles(folded)
def _folded_default(element: folded, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, SQLITE)
def _folded_sqlite(element: folded, compiler: Any, **kw: Any) -> str:
    return f"sg_fold({compiler.process(element.clauses, **kw)})"


def sqlite_functions(dbapi_conn: Any) -> None:
    """The functions SQLite lacks, on each new connection (``folded``'s ``sg_fold``)."""
    dbapi_conn.create_function("sg_fold", 1, lambda value: value.lower() if isinstance(value, str) else value,
                               deterministic=True)


def search_document(dialect_name: str, text: str) -> str:
    """What the search table keeps of a name or the answers' text: as it is for FTS5, which splits words
    itself; only the words for PostgreSQL, whose parser would keep 'example.org' or '3.5' as one token."""
    return document_words(text) if dialect_name == POSTGRESQL else text


def begin(conn: Connection, *, write: bool, snapshot: bool = False) -> None:
    """Start a transaction; a write one holds the database's write lock from its first statement.

    ``snapshot``: a read whose statements must all see the database at one moment (a whole record, for an
    export). SQLite's read transaction is one snapshot already; PostgreSQL's default is a new one per statement.
    """
    if conn.dialect.name == POSTGRESQL:
        # psycopg (autocommit off) sends BEGIN itself before the first statement: a BEGIN here would be a
        # second one, a round trip wasted on every transaction and a warning in the server's log.
        if write:
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
        elif snapshot:
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def trigger_names(run: Run, dialect_name: str) -> set[str]:
    if dialect_name == POSTGRESQL:
        return {r[0] for r in run("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
    return {r[0] for r in run("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
