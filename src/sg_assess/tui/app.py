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

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer

from sg_assess import paths
from sg_assess.tui.screens.home import HomeScreen

if TYPE_CHECKING:
    from sg_assess.records import AssessmentRecord
    from sg_assess.store.repository import Store
    from sg_assess.tui.dialogs.new_assessment import NewAssessment


def _after(finished: Callable[[str | None], None], then: Callable[[], None] | None) -> None:
    """A dialog's store call succeeded: close the dialog, then go on."""
    finished(None)
    if then is not None:
        then()


def _nothing() -> None:
    """What waits for the first-run question when nothing else does."""


# As store/postgres.SCHEMES, checked here without importing SQLAlchemy: the home screen paints first.
TEAM_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


def is_team_location(location: str) -> bool:
    """Whether ``location`` names a team database (a PostgreSQL server's URL) rather than a file."""
    return "://" in location and location.split("://", 1)[0].lower() in TEAM_SCHEMES


def team_where(location: str) -> str:
    """host[:port]/database of a team database's URL, for messages (no login, no options)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(location)
        host = parts.hostname or "the local server"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "the team database"
    return f"{host}{port}{parts.path}"


def refuse_identity_options(location: str, user: str | None, role: str | None) -> None:
    """--as and --role name nobody on a team database: there the person is the login, the role its group."""
    from sg_assess.errors import UsageError

    if is_team_location(location) and (user or role):
        given = " and ".join(o for o, v in (("--as", user), ("--role", role)) if v)
        raise UsageError(f"{given} cannot be used with a team database: you are your database login and your role "
                         "is the one IT gave it (the app shows both); leave them out, and unset SG_ASSESS_USER and "
                         "SG_ASSESS_ROLE")


class SgApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "sg-assess"
    SUB_TITLE = "safeguarding assessments"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, show=False),  # shown on Home
        Binding("f1", "help", "Help", id="app.help", show=False),  # each screen shows its own F1 first
        # Textual's own is labelled "palette"; the footer shows this one at its right.
        Binding("ctrl+p", "command_palette", "More", id="app.palette", show=False, priority=True,
                tooltip="Every command: jump to a section, export, review queue, theme"),
    ]

    def __init__(
        self,
        db: str | None = None,
        *,
        user: str | None = None,
        role: str | None = None,
        open_id: str | None = None,
        autosave_delay: float = 1.0,
        export_dir: Path | None = None,
        config_path: Path | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        friendly_crashes: bool | None = None,
    ) -> None:
        super().__init__()
        from sg_assess.config import current_user, load_config

        from sg_assess.config import current_role

        self.config = load_config(config_path)
        self.db_location = db or self.config.database or str(paths.default_db_path())
        # Ask who the user is on first run, unless told (tests, --as) or already known (config, environment).
        self.needs_identity = (user is None and not self.config.user and not self.config.role
                               and not os.environ.get(paths.ENV_USER) and not os.environ.get(paths.ENV_ROLE))
        from sg_assess.errors import SgError

        self.identity_problem: str | None = None  # a name or role that cannot be recorded: asked for again
        self.user, self.role = user or "", role or "practitioner"
        try:
            self.user = user or current_user(self.config)
            self.role = role or current_role(self.config)
        except SgError as exc:
            self.identity_problem = str(exc)
            self.needs_identity = True
        # A team database: the person is the login and the role its group, both known once connected.
        self.team_mode = is_team_location(self.db_location)
        self.team: Any = None  # store/postgres.TeamIdentity once connected
        if self.team_mode:
            self.needs_identity = False
            self.identity_problem = None
            self.user, self.role = "", "practitioner"  # never recorded: nothing is written before connecting
        self._ui_thread: int | None = None
        self.open_id = open_id
        self.autosave_delay = autosave_delay
        self.export_dir = export_dir or paths.documents_dir()
        self.today = today
        # Tests (headless) want unexpected errors raised; people get a short message instead of a traceback.
        # None: decided when an error happens (whether the app runs headless is only known once it runs).
        self.friendly_crashes = friendly_crashes
        self.crash_report: Path | None = None
        self._store: Store | None = None
        self._store_lock = threading.Lock()
        self.loaded = threading.Event()  # set when the home table is first filled (benchmarks wait on it)
        self.backup_thread: threading.Thread | None = None  # today's backup, started once the app is ready
        self._identity_waiting: list[Callable[[], None]] = []
        self._held_keys: list[events.Key] | None = None  # keys typed while a Tab was on its way
        self._holds: dict[str, Timer] = {}  # why keys are held, each with a timer that sends them on anyway
        self._tab_holds: list[str] = []
        self._sending_held = False
        self._key_moves: list[str] = []
        self._hold_count = 0

    # -- the store ----------------------------------------------------------------------

    def store(self, password: str | None = None) -> Store:
        """The open store, opened on first use (from any thread).

        On a team database ``password`` is used for this connection only (the app keeps none), and the
        person becomes the login the server knows: the header shows it, and every change is recorded as it.
        A failure raises ``SgError`` in one line (``PasswordNeeded``, ``ServerUnreachable``, ...).
        """
        with self._store_lock:
            if self._store is None:
                from typing import cast

                from sqlalchemy.exc import SQLAlchemyError

                from sg_assess.store.repository import Store
                from sg_assess.tui.storeguard import GuardedStore, translate

                try:
                    opened = Store.open(self.db_location, password=password)
                except SQLAlchemyError as exc:  # anything opening did not foresee: one line, never a traceback
                    raise translate(exc) from None
                if opened.team is not None:
                    self.team = opened.team
                    self.user, self.role = opened.team.login, opened.team.role
                    self._on_ui_thread(lambda: self.mutate_reactive(SgApp.title))  # every header names them
                self._store = cast(Store, GuardedStore(opened))
            return self._store

    def _on_ui_thread(self, callback: Callable[[], Any]) -> None:
        """Run ``callback`` on the app's thread, from whichever thread this is (now, if it is that one)."""
        if self._ui_thread is None or threading.get_ident() == self._ui_thread:
            callback()
            return
        try:
            self.call_from_thread(callback)
        except RuntimeError:  # the app has stopped
            pass

    def where(self) -> str:
        """Where the records are, for messages: the team database's host/database, or the file."""
        return team_where(self.db_location) if self.team_mode else self.db_location

    def ask_password(self, reason: str, then: Callable[[], None]) -> None:
        """The team server wants a password libpq could not find: ask (nothing echoed, nothing kept), connect
        with it, then ``then``; asked again if it is not accepted.  Cancelled: ``then`` runs, and the home
        screen says what happened and how to try again."""
        from sg_assess.tui.dialogs.password import PasswordDialog

        if any(isinstance(s, PasswordDialog) for s in self.screen_stack):
            return  # already asked

        def typed(password: str | None) -> None:
            if password is None:
                then()
                return
            self._connect_with(password, then)

        login = urlsplit_login(self.db_location)
        self.push_screen(PasswordDialog(login, self.where(), reason), typed)

    def _connect_with(self, password: str, then: Callable[[], None]) -> None:
        def job() -> None:
            from sg_assess.errors import SgError
            from sg_assess.store.postgres import PasswordNeeded

            try:
                self.store(password)
            except PasswordNeeded as exc:
                self.call_from_thread(self.ask_password, f"Not accepted: {exc}", then)
                return
            except SgError:
                pass  # the home screen, reloading, shows why
            self.call_from_thread(then)

        self.run_worker(job, thread=True, group="connect", exclusive=True)

    def has_store(self) -> bool:
        return self._store is not None

    def mark_loaded(self) -> None:
        if not self.loaded.is_set():
            self.loaded.set()
            # Once the app is ready, never before; a daemon thread, so quitting never waits for a large copy
            # (a copy cut short leaves a temporary file, cleaned on a later run).
            self.backup_thread = threading.Thread(target=self._daily_backup, name="sg-assess-backup", daemon=True)
            self.backup_thread.start()

    def _daily_backup(self) -> None:
        """Today's rolling backup, off the screen's thread: the screen never waits for it."""
        from sg_assess.errors import SgError

        try:
            self.store().daily_backup(self.config.backups_keep)
        except (SgError, OSError) as exc:
            try:
                self.call_from_thread(self.notify, str(exc), title="No backup made today", severity="warning",
                                      timeout=15, markup=False)
            except RuntimeError:  # the app has already stopped
                pass

    # -- every key to the field it was typed in ---------------------------------------------
    #
    # Textual sends a key to the widget focused when it arrives; Tab moves the focus only once it has
    # travelled up from that widget to the screen's binding.  Keys typed meanwhile went to the field being
    # left, or were lost (issue 8.1: 'ravoword', 'twothree').  So while a Tab is on its way, later keys wait,
    # and are sent on, in order, once the focus has moved.  Keys before the Tab are untouched: they travel
    # ahead of it, so a Down or Enter typed before it still acts on the field it was typed in.

    FOCUS_KEYS = ("tab", "shift+tab")
    HOLD_LIMIT = {"tab": 2.0, "mount": 3.0}  # seconds: if the focus never comes (a widget kept the Tab), send on

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self._held_keys is not None:
                self._held_keys.append(event)
                return
            self._note_focus_key(event)
        await super().on_event(event)

    @property
    def keys_waiting(self) -> bool:
        """Whether keys are being held for a focus change still on its way."""
        return bool(self._holds) or bool(self._held_keys)

    def hold_keys(self, reason: str = "mount") -> str:
        """Keep the keys typed from now on until ``release_keys(token)``: the focus is about to move (a Tab on its
        way, a section being mounted that will focus its first question).  Returns the token."""
        if self._held_keys is None:
            self._held_keys = []
        self._hold_count += 1
        token = f"{reason}-{self._hold_count}"
        self._holds[token] = self.set_timer(self.HOLD_LIMIT.get(reason, 3.0), lambda: self.release_keys(token))
        if reason == "tab":
            self._tab_holds.append(token)
        return token

    def release_keys(self, token: str | None) -> None:
        """The focus has moved: send the keys held meanwhile to where it is now, in the order typed."""
        timer = self._holds.pop(token, None) if token else None
        if timer is None:
            return
        timer.stop()
        if token in self._tab_holds:
            self._tab_holds.remove(token)
        if token in self._key_moves:
            self._key_moves.remove(token)
        if not self._holds:
            self.call_later(self._send_held_keys)  # keys arriving meanwhile join the queue, in order

    def _release_tab(self) -> None:
        if self._tab_holds:
            self.release_keys(self._tab_holds[0])  # Tabs travel in order: this is the oldest one on its way

    def _note_focus_key(self, event: events.Key) -> None:
        focused = self.focused
        if event.key in self.FOCUS_KEYS and not (focused is not None and focused.check_consume_key(event.key, None)):
            self.hold_keys("tab")
        elif event.key in getattr(self.screen, "KEYS_THAT_MOVE_FOCUS", ()):
            self._key_moves.append(self.hold_keys("key"))  # F7/F8: released once the new section holds the keys

    def key_moved_focus(self) -> None:
        """A screen's focus-moving key (``KEYS_THAT_MOVE_FOCUS``) has been acted on."""
        if self._key_moves:
            self.release_keys(self._key_moves.pop(0))

    async def _send_held_keys(self) -> None:
        if self._sending_held:
            return  # one sender at a time, or keys could overtake each other
        self._sending_held = True
        try:
            while self._held_keys is not None and not self._holds:
                if not self._held_keys:
                    self._held_keys = None
                    return
                event = self._held_keys.pop(0)
                self._note_focus_key(event)
                await super().on_event(event)
        finally:
            self._sending_held = False

    def action_focus_next(self) -> None:
        super().action_focus_next()
        self.call_later(self._release_tab)  # after the focus change itself

    def action_focus_previous(self) -> None:
        super().action_focus_previous()
        self.call_later(self._release_tab)

    # -- start and stop -----------------------------------------------------------------

    def on_mount(self) -> None:
        self._ui_thread = threading.get_ident()
        if self.config.theme and self.config.theme in self.available_themes:
            self.theme = self.config.theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self._install_signal_handlers()
        if os.name == "posix" and not self.is_headless:
            self.set_interval(2.0, self._check_terminal)
        self.push_screen(HomeScreen())
        if self.needs_identity:
            self.with_identity(_nothing)
        if self.open_id:
            self.open_assessment(self.open_id, focus_unanswered=True)

    # -- who is making changes ----------------------------------------------------------

    def with_identity(self, then: Callable[[], None]) -> None:
        """Run ``then`` once the person's name and role are known, asking for them first if they are not.

        On first run the question can be skipped (nothing is suggested: the computer's login is often not the
        person's name); it is asked again before anything that records a change is opened, so no change is ever
        recorded under a guessed name and nothing typed is at stake when it is asked.
        """
        if not self.needs_identity:
            then()
            return
        self._identity_waiting.append(then)
        if len(self._identity_waiting) == 1:
            self._ask_identity(first_run=True)

    def action_change_identity(self) -> None:
        from sg_assess.tui.screens.editor import EditorScreen

        if self.team_mode:
            self.notify(f"On a team database you are your database login ({self.identity_line()}), and the server "
                        "records every change under it. To work as someone else, start sg-assess with their login.",
                        title="Not changed", severity="warning", timeout=12, markup=False)
            return

        if any(isinstance(s, EditorScreen) for s in self.screen_stack):
            # Its answers are being saved under the current name, and only the owner may edit a draft.
            self.notify("Close the assessment first (Esc): what you change in it is recorded under your current name.",
                        title="Not changed", severity="warning", markup=False)
            return
        self._ask_identity(first_run=False)

    def _ask_identity(self, *, first_run: bool) -> None:
        from sg_assess.tui.dialogs.forms import Identity, WhoAreYouDialog

        def chosen(identity: Identity | None) -> None:
            waiting, self._identity_waiting = self._identity_waiting, []
            if identity is None:
                if any(w is not _nothing for w in waiting):
                    self.notify("Every change is recorded with a name: give yours to open or start an assessment.",
                                title="Not opened", severity="warning", markup=False)
                return
            from sg_assess.config_write import save_setting
            from sg_assess.errors import SgError

            self.user, self.role = identity.name, identity.role
            self.needs_identity = False
            self.identity_problem = None
            self.mutate_reactive(SgApp.title)  # every header shows the new name
            try:
                save_setting("user", identity.name, self.config.path)
                save_setting("role", identity.role, self.config.path)
            except SgError as exc:
                self.notify(str(exc), title="Not remembered", severity="warning", markup=False)
            for then in waiting:
                then()

        # Nothing is suggested on first run; a configured name that cannot be used is shown with the reason.
        name = self.user if (self.identity_problem or not first_run) else ""
        self.push_screen(WhoAreYouDialog(name, self.role, first_run=first_run, reason=self.identity_problem), chosen)

    def identity_line(self) -> str:
        from sg_assess.tui.text import plain_line

        if self.team_mode:
            team = self.team
            if team is None:
                return "not connected yet"
            name = plain_line(team.display_name)
            login = plain_line(team.login)
            return f"{name} ({login}, {team.role})" if name != login else f"{login} ({team.role})"
        return "name not set (ctrl+p)" if self.needs_identity else f"{plain_line(self.user)} ({self.role})"

    def format_title(self, title: str, sub_title: str) -> Content:
        """Every screen's header names who is recorded as making changes, after the screen's own title."""
        parts = [Content(title), (" · ", "dim"), Content(self.identity_line())]
        if sub_title:
            parts += [(" — ", "dim"), Content(sub_title).stylize("dim")]
        return Content.assemble(*parts)

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
        from sg_assess.tui.console_close import install

        # Windows: a closed console window sends no SIGHUP; save from the handler's own thread, then go.
        self._console_handler = install(self._save_from_other_thread, self._on_signal)

    def _save_from_other_thread(self) -> bool:
        return bool(self.call_from_thread(self.flush_all))

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

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error anywhere in the app: save, report without user text, say so briefly, exit.

        Textual offers no public hook for this; its default prints a traceback with local
        variables, which would put a child's details on screen and in terminal logs.
        A test fails if Textual renames this method.
        """
        friendly = self.friendly_crashes if self.friendly_crashes is not None else not self.is_headless
        if not friendly:
            super()._handle_exception(error)
            return
        from sg_assess.crash import write_crash_report
        from sg_assess.errors import SgError

        try:
            saved = self.flush_all()
        except (SgError, OSError, RuntimeError):
            saved = False
        self.crash_report = write_crash_report(error)
        where = f" A report for IT support (with no names or answers) is in {self.crash_report}." if self.crash_report else ""
        kept = ("Every answer was saved first." if saved
                else "Some answers could not be saved: open the assessment again and check the last section.")
        self.exit(return_code=1, message=f"sg-assess stopped because of an unexpected error. {kept}{where}")

    async def action_quit(self) -> None:
        from sg_assess.tui.screens.editor import EditorScreen

        if not self.flush_all():
            editors = [s for s in self.screen_stack if isinstance(s, EditorScreen) and s.autosaver.pending]
            if editors and all(e.refused_for_good for e in editors):
                self.exit()  # refused by the database, said, and Escape offered: trying again cannot save it
                return
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
            record = store.get(store.resolve(assessment_id))
        except SgError as exc:
            self.call_from_thread(self.notify, str(exc), title="Cannot open", severity="error", markup=False)
            return
        self.call_from_thread(self._show_editor, record, focus_unanswered)

    def _show_editor(self, record: AssessmentRecord, focus_unanswered: bool) -> None:
        from sg_assess.tui.screens.editor import EditorScreen

        self.with_identity(lambda: self.push_screen(EditorScreen(
            record, autosave_delay=self.autosave_delay, focus_unanswered=focus_unanswered, user=self.user)))

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
                found = self.store().child(child_id)  # as recorded now, not as an older assessment shows them
                child = ChildDetails(found.id, found.name, found.dob, found.due_date)
        except SgError as exc:
            self.call_from_thread(self.notify, str(exc), title="Cannot start", severity="error", markup=False)
            return
        self.call_from_thread(self._ask_new, options, child)

    def _ask_new(self, options: list[tuple[str, str]], child: Any) -> None:
        from sg_assess.tui.dialogs.new_assessment import NewAssessmentDialog

        # The dialog stays open until the store has created the assessment: a refusal or a server gone away is
        # shown in it, and what was typed stays there to try again (closing first lost it).
        self.with_identity(lambda: self.push_screen(
            NewAssessmentDialog(options, child, today=self.today()).keep_open_until_done(self._create_in_store)))

    @work(thread=True, exclusive=True, group="new")
    def _create_in_store(self, request: NewAssessment, finished: Callable[[str | None], None]) -> None:
        from sg_assess.errors import SgError
        from sg_assess.questionnaire.loader import discover

        try:
            questionnaire = discover(self.config.questionnaire_dirs).get(request.questionnaire_id)
            aid = self.store().create_assessment(
                questionnaire=questionnaire, actor=self.user, role=self.role, child_name=request.child_name, dob=request.dob,
                unborn=request.unborn, due=request.due, child_id=request.child_id,
                assessment_date=request.assessment_date, agency=self.config.agency,
            )
        except SgError as exc:
            self.call_from_thread(self.notify, str(exc), title="Not created", severity="error", markup=False)
            self.call_from_thread(finished, f"Not created: {exc}")
            return
        self.call_from_thread(finished, None)
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

    # -- supervision ------------------------------------------------------------------

    def _run_store(self, title: str, call: Callable[[Store], str | None], then: Callable[[], None] | None = None,
                   *, refused: str | None = None, on_refused: Callable[[str], None] | None = None) -> None:
        """Run a store call on a worker thread; report its message or its refusal in one notification.

        A refusal is titled so it cannot be read as success ("Not signed off", never "Signed off: ...").
        """

        def job() -> None:
            from sg_assess.errors import SgError

            try:
                message = call(self.store())
            except SgError as exc:
                said = refused or f"Not done ({title.lower()})"
                self.call_from_thread(self.notify, str(exc), title=said, severity="error", timeout=12, markup=False)
                if on_refused is not None:
                    self.call_from_thread(on_refused, f"{said}: {exc}")
                return
            if message:
                self.call_from_thread(self.notify, message, title=title, timeout=8, markup=False)
            if then is not None:
                self.call_from_thread(then)

        self.run_worker(job, thread=True, group="store-action")

    @work(thread=True, exclusive=True, group="open")
    def open_review(self, assessment_id: str) -> None:
        from sg_assess import quality
        from sg_assess.errors import SgError

        try:
            record = self.store().get(assessment_id)
        except SgError as exc:
            self.call_from_thread(self.notify, str(exc), title="Cannot open", severity="error", markup=False)
            return
        self.call_from_thread(self._push_review, record, quality.check(record))

    def _push_review(self, record: AssessmentRecord, gaps: list[Any]) -> None:
        from sg_assess.tui.screens.review import ReviewScreen

        self.with_identity(lambda: self.push_screen(ReviewScreen(record, gaps)))

    def decide(self, assessment_id: str, decision: str, payload: Any,
               done: Callable[[str | None], None] | None = None) -> None:
        """A supervisor's decision from the review screen: 'sign_off' (SignOff) or 'return' (Note).

        ``done``: the dialog's ``finished``, told of success (then the review closes too) or of a refusal.
        """

        def call(store: Store) -> str:
            if decision == "sign_off":
                return store.sign_off(assessment_id, actor=self.user, role=self.role, score=payload.score,
                                      reason=payload.reason, outcome=payload.outcome)
            store.return_assessment(assessment_id, actor=self.user, role=self.role, comment=payload.text)
            return "Returned to the practitioner with your comment."

        def closed() -> None:
            if done is not None:
                done(None)
            self.pop_screen()

        signing = decision == "sign_off"
        self._run_store("Signed off" if signing else "Returned", call, then=closed,
                        refused="Not signed off" if signing else "Not returned", on_refused=done)

    def submit_assessment(self, assessment_id: str, then: Callable[[], None] | None = None,
                          reason: str | None = None, on_refused: Callable[[str], None] | None = None) -> None:
        """Submit; without ``reason`` the store refuses (SubmitRefused, its ``gaps`` listed) while required
        answers are missing or an urgent gap is open.  F3's dialog asks for the reason first; a refusal is
        shown as one line, and told to ``on_refused`` (the dialog, which shows it and keeps the reason)."""
        def call(store: Store) -> str:
            store.submit(assessment_id, actor=self.user, role=self.role, reason=reason)
            return "Submitted: it is read-only until a supervisor returns it."

        self._run_store("Submitted", call, then=then, refused="Not submitted", on_refused=on_refused)

    def ask_comment(self, assessment_id: str, section_id: str | None = None, reply_to: int | None = None,
                    then: Callable[[], None] | None = None) -> None:
        from sg_assess.tui.dialogs.forms import Note, TextDialog

        def add(note: Note, finished: Callable[[str | None], None]) -> None:
            self._run_store("Comment added", lambda store: store.add_comment(
                assessment_id, note.text, actor=self.user, role=self.role, section_id=section_id,
                reply_to=reply_to) and None, then=lambda: _after(finished, then), refused="Comment not added",
                on_refused=finished)

        title = "Reply" if reply_to else ("Comment on this section" if section_id else "Comment on the assessment")
        self.push_screen(TextDialog(title, "Your comment").keep_open_until_done(add))

    def ask_addendum(self, assessment_id: str, then: Callable[[], None] | None = None) -> None:
        from sg_assess.tui.dialogs.forms import AddendumDialog, AddendumText

        def add(entry: AddendumText, finished: Callable[[str | None], None]) -> None:
            self._run_store("Addendum added", lambda store: store.add_addendum(
                assessment_id, actor=self.user, role=self.role, reason=entry.reason,
                addendum=entry.text) and None, then=lambda: _after(finished, then), refused="Addendum not added",
                on_refused=finished)

        self.push_screen(AddendumDialog().keep_open_until_done(add))

    @work(thread=True, group="open")
    def show_history_of(self, assessment_id: str) -> None:
        """Read the assessment off the UI thread, then show its history."""
        from sg_assess.errors import SgError

        try:
            record = self.store().get(assessment_id)
        except SgError as exc:
            self.call_from_thread(self.notify, str(exc), title="Cannot open", severity="error", markup=False)
            return
        self.call_from_thread(self.show_history, record)

    def show_history(self, record: AssessmentRecord) -> None:
        from sg_assess.tui.screens.lists import HistoryScreen

        changed = {h.question_id for h in record.history if h.question_id}
        questions = [(q.prompt, q.id) for q in record.questionnaire.questions() if q.id in changed]
        self.push_screen(HistoryScreen(record.id, questions))

    def show_chronology(self, child_id: str, child_name: str) -> None:
        from sg_assess.tui.screens.lists import ChronologyScreen

        self.push_screen(ChronologyScreen(child_id, child_name))

    def show_review_queue(self) -> None:
        from sg_assess.tui.screens.lists import ReviewQueueScreen

        self.push_screen(ReviewQueueScreen())

    def show_actions(self) -> None:
        from sg_assess.tui.screens.lists import ActionsScreen

        self.push_screen(ActionsScreen())

    def action_help(self) -> None:
        from sg_assess.tui.screens.editor import EditorScreen
        from sg_assess.tui.screens.help import HelpScreen

        from sg_assess.tui.keys import is_own

        screen = self.screen
        # Only the app's own keys: not Textual's cursor, selection and copy keys (super+c, shift+left, ...).
        active = [b for b in screen.active_bindings.values() if b.binding.description and is_own(b.binding)]
        # The screen's and the app's keys first; a question's (a table's a and Delete) after them.
        active.sort(key=lambda b: not isinstance(b.node, (Screen, App)))
        keys = [(self.get_key_display(b.binding), b.binding.tooltip or b.binding.description) for b in active]
        keys.append(("Tab, Shift+Tab", "Next, previous field"))
        guidance = None
        if isinstance(screen, EditorScreen) and (block := screen.focused_question()) is not None:
            guidance = (block.question.prompt, block.question.help)
        self.push_screen(HelpScreen(keys, guidance))

    def get_key_display(self, binding: Binding) -> str:
        """Keys as they are printed on keyboards and in the README: F1, Esc (Textual shows f1, esc)."""
        shown = super().get_key_display(binding)
        if shown[:1] == "f" and shown[1:].isdigit():
            return shown.upper()
        return "Esc" if shown == "esc" else shown

    # -- the command palette (ctrl+p) ---------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from sg_assess.tui.screens.editor import EditorScreen

        # From the home, as its n (which says why while not connected, instead of a dialog that would be refused).
        start = screen.action_new if isinstance(screen, HomeScreen) else self.new_assessment
        yield SystemCommand("New assessment", "Start an assessment for a child", start)
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
        yield SystemCommand("Review queue", "Submitted assessments waiting for a supervisor", self.show_review_queue)
        about = (f"Does not apply on a team database: you are your login, {self.identity_line()}" if self.team_mode
                 else f"Now: {self.identity_line()}; recorded on every change")
        yield SystemCommand("Change who you are", about, self.action_change_identity)
        yield SystemCommand("Actions due", "Next steps with review dates, overdue first", self.show_actions)
        yield from (c for c in super().get_system_commands(screen) if c.title not in HIDDEN_SYSTEM_COMMANDS)

    def deliver_screenshot(self, filename: str | None = None, path: str | None = None,
                           time_format: str | None = None) -> str | None:
        """Never: a picture of the screen holds a child's details, and Textual writes it to Downloads.

        Every way Textual has to take one (its command, ``action_screenshot``, a ``screenshot`` binding)
        ends here.  Tests and ``screens/make_screens.py`` use ``export_screenshot``, which writes nothing.
        """
        self.notify("Screenshots are turned off: they would hold a child's details outside sg-assess. "
                    "Use Preview (F6) and export instead.", title="No screenshot", severity="warning", markup=False)
        return None


# Textual's own commands left out of the palette: Screenshot writes a child's details to the Downloads
# folder; Keys shows Textual's internal keys (F1 lists the app's own).
HIDDEN_SYSTEM_COMMANDS = frozenset({"Screenshot", "Keys"})


def create_app(db: str | os.PathLike[str] | None = None, **kwargs: Any) -> SgApp:
    """The app factory: the CLI and the tests build the app the same way."""
    return SgApp(None if db is None else os.fspath(db), **kwargs)


def run(db: str | None = None, open_id: str | None = None, *, user: str | None = None, role: str | None = None) -> None:
    """Every path that opens the app (no command, ``open ID``, ``demo --open``) comes here with --as and --role."""
    app = create_app(db, open_id=open_id, user=user, role=role)
    refuse_identity_options(app.db_location, user, role)  # before the app starts: one line from the CLI
    app.run()


def urlsplit_login(location: str) -> str:
    """The login named in a team database's URL, or the computer's user name, which libpq uses without one."""
    import getpass
    from urllib.parse import unquote, urlsplit

    try:
        user = urlsplit(location).username
    except ValueError:
        user = None
    if user:
        return unquote(user)
    if os.environ.get("PGUSER"):
        return os.environ["PGUSER"]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "your login"
