"""Every keystroke lands in the field it was typed into (issue 8, points 1, 10, 11, 12 and pastes).

Keys here are posted to the app the way the terminal driver posts them, one
after another without waiting for the app to finish the previous one: that is
what a fast typist (30 ms a key) does to a busy app.  ``pilot.press`` waits
for the app between keys, so it cannot show these faults.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from textual import events
from textual.widgets import Input

from sg_assess.tui.screens.editor import EditorScreen
from tests.test_tui import blocks, db, make_app, new_assessment, open_editor, settle  # noqa: F401 (db: a fixture)

SIZE = (100, 32)


def burst(app: Any, *keys: str) -> None:
    """Post keys as the driver does, all at once: printable characters as themselves, others by name."""
    for key in keys:
        if len(key) == 1:
            app.post_message(events.Key(key, key))
        else:
            app.post_message(events.Key(key, None))


def inputs(editor: EditorScreen, *qids: str) -> dict[str, str]:
    found = blocks(editor)
    return {q: found[q].query_one(Input).value for q in qids}


async def test_tab_then_typing_goes_into_the_next_field(db: Path, tmp_path: Path, questionnaire) -> None:
    aid = new_assessment(db, questionnaire)
    async with make_app(db, tmp_path).run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, aid)
        blocks(editor)["ethnicity"].focus_input()
        await pilot.pause()
        burst(pilot.app, *"one", "tab", *"two", "tab", *"three", "shift+tab", "shift+tab", *"X",
              "tab", "tab", *"word")
        await settle(pilot)
        assert inputs(editor, "ethnicity", "religion_belief", "first_language") == {
            "ethnicity": "oneX", "religion_belief": "two", "first_language": "threeword"}


async def test_keys_before_a_tab_act_on_the_field_they_were_typed_in(db: Path, tmp_path: Path,
                                                                     questionnaire) -> None:
    """Down and Enter on a yes/no, then Tab and Enter on the next: each answer where it was typed."""
    from textual.widgets import RadioSet

    aid = new_assessment(db, questionnaire)
    async with make_app(db, tmp_path).run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, aid)
        blocks(editor)["interpreter_needed"].query_one(RadioSet).focus()
        await pilot.pause()
        burst(pilot.app, "down", "enter", "tab", "enter")
        await settle(pilot)
        assert {q: blocks(editor)[q].value for q in ("interpreter_needed", "disability")} == {
            "interpreter_needed": "no", "disability": "yes"}


async def test_keys_typed_as_a_section_opens_go_to_its_first_question(db: Path, tmp_path: Path,
                                                                     questionnaire) -> None:
    aid = new_assessment(db, questionnaire)
    async with make_app(db, tmp_path).run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, aid)
        editor.show_section(1)
        await settle(pilot)
        burst(pilot.app, "f7", *"Roma")  # back to About the child, typing at once
        await settle(pilot)
        assert editor.current == 0
        assert inputs(editor, "ethnicity") == {"ethnicity": "Roma"}


async def test_tab_in_a_text_area_that_indents_is_kept_by_it(db: Path, tmp_path: Path, questionnaire) -> None:
    """The rule does not fire for a text area whose Tab indents: the Tab goes into the text."""
    from textual.widgets import TextArea

    aid = new_assessment(db, questionnaire)
    async with make_app(db, tmp_path).run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, aid)
        area = blocks(editor)["communication"].query_one(TextArea)
        area.tab_behavior = "indent"
        area.focus()
        await pilot.pause()
        burst(pilot.app, "a", "tab", "b")
        await settle(pilot)
        assert pilot.app.focused is area
        assert area.text.replace(" ", "") in ("a\tb", "ab")
        assert area.text != "ab"


# -- point 12: home search shows only the results of the current search ------------------------


async def _home_with_two(db: Path, tmp_path: Path, questionnaire) -> tuple[Any, Any]:
    from sg_assess.store.repository import Store

    a = new_assessment(db, questionnaire)
    new_assessment(db, questionnaire, child_name="Ben Sample", dob="2012-05-05")
    with Store.open(db) as store:
        store.save_answer(a, "danger_statements", "worried about the trampoline", actor="Test Worker")
    return a, None


async def test_results_of_an_earlier_search_are_not_shown(db: Path, tmp_path: Path, questionnaire) -> None:
    await _home_with_two(db, tmp_path, questionnaire)
    async with make_app(db, tmp_path).run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = pilot.app.screen
        home.query_one("#search", Input).value = "Ben"
        await settle(pilot)
        assert [r.child_name for r in home.rows] == ["Ben Sample"]
        home.rows = []  # the table emptied for a new page, as when the text changes ...
        home.query_one("#assessments").clear()
        home._load_page({"search": "trampoline", "status": None}, 0)  # ... and a slow, earlier search answers
        await settle(pilot)
        assert [r.child_name for r in home.rows] == []  # not Ada's: the box says "Ben"
        home.reload()
        await settle(pilot)
        assert [r.child_name for r in home.rows] == ["Ben Sample"]


async def test_results_of_the_current_search_are_shown(db: Path, tmp_path: Path, questionnaire) -> None:
    await _home_with_two(db, tmp_path, questionnaire)
    async with make_app(db, tmp_path).run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = pilot.app.screen
        home.query_one("#search", Input).value = "trampoline"
        await settle(pilot)
        assert [r.child_name for r in home.rows] == ["Ada Example"]


# -- point 11: after a conflict merge the cursor stays where the person was typing --------------


async def test_after_a_merge_the_cursor_stays_at_the_end_of_your_text(db: Path, tmp_path: Path, questionnaire) -> None:
    from textual.widgets import TextArea

    from sg_assess.store.repository import Store

    aid = new_assessment(db, questionnaire)
    with Store.open(db) as store:
        store.save_answer(aid, "communication", "First", actor="Test Worker")
    app = make_app(db, tmp_path)
    app.notify = lambda *a, **k: None  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, aid)
        with Store.open(db) as other_window:
            other_window.save_answer(aid, "communication", "From the other window", actor="Test Worker")
        area = blocks(editor)["communication"].query_one(TextArea)
        area.focus()
        area.text = "Signs and\nsome words"
        area.move_cursor((1, 10))
        await pilot.pause(0.3)
        await settle(pilot)
        assert area.text.startswith("Signs and\nsome words\n\n[Also saved by") and "From the other window" in area.text
        assert area.cursor_location == (1, 10)  # not (0, 0): the next words go after "some words"


async def test_text_typed_while_a_merge_was_saved_is_kept(db: Path, tmp_path: Path, questionnaire) -> None:
    from textual.widgets import TextArea

    aid = new_assessment(db, questionnaire)
    async with make_app(db, tmp_path).run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, aid)
        block = blocks(editor)["communication"]
        area = block.query_one(TextArea)
        area.text = "Mine and more"
        area.move_cursor((0, 13))
        merged = "Mine\n\n[Also saved by X at 10:00 UTC, kept so nothing is lost:]\nOther"
        block.show_value(merged)
        assert area.text == "Mine and more\n\n[Also saved by X at 10:00 UTC, kept so nothing is lost:]\nOther"
        assert area.cursor_location == (0, 13)
        block.show_value("Something else entirely")  # not a merge: shown as it is
        assert area.text == "Something else entirely"


# -- point 10: an impossible date is kept, marked, and never reported as saved ---------------------


async def _date_box(pilot, db: Path, questionnaire) -> tuple[EditorScreen, Input, str]:
    from sg_assess.store.repository import Store

    aid = new_assessment(db, questionnaire)
    with Store.open(db) as store:
        store.save_answer(aid, "child_seen", "yes", actor="Test Worker")
    editor = await open_editor(pilot, aid)
    editor.show_section(1)  # The child's voice: child_seen_date
    await settle(pilot)
    return editor, blocks(editor)["child_seen_date"].query_one(Input), aid


def status(editor: EditorScreen) -> str:
    from textual.widgets import Static

    return str(editor.query_one("#status", Static).render())


async def test_an_impossible_date_stays_is_marked_and_is_not_called_saved(db: Path, tmp_path: Path,
                                                                         questionnaire) -> None:
    from tests.test_tui import stored

    async with make_app(db, tmp_path).run_test(size=SIZE) as pilot:
        editor, box, aid = await _date_box(pilot, db, questionnaire)
        box.focus()
        box.value = "2026-02-30"
        await settle(pilot)
        assert "NOT SAVED" in status(editor) and "Saved" not in status(editor)
        assert box.has_class("-invalid")
        editor.action_next_section()  # moving on ...
        await settle(pilot)
        assert "NOT SAVED" in status(editor)
        editor.action_previous_section()  # ... and back: the text is still there, still marked
        await settle(pilot)
        box = blocks(editor)["child_seen_date"].query_one(Input)
        assert box.value == "2026-02-30" and box.has_class("-invalid")
        await pilot.press("escape")  # leaving asks first
        await settle(pilot)
        assert pilot.app.screen is editor
        box.value = "2026-02-27"  # corrected: saved, and the status says so
        await pilot.pause(0.3)
        await settle(pilot)
        assert "NOT SAVED" not in status(editor)
        assert stored(db, aid)["child_seen_date"] == "2026-02-27"
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is not editor


async def test_escape_twice_leaves_without_the_impossible_date(db: Path, tmp_path: Path, questionnaire) -> None:
    async with make_app(db, tmp_path).run_test(size=SIZE) as pilot:
        editor, box, aid = await _date_box(pilot, db, questionnaire)
        box.value = "2026-13-01"
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is editor
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is not editor


async def test_a_real_date_is_saved_and_called_saved(db: Path, tmp_path: Path, questionnaire) -> None:
    from tests.test_tui import stored

    async with make_app(db, tmp_path).run_test(size=SIZE) as pilot:
        editor, box, aid = await _date_box(pilot, db, questionnaire)
        box.value = "2026-02-27"
        await pilot.pause(0.3)
        await settle(pilot)
        assert "NOT SAVED" not in status(editor) and "Saved" in status(editor)
        assert stored(db, aid)["child_seen_date"] == "2026-02-27"
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is not editor


# -- pastes into a one-line field -------------------------------------------------------------


async def test_a_paste_of_several_lines_keeps_every_line_visible(db: Path, tmp_path: Path, questionnaire) -> None:
    from tests.test_tui import stored

    aid = new_assessment(db, questionnaire)
    app = make_app(db, tmp_path)
    told: list[str] = []
    app.notify = lambda message, **kwargs: told.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, aid)
        box = blocks(editor)["ethnicity"].query_one(Input)
        box.focus()
        await pilot.pause()
        box.post_message(events.Paste("Mixed heritage\r\nmother: White Irish\nfather: Black Caribbean"))
        await pilot.pause(0.3)
        await settle(pilot)
        assert box.value == "Mixed heritage ⏎ mother: White Irish ⏎ father: Black Caribbean"
        assert any("3 lines" in message for message in told)
    assert stored(db, aid)["ethnicity"] == "Mixed heritage ⏎ mother: White Irish ⏎ father: Black Caribbean"


async def test_a_paste_of_one_line_is_pasted_as_it_is(db: Path, tmp_path: Path, questionnaire) -> None:
    aid = new_assessment(db, questionnaire)
    app = make_app(db, tmp_path)
    told: list[str] = []
    app.notify = lambda message, **kwargs: told.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, aid)
        box = blocks(editor)["ethnicity"].query_one(Input)
        box.focus()
        await pilot.pause()
        box.post_message(events.Paste("White British"))
        await settle(pilot)
        assert box.value == "White British" and not told
