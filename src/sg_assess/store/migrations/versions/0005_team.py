"""Team mode: what a PostgreSQL team database needs beyond the tables (nothing changes in a SQLite file).

- ``assessment_fts``: the search document of each assessment, as in SQLite's
  FTS5 table (``rowid`` = ``assessment.seq``), with a ``tsvector`` kept by the
  server and a GIN index; ``sg_search`` ignores case and (with ``unaccent``) accents.
- ``json_extract(text, text)``: SQLite's function for the one use the store
  makes of it (a child's name in an assessment's snapshot), so the same SQL
  runs on both.
- ``team_member``: each login's display name.
- The group roles ``sg_practitioner`` and ``sg_supervisor`` and their grants,
  and the PL/pgSQL triggers by which the server itself enforces who may do what
  (store/server_rules.sql, read by this migration and by 'team init').

Revision ID: 0005
Revises: 0004
"""

from pathlib import Path

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

RULES = Path(__file__).resolve().parents[2] / "server_rules.sql"


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 5")
        return
    _search_config()
    op.execute("CREATE TABLE assessment_fts (rowid integer PRIMARY KEY REFERENCES assessment (seq), "
               "name text NOT NULL, body text NOT NULL, "
               "doc tsvector GENERATED ALWAYS AS (to_tsvector('sg_search', name || ' ' || body)) STORED)")
    op.execute("CREATE INDEX ix_assessment_fts_doc ON assessment_fts USING gin (doc)")
    op.execute("CREATE FUNCTION json_extract(doc text, path text) RETURNS text LANGUAGE sql IMMUTABLE "
               "AS $$ SELECT (doc::jsonb) #>> string_to_array(substr(path, 3), '.') $$")
    op.execute("CREATE TABLE team_member (login text PRIMARY KEY, display_name text NOT NULL)")
    from sg_assess.store.dialect import run_script

    run_script(conn, RULES.read_text(encoding="utf-8"))


def _search_config() -> None:
    """Case and (where the server has ``unaccent``) accents ignored, as SQLite's unicode61 remove_diacritics."""
    conn = op.get_bind()
    op.execute("CREATE TEXT SEARCH CONFIGURATION sg_search (COPY = simple)")
    if conn.exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'").first() is None:
        return
    try:
        with conn.begin_nested():
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
    except Exception:  # noqa: BLE001 - not allowed here: search still ignores case
        return
    op.execute("ALTER TEXT SEARCH CONFIGURATION sg_search ALTER MAPPING FOR hword, hword_part, word "
               "WITH unaccent, simple")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 4")
        return
    raise NotImplementedError("a team database is never taken back: restore the server's backup instead")
