"""Crash reports that help us fix a bug without holding a word about a child.

A report has the program and platform versions, the exception's type and the
code locations of the traceback.  It never has the exception's message, local
variables or source lines with values, because any of those may hold user text.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import traceback
from pathlib import Path

from sg_assess import __version__, paths


def crash_report_text(exc: BaseException) -> str:
    lines = [
        f"sg-assess {__version__} crash report",
        f"time: {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}",
        f"python: {sys.version.split()[0]} on {platform.platform()}",
        f"exception: {type(exc).__module__}.{type(exc).__qualname__}",
        "traceback (most recent call last; no values, no messages):",
    ]
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for frame in traceback.extract_tb(current.__traceback__):
            lines.append(f"  {_short(frame.filename)}:{frame.lineno} in {frame.name}")
        current = current.__cause__ or current.__context__
        if current is not None:
            lines.append(f"caused by / during: {type(current).__module__}.{type(current).__qualname__}")
    return "\n".join(lines) + "\n"


def _short(filename: str) -> str:
    """Keep the package-relative part of a path (no user names from home folders)."""
    parts = Path(filename).parts
    for anchor in ("sg_assess", "site-packages", "lib"):
        if anchor in parts:
            return "/".join(parts[parts.index(anchor):])
    return Path(filename).name


def write_crash_report(exc: BaseException) -> Path | None:
    """Write a report to the log folder (0600); None if even that fails."""
    from sg_assess.errors import ExportError
    from sg_assess.fileio import atomic_write

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    target = paths.log_dir() / f"crash-{stamp}-{os.getpid()}.txt"
    try:
        return atomic_write(target, crash_report_text(exc).encode("utf-8"))
    except (OSError, ExportError):
        return None
