"""The command line.  Every command here runs without importing Textual.

Errors the user can act on print one line on standard error and exit non-zero;
anything else writes a crash report (no user text) and says where it is.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from sg_assess import __version__, paths
from sg_assess.cli_base import (  # noqa: F401 - EXIT_PIPE_CLOSED: tests and callers read it here
    EXIT_PIPE_CLOSED,
    Group,
    State,
    app,
    emit_json,
    fail,
    names_server,
    note,
    state_of,
    stdout_gone,
)
from sg_assess.errors import SgError, UsageError
from sg_assess.safetext import one_line, strip_controls
from sg_assess.statuses import status_words

STATUSES = ("draft", "submitted", "returned", "signed_off")

questionnaires_app = typer.Typer(cls=Group, help="List and check questionnaire files.", rich_markup_mode=None)
app.add_typer(questionnaires_app, name="questionnaires")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sg-assess {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", envvar=paths.ENV_DB, help=(
        "Database file (or sqlite:/// URL), or a team database's postgresql:// URL."))] = None,
    user: Annotated[str | None, typer.Option("--as", envvar=paths.ENV_USER,
                                             help="Act as this person (one run; a database file only).")] = None,
    role: Annotated[str | None, typer.Option("--role", envvar=paths.ENV_ROLE,
                                             help="practitioner or supervisor (one run).")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    """Child safeguarding assessments that never lose a word."""
    source = ctx.get_parameter_source("db")
    explicit = getattr(source, "name", None) == "COMMANDLINE"  # typed on the command line, not SG_ASSESS_DB
    typed = {getattr(ctx.get_parameter_source(name), "name", None) for name in ("user", "role")}
    ctx.obj = State(db=db, db_explicit=explicit, user=user, role=role, identity_explicit="COMMANDLINE" in typed)
    ctx.obj.refuse_identity_options()
    if ctx.invoked_subcommand is None:
        if db is not None and _names_memory(db):  # checked without importing the store: the app paints first
            fail(f"{db!r} is an in-memory database, gone when the app closes; give a database file", 2)
        identity = ctx.obj.app_identity()
        from sg_assess.tui.app import run

        run(db, **identity)


def _names_memory(text: str) -> bool:
    """':memory:', 'sqlite://' or 'sqlite:///:memory:' (with any driver or options): nothing would be kept."""
    import re

    return bool(re.fullmatch(r"\s*(:memory:|sqlite(\+\w+)?://(/(:memory:)?)?(\?.*)?)\s*", text, re.DOTALL))


def _catalog():  # noqa: ANN202
    from sg_assess.config import load_config
    from sg_assess.questionnaire.loader import discover

    return discover(load_config().questionnaire_dirs)


@app.command()
def new(
    ctx: typer.Context,
    child: Annotated[str | None, typer.Option("--child", help="The child's name.")] = None,
    dob: Annotated[str | None, typer.Option("--dob", help="Date of birth, YYYY-MM-DD.")] = None,
    unborn: Annotated[bool, typer.Option("--unborn", help="A pre-birth assessment (give --due).")] = False,
    due: Annotated[str | None, typer.Option("--due", help="Due date of an unborn child, YYYY-MM-DD.")] = None,
    child_id: Annotated[str | None, typer.Option("--child-id", help="Re-assess a child already recorded (id or prefix).")] = None,
    questionnaire: Annotated[str | None, typer.Option(
        "--questionnaire", help="Questionnaire id (newest version), or ID@N for version N.")] = None,
    on: Annotated[str | None, typer.Option("--date", help="Assessment date, YYYY-MM-DD (default: today).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the new assessment as JSON.")] = False,
) -> None:
    """Create a draft assessment and print its id."""
    if not child and not child_id:
        raise UsageError("give the child's name (--child NAME) or re-assess a recorded child (--child-id ID)")
    q = _catalog().get(questionnaire)
    with state_of(ctx).open_store() as store:
        resolved_child = store.resolve_child(child_id) if child_id else None
        state = state_of(ctx)
        from sg_assess.config import load_config

        aid = store.create_assessment(questionnaire=q, actor=state.actor(), role=state.actor_role(), child_name=child,
                                      dob=dob, unborn=unborn, due=due, child_id=resolved_child, assessment_date=on,
                                      agency=load_config().agency)
        summary = store.summary(aid)
    if as_json:
        emit_json(asdict(summary))
        return
    typer.echo(aid)
    note(f"Created draft {summary.short_id} for {one_line(summary.child_name)} (age band {summary.age_band}). "
          f"Next: sg-assess show {summary.short_id}, then sg-assess answer {summary.short_id} QUESTION VALUE")


@app.command("open")
def open_(
    ctx: typer.Context,
    assessment: Annotated[str, typer.Argument(help="Assessment id (6+ characters).")],
) -> None:
    """Open the app straight on an assessment, at its first unanswered question."""
    state = state_of(ctx)
    identity = state.app_identity()
    with state.open_store(create=False) as store:
        aid = store.resolve(assessment)
    from sg_assess.tui.app import run

    run(state.db, open_id=aid, **identity)


@app.command()
def answer(
    ctx: typer.Context,
    assessment: Annotated[str, typer.Argument(help="Assessment id (6+ characters).")],
    question: Annotated[str, typer.Argument(help="Question id (see 'sg-assess show ID').")],
    value: Annotated[str, typer.Argument(help="The answer; '-' reads it from standard input; groups take JSON.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Save one answer (an empty value clears it)."""
    from sg_assess.questionnaire.values import parse_input

    if value == "-":
        value = sys.stdin.read()
    with state_of(ctx).open_store(create=False) as store:
        aid = store.resolve(assessment)
        record_q = store.questionnaire_of(aid)
        q = record_q.question(question)
        if q is None:
            raise UsageError(f"there is no question {question!r} in {record_q.id}; 'sg-assess show {assessment}' lists them")
        state = state_of(ctx)
        changed = store.save_answer(aid, question, parse_input(q, value), actor=state.actor(), role=state.actor_role())
        s = store.summary(aid)
    outcome = "saved" if changed else "unchanged"
    if as_json:
        emit_json({"id": aid, "question": question, "result": outcome, "conflict": not isinstance(changed, bool),
                    "required_answered": s.required_answered, "required_total": s.required_total})
        return
    typer.echo(f"{outcome}: {question} ({s.required_answered} of {s.required_total} required answered)")


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option("--status", help=f"Only this status ({', '.join(STATUSES)}).")] = None,
    search: Annotated[str | None, typer.Option("--search", help="Words to find in names and answers.")] = None,
    child: Annotated[str | None, typer.Option("--child", help="Part of the child's name, or a child id prefix.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100_000, help="At most this many.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List assessments, most recently updated first."""
    if status and status not in STATUSES:
        raise UsageError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
    with state_of(ctx).open_store(create=False) as store:
        rows = store.list(status=status, search=search, child=child, limit=limit)
    if as_json:
        emit_json([asdict(r) for r in rows])
        return
    if not rows:
        note("No assessments found." + ("" if (status or search or child) else " Create one with 'sg-assess new', or try 'sg-assess demo'."))
        return
    from sg_assess.terminal import print_table

    print_table(
        ["Id", "Child", "Age band", "Status", "Updated (UTC)", "Practitioner", "Score", "Required"],
        [[r.short_id, r.child_name, r.age_band, status_words(r.status), r.updated_at[:16].replace("T", " "), r.practitioner,
          r.short_score, f"{r.required_answered}/{r.required_total}"]
         for r in rows],
        wrap=("Child", "Practitioner"),
    )


@app.command()
def show(
    ctx: typer.Context,
    assessment: Annotated[str, typer.Argument(help="Assessment id (6+ characters).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show a whole assessment."""
    with state_of(ctx).open_store(create=False) as store:
        record = store.get(store.resolve(assessment))  # with history: the author's role and accepted gaps
    if as_json:
        from sg_assess.records import assessment_dict

        emit_json(assessment_dict(record, full=False))
        return
    from sg_assess.export.markdown import render_markdown
    from sg_assess.terminal import print_markdown

    print_markdown(render_markdown(record, show_ids=True))


@app.command()
def export(
    ctx: typer.Context,
    assessment: Annotated[str | None, typer.Argument(help="Assessment id (6+ characters).")] = None,
    output: Annotated[str | None, typer.Option("-o", "--output", help="File or folder to write ('-' for standard "
                                                                     "output; a trailing / makes a folder).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="md, json, or bundle (for another machine).")] = "md",
    all_: Annotated[bool, typer.Option("--all", help="Export every assessment (needs --out).")] = False,
    redact: Annotated[bool, typer.Option("--redact", help="People become roles ([mother]); names, dates of "
                                                          "birth, contacts, schools and ids go (for audits).")] = False,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for --all.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was written as JSON.")] = False,
) -> None:
    """Export an assessment (or all of them) to Markdown or JSON."""
    from sg_assess.export import FORMATS, render, write_export

    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; use md, json or bundle")
    if all_:
        if assessment or output:
            raise UsageError("--all exports every assessment into --out DIR; leave out the id and -o")
        if out_dir is None:
            raise UsageError("--all needs a folder: --out DIR")
        _export_all(ctx, out_dir, fmt, redact, as_json)
        return
    if not assessment:
        raise UsageError("give an assessment id, or --all --out DIR")
    if redact and fmt == "bundle":
        raise UsageError("a bundle is for handing an assessment over whole; it cannot be redacted")
    with state_of(ctx).open_store(create=False) as store:
        record = _maybe_redacted(store.get(store.resolve(assessment)), redact)
    if output == "-":
        if as_json:
            raise UsageError("-o - writes the export itself to standard output; leave out --json")
        sys.stdout.write(render(record, fmt))
        return
    from sg_assess.fileio import output_path

    path = write_export(record, fmt, output_path(output, "the export target") if output is not None else Path.cwd())
    if as_json:
        emit_json({"id": record.summary.id, "format": fmt, "path": str(path), "redacted": redact})
        return
    typer.echo(str(path))


def _maybe_redacted(record: Any, redact: bool) -> Any:
    if not redact:
        return record
    from sg_assess.export.redact import redact as redacted

    return redacted(record)


def _export_all(ctx: typer.Context, out_dir: Path, fmt: str, redact: bool = False, as_json: bool = False) -> None:
    from rich.progress import Progress

    from sg_assess.export import write_export
    from sg_assess.fileio import require_regular
    from sg_assess.terminal import stderr_console

    require_regular(out_dir, "the export folder", folder_ok=True)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir} is a file; --out needs a folder")
    with state_of(ctx).open_store(create=False) as store:  # no database: say so before making the folder
        out_dir.mkdir(parents=True, exist_ok=True)
        ids = list(store.iter_ids())
        with Progress(console=stderr_console(), transient=True) as progress:
            task = progress.add_task("Exporting", total=len(ids))
            written = []
            for aid in ids:
                written.append({"id": aid, "path": str(write_export(_maybe_redacted(store.get(aid), redact), fmt, out_dir))})
                progress.advance(task)
    if as_json:
        emit_json({"format": fmt, "folder": str(out_dir), "redacted": redact, "exported": written})
        return
    typer.echo(f"exported {len(ids)} assessment{'s' if len(ids) != 1 else ''} to {out_dir}")


# -- questionnaires ----------------------------------------------------------------------


@questionnaires_app.command("list")
def questionnaires_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Show every questionnaire found: id, version, title and where it came from."""
    catalog = _catalog()
    best = catalog.best
    rows = [{"id": q.id, "version": q.version, "title": q.title, "path": q.origin,
             "in_use": best[q.id] is q} for q in sorted(catalog.found, key=lambda q: (q.id, -q.version, q.origin))]
    for problem in catalog.problems:
        note(f"warning: {problem}")
    if as_json:
        emit_json(rows)
        return
    from sg_assess.terminal import print_table

    def used(row: dict[str, Any]) -> str:
        if row["in_use"]:
            return "yes"
        newest = best[row["id"]].version
        return "no (a newer version is used)" if newest > row["version"] else "no (same version found first)"

    print_table(["Id", "Version", "Title", "Found in", "Used"],
                [[r["id"], str(r["version"]), r["title"], r["path"], used(r)] for r in rows], wrap=("Title", "Found in"))


@questionnaires_app.command("check")
def questionnaires_check(
    files: Annotated[list[Path], typer.Argument(help="Questionnaire files to check.")],
) -> None:
    """Check questionnaire files: one line per problem, exit 1 if there are any."""
    from sg_assess.questionnaire.loader import check_files

    problems = check_files(files)
    for line in problems:
        typer.echo(one_line(line))
    if problems:
        raise typer.Exit(1)
    for path in files:
        typer.echo(f"{path}: ok")


# -- the database ------------------------------------------------------------------------


@app.command("paths")
def paths_(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Where the database, config, logs and questionnaires are."""
    from sg_assess.config import load_config
    from sg_assess.questionnaire.loader import search_path

    config = load_config()
    rows = [
        ["database", _shown_location(state_of(ctx).db_location())],
        ["data folder", str(paths.data_dir())],
        ["config file", str(config.path)],
        ["log folder", str(paths.log_dir())],
        ["demo database", str(paths.demo_db_path())],
        ["documents", str(paths.documents_dir())],
        *[["questionnaires", str(p)] for p in search_path(config.questionnaire_dirs)],
    ]
    if as_json:
        data: dict[str, Any] = {label.replace(" ", "_"): value for label, value in rows if label != "questionnaires"}
        data["questionnaires"] = [value for label, value in rows if label == "questionnaires"]
        emit_json(data)
        return
    for label, value in rows:
        typer.echo(f"{label + ':':<16} {strip_controls(value)}")


def _shown_location(location: str) -> str:
    if not names_server(location):
        return location
    from sg_assess.store.postgres import redact

    return redact(location)


@app.command()
def check(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Check the database's integrity (reads only; changes nothing)."""
    from sg_assess.store.db import check_database, resolve_location

    state = state_of(ctx)
    location = resolve_location(state.file_location())
    if location.is_server:  # connect first (asking for a password if need be): the checks run on the server
        from sg_assess.store.server_check import check_team_database

        try:  # as IT would run it, as the database's owner: no team membership needed
            problems = state.with_password(lambda password: check_team_database(location, password=password))
        except SgError as exc:
            problems = [str(exc)]
    else:
        problems = check_database(location, seals=True)  # and every signed-off record as it was signed off
    if as_json:
        emit_json({"database": str(location), "ok": not problems, "problems": problems})
        if problems:
            raise typer.Exit(1)
        return
    if problems:
        for line in problems:
            typer.echo(f"problem: {line}")
        raise typer.Exit(1)
    typer.echo(f"{location}: ok")


def _refuse_on_team_database(ctx: typer.Context, command: str) -> None:
    if state_of(ctx).is_team():
        raise UsageError(f"a team database is backed up by its server (the organisation's own backups, e.g. pg_dump); "
                         f"'sg-assess {command}' is for a database file")


@app.command()
def backup(
    ctx: typer.Context,
    dest: Annotated[str | None, typer.Argument(help="Backup file or folder (default: the data folder's backups; "
                                                    "a trailing / makes a folder).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Back up the database with SQLite's backup API (safe while it is in use); default: beside the daily ones."""
    import datetime as dt

    from sg_assess.fileio import output_path
    from sg_assess.store.backups import backup_dir

    _refuse_on_team_database(ctx, "backup")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"sg-assess-backup-{stamp}.db"
    chosen = output_path(dest, "the backup destination") if dest is not None else None
    with state_of(ctx).open_store(create=False) as store:
        if store.location.path is None:
            raise UsageError("backup needs a database file")
        target = chosen if chosen is not None else backup_dir(store.location.path) / name
        if target.is_dir():
            target = target / name
        if target.absolute() == store.location.path:
            raise UsageError("the backup would overwrite the database itself; choose another file")
        store.backup(target)
    if as_json:
        emit_json({"database": str(store.location.path), "backup": str(target)})
        return
    typer.echo(str(target))


@app.command("import")
def import_(
    ctx: typer.Context,
    bundle_file: Annotated[Path, typer.Argument(metavar="FILE", help="A bundle made with 'export --format bundle'.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Import an assessment from a hand-off bundle (checked; never overwrites a newer copy)."""
    from sg_assess.store.bundle import import_bundle

    state = state_of(ctx)
    notes: list[str] = []  # what the merge kept or could not reconcile: the person is told
    with state.open_store() as store:
        aid = import_bundle(store, bundle_file, actor=state.actor(), role=state.actor_role(), notes=notes)
    if as_json:
        emit_json({"id": aid, "file": str(bundle_file), "notes": notes})
        return
    typer.echo(f"imported {aid[:8]} from {bundle_file}")
    for line in notes:
        typer.echo(one_line(line))


@app.command()
def restore(
    ctx: typer.Context,
    backup_file: Annotated[Path, typer.Argument(metavar="FILE", help="The backup to put back.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why: needed when the restore takes an assessment "
                                                                "back from signed off or loses later changes.")] = None,
) -> None:
    """Put a backup back: it is checked first, and the current database is kept as a backup too.

    The restore is recorded in the restored database: who, when, why, and what it took back."""
    from sg_assess.store.restore import restore as restore_backup
    from sg_assess.store.db import resolve_location

    _refuse_on_team_database(ctx, "restore")
    state = state_of(ctx)
    location = resolve_location(state.file_location())
    if location.path is None:
        raise UsageError("restore needs a database file")
    if location.readonly:
        raise UsageError("the database was given as read-only (mode=ro); restore needs write access")
    kept = restore_backup(location.path, backup_file, reason=reason, actor=state.actor(), role=state.actor_role())
    typer.echo(f"restored {backup_file} into {location.path}")
    typer.echo(f"the database as it was is kept in {kept}")
    from sg_assess.store.repository import Store

    with Store.open(location.path, create=False) as store:
        entry = store.restore_log()[-1]
    for item in entry["affected"]:
        typer.echo(f"{item['id'][:8]}: {item['what']} (was {str(item['was']).replace('_', ' ')})")
    typer.echo(f"recorded in the database: restored by {one_line(entry['actor'])}"
               + (f", because: {one_line(entry['reason'])}" if entry["reason"] else ""))


@app.command()
def demo(
    ctx: typer.Context,
    open_app: Annotated[bool, typer.Option("--open", help="Then open the app on it.")] = False,
) -> None:
    """Create (or reuse) a separate database of fictional assessments to try things out."""
    from sg_assess.demo import ensure_demo_db

    state = state_of(ctx)
    if state.db and _names_memory(state.db):
        raise UsageError(f"{state.db!r} is an in-memory database, gone when the command ends; give a database file")
    # Its own file always: SG_ASSESS_DB and the config's database are the real records. An explicit --db is
    # used only for a new file or an earlier demo.
    if state.db_explicit and state.db and names_server(state.db):
        raise UsageError("the demo never writes to a team database: it uses its own file; leave out --db")
    identity = state.app_identity() if open_app else {}
    target = Path(state.db) if state.db_explicit and state.db else paths.demo_db_path()
    if state.db_explicit and target.exists() and not _holds_only_demo(target):
        raise UsageError(f"{target} holds real assessments; the demo uses its own file: leave out --db "
                         "(or name a new file)")
    ids, created = ensure_demo_db(target)
    if open_app:
        from sg_assess.tui.app import run

        run(str(target), **identity)
        return
    verb = "Created" if created else "Reusing"
    typer.echo(f"{verb} the demo database with {len(ids)} fictional assessments: {target}")
    typer.echo(f'Try: sg-assess --db "{target}" list')
    typer.echo(f'     sg-assess --db "{target}" show {ids[0][:8]}' if ids else "")


def _holds_only_demo(path: Path) -> bool:
    from sg_assess.demo import FICTIONAL_MARKER
    from sg_assess.store.repository import Store

    with Store.open(path, readonly=True, create=False) as store:
        return all(FICTIONAL_MARKER in row.child_name for row in store.list(limit=100_000))


def main() -> None:
    """Console-script entry point.  Output still buffered at the end is flushed here, where a closed pipe or a
    full disk can still be reported properly (after ``app`` returns, Python would print a traceback)."""
    try:
        try:
            app(prog_name="sg-assess")
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        stdout_gone()
        sys.exit(EXIT_PIPE_CLOSED)
    except OSError as exc:
        stdout_gone()
        print(f"sg-assess: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        sys.exit(1)



from sg_assess import cli_review  # noqa: E402,F401 - registers the supervision commands on ``app``
from sg_assess import cli_team  # noqa: E402,F401 - registers 'team ...' (set-up for IT) on ``app``
