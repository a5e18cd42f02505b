"""User and questionnaire text as Textual content: never markup, control characters made visible."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from sg_assess.safetext import one_line, visible


def literal(text: str) -> Content:
    """Text shown exactly as typed ('[bold]' stays '[bold]'; ESC shows as '␛')."""
    return Content(visible(text))


def literal_line(text: str) -> Content:
    return Content(one_line(visible(text)))


def cell(text: str) -> Text:
    """A table cell: rich Text is never parsed as markup, and DataTable measures it for column widths."""
    return Text(one_line(visible(text)), no_wrap=True, overflow="ellipsis")
