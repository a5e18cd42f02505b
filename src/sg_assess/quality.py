"""The quality check: every gap in an assessment, linked to its question and the principle it serves.

Headless: the TUI shows these gaps, the CLI and supervisors' review use the same
list.  A gap never stops a draft being saved; it says what a good assessment
still needs (urgent gaps stop a submission without a reason, and a sign-off).

This is the engine only: it names no question.  Required answers come from the
questionnaire's ``required`` flags; every other rule is data, in the
questionnaire's ``[[rules]]`` (or the rules shipped for its id and version, see
questionnaire/loader.py), compiled by questionnaire/rules.py.  A rule's gap
shows only while the question it links to applies to this child.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sg_assess.questionnaire.rules import Context, Rule
from sg_assess.questionnaire.rows import ROW_TYPES
from sg_assess.questionnaire.scale import scale_rows, scale_summary
from sg_assess.questionnaire.schema import Questionnaire
from sg_assess.safetext import one_line
from sg_assess.records import AssessmentRecord

_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")
@dataclass(frozen=True)
class Gap:
    question_id: str
    section_id: str
    kind: str  # "missing", "gap" or "urgent"
    message: str
    principles: tuple[str, ...]
    rule_id: str = ""  # the rule that found it ("" for a required answer)


def facts(record: AssessmentRecord) -> dict[str, Any]:
    """The numbers rules can test (see questionnaire/rules.py FACTS)."""
    s = record.summary
    rows = scale_rows(record.questionnaire, record.answers)
    summary = scale_summary(rows, s.practitioner)
    age = None
    if record.child.dob:
        try:
            dob, on = dt.date.fromisoformat(record.child.dob), dt.date.fromisoformat(s.assessment_date)
            age = on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
        except ValueError:  # a redacted record's date of birth is words
            age = None
    fall = None
    if summary.worker_score is not None and record.previous_worker_score is not None:
        fall = record.previous_worker_score - summary.worker_score
    return {"worker_score": summary.worker_score, "score_spread": summary.spread, "score_fall": fall,
            "score_range": summary.score_range, "child_age_years": age, "score_count": len(rows)}


def check(record: AssessmentRecord) -> list[Gap]:
    """Every gap, in questionnaire order (urgent ones first)."""
    gaps = list(_gaps(record))
    order = {q.id: i for i, q in enumerate(record.questionnaire.questions())}
    return sorted(gaps, key=lambda g: (g.kind != "urgent", order.get(g.question_id, 0)))


def urgent(gaps: list[Gap]) -> list[Gap]:
    return [g for g in gaps if g.kind == "urgent"]


def blocking_submission(gaps: list[Gap]) -> list[Gap]:
    """What stops a submission unless a reason is given: required answers missing and urgent gaps."""
    return [g for g in gaps if g.kind in ("missing", "urgent")]


def describe(gaps: list[Gap]) -> str:
    """e.g. "3 required answers missing and 1 urgent gap open (first: ...)", for one-line refusals."""
    missing = sum(g.kind == "missing" for g in gaps)
    urgent_ = [g for g in gaps if g.kind == "urgent"]
    parts = []
    if missing:
        parts.append(f"{missing} required answer{'s' if missing != 1 else ''} missing")
    if urgent_:
        parts.append(f"{len(urgent_)} urgent gap{'s' if len(urgent_) != 1 else ''} open")
    first = (urgent_ or gaps)[0].message if gaps else ""
    return " and ".join(parts) + (f" ({one_line(first)})" if first else "")


def _gaps(record: AssessmentRecord) -> Iterator[Gap]:
    q, band, answers = record.questionnaire, record.summary.age_band, record.answers
    for question in q.questions():
        if question.required and question.id not in answers and q.is_shown(question, band, answers):
            section = q.section_of(question.id)
            assert section is not None
            yield Gap(question.id, section.id, "missing", f"Not answered: {question.prompt}", tuple(question.principles))
    try:
        on = dt.date.fromisoformat(record.summary.assessment_date)
    except ValueError:
        on = dt.date.today()
    context = Context(answers, band, on, facts(record))
    for rule in q.compiled_rules:
        yield from run_rule(q, rule, context)


def run_rule(q: Questionnaire, rule: Rule, ctx: Context) -> Iterator[Gap]:
    question = q.question(rule.question)
    if question is None or not q.is_shown(question, ctx.band, ctx.answers):
        return
    section = q.section_of(rule.question)
    assert section is not None
    principles = tuple(dict.fromkeys((*question.principles, *rule.principles)))
    if rule.for_each is None:
        if rule.when(ctx):
            yield Gap(rule.question, section.id, rule.severity, _message(rule.message, ctx.facts), principles, rule.id)
        return
    kind = q.question(rule.for_each).kind  # type: ignore[union-attr]
    for i, row in enumerate(ctx.answers.get(rule.for_each) or [], start=1):
        row_ctx = Context(ctx.answers, ctx.band, ctx.assessment_date, ctx.facts, row)
        empty = [words for name, words in rule.needs if row.get(name) in (None, "")]
        if (rule.needs and not empty) or not rule.when(row_ctx):
            continue
        values = {"row": f"row {i}", **ctx.facts, "needs": _and(empty)}
        for f in ROW_TYPES[kind].fields:
            words = f.words(row.get(f.name))
            values[f.name] = words if words or f.type != "text" else f"row {i}"
        yield Gap(rule.question, section.id, rule.severity, _message(rule.message, values), principles, rule.id)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def _message(template: str, values: Mapping[str, Any]) -> str:
    """Fill {placeholders} (checked by the loader) with one line of plain text each; nothing else is expanded."""
    def fill(m: re.Match[str]) -> str:
        value = values.get(m.group(1))
        return "unknown" if value is None else one_line(str(value))
    return _PLACEHOLDER.sub(fill, template)
