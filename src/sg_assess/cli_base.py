"""What every command of the CLI shares: the app object, the error handling, the run's state, output.

cli.py, cli_review.py and cli_team.py each register their commands on ``app``; none imports another.
"""

from __future__ import annotations

import errno
import json
import os
import sys
from dataclasses import dataclass, field
from typing import Any

import typer
from typer.core import TyperGroup

from sg_assess import paths
from sg_assess.errors import SgError, UsageError
from sg_assess.safetext import one_line

class Group(TyperGroup):
    """Turns SgError into one line and an exit code, and any other exception into a crash report."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            result = super().invoke(ctx)
            if isinstance(ctx.obj, State):
                ctx.obj.after_command()
            return result
        except SgError as exc:
            fail(str(exc), exc.exit_code)
        except typer.Abort:
            raise
        except database_errors() as exc:  # found while reading or writing, after the checks at open
            from sg_assess.store.db import explain_failure

            fail(explain_failure(exc), 1)
        except KeyboardInterrupt:
            fail("interrupted; nothing half-written was kept", 130)
        except BrokenPipeError:  # the reader went away ('| head'): what was done is done; exit quietly
            stdout_gone()
            raise typer.Exit(EXIT_PIPE_CLOSED) from None
        except Exception as exc:  # noqa: BLE001 - last line of defence: no traceback reaches a user
            if hasattr(exc, "exit_code"):  # typer.Exit and the framework's own usage errors
                raise
            if isinstance(exc, OSError) and exc.errno in OUTPUT_ERRNOS:  # '> /dev/full', a full disk, a lost mount
                stdout_gone()
                fail(f"cannot write the output: {exc.strerror or exc}", 1)
            if isinstance(exc, UnicodeEncodeError) and exc.reason == "surrogates not allowed":
                # bytes that are not UTF-8 in an argument (Python keeps them as lone surrogates) reached the store
                fail("an argument is not valid UTF-8 text; check the terminal's or the script's encoding", 2)
            from sg_assess.crash import write_crash_report

            report = write_crash_report(exc)
            where = f"; a report (with no assessment text) is in {report}" if report else ""
            fail(f"unexpected error ({type(exc).__name__}){where}. Please tell your IT support", 70)


EXIT_PIPE_CLOSED = 141  # what a shell reports for a program stopped by SIGPIPE: output was cut short by the reader
OUTPUT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def stdout_gone() -> None:
    """Point standard output at the null device, so Python's final flush has nowhere to fail (as Python's
    documentation on SIGPIPE advises)."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (a test runner's buffer)
        pass


def database_errors() -> tuple[type[BaseException], ...]:
    import sqlite3

    from sqlalchemy.exc import DatabaseError as SADatabaseError

    return (sqlite3.DatabaseError, SADatabaseError)


def fail(message: str, code: int) -> None:
    typer.echo(f"sg-assess: {one_line(message)}", err=True)  # one line, whatever SQLite or the OS said
    raise typer.Exit(code)


app = typer.Typer(
    cls=Group,
    name="sg-assess",
    help="Child safeguarding assessments that never lose a word.",
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class State:
    db: str | None = None
    db_explicit: bool = False
    user: str | None = None
    role: str | None = None
    identity_explicit: bool = False  # --as or --role typed on the command line (not from the environment)
    opened: list[Any] = field(default_factory=list)  # stores opened by this command
    team: Any = None  # on a team database: the login's TeamIdentity, once a store is open
    password: str | None = None  # typed at the prompt for this run only; never stored

    def actor(self) -> str:
        if self.team is not None:  # in team mode the person is the database login
            return self.team.login
        from sg_assess.config import current_user, load_config
        from sg_assess.identity import check_name

        if self.user is not None and self.user.strip():
            return check_name(self.user, what=f"the name given with --as or {paths.ENV_USER}")
        return current_user(load_config())

    def actor_role(self) -> str:
        if self.team is not None:  # ... and the role is the login's group
            return self.team.role
        from sg_assess.config import current_role, load_config
        from sg_assess.identity import check_role

        if self.role is not None and self.role.strip():
            return check_role(self.role, source=f"given with --role or {paths.ENV_ROLE}")
        return current_role(load_config())

    def app_identity(self) -> dict[str, str | None]:
        """--as and --role (or SG_ASSESS_USER / SG_ASSESS_ROLE) for the app, checked without importing the store."""
        if self.db and names_server(self.db):  # the login is the person: the environment's name is for a file
            return {"user": None, "role": None}
        user = self.user.strip() if self.user and self.user.strip() else None
        role = self.role.strip().lower() if self.role and self.role.strip() else None
        if role is not None and role not in ("practitioner", "supervisor"):
            raise UsageError(f"the role must be practitioner or supervisor, not {role!r}")
        return {"user": user, "role": role}

    def db_location(self) -> str:
        if self.db:
            return self.db
        from sg_assess.config import load_config

        config = load_config()
        if config.database and names_server(config.database) and url_has_password(config.database):
            raise UsageError(f"{config.path}: the database URL holds a password, which does not belong in the config "
                             "file; remove it and use a password file (~/.pgpass), PGPASSWORD, or type it when asked")
        return config.database or str(paths.default_db_path())

    def is_team(self) -> bool:
        """True when this run's database is a team database (a postgresql:// URL)."""
        return names_server(self.db_location())

    def refuse_identity_options(self) -> None:
        """In team mode --as and --role are refused: the login is the person, its group the role."""
        if self.identity_explicit and self.is_team():
            raise UsageError("in team mode you are your database login (and its group is your role); "
                             "--as/--role are for a database file")

    def open_store(self, *, readonly: bool = False, create: bool = True):  # noqa: ANN201 - lazy import of Store
        from sg_assess.store.repository import Store

        location = self.file_location()
        store = self.with_password(lambda password: Store.open(location, readonly=readonly, create=create,
                                                                password=password))
        self.team = store.team
        self.opened.append(store)
        return store

    def with_password(self, connect: Any) -> Any:
        """``connect(password)``; when a team database wants a password libpq could not find, and a person is at
        the terminal, ask once and try again (the password is kept for this run only)."""
        from sg_assess.store.postgres import PasswordNeeded

        try:
            return connect(self.password)
        except PasswordNeeded:
            if self.password is not None or not stdin_is_terminal():
                raise
        import getpass

        from sg_assess.store.db import resolve_location
        from sg_assess.store.postgres import describe, server_url

        url = server_url(resolve_location(self.file_location()).server or "")
        who = url.username or getpass.getuser()
        self.password = ask_password(f"Password for {who} at {describe(url)}: ")
        return connect(self.password)

    def file_location(self) -> str:
        """The database named for this run; an in-memory one is refused (the work would end with the command)."""
        from sg_assess.store.db import resolve_location

        location = self.db_location()
        if resolve_location(location).is_memory:
            raise UsageError(f"{location!r} is an in-memory database, gone when the command ends; give a database file")
        return location

    def after_command(self) -> None:
        """After a command that wrote: today's rolling backup (never on opening, so reading stays fast).

        A team database is backed up by its server (Store.daily_backup does nothing there)."""
        stores, self.opened = self.opened, []
        written = [s for s in stores if s.wrote and getattr(s, "team", None) is None]
        if not written:
            return
        from sg_assess.config import load_config
        from sg_assess.errors import SgError

        keep = load_config().backups_keep
        for store in written:
            try:
                store.daily_backup(keep)
            except (SgError, OSError) as exc:  # what was asked is done; say why there is no backup today
                note(f"sg-assess: warning: no backup made today: {one_line(str(exc))}")


def ask_password(prompt: str) -> str:
    """A password typed at the terminal without echo; Ctrl-D (end of input) is one line, not a crash."""
    import getpass

    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise UsageError("no password typed; nothing was changed") from None


def stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def names_server(text: str) -> bool:
    """A postgresql:// URL (checked without importing the store)."""
    scheme = text.split("://", 1)[0].strip().lower() if "://" in text else ""
    return scheme in ("postgresql", "postgres", "postgresql+psycopg")


def url_has_password(text: str) -> bool:
    from urllib.parse import parse_qs, urlsplit

    try:
        parts = urlsplit(text.strip())
        return parts.password is not None or "password" in parse_qs(parts.query)
    except ValueError:
        return False


def state_of(ctx: typer.Context) -> State:
    return ctx.ensure_object(State)


def emit_json(data: Any) -> None:
    from sg_assess.safetext import json_safe

    typer.echo(json_safe(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)))


def note(message: str) -> None:
    typer.echo(message, err=True)


# -- assessments -----------------------------------------------------------------------
