"""One widget per question: its prompt, its guidance on demand, and an input for its kind.

A block knows the value last loaded or saved (its baseline) and posts
``QuestionBlock.Changed`` only when the person makes the value differ from it,
so loading saved answers never triggers a save or a history entry.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import DescendantBlur
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, Label, RadioButton, RadioSet, Select, SelectionList, Static, TextArea

from sg_assess.questionnaire.principles import principle_title
from sg_assess.questionnaire.rows import ROW_TYPES
from sg_assess.questionnaire.schema import Question
from sg_assess.safetext import visible
from sg_assess.tui.text import cell, literal, literal_line
from sg_assess.tui.widgets.answer_area import AnswerArea
from sg_assess.tui.widgets.inputs import DateValidator, LineInput
from sg_assess.tui.widgets.marks import MarkedRadioButton

# What a table shows (short and telling fields first, widths that fit 80 columns with the sidebar) and
# every field's label: both from the one definition of each row type, questionnaire/rows.py.
GROUP_LABELS: dict[str, dict[str, str]] = {k: {f.name: f.label for f in t.fields} for k, t in ROW_TYPES.items()}
GROUP_COLUMNS: dict[str, tuple[tuple[str, int], ...]] = {
    k: tuple((f.name, f.width) for f in t.columns) for k, t in ROW_TYPES.items()}


class QuestionBlock(Vertical):
    """A question: prompt, guidance (toggled with F2), input, and a line for problems."""

    DEFAULT_CLASSES = "question"

    class Changed(Message):
        def __init__(self, block: QuestionBlock, value: Any) -> None:
            super().__init__()
            self.block = block
            self.value = value

        @property
        def question_id(self) -> str:
            return self.block.question.id

    class Unsaved(Message):
        """What is in the field cannot be saved as it is (an impossible date): ``text`` and why; None when it can."""

        def __init__(self, block: QuestionBlock, text: str | None, reason: str = "") -> None:
            super().__init__()
            self.block = block
            self.text = text
            self.reason = reason

    class Left(Message):
        """Focus left this question: save it now."""

        def __init__(self, block: QuestionBlock) -> None:
            super().__init__()
            self.block = block

    def __init__(self, question: Question, value: Any = None) -> None:
        super().__init__(id=f"q-{question.id}")
        self.question = question
        self.baseline = value  # the value the widget was built with
        self._reported = value  # the value last reported in a Changed message

    def compose(self) -> ComposeResult:
        # Guidance and the problem line are only made when needed: half the widgets of a section,
        # and opening an assessment is mostly the cost of mounting widgets.
        q = self.question
        marker = " *" if q.required else ""
        yield Label(literal_line(q.prompt + marker), classes="prompt")
        yield from self.compose_input()

    def compose_input(self) -> ComposeResult:
        raise NotImplementedError

    @property
    def value(self) -> Any:
        raise NotImplementedError

    def show_value(self, value: Any) -> None:
        """Show a value saved elsewhere (only text answers are merged, so only they need this)."""

    def focus_input(self) -> None:
        focusable = [w for w in self.query("*") if w.focusable]
        if focusable:
            focusable[0].focus()

    def toggle_guidance(self, show: bool | None = None) -> None:
        show = not self.has_class("show-guidance") if show is None else show
        if show and not self.query(".guidance"):
            q = self.question
            serves = ", ".join(principle_title(p) for p in q.principles)
            guidance = q.help + (f"\n\nServes: {serves}" if serves else "")
            self.mount(Static(literal(guidance), classes="guidance"), after=self.query_one(".prompt"))
        self.set_class(show, "show-guidance")

    def changed(self) -> None:
        """Report the value if the person changed it (widgets also post events when values are loaded)."""
        value = self.value
        if value != self._reported:
            self._reported = value
            self.post_message(self.Changed(self, value))

    def show_problem(self, text: str) -> None:
        found = self.query(".problem")
        if not found and not text:
            return
        line = found.first(Static) if found else None
        if line is None:
            line = Static("", classes="problem")
            self.mount(line)
        line.update(literal_line(text))
        self.set_class(bool(text), "has-problem")

    @on(DescendantBlur)
    def _left(self) -> None:
        self.post_message(self.Left(self))


class _TextualBlock(QuestionBlock):
    """Text answers are shown with control characters made visible (ESC as '␛'), never raw.

    The shown form counts as the starting value, so opening an answer saves
    nothing; if the person edits it, the visible form is what is saved.
    """

    def __init__(self, question: Question, value: Any = None) -> None:
        super().__init__(question, value)
        self.shown = visible(value) if isinstance(value, str) else ""
        self._reported = self.shown or None

    def merged_text(self, value: str, current: str) -> str:
        """The text to show for a merged answer: the stored one, plus anything typed since it was sent.

        A merged answer is the person's text with the other version after it; if they went on typing
        while it was saved, their newer text takes the place of the older one, and is saved next.
        """
        shown = visible(value)
        marker = shown.rfind("\n\n[Also saved by ")
        own = shown[:marker] if marker >= 0 else shown
        if marker >= 0 and current != own and current.startswith(own):
            return current + shown[len(own):]
        return shown


class TextBlock(_TextualBlock):
    def compose_input(self) -> ComposeResult:
        # Never select all on focus: one keystroke would replace the whole answer (and autosave would keep that).
        yield LineInput(self.shown, id="input", select_on_focus=False)

    def show_value(self, value: str) -> None:
        """Show the merged answer with the cursor where the person was typing (never moved to the start)."""
        box = self.query_one(Input)
        cursor = box.cursor_position
        self._reported = visible(value)
        box.value = self.merged_text(value, box.value)
        box.cursor_position = min(cursor, len(box.value))

    @property
    def value(self) -> Any:
        return self.query_one(Input).value or None

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.changed()


class LongTextBlock(_TextualBlock):
    def compose_input(self) -> ComposeResult:
        # Wrapping a line of hundreds of thousands of characters would stall the screen: scroll sideways instead.
        wrap = max((len(line) for line in self.shown.split("\n")), default=0) <= 20_000
        yield AnswerArea(self.shown, id="input", tab_behavior="focus", soft_wrap=wrap, show_line_numbers=False)

    def show_value(self, value: str) -> None:
        """Show the merged answer with the cursor where the person was typing (never moved to the start).

        Their own text comes first in a merged answer, so the place they were typing is unchanged.
        """
        area = self.query_one(TextArea)
        cursor = area.cursor_location
        self._reported = visible(value)
        area.text = self.merged_text(value, area.text)  # load_text puts the cursor at the start ...
        area.move_cursor(cursor)  # ... so put it back (move_cursor clamps it to the text)

    @property
    def value(self) -> Any:
        return self.query_one(TextArea).text or None

    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.changed()


class DateBlock(QuestionBlock):
    def compose_input(self) -> ComposeResult:
        yield Input(self.baseline or "", id="input", placeholder="YYYY-MM-DD", validators=[DateValidator()],
                    validate_on=["changed", "blur"], classes="date", select_on_focus=False)

    @property
    def value(self) -> Any:
        text = self.query_one(Input).value.strip()
        return text or None

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        result = event.validation_result
        if result is not None and not result.is_valid:
            self.show_problem(result.failure_descriptions[0])
            # An impossible date stays in the box, is not saved until it is a date, and the editor says so.
            self.post_message(self.Unsaved(self, event.value, result.failure_descriptions[0]))
            return
        self.show_problem("")
        self.post_message(self.Unsaved(self, None))
        self.changed()


class YesNoBlock(QuestionBlock):
    def compose_input(self) -> ComposeResult:
        with RadioSet(id="input"):
            yield MarkedRadioButton("Yes", value=self.baseline == "yes", id="yes")
            yield MarkedRadioButton("No", value=self.baseline == "no", id="no")

    @property
    def value(self) -> Any:
        pressed = self.query_one(RadioSet).pressed_button
        return pressed.id if pressed is not None else None

    @on(RadioSet.Changed)
    def _changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.changed()


class ChoiceBlock(QuestionBlock):
    def compose_input(self) -> ComposeResult:
        options = [(literal_line(c), c) for c in self.question.choices or []]
        yield Select(options, value=self.baseline if self.baseline is not None else Select.NULL, id="input",
                     prompt="Choose one")

    @property
    def value(self) -> Any:
        value = self.query_one(Select).value
        return None if value is Select.NULL else value

    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        event.stop()
        self.changed()


class MultiChoiceBlock(QuestionBlock):
    def compose_input(self) -> ComposeResult:
        chosen = set(self.baseline or [])
        yield SelectionList[str](*[(literal_line(c), c, c in chosen) for c in self.question.choices or []], id="input")

    @property
    def value(self) -> Any:
        selected = set(self.query_one(SelectionList).selected)
        return [c for c in self.question.choices or [] if c in selected] or None

    @on(SelectionList.SelectedChanged)
    def _changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self.changed()


class GroupBlock(QuestionBlock):
    """A repeating group (people, safety scale, next steps, events, goals): a table with add, edit and remove."""

    # Not in the footer: the buttons under the table name these keys.
    BINDINGS = [Binding("a", "add_row", "Add row", id="group.add", show=False),
                Binding("delete", "remove_row", "Remove row", id="group.remove", show=False)]

    def __init__(self, question: Question, value: Any = None) -> None:
        super().__init__(question, value)
        self.rows: list[dict[str, Any]] = [dict(r) for r in value or []]

    def compose_input(self) -> ComposeResult:
        table: DataTable = DataTable(id="input", cursor_type="row", zebra_stripes=True)
        yield table
        with Horizontal(classes="group-buttons"):
            yield Button("Add row (a)", id="add", compact=True)
            yield Button("Edit row (Enter)", id="edit", compact=True)
            yield Button("Remove row (Delete)", id="remove", compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for name, width in GROUP_COLUMNS[self.question.kind]:
            table.add_column(GROUP_LABELS[self.question.kind][name], key=name, width=width)
        self._refill()

    @property
    def value(self) -> Any:
        return [dict(r) for r in self.rows] or None

    def _refill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for row in self.rows:
            table.add_row(*(cell(f.words(row.get(f.name))) for f in ROW_TYPES[self.question.kind].columns))
        table.styles.height = min(len(self.rows), 8) + 2

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self._refill()
        self.changed()

    def _cursor(self) -> int | None:
        table = self.query_one(DataTable)
        return table.cursor_row if self.rows and 0 <= table.cursor_row < len(self.rows) else None

    def action_add_row(self) -> None:
        self._edit(None)

    def action_remove_row(self) -> None:
        index = self._cursor()
        if index is not None:
            self.set_rows([r for i, r in enumerate(self.rows) if i != index])

    def _edit(self, index: int | None) -> None:
        from sg_assess.tui.dialogs.row import RowDialog

        current = self.rows[index] if index is not None else None

        def done(row: dict[str, Any] | None) -> None:
            if row is None:
                return
            rows = list(self.rows)
            if index is None:
                rows.append(row)
            else:
                rows[index] = row
            self.set_rows(rows)
            self.query_one(DataTable).focus()

        self.app.push_screen(RowDialog(self.question, current), done)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._edit(event.cursor_row)

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "add":
            self.action_add_row()
        elif event.button.id == "edit" and (index := self._cursor()) is not None:
            self._edit(index)
        elif event.button.id == "remove":
            self.action_remove_row()


BLOCKS: dict[str, type[QuestionBlock]] = {
    "text": TextBlock,
    "long_text": LongTextBlock,
    "date": DateBlock,
    "yes_no": YesNoBlock,
    "choice": ChoiceBlock,
    "multi_choice": MultiChoiceBlock,
    "people": GroupBlock,
    "scale": GroupBlock,
    "actions": GroupBlock,
    "events": GroupBlock,
    "goals": GroupBlock,
}


def block_for(question: Question, value: Any) -> Widget:
    return BLOCKS[question.kind](question, value)
