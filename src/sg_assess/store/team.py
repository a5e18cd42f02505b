"""Setting up a team database, for IT: the schema, the two group roles, the grants, and the team's logins.

Every function runs with the login it is given (the database owner for ``init``;
a login with CREATEROLE for the others) and is safe to run again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from sg_assess.errors import DatabaseError, NotFound, UsageError
from sg_assess.safetext import one_line
from sg_assess.store import db, postgres
from sg_assess.store.dialect import run_script
from sg_assess.store.postgres import GROUPS, PRACTITIONER_GROUP, SUPERVISOR_GROUP

RULES_SQL = "server_rules.sql"


@dataclass(frozen=True)
class Member:
    login: str
    display_name: str
    role: str  # practitioner, supervisor, or "none" for a login whose group was taken away


def connect(location: str, *, password: str | None = None) -> Engine:
    """An engine on the server at ``location`` with no check of its schema (``init`` makes it)."""
    loc = db.resolve_location(location)
    if loc.server is None:
        raise UsageError("team commands need a team database: --db postgresql://[user@]host[:port]/DATABASE")
    url = postgres.server_url(loc.server)
    engine = postgres.create_server_engine(url, password=password)
    from sqlalchemy import event

    event.listen(engine, "begin", db.on_begin)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except DBAPIError as exc:
        engine.dispose()
        raise postgres.explain_connect(exc, url) from None
    return engine


def _require_owner(conn) -> None:  # noqa: ANN001 - a SQLAlchemy connection
    owner = conn.exec_driver_sql("SELECT pg_get_userbyid(datdba) = session_user OR "
                                 "(SELECT rolsuper FROM pg_roles WHERE rolname = session_user) "
                                 "FROM pg_database WHERE datname = current_database()").scalar()
    if not owner:
        raise DatabaseError("'team init' must run as the database's owner (or a superuser); nothing was changed")


def init(engine: Engine) -> int:
    """Create or upgrade the schema, the group roles and the grants; return the schema version now."""
    with engine.connect() as conn:
        _require_owner(conn)  # first: a login that may read nothing here would fail on the version with no reason
        version = postgres.schema_version(conn)
    if version is None:
        raise DatabaseError("this database holds tables that are not sg-assess's; give an empty database, "
                            "nothing was changed")
    try:
        db.migrate(engine)
        from pathlib import Path

        rules = (Path(__file__).with_name(RULES_SQL)).read_text(encoding="utf-8")
        with engine.begin() as conn:  # again, so a server set up earlier gets any new grant or rule
            run_script(conn, rules)
    except DBAPIError as exc:
        raise DatabaseError(f"could not set up the team database: {_message(exc)}; nothing was changed") from None
    with engine.connect() as conn:
        return postgres.schema_version(conn) or 0


def _message(exc: DBAPIError) -> str:
    diag = getattr(exc.orig, "diag", None)
    return (getattr(diag, "message_primary", None) or str(exc.orig)).strip().splitlines()[0]


def _group(role: str) -> str:
    try:
        return GROUPS[role]
    except KeyError:
        raise UsageError(f"the role must be practitioner or supervisor, not {role!r}") from None


def _display_name(display_name: str | None) -> str | None:
    """A display name given, made one line; one given but empty (spaces only) is refused, not taken for none."""
    if display_name is None:
        return None
    name = one_line(display_name)
    if not name:
        raise UsageError("the display name is empty; give one (--name \"Display Name\") or leave --name out")
    return name


def add_user(engine: Engine, login: str, *, role: str, password: str, display_name: str | None = None) -> None:
    """A new login in the role's group, with a password and a display name (CREATEROLE needed)."""
    group = _group(role)
    login = _login(login)
    if not password:
        raise UsageError("a password is needed for the new login (read from standard input, or typed when asked)")
    name = _display_name(display_name) or login  # user text: no control characters, one line
    try:
        with engine.begin() as conn:
            _require_admin(conn)
            exists = conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).first()
            if exists:
                raise UsageError(f"the login {login!r} exists already; use 'team set-role' to change its role")
            quoted = conn.exec_driver_sql("SELECT quote_ident(%s), quote_literal(%s)", (login, password)).one()
            conn.exec_driver_sql(f"CREATE ROLE {quoted[0]} LOGIN PASSWORD {quoted[1]} IN ROLE {group}")
            conn.exec_driver_sql("INSERT INTO team_member (login, display_name) VALUES (%s, %s) "
                                 "ON CONFLICT (login) DO UPDATE SET display_name = EXCLUDED.display_name", (login, name))
    except DBAPIError as exc:
        raise DatabaseError(f"could not add {login!r}: {_message(exc)}") from None


def set_role(engine: Engine, login: str, *, role: str, display_name: str | None = None) -> None:
    """Move a login to the other group (and optionally rename it)."""
    group = _group(role)
    other = SUPERVISOR_GROUP if group == PRACTITIONER_GROUP else PRACTITIONER_GROUP
    name = _display_name(display_name)
    try:
        with engine.begin() as conn:
            _require_admin(conn)
            if conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).first() is None:
                raise NotFound(f"there is no login {login!r}; add it with 'team add-user'")
            quoted = conn.exec_driver_sql("SELECT quote_ident(%s)", (login,)).scalar()
            conn.exec_driver_sql(f"REVOKE {other} FROM {quoted}")
            conn.exec_driver_sql(f"GRANT {group} TO {quoted}")
            if name:
                conn.exec_driver_sql("INSERT INTO team_member (login, display_name) VALUES (%s, %s) ON CONFLICT "
                                     "(login) DO UPDATE SET display_name = EXCLUDED.display_name", (login, name))
    except DBAPIError as exc:
        raise DatabaseError(f"could not change the role of {login!r}: {_message(exc)}") from None


def list_users(engine: Engine) -> list[Member]:
    """Every login in either group, and every login with a display name here."""
    with engine.connect() as conn:
        _require_set_up(conn)
        rows = conn.exec_driver_sql(
            "SELECT r.rolname, coalesce(m.display_name, r.rolname), "
            "CASE WHEN pg_has_role(r.oid, %s, 'MEMBER') THEN 'supervisor' "
            "WHEN pg_has_role(r.oid, %s, 'MEMBER') THEN 'practitioner' ELSE 'none' END "
            "FROM pg_roles r LEFT JOIN team_member m ON m.login = r.rolname "
            "WHERE r.rolcanlogin AND NOT r.rolsuper AND (m.login IS NOT NULL OR pg_has_role(r.oid, %s, 'MEMBER') "
            "OR pg_has_role(r.oid, %s, 'MEMBER')) ORDER BY r.rolname",
            (SUPERVISOR_GROUP, PRACTITIONER_GROUP, SUPERVISOR_GROUP, PRACTITIONER_GROUP)).all()
    return [Member(*row) for row in rows]


def display_names(engine: Engine) -> dict[str, str]:
    """Each team login's display name, as IT set it (for showing beside the login; records keep the login)."""
    with engine.connect() as conn:
        return {login: name for login, name in conn.exec_driver_sql("SELECT login, display_name FROM team_member")}


def schema_before(engine: Engine) -> int | None:
    """The schema version before 'init' (0: an empty database; None: tables that are not ours); only the
    database's owner is told (anyone else may read nothing here, and 'init' would refuse them anyway)."""
    with engine.connect() as conn:
        _require_owner(conn)
        return postgres.schema_version(conn)


def _require_set_up(conn) -> None:  # noqa: ANN001 - a SQLAlchemy connection
    if conn.exec_driver_sql("SELECT to_regclass('team_member')").scalar() is None:
        raise DatabaseError("this database is not set up for sg-assess yet: run 'sg-assess team init' with the "
                            "database owner's login first; nothing was changed")


def _require_admin(conn) -> None:  # noqa: ANN001 - a SQLAlchemy connection
    """Making and changing logins needs CREATEROLE (or a superuser): say so before trying."""
    _require_set_up(conn)
    login, allowed = conn.exec_driver_sql(
        "SELECT session_user, rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = session_user").one()
    if not allowed:
        raise DatabaseError(f"the login {login!r} cannot create or change logins (it needs CREATEROLE); run this "
                            "with IT's administrator login; nothing was changed")


def _login(login: str) -> str:
    login = (login or "").strip()
    if not login or len(login.encode("utf-8")) > 63 or any(ord(ch) < 32 or ord(ch) == 127 for ch in login):
        raise UsageError(f"{login!r} is not a usable login name (1 to 63 characters, no control characters)")
    if login.startswith("pg_") or login in (PRACTITIONER_GROUP, SUPERVISOR_GROUP):
        raise UsageError(f"{login!r} is a reserved name; choose another login")
    return login
