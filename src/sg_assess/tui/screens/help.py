"""Help (F1): the keys of the screen underneath, and the guidance for the focused question."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from sg_assess.tui.text import literal, literal_line


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1", "close", "Close help", id="help.close")]

    def __init__(self, keys: list[tuple[str, str]], guidance: tuple[str, str] | None = None) -> None:
        super().__init__()
        self.keys = keys
        self.guidance = guidance

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide", id="help"):
            yield Label("Help", classes="title")
            if self.guidance:
                prompt, text = self.guidance
                yield Label(literal_line(prompt), classes="prompt")
                yield Static(literal(text), classes="help-guidance")
            yield Label("Keys on this screen", classes="subtitle")
            width = max((len(k) for k, _ in self.keys), default=4)
            yield Static(literal("\n".join(f"{k:<{width}}  {d}" for k, d in self.keys)), id="help-keys")
            yield Static("Every answer is saved as you type. Escape or F1 closes this help.", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
