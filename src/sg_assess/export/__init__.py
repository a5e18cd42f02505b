"""Exports: Markdown for people, JSON for machines.  Both deterministic."""

from __future__ import annotations

from pathlib import Path

from sg_assess.fileio import safe_filename
from sg_assess.records import AssessmentRecord

FORMATS = ("md", "json", "bundle")
SUFFIXES = {"md": ".md", "json": ".json", "bundle": ".bundle.json"}


def export_filename(record: AssessmentRecord, fmt: str) -> str:
    """A safe, unique file name: child's name (shortened if need be), assessment date and short id."""
    s = record.summary
    name = "redacted" if getattr(record, "redacted", False) else s.child_name  # a redacted one names nobody
    # The date and id are safe characters and make the name unique: only the child's name is cut.
    return safe_filename(name, max_len=60, suffix=f"_{s.assessment_date}_{s.short_id}{SUFFIXES[fmt]}")


def render(record: AssessmentRecord, fmt: str) -> str:
    text = _render(record, fmt)
    if getattr(record, "redacted", False):  # export/redact.py: the banner saying what was removed
        from sg_assess.export.redact import mark

        text = mark(text, fmt)
    return text


def _render(record: AssessmentRecord, fmt: str) -> str:
    if fmt == "md":
        from sg_assess.export.markdown import render_markdown

        return render_markdown(record)
    if fmt == "json":
        from sg_assess.export.jsonexport import render_json

        return render_json(record)
    if fmt == "bundle":
        from sg_assess.store.bundle import render_bundle

        return render_bundle(record)
    raise ValueError(f"unknown export format {fmt!r}")


def write_export(record: AssessmentRecord, fmt: str, target: Path) -> Path:
    """Write the export atomically (0600); ``target`` may be a folder, then the name is made safe."""
    from sg_assess.fileio import atomic_write

    path = Path(target) / export_filename(record, fmt) if Path(target).is_dir() else Path(target)
    return atomic_write(path, render(record, fmt).encode("utf-8"))
