"""The editor: one section at a time, every answer autosaved, nothing lost.

The answers shown are the saved ones plus any still waiting to be saved (the
autosaver's pending answers), so what is on screen, in the quality check and
in the preview is always what the person typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Label, ListItem, ListView, ProgressBar, Static

from sg_assess.export.markdown import BAND_NAMES
from sg_assess.questionnaire.schema import Questionnaire, Section
from sg_assess.statuses import status_words
from sg_assess.records import AssessmentRecord, Conflict
from sg_assess.tui.autosave import Autosaver, SaveState
from sg_assess.tui.keys import help_key, own_footer
from sg_assess.tui.screens.comments import last_return, return_banner
from sg_assess.tui.text import literal, literal_line, plain_line
from sg_assess.tui.widgets.questions import QuestionBlock, block_for

if TYPE_CHECKING:
    from collections.abc import Callable

    from sg_assess.tui.app import SgApp


def read_only_reason(record: AssessmentRecord, user: str) -> str | None:
    """Why this person cannot edit this assessment now, or None if they can.

    The store's rule decides (check_editable); this only says it in the app's words.
    """
    from sg_assess.errors import Refused
    from sg_assess.store.supervision import check_editable

    status = record.summary.status
    try:
        check_editable(record.id, status, record.owner, user or record.owner)
        return None
    except Refused:
        pass
    if status == "signed_off":
        return "signed off; corrections are addenda (F12)"
    if status == "submitted":
        return "submitted for review; it can be edited again if a supervisor returns it"
    return f"only {record.owner} can edit it (they can hand it over to you)"


def section_comments(record: AssessmentRecord, section_id: str, *, first: bool) -> str:
    """Comments on this section (and, on the first section, on the whole assessment), oldest first."""
    chosen = [c for c in record.comments if c.section_id == section_id or (first and c.section_id is None)]
    return "\n".join(f"💬 {record.person(c.author, c.role)}, {c.at[:16].replace('T', ' ')}"
                     f"{' (reply)' if c.parent_id else ''}: {c.text}" for c in chosen)


class EditorScreen(Screen[None]):
    BINDINGS = [
        help_key(),
        Binding("f2", "toggle_guidance", "Guidance", id="editor.guidance"),
        Binding("f5", "quality", "Check", id="editor.quality"),
        Binding("f6", "preview", "Preview", id="editor.preview"),
        # The footer shows what a practitioner needs most; F1 lists every key.
        Binding("f7", "previous_section", "Prev section", id="editor.prev", show=False),
        Binding("f8", "next_section", "Next section", id="editor.next", show=False),
        Binding("ctrl+s", "save_now", "Save now", id="editor.save", show=False),
        Binding("f3", "submit", "Submit", id="editor.submit"),
        Binding("f4", "history", "History", id="editor.history", show=False),
        Binding("f9", "comment", "Comment", id="editor.comment"),
        Binding("f12", "addendum", "Addendum", id="editor.addendum", show=False),
        Binding("ctrl+r", "read_comments", "Read comments", id="editor.comments", show=False),
        Binding("escape", "close", "Home", id="editor.close"),
    ]

    app: SgApp
    KEYS_THAT_MOVE_FOCUS = ("f7", "f8")  # keys typed after them wait for the new section's first question

    def __init__(self, record: AssessmentRecord, *, autosave_delay: float = 1.0, focus_unanswered: bool = False,
                 user: str = "") -> None:
        super().__init__()
        self.record = record
        self.read_only = read_only_reason(record, user)
        self.q: Questionnaire = record.questionnaire
        self.band = record.summary.age_band
        self.answers: dict[str, Any] = dict(record.answers)
        self.sections: list[Section] = [s for s in self.q.sections
                                        if any(q.ages is None or self.band in q.ages for q in s.questions)]
        self.current = 0
        self.focus_unanswered = focus_unanswered
        self.guidance_open = False
        # Text that cannot be saved as it is (an impossible date): question id -> (text, why). Kept when the
        # section changes, shown again when it comes back, and the status line never says "saved" meanwhile.
        self.unsaved: dict[str, tuple[str, str]] = {}
        self._leave_anyway = False
        self._key_hold: str | None = None  # keys typed while a section is mounted wait for its first question
        self._was_unreachable = False  # saving failed because the team database could not be reached
        self._leave_refused = False  # told that what waits was refused for good: Escape again leaves
        self.autosaver = Autosaver(self._save, delay=autosave_delay, on_state=self._on_save_state,
                                   on_conflict=self._on_conflict, stored=record.answers)

    # -- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="editor-body"):
            with Vertical(id="sidebar"):
                who = f"{self.record.summary.child_name} · {BAND_NAMES.get(self.band, self.band)}"
                yield Static(literal_line(who), id="child-band")
                yield ProgressBar(total=1, show_eta=False, id="progress")
                yield ListView(*[ListItem(Label("", id=f"mark-{i}")) for i in range(len(self.sections))], id="sections")
            with Vertical(id="editor-main"):
                # A returned assessment says who returned it and why above the section, never scrolled past.
                returned = last_return(self.record)
                if returned is not None:
                    yield Static(literal(return_banner(returned, self.record)), id="returned-banner")
                yield VerticalScroll(id="section")
        yield Static("", id="status")
        yield own_footer()

    def on_mount(self) -> None:
        self.title = f"sg-assess · {plain_line(self.record.summary.child_name)[:40]}"
        self.refresh_marks()
        self._on_save_state(self.autosaver.state)
        target = self.first_unanswered() if self.focus_unanswered else None
        if target:
            self.show_section(self._section_index(target), focus=target)
        else:
            self.show_section(0)

    # -- sections -----------------------------------------------------------------------

    def _section_index(self, qid: str) -> int:
        section = self.q.section_of(qid)
        return next((i for i, s in enumerate(self.sections) if s is section), 0)

    def show_section(self, index: int, *, focus: str | None = None) -> None:
        """Show one section (only this one is mounted: a long questionnaire opens as fast as a short one)."""
        self.autosaver.flush()
        self.current = max(0, min(index, len(self.sections) - 1))
        sections = self.query_one("#sections", ListView)
        if sections.index != self.current:
            sections.index = self.current
        # Keys typed while the section is mounted wait for its first question to have the focus (issue 8.1).
        previous, self._key_hold = self._key_hold, self.app.hold_keys("mount")
        self.app.release_keys(previous)  # a mount still under way is cancelled by this one
        self.run_worker(self._mount_section(self.sections[self.current], focus), exclusive=True, group="section")

    async def _mount_section(self, section: Section, focus: str | None) -> None:
        container = self.query_one("#section", VerticalScroll)
        await container.remove_children()
        widgets: list[Any] = [Label(literal_line(section.title), classes="section-title"),
                              Static(literal(section.guidance), classes="section-guidance")]
        if any(q.ages is not None for q in section.questions):
            widgets.append(Static(f"Prompts for the child's age band: {BAND_NAMES.get(self.band, self.band)}",
                                  classes="band-note"))
        notes = section_comments(self.record, section.id, first=section is self.sections[0])
        if notes:
            widgets.append(Static(literal(notes), classes="section-comments"))
        blocks = [block_for(q, self.answers.get(q.id)) for q in section.questions if q.ages is None or self.band in q.ages]
        for block in blocks:
            block.disabled = bool(self.read_only)
        await container.mount_all([*widgets, *blocks])
        for block in blocks:
            if isinstance(block, QuestionBlock) and block.question.id in self.unsaved:
                block.query_one(Input).value = self.unsaved[block.question.id][0]  # shown again, marked invalid
        container.scroll_home(animate=False)
        self._after_mount(focus)

    def _after_mount(self, focus: str | None) -> None:
        self.update_visibility()
        for block in self.query(QuestionBlock):
            block.toggle_guidance(self.guidance_open)
        blocks = [b for b in self.query(QuestionBlock) if b.display]
        target = next((b for b in blocks if b.question.id == focus), blocks[0] if blocks else None)
        if target is not None:
            target.focus_input()
        self.app.call_later(self.app.release_keys, self._key_hold)  # after the focus change (it is queued too)
        if target is not None:
            if focus:
                # After layout: straight after mounting the new blocks have no size yet, and nothing would scroll.
                container = self.query_one("#section", VerticalScroll)
                self.call_after_refresh(container.scroll_to_widget, target, animate=False, top=True, immediate=True)

    def update_visibility(self) -> None:
        for block in self.query(QuestionBlock):
            block.display = self.q.is_shown(block.question, self.band, self.answers)

    def refresh_marks(self) -> None:
        from sg_assess.questionnaire.scale import scale_rows, scale_summary

        scale = scale_summary(scale_rows(self.q, self.answers), self.record.summary.practitioner)
        # Short, so the header shows it whole at 100 columns: "worker 3, range 3-9" ("no worker score, range ...").
        worker = f"worker {scale.worker_score}" if scale.worker_score is not None else "no worker score"
        score = f"{worker}, range {scale.score_range} · " if scale.low is not None else ""
        if score:  # the score before the questionnaire's title, which is what the header cuts short
            self.sub_title = (f"{status_words(self.record.summary.status)} · {score}{plain_line(self.q.title)} "
                              f"v{self.q.version}")
        else:
            self.sub_title = f"{plain_line(self.q.title)} v{self.q.version} · {status_words(self.record.summary.status)}"
        done, total = self.q.completeness(self.band, self.answers)
        progress = self.query_one("#progress", ProgressBar)
        progress.update(total=max(total, 1), progress=done)
        for i, section in enumerate(self.sections):
            s_done, s_total = self.section_completeness(section)
            mark = "✓" if s_done == s_total else "•"
            self.query_one(f"#mark-{i}", Label).update(literal_line(f"{mark} {s_done}/{s_total} {section.title}"))

    def section_completeness(self, section: Section) -> tuple[int, int]:
        required = [q for q in section.questions if q.required and self.q.is_shown(q, self.band, self.answers)]
        return sum(q.id in self.answers for q in required), len(required)

    def first_unanswered(self) -> str | None:
        shown = [q for s in self.sections for q in s.questions if self.q.is_shown(q, self.band, self.answers)]
        for pick in (lambda q: q.required, lambda q: True):
            found = next((q.id for q in shown if pick(q) and q.id not in self.answers), None)
            if found:
                return found
        return None

    @on(ListView.Selected, "#sections")
    def _section_chosen(self, event: ListView.Selected) -> None:
        if event.list_view.index is not None and event.list_view.index != self.current:
            self.show_section(event.list_view.index)

    # -- answers and saving -------------------------------------------------------------

    @on(QuestionBlock.Changed)
    def _answer_changed(self, event: QuestionBlock.Changed) -> None:
        was_answered = event.question_id in self.answers
        if event.value is None:
            self.answers.pop(event.question_id, None)
        else:
            self.answers[event.question_id] = event.value
        self.autosaver.note(event.question_id, event.value)
        condition = any(q.show_if and q.show_if.question == event.question_id for q in self.q.questions())
        if condition:
            self.update_visibility()
        if condition or was_answered != (event.question_id in self.answers):
            self.refresh_marks()  # only when completeness can change: not on every keystroke

    @on(QuestionBlock.Unsaved)
    def _unsaved(self, event: QuestionBlock.Unsaved) -> None:
        qid = event.block.question.id
        if event.text is None:
            if self.unsaved.pop(qid, None) is None:
                return
        else:
            self.unsaved[qid] = (event.text, event.reason)
            self._leave_anyway = False
        self._on_save_state(self.autosaver.state)

    @on(QuestionBlock.Left)
    def _left_question(self) -> None:
        self.autosaver.flush()

    def _save(self, question_id: str, value: Any, expected: Any) -> Any:
        """Runs on the autosave thread."""
        return self.app.store().save_answer(self.record.id, question_id, value, actor=self.app.user, role=self.app.role,
                                            expected=expected)

    def _on_conflict(self, conflict: Conflict) -> None:
        """Someone else saved this answer meanwhile: show what is stored now and say so."""
        question = self.q.question(conflict.question_id)
        prompt = question.prompt if question else conflict.question_id
        if conflict.merged:
            self.answers[conflict.question_id] = conflict.saved_value
            for block in self.query(QuestionBlock):
                if block.question.id == conflict.question_id:
                    block.show_value(conflict.saved_value)
            kept = "Both versions are kept in the answer; edit it to keep what is right."
        else:
            kept = "Your answer was saved; theirs is kept in the history (F4)."
        # On a team database only the owner edits a draft: the other change is usually their own, made in
        # another window or on another computer under the same login.
        who = (f"You ({conflict.other_actor}) also changed '{prompt}' somewhere else (another window or computer)"
               if conflict.other_actor == self.app.user else f"{conflict.other_actor} also changed '{prompt}'")
        self.notify(f"{who} at the same time. {kept}",
                    title="Changed in two places", severity="warning", timeout=60, markup=False)

    def _on_save_state(self, state: SaveState) -> None:
        from textual.css.query import NoMatches

        if not self.is_attached:
            return  # the last flush on leaving the screen: nothing left to show it on
        try:
            status = self.query_one("#status", Static)
        except NoMatches:  # the screen is being taken down (the app closing): its widgets have gone
            return
        if self.read_only:
            status.update(literal_line(f"Read-only: {self.read_only}"))
            return
        if state.error and state.unreachable:
            self._was_unreachable = True
            status.update(literal_line(
                "NOT SAVED: the team database cannot be reached -- retrying (ctrl+s: now). Your text is kept; "
                "F6 exports what you have."))
            status.set_class(True, "warning")
            return
        if self._was_unreachable and not state.pending and not state.error:
            self._was_unreachable = False
            self.notify("The team database is back: every answer that was waiting is saved.", title="Saved",
                        timeout=8, markup=False)
        if state.error:
            status.update(literal_line(
                f"NOT SAVED: {state.error}. Your text is kept and saving is retried; F6 exports what you have."))
            status.set_class(True, "warning")
            return
        if self.unsaved:
            qid, (text, reason) = next(iter(self.unsaved.items()))
            question = self.q.question(qid)
            status.update(literal_line(f"NOT SAVED: '{text}' in '{question.prompt if question else qid}': {reason}. "
                                       "Correct it or clear it."))
            status.set_class(True, "warning")
            return
        status.set_class(False, "warning")
        saved = f"Saved at {state.last_saved:%H:%M:%S}" if state.last_saved else "All answers saved"
        waiting = f" · {state.pending} change{'s' if state.pending != 1 else ''} waiting" if state.pending else ""
        status.update(saved + waiting)

    def action_save_now(self) -> None:
        """ctrl+s: save now (also: try again at once while saving fails)."""
        self.autosaver.flush()

    def flush_now(self) -> bool:
        """Save everything before leaving (quit, signals, closing the screen)."""
        return self.autosaver.flush_sync()

    def current_record(self) -> AssessmentRecord:
        """The record as on screen: saved answers plus those still waiting to be saved."""
        return self.record.with_answers(self.answers)

    # -- other screens ------------------------------------------------------------------

    def focused_question(self) -> QuestionBlock | None:
        node = self.focused
        while node is not None and not isinstance(node, QuestionBlock):
            node = node.parent  # type: ignore[assignment]
        return node

    def action_toggle_guidance(self) -> None:
        self.guidance_open = not self.guidance_open
        for block in self.query(QuestionBlock):
            block.toggle_guidance(self.guidance_open)

    def action_previous_section(self) -> None:
        if self.current > 0:
            self.show_section(self.current - 1)
        self.app.key_moved_focus()

    def action_next_section(self) -> None:
        if self.current < len(self.sections) - 1:
            self.show_section(self.current + 1)
        self.app.key_moved_focus()

    def go_to_question(self, qid: str) -> None:
        self.show_section(self._section_index(qid), focus=qid)

    def action_quality(self) -> None:
        from sg_assess import quality
        from sg_assess.tui.screens.quality import QualityScreen

        def chosen(qid: str | None) -> None:
            if qid:  # after the dialog has gone and focus has been given back, go to the question
                self.call_after_refresh(self.go_to_question, qid)

        self.app.push_screen(QualityScreen(quality.check(self.current_record())), chosen)

    def action_preview(self) -> None:
        from sg_assess.tui.screens.preview import PreviewScreen

        self.autosaver.flush()
        self.app.push_screen(PreviewScreen(self.current_record()))

    def action_close(self) -> None:
        if self.unsaved and not self._leave_anyway:
            self._leave_anyway = True  # said once; Escape again leaves without it
            qid = next(iter(self.unsaved))
            question = self.q.question(qid)
            self.notify(f"'{question.prompt if question else qid}' holds '{self.unsaved[qid][0]}', which is not a date "
                        "and is not saved. Correct it, or press Escape again to leave without it.",
                        title="Not saved", severity="warning", timeout=15, markup=False)
            if (index := self._section_index(qid)) != self.current:
                self.show_section(index, focus=qid)
            return
        if not self.flush_now():
            state = self.autosaver.state
            if state.permanent:
                # Refused for good (handed over or submitted elsewhere meanwhile): said once, then Escape leaves.
                if self._leave_refused:
                    self.dismiss(None)
                    return
                self._leave_refused = True
                self.notify(f"Not saved: {state.error}. Press F6 to export what you typed, or Escape again to "
                            "leave without it.", title="Not closed", severity="warning", timeout=20, markup=False)
                return
            # Closing now would drop what is waiting (the team database gone, a full disk): it stays here.
            self.notify(f"{state.pending} answer(s) could not be saved yet and stay on screen; "
                        "saving is retried. Press F6 to export what you have.", title="Not closed",
                        severity="warning", timeout=15, markup=False)
            return
        self.dismiss(None)

    @property
    def refused_for_good(self) -> bool:
        """What waits here cannot be saved by trying again, and the person has been told (Escape once)."""
        return self.autosaver.state.permanent and self._leave_refused

    def action_submit(self) -> None:
        """F3: refused at once if this person cannot submit; otherwise asked first, naming every gap.

        While required answers are missing or an urgent gap is open (quality.blocking_submission) the dialog
        asks why it should go now, and the reason goes with it (into the history, the review and the export).
        """
        from sg_assess import quality
        from sg_assess.tui.dialogs.forms import SubmitDialog

        if self.read_only:
            self.notify(f"This assessment is read-only: {self.read_only}.", title="Not submitted", severity="error", timeout=12, markup=False)
            return
        found = quality.check(self.current_record())
        gaps = [f"Urgent: {g.message}" if g.kind == "urgent" else g.message for g in found]
        blocking = [g.message for g in quality.blocking_submission(found)]

        def submit(reason: str | None, finished: Callable[[str | None], None]) -> None:
            if not self.flush_now():
                finished("Not submitted: some answers are not saved yet; submit once they are.")
                return
            self.app.submit_assessment(self.record.id, then=lambda: (finished(None), self.dismiss(None)),
                                       reason=reason, on_refused=finished)

        self.app.push_screen(SubmitDialog(gaps, blocking, submit=submit))

    def action_read_comments(self) -> None:
        from sg_assess.tui.screens.comments import CommentsScreen

        self.app.push_screen(CommentsScreen(self.record))

    def action_history(self) -> None:
        self.app.show_history_of(self.record.id)

    def action_comment(self) -> None:
        section = self.sections[self.current].id
        thread = [c for c in self.record.comments if c.section_id == section]
        self.app.ask_comment(self.record.id, section_id=section, reply_to=thread[-1].id if thread else None,
                             then=self._reload_comments)

    def action_addendum(self) -> None:
        if self.record.summary.status != "signed_off":
            self.notify("Addenda are for signed-off assessments; change the answers instead.", markup=False)
            return
        self.app.ask_addendum(self.record.id, then=self._reload_comments)

    def _reload_comments(self) -> None:
        from sg_assess.errors import SgError

        try:
            self.record = self.app.store().get(self.record.id, with_history=False).with_answers(self.answers)
        except SgError as exc:  # the team database gone since: the comment is saved, only not shown yet
            self.notify(f"Saved, but the comments cannot be shown again yet: {exc}", title="Not refreshed",
                        severity="warning", markup=False)
            return
        self.show_section(self.current)

    def on_unmount(self) -> None:
        self.autosaver.close()
