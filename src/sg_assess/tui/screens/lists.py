"""Read-only lists: the review queue, actions due, an assessment's history, a child's chronology.

They share one base: a title, a table filled in a worker thread, Escape to go back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Select, Sparkline, Static

from sg_assess.statuses import STATUS_WORDS, status_words
from sg_assess.tui.keys import help_key, own_footer
from sg_assess.tui.text import cell, literal, literal_line

if TYPE_CHECKING:
    from sg_assess.store.repository import Store
    from sg_assess.tui.app import SgApp


class TableScreen(Screen[None]):
    """A titled table of rows loaded from the store off the UI thread."""

    BINDINGS = [help_key(), Binding("escape", "back", "Back", id="list.back")]
    AUTO_FOCUS = "#rows"  # not the first focusable widget: a filter's hidden menu would take the keys
    TITLE_TEXT = ""
    EMPTY_TEXT = "Nothing to show."
    COLUMNS: Sequence[tuple[str, int | None]] = ()

    app: SgApp

    def __init__(self) -> None:
        super().__init__()
        self.keys: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(literal_line(self.TITLE_TEXT), classes="screen-title")
        yield from self.compose_extra()
        yield DataTable(id="rows", cursor_type="row", zebra_stripes=True)
        yield Static("Loading…", id="list-empty")
        yield from self.compose_below()
        yield own_footer()

    def compose_extra(self) -> ComposeResult:
        yield from ()

    def compose_below(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        table = self.query_one("#rows", DataTable)
        for label, width in self.COLUMNS:
            table.add_column(label, width=width)
        self.load()

    @work(thread=True, exclusive=True, group="list-load")
    def load(self) -> None:
        from sg_assess.errors import SgError

        try:
            rows = self.fetch(self.app.store())
        except SgError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            rows = []
        self.app.call_from_thread(self.fill, rows)

    def fetch(self, store: Store) -> list[tuple[Any, list[Any]]]:
        """(key, cells) for each row; runs on a worker thread."""
        raise NotImplementedError

    def fill(self, rows: list[tuple[Any, list[Any]]]) -> None:
        table = self.query_one("#rows", DataTable)
        table.clear()
        self.keys = [key for key, _ in rows]
        for _, cells in rows:
            table.add_row(*(c if not isinstance(c, str) else cell(c) for c in cells))
        empty = self.query_one("#list-empty", Static)
        empty.update(self.EMPTY_TEXT)
        empty.display = not rows
        table.display = bool(rows)

    def selected_key(self) -> Any:
        table = self.query_one("#rows", DataTable)
        return self.keys[table.cursor_row] if self.keys and 0 <= table.cursor_row < len(self.keys) else None

    def action_back(self) -> None:
        self.dismiss(None)


class ReviewQueueScreen(TableScreen):
    """For supervisors: submitted assessments, the longest waiting first."""

    # Read again now (and on return to this screen, and every REFRESH_SECONDS on a team database).
    BINDINGS = [Binding("ctrl+r", "refresh_list", "Refresh", id="queue.refresh", show=False)]
    TITLE_TEXT = "Waiting for review (oldest first). Enter opens the review."
    EMPTY_TEXT = "Nothing is waiting for review."
    COLUMNS = (("Child", 23), ("Practitioner", 20), ("Submitted", 10), ("Days waiting", 12), ("Gaps", 5), ("Score", 8))
    REFRESH_SECONDS = 30.0

    def __init__(self) -> None:
        super().__init__()
        self.refreshing = False  # a refresh is being read: another is not started meanwhile

    def on_mount(self) -> None:  # as well as TableScreen's, which fills the table
        if self.app.team_mode:  # others submit on a team database: seen without leaving the screen
            self.set_interval(self.REFRESH_SECONDS, self._refresh_if_idle)

    def _refresh_if_idle(self) -> None:
        if self.app.screen is self:
            self.action_refresh_list()

    def action_refresh_list(self) -> None:
        if not self.refreshing:
            self.refreshing = True
            self._read_again()

    @work(thread=True, group="queue-refresh")
    def _read_again(self) -> None:
        from sg_assess.errors import SgError

        try:
            rows = self.fetch(self.app.store())
        except SgError:
            rows = None  # a server gone for a moment: the queue stays as it was, the next refresh tries again
        self.app.call_from_thread(self._refreshed, rows)

    def _refreshed(self, rows: list[tuple[Any, list[Any]]] | None) -> None:
        self.refreshing = False
        if rows is not None and self.query("#rows"):  # not when the app is closing and its widgets are gone
            self.fill(rows)

    def fill(self, rows: list[tuple[Any, list[Any]]]) -> None:
        """Fill the table, the cursor kept on the assessment it was on (refreshing must not move it)."""
        table = self.query_one("#rows", DataTable)
        current, row_before, scroll_y = self.selected_key(), table.cursor_row, table.scroll_y
        super().fill(rows)
        if current is not None and self.keys:
            row = self.keys.index(current) if current in self.keys else min(row_before, len(self.keys) - 1)
            table.move_cursor(row=row, animate=False, scroll=False)
            table.call_after_refresh(table.scroll_to, y=scroll_y, animate=False)  # once its new size is known

    def fetch(self, store: Store) -> list[tuple[Any, list[Any]]]:
        return [(i.summary.id, [i.summary.child_name, i.summary.practitioner, (i.summary.submitted_at or "")[:10],
                                str(i.days_waiting), str(i.gaps),
                                i.summary.short_score])
                for i in store.review_queue_details(self.app.today())]

    @on(DataTable.RowSelected)
    def _open(self) -> None:
        if (aid := self.selected_key()) is not None:
            self.app.open_review(aid)

    def on_screen_resume(self) -> None:
        self.action_refresh_list()


class ActionsScreen(TableScreen):
    """Next steps with review dates across all assessments; overdue ones first and marked."""

    TITLE_TEXT = "Next steps due for review. Enter opens the assessment."
    EMPTY_TEXT = "No next step is waiting for review."
    COLUMNS = (("Review", 10), ("", 7), ("Child", 22), ("What", 28), ("Who", 14), ("By when", 10))

    def fetch(self, store: Store) -> list[tuple[Any, list[Any]]]:
        today = self.app.today().isoformat()
        return [(a.assessment_id, [a.review_date or "", "OVERDUE" if a.is_overdue(today) else "",
                                   a.child_name, a.what, a.who, a.by_when or ""])
                for a in store.actions_due()]

    @on(DataTable.RowSelected)
    def _open(self) -> None:
        if (aid := self.selected_key()) is not None:
            self.app.open_assessment(aid)


class HistoryScreen(TableScreen):
    """Every change to one assessment: who, when, the question, before and after; filter by question.

    The table names each question by its prompt and shares the width left by the fixed columns
    between Before and After; the highlighted change is shown whole under the table.
    """

    TITLE_TEXT = "History: every change, oldest first"
    EMPTY_TEXT = "No changes for this question."

    def __init__(self, assessment_id: str, question_ids: list[tuple[str, str]]) -> None:
        super().__init__()
        self.assessment_id = assessment_id
        self.question_ids = question_ids  # (prompt, id) of the questions that have changes
        self.prompts = dict((qid, prompt) for prompt, qid in question_ids)
        self.changes: list[Any] = []
        self.rows: list[tuple[Any, list[Any]]] = []

    def compose_extra(self) -> ComposeResult:
        yield Select([(literal_line(p), qid) for p, qid in self.question_ids], prompt="All questions",
                     id="question-filter")

    def compose_below(self) -> ComposeResult:
        yield Static("", id="change")

    def on_mount(self) -> None:
        self.load()

    def columns(self) -> list[tuple[str, str, int]]:
        """(key, label, width) for the table's width: wide enough, Before and After share what is left."""
        width = max(self.size.width, 60) - 2  # the table's scroll bar
        if width >= 98:
            fixed = [("when", "When (UTC)", 16), ("who", "Who", 18), ("what", "What", 9)]
            flexible = [("question", "Question", 0.28), ("before", "Before", 0.36), ("after", "After", 0.36)]
        else:  # 80 columns: What and Before are under the table, with the whole change
            fixed = [("when", "When (UTC)", 16), ("who", "Who", 14)]
            flexible = [("question", "Question", 0.4), ("after", "After", 0.6)]
        left = width - sum(w for *_, w in fixed) - 2 * (len(fixed) + len(flexible))  # DataTable pads each cell
        return [*fixed, *((key, label, max(6, int(left * share))) for key, label, share in flexible)]

    def fetch(self, store: Store) -> list[tuple[Any, list[Any]]]:
        chosen = self.query_one("#question-filter", Select).value
        only = None if chosen is Select.NULL else chosen
        return [(h.id, [h]) for h in store.history(self.assessment_id) if only is None or h.question_id == only]

    def _cells(self, change: Any) -> dict[str, str]:
        question = self.prompts.get(change.question_id, change.question_id or "") if change.question_id else ""
        return {"when": change.at[:16].replace("T", " "),
                "who": change.actor,
                "what": status_words(change.kind) if change.kind in STATUS_WORDS else change.kind.replace("_", " "),
                "question": question, "before": _value(change.before), "after": _value(change.after)}

    def fill(self, rows: list[tuple[Any, list[Any]]]) -> None:
        table = self.query_one("#rows", DataTable)
        table.clear(columns=True)
        columns = self.columns()
        for key, label, width in columns:
            table.add_column(label, key=key, width=width)
        self.rows = rows
        self.changes = [change for _, (change,) in rows]
        cells = [self._cells(change) for change in self.changes]
        super().fill([(key, [c[k] for k, _, _ in columns]) for (key, _), c in zip(rows, cells, strict=True)])
        self._show_change(table.cursor_row)

    def on_resize(self) -> None:
        if self.rows and self.query("#rows"):
            self.fill(self.rows)

    @on(DataTable.RowHighlighted, "#rows")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_change(event.cursor_row)

    def _show_change(self, index: int) -> None:
        found = self.query("#change")
        if not found:
            return
        if not self.changes or not 0 <= index < len(self.changes):
            found.first(Static).update("")
            return
        c = self._cells(self.changes[index])
        where = f" · {c['question']}" if c["question"] else ""
        role = f" ({self.changes[index].role})" if self.changes[index].role else ""
        text = f"{c['when']} · {c['who']}{role} · {c['what']}{where}\nBefore: {c['before'] or '(nothing)'}\n" \
               f"After:  {c['after'] or '(nothing)'}"
        found.first(Static).update(literal(text))

    @on(Select.Changed, "#question-filter")
    def _filter(self) -> None:
        self.load()


def _value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "; ".join(", ".join(f"{k}: {v}" for k, v in row.items() if v not in (None, "")) if isinstance(row, dict)
                         else str(row) for row in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, ""))
    return str(value)


class ChronologyScreen(TableScreen):
    """A child's assessments, sign-offs, addenda, referrals and actions in time order, with scores over time."""

    TITLE_TEXT = "Chronology: everything for this child, in time order"
    EMPTY_TEXT = "Nothing recorded yet."
    COLUMNS = (("Date", 10), ("What", 11), ("Details", 60))

    def __init__(self, child_id: str, child_name: str) -> None:
        super().__init__()
        self.child_id = child_id
        self.child_name = child_name
        self.series: dict[str, list[tuple[str, int]]] = {}

    def compose_extra(self) -> ComposeResult:
        yield Label(literal_line(f"Safety scale scores over time for {self.child_name} (0 = not safe, 10 = safe)"),
                    classes="subtitle")
        with Horizontal(id="scores"):
            yield Vertical(id="charts")  # each person's scores as a line
            yield DataTable(id="score-table", cursor_type="row")  # the same figures as a table, for screen readers

    def fetch(self, store: Store) -> list[tuple[Any, list[Any]]]:
        events, self.series = store.chronology(self.child_id)
        return [(e.assessment_id, [e.date[:10], e.kind.replace("_", " "), e.summary]) for e in events]

    def fill(self, rows: list[tuple[Any, list[Any]]]) -> None:
        super().fill(rows)
        charts = self.query_one("#charts", Vertical)
        charts.remove_children()
        table = self.query_one("#score-table", DataTable)
        table.clear(columns=True)
        table.add_columns("Who", "Date", "Score")
        for who, points in self.series.items():
            scores = [score for _, score in points]
            latest = scores[-1] if scores else ""
            charts.mount(Label(literal_line(f"{who}: {' → '.join(map(str, scores))} (latest {latest})"), classes="who"))
            # A sparkline scales to its own data: the figures in the label and the table give the values.
            charts.mount(Sparkline(scores if len(scores) > 1 else scores * 2, summary_function=max, classes="score-line"))
            for date, score in points:
                table.add_row(cell(who), date, str(score))

    @on(DataTable.RowSelected, "#rows")
    def _open(self) -> None:
        if (aid := self.selected_key()) is not None:
            self.app.open_assessment(aid)
