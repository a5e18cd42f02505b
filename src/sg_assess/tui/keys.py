"""Which keys are the app's own: those the footer and F1 help show, and the tests hold to their word.

Every binding sg-assess declares has an id ("editor.preview", "form.save", ...); Textual's own
(cursor keys, ctrl+c/super+c copy, tab) have none.  The command palette (ctrl+p) is Textual's,
but it is part of the app's keys too.
"""

from __future__ import annotations

from textual.binding import Binding

PALETTE_ACTIONS = frozenset({"command_palette", "app.command_palette"})


def is_own(binding: Binding) -> bool:
    return binding.id is not None or binding.action in PALETTE_ACTIONS
