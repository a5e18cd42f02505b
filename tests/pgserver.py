"""A PostgreSQL server for the tests: found, or started, never skipped.

``SG_ASSESS_TEST_PG`` names an administrator login (CREATEDB and CREATEROLE, or a superuser) as
``postgresql://USER@HOST[:PORT]/postgres``; ``.ci/run`` starts the machine's PostgreSQL and sets it.
Without it, on a machine with PostgreSQL installed (as these are), the first cluster is started
as root, as ``.ci/run`` does.  Every login the tests make, and that administrator, use ``PASSWORD``
from a password file (``PGPASSFILE``), never from a URL.

Run as a script (``python tests/pgserver.py``) it starts the server and prints the administrator URL:
``.ci/run`` uses that, and fails if it cannot.

Logins and the two group roles belong to the whole server, not to one database, and a test says who
acts in which role (``login(name, role)`` makes the membership exactly that).  So every test that
uses the server runs on one xdist worker, in turn (``pytest.mark.xdist_group(GROUP)``).

Dropping a database makes the server checkpoint (a second or more on a busy disk: 135 s of teardown
for test_store alone), so the store suites' databases are recycled: emptied after each test
(``give_back``, ~20 ms) and handed to the next (``recycled``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

ENV_ADMIN = "SG_ASSESS_TEST_PG"
ADMIN = "sg_test_admin"
PASSWORD = "sg-test-password"
GROUP = "postgresql"  # the xdist group of every test that uses the server
HOST = "127.0.0.1"


class NoServer(RuntimeError):
    pass


def password_file() -> Path:
    """A password file (mode 0600, as libpq requires) giving PASSWORD for every login here."""
    folder = Path(tempfile.gettempdir()) / f"sg-assess-test-pg-{os.getuid() if hasattr(os, 'getuid') else 0}"
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / "pgpass"
    if not path.exists():
        path.write_text(f"*:*:*:*:{PASSWORD}\n", encoding="utf-8")
    os.chmod(path, 0o600)
    return path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)


def start_local() -> str:
    """Start this machine's first PostgreSQL cluster (root and pg_ctlcluster needed) and make the admin login."""
    if shutil.which("pg_lsclusters") is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        raise NoServer(f"no PostgreSQL server for the tests: set {ENV_ADMIN}=postgresql://USER@HOST/postgres "
                       "(an admin login whose password is in PGPASSFILE), or run .ci/run as root")
    clusters = [line.split()[:3] for line in _run("pg_lsclusters", "--no-header").stdout.splitlines() if line.strip()]
    if not clusters:
        raise NoServer("PostgreSQL is installed but has no cluster (pg_createcluster 15 main)")
    version, cluster, port = next((c for c in clusters if c[1] == "main"), clusters[0])
    started = _run("pg_ctlcluster", version, cluster, "start")
    if started.returncode not in (0, 2):  # 2: already running
        raise NoServer(f"could not start PostgreSQL {version}/{cluster}: {started.stderr.strip()}")
    make = (f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ADMIN}') THEN "
            f"CREATE ROLE {ADMIN} LOGIN SUPERUSER PASSWORD '{PASSWORD}'; END IF; END $$;")
    made = _run("runuser", "-u", "postgres", "--", "psql", "-p", port, "-qAt", "-c", make)
    if made.returncode != 0:
        raise NoServer(f"could not make the test login: {made.stderr.strip()}")
    return f"postgresql://{ADMIN}@{HOST}:{port}/postgres"


def admin_url() -> str:
    return os.environ.get(ENV_ADMIN) or start_local()


class Server:
    """One worker's use of the server: a migrated template database, and a fresh copy of it per test."""

    def __init__(self, admin: str):
        import psycopg
        from sqlalchemy.engine import make_url

        os.environ["PGPASSFILE"] = str(password_file())
        self.admin = make_url(admin)
        self.conn = psycopg.connect(host=self.admin.host, port=self.admin.port or 5432, user=self.admin.username,
                                    dbname=self.admin.database or "postgres", autocommit=True)
        self.template = f"sg_tpl_{uuid.uuid4().hex[:12]}"
        self.made: list[str] = []
        self.free: list[str] = []  # team databases a finished test gave back, emptied (see ``give_back``)
        self._owners: dict[str, object] = {}  # an owner's connection to each recycled database
        self.conn.execute(f'CREATE DATABASE "{self.template}"')
        from sg_assess.store import team

        engine = team.connect(self.url(self.template, self.admin.username))
        try:
            team.init(engine)
        finally:
            engine.dispose()

    def url(self, database: str, login: str) -> str:
        port = f":{self.admin.port}" if self.admin.port else ""
        return f"postgresql://{quote(login, safe='')}@{self.admin.host}{port}/{database}"

    def database(self) -> str:
        """A new, empty team database (set up by 'team init'); its name."""
        name = f"sg_t_{uuid.uuid4().hex[:16]}"
        self.conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self.made.append(name)
        return name

    def recycled(self) -> str:
        """An empty team database, as 'team init' leaves it: one a finished test gave back, or a new one.

        Making a database per test is cheap (~30 ms), but dropping one makes the server checkpoint (a second or
        more on a busy disk), so store tests share a few databases, emptied between tests.
        """
        return self.free.pop() if self.free else self.database()

    def give_back(self, database: str) -> None:
        """Empty a database a test has finished with (every table but the migration's version, sequences
        restarted: as new), for ``recycled``.  The test's connections must be closed."""
        import psycopg

        conn = self._owners.get(database)
        if conn is None:
            conn = self._owners[database] = psycopg.connect(
                host=self.admin.host, port=self.admin.port or 5432, user=self.admin.username, dbname=database,
                autocommit=True)
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                     "AND pid <> pg_backend_pid()")  # a connection left open must not hold the emptying up
        tables = [r[0] for r in conn.execute(
            "SELECT format('%I', tablename) FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename <> 'alembic_version'")]
        if not conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]:
            conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY")  # ~300 ms: new files for each table
            self.free.append(database)
            return
        with conn.transaction():  # ~20 ms: a superuser deletes past the rules' triggers (they would refuse)
            conn.execute("SET LOCAL session_replication_role = replica")
            for table in tables:
                conn.execute(f"DELETE FROM {table}")
            for (sequence,) in conn.execute("SELECT format('%I', sequencename) FROM pg_sequences "
                                            "WHERE schemaname = current_schema()").fetchall():
                conn.execute(f"ALTER SEQUENCE {sequence} RESTART")
        self.free.append(database)

    def login(self, database: str, name: str, role: str = "practitioner") -> str:
        """The URL by which ``name`` logs in to ``database``, a member of exactly ``role``'s group."""
        from psycopg import sql

        group, other = ("sg_supervisor", "sg_practitioner") if role == "supervisor" else \
            ("sg_practitioner", "sg_supervisor")
        ident = sql.Identifier(name)
        already = self.conn.execute(  # one round trip when nothing needs changing (most calls)
            "SELECT pg_has_role(oid, %s, 'MEMBER') AND NOT pg_has_role(oid, %s, 'MEMBER') FROM pg_roles "
            "WHERE rolname = %s", (group, other, name)).fetchone()
        if already is not None and already[0]:
            return self.url(database, name)
        if already is None:
            self.conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(ident, sql.Literal(PASSWORD)))
        self.conn.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(other), ident))
        self.conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), ident))
        return self.url(database, name)

    def close(self) -> None:
        for conn in self._owners.values():
            conn.close()  # type: ignore[attr-defined]
        for name in [*self.made, self.template]:
            self.conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.conn.close()


if __name__ == "__main__":
    try:
        print(start_local())
    except NoServer as exc:
        print(f"pgserver: {exc}", file=sys.stderr)
        sys.exit(1)
