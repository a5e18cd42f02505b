"""Pilot tests of the TUI: whole walks through an assessment, autosave, failures, safe display.

Values are set on widgets directly (pressing keys costs ~60 ms each); keys are
pressed only where a key binding itself is under test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Markdown, RadioButton, Select, SelectionList, Static, TextArea

from sg_assess.errors import DatabaseError
from sg_assess.store.repository import Store
from sg_assess.tui.app import SgApp, create_app
from sg_assess.tui.dialogs.new_assessment import NewAssessmentDialog
from sg_assess.tui.dialogs.row import RowDialog
from sg_assess.tui.screens.editor import EditorScreen
from sg_assess.tui.screens.help import HelpScreen
from sg_assess.tui.screens.home import HomeScreen
from sg_assess.tui.screens.preview import PreviewScreen
from sg_assess.tui.screens.quality import QualityScreen
from sg_assess.tui.widgets.questions import GroupBlock, QuestionBlock

SIZE = (100, 32)
TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "tui dir é" / "tui.db"


def make_app(db: Path, tmp_path: Path, **kwargs: Any) -> SgApp:
    return create_app(db, user="Test Worker", autosave_delay=0.05, export_dir=tmp_path / "exports ü",
                      today=lambda: TODAY, **kwargs)


async def settle(pilot) -> None:
    """Let workers and pending messages finish."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def wait_for_screen(pilot, kind: type) -> Any:
    for _ in range(100):
        if isinstance(pilot.app.screen, kind):
            await pilot.pause()
            return pilot.app.screen
        await pilot.pause(0.05)
    raise AssertionError(f"{kind.__name__} never appeared; on {pilot.app.screen!r}")


def new_assessment(db: Path, questionnaire, **kwargs: Any) -> str:
    with Store.open(db) as store:
        args = {"child_name": "Ada Example", "dob": "2019-01-15", "assessment_date": "2026-03-02", **kwargs}
        return store.create_assessment(questionnaire=questionnaire, actor="Test Worker", **args)


def stored(db: Path, aid: str) -> dict[str, Any]:
    with Store.open(db) as store:
        return store.get(aid).answers


def blocks(editor: EditorScreen) -> dict[str, QuestionBlock]:
    return {b.question.id: b for b in editor.query(QuestionBlock)}


async def open_editor(pilot, aid: str) -> EditorScreen:
    pilot.app.open_assessment(aid)
    editor = await wait_for_screen(pilot, EditorScreen)
    await settle(pilot)
    return editor


# -- home ----------------------------------------------------------------------------------


async def test_empty_home_tells_a_new_user_what_to_do(db: Path, tmp_path: Path) -> None:
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        empty = app.screen.query_one("#empty", Static)
        text = str(empty.render())
        assert empty.display and "Press n" in text and "sg-assess demo" in text


async def test_home_lists_searches_and_filters(db: Path, tmp_path: Path, questionnaire) -> None:
    a = new_assessment(db, questionnaire)
    new_assessment(db, questionnaire, child_name="Ben Sample", dob="2012-05-05")
    with Store.open(db) as store:
        store.save_answer(a, "danger_statements", "worried about the trampoline", actor="Test Worker")
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = app.screen
        table = home.query_one(DataTable)
        assert table.row_count == 2
        await pilot.press("slash")
        assert home.query_one("#search", Input).has_focus
        home.query_one("#search", Input).value = "trampoline"
        await settle(pilot)
        assert [r.child_name for r in home.rows] == ["Ada Example"]
        home.query_one("#search", Input).value = ""
        home.query_one("#status-filter", Select).value = "signed_off"
        await settle(pilot)
        assert home.rows == [] and "Nothing matches" in str(home.query_one("#empty", Static).render())


async def test_home_pages_in_more_rows_as_the_cursor_moves(db: Path, tmp_path: Path, questionnaire) -> None:
    with Store.open(db) as store:
        for i in range(130):
            store.create_assessment(questionnaire=questionnaire, actor="Test Worker", child_name=f"Child {i}", dob="2015-01-01")
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 100  # one page
        table.move_cursor(row=95)
        await settle(pilot)
        assert table.row_count == 130


async def test_new_assessment_from_home_opens_the_editor(db: Path, tmp_path: Path) -> None:
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        dialog = await wait_for_screen(pilot, NewAssessmentDialog)
        assert dialog.query_one("#date", Input).value == "2026-03-02"  # today by default
        dialog.query_one("#name", Input).value = "Cleo Sample"
        dialog.query_one("#dob", Input).value = "2026-02-30"
        await pilot.pause()
        assert "not a real date" in str(dialog.query_one("#problem", Static).render())
        dialog.query_one("#dob", Input).value = "2011-04-04"
        await pilot.pause()
        assert str(dialog.query_one("#problem", Static).render()) == ""
        await pilot.press("ctrl+s")
        editor = await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        assert editor.record.summary.child_name == "Cleo Sample" and editor.band == "10-14"
        assert "10 to 14 years" in str(editor.query_one("#child-band", Static).render())
        focused = editor.focused_question()
        assert focused is not None and focused.question.id == editor.first_unanswered()


async def test_unborn_child_from_the_dialog(db: Path, tmp_path: Path) -> None:
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        dialog = await wait_for_screen(pilot, NewAssessmentDialog)
        dialog.query_one("#name", Input).value = "Baby Placeholder"
        dialog.query_one("#unborn").value = True
        await pilot.pause()
        assert not dialog.query_one("#dob").display and dialog.query_one("#due").display
        dialog.query_one("#due", Input).value = "2026-06-01"
        dialog.query_one("#date", Input).value = "2026-03-02"  # a due date is checked against the assessment date
        dialog.action_save()
        editor = await wait_for_screen(pilot, EditorScreen)
        assert editor.band == "unborn"


async def test_reassess_prefills_the_child(db: Path, tmp_path: Path, questionnaire) -> None:
    new_assessment(db, questionnaire)
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        dialog = await wait_for_screen(pilot, NewAssessmentDialog)
        assert dialog.query_one("#name", Input).value == "Ada Example"
        assert dialog.query_one("#dob", Input).value == "2019-01-15"
        dialog.action_save()
        await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
    with Store.open(db) as store:
        rows = store.list()
        assert len(rows) == 2 and rows[0].child_id == rows[1].child_id


# -- the editor: a whole assessment --------------------------------------------------------

SAMPLE_ROWS = {
    "people": [{"name": "Mum", "relationship": "Mother", "agency": "", "involved": True, "reason_not_involved": ""}],
    "scale": [{"who": "Worker", "role": "Social worker", "score": 6, "reason": "Safety plan kept", "date": "2026-03-01"}],
    "actions": [{"what": "Home visit", "who": "Worker", "by_when": "2026-03-09", "review_date": "2026-04-01", "done": False}],
}


def fill(block: QuestionBlock) -> Any:
    """Set a widget's value as a person would leave it; return the value expected in the store."""
    q = block.question
    if q.kind == "text":
        block.query_one(Input).value = f"text for {q.id}"
        return f"text for {q.id}"
    if q.kind == "long_text":
        block.query_one(TextArea).text = f"Long text for {q.id}\nsecond line"
        return f"Long text for {q.id}\nsecond line"
    if q.kind == "date":
        block.query_one(Input).value = "2026-02-27"
        return "2026-02-27"
    if q.kind == "yes_no":
        block.query_one("#yes", RadioButton).value = True
        return "yes"
    if q.kind == "choice":
        block.query_one(Select).value = q.choices[-1]
        return q.choices[-1]
    if q.kind == "multi_choice":
        block.query_one(SelectionList).select(q.choices[0])
        return [q.choices[0]]
    assert isinstance(block, GroupBlock)
    block.set_rows([dict(r) for r in SAMPLE_ROWS[q.kind]])
    return SAMPLE_ROWS[q.kind]


async def test_walk_a_whole_assessment_leave_and_reopen(db: Path, tmp_path: Path, questionnaire) -> None:
    aid = new_assessment(db, questionnaire)
    expected: dict[str, Any] = {}
    kinds_seen: set[str] = set()
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, aid)
        for index in range(len(editor.sections)):
            editor.show_section(index)
            await settle(pilot)
            for _ in range(3):  # answering reveals show_if questions: go round until none is left
                for qid, block in blocks(editor).items():
                    if block.display and qid not in expected:
                        expected[qid] = fill(block)
                        kinds_seen.add(block.question.kind)
                await settle(pilot)
        assert kinds_seen == {"text", "long_text", "date", "yes_no", "choice", "multi_choice", "people", "scale", "actions"}
        await pilot.press("escape")  # leave the editor: everything is flushed
        await wait_for_screen(pilot, HomeScreen)
        await settle(pilot)
    saved = stored(db, aid)
    assert saved == expected
    with Store.open(db) as store:
        summary = store.summary(aid)
        assert summary.required_answered == summary.required_total
    # Reopen: every widget shows what was saved, and opening saves nothing.
    with Store.open(db) as store:
        history_before = store.history(aid)
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, aid)
        for index in range(len(editor.sections)):
            editor.show_section(index)
            await settle(pilot)
            for qid, block in blocks(editor).items():
                if qid in expected:
                    assert block.value == expected[qid], qid
        await pilot.press("escape")
        await settle(pilot)
    with Store.open(db) as store:
        assert store.history(aid) == history_before


async def test_show_if_questions_appear_and_disappear(db: Path, tmp_path: Path, questionnaire) -> None:
    aid = new_assessment(db, questionnaire)
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, aid)
        editor.go_to_question("child_seen")
        await settle(pilot)
        b = blocks(editor)
        assert not b["child_seen_date"].display and not b["child_not_seen_reason"].display
        b["child_seen"].query_one("#yes", RadioButton).value = True
        await settle(pilot)
        assert b["child_seen_date"].display and not b["child_not_seen_reason"].display
        b["child_seen"].query_one("#no", RadioButton).value = True
        await settle(pilot)
        assert not b["child_seen_date"].display and b["child_not_seen_reason"].display


async def test_development_prompts_follow_the_age_band(db: Path, tmp_path: Path, questionnaire) -> None:
    aid = new_assessment(db, questionnaire, dob="2010-01-01")  # 16: band 15-17
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, aid)
        editor.go_to_question("dev_health_15_17")
        await settle(pilot)
        ids = set(blocks(editor))
        assert "dev_health_15_17" in ids and "dev_health_5_9" not in ids and "dev_health_unborn" not in ids
        notes = [str(s.render()) for s in editor.query(".band-note")]
        assert notes and "15 to 17 years" in notes[0]


async def test_autosave_after_a_pause_and_status_line(db: Path, tmp_path: Path, questionnaire) -> None:
    aid = new_assessment(db, questionnaire)
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, aid)
        block = blocks(editor)["ethnicity"]
        block.query_one(Input).focus()
        await pilot.press("A", "b")  # real key handling for once
        await pilot.pause(0.3)  # the test app's autosave delay is 0.05 s
        await settle(pilot)
        assert stored(db, aid)["ethnicity"] == "Ab"
        assert "Saved at" in str(editor.query_one("#status", Static).render())


async def test_a_failed_save_keeps_the_text_warns_and_retries(db: Path, tmp_path: Path, questionnaire,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    aid = new_assessment(db, questionnaire)
    real_save = Store.save_answer
    failing = {"on": True}

    def save(self, *args: Any, **kwargs: Any) -> bool:
        if failing["on"]:
            raise DatabaseError("the disk is full: free some space; nothing already saved was harmed")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Store, "save_answer", save)
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, aid)
        editor.autosaver.retry = 0.1
        block = blocks(editor)["ethnicity"]
        block.query_one(Input).value = "Typed while the disk was full"
        await pilot.pause(0.3)
        status = editor.query_one("#status", Static)
        assert status.has_class("warning") and "NOT SAVED" in str(status.render()) and "disk is full" in str(status.render())
        assert block.query_one(Input).value == "Typed while the disk was full"
        assert editor.autosaver.pending == {"ethnicity": "Typed while the disk was full"}
        failing["on"] = False  # space comes back: the retry saves it
        await pilot.pause(0.4)
        await settle(pilot)
        assert not status.has_class("warning")
        assert stored(db, aid)["ethnicity"] == "Typed while the disk was full"


async def test_quitting_saves_what_is_waiting(db: Path, tmp_path: Path, questionnaire) -> None:
    aid = new_assessment(db, questionnaire)
    app = make_app(db, tmp_path, )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, aid)
        editor.autosaver.delay = 60  # nothing would be saved by the timer
        blocks(editor)["religion_belief"].query_one(Input).value = "Quaker"
        await pilot.pause()
        assert editor.autosaver.pending
        await pilot.press("ctrl+q")
    assert stored(db, aid)["religion_belief"] == "Quaker"


async def test_repeating_group_add_edit_remove(db: Path, tmp_path: Path, questionnaire) -> None:
    aid = new_assessment(db, questionnaire)
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, aid)
        editor.go_to_question("next_steps")
        await settle(pilot)
        group = blocks(editor)["next_steps"]
        group.query_one(DataTable).focus()
        await pilot.press("a")
        dialog = await wait_for_screen(pilot, RowDialog)
        dialog.query_one("#f-what", Input).value = "Visit school"
        dialog.query_one("#f-by_when", Input).value = "2026-13-01"
        dialog.action_save()
        await pilot.pause()
        assert "not a real date" in str(dialog.query_one("#problem", Static).render())
        dialog.query_one("#f-by_when", Input).value = "2026-03-20"
        dialog.action_save()
        await wait_for_screen(pilot, EditorScreen)
        await pilot.pause(0.2)
        await settle(pilot)
        assert stored(db, aid)["next_steps"][0]["what"] == "Visit school"
        group.query_one(DataTable).focus()
        await pilot.press("enter")  # edit the highlighted row
        dialog = await wait_for_screen(pilot, RowDialog)
        assert dialog.query_one("#f-what", Input).value == "Visit school"
        dialog.query_one("#f-who", Input).value = "Class teacher"
        dialog.action_save()
        await wait_for_screen(pilot, EditorScreen)
        await pilot.pause(0.2)
        await settle(pilot)
        assert stored(db, aid)["next_steps"][0]["who"] == "Class teacher"
        group.query_one(DataTable).focus()
        await pilot.press("delete")
        await pilot.pause(0.2)
        await settle(pilot)
        assert "next_steps" not in stored(db, aid)


async def test_row_dialog_edits_the_fields_added_in_version_2_and_keeps_v1_free_text(
        db: Path, tmp_path: Path, questionnaire) -> None:
    from textual.widgets import Select

    aid = new_assessment(db, questionnaire)
    with Store.open(db) as store:
        store.save_answer(aid, "safety_scale", [{"who": "Sam", "role": "Family support worker", "score": 5}],
                          actor="Test Worker")
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, aid)
        editor.go_to_question("next_steps")
        await settle(pilot)
        group = blocks(editor)["next_steps"]
        group.query_one(DataTable).focus()
        await pilot.press("a")
        dialog = await wait_for_screen(pilot, RowDialog)
        dialog.query_one("#f-what", Input).value = "Visit school"
        dialog.query_one("#f-owner_role", Select).value = "professional"
        dialog.query_one("#f-done_date", Input).value = "2026-03-01"
        dialog.action_save()
        await wait_for_screen(pilot, EditorScreen)
        await pilot.pause(0.2)
        await settle(pilot)
        row = stored(db, aid)["next_steps"][0]
        assert (row["owner_role"], row["done_date"]) == ("professional", "2026-03-01")
        editor.go_to_question("safety_scale")
        await settle(pilot)
        scale = blocks(editor)["safety_scale"]
        scale.query_one(DataTable).focus()
        await pilot.press("enter")
        dialog = await wait_for_screen(pilot, RowDialog)
        assert dialog.query_one("#f-role", Select).value == "Family support worker"  # v1 free text is kept
        dialog.action_save()
        await wait_for_screen(pilot, EditorScreen)
        await pilot.pause(0.2)
        await settle(pilot)
        assert stored(db, aid)["safety_scale"][0]["role"] == "Family support worker"


# -- quality check, preview, help, palette ---------------------------------------------------


async def test_quality_check_lists_gaps_and_jumps_to_the_question(db: Path, tmp_path: Path, questionnaire) -> None:
    aid = new_assessment(db, questionnaire)
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, aid)
        await pilot.press("f5")
        quality = await wait_for_screen(pilot, QualityScreen)
        assert quality.gaps and any("serves" in str(o.prompt) for o in quality.query_one("#gaps").options)
        target = quality.gaps[-1]
        quality.query_one("#gaps").highlighted = len(quality.gaps) - 1
        await pilot.press("enter")
        editor = await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        assert editor.sections[editor.current].id == target.section_id
        focused = editor.focused_question()
        assert focused is not None and focused.question.id == target.question_id


async def test_preview_renders_and_exports(db: Path, tmp_path: Path, questionnaire) -> None:
    aid = new_assessment(db, questionnaire)
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, aid)
        blocks(editor)["ethnicity"].query_one(Input).value = "Not yet saved maybe"
        await pilot.press("f6")
        preview = await wait_for_screen(pilot, PreviewScreen)
        source = preview.query_one(Markdown).source
        assert "Not yet saved maybe" in source
        assert source.index("**DRAFT**") < source.index("## Summary") < source.index("## 1. ")  # the export's order
        await pilot.press("ctrl+e")
        await settle(pilot)
    files = list((tmp_path / "exports ü").glob("*.md"))
    assert len(files) == 1 and files[0].read_text(encoding="utf-8") == source  # the preview is the export


async def test_export_from_home(db: Path, tmp_path: Path, questionnaire) -> None:
    new_assessment(db, questionnaire)
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
    assert len(list((tmp_path / "exports ü").glob("Ada-Example_*.md"))) == 1


async def test_help_shows_keys_and_the_focused_questions_guidance(db: Path, tmp_path: Path, questionnaire) -> None:
    aid = new_assessment(db, questionnaire)
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, aid)
        question = editor.focused_question().question
        await pilot.press("f1")
        help_screen = await wait_for_screen(pilot, HelpScreen)
        keys = dict(help_screen.keys)
        assert "Check" in keys.values() and "Preview" in keys.values() and "Next section" in keys.values()
        assert list(keys.values()).index("Check") < 8  # the screen's own keys come first
        assert help_screen.guidance == (question.prompt, question.help)
        await pilot.press("escape")
        await wait_for_screen(pilot, EditorScreen)
        await pilot.press("f2")
        assert editor.focused_question().has_class("show-guidance")


async def test_command_palette_offers_sections_and_actions(db: Path, tmp_path: Path, questionnaire) -> None:
    aid = new_assessment(db, questionnaire)
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, aid)
        titles = [c.title for c in app.get_system_commands(editor)]
        assert {"New assessment", "Quality check", "Preview and export", "Export to Markdown"} <= set(titles)
        assert "Go to section: What needs to happen?" in titles
        assert any("theme" in t.lower() for t in titles)
        go = next(c for c in app.get_system_commands(editor) if c.title == "Go to section: What needs to happen?")
        go.callback()
        await settle(pilot)
        assert editor.sections[editor.current].title == "What needs to happen?"


async def test_theme_is_remembered(db: Path, tmp_path: Path, isolated_env: Path) -> None:
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
    assert 'theme = "nord"' in (isolated_env / "config.toml").read_text()
    again = make_app(db, tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.theme == "nord"


async def test_open_goes_to_the_first_unanswered_question(db: Path, tmp_path: Path, questionnaire) -> None:
    aid = new_assessment(db, questionnaire)
    with Store.open(db) as store:
        for qid in ("interpreter_needed", "disability"):
            store.save_answer(aid, qid, "no", actor="Test Worker")
    app = make_app(db, tmp_path, open_id=aid[:8])
    async with app.run_test(size=SIZE) as pilot:
        editor = await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        focused = editor.focused_question()
        assert focused is not None and focused.question.id == "child_seen"


# -- user text is data ---------------------------------------------------------------------

HOSTILE = "[@click=app.quit]Eve[/] [bold]x[/] [link=https://example.org]y[/link] \x1b[2J\x1b]0;t\x07"


async def test_hostile_names_and_answers_are_shown_literally(db: Path, tmp_path: Path, questionnaire) -> None:
    aid = new_assessment(db, questionnaire, child_name=HOSTILE)
    with Store.open(db) as store:
        store.save_answer(aid, "ethnicity", HOSTILE, actor="Test Worker")
        store.save_answer(aid, "danger_statements", HOSTILE, actor="Test Worker")
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        name_cell = str(table.get_row_at(0)[0])
        assert name_cell.startswith("[@click=app.quit]Eve[/] [bold]x[/]") and "\x1b" not in name_cell and "␛" in name_cell
        await pilot.click(DataTable, offset=(3, 1))  # clicking the name runs nothing
        editor = await open_editor(pilot, aid)
        assert app.is_running
        shown = str(editor.query_one("#child-band", Static).render())
        assert "[@click=app.quit]Eve[/]" in shown and "\x1b" not in shown
        await pilot.click("#child-band")
        assert app.is_running and isinstance(app.screen, EditorScreen)
        ethnicity = blocks(editor)["ethnicity"].query_one(Input).value
        assert ethnicity.startswith("[@click=app.quit]Eve[/]") and "\x1b" not in ethnicity and "␛" in ethnicity
        await pilot.press("escape")
        await settle(pilot)
    with Store.open(db) as store:  # showing the answer changed nothing
        assert store.get(aid).answers["ethnicity"] == HOSTILE


async def test_a_date_is_checked_as_it_is_typed(db: Path, tmp_path: Path, questionnaire) -> None:
    aid = new_assessment(db, questionnaire)
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, aid)
        editor.go_to_question("child_seen")
        await settle(pilot)
        blocks(editor)["child_seen"].query_one("#yes", RadioButton).value = True
        await settle(pilot)
        date = blocks(editor)["child_seen_date"]
        date.query_one(Input).value = "2026-02-30"
        await pilot.pause(0.3)
        assert date.has_class("has-problem") and "not a real date" in str(date.query_one(".problem", Static).render())
        date.query_one(Input).value = "2026-02-27"
        await pilot.pause(0.3)
        await settle(pilot)
        assert not date.has_class("has-problem")
    assert stored(db, aid)["child_seen_date"] == "2026-02-27"


def test_group_tables_show_every_version_1_field_and_come_from_one_definition() -> None:
    from sg_assess.questionnaire.rows import ROW_TYPES
    from sg_assess.questionnaire.values import GROUP_FIELDS
    from sg_assess.tui.widgets.questions import GROUP_COLUMNS, GROUP_LABELS

    # Every field a version-1 row has is a column; later fields are edited in the row dialog (field-driven).
    assert {kind: {f for f, _ in cols} for kind, cols in GROUP_COLUMNS.items()} == {
        kind: {f.name for f in t.fields if not f.added or f.width} for kind, t in ROW_TYPES.items()}
    assert {k: list(v) for k, v in GROUP_LABELS.items()} == {k: list(v) for k, v in GROUP_FIELDS.items()}


async def test_focusing_an_answer_does_not_select_it(db: Path, tmp_path: Path, questionnaire) -> None:
    aid = new_assessment(db, questionnaire)
    with Store.open(db) as store:
        store.save_answer(aid, "ethnicity", "Mixed White and Black Caribbean", actor="Test Worker")
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, aid)
        box = blocks(editor)["ethnicity"].query_one(Input)
        box.focus()
        await pilot.pause()
        await pilot.press("end", "x")  # a keystroke adds to the answer, it does not replace it
        assert box.value == "Mixed White and Black Caribbeanx"


# -- the new-assessment dialog when creating fails; refreshing the home list ---------------------------


async def test_a_refused_create_keeps_the_dialog_open_with_what_was_typed_and_says_why(
        db: Path, tmp_path: Path, monkeypatch) -> None:
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        dialog = await wait_for_screen(pilot, NewAssessmentDialog)
        dialog.query_one("#name", Input).value = "Cleo Sample"
        dialog.query_one("#dob", Input).value = "2011-04-04"
        await pilot.pause()

        def read_only(*args: Any, **kwargs: Any) -> str:
            raise DatabaseError("attempt to write a readonly database")

        monkeypatch.setattr(Store, "create_assessment", read_only)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog  # still open: nothing typed is lost
        assert dialog.query_one("#name", Input).value == "Cleo Sample"
        assert dialog.query_one("#dob", Input).value == "2011-04-04"
        said = str(dialog.query_one("#problem", Static).render())
        assert said == "Not created: attempt to write a readonly database" and "\n" not in said
        monkeypatch.undo()  # writable again: the same dialog, Create again, and it is made
        await pilot.press("ctrl+s")
        editor = await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        assert editor.record.summary.child_name == "Cleo Sample"


async def test_a_refresh_keeps_the_cursor_on_its_assessment_and_runs_one_at_a_time(
        db: Path, tmp_path: Path, questionnaire) -> None:
    older = new_assessment(db, questionnaire, child_name="Ada Example")
    new_assessment(db, questionnaire, child_name="Ben Example")
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        table = home.query_one(DataTable)
        table.move_cursor(row=[r.id for r in home.rows].index(older))
        focused = app.focused
        new_assessment(db, questionnaire, child_name="Cleo Example")  # by someone else, meanwhile
        started: list[int] = []
        read_again = home._read_again  # noqa: SLF001
        home._read_again = lambda *a: (started.append(1), read_again(*a))  # type: ignore[method-assign]  # noqa: SLF001
        home.action_refresh_list()
        home.action_refresh_list()  # the first is still being read: not started again
        assert started == [1]
        await settle(pilot)
        assert table.row_count == 3 and home.selected() is not None and home.selected().id == older
        assert app.focused is focused
        await pilot.press("ctrl+r")  # the key does it too
        await settle(pilot)
        assert started == [1, 1] and home.selected().id == older
