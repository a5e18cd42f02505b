"""User and questionnaire text as Textual content: never markup, control characters made visible."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from sg_assess.safetext import one_line, visible


def literal(text: str) -> Content:
    """Text shown exactly as typed ('[bold]' stays '[bold]'; ESC shows as '␛')."""
    return Content(visible(text))


MAX_LINE = 1_000  # a label or a table cell never needs more; a 5 MB paste must not be laid out in one


def _short(text: str) -> str:
    line = one_line(visible(text[: MAX_LINE * 4]))
    return line if len(line) <= MAX_LINE else line[: MAX_LINE - 1] + "…"


def plain_line(text: str) -> str:
    """One short line for places that take a plain string, such as a screen's title in the Header."""
    return _short(text)


def literal_line(text: str) -> Content:
    return Content(_short(text))


def cell(text: str) -> Text:
    """A table cell: rich Text is never parsed as markup, and DataTable measures it for column widths."""
    return Text(_short(text), no_wrap=True, overflow="ellipsis")
