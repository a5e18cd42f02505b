"""Every comment on an assessment (ctrl+r in the editor), and the banner of a returned one."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from sg_assess.records import AssessmentRecord, ReviewRecord
from sg_assess.tui.text import literal


def when(at: str) -> str:
    return at[:16].replace("T", " ")


def comments_text(record: AssessmentRecord) -> str:
    """Every comment, oldest first, each naming its author, role, section and time."""
    titles = {s.id: s.title for s in record.questionnaire.sections}
    lines = []
    for c in record.comments:
        where = titles.get(c.section_id, "the assessment") if c.section_id else "the assessment"
        lines.append(f"{record.person(c.author, c.role)} on {where}, {when(c.at)}{' (reply)' if c.parent_id else ''}:\n{c.text}\n")
    return "\n".join(lines)


def last_return(record: AssessmentRecord) -> ReviewRecord | None:
    """The supervisor's return that made this assessment editable again, if it is returned now."""
    if record.summary.status != "returned":
        return None
    returns = [r for r in record.reviews if r.decision == "returned"]
    return returns[-1] if returns else None


def return_banner(review: ReviewRecord, record: AssessmentRecord) -> str:
    return (f"Returned by {record.person(review.actor)} on {when(review.at)} UTC. What needs to change:\n{review.comment or ''}\n"
            "(ctrl+r: every comment; F3 submits again)")


class CommentsScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,ctrl+r", "close", "Close", id="comments.close")]
    AUTO_FOCUS = "#comments-scroll"  # arrows and page keys scroll a long thread at once

    def __init__(self, record: AssessmentRecord) -> None:
        super().__init__()
        self.record = record

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide", id="comments-scroll"):
            yield Label(f"Comments ({len(self.record.comments)})", classes="title")
            yield Static(literal(comments_text(self.record) or "No comments yet (F9 adds one)."), id="comments-text")
            yield Static("F9 in the editor adds a comment. Escape closes this.", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
