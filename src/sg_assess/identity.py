"""Who someone is, compared the way people mean it: one place for every comparison of names.

Two spellings of one name are one person when they agree after Unicode
compatibility normalisation (NFKC: an NFD "Zoë" is the NFC "Zoë"), with runs of
whitespace collapsed to one space and the ends trimmed, and case folded
("alice worker" is "Alice Worker").
"""

from __future__ import annotations

import unicodedata


def normal_identity(name: str | None) -> str:
    """The form two names are compared in (empty for no name)."""
    if not name:
        return ""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def same_person(a: str | None, b: str | None) -> bool:
    """True when ``a`` and ``b`` name the same person (and neither is empty)."""
    left, right = normal_identity(a), normal_identity(b)
    return bool(left) and left == right
