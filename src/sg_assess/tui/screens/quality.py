"""The quality check: every gap, each linked to its question and naming the principle it serves."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from sg_assess.quality import Gap
from sg_assess.questionnaire.principles import principle_title
from sg_assess.safetext import one_line, visible

KIND_LABELS = {"urgent": "URGENT", "missing": "Not answered", "gap": "Gap"}


def gap_content(gap: Gap) -> Content:
    serves = ", ".join(principle_title(p) for p in gap.principles)
    message = gap.message.removeprefix("Not answered: ")
    line = f"{KIND_LABELS[gap.kind]}: {message}" + (f"  (serves: {serves})" if serves else "")
    return Content(one_line(visible(line)))


class QualityScreen(ModalScreen[str | None]):
    """Returns the id of the question to go to, or None."""

    BINDINGS = [Binding("escape", "close", "Back to the assessment", id="quality.close")]

    def __init__(self, gaps: list[Gap]) -> None:
        super().__init__()
        self.gaps = gaps

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="quality"):
            count = len(self.gaps)
            if count:
                title = f"Quality check: {count} thing{'s' if count != 1 else ''} to look at"
            else:
                title = "Quality check: nothing missing"
            yield Label(title, classes="title")
            yield Static("Enter goes to the question. You can still leave the assessment as a draft.", classes="hint")
            if self.gaps:
                yield OptionList(*[Option(gap_content(g), id=str(i)) for i, g in enumerate(self.gaps)], id="gaps")
            else:
                yield Static("Every required question is answered and no gap was found.", id="no-gaps")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.gaps[int(event.option.id or 0)].question_id)

    def action_close(self) -> None:
        self.dismiss(None)
