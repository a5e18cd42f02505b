"""Add or edit one row of a repeating group (a person, a safety-scale score, a next step)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Label

from sg_assess.errors import ValidationError
from sg_assess.questionnaire.schema import Question
from sg_assess.questionnaire.values import GROUP_FIELDS, normalize
from sg_assess.safetext import visible
from sg_assess.tui.dialogs.forms import _Form
from sg_assess.tui.widgets.questions import GROUP_LABELS, DateValidator

DEFAULT_TRUE = {"involved"}


class RowDialog(_Form[dict[str, Any]]):
    """Returns the row, checked as the store will check it, or None."""

    AUTO_FOCUS = "Input, Checkbox"  # typing after 'a' goes straight into the first field
    SAVE_LABEL = "Save row (ctrl+s)"

    def __init__(self, question: Question, row: dict[str, Any] | None) -> None:
        super().__init__()
        self.question = question
        self.row = row or {}
        self.TITLE_TEXT = ("Edit" if self.row else "Add") + ": " + question.prompt

    def fields(self) -> ComposeResult:
        labels = GROUP_LABELS[self.question.kind]
        for name, ftype in GROUP_FIELDS[self.question.kind].items():
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

    def collect(self) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for name, ftype in GROUP_FIELDS[self.question.kind].items():
            widget = self.query_one(f"#f-{name}", Checkbox if ftype == "bool" else Input)
            row[name] = widget.value
        return row

    def result(self) -> dict[str, Any] | str:
        try:
            rows = normalize(self.question, [self.collect()])
        except ValidationError as exc:
            return str(exc).replace("; nothing was saved", "")
        return rows[0] if rows else "The row is empty: fill in at least one field, or cancel."

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()
