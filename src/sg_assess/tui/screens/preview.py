"""Preview: the Markdown export rendered in the app, and export to a file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Markdown

from sg_assess.export.markdown import render_markdown
from sg_assess.records import AssessmentRecord
from sg_assess.tui.keys import help_key, own_footer

if TYPE_CHECKING:
    from sg_assess.tui.app import SgApp


class PreviewScreen(Screen[None]):
    BINDINGS = [
        help_key(),
        Binding("ctrl+e", "export('md')", "Export Markdown", id="preview.export_md"),
        Binding("ctrl+j", "export('json')", "Export JSON", id="preview.export_json"),
        Binding("escape", "close", "Back", id="preview.close"),
    ]

    app: SgApp

    def __init__(self, record: AssessmentRecord) -> None:
        super().__init__()
        self.record = record

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="preview"):
            yield Markdown("_Preparing the preview…_", open_links=False)
        yield own_footer()

    def on_mount(self) -> None:
        self.sub_title = "Preview of the export (ctrl+e exports it)"
        self.query_one(VerticalScroll).focus()
        # A complete assessment takes the Markdown widget a few seconds to lay out: fill it in the
        # background so the screen (and ctrl+e) respond at once.  The export escapes all user text,
        # so nothing in it can become a link or markup here either.
        self.query_one(Markdown).update(render_markdown(self.record))

    def action_export(self, fmt: str) -> None:
        self.app.export_record(self.record, fmt)

    def action_close(self) -> None:
        self.dismiss(None)
