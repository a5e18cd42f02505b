"""Yes/no, choice and tick boxes whose state shows as a mark, not only as a colour.

Textual draws a radio button as "▐●▌" and a check box as "▐X▌" whether chosen or not, and tells
them apart by colour alone: invisible to someone who does not see the colours, on a monochrome
screen, and in a screen reader's or a terminal's copy of the text.  Here the mark is drawn only
when the option is chosen: "▐●▌ Yes" against "▐ ▌ No", "▐X▌ Involved" against "▐ ▌ Involved".
"""

from __future__ import annotations

from textual.widgets import Checkbox, RadioButton


class MarkedRadioButton(RadioButton):
    @property  # type: ignore[override]
    def BUTTON_INNER(self) -> str:  # noqa: N802 (Textual's name for the mark)
        return "●" if self.value else " "


class MarkedCheckbox(Checkbox):
    @property  # type: ignore[override]
    def BUTTON_INNER(self) -> str:  # noqa: N802
        return "X" if self.value else " "
