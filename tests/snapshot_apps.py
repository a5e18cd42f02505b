"""Deterministic apps and scenes for the snapshot tests and for ``screens/make_screens.py``.

Everything shown is the fictional demo data (``sg_assess.demo``), built with
predictable ids (uuid4 replaced by a counter), a fixed "today" and a fixed
user, so the same scene always draws the same screen.

A *scene* is an async function of a Textual ``Pilot``: it drives the app to one
screen and waits until everything that screen needs has arrived (the home table
filled, the editor mounted, workers finished).  Cursors are made steady at the
end (blinking would make the picture depend on timing).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import shutil
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, TextArea

from sg_assess.demo import build_demo
from sg_assess.paths import builtin_questionnaire_dir
from sg_assess.questionnaire.loader import DEFAULT_QUESTIONNAIRE, load_file
from sg_assess.store.repository import Store
from sg_assess.tui.app import SgApp, create_app

TODAY = dt.date(2026, 3, 2)
USER = "Sam Worker (fictional)"
SIZES = {"100x32": (100, 32), "80x24": (80, 24)}

# The demo assessments, in the order build_demo creates them (sg_assess.demo.DEMO_FAMILIES).
ADA_FIRST, BABY_PREBIRTH, CLEO_DISCLOSURE, DEV_STARTED, ADA_REVIEW = range(5)


# -- data ------------------------------------------------------------------------------------------------------------

@contextlib.contextmanager
def predictable_uuids() -> Iterator[None]:
    """uuid4 in the store gives 00000000-0000-0000-0000-000000000001, …2, … while this is open."""
    counter = itertools.count(1)
    with mock.patch("sg_assess.store.repository.uuid.uuid4", lambda: uuid.UUID(int=next(counter))):
        yield


def build_demo_db(path: Path) -> list[str]:
    """The five fictional demo assessments in a new database at ``path``; their ids, in demo order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    questionnaire = load_file(builtin_questionnaire_dir() / f"{DEFAULT_QUESTIONNAIRE}.toml")
    with predictable_uuids(), Store.open(path) as store:
        return build_demo(store, questionnaire)


def copy_db(source: Path, target: Path) -> Path:
    """A private copy of a (closed) database, so a scene can never change another scene's data."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def make_app(db: Path, workdir: Path) -> SgApp:
    """The app as the CLI builds it, with the fixed user, date and folders.

    Animations are off: a scroll then lands in one step instead of gliding over
    several frames, so a picture never catches a scroll bar's thumb half way.
    """
    app = create_app(db, user=USER, export_dir=workdir / "exports", config_path=workdir / "config.toml",
                     today=lambda: TODAY, autosave_delay=60.0)
    app.animation_level = "none"
    return app


# -- waiting -----------------------------------------------------------------------------------------------------------

async def until(pilot: Pilot, condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    """Let the app run until ``condition()`` holds (workers finished and messages processed each time round)."""
    deadline = time.monotonic() + timeout
    while True:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if condition():
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what} (screen: {pilot.app.screen!r})")
        await asyncio.sleep(0.01)


async def settle(pilot: Pilot, timeout: float = 10.0) -> None:
    """Finish pending work, make text cursors steady, and wait until the screen stops changing.

    Cursors: shown if focused, never blinking.  Stopping changing: some updates
    (the footer redrawn after focus moves, a dialog laid out again once its
    scroll bar appears) land a refresh or two later, so the screen is drawn
    until three drawings in a row, and the scroll positions with them, are the same.
    """
    app = pilot.app
    await app.workers.wait_for_complete()
    await pilot.pause()
    for screen in app.screen_stack:
        for widget in screen.query("Input, TextArea"):
            if isinstance(widget, (Input, TextArea)):
                widget.cursor_blink = False
    deadline = time.monotonic() + timeout
    previous = None
    same = 0
    while True:
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.wait_for_animation()
        drawn = (app.export_screenshot(), scroll_state(app))
        same = same + 1 if drawn == previous else 0
        if same == 2:  # three drawings in a row alike: a late refresh on a busy machine has had its chance
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"the screen kept changing (screen: {app.screen!r})")
        previous = drawn
        await asyncio.sleep(0.05)


def scroll_state(app: Any) -> list[tuple[int, float, float, float]]:
    """Where every scrollable widget on screen is scrolled to, and how far it can scroll.

    Compared between two drawings as well as the drawings themselves: a scroll
    (or a change of how much there is to scroll) that has been asked for but
    not yet drawn is caught here.
    """
    return [(id(w), w.scroll_x, w.scroll_y, w.max_scroll_y) for w in app.screen.query("*")
            if w.is_scrollable and (w.max_scroll_y or w.scroll_y or w.max_scroll_x)]


async def home_loaded(pilot: Pilot) -> None:
    app: Any = pilot.app
    await until(pilot, app.loaded.is_set, "the home table")


async def press(pilot: Pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_editor(pilot: Pilot, index: int, section: str | None = None, focus: str | None = None) -> Any:
    """Open demo assessment ``index`` from home; show the section titled ``section``, or question ``focus``."""
    from sg_assess.tui.screens.editor import EditorScreen

    await home_loaded(pilot)
    app: Any = pilot.app
    app.open_assessment(app.snapshot_demo_ids[index])
    await until(pilot, lambda: isinstance(app.screen, EditorScreen) and app.screen.is_mounted, "the editor")
    editor = app.screen
    await _mounted_section(pilot, editor)  # the first section, as it opens
    if focus is not None:  # as if chosen in the quality check
        editor.go_to_question(focus)
        await _mounted_section(pilot, editor)
        await reveal(pilot, editor, focus)
        return editor
    if section is not None:  # as if chosen in the list of sections
        editor.show_section(next(i for i, s in enumerate(editor.sections) if s.title == section))
        await _mounted_section(pilot, editor)
    await top_of_section(pilot, editor)
    return editor


async def top_of_section(pilot: Pilot, editor: Any) -> None:
    """Show the section from its title.

    Focusing the first question asks Textual to centre it, with an animation,
    if it does not look wholly visible yet; whether it does depends on how far
    layout has got, so a section starting with a table could open scrolled a
    few lines down.  The pictures always show it from the top.
    """
    await pilot.wait_for_scheduled_animations()
    editor.query_one("#section").scroll_home(animate=False)
    await pilot.pause()


async def reveal(pilot: Pilot, editor: Any, qid: str) -> None:
    """Scroll question ``qid`` to the top of the section, now that its layout is final.

    The editor does this itself; doing it again once everything is laid out
    keeps the picture independent of when the editor's own scroll happened
    (an earlier version scrolled before the long answers above had their
    height, and left the question off screen).
    """
    editor.query_one("#section").scroll_to_widget(editor.query_one(f"#q-{qid}"), animate=False, top=True)
    await pilot.pause()


async def _mounted_section(pilot: Pilot, editor: Any) -> None:
    from sg_assess.tui.widgets.questions import QuestionBlock

    title = editor.sections[editor.current].title
    await until(pilot, lambda: any(str(label.render()) == title for label in editor.query(".section-title"))
                and bool(editor.query(QuestionBlock)), f"the section {title!r}")
    await pilot.pause()  # the focus and scroll set after the first refresh


# -- scenes ------------------------------------------------------------------------------------------------------------

Scene = Callable[[Pilot], Awaitable[None]]


@dataclass(frozen=True)
class Shot:
    name: str
    demo: bool  # True: the demo database; False: a fresh, empty one
    scene: Scene
    about: str


async def home(pilot: Pilot) -> None:
    await home_loaded(pilot)
    await settle(pilot)


async def new_assessment(pilot: Pilot) -> None:
    from sg_assess.tui.dialogs.new_assessment import NewAssessmentDialog

    await home_loaded(pilot)
    await press(pilot, "n")
    await until(pilot, lambda: isinstance(pilot.app.screen, NewAssessmentDialog), "the new assessment dialog")
    await settle(pilot)


async def editor_child(pilot: Pilot) -> None:
    """About the child: text, yes/no and long-text questions; the first one focused."""
    await open_editor(pilot, ADA_FIRST)
    await settle(pilot)


async def editor_agencies(pilot: Pilot) -> None:
    """Agencies and referral: the referral date (date) and follow-up (choice), shown because referral = yes."""
    await open_editor(pilot, ADA_FIRST, focus="referral_date")
    await settle(pilot)


async def editor_worries(pilot: Pilot) -> None:
    """What are we worried about?: the complicating factors (multiple choice)."""
    await open_editor(pilot, ADA_FIRST, focus="complicating_factors")
    await settle(pilot)


async def editor_household(pilot: Pilot) -> None:
    """Household and network: tables of people."""
    await open_editor(pilot, ADA_FIRST, section="Household and network")
    await settle(pilot)


async def editor_scale(pilot: Pilot) -> None:
    """Safety scale: a table of scores."""
    await open_editor(pilot, ADA_FIRST, section="Safety scale")
    await settle(pilot)


async def editor_next_steps(pilot: Pilot) -> None:
    """What needs to happen?: the table of next steps."""
    await open_editor(pilot, ADA_FIRST, focus="next_steps")
    await settle(pilot)


async def row_dialog(pilot: Pilot) -> None:
    """Adding a person to the parents table (a on the table)."""
    from sg_assess.tui.dialogs.row import RowDialog

    editor = await open_editor(pilot, ADA_FIRST, section="Household and network")
    assert pilot.app.focused is editor.query_one("#q-parents DataTable", DataTable)  # the first question
    await settle(pilot)
    await press(pilot, "a")
    await until(pilot, lambda: isinstance(pilot.app.screen, RowDialog), "the row dialog")
    await settle(pilot)


async def quality_check(pilot: Pilot) -> None:
    """F5 on Cleo's assessment, which is nearly complete."""
    from sg_assess.tui.screens.quality import QualityScreen

    await open_editor(pilot, CLEO_DISCLOSURE)
    await press(pilot, "f5")
    await until(pilot, lambda: isinstance(pilot.app.screen, QualityScreen), "the quality check")
    await settle(pilot)


async def preview(pilot: Pilot) -> None:
    """F6 on Ada's first (complete) assessment."""
    from sg_assess.tui.screens.preview import PreviewScreen

    await open_editor(pilot, ADA_FIRST)
    await press(pilot, "f6")
    await until(pilot, lambda: isinstance(pilot.app.screen, PreviewScreen), "the preview")
    await settle(pilot)


async def help_screen(pilot: Pilot) -> None:
    """F1 with the first question of About the child focused: its guidance and the editor's keys."""
    from sg_assess.tui.screens.help import HelpScreen

    await open_editor(pilot, ADA_FIRST)
    await press(pilot, "f1")
    await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "help")
    await settle(pilot)


async def guidance(pilot: Pilot) -> None:
    """F2 in About the child: every question's guidance shown under its prompt."""
    await open_editor(pilot, ADA_FIRST)
    await press(pilot, "f2")
    await settle(pilot)


SHOTS: list[Shot] = [
    Shot("home-empty", False, home, "home with no assessments"),
    Shot("home", True, home, "home with the five demo assessments"),
    Shot("new-assessment", True, new_assessment, "the new assessment dialog (n)"),
    Shot("editor", True, editor_child, "editor: About the child (text, yes/no, long text)"),
    Shot("editor-agencies", True, editor_agencies, "editor: a date and a choice"),
    Shot("editor-worries", True, editor_worries, "editor: a multiple choice"),
    Shot("editor-group", True, editor_household, "editor: tables of people"),
    Shot("editor-scale", True, editor_scale, "editor: the safety scale table"),
    Shot("editor-next-steps", True, editor_next_steps, "editor: the next steps table"),
    Shot("row-dialog", True, row_dialog, "adding a row to a table (a)"),
    Shot("quality-check", True, quality_check, "the quality check (F5) of an incomplete assessment"),
    Shot("preview", True, preview, "the preview of the export (F6)"),
    Shot("help", True, help_screen, "help (F1) with a question focused"),
    Shot("guidance", True, guidance, "guidance shown (F2)"),
]


def app_for(shot: Shot, demo_db: Path, demo_ids: list[str], workdir: Path) -> SgApp:
    """A new app for ``shot``, on its own copy of the demo database (or a fresh one)."""
    db = copy_db(demo_db, workdir / "demo.db") if shot.demo else workdir / "empty.db"
    app = make_app(db, workdir)
    app.snapshot_demo_ids = demo_ids if shot.demo else []  # type: ignore[attr-defined]
    return app
