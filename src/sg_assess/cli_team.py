"""'sg-assess team ...': setting up a team database, for IT.

``team init`` runs with the database owner's login; ``add-user``, ``set-role`` and
``list-users`` with a login that has CREATEROLE.  The database is the one named by
--db, SG_ASSESS_DB or the config's ``database`` (a postgresql:// URL).  Every
failure is one line; nothing here imports Textual.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from sg_assess import cli_base
from sg_assess.cli_base import Group, app, ask_password, emit_json, state_of
from sg_assess.errors import UsageError
from sg_assess.safetext import one_line

team_app = typer.Typer(cls=Group, help="For IT: set up a team database on PostgreSQL and manage its logins.",
                       rich_markup_mode=None)
app.add_typer(team_app, name="team")

ROLES = ("practitioner", "supervisor")


def _connect(ctx: typer.Context) -> Any:  # an Engine
    from sg_assess.store import team

    state = state_of(ctx)
    location = state.file_location()
    if not state.is_team():
        raise UsageError("team commands need a team database: --db postgresql://[login@]host[:port]/DATABASE "
                         "(or SG_ASSESS_DB, or 'database' in the config file)")
    return state.with_password(lambda password: team.connect(location, password=password))


def _where(ctx: typer.Context) -> str:
    from sg_assess.store.db import resolve_location
    from sg_assess.store.postgres import describe, server_url

    return describe(server_url(resolve_location(state_of(ctx).file_location()).server or ""))


def _role(role: str) -> str:
    value = (role or "").strip().lower()
    if value not in ROLES:
        raise UsageError(f"the role must be practitioner or supervisor, not {role!r}")
    return value


@team_app.command("init")
def team_init(ctx: typer.Context) -> None:
    """Create (or upgrade) the schema, the two group roles and their grants (the database owner runs this).

    Safe to run again: an existing team database keeps its records and gets any new grant or rule."""
    from sg_assess.store import team

    engine = _connect(ctx)
    try:
        before = team.schema_before(engine)
        version = team.init(engine)
    finally:
        engine.dispose()
    where = _where(ctx)
    if before == 0:
        typer.echo(f"set up the team database {where}: schema version {version}")
    elif before == version:
        typer.echo(f"the team database {where} was already set up (schema version {version}); its rules, grants "
                   "and triggers were written again, putting back any that had been changed or switched off")
    else:
        typer.echo(f"upgraded the team database {where} from schema version {before} to {version}")
    typer.echo("group roles sg_practitioner and sg_supervisor, their grants and the server's rules are in place")
    typer.echo("next: sg-assess --db ... team add-user LOGIN --role practitioner|supervisor --name \"Display Name\"")


@team_app.command("add-user")
def team_add_user(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="The new database login (what the person connects as).")],
    role: Annotated[str, typer.Option("--role", help="practitioner or supervisor.")],
    name: Annotated[str | None, typer.Option("--name", help="Display name shown beside the login.")] = None,
) -> None:
    """Add a login to the team (needs CREATEROLE).  The password is read from standard input, or asked for twice."""
    from sg_assess.store import team

    role = _role(role)
    password = _new_password(login)
    engine = _connect(ctx)
    try:
        team.add_user(engine, login, role=role, password=password, display_name=name)
    finally:
        engine.dispose()
    shown = f" ({one_line(name.strip())})" if name and name.strip() else ""
    typer.echo(f"added {one_line(login.strip())}{shown} as a {role}")


def _new_password(login: str) -> str:
    """From standard input when it is not a terminal (its first line), else typed twice without echo."""
    if not cli_base.stdin_is_terminal():
        text = sys.stdin.read()
        password = text.splitlines()[0] if text.splitlines() else ""
        if not password:
            raise UsageError("no password on standard input: give the new login's password on its first line")
        return password
    first = ask_password(f"Password for the new login {one_line(login)}: ")
    if not first:
        raise UsageError("no password typed; nothing was changed")
    if ask_password("The same password again: ") != first:
        raise UsageError("the two passwords differ; nothing was changed")
    return first


@team_app.command("set-role")
def team_set_role(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="An existing login.")],
    role: Annotated[str, typer.Option("--role", help="practitioner or supervisor.")],
    name: Annotated[str | None, typer.Option("--name", help="A new display name too.")] = None,
) -> None:
    """Move a login to the other group (needs CREATEROLE)."""
    from sg_assess.store import team

    role = _role(role)
    engine = _connect(ctx)
    try:
        team.set_role(engine, login, role=role, display_name=name)
    finally:
        engine.dispose()
    typer.echo(f"{one_line(login)} is now a {role}")


@team_app.command("list-users")
def team_list_users(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every login on the team: its display name and role."""
    from sg_assess.store import team

    engine = _connect(ctx)
    try:
        members = team.list_users(engine)
    finally:
        engine.dispose()
    if as_json:
        emit_json([{"login": m.login, "display_name": m.display_name, "role": m.role} for m in members])
        return
    if not members:
        typer.echo("No logins on the team yet; add one with 'sg-assess team add-user LOGIN --role ...'", err=True)
        return
    from sg_assess.terminal import print_table

    print_table(["Login", "Name", "Role"], [[m.login, m.display_name, m.role] for m in members], wrap=("Name",))
