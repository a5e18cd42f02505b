"""Small ways of writing things for people and for files, each written once.

Counts with their nouns, timestamps cut to the minute or the day, and the two
JSON spellings the project uses.  Imports nothing of the project but
``safetext``, so every layer may use it.
"""

from __future__ import annotations

import json
from typing import Any

from sg_assess.safetext import json_safe


def counted(n: int, word: str, plural: str | None = None) -> str:
    """'1 gap', '3 gaps', '0 gaps'; ``plural`` for a word that does not just take an s ('1 entry', '2 entries')."""
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def minute(timestamp: str | None) -> str:
    """An ISO timestamp as people read it, to the minute: '2026-12-01T10:09:31.5+00:00' -> '2026-12-01 10:09'."""
    return (timestamp or "")[:16].replace("T", " ")


def day(timestamp: str | None) -> str:
    """The date part of an ISO date or timestamp: '2026-12-01T10:09' -> '2026-12-01'; nothing -> ''."""
    return (timestamp or "")[:10]


def compact_json(value: Any) -> str:
    """JSON for storing and comparing: keys sorted, no spaces, text kept as typed (not \\u-escaped).

    The same value always gives the same text, so two stored values compare equal as text.
    """
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def readable_json(value: Any) -> str:
    """JSON for people and files: indented, keys sorted, a final newline, and characters a terminal or an
    editor would act on (C1 controls, bidi overrides) written as \\u escapes (``safetext.json_safe``)."""
    return json_safe(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)) + "\n"
