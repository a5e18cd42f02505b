"""Which keys are the app's own: those the footer and F1 help show, and the tests hold to their word.

Every binding sg-assess declares has an id ("editor.preview", "form.save", ...); Textual's own
(cursor keys, ctrl+c/super+c copy, tab) have none.  The command palette (ctrl+p) is Textual's,
but it is part of the app's keys too.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Footer

PALETTE_ACTIONS = frozenset({"command_palette", "app.command_palette"})


def is_own(binding: Binding) -> bool:
    return binding.id is not None or binding.action in PALETTE_ACTIONS


def help_key() -> Binding:
    """F1 first in every screen's footer, so that at 80 columns it is never the key cut off.

    The app binds F1 too (for any screen without it); the screen's comes first in the footer.
    """
    return Binding("f1", "app.help", "Help", id="screen.help")


def own_footer() -> Footer:
    """The footer every screen shows: compact, so a screen's keys fit 80 columns."""
    return Footer(compact=True)
