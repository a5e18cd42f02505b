"""User text is data: strip what could move a cursor, ring a bell, recolour or reorder a screen.

Used by every place that shows user or questionnaire text (terminal, TUI,
exports).  Escape sequences (ANSI CSI, OSC 52 clipboard writes, OSC 0 titles)
all start with a C0 or C1 control character, so removing those disarms them;
bidirectional overrides are removed so text cannot display reversed.
"""

from __future__ import annotations

import re

_LINE_ENDINGS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")


def strip_controls(text: str) -> str:
    """Text with line breaks normalised to LF and every other control character removed (tabs kept)."""
    return _CONTROLS.sub("", _LINE_ENDINGS.sub("\n", text))


def one_line(text: str) -> str:
    """Text safe for one line: controls removed, runs of white space (newlines too) become one space."""
    return _SPACES.sub(" ", strip_controls(text)).strip()


_PICTURES = {i: chr(0x2400 + i) for i in range(0x20) if i not in (0x09, 0x0A)}
_PICTURES[0x7F] = "\u2421"
_PICTURES.update({i: "\ufffd" for i in range(0x80, 0xA0)})
_PICTURES.update({i: "\ufffd" for i in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})


def visible(text: str) -> str:
    """Text for a screen: each control character shown as a visible symbol (ESC as '␛'), so it acts on nothing.

    Unlike ``strip_controls`` nothing disappears: a reader sees that something
    odd was typed or pasted.  Line breaks and tabs are kept.
    """
    return _LINE_ENDINGS.sub("\n", text).translate(_PICTURES)


# Characters a JSON encoder with ensure_ascii=False passes through raw although a terminal or an editor acts on
# them: DEL and the C1 controls (U+009B is a one-byte CSI), bidi overrides and isolates, line/paragraph separators.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def json_safe(dumped: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with those characters written as ``\\uXXXX`` escapes.

    They can only occur inside strings there, so the JSON means exactly the same.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
