"""The Markdown export, and the one place where text is escaped for Markdown.

User text (and questionnaire text, which organisations write) is always data,
and is escaped by context, not by character: a backslash goes only where a
character could open structure where it stands, so nothing typed can open a
heading, list, quote, table, code block, HTML, link, image, rule or emphasis
(CommonMark, GitHub, and markdown-it with linkify alike), while ordinary prose
reads as typed: "Ada's", "2026-02-02 11:26", "71%", "CSE/CCE" need nothing.
Always escaped: backslash, backtick, '*', '[', '~', '|', and '_' at a word's edge.
Escaped where they would act: '&' before an entity, '<' before a tag, the dot of
a host name, the second slash of '//', '@' inside a word, a trailing '#', and at a line's start
'#' (as a heading opens), '>', '-'/'+' and '1.'/'1)' before a space, and rule or underline lines.
Leading spaces become no-break spaces so indentation cannot start a code
block; control characters are removed; line breaks are kept as hard breaks and
blank lines as paragraph breaks.

The output is deterministic: the same record always gives the same bytes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Iterable
from typing import Any

from sg_assess.questionnaire.principles import principle_title
from sg_assess.questionnaire.schema import Question
from sg_assess.questionnaire.rows import ROW_TYPES
from sg_assess.safetext import one_line, strip_controls
from sg_assess.export.dates import age_text, local_time, long_date
from sg_assess.export.summary import accepted_gaps, mapped_answer, scale_facts, trend
from sg_assess.records import AssessmentRecord

# Each pattern matches a character to escape: always, or only where it would open something.
_CONTEXT = (
    re.compile(r"[\\`*\[~|]"),  # wherever they stand: backslash, code, emphasis, links and images, strikethrough, cells
    re.compile(r"_(?:(?![^\W_])|(?<![^\W_]_))"),  # '_' at a word's edge (inside a word it can neither open nor close)
    re.compile(r"&(?=#|[A-Za-z][A-Za-z0-9]*;)"),  # an entity (&amp; &#65;), not "Tom & Jerry"
    re.compile(r"<(?=[A-Za-z/!?])"),  # HTML or an autolink, not "age < 5"
    re.compile(r"\.(?<=[^\s.]\.)(?=[^\W\d_]{2})"),  # a dot inside a host name (example.org; only ASCII '.' links)
    re.compile(r"\.(?<=(?i:www)\.)"),  # GitHub links "www." before any domain (www.a.1), whatever its ending
    re.compile(r"/(?<=//)(?=\S)"),  # the second slash of "//" (https://x, //host)
    re.compile(r"@(?<=\S@)(?=\S)"),  # an email address or mailto:
    re.compile(r"#(?<!##)(?=#*\s*$)"),  # a trailing run of '#' (a heading's closing sequence would swallow it)
)
# One pass over the text: every alternative starts with its character, so the scan skips plain prose quickly.
_ANY = re.compile("|".join(f"(?:{rx.pattern})" for rx in _CONTEXT))
# At the start of a line (after any indent): heading, quote, list item, ordered list, rule or setext underline.
_LINE_START = re.compile(r"\s*(?:(#)(?=#{0,5}(?:\s|$))|(>)|([-+])(?=\s|$)|\d{1,9}([.)])(?=\s|$)|([-=])[-=\s]*$)")
_NBSP = "\u00a0"
NOT_ANSWERED = "_Not answered_"

# The table headers of version 1's fields (later fields join a table only when used): see rows.py.
GROUP_HEADERS: dict[str, dict[str, str]] = {
    kind: {f.name: f.export_header for f in t.fields if not f.added} for kind, t in ROW_TYPES.items()}
BAND_NAMES = {"unborn": "Unborn (pre-birth)", "0-2": "0 to 2 years", "3-4": "3 to 4 years", "5-9": "5 to 9 years",
              "10-14": "10 to 14 years", "15-17": "15 to 17 years"}


def _escape(text: str) -> str:
    """Backslash only what could open structure where it stands (see the module docstring); prose stays as typed."""
    at = {m.start() for m in _ANY.finditer(text)}
    start = _LINE_START.match(text)
    if start:
        at.add(start.start(start.lastindex or 0))
    if not at:
        return text
    out, last = [], 0
    for i in sorted(at):
        out += [text[last:i], "\\"]
        last = i
    out.append(text[last:])
    return "".join(out)


def escape_line(text: str) -> str:
    """One line of text, safe anywhere inline and at the start of a line (no line breaks, nothing active)."""
    return _escape(one_line(text))


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
        paragraphs[-1].append(_NBSP * len(indent) + _escape(stripped.rstrip()))
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
    if kind == "date":
        return escape_line(long_date(value))
    if kind == "choice":
        return escape_line(value)
    if kind == "multi_choice":
        return "\n".join(f"- {escape_static(item)}" for item in value)  # choices come from the questionnaire
    # Fields added after version 1 are shown only when some row has them, so version-1 tables stay as they were.
    fields = [f for f in ROW_TYPES[kind].fields if not f.added or any(row.get(f.name) not in (None, "") for row in value)]
    return _table((f.export_header for f in fields),
                  ([row.get(f.name) if f.type in ("bool", "score")
                    else long_date(row.get(f.name)) if f.type == "date" and row.get(f.name)
                    else f.words(row.get(f.name)) for f in fields]
                   for row in value))


STATUS_WORDS = {
    "draft": ("DRAFT", "not yet submitted for review"),
    "submitted": ("SUBMITTED", "for review"),
    "returned": ("RETURNED", "for changes, and a draft again"),
    "signed_off": ("SIGNED OFF", ""),
}


def _status_line(record: AssessmentRecord) -> str:
    """The first thing a reader sees after the title: DRAFT, SUBMITTED, RETURNED or SIGNED OFF, with who and when."""
    status = record.summary.status
    word, rest = STATUS_WORDS.get(status, (status.replace("_", " ").upper(), ""))
    when = ""
    if status == "submitted" and record.submitted_at:
        when = f" on {local_time(record.submitted_at)}"
    review = record.reviews[-1] if record.reviews else None
    if review and status in ("returned", "signed_off"):
        when = f" by {escape_line(record.person(review.actor))} on {local_time(review.at)}"
    return f"**{word}**" + (f" {rest}" if rest else "") + when


def _header(record: AssessmentRecord) -> list[str]:
    s, child = record.summary, record.child
    if child.dob is None:
        birth = f"Unborn, due {long_date(child.due_date)}"
        age = BAND_NAMES.get(s.age_band, s.age_band)
    else:
        birth = long_date(child.dob)
        years = age_text(child.dob, s.assessment_date)
        age = BAND_NAMES.get(s.age_band, s.age_band) + (f" (aged {years})" if years else "")
    items = [
        ("Child", s.child_name),
        ("Date of birth", birth),
        ("Age band", age),
        ("Assessment date", long_date(s.assessment_date)),
        ("Last updated", local_time(s.updated_at)),
    ]
    return [f"- **{label}:** {escape_line(str(value))}" for label, value in items]


def _author(record: AssessmentRecord) -> str:
    """The practitioner, with the role recorded when the assessment was created, and the agency if recorded."""
    s = record.summary
    created = next((h for h in record.history if h.kind == "created"), None)
    role = created.role if created and created.role else None
    agency = created.after.get("agency") if created and isinstance(created.after, dict) else None
    parts = [record.person(s.practitioner), role or "role not recorded", *([agency] if agency else [])]
    return ", ".join(escape_line(str(p)) for p in parts)


def _summary(record: AssessmentRecord) -> list[str]:
    """The Summary: reason, decision, significant harm, analysis, scores, key dates, author (see export/summary.py)."""
    out = ["## Summary", ""]

    def block(label: str, line: str, extra: str | None = None) -> None:
        mapped, value = mapped_answer(record, line)
        if not mapped:
            return
        text = NOT_ANSWERED if value in (None, "") else escape_block(str(value))
        if extra:
            more_mapped, more = mapped_answer(record, extra)
            if more_mapped and more not in (None, ""):
                text += f": {escape_line(str(more))}" if value not in (None, "") else ""
        out.extend([f"**{label}**", "", text, ""])

    block("Reason for the assessment", "reason")
    mapped_source, source = mapped_answer(record, "source")
    if mapped_source and source:
        out.extend([f"Concern raised by: {escape_line(str(source))}", ""])
    block("Decision", "decision", extra="decision_other")
    mapped_reasons, reasons = mapped_answer(record, "decision_reasons")
    if mapped_reasons:
        out.extend([escape_block(str(reasons)) if reasons else NOT_ANSWERED, ""])
    block("Significant harm", "harm")
    mapped_harm, harm_reasons = mapped_answer(record, "harm_reasons")
    if mapped_harm and harm_reasons:
        out.extend([escape_block(str(harm_reasons)), ""])
    block("Analysis", "analysis")
    block("What is not known", "not_known")
    out.extend(_scale_lines(record))
    out.extend(["**Key dates**", ""])
    dates = [("Concern received", "received"), ("Assessment started", "start"), ("Child last seen", "child_seen")]
    items = []
    for label, line in dates:
        mapped, value = mapped_answer(record, line)
        if mapped:
            items.append(f"- {label}: {escape_line(long_date(value)) if value else 'not recorded'}")
    items.append(f"- Assessment date: {escape_line(long_date(record.summary.assessment_date))}")
    out.extend([*items, "", f"**Author:** {_author(record)}", ""])
    return out


def _scale_lines(record: AssessmentRecord) -> list[str]:
    facts = scale_facts(record)
    out = ["**Safety scale**", ""]
    if facts.people == 0:
        out.extend(["No safety scale score recorded.", ""])
    else:
        worker = "not recorded" if facts.worker_score is None else f"{facts.worker_score} out of 10"
        spread = (f"{facts.low} to {facts.high} (a spread of {facts.spread})" if facts.spread
                  else f"all {facts.low}")
        people = "1 person" if facts.people == 1 else f"{facts.people} people"
        out.extend([f"The practitioner's score: {worker}. Scores from {people}: {spread}.", ""])
    mapped, comment = mapped_answer(record, "scale_comment")
    if mapped and comment:
        out.extend([escape_block(str(comment)), ""])
    rows = trend(record)
    if rows:
        def score(value: int | None) -> str:
            return "-" if value is None else str(value)

        table = _table(["Assessment date", "Practitioner's score", "Lowest", "Highest", "Status"],
                       ([long_date(r.assessment_date) + (" (this one)" if r.assessment_id == record.id else ""),
                         score(r.worker), score(r.low), score(r.high), r.status.replace("_", " ")] for r in rows))
        out.extend(["The child's assessments over time:", "", table, ""])
    return out


def _footer(record: AssessmentRecord) -> list[str]:
    """Ids and the questionnaire's content hash, for copying back into commands and for audits."""
    s, q = record.summary, record.questionnaire
    return ["---", "", "Exported from sg-assess.", "",
            f"- Assessment id: {s.id}",
            f"- Child id: {s.child_id}",
            f"- Questionnaire: {escape_line(q.title)} ({escape_line(q.id)}, version {q.version})",
            f"- Questionnaire content (SHA-256): {record.questionnaire_hash}",
            f"- Assessment date: {s.assessment_date}; last updated {s.updated_at[:16].replace('T', ' ')} UTC",
            ""]


def render_markdown(record: AssessmentRecord, *, show_ids: bool = False) -> str:
    """The assessment as Markdown; ``show_ids`` adds each question's id (for the terminal, to answer by id).

    Order: title, status, the child; the Summary; the numbered sections; completeness and accepted gaps;
    review and sign-off, comments, addenda, history; a footer of ids and the questionnaire's content hash.
    """
    q = record.questionnaire
    band = record.summary.age_band
    answers = record.answers
    out = [f"# Safeguarding assessment: {escape_line(record.summary.child_name)}", "", _status_line(record), "",
           *_header(record), "", *_summary(record)]
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
    out += ["", *_footer(record)]
    return "\n".join(out)


def _by(record: AssessmentRecord, actor: str, role: str | None, at: str) -> str:
    return f"{escape_line(record.person(actor, role))}, {local_time(at)}"


def _workflow(record: AssessmentRecord) -> list[str]:
    """Review and sign-off, comments, addenda (after the original, never merged into it) and a history summary."""
    out: list[str] = []
    accepted = accepted_gaps(record)
    if accepted:
        out += ["", "## Submitted with gaps accepted", ""]
        for actor, role, at, reason, gaps in accepted:
            out += [f"**Submitted** by {_by(record, actor, role, at)}, with the reason:", "", escape_block(reason), ""]
            if gaps:  # a missing answer's message already begins "Not answered:"
                out += ["Gaps accepted with this reason:", "", *(f"- {escape_line(g)}" for g in gaps), ""]
        out.pop()
    if record.reviews:
        out += ["", "## Review and sign-off", ""]
        for review in record.reviews:
            if review.decision == "signed_off":
                out += [f"**Signed off** by {_by(record, review.actor, review.role, review.at)}", "",
                        f"Supervisor's safety scale score: {review.score} out of 10", "",
                        escape_block(review.comment or ""), ""]
                if review.declaration:
                    out += [f"Declaration: {escape_line(review.declaration)}", ""]
            else:
                out += [f"**Returned** by {_by(record, review.actor, review.role, review.at)}", "", escape_block(review.comment or ""), ""]
        out.pop()
    if record.comments:
        titles = {s.id: s.title for s in record.questionnaire.sections}
        out += ["", "## Comments", ""]
        for c in record.comments:
            where = f"on {escape_line(titles.get(c.section_id, c.section_id))}" if c.section_id else "on the assessment"
            reply = f", replying to comment {c.parent_id}" if c.parent_id else ""
            out += [f"**Comment {c.id}** {where}{reply}, by {_by(record, c.author, c.role, c.at)}", "", escape_block(c.text), ""]
        out.pop()
    if record.addenda:
        out += ["", "## Addenda", "", "_Added after sign-off; the assessment above is unchanged._", ""]
        for a in record.addenda:
            out += [f"**Addendum {a.id}** by {_by(record, a.author, a.role, a.at)}", "", f"Reason: {escape_line(a.reason)}", "",
                    escape_block(a.text), ""]
        out.pop()
    if record.history:
        out += ["", "## History summary", ""]
        changes: dict[str, int] = {}
        for h in record.history:
            if h.kind == "answer":
                changes[h.actor] = changes.get(h.actor, 0) + 1
        events = [h for h in record.history if h.kind not in ("answer", "comment")]
        out += [f"- {h.kind.replace('_', ' ').capitalize()}: {_by(record, h.actor, h.role, h.at)}" for h in events]
        out += [f"- Answer changes by {escape_line(record.person(who))}: {count}" for who, count in sorted(changes.items())]
    return out
