"""The team database's password, asked when libpq found none it could use (never echoed, logged or kept)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from sg_assess.tui.dialogs.forms import Form
from sg_assess.tui.text import literal_line


class PasswordDialog(Form[str]):
    """Returns the password typed, or None (Esc).  The field shows dots; the text is never shown or saved."""

    SAVE_LABEL = "Connect (Enter)"
    CANCEL_LABEL = "Cancel (Esc)"

    def __init__(self, login: str, where: str, reason: str = "") -> None:
        super().__init__()
        self.login, self.where, self.reason = login, where, reason
        self.TITLE_TEXT = f"Password for {login} at {where}"

    def fields(self) -> ComposeResult:
        if self.reason:
            yield Static(literal_line(self.reason), classes="subtitle")
        yield Static("The team database asks for your password. It is used for this connection only: sg-assess "
                     "never stores it (IT can set up a password file instead).", classes="subtitle")
        yield Input(password=True, placeholder="Password", id="password")

    def result(self) -> str:
        value = self.query_one("#password", Input).value
        return value if value else "Type your password, or press Esc to leave the app unconnected."

    @on(Input.Submitted, "#password")
    def _typed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        value = self.query_one("#password", Input).value
        if not value:
            super().action_save()  # says what is missing
            return
        self.query_one("#password", Input).value = ""  # gone from the widget as soon as it is handed over
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.query_one("#password", Input).value = ""
        self.dismiss(None)  # a password is not work: nothing is lost by closing at once
