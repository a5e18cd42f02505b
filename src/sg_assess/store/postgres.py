"""The team database: opening an organisation's PostgreSQL server through SQLAlchemy and psycopg 3.

The person is the database login (``session_user``); their role is membership
of ``sg_practitioner`` or ``sg_supervisor``.  Passwords never come from our
config: libpq finds them itself (``PGPASSWORD``, the password file, a service
file), or the CLI and the app ask and pass one here for this connection only.
TLS options in the URL (``sslmode``, ``sslrootcert``, ...) go to libpq as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from sg_assess.errors import DatabaseError

SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
PRACTITIONER_GROUP = "sg_practitioner"
SUPERVISOR_GROUP = "sg_supervisor"
GROUPS = {"practitioner": PRACTITIONER_GROUP, "supervisor": SUPERVISOR_GROUP}
LOCK_TIMEOUT = "10s"  # as SQLite's busy timeout: a write waits this long for another to finish
CONNECT_TIMEOUT_S = 10


class PasswordNeeded(DatabaseError):
    """The server asks for a password libpq could not find (or refused the one given): ask, then try again."""


class ServerUnreachable(DatabaseError):
    """The server is down, unreachable or went away: what was typed is kept, and saving retries."""


@dataclass(frozen=True)
class TeamIdentity:
    login: str
    display_name: str
    role: str  # practitioner or supervisor, from group membership


def is_server_url(text: str) -> bool:
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    return scheme in SCHEMES


def server_url(text: str) -> URL:
    """The SQLAlchemy URL for psycopg 3; a password written in it is refused (it would sit in files and history)."""
    try:
        url = make_url(text)
    except ArgumentError:
        raise DatabaseError(f"{redact(text)!r} is not a valid database URL") from None
    if url.password is not None or "password" in url.query:
        raise DatabaseError("a password does not belong in the database URL: use a password file (~/.pgpass), "
                            "PGPASSWORD, or type it when asked; nothing was opened")
    if not url.database:
        raise DatabaseError(f"{redact(text)!r} names no database: postgresql://[user@]host[:port]/DATABASE")
    return url.set(drivername="postgresql+psycopg")


def redact(text: str) -> str:
    """The URL as it may be shown: without any password."""
    try:
        return make_url(text).render_as_string(hide_password=True)
    except ArgumentError:
        return text.split("@", 1)[-1] if "@" in text else text


def describe(url: URL) -> str:
    """host:port/database, for messages."""
    host = url.host or url.query.get("host") or "the local server"
    return f"{host}{':' + str(url.port) if url.port else ''}/{url.database}"


def create_server_engine(url: URL, *, password: str | None = None) -> Engine:
    if password is not None:
        url = url.set(password=password)
    engine = create_engine(url, pool_size=4, max_overflow=4, pool_pre_ping=True,
                           connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "sg-assess"})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):  # noqa: ANN001 - SQLAlchemy's signature
        dbapi_conn.autocommit = True  # transactions are begun by us (dialect.begin), as on SQLite
        with dbapi_conn.cursor() as cur:
            cur.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
            cur.execute("SET TIME ZONE 'UTC'")
        dbapi_conn.autocommit = False

    return engine


def explain_connect(exc: BaseException, url: URL) -> DatabaseError:
    """One line for a connection that failed, saying what to do."""
    message = str(getattr(exc, "orig", None) or exc)
    low = message.lower()
    where = describe(url)
    who = url.username or "(your user name)"
    if "no password supplied" in low or "password is required" in low:  # libpq found none to give
        return PasswordNeeded(f"the server at {where} asks for the password of the login {who}, and none was found "
                              "(PGPASSWORD, ~/.pgpass or a service file); type it when asked, or set one of those")
    if "password authentication failed" in low:
        return PasswordNeeded(f"the server at {where} did not accept the login {who} without the right password; "
                              "check the password (or the password file) and try again")
    if "ssl" in low or "certificate" in low or "tls" in low:
        return DatabaseError(f"cannot make a secure (TLS) connection to {where}: {_first_line(message)}; check "
                             "sslmode and sslrootcert in the URL, or ask IT for the server's certificate")
    if "does not exist" in low and "database" in low:
        return DatabaseError(f"there is no database {url.database!r} on the server at {where}; check the URL, or "
                             "ask IT to create it and run 'sg-assess team init'")
    if "role" in low and "does not exist" in low:
        return DatabaseError(f"the server at {where} has no login {url.username!r}; ask IT to add you "
                             "('sg-assess team add-user')")
    if "no pg_hba.conf entry" in low or "not permitted" in low or "permission denied" in low:
        return DatabaseError(f"the server at {where} does not let this login connect: {_first_line(message)}; ask IT")
    return ServerUnreachable(f"cannot reach the team database at {where} ({_first_line(message)}); check the "
                             "network and that the server is running, or ask IT; nothing was changed")


def _first_line(message: str) -> str:
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    return lines[0] if lines else message.strip()


def schema_version(conn) -> int | None:  # noqa: ANN001 - a SQLAlchemy connection
    """The migration the team database is at (0: empty), or None if it holds tables that are not ours."""
    run = conn.exec_driver_sql
    if run("SELECT to_regclass('alembic_version')").scalar() is None:
        others = run("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").scalar()
        return 0 if not others else None
    if run("SELECT to_regclass('assessment')").scalar() is None:
        return None
    version = run("SELECT version_num FROM alembic_version").scalar()
    try:
        return int(version)
    except (TypeError, ValueError):
        return None


def identity(conn) -> TeamIdentity:  # noqa: ANN001 - a SQLAlchemy connection
    """Who this login is on the team: refused, in one line, for a login in neither group."""
    login, supervisor, practitioner, name = conn.exec_driver_sql(
        "SELECT session_user, pg_has_role(session_user, %s, 'MEMBER'), pg_has_role(session_user, %s, 'MEMBER'), "
        "(SELECT display_name FROM team_member WHERE login = session_user)",
        (SUPERVISOR_GROUP, PRACTITIONER_GROUP)).one()
    if not (supervisor or practitioner):
        raise DatabaseError(f"the login {login!r} is not on the team (neither {PRACTITIONER_GROUP} nor "
                            f"{SUPERVISOR_GROUP}); ask IT to run 'sg-assess team set-role {login} --role practitioner' (or supervisor)")
    return TeamIdentity(login=login, display_name=name or login, role="supervisor" if supervisor else "practitioner")
