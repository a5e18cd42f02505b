"""CLI commands for supervision: submit, review, comments, addenda, hand-over, history, chronology, config.

Registered on the main app by ``sg_assess.cli``.  Refusals are one line and a
non-zero exit, like every other command.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, TypeVar

import typer

from sg_assess.cli_base import app, emit_json, note, state_of
from sg_assess.errors import UsageError
from sg_assess.safetext import one_line, strip_controls

T = TypeVar("T")


def _names(store) -> dict[str, str]:  # noqa: ANN001 - a Store
    """On a team database, display names to show beside logins (IT sets them); nothing for a file."""
    if getattr(store, "team", None) is None:
        return {}
    from sg_assess.store.team import display_names

    return display_names(store.engine)


def _who(login: str, names: dict[str, str]) -> str:
    from sg_assess.identity import shown_person

    return shown_person(login, names)


MAX_ROW_ID = 2**63 - 1  # SQLite's largest integer: a larger number cannot name a comment

def _as_user(ctx: typer.Context, assessment: str, act: Callable[..., T]) -> tuple[str, T]:
    """Resolve the id, then call ``act(store, id, actor=..., role=...)`` as the current user."""
    state = state_of(ctx)
    with state.open_store(create=False) as store:
        aid = store.resolve(assessment)
        return aid, act(store, aid, actor=state.actor(), role=state.actor_role())


review_app = typer.Typer(help="For supervisors: the review queue, returning and signing off.", rich_markup_mode=None)
app.add_typer(review_app, name="review")


@app.command()
def submit(
    ctx: typer.Context,
    assessment: Annotated[str, typer.Argument(help="Assessment id.")],
    reason: Annotated[str | None, typer.Option(
        "--reason", help="Why it goes now although required answers are missing or an urgent gap is open "
                         "(kept in the history, shown on review and in the export).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Submit an assessment for a supervisor's review (it is read-only until returned)."""
    aid, gaps = _as_user(ctx, assessment, lambda store, aid, **who: store.submit(aid, reason=reason, **who))
    if as_json:
        emit_json({"id": aid, "status": "submitted", "gaps": len(gaps)})
        return
    typer.echo(f"submitted: {aid[:8]} is waiting for a supervisor's review")
    if gaps:
        note(f"note: the quality check found {len(gaps)} gap{'s' if len(gaps) != 1 else ''}; the supervisor will see them")


@review_app.command("list")
def review_list(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Submitted assessments waiting for review, the longest waiting first."""
    with state_of(ctx).open_store(create=False) as store:
        items = store.review_queue_details(dt.date.today())
        names = _names(store)
        rows = [{**asdict(item.summary), "days_waiting": item.days_waiting, "gaps": item.gaps} for item in items]
    if as_json:
        emit_json(rows)
        return
    if not rows:
        note("Nothing is waiting for review.")
        return
    from sg_assess.terminal import print_table

    print_table(["Id", "Child", "Practitioner", "Submitted", "Days waiting", "Gaps", "Score"],
                [[r["id"][:8], r["child_name"], _who(r["practitioner"], names), (r["submitted_at"] or "")[:10], str(r["days_waiting"]),
                  str(r["gaps"]), item.summary.short_score] for r, item in zip(rows, items)],
                wrap=("Child", "Practitioner"))


@review_app.command("return")
def review_return(
    ctx: typer.Context,
    assessment: Annotated[str, typer.Argument(help="Assessment id.")],
    comment: Annotated[str, typer.Option("--comment", help="What needs to change (required).")],
) -> None:
    """Return a submitted assessment to its practitioner, with a comment."""
    aid, _ = _as_user(ctx, assessment, lambda store, aid, **who: store.return_assessment(aid, comment=comment, **who))
    typer.echo(f"returned: {aid[:8]} is back with its practitioner")


@review_app.command("sign-off")
def review_sign_off(
    ctx: typer.Context,
    assessment: Annotated[str, typer.Argument(help="Assessment id.")],
    score: Annotated[int, typer.Option("--score", help="Your safety scale score, 0 to 10.")],
    reason: Annotated[str, typer.Option("--reason", help="The reason for your score.")],
    outcome: Annotated[str | None, typer.Option(
        "--outcome", help="The outcome you agree with: the one the assessment records (its first words are "
                          "enough), or, for a questionnaire that records none, in your words.")] = None,
) -> None:
    """Sign off a submitted assessment: after this it can only be added to (addenda).

    Refused while any urgent gap is open: return it to the practitioner instead.
    """
    aid, declaration = _as_user(ctx, assessment, lambda store, aid, **who: store.sign_off(
        aid, score=score, reason=reason, outcome=outcome, **who))
    typer.echo(f"signed off: {aid[:8]}")
    typer.echo(one_line(declaration))


@app.command()
def comment(
    ctx: typer.Context,
    assessment: Annotated[str, typer.Argument(help="Assessment id.")],
    message: Annotated[str, typer.Argument(metavar="TEXT", help="The comment ('-' reads standard input).")],
    section: Annotated[str | None, typer.Option("--section", help="Section id (default: the whole assessment).")] = None,
    reply_to: Annotated[int | None, typer.Option("--reply-to", help="Number of the comment you are answering.")] = None,
) -> None:
    """Comment on an assessment or one of its sections, or reply to a comment."""
    import sys

    if message == "-":
        message = sys.stdin.read()
    if reply_to is not None and not 1 <= reply_to <= MAX_ROW_ID:
        raise UsageError(f"--reply-to {reply_to} is not a comment number; 'sg-assess show {assessment}' lists them")
    aid, number = _as_user(ctx, assessment, lambda store, aid, **who: store.add_comment(
        aid, message, section_id=section, reply_to=reply_to, **who))
    typer.echo(f"comment {number} added to {aid[:8]}")


@app.command()
def addendum(
    ctx: typer.Context,
    assessment: Annotated[str, typer.Argument(help="Assessment id (signed off).")],
    message: Annotated[str, typer.Argument(metavar="TEXT", help="The addendum ('-' reads standard input).")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is needed (required).")],
) -> None:
    """Add an addendum to a signed-off assessment; the original stays as it was."""
    import sys

    if message == "-":
        message = sys.stdin.read()
    aid, number = _as_user(ctx, assessment,
                           lambda store, aid, **who: store.add_addendum(aid, reason=reason, addendum=message, **who))
    typer.echo(f"addendum {number} added to {aid[:8]}")


@app.command("hand-over")
def hand_over(
    ctx: typer.Context,
    assessment: Annotated[str, typer.Argument(help="Assessment id.")],
    to: Annotated[str, typer.Option("--to", help="The practitioner who takes it over.")],
) -> None:
    """Hand a draft or returned assessment to another practitioner (only they can edit it then)."""
    aid, _ = _as_user(ctx, assessment, lambda store, aid, **who: store.hand_over(aid, to=to, **who))
    typer.echo(f"handed over: {aid[:8]} is now {one_line(to)}'s to edit")


@app.command()
def history(
    ctx: typer.Context,
    assessment: Annotated[str, typer.Argument(help="Assessment id.")],
    question: Annotated[str | None, typer.Option("--question", help="Only this question's changes.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every change: who, when, the question, before and after."""
    with state_of(ctx).open_store(create=False) as store:
        aid = store.resolve(assessment)
        if question and store.questionnaire_of(aid).question(question) is None:
            raise UsageError(f"there is no question {question!r} in this assessment; 'sg-assess show {assessment}' "
                             "lists them")
        entries = store.history(aid)
        names = _names(store)
    if question:
        entries = [h for h in entries if h.question_id == question]
    if as_json:
        emit_json([asdict(h) for h in entries])
        return
    from sg_assess.terminal import print_table

    print_table(["When (UTC)", "Who", "Role", "What", "Question", "Before", "After"],
                [[h.at[:16].replace("T", " "), _who(h.actor, names), h.role or "", h.kind.replace("_", " "), h.question_id or "",
                  _short(h.before), _short(h.after)] for h in entries],
                wrap=("Who", "Before", "After"))


def _short(value: object, limit: int = 60) -> str:
    if value is None:
        return ""
    text = one_line(value if isinstance(value, str) else str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


@app.command()
def chronology(
    ctx: typer.Context,
    child: Annotated[str, typer.Argument(help="Child id (6+ characters).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """A child's assessments, sign-offs, addenda, referrals and actions in time order, with safety scores."""
    with state_of(ctx).open_store(create=False) as store:
        events, series = store.chronology(store.resolve_child(child))
    if as_json:
        emit_json({"events": [asdict(e) for e in events],
                    "scores": {who: [{"date": d, "score": s} for d, s in points] for who, points in series.items()}})
        return
    from sg_assess.terminal import print_table

    print_table(["Date", "What", "Assessment", "Details"],
                [[e.date[:10], e.kind.replace("_", " "), e.assessment_id[:8], e.summary] for e in events],
                wrap=("Details",))
    if series:
        typer.echo("")
        print_table(["Who", "Safety scale scores over time"],
                    [[who, ", ".join(f"{d}: {s}" for d, s in points)] for who, points in series.items()],
                    wrap=("Safety scale scores over time",))


@app.command()
def actions(
    ctx: typer.Context,
    until: Annotated[str | None, typer.Option("--until", help="Only review dates on or before (YYYY-MM-DD).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Next steps with review dates across all assessments; overdue ones are marked."""
    today = dt.date.today().isoformat()
    if until is not None:
        try:
            until = dt.date.fromisoformat(until.strip()).isoformat()
        except ValueError:
            raise UsageError(f"--until {until!r} is not a date; write it as YYYY-MM-DD") from None
    with state_of(ctx).open_store(create=False) as store:
        due = store.actions_due(until=until)
    if as_json:
        emit_json([{**asdict(a), "overdue": a.is_overdue(today)} for a in due])
        return
    if not due:
        note("No next steps are waiting for review.")
        return
    from sg_assess.terminal import print_table

    print_table(["Review", "", "Child", "What", "Who", "By when", "Assessment"],
                [[a.review_date or "", "OVERDUE" if a.is_overdue(today) else "", a.child_name, a.what,
                  a.who, a.by_when or "", a.assessment_id[:8]] for a in due], wrap=("Child", "What"))


@app.command("config")
def config_(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option("--name", help="Your name, as recorded on every change.")] = None,
    role: Annotated[str | None, typer.Option("--role", help="practitioner or supervisor.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show your name and role (and where the config file is), or set them."""
    import os

    from sg_assess import paths
    from sg_assess.config import current_role, current_user, load_config
    from sg_assess.config_write import save_setting
    from sg_assess.errors import SgError
    from sg_assess.identity import check_name, check_role

    if role is not None:
        save_setting("role", check_role(role, source="given with --role"))
    if name is not None:
        save_setting("user", check_name(name, what="the name given with --name"))
    config = load_config()

    def source(env: str) -> str | None:
        return env if os.environ.get(env, "").strip() else None

    def shown(read) -> str:  # noqa: ANN001 - a setting that cannot be used is shown as the problem, not used
        try:
            return read(config)
        except SgError as exc:
            return f"not usable: {exc}"

    data = {"name": shown(current_user), "name_from": source(paths.ENV_USER), "role": shown(current_role),
            "role_from": source(paths.ENV_ROLE), "theme": config.theme, "backups_keep": config.backups_keep,
            "file": str(config.path)}
    state = state_of(ctx)
    data["team_database"] = state.db_location() if state.is_team() else None
    if as_json:
        emit_json(data)
        return

    def note(env: str | None) -> str:
        return f"  (from {env}, which overrides the config file)" if env else ""

    typer.echo(f"{'name:':<8} {one_line(data['name'])}{note(data['name_from'])}")
    typer.echo(f"{'role:':<8} {one_line(data['role'])}{note(data['role_from'])}")
    typer.echo(f"{'theme:':<8} {one_line(config.theme or 'default')}")
    typer.echo(f"{'file:':<8} {strip_controls(str(config.path))}")
    if data["team_database"]:
        typer.echo(f"{'team:':<8} on the team database {strip_controls(data['team_database'])} you are your database "
                   "login, with its group's role; the name and role above are for a database file")
