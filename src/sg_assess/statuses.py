"""An assessment's status in words, for people: one mapping, used by the app, the CLI's text and the exports.

The store, JSON exports and ``--status`` keep the codes (``signed_off``); people read the words.
This module imports nothing, so the home screen can use it before the store is loaded.
"""

from __future__ import annotations

STATUSES: tuple[str, ...] = ("draft", "submitted", "returned", "signed_off")
"""Every status, in the order a record moves through them."""

DECISIONS: tuple[str, ...] = ("returned", "signed_off")
"""What a supervisor's review decides."""

STATUS_WORDS: dict[str, str] = {
    "draft": "Draft",
    "submitted": "Submitted",
    "returned": "Returned",
    "signed_off": "Signed off",
}


def status_words(status: str) -> str:
    """'signed_off' -> 'Signed off'; a status this version does not know is shown readably, not dropped."""
    return STATUS_WORDS.get(status) or status.replace("_", " ").capitalize()
