"""Printing user data to a terminal: always as plain text objects, never as markup."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from sg_assess.safetext import one_line


def stdout_console() -> Console:
    # Piped output is for scripts and files: do not wrap it at 80 columns.
    width = None if sys.stdout.isatty() else 240
    return Console(highlight=False, emoji=False, markup=False, width=width)


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False, emoji=False, markup=False)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, wrap: Sequence[str] = ()) -> None:
    """A plain table; only the columns named in ``wrap`` may wrap (the others are short)."""
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for header in headers:
        table.add_column(header, overflow="fold", no_wrap=header not in wrap)
    for row in rows:
        table.add_row(*(Text(one_line(cell)) for cell in row))
    stdout_console().print(table)


def print_markdown(markdown: str) -> None:
    """Render an export (already escaped, so user text in it is inert) in a terminal; piped, print it as is.

    The piped text is the readable Markdown of an export.  Rich's Markdown renders the parsed document's text as
    plain text (it never reads Rich markup in it), links are off, and control characters were stripped when the
    document was made.  rich.markdown is imported here only: list and the other commands start without it.
    """
    if not sys.stdout.isatty():
        sys.stdout.write(markdown)
        return
    from rich.markdown import Markdown

    stdout_console().print(Markdown(markdown, hyperlinks=False))
