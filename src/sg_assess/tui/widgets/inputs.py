"""The one-line fields the question blocks and the dialogs share: a date check, and a field that keeps pastes."""

from __future__ import annotations

import datetime as dt

from textual import events
from textual.validation import ValidationResult, Validator
from textual.widgets import Input


class DateValidator(Validator):
    """A real calendar date written YYYY-MM-DD (or nothing)."""

    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        if not text:
            return self.success()
        if len(text) != 10 or text[4] != "-" or text[7] != "-":
            return self.failure("Write the date as YYYY-MM-DD, for example 2026-03-02")
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            return self.failure(f"{text} is not a real date")
        return self.success()


LINE_BREAK = " ⏎ "  # how a line break pasted into a one-line field is shown (and kept)


class LineInput(Input):
    """A one-line field that never drops or silently joins the lines of a paste.

    Textual's Input keeps only the first line of a pasted text.  Here every line
    is kept, with each line break shown as ⏎ so the person sees where the lines
    were, and is told.
    """

    def on_paste(self, event: events.Paste) -> None:
        lines = event.text.splitlines()
        if len(lines) < 2:
            return  # one line: Textual's own paste
        event.prevent_default()
        event.stop()
        text = LINE_BREAK.join(line.rstrip() for line in lines).strip()
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)
        self.notify(f"The pasted text had {len(lines)} lines; this answer holds one line, so each line break is shown "
                    "as ⏎. Edit it, or paste into a longer answer.", title="Pasted", timeout=8, markup=False)
