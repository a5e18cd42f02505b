"""Add or edit one row of a repeating group (a person, a safety-scale score, a next step)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Checkbox, Input, Label, Select

from sg_assess.errors import ValidationError
from sg_assess.questionnaire.rows import ROW_TYPES
from sg_assess.questionnaire.schema import Question
from sg_assess.questionnaire.values import normalize
from sg_assess.safetext import visible
from sg_assess.tui.dialogs.forms import Form
from sg_assess.tui.text import literal_line
from sg_assess.tui.widgets.marks import MarkedCheckbox
from sg_assess.tui.widgets.inputs import DateValidator, LineInput


class RowDialog(Form[dict[str, Any]]):
    """Returns the row, checked as the store will check it, or None."""

    AUTO_FOCUS = "Input, Checkbox"  # typing after 'a' goes straight into the first field
    SAVE_LABEL = "Save row (ctrl+s)"

    def __init__(self, question: Question, row: dict[str, Any] | None) -> None:
        super().__init__()
        self.question = question
        self.row = row or {}
        self.TITLE_TEXT = ("Edit" if self.row else "Add") + ": " + question.prompt

    def fields(self) -> ComposeResult:
        # One line a field, the label beside it: a whole row fits a 24-line terminal with its title and buttons.
        # Field-driven: the row type's one definition (questionnaire/rows.py) gives fields, labels and choices.
        fields = ROW_TYPES[self.question.kind].fields
        # More than six fields (people, next steps): no blank line between them, or they would not fit.
        with Grid(classes="row-fields dense" if len(fields) > 6 else "row-fields"):
            for f in fields:
                value = self.row.get(f.name)
                if f.type == "bool":
                    checked = value if value is not None else f.default_true
                    yield Label("")
                    yield MarkedCheckbox(f.label, value=bool(checked), id=f"f-{f.name}", compact=True)
                    continue
                yield Label(f.label + (" (0 to 10)" if f.type == "score" else ""), classes="field-label")
                if f.type == "choice":
                    options = [(words, cid) for cid, words in f.choices]
                    if isinstance(value, str) and value and value not in {c for c, _ in f.choices}:
                        options.append((literal_line(value + " (as written in version 1)"), value))  # v1 text kept
                    yield Select(options, value=value if value else Select.NULL, id=f"f-{f.name}", allow_blank=True,
                                 prompt="(not given)", compact=True)
                    continue
                text = "" if value is None else visible(str(value))
                if f.type == "date":
                    yield Input(text, id=f"f-{f.name}", placeholder="YYYY-MM-DD", validators=[DateValidator()],
                                compact=True)
                else:
                    yield LineInput(text, id=f"f-{f.name}", type="integer" if f.type == "score" else "text", compact=True)

    def collect(self) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for f in ROW_TYPES[self.question.kind].fields:
            widget = self.query_one(f"#f-{f.name}", {"bool": Checkbox, "choice": Select}.get(f.type, Input))
            value = widget.value
            row[f.name] = None if value is Select.NULL else value
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
