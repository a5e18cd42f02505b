"""Turning what a person types into a safe full-text query, for SQLite's FTS5 or PostgreSQL's tsquery."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)
_LETTERS_AND_DIGITS = re.compile(r"[^\W_]+", re.UNICODE)


_PREFIXED = re.compile(r"(\w+)\*", re.UNICODE)
MIN_PREFIX = 3  # a prefix of 1 or 2 letters matches most of the index: hundreds of ms at 100,000 records


def _terms(text: str, prefix_last: bool) -> list[tuple[str, bool]]:
    """Each word, and whether it matches as a prefix.

    Every word must match, as a whole word.  A word written with a trailing '*'
    ("neglec*") matches as a prefix, and so does the last word when
    ``prefix_last`` (search as you type), if it has at least three letters.
    """
    text = text or ""
    starred = {m.group(1) for m in _PREFIXED.finditer(text)}
    words = _WORD.findall(text)
    return [(word, (word in starred or (prefix_last and i == len(words) - 1)) and len(word) >= MIN_PREFIX)
            for i, word in enumerate(words)]


def fts_query(text: str, *, prefix_last: bool = False) -> str | None:
    """The FTS5 query: words are quoted, so FTS5 syntax in the input (quotes, NEAR, column filters, '-') is
    only ever searched for, never obeyed.  None when there is no word."""
    terms = _terms(text, prefix_last)
    return " ".join(f'"{word}"*' if prefix else f'"{word}"' for word, prefix in terms) or None


def ts_query(text: str, *, prefix_last: bool = False) -> str | None:
    """The same query for PostgreSQL's ``to_tsquery``: quoted lexemes joined by '&', ':*' for a prefix.

    Words are runs of letters, digits and '_', so no tsquery operator can come from the input.
    """
    terms = _terms(text, prefix_last)
    return " & ".join(f"'{word}':*" if prefix else f"'{word}'" for word, prefix in terms) or None


def document_words(text: str) -> str:
    """A search document as FTS5's unicode61 tokenizer sees it: runs of letters and digits, all else a space.

    PostgreSQL's parser keeps 'example.org', '3.5', 'a/b' or 'x@y.org' as one token, so that 'example' would
    not find 'example.org' there; given only words, it finds what SQLite finds.  NFC first, so that a letter
    typed with a combining accent stays one word (the accent is then ignored, as everywhere in search).
    """
    words = _LETTERS_AND_DIGITS.findall(unicodedata.normalize("NFC", text or ""))
    if len(text or "") > LONG_DOCUMENT:
        words = _fitting(words)
    return " ".join(words)


LONG_DOCUMENT = 100_000  # characters: only a longer text can outgrow a tsvector
TSVECTOR_BUDGET = 800_000  # bytes of distinct words; PostgreSQL refuses a tsvector over 1 MB (and so the save)


def _fitting(words: list[str]) -> list[str]:
    """Each distinct word once, in order, as many as a tsvector holds: a very long paste (a log, a list of ids)
    is saved and searchable by its first words, where the whole document would refuse the save."""
    kept: dict[str, str] = {}
    size = 0
    for word in words:
        key = word.casefold()
        if key in kept:
            continue
        size += len(key.encode("utf-8")) + 8  # the lexeme, its entry and one position
        if size > TSVECTOR_BUDGET:
            break
        kept[key] = word
    return list(kept.values())
