"""Small typed dialogs: a piece of text, a sign-off, an addendum, who the user is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Select, Static, TextArea

from sg_assess.tui.text import literal_line


T = TypeVar("T")


class _Form(ModalScreen[T | None]):
    """A dialog with fields, a problem line, Save (ctrl+s) and Cancel (Esc)."""

    BINDINGS = [("escape", "cancel", "Cancel"), ("ctrl+s", "save", "Save")]
    TITLE_TEXT = ""
    SAVE_LABEL = "Save (ctrl+s)"
    CAN_CANCEL = True

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Label(literal_line(self.TITLE_TEXT), classes="title")
            yield from self.fields()
            yield Static("", id="problem", classes="problem")
            with Horizontal(classes="buttons"):
                yield Button(self.SAVE_LABEL, id="save", variant="primary")
                if self.CAN_CANCEL:
                    yield Button("Cancel (Esc)", id="cancel")

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def result(self) -> T | str:
        """The dialog's value, or a string saying what is missing."""
        raise NotImplementedError

    def action_save(self) -> None:
        value = self.result()
        if isinstance(value, str):
            self.query_one("#problem", Static).update(value)
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()


@dataclass(frozen=True)
class Note:
    text: str


class TextDialog(_Form[Note]):
    """Ask for a piece of text (a comment, a reply, what needs to change)."""

    def __init__(self, title: str, prompt: str, *, save_label: str = "Save (ctrl+s)") -> None:
        super().__init__()
        self.TITLE_TEXT = title
        self.SAVE_LABEL = save_label
        self.prompt = prompt

    def fields(self) -> ComposeResult:
        yield Label(literal_line(self.prompt))
        yield TextArea(id="text", tab_behavior="focus", soft_wrap=True)

    def result(self) -> Note | str:
        text = self.query_one("#text", TextArea).text
        return Note(text) if text.strip() else "Write something first, or cancel."


@dataclass(frozen=True)
class SignOff:
    score: int
    reason: str
    outcome: str = ""  # the outcome the supervisor agrees with


class SignOffDialog(_Form[SignOff]):
    TITLE_TEXT = "Sign off this assessment"
    SAVE_LABEL = "Sign off (ctrl+s)"

    def __init__(self, outcomes: list[str] | None = None) -> None:
        """``outcomes``: the questionnaire's outcome choices (pick the one you agree with); None: say it in words."""
        super().__init__()
        self.outcomes = outcomes

    def fields(self) -> ComposeResult:
        yield Static("After sign-off nothing in the assessment can change; corrections become addenda.", classes="hint")
        yield Label("The outcome you agree with")
        if self.outcomes:
            yield Select([(literal_line(o), o) for o in self.outcomes], id="outcome", prompt="(choose)")
        else:
            yield Input(id="outcome")
        yield Label("Your safety scale score (0 to 10)")
        yield Input(id="score", type="integer", placeholder="0-10")
        yield Label("The reason for your score")
        yield TextArea(id="reason", tab_behavior="focus", soft_wrap=True)

    def result(self) -> SignOff | str:
        widget = self.query_one("#outcome")
        outcome = widget.value if isinstance(widget, (Select, Input)) else None
        if not isinstance(outcome, str) or not outcome.strip():
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


class AddendumDialog(_Form[AddendumText]):
    TITLE_TEXT = "Add an addendum"

    def fields(self) -> ComposeResult:
        yield Static("The signed-off assessment stays exactly as it is; the addendum is added after it.", classes="hint")
        yield Label("Why is it needed?")
        yield Input(id="reason")
        yield Label("The addendum")
        yield TextArea(id="text", tab_behavior="focus", soft_wrap=True)

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


class WhoAreYouDialog(_Form[Identity]):
    """First run: the name and role recorded on every change."""

    TITLE_TEXT = "Welcome to sg-assess"
    SAVE_LABEL = "Continue (ctrl+s)"
    CAN_CANCEL = False  # every change needs a name

    def __init__(self, default_name: str) -> None:
        super().__init__()
        self.default_name = default_name

    def fields(self) -> ComposeResult:
        yield Static("Every change you make is recorded with your name and role. You can change them later with "
                     "'sg-assess config'.", classes="hint")
        yield Label("Your name")
        yield Input(self.default_name, id="name")
        yield Label("Your role")
        with RadioSet(id="role"):
            yield RadioButton("Practitioner", value=True, id="practitioner")
            yield RadioButton("Supervisor", id="supervisor")

    def result(self) -> Identity | str:
        name = self.query_one("#name", Input).value.strip()
        if not name:
            return "Enter your name."
        pressed = self.query_one("#role", RadioSet).pressed_button
        return Identity(name, pressed.id if pressed and pressed.id else "practitioner")

    def action_cancel(self) -> None:
        """Escape (inherited binding) cannot skip this: every change is recorded with a name."""
        self.query_one("#problem", Static).update("Your name and role are needed before you start (ctrl+s continues).")
