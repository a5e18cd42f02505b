"""Small typed dialogs: a piece of text, a sign-off, an addendum, who the user is."""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable
from typing import Any, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Select, Static, TextArea

from sg_assess.tui.text import literal, literal_line
from sg_assess.tui.widgets.answer_area import AnswerArea
from sg_assess.tui.widgets.marks import MarkedRadioButton

# What a person types or chooses in a dialog, in screen order: the first of them has the focus when the dialog
# opens (not the dialog's scrolling frame, which is focusable too and would swallow the first words typed).
FIELDS = "Input, TextArea, Checkbox, RadioSet, Select"


T = TypeVar("T")


class Form(ModalScreen[T | None]):
    """A dialog with fields, a problem line, Save (ctrl+s) and Cancel (Esc)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="form.cancel"), Binding("ctrl+s", "save", "Save", id="form.save")]
    AUTO_FOCUS = FIELDS
    TITLE_TEXT = ""
    SAVE_LABEL = "Save (ctrl+s)"
    CAN_CANCEL = True
    CANCEL_LABEL = "Cancel (Esc)"
    _as_opened: list[Any] | None = None
    _act: Callable[[Any, Callable[[str | None], None]], None] | None = None
    _pending: Any = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Label(literal_line(self.TITLE_TEXT), classes="title")
            for widget in self.fields():
                if isinstance(widget, Input):  # Tab into a filled field must not select it: a letter would replace it
                    widget.select_on_focus = False
                yield widget
            yield Static("", id="problem", classes="problem")
            with Horizontal(classes="buttons"):
                yield Button(self.SAVE_LABEL, id="save", variant="primary")
                if self.CAN_CANCEL:
                    yield Button(self.CANCEL_LABEL, id="cancel")

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def result(self) -> T | str:
        """The dialog's value, or a string saying what is missing."""
        raise NotImplementedError

    def on_mount(self) -> None:
        self._as_opened = self.field_values()
        for field in self.query(Input):
            # Textual selects an Input's text when its Focus event is handled, and that event can be handled
            # after the first keys typed into the field: they were selected, and the next key replaced them
            # ("Sam Senior" became "m Senior" in a real terminal at 30 ms a key).
            field.select_on_focus = False

    def field_values(self) -> list[Any]:
        """What every field holds now (to tell whether anything was typed or chosen since the dialog opened)."""
        values: list[Any] = []
        for widget in self.query(FIELDS):
            if isinstance(widget, TextArea):
                values.append(widget.text)
            elif isinstance(widget, RadioSet):
                values.append(widget.pressed_index)
            elif isinstance(widget, (Input, Checkbox, Select)):
                values.append(widget.value)
        return values

    def touched(self) -> bool:
        return self._as_opened is not None and self.field_values() != self._as_opened

    def keep_open_until_done(self, act: Callable[[T, Callable[[str | None], None]], None]) -> Form[T]:
        """Save runs ``act(value, finished)`` and the dialog stays open until it calls ``finished``.

        ``finished(None)``: done, the dialog closes.  ``finished(refusal)``: the refusal is shown in the dialog
        and what was typed stays in it (a refused return or sign-off never throws the typed comment away).
        """
        self._act = act
        return self

    def action_save(self) -> None:
        if self._pending is not None:
            return  # already saving
        value = self.result()
        if isinstance(value, str):
            self.query_one("#problem", Static).update(literal_line(value))
            return
        if self._act is None:
            self.dismiss(value)
            return
        self._pending = value
        self.query_one("#problem", Static).update("Saving…")
        self._act(value, self.finished)

    def finished(self, refusal: str | None) -> None:
        value, self._pending = self._pending, None
        if refusal is None:
            self.dismiss(value)
        else:
            self.query_one("#problem", Static).update(literal_line(refusal))

    def action_cancel(self) -> None:
        """Escape: an untouched dialog closes at once; typed text is never thrown away without asking."""
        if not self.touched():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog("Discard what you typed?", "What you typed in this dialog is not saved.",
                                           confirm_label="Discard (ctrl+s)", cancel_label="Keep editing (Esc)"),
                             answered)

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()


class ConfirmDialog(ModalScreen[bool]):
    """Yes or no, with the safe answer (cancel) focused: Enter on it, or Escape, changes nothing.

    ctrl+s (or the first button) confirms, as it saves in every other dialog.
    """

    BINDINGS = [Binding("escape", "answer(False)", "Cancel"), Binding("ctrl+s", "answer(True)", "Confirm")]
    AUTO_FOCUS = "#cancel"
    DEFAULT_CSS = """
    ConfirmDialog .details { height: auto; max-height: 6; margin-top: 1; }
    """

    def __init__(self, question: str, details: str = "", *, note: str = "", confirm_label: str = "Yes (ctrl+s)",
                 cancel_label: str = "Cancel (Esc)") -> None:
        super().__init__()
        self.question = question
        self.note = note  # always in view, under the question
        self.details = details  # may be long: scrolls in a box of its own, so the question and buttons stay in view
        self.confirm_label = confirm_label
        self.cancel_label = cancel_label

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Label(literal_line(self.question), classes="title")
            yield from self.body()
            with Horizontal(classes="buttons"):
                yield Button(self.confirm_label, id="confirm", variant="warning")
                yield Button(self.cancel_label, id="cancel", variant="primary")

    def body(self) -> ComposeResult:
        if self.note:
            yield Static(literal(self.note), classes="hint")
        if self.details:
            with VerticalScroll(classes="details"):
                yield Static(literal(self.details), id="details")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        self.action_answer(True)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_answer(False)


class SubmitDialog(ConfirmDialog):
    """F3 in the editor: submitting locks the record until a supervisor returns it, so it is asked first,
    naming every gap and missing required answer.

    While ``blocking`` is not empty (required answers missing, urgent gaps open: quality.blocking_submission)
    it goes only with a reason: the dialog asks for it in a field focused first, and refuses inside itself,
    keeping what was typed, until one is given.  ``submit(reason, finished)`` does the submitting (``reason``
    None when nothing blocks); the dialog stays open until it calls ``finished(None)`` (done: it closes) or
    ``finished(refusal)`` (shown in the dialog, the reason kept).  Without ``submit`` it closes with True.
    """

    def __init__(self, gaps: list[str], blocking: list[str] | None = None,
                 submit: Callable[[str | None, Callable[[str | None], None]], None] | None = None) -> None:
        count = len(gaps)
        self.blocking = list(blocking or [])
        shown = gaps[:30] + ([f"... and {count - 30} more (F5 lists them all)"] if count > 30 else [])
        found = (f"The quality check found {count} gap{'s' if count != 1 else ''} (listed below; F5 goes to each). "
                 if count else "Every required question is answered and no gap was found. ")
        if self.blocking:
            n = len(self.blocking)
            found += (f"{n} of them (required answers missing, urgent gaps) stop{'s' if n == 1 else ''} it going "
                      "without a reason. ")
        super().__init__("Submit for review?", "\n".join(f"- {g}" for g in shown),
                         note=found + "Once submitted it is read-only until a supervisor returns it.",
                         confirm_label="Submit (ctrl+s)", cancel_label="Cancel (Esc)")
        self.gaps = gaps
        self.submit = submit
        self.reason: str | None = None  # what was given, once submitted
        self._pending = False
        if self.blocking:
            self.AUTO_FOCUS = "#reason"  # the one thing to do before it can go

    def body(self) -> ComposeResult:
        yield from super().body()
        if self.blocking:
            yield Label("Why it should go now, with these open (kept in the history; the supervisor sees it)")
            reason = Input(id="reason", placeholder="The reason (required)")
            reason.select_on_focus = False
            yield reason
        yield Static("", id="problem", classes="problem")

    def typed(self) -> str:
        return self.query_one("#reason", Input).value if self.blocking else ""

    def action_answer(self, yes: bool) -> None:
        if yes:
            self.confirm()
            return
        if not self.typed().strip():
            self.dismiss(False)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(False)

        self.app.push_screen(ConfirmDialog("Discard what you typed?", "The reason you typed is not saved.",
                                           confirm_label="Discard (ctrl+s)", cancel_label="Keep editing (Esc)"),
                             answered)

    def confirm(self) -> None:
        if self._pending:
            return  # already submitting
        reason = self.typed().strip() if self.blocking else None
        if self.blocking and not reason:
            self.query_one("#problem", Static).update(
                "Not submitted: say why it should go now with required answers missing or an urgent gap open, "
                "or cancel and complete them.")
            self.query_one("#reason", Input).focus()
            return
        self.reason = reason
        if self.submit is None:
            self.dismiss(True)
            return
        self._pending = True
        self.query_one("#problem", Static).update("Submitting…")
        self.submit(reason, self.finished)

    def finished(self, refusal: str | None) -> None:
        self._pending = False
        if refusal is None:
            self.dismiss(True)
        else:
            self.query_one("#problem", Static).update(literal_line(refusal))


@dataclass(frozen=True)
class Note:
    text: str


class TextDialog(Form[Note]):
    """Ask for a piece of text (a comment, a reply, what needs to change)."""

    def __init__(self, title: str, prompt: str, *, save_label: str = "Save (ctrl+s)") -> None:
        super().__init__()
        self.TITLE_TEXT = title
        self.SAVE_LABEL = save_label
        self.prompt = prompt

    def fields(self) -> ComposeResult:
        yield Label(literal_line(self.prompt))
        yield AnswerArea(id="text", tab_behavior="focus", soft_wrap=True)

    def result(self) -> Note | str:
        text = self.query_one("#text", TextArea).text
        return Note(text) if text.strip() else "Write something first, or cancel."


@dataclass(frozen=True)
class SignOff:
    score: int
    reason: str
    outcome: str = ""  # the outcome the supervisor agrees with


class SignOffDialog(Form[SignOff]):
    TITLE_TEXT = "Sign off this assessment"
    SAVE_LABEL = "Sign off (ctrl+s)"

    def __init__(self, recorded: str | None = None) -> None:
        """``recorded``: the outcome the assessment records, which signing off agrees with (to disagree, the
        supervisor returns it instead); None: the questionnaire records none, so the supervisor says it in words."""
        super().__init__()
        self.recorded = recorded

    def fields(self) -> ComposeResult:
        yield Static("After sign-off nothing in the assessment can change; corrections become addenda.", classes="hint")
        if self.recorded is not None:
            yield Label("The outcome recorded in the assessment, which you agree with by signing off")
            yield Static(literal_line(f"{self.recorded} (recorded)"), id="outcome", classes="recorded-outcome")
            yield Static("If you do not agree with it, cancel (Esc) and return the assessment (F6).", classes="hint")
        else:
            yield Label("The outcome you agree with")
            yield Input(id="outcome")
        yield Label("Your safety scale score (0 to 10)")
        yield Input(id="score", type="integer", placeholder="0-10")
        yield Label("The reason for your score")
        yield AnswerArea(id="reason", tab_behavior="focus", soft_wrap=True)

    def result(self) -> SignOff | str:
        outcome = self.recorded if self.recorded is not None else self.query_one("#outcome", Input).value
        if not outcome.strip():
            return "Name the outcome you agree with."
        raw = self.query_one("#score", Input).value.strip()
        if not raw.isdigit() or not 0 <= int(raw) <= 10:
            return "The score must be a whole number from 0 to 10."
        reason = self.query_one("#reason", TextArea).text
        if not reason.strip():
            return "Give the reason for your score."
        return SignOff(int(raw), reason, outcome)


@dataclass(frozen=True)
class AddendumText:
    reason: str
    text: str


class AddendumDialog(Form[AddendumText]):
    TITLE_TEXT = "Add an addendum"

    def fields(self) -> ComposeResult:
        yield Static("The signed-off assessment stays exactly as it is; the addendum is added after it.", classes="hint")
        yield Label("Why is it needed?")
        yield Input(id="reason")
        yield Label("The addendum")
        yield AnswerArea(id="text", tab_behavior="focus", soft_wrap=True)

    def result(self) -> AddendumText | str:
        reason = self.query_one("#reason", Input).value
        text = self.query_one("#text", TextArea).text
        if not reason.strip():
            return "Say why the addendum is needed."
        if not text.strip():
            return "Write the addendum."
        return AddendumText(reason, text)


@dataclass(frozen=True)
class Identity:
    name: str
    role: str


class WhoAreYouDialog(Form[Identity]):
    """First run: the name and role recorded on every change."""

    TITLE_TEXT = "Welcome to sg-assess"
    SAVE_LABEL = "Continue (ctrl+s)"

    def __init__(self, name: str = "", role: str = "practitioner", *, first_run: bool = True,
                 reason: str | None = None) -> None:
        super().__init__()
        self.default_name = name  # on first run nothing is suggested (the computer's login is often not the name)
        self.default_role = role
        self.first_run = first_run
        self.reason = reason  # why the configured name or role cannot be used, when that is why it asks
        if first_run:
            self.CANCEL_LABEL = "Not now (Esc)"
        else:
            self.TITLE_TEXT = "Who you are"

    def fields(self) -> ComposeResult:
        if self.reason:
            yield Static(f"Your settings cannot be used: {self.reason}", classes="hint", id="why", markup=False)
        # Short: at 80x24 the whole dialog, title to buttons, must fit.
        later = " Skip it, and you are asked before opening an assessment." if self.first_run else ""
        yield Static("Recorded with every change you make; ctrl+p changes it later." + later, classes="hint")
        yield Label("Your name")
        yield Input(self.default_name, id="name", placeholder="First name and surname")
        yield Label("Your role")
        with RadioSet(id="role"):
            yield MarkedRadioButton("Practitioner", value=self.default_role != "supervisor", id="practitioner")
            yield MarkedRadioButton("Supervisor", value=self.default_role == "supervisor", id="supervisor")

    def result(self) -> Identity | str:
        from sg_assess.errors import SgError
        from sg_assess.identity import check_name, check_role

        pressed = self.query_one("#role", RadioSet).pressed_button
        try:  # the one check of names and roles, as for --as, --role, the environment and the config file
            name = check_name(self.query_one("#name", Input).value, what="your name")
            role = check_role(pressed.id if pressed and pressed.id else "practitioner")
        except SgError as exc:
            return f"{str(exc)[:1].upper()}{str(exc)[1:]}."
        return Identity(name, role)
