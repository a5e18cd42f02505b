"""The Textual app: a factory tests reuse, the store opened after the first paint, nothing lost on exit.

Only Textual is imported before the home screen paints; the store (SQLAlchemy,
SQLModel, pydantic) is opened in a worker thread afterwards.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from sg_assess import paths
from sg_assess.tui.screens.home import HomeScreen

if TYPE_CHECKING:
    from sg_assess.store.records import AssessmentRecord
    from sg_assess.store.repository import Store
    from sg_assess.tui.dialogs.new_assessment import NewAssessment


class SgApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "sg-assess"
    SUB_TITLE = "safeguarding assessments"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        Binding("f1", "help", "Help", id="app.help"),
    ]

    def __init__(
        self,
        db: str | None = None,
        *,
        user: str | None = None,
        open_id: str | None = None,
        autosave_delay: float = 1.0,
        export_dir: Path | None = None,
        config_path: Path | None = None,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        super().__init__()
        from sg_assess.config import current_user, load_config

        self.config = load_config(config_path)
        self.db_location = db or self.config.database or str(paths.default_db_path())
        self.user = user or current_user(self.config)
        self.open_id = open_id
        self.autosave_delay = autosave_delay
        self.export_dir = export_dir or paths.documents_dir()
        self.today = today
        self._store: Store | None = None
        self._store_lock = threading.Lock()
        self.loaded = threading.Event()  # set when the home table is first filled (benchmarks wait on it)

    # -- the store ----------------------------------------------------------------------

    def store(self) -> Store:
        """The open store, opened on first use (from any thread)."""
        with self._store_lock:
            if self._store is None:
                from sg_assess.store.repository import Store

                self._store = Store.open(self.db_location)
            return self._store

    def has_store(self) -> bool:
        return self._store is not None

    def mark_loaded(self) -> None:
        self.loaded.set()

    # -- start and stop -----------------------------------------------------------------

    def on_mount(self) -> None:
        if self.config.theme and self.config.theme in self.available_themes:
            self.theme = self.config.theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self._install_signal_handlers()
        if os.name == "posix" and not self.is_headless:
            self.set_interval(2.0, self._check_terminal)
        self.push_screen(HomeScreen())
        if self.open_id:
            self.open_assessment(self.open_id, focus_unanswered=True)

    def _remember_theme(self, theme: Any) -> None:
        from sg_assess.config_write import save_setting
        from sg_assess.errors import SgError

        try:
            save_setting("theme", theme.name, self.config.path)
        except SgError as exc:
            self.notify(str(exc), title="Theme not remembered", severity="warning", markup=False)

    def _install_signal_handlers(self) -> None:
        """Terminal closed (SIGHUP) or shutdown (SIGTERM): save what was typed, then go."""
        loop = asyncio.get_running_loop()
        for name in ("SIGTERM", "SIGHUP"):
            signum = getattr(signal, name, None)
            if signum is None:
                continue
            try:
                loop.add_signal_handler(signum, self._on_signal, signum)
            except (NotImplementedError, RuntimeError):  # Windows event loops: use the plain handler
                signal.signal(signum, lambda sig, frame: self._on_signal(sig))

    def _check_terminal(self) -> None:
        """If the terminal has gone without a SIGHUP reaching us (a wrapper shell took it), save and go.

        Otherwise the app would outlive its window, reading a dead terminal at full CPU.
        """
        try:
            os.tcgetpgrp(sys.__stdin__.fileno())
        except (OSError, ValueError):
            self.flush_all()
            os._exit(0)

    def _on_signal(self, signum: int) -> None:
        self.flush_all()
        if signum == getattr(signal, "SIGHUP", None):
            os._exit(0)  # the terminal is gone: restoring it could block; everything is saved
        self.exit()

    def flush_all(self) -> bool:
        """Save every answer still waiting, in every open editor; True if all were saved."""
        from sg_assess.tui.screens.editor import EditorScreen

        return all(s.flush_now() for s in self.screen_stack if isinstance(s, EditorScreen))

    async def action_quit(self) -> None:
        if not self.flush_all():
            self.notify("Some answers could not be saved; they are still on screen. Export them (F6) before quitting.",
                        title="Not quitting", severity="error", timeout=15, markup=False)
            return
        self.exit()

    def on_unmount(self) -> None:
        if self._store is not None:
            self._store.close()

    # -- actions used by several screens ------------------------------------------------

    @work(thread=True, exclusive=True, group="open")
    def open_assessment(self, assessment_id: str, *, focus_unanswered: bool = False) -> None:
        from sg_assess.errors import SgError

        try:
            store = self.store()
            record = store.get(store.resolve(assessment_id), with_history=False)
        except SgError as exc:
            self.call_from_thread(self.notify, str(exc), title="Cannot open", severity="error", markup=False)
            return
        self.call_from_thread(self._show_editor, record, focus_unanswered)

    def _show_editor(self, record: AssessmentRecord, focus_unanswered: bool) -> None:
        from sg_assess.tui.screens.editor import EditorScreen

        self.push_screen(EditorScreen(record, autosave_delay=self.autosave_delay, focus_unanswered=focus_unanswered))

    @work(thread=True, exclusive=True, group="new")
    def new_assessment(self, child_id: str | None = None) -> None:
        from sg_assess.errors import SgError
        from sg_assess.questionnaire.loader import discover
        from sg_assess.tui.dialogs.new_assessment import ChildDetails

        try:
            catalog = discover(self.config.questionnaire_dirs)
            options = [(f"{q.title} (v{q.version})", q.id) for q in sorted(catalog.best.values(), key=lambda q: q.title)]
            child = None
            if child_id:
                record = self.store().list(child=child_id, limit=1)[0]
                found = self.store().get(record.id, with_history=False).child
                child = ChildDetails(found.id, found.name, found.dob, found.due_date)
        except SgError as exc:
            self.call_from_thread(self.notify, str(exc), title="Cannot start", severity="error", markup=False)
            return
        self.call_from_thread(self._ask_new, options, child)

    def _ask_new(self, options: list[tuple[str, str]], child: Any) -> None:
        from sg_assess.tui.dialogs.new_assessment import NewAssessmentDialog

        self.push_screen(NewAssessmentDialog(options, child, today=self.today()), self._create)

    def _create(self, request: NewAssessment | None) -> None:
        if request is not None:
            self._create_in_store(request)

    @work(thread=True, exclusive=True, group="new")
    def _create_in_store(self, request: NewAssessment) -> None:
        from sg_assess.errors import SgError
        from sg_assess.questionnaire.loader import discover

        try:
            questionnaire = discover(self.config.questionnaire_dirs).get(request.questionnaire_id)
            aid = self.store().create_assessment(
                questionnaire=questionnaire, actor=self.user, child_name=request.child_name, dob=request.dob,
                unborn=request.unborn, due=request.due, child_id=request.child_id,
                assessment_date=request.assessment_date,
            )
        except SgError as exc:
            self.call_from_thread(self.notify, str(exc), title="Not created", severity="error", markup=False)
            return
        self.call_from_thread(self.open_assessment, aid, focus_unanswered=True)

    @work(thread=True, group="export")
    def export_assessment(self, assessment_id: str, fmt: str = "md") -> None:
        from sg_assess.errors import SgError

        try:
            record = self.store().get(assessment_id)
        except SgError as exc:
            self.call_from_thread(self.notify, str(exc), title="Not exported", severity="error", markup=False)
            return
        self._write_export(record, fmt)

    @work(thread=True, group="export")
    def export_record(self, record: AssessmentRecord, fmt: str = "md") -> None:
        self._write_export(record, fmt)

    def _write_export(self, record: AssessmentRecord, fmt: str) -> None:
        from sg_assess.errors import SgError
        from sg_assess.export import write_export

        try:
            self.export_dir.mkdir(parents=True, exist_ok=True)
            path = write_export(record, fmt, self.export_dir)
        except (SgError, OSError) as exc:
            self.call_from_thread(self.notify, str(exc), title="Not exported", severity="error", markup=False)
            return
        self.call_from_thread(self.notify, f"Written to {path}", title="Exported", timeout=10, markup=False)

    def action_help(self) -> None:
        from sg_assess.tui.screens.editor import EditorScreen
        from sg_assess.tui.screens.help import HelpScreen

        screen = self.screen
        keys = [(self.get_key_display(b.binding), b.binding.description)
                for b in screen.active_bindings.values() if b.binding.description]
        guidance = None
        if isinstance(screen, EditorScreen) and (block := screen.focused_question()) is not None:
            guidance = (block.question.prompt, block.question.help)
        self.push_screen(HelpScreen(keys, guidance))

    # -- the command palette (ctrl+p) ---------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from sg_assess.tui.screens.editor import EditorScreen

        yield SystemCommand("New assessment", "Start an assessment for a child", self.new_assessment)
        if isinstance(screen, EditorScreen):
            yield SystemCommand("Quality check", "Every gap in this assessment", screen.action_quality)
            yield SystemCommand("Preview and export", "See the export, then write it to a file", screen.action_preview)
            yield SystemCommand("Export to Markdown", f"Write it to {self.export_dir}",
                                lambda: self.export_record(screen.current_record(), "md"))
            for index, section in enumerate(screen.sections):
                yield SystemCommand(f"Go to section: {section.title}", "Jump to this section",
                                    lambda i=index: screen.show_section(i))
        elif isinstance(screen, HomeScreen):
            yield SystemCommand("Export the selected assessment", f"Write it to {self.export_dir}", screen.action_export)
        yield from super().get_system_commands(screen)


def create_app(db: str | os.PathLike[str] | None = None, **kwargs: Any) -> SgApp:
    """The app factory: the CLI and the tests build the app the same way."""
    return SgApp(None if db is None else os.fspath(db), **kwargs)


def run(db: str | None = None, open_id: str | None = None) -> None:
    create_app(db, open_id=open_id).run()
