"""Add or edit one row of a repeating group (a person, a safety-scale score, a next step)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from sg_assess.errors import ValidationError
from sg_assess.questionnaire.schema import Question
from sg_assess.questionnaire.values import GROUP_FIELDS, normalize
from sg_assess.safetext import visible
from sg_assess.tui.text import literal_line
from sg_assess.tui.widgets.questions import GROUP_LABELS, DateValidator

DEFAULT_TRUE = {"involved"}


class RowDialog(ModalScreen[dict[str, Any] | None]):
    BINDINGS = [("escape", "cancel", "Cancel"), ("ctrl+s", "save", "Save row")]
    AUTO_FOCUS = "Input, Checkbox"  # typing after 'a' goes straight into the first field

    def __init__(self, question: Question, row: dict[str, Any] | None) -> None:
        super().__init__()
        self.question = question
        self.row = row or {}

    def compose(self) -> ComposeResult:
        fields = GROUP_FIELDS[self.question.kind]
        labels = GROUP_LABELS[self.question.kind]
        with VerticalScroll(classes="dialog"):
            yield Label(literal_line(("Edit" if self.row else "Add") + ": " + self.question.prompt), classes="title")
            for name, ftype in fields.items():
                value = self.row.get(name)
                if ftype == "bool":
                    checked = value if value is not None else name in DEFAULT_TRUE
                    yield Checkbox(labels[name], value=bool(checked), id=f"f-{name}")
                    continue
                yield Label(labels[name] + (" (0 to 10)" if ftype == "score" else ""))
                text = "" if value is None else visible(str(value))
                if ftype == "date":
                    yield Input(text, id=f"f-{name}", placeholder="YYYY-MM-DD", validators=[DateValidator()])
                else:
                    yield Input(text, id=f"f-{name}", type="integer" if ftype == "score" else "text")
            yield Static("", id="problem", classes="problem")
            with Horizontal(classes="buttons"):
                yield Button("Save row (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (Esc)", id="cancel")

    def collect(self) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for name, ftype in GROUP_FIELDS[self.question.kind].items():
            if ftype == "bool":
                row[name] = self.query_one(f"#f-{name}", Checkbox).value
            else:
                row[name] = self.query_one(f"#f-{name}", Input).value
        return row

    def action_save(self) -> None:
        try:
            rows = normalize(self.question, [self.collect()])
        except ValidationError as exc:
            self.query_one("#problem", Static).update(literal_line(str(exc).replace("; nothing was saved", "")))
            return
        if not rows:
            self.query_one("#problem", Static).update("The row is empty: fill in at least one field, or cancel.")
            return
        self.dismiss(rows[0])

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()
