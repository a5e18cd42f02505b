"""What a valid answer is, for each kind of question.

``normalize`` turns a value into the one canonical form the store keeps (or
``None`` for "no answer"), or raises ValidationError naming the question and
the problem.  ``parse_input`` reads the text a person typed on the command line.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from sg_assess.errors import ValidationError
from sg_assess.questionnaire.rows import ROW_TYPES, RowField
from sg_assess.questionnaire.schema import Question, Questionnaire
from sg_assess.safetext import strip_controls

MAX_TEXT_CHARS = 10_000_000

# Repeating groups: field name -> type, in display order (from the one definition in rows.py).
GROUP_FIELDS: dict[str, dict[str, str]] = {k: {f.name: f.type for f in t.fields} for k, t in ROW_TYPES.items()}
GROUP_REQUIRED: dict[str, tuple[str, ...]] = {k: t.required for k, t in ROW_TYPES.items()}
GROUP_DEFAULTS: dict[str, Any] = {"text": "", "bool": None, "date": None, "score": None, "choice": None}
TRUE_WORDS = {"yes", "y", "true", "1"}
FALSE_WORDS = {"no", "n", "false", "0"}


NUL_SYMBOL = "\u2400"  # ␀: how the screens show a NUL, and what is stored for one


def clean_text(text: str) -> str:
    """Make text storable: lone surrogates from a broken paste become U+FFFD; CRLF and CR become LF; a NUL
    becomes '␀' (U+2400), as the screens show it, on both databases (PostgreSQL cannot hold NUL in text)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", NUL_SYMBOL)


def _fail(question: Question, problem: str) -> ValidationError:
    return ValidationError(f"question {question.id!r} ({question.kind}): {problem}; nothing was saved")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def parse_date(text: str) -> dt.date:
    """A real calendar date written YYYY-MM-DD (raises ValueError otherwise)."""
    if not isinstance(text, str) or not _ISO_DATE.fullmatch(text):
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def _text(question: Question, value: Any, label: str = "the answer") -> str:
    if not isinstance(value, str):
        raise _fail(question, f"{label} must be text, not {type(value).__name__}")
    if len(value) > MAX_TEXT_CHARS:
        raise _fail(question, f"{label} is {len(value):,} characters; the limit is {MAX_TEXT_CHARS:,}")
    return clean_text(value)


def _date(question: Question, value: Any, label: str) -> str:
    try:
        return parse_date(value).isoformat()
    except (ValueError, TypeError):
        raise _fail(question, f"{label} {value!r} is not a real date; write it as YYYY-MM-DD") from None


def _bool(question: Question, value: Any, label: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise _fail(question, f"{label} must be yes or no, not {value!r}")


def _score(question: Question, value: Any, label: str) -> int:
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,2}\s*", value, re.ASCII):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise _fail(question, f"{label} must be a whole number from 0 to 10, not {value!r}")
    return value


def _choice(question: Question, f: RowField, value: Any, label: str) -> str:
    if not isinstance(value, str):
        raise _fail(question, f"{label} must be one of {', '.join(c for c, _ in f.choices)}, not {value!r}")
    cid = f.choice_id(value)
    if cid is not None:
        return cid
    if f.free_text_ok:  # version 1 kept free text here: it stays as it was written
        return _text(question, value, label)
    raise _fail(question, f"{label} {value!r} is not one of: {', '.join(c for c, _ in f.choices)}")


def _row(question: Question, index: int, row: Any) -> dict[str, Any] | None:
    fields = GROUP_FIELDS[question.kind]
    rtype = ROW_TYPES[question.kind]
    where = f"row {index + 1}"
    if not isinstance(row, dict):
        raise _fail(question, f"{where} must be an object with the fields {', '.join(fields)}")
    unknown = [k for k in row if k not in fields]
    if unknown:
        raise _fail(question, f"{where} has an unknown field {unknown[0]!r} (fields: {', '.join(fields)})")
    out: dict[str, Any] = {}
    for name, ftype in fields.items():
        value = row.get(name)
        label = f"{where} {name}"
        if value is None or (isinstance(value, str) and not value.strip()):
            out[name] = "" if ftype == "text" or rtype.field(name).free_text_ok else GROUP_DEFAULTS[ftype]  # type: ignore[union-attr]
        elif ftype == "text":
            out[name] = _text(question, value, label)
        elif ftype == "bool":
            out[name] = _bool(question, value, label)
        elif ftype == "date":
            out[name] = _date(question, value, label)
        elif ftype == "choice":
            field = rtype.field(name)
            assert field is not None
            out[name] = _choice(question, field, value, label)
        else:
            out[name] = _score(question, value, label)
    for f in rtype.fields:  # fields added after version 1 are kept only when given: v1 rows stay as they were
        if f.added and out[f.name] in ("", None):
            del out[f.name]
    if all(v in ("", None) for v in out.values()):
        return None  # an empty row is no row
    for name in GROUP_REQUIRED[question.kind]:
        if out[name] in ("", None):
            raise _fail(question, f"{where} needs a {name}")
    return out


def normalize(question: Question, value: Any) -> Any:
    """The canonical stored form of ``value`` for ``question``; None means "no answer"."""
    if value is None:
        return None
    kind = question.kind
    if kind in ("text", "long_text"):
        text = _text(question, value)
        # only invisible characters (a NUL among them, kept as '␀'): no answer
        return text if strip_controls(text.replace(NUL_SYMBOL, "\x00")).strip() else None
    if kind == "yes_no":
        if isinstance(value, str) and not value.strip():
            return None
        return "yes" if _bool(question, value, "the answer") else "no"
    if kind == "date":
        if isinstance(value, str) and not value.strip():
            return None
        return _date(question, value, "the answer")
    if kind == "choice":
        if isinstance(value, str) and not value.strip():
            return None
        if value not in (question.choices or []):
            raise _fail(question, f"{value!r} is not one of the choices: {', '.join(question.choices or [])}")
        return value
    if kind == "multi_choice":
        if not isinstance(value, list):
            raise _fail(question, "the answer must be a list of choices")
        choices = question.choices or []
        for item in value:
            if item not in choices:
                raise _fail(question, f"{item!r} is not one of the choices: {', '.join(choices)}")
        picked = [c for c in choices if c in value]  # the questionnaire's order, no repeats
        return picked or None
    # repeating groups
    if not isinstance(value, list):
        raise _fail(question, "the answer must be a list of rows")
    rows = [r for i, item in enumerate(value) if (r := _row(question, i, item)) is not None]
    return rows or None


def parse_input(question: Question, text: str) -> Any:
    """Read what someone typed for ``question`` (before ``normalize``)."""
    kind = question.kind
    if kind in ROW_TYPES or (kind == "multi_choice" and text.lstrip().startswith("[")):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise _fail(question, f"the answer must be JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    if kind == "multi_choice":
        return [text] if text.strip() else []
    if kind == "choice":
        stripped = text.strip()
        for choice in question.choices or []:
            if choice.casefold() == stripped.casefold():
                return choice
        return stripped
    if kind in ("yes_no", "date"):
        return text.strip()
    return text


def latest_score(rows: list[dict[str, Any]] | None) -> int | None:
    """The most recent safety-scale score: the latest dated row, later rows winning ties."""
    if not rows:
        return None
    best = max(enumerate(rows), key=lambda ir: (ir[1].get("date") or "", ir[0]))
    return best[1].get("score")


def answer_figures(q: Questionnaire, band: str, answers: dict[str, Any]) -> tuple[int, int, int | None]:
    """(required answered, required that apply, latest safety-scale score) of these answers.

    The one place these figures are worked out: the store keeps them for listing, and a
    record shown or exported with answers not yet saved works them out again from its answers.
    """
    done, total = q.completeness(band, answers)
    scale_rows = [row for qid, value in answers.items()
                  if (question := q.question(qid)) is not None and question.kind == "scale" for row in value or []]
    return done, total, latest_score(scale_rows)


def text_of(question: Question, value: Any) -> str:
    """The words in an answer, for the full-text index."""
    if value is None:
        return ""
    if question.kind in ("text", "long_text"):
        return value
    if question.kind in GROUP_FIELDS:
        fields = [n for n, t in GROUP_FIELDS[question.kind].items() if t == "text"]
        return "\n".join(str(row[f]) for row in value for f in fields if row.get(f))
    return ""
