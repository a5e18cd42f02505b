"""Pilot tests of dialogs and the workflow in the app: the first field is focused, Escape asks before
discarding typed text, F3 asks first, refusals come before any form, a returned assessment's banner,
who you are (shown, changed, skippable on first run), and --as/--role on every path that opens the app.

Letters are pressed with real keys where what is under test is where keys land.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static, TextArea
from typer.testing import CliRunner

from sg_assess.store.repository import Store
from sg_assess.tui.app import SgApp, create_app
from sg_assess.tui.dialogs.forms import (AddendumDialog, ConfirmDialog, SignOffDialog, SubmitDialog, TextDialog,
                                         WhoAreYouDialog)
from sg_assess.tui.dialogs.new_assessment import NewAssessmentDialog
from sg_assess.tui.dialogs.row import RowDialog
from sg_assess.tui.screens.comments import CommentsScreen
from sg_assess.tui.screens.editor import EditorScreen
from sg_assess.tui.screens.home import HomeScreen
from sg_assess.tui.screens.review import ReviewScreen
from tests.test_tui import SIZE, settle, wait_for_screen
from tests.test_tui_supervision import PAT, SUE, app_for, submitted

SMALL = (80, 24)


def draft(db: Path, questionnaire, who: dict[str, str] = PAT) -> str:
    with Store.open(db) as store:
        return store.create_assessment(questionnaire=questionnaire, child_name="Ada Example", dob="2019-01-15",
                                       assessment_date="2026-03-02", **who)


def notes(app: SgApp) -> list[tuple[str, str]]:
    return [(str(n.title), str(n.message)) for n in app._notifications]  # noqa: SLF001 - Textual has no public list


async def type_word(pilot, word: str) -> None:
    await pilot.press(*word)


# -- every dialog focuses its first field -----------------------------------------------------------


async def test_comment_return_and_sign_off_dialogs_take_the_first_words_typed(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "f.db"
    aid = submitted(db, questionnaire)
    app = app_for(db, tmp_path, SUE)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.open_review(aid)
        await wait_for_screen(pilot, ReviewScreen)
        await pilot.press("f3")
        dialog = await wait_for_screen(pilot, SignOffDialog)
        await type_word(pilot, "Early help")  # the first field: the outcome agreed with (version 1: in words)
        assert dialog.query_one("#outcome", Input).value == "Early help"
        await pilot.press("escape")  # typed: asked first
        await wait_for_screen(pilot, ConfirmDialog)
        await pilot.press("ctrl+s")  # discard
        await wait_for_screen(pilot, ReviewScreen)
        await pilot.press("f6")
        dialog = await wait_for_screen(pilot, TextDialog)
        await type_word(pilot, "dad")
        assert dialog.query_one("#text", TextArea).text == "dad"
        await pilot.press("escape")
        await wait_for_screen(pilot, ConfirmDialog)
        await pilot.press("escape")  # keep editing: nothing lost
        assert app.screen is dialog and dialog.query_one("#text", TextArea).text == "dad"
        dialog.query_one("#text", TextArea).text = ""
        await pilot.press("escape")  # emptied again: closes at once
        await wait_for_screen(pilot, ReviewScreen)
        await pilot.press("f9")
        dialog = await wait_for_screen(pilot, TextDialog)
        await type_word(pilot, "ok")
        assert dialog.query_one("#text", TextArea).text == "ok"


async def test_new_assessment_row_and_addendum_dialogs_take_the_first_words_typed(tmp_path: Path,
                                                                                    questionnaire) -> None:
    db = tmp_path / "n.db"
    aid = draft(db, questionnaire)
    app = app_for(db, tmp_path, PAT)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("n")
        dialog = await wait_for_screen(pilot, NewAssessmentDialog)
        await type_word(pilot, "Eve")
        assert dialog.query_one("#name", Input).value == "Eve"
        await pilot.press("escape")
        confirm = await wait_for_screen(pilot, ConfirmDialog)
        assert confirm.focused is not None and confirm.focused.id == "cancel"  # the safe answer is the default
        await pilot.press("enter")  # Keep editing
        assert app.screen is dialog and dialog.query_one("#name", Input).value == "Eve"
        dialog.query_one("#name", Input).value = ""
        await pilot.press("escape")
        await wait_for_screen(pilot, HomeScreen)
        app.open_assessment(aid)
        editor = await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        editor.go_to_question("next_steps")
        await settle(pilot)
        editor.query_one("#q-next_steps").query_one(DataTable).focus()
        await pilot.press("a")
        row = await wait_for_screen(pilot, RowDialog)
        await type_word(pilot, "Visit")
        first = row.query(Input).first()
        assert first.value == "Visit"
        await pilot.press("escape")
        await wait_for_screen(pilot, ConfirmDialog)
        await pilot.press("ctrl+s")  # discard
        await wait_for_screen(pilot, EditorScreen)
        await pilot.press("a")
        await wait_for_screen(pilot, RowDialog)
        await pilot.press("escape")  # untouched: closes at once
        await wait_for_screen(pilot, EditorScreen)
    assert "next_steps" not in _answers(db, aid)


async def test_addendum_dialog_focuses_its_reason(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "ad.db"
    aid = submitted(db, questionnaire)
    with Store.open(db) as store:
        store.sign_off(aid, score=6, reason="ok", outcome="Early help", **SUE)
    app = app_for(db, tmp_path, PAT)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.open_assessment(aid)
        await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        await pilot.press("f12")
        dialog = await wait_for_screen(pilot, AddendumDialog)
        await type_word(pilot, "late")
        assert dialog.query_one("#reason", Input).value == "late"


def _answers(db: Path, aid: str) -> dict[str, Any]:
    with Store.open(db) as store:
        return store.get(aid).answers


# -- F3 asks first ------------------------------------------------------------------------------------


def complete_draft(db: Path, questionnaire) -> str:
    """A draft with every required answer (generic words): nothing stops it being submitted."""
    import datetime as dt

    from sg_assess import demo

    aid = draft(db, questionnaire)
    with Store.open(db) as store:
        band = store.summary(aid).age_band
        for qid, value in demo.fill_required(questionnaire, band, {}, actor=PAT["actor"],
                                             on=dt.date(2026, 3, 2)).items():
            store.save_answer(aid, qid, value, **PAT)
    return aid


async def test_submit_asks_first_naming_the_gaps_and_cancel_is_the_default(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "s.db"
    aid = complete_draft(db, questionnaire)
    app = app_for(db, tmp_path, PAT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_assessment(aid)
        editor = await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        await pilot.press("f3")
        dialog = await wait_for_screen(pilot, SubmitDialog)
        note = str(dialog.query_one(".hint", Static).render())
        assert "The quality check found" in note and "gap" in note and "read-only" in note
        assert "without a reason" not in note and not dialog.query("#reason")  # nothing blocks: no reason asked
        assert "- " in str(dialog.query_one("#details", Static).render())
        assert dialog.focused is not None and dialog.focused.id == "cancel"
        await pilot.press("enter")  # Enter on the default button: Cancel
        await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        with Store.open(db) as store:
            assert store.summary(aid).status == "draft"
        await pilot.press("f3")
        await wait_for_screen(pilot, SubmitDialog)
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, HomeScreen)
        await settle(pilot)
    with Store.open(db) as store:
        assert store.summary(aid).status == "submitted"
        event = next(h for h in store.get(aid).history if h.kind == "submitted")
        assert event.after is None  # no reason was needed, none recorded
    assert editor is not None


async def test_submit_with_required_answers_missing_asks_why_first(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "why.db"
    aid = draft(db, questionnaire)  # nothing answered: required answers are missing
    app = app_for(db, tmp_path, PAT)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.open_assessment(aid)
        await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        await pilot.press("f3")
        dialog = await wait_for_screen(pilot, SubmitDialog)
        await settle(pilot)
        assert "stop it going without a reason" in str(dialog.query_one(".hint", Static).render())
        assert "- Not answered: " in str(dialog.query_one("#details", Static).render())
        reason = dialog.query_one("#reason", Input)
        assert dialog.focused is reason  # the reason is asked for first
        await pilot.press("ctrl+s")  # no reason: refused inside the dialog
        await settle(pilot)
        assert app.screen is dialog and "Not submitted" in str(dialog.query_one("#problem", Static).render())
        with Store.open(db) as store:
            assert store.summary(aid).status == "draft"
        await type_word(pilot, "Strategy meeting tomorrow")  # the keys land in the reason
        await pilot.press("escape")  # typed text is never thrown away without asking
        await wait_for_screen(pilot, ConfirmDialog)
        await pilot.press("escape")  # keep editing
        await settle(pilot)
        assert app.screen is dialog and reason.value == "Strategy meeting tomorrow"
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, HomeScreen)
        await settle(pilot)
    with Store.open(db) as store:
        record = store.get(aid)
        assert record.summary.status == "submitted"
        event = next(h for h in record.history if h.kind == "submitted")
        assert event.after["reason"] == "Strategy meeting tomorrow" and event.after["accepted"]


async def test_submit_is_refused_at_once_when_read_only(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "ro.db"
    aid = submitted(db, questionnaire)
    app = app_for(db, tmp_path, PAT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_assessment(aid)
        editor = await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert app.screen is editor  # no confirmation to answer before hearing no
        assert any(title == "Not submitted" and "submitted for review" in message for title, message in notes(app))


# -- refusals before any form ------------------------------------------------------------------------


async def test_a_practitioner_is_refused_sign_off_and_return_before_any_form(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "p.db"
    aid = submitted(db, questionnaire)
    app = app_for(db, tmp_path, {"actor": "Other Practitioner", "role": "practitioner"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_review(aid)
        review = await wait_for_screen(pilot, ReviewScreen)
        await pilot.press("f3")
        await pilot.press("f6")
        await settle(pilot)
        assert app.screen is review
        said = notes(app)
        assert ("Not signed off", "only a supervisor can sign off an assessment") in said
        assert ("Not returned", "only a supervisor can return an assessment") in said
        assert not any(title.startswith("Signed off") for title, _ in said)


async def test_a_supervisor_who_edited_it_is_refused_at_once(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "e.db"
    aid = submitted(db, questionnaire)
    app = app_for(db, tmp_path, {"actor": "Pat Practitioner", "role": "supervisor"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_review(aid)
        review = await wait_for_screen(pilot, ReviewScreen)
        await pilot.press("f3")
        await settle(pilot)
        assert app.screen is review
        assert any(t == "Not signed off" and "you wrote or edited" in m for t, m in notes(app))


async def test_a_refusal_from_the_store_reads_as_a_refusal(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "st.db"
    aid = submitted(db, questionnaire)
    app = app_for(db, tmp_path, SUE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_review(aid)
        await wait_for_screen(pilot, ReviewScreen)
        await pilot.press("f3")
        dialog = await wait_for_screen(pilot, SignOffDialog)  # another supervisor: the form opens
        with Store.open(db) as store:  # meanwhile someone else returns it
            store.return_assessment(aid, comment="later", actor="Sam Other", role="supervisor")
        dialog.query_one("#outcome", Input).value = "Early help"
        dialog.query_one("#score", Input).value = "5"
        dialog.query_one("#reason", TextArea).text = "fine"
        dialog.action_save()
        await settle(pilot)
        assert any(t == "Not signed off" and "not submitted" in m for t, m in notes(app))
        # The form stays open with what was typed, saying why: nothing typed is thrown away.
        assert app.screen is dialog and dialog.query_one("#reason", TextArea).text == "fine"
        assert str(dialog.query_one("#problem", Static).render()).startswith("Not signed off: ")


async def test_a_return_refused_by_the_store_keeps_the_typed_comment(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "rt.db"
    aid = submitted(db, questionnaire)
    app = app_for(db, tmp_path, SUE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_review(aid)
        await wait_for_screen(pilot, ReviewScreen)
        await pilot.press("f6")
        dialog = await wait_for_screen(pilot, TextDialog)
        with Store.open(db) as store:  # meanwhile another supervisor signs it off
            store.sign_off(aid, score=5, reason="ok", outcome="Early help", actor="Sam Other", role="supervisor")
        await type_word(pilot, "Add dad")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog and dialog.query_one("#text", TextArea).text == "Add dad"
        assert "Not returned: " in str(dialog.query_one("#problem", Static).render())


# -- a returned assessment's banner; comments by a key ------------------------------------------------


async def test_returned_assessment_opens_with_a_banner_and_ctrl_r_lists_comments(tmp_path: Path,
                                                                                  questionnaire) -> None:
    db = tmp_path / "b.db"
    aid = submitted(db, questionnaire)
    with Store.open(db) as store:
        store.return_assessment(aid, comment="Please add dad's view", **SUE)
    app = app_for(db, tmp_path, PAT)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.open_assessment(aid, focus_unanswered=True)  # opens deep in the questionnaire
        editor = await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        banner = editor.query_one("#returned-banner", Static)
        text = str(banner.render())
        assert "Returned by Sue Supervisor on" in text and "Please add dad's view" in text
        assert banner.region.y < 6 and banner.region.height > 0  # at the top, on screen
        await pilot.press("ctrl+r")
        comments = await wait_for_screen(pilot, CommentsScreen)
        assert "Please add dad's view" in str(comments.query_one("#comments-text", Static).render())
        await pilot.press("escape")
        await wait_for_screen(pilot, EditorScreen)


async def test_a_draft_has_no_banner(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "d.db"
    aid = draft(db, questionnaire)
    app = app_for(db, tmp_path, PAT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_assessment(aid)
        editor = await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        assert not editor.query("#returned-banner")


# -- who you are --------------------------------------------------------------------------------------


def header_text(app: SgApp) -> str:
    return str(app.format_title(app.screen.title or app.title, app.screen.sub_title or ""))


async def test_name_and_role_are_in_every_header_and_change_from_the_palette(tmp_path: Path, isolated_env: Path,
                                                                             questionnaire) -> None:
    db = tmp_path / "w.db"
    aid = draft(db, questionnaire)
    app = app_for(db, tmp_path, PAT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Pat Practitioner (practitioner)" in header_text(app)
        app.open_assessment(aid)
        editor = await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        assert "Pat Practitioner (practitioner)" in header_text(app)
        commands = {c.title: c.callback for c in app.get_system_commands(app.screen)}
        assert "Change who you are" in commands  # in the command palette (ctrl+p)
        commands["Change who you are"]()  # not with an assessment open: its saves are recorded under this name
        await pilot.pause()
        assert app.screen is editor and any(t == "Not changed" for t, _ in notes(app))
        await pilot.press("escape")
        await wait_for_screen(pilot, HomeScreen)
        commands["Change who you are"]()
        dialog = await wait_for_screen(pilot, WhoAreYouDialog)
        name = dialog.query_one("#name", Input)
        assert name.has_focus and name.value == "Pat Practitioner"
        assert not name.select_on_focus  # a late Focus event must not select (and so replace) what was typed
        name.value = ""
        await type_word(pilot, "Sam Worker")
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, HomeScreen)
        assert app.user == "Sam Worker" and "Sam Worker (practitioner)" in header_text(app)
    assert 'user = "Sam Worker"' in (isolated_env / "config.toml").read_text()


async def test_first_run_can_be_skipped_and_is_asked_again_before_opening(tmp_path: Path, isolated_env: Path,
                                                                          monkeypatch, questionnaire) -> None:
    monkeypatch.delenv("SG_ASSESS_USER")
    db = tmp_path / "first.db"
    aid = draft(db, questionnaire)
    app = create_app(db, export_dir=tmp_path / "out", today=lambda: dt.date(2026, 3, 2))
    async with app.run_test(size=SMALL) as pilot:
        dialog = await wait_for_screen(pilot, WhoAreYouDialog)
        assert dialog.query_one("#name", Input).has_focus
        await pilot.press("escape")  # skipped
        await wait_for_screen(pilot, HomeScreen)
        assert "name not set" in header_text(app)
        app.open_assessment(aid)
        dialog = await wait_for_screen(pilot, WhoAreYouDialog)  # asked again, before anything can change
        await pilot.press("escape")
        await wait_for_screen(pilot, HomeScreen)
        assert any(t == "Not opened" for t, _ in notes(app))
        app.open_assessment(aid)
        await wait_for_screen(pilot, WhoAreYouDialog)
        await type_word(pilot, "Sam")
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, EditorScreen)
        assert app.user == "Sam" and "Sam (practitioner)" in header_text(app)
    assert not (isolated_env / "config.toml").read_text().count("getpass")


# -- --as and --role reach the app on every path that opens it ----------------------------------------


@pytest.fixture
def opened(monkeypatch) -> list[SgApp]:
    """Record the app each command would run, instead of running it."""
    apps: list[SgApp] = []
    monkeypatch.setattr(SgApp, "run", lambda self, *a, **k: apps.append(self))
    return apps


@pytest.mark.parametrize("path", ["no command", "open", "demo --open"])
def test_as_and_role_reach_the_app(path: str, tmp_path: Path, opened: list[SgApp], questionnaire) -> None:
    from sg_assess.cli import app as cli

    db = tmp_path / "cli.db"
    aid = draft(db, questionnaire)
    args = {"no command": [], "open": ["open", aid[:8]], "demo --open": ["demo", "--open"]}[path]
    if path == "demo --open":
        db = tmp_path / "demo.db"  # the demo never opens a database of real records
    result = CliRunner().invoke(cli, ["--db", str(db), "--as", "Sue Supervisor", "--role", "Supervisor", *args])
    assert result.exit_code == 0, result.output
    assert [(a.user, a.role, a.needs_identity) for a in opened] == [("Sue Supervisor", "supervisor", False)]


def test_without_as_the_app_uses_the_environment(tmp_path: Path, opened: list[SgApp], monkeypatch) -> None:
    from sg_assess.cli import app as cli

    monkeypatch.setenv("SG_ASSESS_ROLE", "supervisor")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "env.db")])
    assert result.exit_code == 0, result.output
    assert [(a.user, a.role) for a in opened] == [("Test Worker", "supervisor")]


def test_a_wrong_role_is_one_line_and_opens_nothing(tmp_path: Path, opened: list[SgApp]) -> None:
    from sg_assess.cli import app as cli

    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), "--role", "boss"])
    assert result.exit_code == 2 and opened == []
    assert "practitioner or supervisor" in result.output and "Traceback" not in result.output


async def test_a_hostile_name_in_the_header_is_shown_literally(tmp_path: Path) -> None:
    app = app_for(tmp_path / "h.db", tmp_path, {"actor": "[@click=app.quit]Eve[/]\x1b[31m", "role": "practitioner"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = header_text(app)
        assert "[@click=app.quit]Eve[/]" in shown and "\x1b" not in shown
