"""Home: every assessment in a table, newest first, with search and a status filter.

The table is filled a page at a time as the cursor nears its end, so 100,000
assessments open as fast as ten.  The screen paints before the database is
opened (in a worker thread), so the first paint is never kept waiting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Select, Static

from sg_assess.statuses import STATUS_WORDS, status_words
from sg_assess.tui.keys import help_key, own_footer
from sg_assess.tui.text import cell, literal, literal_line

if TYPE_CHECKING:
    from textual.content import Content

    from sg_assess.records import AssessmentSummary
    from sg_assess.tui.app import SgApp

PAGE = 100
COLUMNS = (("Child", "child", 19), ("Band", "band", 6), ("Status", "status", 10), ("Last updated", "updated", 16),
           ("Practitioner", "practitioner", 16), ("Score", "score", 8), ("Required", "required", 8))  # 83 + padding
STATUS_OPTIONS = [(words, code) for code, words in STATUS_WORDS.items()]
EMPTY_TEXT = (
    "No assessments yet.\n\n"
    "Press n to start a new assessment.\n"
    "To try sg-assess with fictional records first, quit (ctrl+q) and run:  sg-assess demo"
)


class HomeScreen(Screen[None]):
    BINDINGS = [
        help_key(),
        Binding("n", "new", "New", id="home.new"),
        Binding("enter", "open", "Open", id="home.open", show=True),
        Binding("slash", "search", "Search", id="home.search"),
        Binding("e", "export", "Export", id="home.export"),
        Binding("r", "reassess", "Re-assess", id="home.reassess", show=False),
        Binding("v", "queue", "Reviews", id="home.queue"),
        Binding("a", "actions", "Actions", id="home.actions"),
        Binding("h", "history", "History", id="home.history", show=False),
        Binding("c", "chronology", "Chronology", id="home.chronology", show=False),
        Binding("escape", "clear_search", "Clear search", id="home.clear", show=False),
        # Offered only while the database could not be opened or read (a team server down, a password refused).
        Binding("f5", "retry", "Try again", id="home.retry"),
        # Read the list again now (it is read again on its own on return to this screen, and every
        # REFRESH_SECONDS on a team database, where others change it).
        Binding("ctrl+r", "refresh_list", "Refresh", id="home.refresh", show=False),
        # Quit is in the footer here only: elsewhere Escape goes back, and 80 columns have no room for both.
        Binding("ctrl+q", "app.quit", "Quit", id="home.quit", priority=True),
    ]

    AUTO_FOCUS = "#assessments"
    REFRESH_SECONDS = 30.0

    app: SgApp

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[AssessmentSummary] = []
        self.more = False
        self.loading = False
        self.problem: str | None = None  # why the database could not be opened or read; F5 tries again
        self.generation = 0  # counts reloads: a refresh read before the latest one is not shown
        self.refreshing = False  # a refresh is being read: another is not started meanwhile

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield Input(placeholder="Search names and answers ( / )", id="search")
            yield Select(STATUS_OPTIONS, prompt="Any status", id="status-filter", allow_blank=True)
        yield Static("", id="overdue")
        table: DataTable = DataTable(id="assessments", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(self._opening_text(), id="empty")
        yield own_footer()

    def _opening_text(self) -> Content | str:
        if self.app.team_mode and not self.app.has_store():
            return literal_line(f"Connecting to the team database at {self.app.where()}…")
        return "Opening the database…"

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, key, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        self.reload()
        if self.app.team_mode:  # others change a team database: what they did is seen without leaving the screen
            self.set_interval(self.REFRESH_SECONDS, self._refresh_if_idle)

    # -- loading ----------------------------------------------------------------------

    def filters(self) -> dict[str, Any]:
        status = self.query_one("#status-filter", Select).value
        return {
            "search": self.query_one("#search", Input).value.strip() or None,
            "status": None if status is Select.NULL else status,
        }

    def reload(self) -> None:
        self.generation += 1
        self.rows = []
        self.more = False
        self.query_one(DataTable).clear()
        self._load_page(self.filters(), 0)

    @work(thread=True, exclusive=True, group="home-load")
    def _load_page(self, filters: dict[str, Any], offset: int) -> None:
        from sg_assess.errors import SgError

        try:
            store = self.app.store()
            page = store.list(limit=PAGE + 1, offset=offset, as_you_type=True, **filters)
            overdue = store.overdue_count(self.app.today().isoformat()) if offset == 0 else None
        except SgError as exc:
            self.app.call_from_thread(self._show_problem, str(exc), type(exc).__name__ == "PasswordNeeded")
            return
        self.app.call_from_thread(self._add_page, page, offset, filters)
        if overdue is not None:
            self.app.call_from_thread(self._show_overdue, overdue)

    def _show_overdue(self, count: int) -> None:
        banner = self.query_one("#overdue", Static)
        banner.update(f"⚠ {count} next step{'s are' if count != 1 else ' is'} overdue for review: press a" if count else "")
        banner.display = bool(count)

    def _add_page(self, page: list[AssessmentSummary], offset: int, filters: dict[str, Any] | None = None,
                  size: int = PAGE) -> None:
        if offset != len(self.rows) or (filters is not None and filters != self.filters()):
            return  # a stale page: asked for before the search text or the status filter changed
        self.more = len(page) > size
        page = page[:size]
        self.rows.extend(page)
        table = self.query_one(DataTable)
        for row in page:
            table.add_row(
                cell(row.child_name), row.age_band, status_words(row.status),
                row.updated_at[:16].replace("T", " "), cell(row.practitioner),
                row.short_score,
                f"{row.required_answered}/{row.required_total}", key=row.id,
            )
        self.loading = False
        if self.problem is not None:
            self.problem = None
            self.refresh_bindings()
        empty = self.query_one("#empty", Static)
        filtered = any(self.filters().values())
        empty.update("Nothing matches the search or filter." if filtered else EMPTY_TEXT)
        empty.display = not self.rows
        table.display = bool(self.rows)
        self.app.mark_loaded()

    def _refresh_if_idle(self) -> None:
        if self.app.screen is self and self.problem is None and self.app.has_store():
            self.action_refresh_list()

    def action_refresh_list(self) -> None:
        """Read the rows shown again, keeping the cursor on the same assessment and the focus where it is."""
        if self.refreshing or self.loading or not self.app.has_store():
            return
        self.refreshing = True
        self._read_again(self.filters(), max(len(self.rows), PAGE), self.generation)

    @work(thread=True, group="home-refresh")
    def _read_again(self, filters: dict[str, Any], count: int, generation: int) -> None:
        from sg_assess.errors import SgError

        try:
            store = self.app.store()
            page = store.list(limit=count + 1, offset=0, as_you_type=True, **filters)
            overdue = store.overdue_count(self.app.today().isoformat())
        except SgError:
            page = None  # a server gone for a moment: the list stays as it was, the next refresh tries again
            overdue = None
        self.app.call_from_thread(self._replace_rows, page, count, filters, overdue, generation)

    def _replace_rows(self, page: list[AssessmentSummary] | None, count: int, filters: dict[str, Any],
                      overdue: int | None, generation: int) -> None:
        self.refreshing = False
        if not self.query("#assessments"):
            return  # the app is closing: its widgets are gone
        if page is None or self.loading or generation != self.generation or filters != self.filters():
            return  # failed, or a reload or a search started meanwhile: that one shows the list
        table = self.query_one(DataTable)
        current = self.selected()
        row_before = table.cursor_row
        scroll_y = table.scroll_y
        self.rows = []
        self.more = False
        table.clear()
        self._add_page(page, 0, filters, size=count)
        if current is not None and self.rows:
            keys = [r.id for r in self.rows]
            row = keys.index(current.id) if current.id in keys else min(row_before, len(self.rows) - 1)
            table.move_cursor(row=row, animate=False, scroll=False)
            table.call_after_refresh(table.scroll_to, y=scroll_y, animate=False)  # once its new size is known
        if overdue is not None:
            self._show_overdue(overdue)

    def _show_problem(self, message: str, password_needed: bool = False) -> None:
        """The database could not be opened or read: one line saying why and what to do, and F5 to try again.

        A team server that wants a password libpq could not find asks for it first."""
        if password_needed and not self.app.has_store():
            self.app.ask_password(message[:1].upper() + message[1:] + ".", self._after_password)
        what = "the team database" if self.app.team_mode else "the database"
        empty = self.query_one("#empty", Static)
        empty.update(literal(f"Cannot open {what}: {message}\n\nPress F5 to try again."))
        empty.display = True
        self.query_one(DataTable).display = False
        self.loading = False
        self.problem = message
        self.refresh_bindings()

    def _after_password(self) -> None:
        if self.app.has_store():
            self.action_retry()

    def action_retry(self) -> None:
        """F5: connect (or read) again."""
        empty = self.query_one("#empty", Static)
        empty.update(self._opening_text() if not self.app.has_store() else "Reading the assessments…")
        empty.display = True
        self.reload()

    @on(DataTable.RowHighlighted)
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        if self.more and not self.loading and event.cursor_row >= len(self.rows) - 10:
            self.loading = True
            self._load_page(self.filters(), len(self.rows))

    @on(Input.Changed, "#search")
    @on(Select.Changed, "#status-filter")
    def _filters_changed(self) -> None:
        self.reload()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        if self.app.has_store():
            self.action_refresh_list()  # coming back from the editor or a list: show what changed, the cursor kept

    # -- actions ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return self.problem is not None
        if action == "search" and getattr(self.focused, "id", None) == "search":
            # In the search box '/' is typed, so the footer must not offer it as a key. (Textual hides the
            # letter keys there itself, but does not know that 'slash' types a character.)
            return False
        return True

    def selected(self) -> AssessmentSummary | None:
        table = self.query_one(DataTable)
        if not self.rows or not (0 <= table.cursor_row < len(self.rows)):
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        if (row := self.selected()) is not None:
            self.app.open_assessment(row.id)

    def action_new(self) -> None:
        if not self.app.has_store() and (self.problem is not None or self.app.team_mode):
            # Everything typed would be refused: say why now, instead of after the form is filled in.
            what = "the team database" if self.app.team_mode else "the database"
            why = (f"{what} could not be opened (why is on the screen); press F5 to try again"
                   if self.problem is not None
                   else f"still connecting to {what}, try again in a moment")
            self.notify(f"Cannot start an assessment yet: {why}.", title="Not connected", severity="error",
                        timeout=10, markup=False)
            return
        self.app.new_assessment()

    def action_reassess(self) -> None:
        if (row := self.selected()) is not None:
            self.app.new_assessment(child_id=row.child_id)

    def action_export(self) -> None:
        if (row := self.selected()) is not None:
            self.app.export_assessment(row.id)

    def action_queue(self) -> None:
        self.app.show_review_queue()

    def action_actions(self) -> None:
        self.app.show_actions()

    def action_history(self) -> None:
        if (row := self.selected()) is not None:
            self.app.show_history_of(row.id)

    def action_chronology(self) -> None:
        if (row := self.selected()) is not None:
            self.app.show_chronology(row.child_id, row.child_name)

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        if search.value:
            search.value = ""
        self.query_one(DataTable).focus()
