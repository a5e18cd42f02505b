"""Turning what a person types into a safe FTS5 query."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """Every word must match; the last one may be a prefix (search as you type).

    Words are quoted, so FTS5 syntax in the input (quotes, NEAR, column filters,
    '-', '*') is only ever searched for, never obeyed.  None when there is no word.
    """
    words = _WORD.findall(text or "")
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)
