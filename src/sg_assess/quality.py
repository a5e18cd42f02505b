"""The quality check: every gap in an assessment, linked to its question and the principle it serves.

Headless: the TUI shows these gaps, the CLI and supervisors' review use the same
list.  A gap never stops a draft being saved; it says what a good assessment
still needs.  Rules that name questions apply only when the questionnaire has
those questions, so an organisation's own questionnaire gets the rules that fit.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sg_assess.questionnaire.schema import Questionnaire
from sg_assess.store.records import AssessmentRecord

WORRY_QUESTIONS = ("past_harm", "danger_statements")
STRENGTH_QUESTIONS = ("existing_strengths", "existing_safety")


@dataclass(frozen=True)
class Gap:
    question_id: str
    section_id: str
    kind: str  # "missing", "gap" or "urgent"
    message: str
    principles: tuple[str, ...]


def check(record: AssessmentRecord) -> list[Gap]:
    """Every gap, in questionnaire order (urgent ones first)."""
    gaps = list(_gaps(record.questionnaire, record.summary.age_band, record.answers))
    order = {q.id: i for i, q in enumerate(record.questionnaire.questions())}
    return sorted(gaps, key=lambda g: (g.kind != "urgent", order.get(g.question_id, 0)))


def _gaps(q: Questionnaire, band: str, answers: Mapping[str, Any]) -> Iterator[Gap]:
    def gap(qid: str, kind: str, message: str, *extra_principles: str) -> Gap | None:
        question = q.question(qid)
        if question is None or not q.is_shown(question, band, answers):
            return None
        section = q.section_of(qid)
        assert section is not None
        principles = tuple(dict.fromkeys((*question.principles, *extra_principles)))
        return Gap(qid, section.id, kind, message, principles)

    found: list[Gap | None] = []
    for question in q.questions():
        if question.required and question.id not in answers and q.is_shown(question, band, answers):
            found.append(gap(question.id, "missing", f"Not answered: {question.prompt}"))

    has = lambda ids: any(i in answers for i in ids)  # noqa: E731
    if has(WORRY_QUESTIONS) and not has(STRENGTH_QUESTIONS):
        found.append(gap("existing_strengths", "gap", "Worries are recorded but no strengths or existing safety", "strengths"))
    if has(STRENGTH_QUESTIONS) and not has(WORRY_QUESTIONS):
        found.append(gap("danger_statements", "gap", "Strengths are recorded but no worries (past harm or future danger)", "strengths"))

    if answers.get("child_seen") == "no":
        found.append(gap("child_seen", "gap", "The child has not been seen", "child_centred"))
    if answers.get("child_seen_alone") == "no" and "not_seen_alone_reason" not in answers:
        found.append(gap("not_seen_alone_reason", "gap", "The child was not seen alone and no reason is recorded", "child_centred"))
    if answers.get("child_told_outcome") != "yes":
        found.append(gap("child_told_outcome", "gap", "The child has not been told the outcome of this assessment", "explanation"))

    found.extend(_parent_gaps(answers.get("parents"), gap))
    for i, row in enumerate(answers.get("safety_scale") or [], start=1):
        who = row.get("who") or f"row {i}"
        if not row.get("reason"):
            found.append(gap("safety_scale", "gap", f"Safety scale score from {who} has no reason", "evidence"))
        if row.get("score") is not None and row["score"] <= 1:
            found.append(gap("safety_scale", "urgent",
                             f"{who} scored {row['score']}: a score of 0-1 calls for immediate escalation", "vigilance"))
    for i, row in enumerate(answers.get("next_steps") or [], start=1):
        what = row.get("what") or f"row {i}"
        missing = [label for key, label in (("who", "an owner"), ("by_when", "a date"), ("review_date", "a review date"))
                   if not row.get(key)]
        if missing:
            needs = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
            found.append(gap("next_steps", "gap", f"Next step '{what}' needs {needs}", "reviewing_services"))
    yield from (g for g in found if g is not None)


def _parent_gaps(rows: list[dict[str, Any]] | None, gap: Any) -> Iterator[Gap | None]:
    rows = rows or []
    if len(rows) < 2:
        yield gap("parents", "gap", "Both parents should be recorded; where one is not involved, record why", "holistic")
    for i, row in enumerate(rows, start=1):
        if row.get("involved") is False and not row.get("reason_not_involved"):
            who = row.get("name") or f"row {i}"
            yield gap("parents", "gap", f"{who} is not involved and no reason is recorded", "involving_families")
