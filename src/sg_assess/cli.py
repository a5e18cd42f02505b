"""The command line.  Every command here runs without importing Textual.

Errors the user can act on print one line on standard error and exit non-zero;
anything else writes a crash report (no user text) and says where it is.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from sg_assess import __version__, paths
from sg_assess.errors import SgError, UsageError
from sg_assess.safetext import one_line

STATUSES = ("draft", "submitted", "returned", "signed_off")


class _Group(TyperGroup):
    """Turns SgError into one line and an exit code, and any other exception into a crash report."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SgError as exc:
            _fail(str(exc), exc.exit_code)
        except typer.Abort:
            raise
        except _database_errors() as exc:  # found while reading or writing, after the checks at open
            from sg_assess.store.db import explain_failure

            _fail(explain_failure(exc), 1)
        except KeyboardInterrupt:
            _fail("interrupted; nothing half-written was kept", 130)
        except Exception as exc:  # noqa: BLE001 - last line of defence: no traceback reaches a user
            if hasattr(exc, "exit_code"):  # typer.Exit and the framework's own usage errors
                raise
            from sg_assess.crash import write_crash_report

            report = write_crash_report(exc)
            where = f"; a report (with no assessment text) is in {report}" if report else ""
            _fail(f"unexpected error ({type(exc).__name__}){where}. Please tell your IT support", 70)


def _database_errors() -> tuple[type[BaseException], ...]:
    import sqlite3

    from sqlalchemy.exc import DatabaseError as SADatabaseError

    return (sqlite3.DatabaseError, SADatabaseError)


def _fail(message: str, code: int) -> None:
    typer.echo(f"sg-assess: {one_line(message)}", err=True)  # one line, whatever SQLite or the OS said
    raise typer.Exit(code)


app = typer.Typer(
    cls=_Group,
    name="sg-assess",
    help="Child safeguarding assessments that never lose a word.",
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
questionnaires_app = typer.Typer(cls=_Group, help="List and check questionnaire files.", rich_markup_mode=None)
app.add_typer(questionnaires_app, name="questionnaires")


@dataclass
class State:
    db: str | None = None
    db_explicit: bool = False
    user: str | None = None
    role: str | None = None

    def actor(self) -> str:
        from sg_assess.config import current_user, load_config

        return self.user.strip() if self.user and self.user.strip() else current_user(load_config())

    def actor_role(self) -> str:
        from sg_assess.config import current_role, load_config
        from sg_assess.store.supervision import check_role

        return check_role(self.role.strip().lower() if self.role else current_role(load_config()))

    def db_location(self) -> str:
        if self.db:
            return self.db
        from sg_assess.config import load_config

        return load_config().database or str(paths.default_db_path())

    def open_store(self, *, readonly: bool = False, create: bool = True):  # noqa: ANN201 - lazy import of Store
        from sg_assess.config import load_config
        from sg_assess.store.repository import Store

        return Store.open(self.db_location(), readonly=readonly, create=create, backup_keep=load_config().backups_keep)


def _state(ctx: typer.Context) -> State:
    return ctx.ensure_object(State)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sg-assess {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", envvar=paths.ENV_DB, help="Database file (or sqlite:/// URL).")] = None,
    user: Annotated[str | None, typer.Option("--as", envvar=paths.ENV_USER, help="Act as this person (one run).")] = None,
    role: Annotated[str | None, typer.Option("--role", envvar=paths.ENV_ROLE,
                                             help="practitioner or supervisor (one run).")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    """Child safeguarding assessments that never lose a word."""
    ctx.obj = State(db=db, db_explicit=db is not None, user=user, role=role)
    if ctx.invoked_subcommand is None:
        from sg_assess.tui.app import run

        run(db)


def _catalog():  # noqa: ANN202
    from sg_assess.config import load_config
    from sg_assess.questionnaire.loader import discover

    return discover(load_config().questionnaire_dirs)


def _emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))


def _note(message: str) -> None:
    typer.echo(message, err=True)


# -- assessments -----------------------------------------------------------------------


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
    with _state(ctx).open_store() as store:
        resolved_child = store.resolve_child(child_id) if child_id else None
        state = _state(ctx)
        aid = store.create_assessment(questionnaire=q, actor=state.actor(), role=state.actor_role(), child_name=child,
                                      dob=dob, unborn=unborn, due=due, child_id=resolved_child, assessment_date=on)
        summary = store.summary(aid)
    if as_json:
        _emit_json(asdict(summary))
        return
    typer.echo(aid)
    _note(f"Created draft {summary.short_id} for {one_line(summary.child_name)} (age band {summary.age_band}). "
          f"Next: sg-assess show {summary.short_id}, then sg-assess answer {summary.short_id} QUESTION VALUE")


@app.command("open")
def open_(
    ctx: typer.Context,
    assessment: Annotated[str, typer.Argument(help="Assessment id (6+ characters).")],
) -> None:
    """Open the app straight on an assessment, at its first unanswered question."""
    state = _state(ctx)
    with state.open_store() as store:
        aid = store.resolve(assessment)
    from sg_assess.tui.app import run

    run(state.db, open_id=aid)


@app.command()
def answer(
    ctx: typer.Context,
    assessment: Annotated[str, typer.Argument(help="Assessment id (6+ characters).")],
    question: Annotated[str, typer.Argument(help="Question id (see 'sg-assess show ID').")],
    value: Annotated[str, typer.Argument(help="The answer; '-' reads it from standard input; groups take JSON.")],
) -> None:
    """Save one answer (an empty value clears it)."""
    from sg_assess.questionnaire.values import parse_input

    if value == "-":
        value = sys.stdin.read()
    with _state(ctx).open_store() as store:
        aid = store.resolve(assessment)
        record_q = store.questionnaire_of(aid)
        q = record_q.question(question)
        if q is None:
            raise UsageError(f"there is no question {question!r} in {record_q.id}; 'sg-assess show {assessment}' lists them")
        state = _state(ctx)
        changed = store.save_answer(aid, question, parse_input(q, value), actor=state.actor(), role=state.actor_role())
        s = store.summary(aid)
    state = "saved" if changed else "unchanged"
    typer.echo(f"{state}: {question} ({s.required_answered} of {s.required_total} required answered)")


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
    with _state(ctx).open_store() as store:
        rows = store.list(status=status, search=search, child=child, limit=limit)
    if as_json:
        _emit_json([asdict(r) for r in rows])
        return
    if not rows:
        _note("No assessments found." + ("" if (status or search or child) else " Create one with 'sg-assess new', or try 'sg-assess demo'."))
        return
    from sg_assess.terminal import print_table

    print_table(
        ["Id", "Child", "Age band", "Status", "Updated (UTC)", "Practitioner", "Score", "Required"],
        [[r.short_id, r.child_name, r.age_band, r.status, r.updated_at[:16].replace("T", " "), r.practitioner,
          "" if r.latest_score is None else str(r.latest_score), f"{r.required_answered}/{r.required_total}"]
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
    with _state(ctx).open_store() as store:
        record = store.get(store.resolve(assessment), with_history=False)
    if as_json:
        from sg_assess.export.jsonexport import assessment_dict

        _emit_json(assessment_dict(record, full=False))
        return
    from sg_assess.export.markdown import render_markdown
    from sg_assess.terminal import print_markdown

    print_markdown(render_markdown(record, show_ids=True))


@app.command()
def export(
    ctx: typer.Context,
    assessment: Annotated[str | None, typer.Argument(help="Assessment id (6+ characters).")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File or folder to write ('-' for standard output).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="md, json, or bundle (for another machine).")] = "md",
    all_: Annotated[bool, typer.Option("--all", help="Export every assessment (needs --out).")] = False,
    redact: Annotated[bool, typer.Option("--redact", help="Names become initials or roles, dates of birth age "
                                                          "bands (for audits and training).")] = False,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for --all.")] = None,
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
        _export_all(ctx, out_dir, fmt, redact)
        return
    if not assessment:
        raise UsageError("give an assessment id, or --all --out DIR")
    if redact and fmt == "bundle":
        raise UsageError("a bundle is for handing an assessment over whole; it cannot be redacted")
    with _state(ctx).open_store() as store:
        record = _maybe_redacted(store.get(store.resolve(assessment)), redact)
    if output is not None and str(output) == "-":
        sys.stdout.write(render(record, fmt))
        return
    path = write_export(record, fmt, output if output is not None else Path.cwd())
    typer.echo(str(path))


def _maybe_redacted(record: Any, redact: bool) -> Any:
    if not redact:
        return record
    from sg_assess.export.redact import redact as redacted

    return redacted(record)


def _export_all(ctx: typer.Context, out_dir: Path, fmt: str, redact: bool = False) -> None:
    from rich.progress import Progress

    from sg_assess.export import write_export
    from sg_assess.terminal import stderr_console

    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir} is a file; --out needs a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    with _state(ctx).open_store() as store:
        ids = list(store.iter_ids())
        with Progress(console=stderr_console(), transient=True) as progress:
            task = progress.add_task("Exporting", total=len(ids))
            for aid in ids:
                write_export(_maybe_redacted(store.get(aid), redact), fmt, out_dir)
                progress.advance(task)
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
        _note(f"warning: {problem}")
    if as_json:
        _emit_json(rows)
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
def paths_(ctx: typer.Context) -> None:
    """Where the database, config, logs and questionnaires are."""
    from sg_assess.config import load_config
    from sg_assess.questionnaire.loader import search_path

    config = load_config()
    rows = [
        ["database", _state(ctx).db_location()],
        ["data folder", str(paths.data_dir())],
        ["config file", str(config.path)],
        ["log folder", str(paths.log_dir())],
        ["demo database", str(paths.demo_db_path())],
        ["documents", str(paths.documents_dir())],
        *[["questionnaires", str(p)] for p in search_path(config.questionnaire_dirs)],
    ]
    for label, value in rows:
        typer.echo(f"{label + ':':<16} {value}")


@app.command()
def check(ctx: typer.Context) -> None:
    """Check the database's integrity (reads only; changes nothing)."""
    from sg_assess.store.db import check_database, resolve_location

    location = resolve_location(_state(ctx).db_location())
    problems = check_database(location)
    if problems:
        for line in problems:
            typer.echo(f"problem: {line}")
        raise typer.Exit(1)
    typer.echo(f"{location}: ok")


@app.command()
def backup(
    ctx: typer.Context,
    dest: Annotated[Path | None, typer.Argument(help="Backup file or folder (default: the data folder's backups).")] = None,
) -> None:
    """Back up the database with SQLite's backup API (safe while it is in use); default: beside the daily ones."""
    import datetime as dt

    from sg_assess.store.backups import backup_dir

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"sg-assess-backup-{stamp}.db"
    with _state(ctx).open_store(create=False) as store:
        if store.location.path is None:
            raise UsageError("backup needs a database file")
        target = dest if dest is not None else backup_dir(store.location.path) / name
        if target.is_dir():
            target = target / name
        if target.absolute() == store.location.path:
            raise UsageError("the backup would overwrite the database itself; choose another file")
        store.backup(target)
    typer.echo(str(target))


@app.command("import")
def import_(
    ctx: typer.Context,
    bundle_file: Annotated[Path, typer.Argument(metavar="FILE", help="A bundle made with 'export --format bundle'.")],
) -> None:
    """Import an assessment from a hand-off bundle (checked; never overwrites a newer copy)."""
    from sg_assess.store.bundle import import_bundle

    state = _state(ctx)
    with state.open_store() as store:
        aid = import_bundle(store, bundle_file, actor=state.actor(), role=state.actor_role())
    typer.echo(f"imported {aid[:8]} from {bundle_file}")


@app.command()
def restore(
    ctx: typer.Context,
    backup_file: Annotated[Path, typer.Argument(metavar="FILE", help="The backup to put back.")],
) -> None:
    """Put a backup back: it is checked first, and the current database is kept as a backup too."""
    from sg_assess.store.backups import restore as restore_backup
    from sg_assess.store.db import resolve_location

    location = resolve_location(_state(ctx).db_location())
    if location.path is None:
        raise UsageError("restore needs a database file")
    kept = restore_backup(location.path, backup_file)
    typer.echo(f"restored {backup_file} into {location.path}")
    typer.echo(f"the database as it was is kept in {kept}")


@app.command()
def demo(
    ctx: typer.Context,
    open_app: Annotated[bool, typer.Option("--open", help="Then open the app on it.")] = False,
) -> None:
    """Create (or reuse) a separate database of fictional assessments to try things out."""
    from sg_assess.demo import ensure_demo_db

    state = _state(ctx)
    target = Path(state.db) if state.db_explicit and state.db else paths.demo_db_path()
    ids, created = ensure_demo_db(target)
    if open_app:
        from sg_assess.tui.app import run

        run(str(target))
        return
    verb = "Created" if created else "Reusing"
    typer.echo(f"{verb} the demo database with {len(ids)} fictional assessments: {target}")
    typer.echo(f'Try: sg-assess --db "{target}" list')
    typer.echo(f'     sg-assess --db "{target}" show {ids[0][:8]}' if ids else "")


def main() -> None:
    """Console-script entry point."""
    app(prog_name="sg-assess")



from sg_assess import cli_review  # noqa: E402,F401 - registers the supervision commands on ``app``
