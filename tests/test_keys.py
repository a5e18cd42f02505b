"""Keyboard trust and small screens (issue 8): every key the footer shows does what it says, from every kind
of widget; no navigation key selects text; the preview's header agrees with its body; no screenshot leaves
the app; and what 80x24 needs (help, statuses, markers that do not rely on colour, history).
"""

from __future__ import annotations

import re

import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import TextArea

from sg_assess.export.markdown import render_markdown
from sg_assess.store.repository import Store
from sg_assess.tui.app import SgApp, create_app
from sg_assess.tui.keys import is_own
from sg_assess.tui.screens.editor import EditorScreen
from sg_assess.tui.screens.preview import PreviewScreen
from sg_assess.tui.widgets.questions import GroupBlock, QuestionBlock

SIZE = (100, 32)
TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "keys" / "keys.db"


@pytest.fixture(scope="module")
def demo_db_source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    from tests.snapshot_apps import build_demo_db

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    return path, build_demo_db(path)


@pytest.fixture
def demo_db(demo_db_source: tuple[Path, list[str]], tmp_path: Path) -> tuple[Path, list[str]]:
    from tests.snapshot_apps import copy_db

    return copy_db(demo_db_source[0], tmp_path / "demo" / "demo.db"), demo_db_source[1]


def demo_app(demo: tuple[Path, list[str]], tmp_path: Path) -> SgApp:
    """The demo assessments, opened as their (fictional) practitioner, as in the snapshot tests."""
    from tests.snapshot_apps import make_app as make_demo_app

    app = make_demo_app(demo[0], tmp_path / "work")
    app.snapshot_demo_ids = demo[1]  # type: ignore[attr-defined]
    return app


def make_app(db: Path, tmp_path: Path, **kwargs: Any) -> SgApp:
    return create_app(db, user="Test Worker", autosave_delay=0.05, export_dir=tmp_path / "exports",
                      today=lambda: TODAY, **kwargs)


def new_assessment(db: Path, questionnaire) -> str:
    with Store.open(db) as store:
        return store.create_assessment(questionnaire=questionnaire, actor="Test Worker", child_name="Ada Example",
                                       dob="2019-01-15", assessment_date="2026-03-02")


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def wait_for_screen(pilot, kind: type) -> Any:
    for _ in range(100):
        if isinstance(pilot.app.screen, kind):
            await settle(pilot)
            return pilot.app.screen
        await pilot.pause(0.05)
    raise AssertionError(f"{kind.__name__} never appeared; on {pilot.app.screen!r}")


async def open_editor(pilot, aid: str) -> EditorScreen:
    pilot.app.open_assessment(aid)
    return await wait_for_screen(pilot, EditorScreen)


def blocks(editor: EditorScreen) -> dict[str, QuestionBlock]:
    return {b.question.id: b for b in editor.query(QuestionBlock)}


async def show(pilot, editor: EditorScreen, qid: str) -> QuestionBlock:
    editor.go_to_question(qid)
    for _ in range(50):
        await settle(pilot)
        if qid in blocks(editor):
            return blocks(editor)[qid]
    raise AssertionError(f"{qid} never shown")


# -- point 3: the preview's header is worked out from the answers it shows ---------------------------------------

def required_given(markdown: str) -> int:
    """The figure of the export's Completeness line, "N of M required answers given."."""
    found = re.search(r"^(\d+) of \d+ required answers given\.$", markdown, re.M)
    assert found, "no Completeness line"
    return int(found.group(1))


async def test_preview_header_counts_the_answers_given_in_the_editor(db: Path, tmp_path: Path, questionnaire) -> None:
    aid = new_assessment(db, questionnaire)  # opened with nothing answered: the stored summary says 0 and none
    async with make_app(db, tmp_path).run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, aid)
        before = required_given(render_markdown(editor.current_record()))
        (await show(pilot, editor, "danger_statements")).query_one(TextArea).text = "Ada may be hit again."
        scale = await show(pilot, editor, "safety_scale")
        assert isinstance(scale, GroupBlock)
        scale.set_rows([{"who": "Social worker", "role": "practitioner", "score": 4, "reason": "", "date": "2026-03-01"},
                        {"who": "Mother", "role": "parent_carer", "score": 7, "reason": "", "date": "2026-03-02"}])
        await settle(pilot)
        await pilot.press("f6")
        preview = await wait_for_screen(pilot, PreviewScreen)
        shown = render_markdown(preview.record)
        await pilot.press("escape")
        await settle(pilot)
    with Store.open(db) as store:  # what 'sg-assess show' reads, now that everything is saved
        saved = store.get(aid).summary
    assert saved.required_answered == before + 2 and saved.latest_score == 7
    assert (saved.worker_score, saved.score_range) == (4, "4-7")  # the practitioner's own, not Mother's later 7
    assert "The practitioner's score: 4 out of 10." in shown
    assert f"{saved.required_answered} of {saved.required_total} required answers given." in shown
    assert "Scores from 2 people: 4 to 7" in shown  # the Summary's scale line, from the scores just typed


def test_a_record_with_other_answers_works_its_figures_out_again(store: Store, assessment: str) -> None:
    record = store.get(assessment)
    assert (record.summary.required_answered, record.summary.latest_score) == (0, None)
    changed = record.with_answers({"danger_statements": "Worry.",
                                   "safety_scale": [{"who": "A", "score": 3, "date": "2026-01-01"}]})
    assert (changed.summary.required_answered, changed.summary.latest_score) == (2, 3)
    assert changed.summary.required_total == record.summary.required_total
    unchanged = record.with_answers(record.answers)  # the rule does not fire on a record already right
    assert unchanged.summary == record.summary


# -- point 13: no screenshot of a child's details leaves the app ----------------------------------------------------

async def test_no_screenshot_from_the_palette_or_any_action(db: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(tmp_path / "downloads"))
    shots = tmp_path / "shots"
    shots.mkdir()
    async with make_app(db, tmp_path).run_test(size=SIZE) as pilot:
        await settle(pilot)
        app = pilot.app
        told: list[str] = []
        monkeypatch.setattr(app, "notify", lambda message, **kw: told.append(kw.get("title", "")))
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Theme" in titles and "Quit" in titles and "New assessment" in titles  # the rest are kept
        assert not [t for t in titles if "screenshot" in t.lower()] and "Keys" not in titles
        await app.run_action(f"screenshot('child.svg', {str(shots)!r})")
        app.action_screenshot(path=str(shots))
        assert app.deliver_screenshot(path=str(shots)) is None
        await settle(pilot)
        assert told == ["No screenshot"] * 3
    assert list(shots.iterdir()) == []
    assert not [p for p in tmp_path.rglob("*.svg")]


# -- point 2: every key the footer shows does what it says, from every kind of widget ------------------------------

WIDGET_KEYS = {"enter", "escape", "delete", "slash"}  # keys a widget may rightly keep for itself (and letters)


def declared(app: App, screen: Screen) -> dict[str, tuple[Any, Any]]:
    """The screen's and the app's own keys (those with a description): key -> (namespace, binding)."""
    focused = screen.focused
    screen.set_focus(None, scroll_visible=False)
    try:
        return {key: (ab.node, ab.binding) for key, ab in screen.active_bindings.items()
                if ab.binding.description and is_own(ab.binding)}
    finally:
        screen.set_focus(focused, scroll_visible=False)


def record_actions(app: App, keys: dict[str, tuple[Any, Any]], calls: list[tuple[Any, str]]) -> None:
    """Replace each bound action, on its own node, by one that notes it was run."""
    for node, binding in keys.values():
        name = binding.action.split("(")[0]
        if name.startswith("app."):
            node, name = app, name.removeprefix("app.")

        def ran(*_args: Any, node: Any = node, name: str = name) -> None:
            calls.append((node, name))

        setattr(node, f"action_{name}", ran)


async def every_key_from(pilot, widgets: list[Any]) -> list[str]:
    """Focus each widget in turn and press every key of the screen (and app) that reaches it.

    A key reaches the widget's screen if the footer's binding for it is the screen's own. Otherwise the
    widget keeps the key for itself (typing a letter in a box, Enter in a table): then it must be one of
    the keys widgets may keep, and the footer must not show the screen's description for it.
    Returns what was checked, for the failure message.
    """
    app = pilot.app
    screen = app.screen
    keys = declared(app, screen)
    calls: list[tuple[Any, str]] = []
    record_actions(app, keys, calls)
    checked = []
    for widget in widgets:
        widget.focus()
        await pilot.pause()
        assert app.focused is widget, f"could not focus {widget!r}"
        for key, (node, binding) in keys.items():
            active = screen.active_bindings.get(key)
            if active is not None and active.binding is binding:
                await pilot.press(key)
                await pilot.pause()
                for _ in range(400):  # a key that moves the focus (F7/F8) holds later keys until it has moved (<= 3 s)
                    if not app.keys_waiting:
                        break
                    await pilot.pause(0.02)
                name = binding.action.split("(")[0]
                target = app if name.startswith("app.") else node
                assert calls and calls[-1] == (target, name.removeprefix("app.")), \
                    f"{key} did nothing from {type(widget).__name__} on {type(screen).__name__} (keys {list(keys)}, checked {checked[-3:]}, focused {app.focused!r})"
                calls.clear()
                checked.append(f"{type(widget).__name__}:{key}")
                if app.focused is not widget:
                    widget.focus()
                    await pilot.pause()
            else:
                assert key in WIDGET_KEYS or len(key) == 1, \
                    f"{key} ({binding.description}) is taken by {type(widget).__name__} on {type(screen).__name__}"
                assert active is None or not active.binding.show or active.binding.description != binding.description
    return checked


async def test_every_footer_key_works_from_every_widget_of_the_editor(demo_db, tmp_path: Path) -> None:
    from tests.snapshot_apps import ADA_FIRST
    from tests.snapshot_apps import open_editor as open_demo_editor
    from textual.widgets import Button, DataTable, Input, ListView, RadioSet, Select, SelectionList

    async with demo_app(demo_db, tmp_path).run_test(size=SIZE) as pilot:
        editor = await open_demo_editor(pilot, ADA_FIRST)
        found: dict[str, Any] = {"sidebar": editor.query_one("#sections", ListView)}
        for qid, kinds in (("ethnicity", (Input,)), ("interpreter_needed", (RadioSet,)), ("communication", (TextArea,)),
                           ("referral_date", (Input,)), ("referral_follow_up", (Select,)),
                           ("agencies_involved", (DataTable, Button)), ("complicating_factors", (SelectionList,))):
            block = await show(pilot, editor, qid)
            # one widget of each kind: the table and its first button for a repeating group
            widgets = [w for kind in kinds for w in block.query(kind).results() if w.focusable][:len(kinds)]
            assert widgets, qid
            checked = await every_key_from(pilot, widgets)
            assert any(c.endswith(":f6") for c in checked) and any(c.endswith(":f7") for c in checked)
            assert isinstance(pilot.app.screen, EditorScreen)
        checked = await every_key_from(pilot, list(found.values()))
        assert {c.split(":")[1] for c in checked} >= {"f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f12",
                                                       "ctrl+s", "escape", "ctrl+q", "ctrl+p"}


async def test_f7_in_a_long_answer_changes_section_and_keeps_every_word(db: Path, tmp_path: Path,
                                                                        questionnaire) -> None:
    aid = new_assessment(db, questionnaire)
    async with make_app(db, tmp_path).run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, aid)
        block = await show(pilot, editor, "pc_basic_care")  # the first question of Parenting capacity
        area = block.query_one(TextArea)
        area.text = "Fed well. Clothes clean."
        area.focus()
        await pilot.pause()
        section = editor.current
        await pilot.press("f6")  # Preview, not "select line"
        await wait_for_screen(pilot, PreviewScreen)
        await pilot.press("escape")
        await wait_for_screen(pilot, EditorScreen)
        block = blocks(editor)["pc_basic_care"]
        block.query_one(TextArea).focus()
        await pilot.pause()
        await pilot.press("f7", "x")  # previous section, then a letter that must not replace the answer
        await settle(pilot)
        assert editor.current == section - 1
        assert "pc_basic_care" not in blocks(editor)
    with Store.open(db) as store:
        assert store.get(aid).answers["pc_basic_care"] == "Fed well. Clothes clean."


async def test_f6_and_f7_select_nothing_in_a_dialog_text_box(db: Path, tmp_path: Path) -> None:
    from sg_assess.tui.dialogs.forms import TextDialog

    async with make_app(db, tmp_path).run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.push_screen(TextDialog("Comment", "Your comment"))
        dialog = await wait_for_screen(pilot, TextDialog)
        area = dialog.query_one(TextArea)
        area.text = "Seen at school."
        area.focus()
        area.move_cursor(area.document.end)
        await pilot.press("f7", "f6", "!")
        assert area.text == "Seen at school.!"
        assert area.selected_text == ""
        await pilot.press("shift+left")  # the rule does not fire on the keys made for selecting
        assert area.selected_text == "!"


async def test_every_footer_key_works_from_every_widget_of_the_other_screens(demo_db, tmp_path: Path) -> None:
    from textual.containers import VerticalScroll
    from textual.widgets import Button, Checkbox, DataTable, Input, OptionList, Select

    from sg_assess.tui.dialogs.forms import TextDialog
    from sg_assess.tui.dialogs.new_assessment import NewAssessmentDialog
    from sg_assess.tui.dialogs.row import RowDialog
    from sg_assess.tui.screens.home import HomeScreen
    from sg_assess.tui.screens.lists import ActionsScreen, ChronologyScreen, HistoryScreen, ReviewQueueScreen
    from sg_assess.tui.screens.quality import QualityScreen
    from sg_assess.tui.screens.review import ReviewScreen
    from tests.snapshot_apps import ADA_FIRST, CLEO_DISCLOSURE, home_loaded

    path, ids = demo_db
    with Store.open(path) as store:
        owner = store.get(ids[CLEO_DISCLOSURE]).owner
        store.submit(ids[CLEO_DISCLOSURE], reason="Sent now; the rest follows", actor=owner, role="practitioner")
    async with demo_app(demo_db, tmp_path).run_test(size=SIZE) as pilot:
        app = pilot.app
        await home_loaded(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        checked = await every_key_from(pilot, [home.query_one(DataTable), home.query_one(Input),
                                               home.query_one(Select)])
        assert {"DataTable:n", "DataTable:slash", "DataTable:f1", "Input:f1", "Select:ctrl+p"} <= set(checked)
        assert "Input:n" not in checked  # typed into the search box, and not shown in the footer meanwhile

        async def on(screen: Screen, kind: type, *queries: Any) -> list[str]:
            app.push_screen(screen)
            await wait_for_screen(pilot, kind)
            widgets = [w for q in queries for w in app.screen.query(q).results() if w.focusable]
            widgets = list({type(w): w for w in reversed(widgets)}.values())  # one of each kind: the first
            done = await every_key_from(pilot, widgets)
            app.pop_screen()
            await settle(pilot)
            return done

        with Store.open(path) as store:
            record = store.get(ids[CLEO_DISCLOSURE])
            ada = store.get(ids[ADA_FIRST])
        assert "VerticalScroll:ctrl+e" in await on(PreviewScreen(ada), PreviewScreen, VerticalScroll)
        assert "VerticalScroll:f3" in await on(ReviewScreen(record, []), ReviewScreen, "#review-doc")
        assert "DataTable:escape" in await on(ReviewQueueScreen(), ReviewQueueScreen, DataTable)
        assert "DataTable:escape" in await on(ActionsScreen(), ActionsScreen, DataTable)
        assert "Select:escape" in await on(HistoryScreen(ada.id, [("A question", "ethnicity")]), HistoryScreen,
                                           Select, DataTable)
        assert "DataTable:escape" in await on(ChronologyScreen(ada.child.id, "Ada"), ChronologyScreen, DataTable)
        from sg_assess.quality import check
        assert "OptionList:escape" in await on(QualityScreen(check(record)), QualityScreen, OptionList)
        editor_question = ada.questionnaire.question("agencies_involved")
        assert {"LineInput:ctrl+s", "MarkedCheckbox:escape", "Button:ctrl+s"} <= set(
            await on(RowDialog(editor_question, None), RowDialog, Input, Checkbox, Button))
        assert "Select:ctrl+s" in await on(NewAssessmentDialog([("One", "a"), ("Two", "b")]), NewAssessmentDialog,
                                           Input, Checkbox, Select)
        assert "AnswerArea:ctrl+s" in await on(TextDialog("Comment", "Your comment"), TextDialog, TextArea, Button)


# -- point 14: 80x24 ---------------------------------------------------------------------------------------------

SMALL = (80, 24)


def on_screen(pilot, widget: Any) -> bool:
    """Wholly inside the terminal."""
    return bool(widget.region) and pilot.app.screen.region.contains_region(widget.region)


def footer_keys(screen: Screen) -> list[tuple[Any, Any]]:
    """What the footer shows, left to right: (key as shown, region on screen)."""
    from textual.widgets import Footer

    footer = screen.query_one(Footer)
    return sorted(((str(k.render()).split()[0], k.region) for k in footer.children if k.region),
                  key=lambda kr: kr[1].x)


async def test_at_80x24_f1_help_comes_first_in_every_footer(demo_db, tmp_path: Path) -> None:
    from tests.snapshot_apps import ADA_FIRST, home_loaded
    from tests.snapshot_apps import open_editor as open_demo_editor

    async with demo_app(demo_db, tmp_path).run_test(size=SMALL) as pilot:
        await home_loaded(pilot)
        await settle(pilot)
        for screen_name in ("home", "editor"):
            shown = footer_keys(pilot.app.screen)
            assert shown[0][0] == "F1", (screen_name, shown)
            assert pilot.app.screen.region.contains_region(shown[0][1])
            assert "^p" in [k for k, _ in shown]  # the palette, at the right, is never pushed off either
            if screen_name == "home":
                assert [k for k, _ in shown] == ["F1", "n", "/", "e", "v", "a", "^q", "^p"]
                await open_demo_editor(pilot, ADA_FIRST)
                await settle(pilot)
            else:
                assert [k for k, _ in shown] == ["F1", "F2", "F5", "F6", "F3", "F9", "Esc", "^p"]
        for key, region in footer_keys(pilot.app.screen):
            assert pilot.app.screen.region.contains_region(region), f"{key} is cut off"


async def test_at_80x24_section_names_are_whole_in_the_sidebar(demo_db, tmp_path: Path) -> None:
    from textual.widgets import Label

    from tests.snapshot_apps import ADA_FIRST
    from tests.snapshot_apps import open_editor as open_demo_editor

    async with demo_app(demo_db, tmp_path).run_test(size=SMALL) as pilot:
        editor = await open_demo_editor(pilot, ADA_FIRST)
        await settle(pilot)
        sidebar = editor.query_one("#sidebar")
        for i, section in enumerate(editor.sections):
            label = editor.query_one(f"#mark-{i}", Label)
            shown = " ".join(str(label.render()).split())
            assert shown.endswith(section.title)
            width = label.content_region.width
            assert label.region.right <= sidebar.region.right
            assert label.size.height >= len(textwrap.wrap(shown, width)), f"{section.title!r} is cut"
        assert any(label.size.height > 1 for label in editor.query("#sections Label"))  # the rule fires


async def test_at_80x24_the_row_dialog_fits_title_fields_and_buttons(demo_db, tmp_path: Path) -> None:
    from textual.containers import VerticalScroll
    from textual.widgets import Button, Checkbox, DataTable, Input

    from sg_assess.tui.dialogs.row import RowDialog
    from tests.snapshot_apps import ADA_FIRST
    from tests.snapshot_apps import open_editor as open_demo_editor

    async with demo_app(demo_db, tmp_path).run_test(size=SMALL) as pilot:
        editor = await open_demo_editor(pilot, ADA_FIRST, section="Household and network")
        editor.query_one("#q-parents DataTable", DataTable).focus()
        await pilot.press("a")
        dialog = await wait_for_screen(pilot, RowDialog)
        scroll = dialog.query_one(".dialog", VerticalScroll)
        assert scroll.max_scroll_y == 0  # nothing hidden below or above
        title = dialog.query_one(".title")
        first_input = dialog.query(Input).first()
        for widget in (title, first_input, dialog.query_one(Checkbox), *dialog.query(Button)):
            assert on_screen(pilot, widget), widget
        assert pilot.app.focused is first_input


async def test_chosen_options_are_marked_not_only_coloured(db: Path, tmp_path: Path, questionnaire) -> None:
    from textual.widgets import RadioButton

    from sg_assess.tui.dialogs.row import RowDialog
    from sg_assess.tui.widgets.marks import MarkedCheckbox

    aid = new_assessment(db, questionnaire)
    with Store.open(db) as store:
        store.save_answer(aid, "interpreter_needed", "no", actor="Test Worker")
    async with make_app(db, tmp_path).run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, aid)
        buttons = {b.id: str(b.render()) for b in blocks(editor)["interpreter_needed"].query(RadioButton)}
        assert "●" in buttons["no"] and "●" not in buttons["yes"]
        unanswered = [str(b.render()) for b in blocks(editor)["disability"].query(RadioButton)]
        assert not any("●" in b for b in unanswered)  # nothing chosen: nothing marked
        pilot.app.push_screen(RowDialog(questionnaire.question("parents"), {"name": "Mo", "involved": False}))
        dialog = await wait_for_screen(pilot, RowDialog)
        box = dialog.query_one(MarkedCheckbox)
        assert "X" not in str(box.render()).replace("Involved", "")
        box.toggle()
        await pilot.pause()
        assert "X" in str(box.render())


async def test_a_multiple_choice_draws_its_mark_only_when_chosen(demo_db, tmp_path: Path) -> None:
    from textual.widgets import SelectionList

    from tests.snapshot_apps import ADA_FIRST
    from tests.snapshot_apps import open_editor as open_demo_editor

    async with demo_app(demo_db, tmp_path).run_test(size=SIZE) as pilot:
        editor = await open_demo_editor(pilot, ADA_FIRST, focus="complicating_factors")
        choices = editor.query_one("#q-complicating_factors SelectionList", SelectionList)
        for state in ("", "-highlighted"):
            off = choices.get_component_rich_style(f"selection-list--button{state}")
            on = choices.get_component_rich_style(f"selection-list--button-selected{state}")
            assert off.color == off.bgcolor, "an unchosen box shows no mark"
            assert on.color != on.bgcolor, "a chosen box shows its X"


async def test_help_lists_only_the_apps_own_keys(db: Path, tmp_path: Path, questionnaire) -> None:
    from sg_assess.tui.screens.help import HelpScreen

    aid = new_assessment(db, questionnaire)
    async with make_app(db, tmp_path).run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, aid)
        (await show(pilot, editor, "pc_basic_care")).query_one(TextArea).focus()
        await pilot.press("f1")
        help_screen = await wait_for_screen(pilot, HelpScreen)
        keys = dict(help_screen.keys)
        assert keys["F6"] == "Preview" and keys["F7"] == "Prev section" and keys["F1"] == "Help"
        assert keys["Esc"] == "Home" and keys["^q"] == "Quit" and "jump to a section" in keys["^p"]
        assert keys["Tab, Shift+Tab"] == "Next, previous field"
        text = " ".join(f"{k} {d}" for k, d in help_screen.keys).lower()
        for internal in ("super+c", "copy", "cursor", "select all", "select line", "delete", "scroll"):
            assert internal not in text, internal
        await pilot.press("escape")
        table_block = await show(pilot, editor, "safety_scale")
        table_block.query_one("DataTable").focus()
        await pilot.pause()
        await pilot.press("f1")
        help_screen = await wait_for_screen(pilot, HelpScreen)
        assert dict(help_screen.keys)["a"] == "Add row"  # a question's own keys are listed too


def test_statuses_are_words_for_people() -> None:
    from sg_assess.statuses import STATUS_WORDS, status_words

    assert [status_words(s) for s in ("draft", "submitted", "returned", "signed_off")] == \
        ["Draft", "Submitted", "Returned", "Signed off"]
    assert status_words("archived_early") == "Archived early"  # an unknown code is still readable
    assert set(STATUS_WORDS) == {"draft", "submitted", "returned", "signed_off"}


async def test_statuses_show_as_words_in_the_app_and_the_cli(db: Path, tmp_path: Path, questionnaire) -> None:
    from textual.widgets import DataTable
    from typer.testing import CliRunner

    from sg_assess.cli import app as cli_app
    from sg_assess.tui.screens.home import HomeScreen

    aid = new_assessment(db, questionnaire)
    with Store.open(db) as store:
        store.submit(aid, reason="Sent now; the rest follows", actor="Test Worker", role="practitioner")
        store.sign_off(aid, actor="Sue Supervisor", role="supervisor", score=6, reason="Safe enough", outcome="Early help")
    async with make_app(db, tmp_path).run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = pilot.app.screen
        assert isinstance(home, HomeScreen)
        assert str(home.query_one(DataTable).get_row_at(0)[2]) == "Signed off"
        editor = await open_editor(pilot, aid)
        assert editor.sub_title.endswith("· Signed off")
        assert "signed_off" not in editor.sub_title
    result = CliRunner().invoke(cli_app, ["--db", str(db), "list"])
    assert result.exit_code == 0 and "Signed off" in result.stdout and "signed_off" not in result.stdout
    shown = CliRunner().invoke(cli_app, ["--db", str(db), "show", aid[:8]])
    assert "**SIGNED OFF**" in shown.stdout  # the export's status line, in words


async def test_history_names_questions_and_gives_before_and_after_room(db: Path, tmp_path: Path,
                                                                       questionnaire) -> None:
    from textual.widgets import DataTable, Static

    from sg_assess.tui.screens.lists import HistoryScreen

    aid = new_assessment(db, questionnaire)
    long_answer = "Ada says she feels safe at Nana's house and wants to stay there at weekends. " * 2
    with Store.open(db) as store:
        store.save_answer(aid, "danger_statements", long_answer, actor="Test Worker")
    for size in ((120, 40), SMALL):
        async with make_app(db, tmp_path).run_test(size=size) as pilot:
            await settle(pilot)
            await pilot.press("h")
            history = await wait_for_screen(pilot, HistoryScreen)
            await settle(pilot)
            table = history.query_one("#rows", DataTable)
            labels = [str(c.label) for c in table.columns.values()]
            widths = {str(c.label): c.width for c in table.columns.values()}
            assert table.region.right <= size[0]
            assert sum(widths.values()) + 2 * len(widths) <= size[0] - 2  # every column fits: none is cut to 5
            row = [str(c) for c in table.get_row_at(1)]
            assert "danger_statements" not in row and any(c.startswith("What are you worried") for c in row)
            assert widths["After"] >= (20 if size[0] >= 100 else 20)
            if size[0] >= 100:
                assert labels == ["When (UTC)", "Who", "What", "Question", "Before", "After"]
                assert widths["Before"] >= 20
            table.move_cursor(row=1)
            await settle(pilot)
            change = str(history.query_one("#change", Static).render())
            assert long_answer.strip()[-40:] in " ".join(change.split())  # the whole answer, under the table


async def test_tab_into_a_filled_row_field_selects_nothing(db: Path, tmp_path: Path, questionnaire) -> None:
    from textual.widgets import Input

    from sg_assess.tui.dialogs.row import RowDialog

    async with make_app(db, tmp_path).run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = {"name": "Maria Example", "relationship": "Mother", "involved": True}
        pilot.app.push_screen(RowDialog(questionnaire.question("parents"), row))
        dialog = await wait_for_screen(pilot, RowDialog)
        dialog.query_one("#f-name", Input).focus()
        await pilot.press("tab", "s")
        relationship = dialog.query_one("#f-relationship", Input)
        assert pilot.app.focused is relationship
        assert "Mother" in relationship.value and relationship.value != "s"
        await pilot.press("shift+tab")
        assert dialog.query_one("#f-name", Input).selected_text == ""



async def test_tab_into_a_filled_field_of_any_dialog_selects_nothing(db: Path, tmp_path: Path) -> None:
    from textual.widgets import Input

    from sg_assess.tui.dialogs.new_assessment import ChildDetails, NewAssessmentDialog

    async with make_app(db, tmp_path).run_test(size=SIZE) as pilot:
        await settle(pilot)
        child = ChildDetails("c1", "Ada Example", "2019-01-15", None)
        pilot.app.push_screen(NewAssessmentDialog([("One", "a")], child, today=TODAY))
        dialog = await wait_for_screen(pilot, NewAssessmentDialog)
        dialog.query_one("#unborn").focus()
        await pilot.press("shift+tab")
        name = dialog.query_one("#name", Input)
        assert pilot.app.focused is name and name.selected_text == ""
        await pilot.press("tab", "tab")
        dob = dialog.query_one("#dob", Input)
        assert pilot.app.focused is dob and dob.selected_text == ""
