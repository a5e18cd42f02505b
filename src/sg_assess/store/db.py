"""Opening the database: refuse what is not ours, set the pragmas, migrate.

A database is never modified until it has been recognised as an sg-assess
database of a schema this version understands.  Everything that can go wrong
before that is a ``DatabaseError`` with one line that says what to do.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.pool import QueuePool, StaticPool

from sg_assess.errors import DatabaseError, NotFound, Refused

APPLICATION_ID = 0x53474153  # "SGAS"
SCHEMA_VERSION = 5  # PRAGMA user_version written by the newest migration (the Alembic revision on a server)
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024  # below this, every open runs SQLite's quick check first (milliseconds)
MEMORY = ":memory:"


DRIVE_REMOTE = 4  # GetDriveTypeW: a network drive (a mapped letter such as Z:)


@dataclass(frozen=True)
class Location:
    """Where a database lives: a file path, ``:memory:`` for tests, or a team server's URL (``server``);
    ``readonly`` from ``?mode=ro``."""

    path: Path | None
    readonly: bool = False
    server: str | None = None  # postgresql://[user@]host[:port]/database[?sslmode=...], never with a password

    @property
    def is_memory(self) -> bool:
        return self.path is None and self.server is None

    @property
    def is_server(self) -> bool:
        return self.server is not None

    def __str__(self) -> str:
        if self.server is not None:
            return self.server
        return MEMORY if self.path is None else str(self.path)


def resolve_location(value: str | os.PathLike[str]) -> Location:
    """A plain path, a SQLAlchemy ``sqlite:///`` URL, or a ``postgresql://`` URL of a team database."""
    text = os.fspath(value)
    if text == MEMORY:
        return Location(None)
    from sg_assess.store.postgres import is_server_url, redact, server_url

    if is_server_url(text):
        server_url(text)  # refuses a password or a URL without a database, in one line
        return Location(None, server=redact(text))
    if "://" in text:
        try:
            url = make_url(text)
        except ArgumentError:
            raise DatabaseError(f"{text!r} is not a valid database URL") from None
        if not url.drivername.startswith("sqlite"):
            raise DatabaseError(f"only SQLite files and PostgreSQL servers are supported, not {url.drivername!r}; give "
                                "a file path, a sqlite:/// URL or a postgresql:// URL")
        if not url.database or url.database == MEMORY:
            return Location(None)
        readonly = False
        for key, value in url.query.items():
            if key == "mode" and value in ("ro", "rw", "rwc"):
                readonly = value == "ro"
            else:
                raise DatabaseError(f"{text!r}: the URL option {key}={value} is not supported (only mode=ro, "
                                    "for read-only); nothing was opened")
        return Location(_local_path(url.database), readonly=readonly)
    return Location(_local_path(text))


def _local_path(text: str, *, os_name: str = os.name) -> Path:
    if os_name != "nt" and text.startswith("//") and not text.startswith("///"):
        # On Windows this is a network share; here it would quietly become folders at the root.
        raise DatabaseError(f"{text!r} looks like a Windows network path (//server/share/...); "
                            "give a local path or a mounted folder, nothing was created")
    return Path(os.path.abspath(Path(text).expanduser()))  # absolute and without "..": what messages show


def sqlite_uri(path: os.PathLike[str] | str, mode: str, *, os_name: str = os.name) -> str:
    """A ``file:`` URI SQLite accepts for ``path``, with ``mode`` (ro or rw).

    ``Path.as_uri()`` turns a Windows share (``\\\\server\\share\\x.db``) into ``file://server/...``, an
    authority SQLite refuses; the path of a share goes after an empty authority instead
    (``file:////server/share/x.db``), a drive path as ``file:///C:/x.db``.  It also fails on relative paths.
    """
    from urllib.parse import quote

    if os_name == "nt":
        from pathlib import PureWindowsPath

        posix = PureWindowsPath(os.fspath(path)).as_posix()
        if not posix.startswith("/"):  # C:/x/y.db
            posix = "/" + posix
    else:
        posix = os.path.abspath(os.fspath(path))
    return f"file://{quote(posix, safe='/:')}?mode={mode}"


def _windows_drive_type(root: str) -> int:
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)))  # type: ignore[attr-defined]


def _is_network_path(path: os.PathLike[str] | str, *, os_name: str = os.name, drive_type=None) -> bool:  # noqa: ANN001
    """WAL needs shared memory, which network drives do not give: use a rollback journal there.

    On Windows: a share (``\\\\server\\share``) or a drive letter mapped to one (GetDriveTypeW says
    DRIVE_REMOTE on the drive's root).  Elsewhere network mounts look local and are not detected.
    """
    if os_name != "nt":
        return False
    from pathlib import PureWindowsPath

    text = os.fspath(path)
    if text.startswith(("\\\\", "//")):
        return True
    drive = PureWindowsPath(text).drive
    if not drive:
        return False
    try:
        return (drive_type or _windows_drive_type)(drive + "\\") == DRIVE_REMOTE
    except (OSError, AttributeError, ValueError):
        return False  # cannot tell: SQLite's default


def _inspect_existing(path: Path, *, readonly: bool) -> int:
    """Check a file that exists is an sg-assess database we may open; return its schema version (0 = empty)."""
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file; give the path of a .db file")
    from sg_assess.fileio import require_regular

    require_regular(path, "the database", error=DatabaseError)  # a FIFO would hang, a device grow a journal
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except PermissionError:
        raise DatabaseError(f"{path}: permission denied; ask your IT support to give you access to the file") from None
    except OSError as exc:
        raise DatabaseError(f"{path}: cannot read the database: {exc.strerror or exc}") from None
    if not header:
        return 0  # an empty file is a new database
    if not header.startswith(SQLITE_HEADER):
        raise DatabaseError(f"{path} is not a database file (it holds something else); check the path, nothing was changed")
    if len(header) < 100:
        raise DatabaseError(f"{path} is damaged (the file is truncated); restore it from a backup, nothing was changed")
    try:
        conn = sqlite3.connect(sqlite_uri(path, "ro"), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise DatabaseError(f"{path}: cannot open the database ({exc}); nothing was changed") from None
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app_id == APPLICATION_ID:
            conn.execute("SELECT 1 FROM assessment LIMIT 1").fetchone()
            if path.stat().st_size <= QUICK_CHECK_MAX_BYTES:
                # Nothing may write to a damaged file (not even the journal-mode switch): check it all first.
                verdict = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
                if verdict != "ok":
                    raise sqlite3.DatabaseError("database disk image is malformed: " + " ".join(verdict.split()))
    except sqlite3.DatabaseError as exc:
        message = str(exc)
        kind = sqlite_kind(exc) or _kind_from_message(message.lower())
        if kind in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            raise DatabaseError(f"{path} is locked by another program; close it and try again, nothing was changed") from None
        if kind == "SQLITE_CANTOPEN":
            hint = "the folder is read-only" if not _writable(path.parent) else "the file cannot be opened"
            raise DatabaseError(f"{path}: {hint}; open a copy in a writable folder, nothing was changed") from None
        raise DatabaseError(
            f"{path} is damaged ({message}); run 'sg-assess check' or restore it from a backup, nothing was changed"
        ) from None
    finally:
        conn.close()
    if app_id != APPLICATION_ID:
        if app_id == 0 and tables == 0:
            return 0
        raise DatabaseError(f"{path} is not an sg-assess database (it belongs to another program); check the path, nothing was changed")
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            f"{path} was written by a newer sg-assess (schema {version}; this one reads up to {SCHEMA_VERSION}); "
            "upgrade sg-assess to open it, nothing was changed"
        )
    if not readonly:
        for target, what in ((path, "file"), (path.parent, "folder")):
            if not _writable(target):
                raise DatabaseError(
                    f"{path}: the database {what} is read-only; ask for write access or work on a copy, nothing was changed"
                )
    return version


def database_version(path: Path) -> int:
    """The schema version of the sg-assess database at ``path`` (0: empty); refuses what is not one."""
    return _inspect_existing(Path(path), readonly=True)


def _writable(target: Path) -> bool:
    """Writable by us, and not marked read-only (an administrator may write anything, but should not here)."""
    try:
        marked_read_only = not (target.stat().st_mode & stat.S_IWUSR)
    except OSError:
        return False
    return os.access(target, os.W_OK) and not marked_read_only


def _create_file(path: Path) -> None:
    """Create the folder (0700) and an empty database file (0600) before SQLite touches them."""
    try:
        if not path.parent.exists():
            path.parent.mkdir(parents=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        if os.name != "nt":
            os.chmod(path, 0o600)
    except FileExistsError:
        pass
    except OSError as exc:
        raise DatabaseError(f"cannot create the database {path}: {exc.strerror or exc}") from None


def _connect_pragmas(dbapi_conn: sqlite3.Connection, *, readonly: bool, wal: bool) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _on_begin)
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    from sg_assess.store.dialect import sqlite_functions

    sqlite_functions(dbapi_conn)
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA trusted_schema = OFF")
    cur.execute("PRAGMA secure_delete = ON")
    cur.execute("PRAGMA synchronous = FULL")
    if not readonly:
        mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
        wanted = "wal" if wal else "delete"
        if mode.lower() != wanted:
            cur.execute(f"PRAGMA journal_mode = {wanted}")
    cur.close()


def on_begin(conn) -> None:
    """Writes take the write lock up front, so a read never has to upgrade to a write (no SQLITE_BUSY)."""
    from sg_assess.store.dialect import begin

    options = conn.get_execution_options()
    begin(conn, write=options.get("sg_write", False), snapshot=options.get("sg_snapshot", False))


def create_sqlite_engine(location: Location, *, readonly: bool = False) -> Engine:
    if location.is_memory:
        engine = create_engine(
            "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
        wal = False
    else:
        assert location.path is not None
        uri = sqlite_uri(location.path, "ro" if readonly else "rw")

        def creator() -> sqlite3.Connection:
            return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)

        engine = create_engine("sqlite://", creator=creator, poolclass=QueuePool, pool_size=4, max_overflow=4)
        wal = not _is_network_path(location.path)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):  # noqa: ANN001 - SQLAlchemy's signature
        _connect_pragmas(dbapi_conn, readonly=readonly, wal=wal)

    event.listen(engine, "begin", on_begin)
    return engine


def open_engine(location: Location, *, readonly: bool = False, create: bool = True, password: str | None = None) -> Engine:
    """Check, open and migrate the database; return an engine.  Never modifies a file it refuses.

    A team database is checked, never migrated here: 'sg-assess team init' (the database owner) does that.
    """
    if location.server is not None:
        return open_server(location, password=password)
    version = 0
    readonly = readonly or location.readonly
    if not location.is_memory:
        assert location.path is not None
        if location.path.exists() or location.path.is_symlink():
            version = _inspect_existing(location.path, readonly=readonly)
            if version == 0 and not create:  # a reading command: an empty file is no database, and stays as it is
                raise NotFound(f"no database at {location.path} (the file is empty; nothing was changed); check "
                               "--db, or create one with 'sg-assess new'")
            if version == 0 and not readonly and os.name != "nt":
                os.chmod(location.path, 0o600)  # an empty file someone else made becomes our private database
        elif not create or readonly:
            raise NotFound(f"no database at {location.path} (nothing was created); check --db, create one with "
                           "'sg-assess new', or try 'sg-assess demo'")
        else:
            _create_file(location.path)
    if readonly and version < SCHEMA_VERSION:
        raise DatabaseError(f"{location} needs upgrading; open it once with write access, nothing was changed")
    engine = create_sqlite_engine(location, readonly=readonly)
    if version < SCHEMA_VERSION:
        try:
            migrate(engine)
        except Exception:
            engine.dispose()
            raise
    return engine


def open_server(location: Location, *, password: str | None = None) -> Engine:
    """A team database's engine, once its schema is known to be ours and current (one line otherwise)."""
    from sg_assess.store import postgres

    assert location.server is not None
    url = postgres.server_url(location.server)
    engine = postgres.create_server_engine(url, password=password)
    event.listen(engine, "begin", on_begin)
    try:
        with engine.connect() as conn:
            version = postgres.schema_version(conn)
    except (OperationalError, SADatabaseError) as exc:
        engine.dispose()
        if getattr(getattr(exc, "orig", None), "sqlstate", None) == "42501":  # connected, but may read nothing
            who = url.username or "this login"
            raise DatabaseError(f"the login {who!r} is not on the team of {postgres.describe(url)} (neither "
                                f"{postgres.PRACTITIONER_GROUP} nor {postgres.SUPERVISOR_GROUP}); ask IT to run "
                                f"'sg-assess team set-role {who} --role practitioner' (or supervisor)") from None
        raise postgres.explain_connect(exc, url) from None
    where = postgres.describe(url)
    if version is None:
        engine.dispose()
        raise DatabaseError(f"the database {where} holds tables that are not sg-assess's; check the URL, nothing "
                            "was changed")
    if version < SCHEMA_VERSION:
        engine.dispose()
        what = "is not set up yet" if version == 0 else "needs upgrading"
        raise DatabaseError(f"the team database {where} {what}: ask IT to run 'sg-assess team init' with the "
                            "database owner's login; nothing was changed")
    if version > SCHEMA_VERSION:
        engine.dispose()
        raise DatabaseError(f"the team database {where} was set up by a newer sg-assess (schema {version}; this one "
                            f"reads up to {SCHEMA_VERSION}); upgrade sg-assess, nothing was changed")
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest version with Alembic, in one write transaction."""
    from alembic import command  # imported only when there is something to do (~150 ms)
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    with engine.execution_options(sg_write=True).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def lost_connection(exc: BaseException) -> bool:
    """True when a team database's server went away (or could not be reached): the work can be tried again."""
    if getattr(exc, "connection_invalidated", False):
        return True
    orig = getattr(exc, "orig", None)
    state = getattr(orig, "sqlstate", None)
    if state is not None:
        return state.startswith(("08", "57P"))  # connection exceptions; the server shutting down
    module = type(orig).__module__ if orig is not None else ""
    return module.startswith("psycopg") and type(orig).__name__ == "OperationalError"


def sqlite_kind(exc: BaseException) -> str | None:
    """SQLite's primary result code for an error, by name (``SQLITE_BUSY`` for ``SQLITE_BUSY_SNAPSHOT``), or None.

    Python 3.11+ gives each sqlite3 error its ``sqlite_errorname``; an error raised by our own code, or by a
    test standing in for SQLite, has none, and is read by its message instead (``_kind_from_message``).
    """
    name = getattr(exc, "sqlite_errorname", None)
    if not isinstance(name, str) or not name.startswith("SQLITE_"):
        return None
    return "_".join(name.split("_")[:2])


def _kind_from_message(message: str) -> str | None:
    for kind, words in (("SQLITE_CORRUPT", ("malformed", "corrupt")), ("SQLITE_NOTADB", ("not a database",)),
                        ("SQLITE_FULL", ("full",)), ("SQLITE_BUSY", ("locked", "busy")),
                        ("SQLITE_READONLY", ("readonly", "read-only")), ("SQLITE_IOERR", ("disk i/o", "i/o error")),
                        ("SQLITE_CANTOPEN", ("unable to open",))):
        if any(word in message for word in words):
            return kind
    return None


def explain_failure(exc: BaseException) -> str:
    """What a failed read or write means for the user, in one line."""
    orig = getattr(exc, "orig", None)
    if lost_connection(exc):
        return "the connection to the team database was lost; what you typed is kept, try again in a moment"
    diag = getattr(orig, "diag", None)  # psycopg: the server's own message, e.g. a rule a trigger enforces
    if diag is not None and getattr(diag, "message_primary", None):
        if getattr(orig, "sqlstate", None) in ("P0001", "42501"):  # a rule the server enforces; no privilege
            return diag.message_primary
        if getattr(orig, "sqlstate", None) == "55P03":
            return "the team database is busy (another save is taking long); try again in a moment"
    message = str(orig or exc).lower()
    kind = sqlite_kind(orig or exc) or _kind_from_message(message)
    if kind in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
        return ("the database is damaged; run 'sg-assess check', and restore a backup with 'sg-assess restore FILE' "
                "(your current file is kept)")
    if kind == "SQLITE_FULL":
        return "the disk is full: free some space; nothing already saved was harmed"
    if kind in ("SQLITE_BUSY", "SQLITE_LOCKED"):
        return "the database is busy (another program is writing to it); try again in a moment"
    if kind == "SQLITE_READONLY":
        return "the database is read-only: ask for write access or work on a copy"
    if kind == "SQLITE_IOERR":
        return "the disk could not be written (input/output error); check the drive"
    return f"the database could not be written ({message})"


@contextmanager
def write_connection(engine: Engine) -> Iterator:
    """A connection inside BEGIN IMMEDIATE ... COMMIT (rolled back on any error).

    SQLite failures (disk full, locked, read-only, I/O) become one DatabaseError
    line; the transaction is rolled back, so nothing half-written remains.
    """
    try:
        with engine.execution_options(sg_write=True).begin() as conn:
            yield conn
    except (OperationalError, SADatabaseError, sqlite3.DatabaseError) as exc:  # SQLAlchemy's, or the driver's own
        if lost_connection(exc):
            from sg_assess.store.postgres import ServerUnreachable

            raise ServerUnreachable(explain_failure(exc)) from None
        if getattr(getattr(exc, "orig", None), "sqlstate", None) in ("P0001", "42501"):
            raise Refused(explain_failure(exc)) from None  # a rule the team database enforces itself
        raise DatabaseError(explain_failure(exc)) from None
    _written.add(engine)


_written: weakref.WeakSet[Engine] = weakref.WeakSet()
DRIVER_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error,)  # what SQLite may raise outside SQLAlchemy


def has_written(engine: Engine) -> bool:
    """True once a write transaction committed on ``engine``."""
    return engine in _written


def check_database(location: Location, *, seals: bool = False) -> list[str]:
    """Every problem found by SQLite's integrity checks, read-only; empty when the database is sound.
    (A team database is checked by store/server_check.py.)

    ``seals`` also checks that every signed-off record is as it was signed off
    (store/freeze.py): for 'sg-assess check', not for choosing a backup.
    """
    if location.server is not None:
        return [f"{location} is a team database: 'sg-assess check' checks it on the server (store/server_check.py)"]
    if location.is_memory:
        return ["an in-memory database (:memory:) has nothing to check; give a database file"]
    path = location.path
    assert path is not None
    if not path.exists():
        return [f"no database at {path}"]
    try:
        _inspect_existing(path, readonly=True)
    except DatabaseError as exc:
        return [str(exc)]
    problems: list[str] = []
    try:
        conn = sqlite3.connect(sqlite_uri(path, "ro"), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        return [f"{path}: cannot open the database ({exc})"]
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if rows != ["ok"]:
            problems += [f"integrity: {row}" for row in rows]
        problems += [f"foreign key: {row[0]} row {row[1]} points at a missing {row[2]}"
                     for row in conn.execute("PRAGMA foreign_key_check")]
        if conn.execute("PRAGMA user_version").fetchone()[0] >= 1:
            indexed = conn.execute("SELECT count(*) FROM assessment_fts").fetchone()[0]
            total = conn.execute("SELECT count(*) FROM assessment").fetchone()[0]
            if indexed != total:
                problems.append(f"search index: {indexed} documents for {total} assessments")
        if seals and conn.execute("PRAGMA user_version").fetchone()[0] >= 3:
            from sg_assess.store.freeze import verify

            problems += verify(conn.execute)  # every signed-off record as it was signed off
    except sqlite3.DatabaseError as exc:
        problems.append(f"{path} is damaged ({exc}); restore it from a backup")
    finally:
        conn.close()
    return problems
