"""Review: the assessment read-only with its quality check, comments and history, and the decision."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Label, Markdown, Static

from sg_assess.export.markdown import render_markdown
from sg_assess.quality import Gap
from sg_assess.statuses import status_words
from sg_assess.records import AssessmentRecord
from sg_assess.tui.keys import help_key, own_footer
from sg_assess.tui.screens.comments import comments_text
from sg_assess.tui.text import literal, literal_line

if TYPE_CHECKING:
    from sg_assess.tui.app import SgApp


class ReviewScreen(Screen[None]):
    BINDINGS = [
        help_key(),
        Binding("f3", "sign_off", "Sign off", id="review.sign_off"),
        Binding("f6", "return", "Return", id="review.return"),
        Binding("f5", "quality", "Quality check", id="review.quality"),
        Binding("f9", "comment", "Comment", id="review.comment"),
        Binding("f4", "history", "History", id="review.history"),
        Binding("escape", "back", "Back", id="review.back"),
    ]

    app: SgApp

    def __init__(self, record: AssessmentRecord, gaps: list[Gap]) -> None:
        super().__init__()
        self.record = record
        self.gaps = gaps

    def compose(self) -> ComposeResult:
        s = self.record.summary
        yield Header()
        with Horizontal(id="review-body"):
            with VerticalScroll(id="review-doc"):
                yield Markdown("_Preparing the assessment…_", open_links=False)
            with Vertical(id="review-side"):
                yield Label(literal_line(f"{s.child_name} · {status_words(s.status)}"), classes="title")
                yield Label(literal_line(f"By {s.practitioner}; submitted {(s.submitted_at or '')[:10]}"))
                reason = submit_reason(self.record)
                if reason is not None:
                    text, accepted = reason
                    yield Static(literal(f"Submitted with {accepted} gap{'s' if accepted != 1 else ''} accepted, "
                                         f"because: {text}"), id="review-reason")
                count = len(self.gaps)
                yield Static(f"Quality check: {count} gap{'s' if count != 1 else ''} (F5)", id="review-gaps")
                yield Label(f"Comments ({len(self.record.comments)})", classes="subtitle")
                yield Static(literal(comments_text(self.record) or "None yet."), id="review-comments")
                yield Static("F3 sign off · F6 return with a comment · F9 comment · F4 history", classes="hint")
        yield own_footer()

    def on_mount(self) -> None:
        self.sub_title = "Review (read-only)"
        self.query_one("#review-doc").focus()
        self.query_one(Markdown).update(render_markdown(self.record))

    def refused(self, what: str) -> bool:
        """Say at once, before any form, why this person may not return or sign off this assessment."""
        from sg_assess import quality
        from sg_assess.errors import SgError
        from sg_assess.store.supervision import editors_of, reviewer_refusal, sign_off_refusal

        record = self.record
        try:
            reason = reviewer_refusal(record.id, record.summary.status,
                                      editors_of(record.history, record.summary.practitioner, record.owner),
                                      self.app.user, self.app.role, what)
        except SgError as exc:  # a role that is neither practitioner nor supervisor
            reason = str(exc)
        if reason is None and what == "sign off":  # the store's own checks that do not depend on the form
            refusal = sign_off_refusal(record, quality.urgent(self.gaps), return_how="F6 returns it")
            reason = None if refusal is None else str(refusal)
        if reason:
            self.notify(reason, title="Not signed off" if what == "sign off" else "Not returned", severity="error",
                        timeout=12, markup=False)
        return reason is not None

    def action_sign_off(self) -> None:
        from sg_assess.tui.dialogs.forms import SignOffDialog

        from sg_assess.store.supervision import recorded_outcome

        if self.refused("sign off"):
            return
        recorded, _ = recorded_outcome(self.record)  # refused above where the questionnaire asks for one unrecorded
        dialog = SignOffDialog(None if recorded is None else str(recorded))
        self.app.push_screen(dialog.keep_open_until_done(
            lambda r, finished: self.app.decide(self.record.id, "sign_off", r, finished)))

    def action_return(self) -> None:
        from sg_assess.tui.dialogs.forms import TextDialog

        if self.refused("return"):
            return

        dialog = TextDialog("Return to the practitioner", "What needs to change? (required)", save_label="Return (ctrl+s)")
        self.app.push_screen(dialog.keep_open_until_done(
            lambda note, finished: self.app.decide(self.record.id, "return", note, finished)))

    def action_comment(self) -> None:
        self.app.ask_comment(self.record.id)

    def action_quality(self) -> None:
        from sg_assess.tui.screens.quality import QualityScreen

        self.app.push_screen(QualityScreen(self.gaps))

    def action_history(self) -> None:
        self.app.show_history(self.record)

    def action_back(self) -> None:
        self.dismiss(None)


def submit_reason(record: AssessmentRecord) -> tuple[str, int] | None:
    """The reason given at the latest submission (when it went with gaps open) and how many gaps it accepted."""
    last = next((h for h in reversed(record.history) if h.kind == "submitted"), None)
    if last is None or not isinstance(last.after, dict) or not last.after.get("reason"):
        return None
    return last.after["reason"], len(last.after.get("accepted") or [])
