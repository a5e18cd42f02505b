"""A multi-line text box whose keys are the app's where the app uses them.

Textual's TextArea binds F6 to "select line" and F7 to "select all".  In sg-assess
F6 is Preview and F7 the previous section: inside a long answer the footer lost
"F6 Preview", and F7 selected the whole answer, so the next letter typed replaced
it (and autosave kept the loss).  Here those two selections are never run from a
key; the key goes on to the screen's binding (or, in a dialog with no such key,
does nothing).  No navigation key selects text.
"""

from __future__ import annotations

from textual.widgets import TextArea

# TextArea actions that take over keys the app uses for moving around.
APP_KEYS_TAKEN = frozenset({"select_line", "select_all"})


class AnswerArea(TextArea):
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in APP_KEYS_TAKEN:
            return False  # disabled: the binding is skipped and the key reaches the screen
        return super().check_action(action, parameters)
