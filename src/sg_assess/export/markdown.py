"""The Markdown export, and the one place where text is escaped for Markdown.

User text (and questionnaire text, which organisations write) is always data:
every ASCII punctuation character is backslash-escaped, so nothing typed can
open a heading, list, quote, table, code block, HTML, link, image or emphasis
(CommonMark and GitHub alike); leading spaces become no-break spaces so
indentation cannot start a code block; control characters are removed; line
breaks are kept as hard breaks and blank lines as paragraph breaks.

The output is deterministic: the same record always gives the same bytes.
"""

from __future__ import annotations

import string
from functools import lru_cache
from collections.abc import Iterable
from typing import Any

from sg_assess.questionnaire.principles import principle_title
from sg_assess.questionnaire.schema import Question
from sg_assess.questionnaire.values import GROUP_FIELDS
from sg_assess.safetext import one_line, strip_controls
from sg_assess.store.records import AssessmentRecord

_ESCAPES = {ord(ch): "\\" + ch for ch in string.punctuation}
_NBSP = "\u00a0"
NOT_ANSWERED = "_Not answered_"

GROUP_HEADERS: dict[str, dict[str, str]] = {
    "people": {"name": "Name", "relationship": "Relationship or role", "agency": "Agency",
               "involved": "Involved", "reason_not_involved": "Reason if not involved"},
    "scale": {"who": "Who", "role": "Role", "score": "Score (0-10)", "reason": "Reason", "date": "Date"},
    "actions": {"what": "What", "who": "Who", "by_when": "By when", "review_date": "Review date", "done": "Done"},
}
BAND_NAMES = {"unborn": "Unborn (pre-birth)", "0-2": "0 to 2 years", "3-4": "3 to 4 years", "5-9": "5 to 9 years",
              "10-14": "10 to 14 years", "15-17": "15 to 17 years"}


def escape_line(text: str) -> str:
    """One line of text, safe anywhere inline (no line breaks, nothing active)."""
    return one_line(text).translate(_ESCAPES)


@lru_cache(maxsize=16_384)
def escape_static(text: str) -> str:
    """``escape_line`` for questionnaire text, which repeats in every export: computed once."""
    return escape_line(text)


def escape_block(text: str) -> str:
    """Text as one or more paragraphs, line breaks kept, nothing active."""
    paragraphs: list[list[str]] = [[]]
    for raw in strip_controls(text).split("\n"):
        if not raw.strip():
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        stripped = raw.lstrip(" \t")
        indent = raw[: len(raw) - len(stripped)].replace("\t", "    ")
        paragraphs[-1].append(_NBSP * len(indent) + stripped.rstrip().translate(_ESCAPES))
    return "\n\n".join("\\\n".join(lines) for lines in paragraphs if lines) or NOT_ANSWERED


def escape_cell(value: Any) -> str:
    """A table cell: one line, pipes escaped (GitHub and pandoc read '\\|' as a literal pipe)."""
    if value is None or value == "":
        return " "
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return " / ".join(escape_line(part) for part in str(value).split("\n") if part.strip()) or " "


def _table(headers: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    headers = list(headers)
    lines = ["| " + " | ".join(escape_static(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(escape_cell(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def render_answer(question: Question, value: Any) -> str:
    if value is None:
        return NOT_ANSWERED
    kind = question.kind
    if kind in ("text", "long_text"):
        return escape_block(value)
    if kind == "yes_no":
        return "Yes" if value == "yes" else "No"
    if kind in ("choice", "date"):
        return escape_line(value)
    if kind == "multi_choice":
        return "\n".join(f"- {escape_static(item)}" for item in value)  # choices come from the questionnaire
    fields = GROUP_FIELDS[kind]
    headers = GROUP_HEADERS[kind]
    return _table((headers[f] for f in fields), ([row.get(f) for f in fields] for row in value))


def _header(record: AssessmentRecord) -> list[str]:
    s, child = record.summary, record.child
    q = record.questionnaire
    birth = f"Unborn, due {child.due_date}" if child.dob is None else child.dob
    done, total = s.required_answered, s.required_total
    items = [
        ("Child", s.child_name),
        ("Date of birth", birth),
        ("Age band", BAND_NAMES.get(s.age_band, s.age_band)),
        ("Assessment date", s.assessment_date),
        ("Practitioner", s.practitioner),
        ("Status", s.status.replace("_", " ")),
        ("Questionnaire", f"{q.title} ({q.id}, version {q.version}, content {record.questionnaire_hash[:12]})"),
        ("Assessment id", s.id),
        ("Child id", s.child_id),
        ("Last updated", _when(s.updated_at)),
        ("Required answers", f"{done} of {total}"),
        ("Latest safety scale score", "none recorded" if s.latest_score is None else f"{s.latest_score} out of 10"),
    ]
    return [f"- **{label}:** {escape_line(str(value))}" for label, value in items]


def _when(iso: str) -> str:
    """A stored UTC timestamp as 'YYYY-MM-DD HH:MM UTC' (the same everywhere, whatever the reader's zone)."""
    return f"{iso[:10]} {iso[11:16]} UTC"


def render_markdown(record: AssessmentRecord, *, show_ids: bool = False) -> str:
    """The assessment as Markdown; ``show_ids`` adds each question's id (for the terminal, to answer by id)."""
    q = record.questionnaire
    band = record.summary.age_band
    answers = record.answers
    out = [f"# Safeguarding assessment: {escape_line(record.summary.child_name)}", "", *_header(record), ""]
    missing: list[tuple[str, Question]] = []
    for number, section in enumerate(q.sections, start=1):
        shown = [x for x in section.questions if q.is_shown(x, band, answers) or x.id in answers]
        if not shown:
            continue
        out += [f"## {number}. {escape_static(section.title)}", ""]
        for question in shown:
            qid = f" `{question.id}`" if show_ids else ""  # ids are [A-Za-z0-9_-]: safe in a code span
            out += [f"**{escape_static(question.prompt)}**{qid}", ""]
            if not q.is_shown(question, band, answers):
                out += ["_This question no longer applies to the answers above; the earlier answer is kept:_", ""]
            out += [render_answer(question, answers.get(question.id)), ""]
            if question.required and question.id not in answers and q.is_shown(question, band, answers):
                missing.append((section.title, question))
    done, total = record.summary.required_answered, record.summary.required_total
    out += ["## Completeness", "", f"{done} of {total} required answers given."]
    if missing:
        out += ["", "Still to answer:", ""]
        for section_title, question in missing:
            serves = ", ".join(principle_title(p) for p in question.principles)
            suffix = f" (serves: {escape_static(serves)})" if serves else ""
            out.append(f"- {escape_static(section_title)}: {escape_static(question.prompt)}{suffix}")
    out += _workflow(record)
    out += ["", "---", "", f"_Exported from sg-assess; questionnaire {escape_line(q.id)} version {q.version}._", ""]
    return "\n".join(out)


def _by(actor: str, role: str | None, at: str) -> str:
    return f"{escape_line(actor)}" + (f" ({escape_line(role)})" if role else "") + f", {_when(at)}"


def _workflow(record: AssessmentRecord) -> list[str]:
    """Review and sign-off, comments, addenda (after the original, never merged into it) and a history summary."""
    out: list[str] = []
    if record.reviews:
        out += ["", "## Review and sign-off", ""]
        for review in record.reviews:
            if review.decision == "signed_off":
                out += [f"**Signed off** by {_by(review.actor, review.role, review.at)}", "",
                        f"Supervisor's safety scale score: {review.score} out of 10", "",
                        escape_block(review.comment or ""), ""]
                if review.declaration:
                    out += [f"Declaration: {escape_line(review.declaration)}", ""]
            else:
                out += [f"**Returned** by {_by(review.actor, review.role, review.at)}", "", escape_block(review.comment or ""), ""]
        out.pop()
    if record.comments:
        titles = {s.id: s.title for s in record.questionnaire.sections}
        out += ["", "## Comments", ""]
        for c in record.comments:
            where = f"on {escape_line(titles.get(c.section_id, c.section_id))}" if c.section_id else "on the assessment"
            reply = f", replying to comment {c.parent_id}" if c.parent_id else ""
            out += [f"**Comment {c.id}** {where}{reply}, by {_by(c.author, c.role, c.at)}", "", escape_block(c.text), ""]
        out.pop()
    if record.addenda:
        out += ["", "## Addenda", "", "_Added after sign-off; the assessment above is unchanged._", ""]
        for a in record.addenda:
            out += [f"**Addendum {a.id}** by {_by(a.author, a.role, a.at)}", "", f"Reason: {escape_line(a.reason)}", "",
                    escape_block(a.text), ""]
        out.pop()
    if record.history:
        out += ["", "## History summary", ""]
        changes: dict[str, int] = {}
        for h in record.history:
            if h.kind == "answer":
                changes[h.actor] = changes.get(h.actor, 0) + 1
        events = [h for h in record.history if h.kind not in ("answer", "comment")]
        out += [f"- {h.kind.replace('_', ' ').capitalize()}: {_by(h.actor, h.role, h.at)}" for h in events]
        out += [f"- Answer changes by {escape_line(who)}: {count}" for who, count in sorted(changes.items())]
    return out
