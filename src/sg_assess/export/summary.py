"""The export's Summary, first after the title: what a chair needs to act on, from the questionnaire's data.

Which question fills which line comes from the questionnaire's ``[summary]``
table (or the table shipped for a pinned version: questionnaire/summary.py);
no question id is written here.  A line the questionnaire does not map is left
out, so a version-1 assessment gets a Summary from what it holds.
"""

from __future__ import annotations

from typing import Any

from sg_assess.questionnaire.scale import ScaleSummary, scale_rows, scale_summary
from sg_assess.questionnaire.summary import summary_map
from sg_assess.records import AssessmentRecord, EarlierScore

def scale_question(record: AssessmentRecord) -> str | None:
    """The id of the question holding the safety scale: the mapped one, else the questionnaire's first scale."""
    mapped = summary_map(record.questionnaire).get("scale")
    if mapped:
        return mapped
    return next((x.id for x in record.questionnaire.questions() if x.kind == "scale"), None)


def scale_facts(record: AssessmentRecord) -> ScaleSummary:
    """The headline by the one rule (questionnaire.scale.scale_summary), as the store, Home and the rules read it."""
    return scale_summary(scale_rows(record.questionnaire, record.answers), record.summary.practitioner)


def mapped_answer(record: AssessmentRecord, line: str) -> tuple[bool, Any]:
    """(mapped, answer) for a Summary line: mapped is False when the questionnaire does not ask for it."""
    qid = summary_map(record.questionnaire).get(line)
    if qid is None:
        return False, None
    return True, record.answers.get(qid)


def accepted_gaps(record: AssessmentRecord) -> list[tuple[str, str | None, str, str, list[str]]]:
    """(actor, role, at, reason, gaps) for each submission that went with gaps accepted, oldest first.

    Submit keeps the reason and the gaps it accepts in the submission's history entry
    (``after``: {"reason": ..., "accepted": [{"kind", "question", "rule", "message"}, ...]}); records from before
    that hold none, and give nothing here.
    """
    out: list[tuple[str, str | None, str, str, list[str]]] = []
    for h in record.history:
        if h.kind == "submitted" and isinstance(h.after, dict) and h.after.get("reason"):
            names = []
            for g in h.after.get("accepted") or h.after.get("gaps") or []:
                if isinstance(g, dict):
                    urgent = "Urgent: " if g.get("kind") == "urgent" else ""
                    names.append(urgent + str(g.get("message") or g.get("question") or ""))
                else:
                    names.append(str(g))
            out.append((h.actor, h.role, h.at, str(h.after["reason"]), names))
    return out


def trend(record: AssessmentRecord) -> list[EarlierScore]:
    """The child's earlier assessments' scores, then this one's (empty when there is no earlier assessment)."""
    earlier = list(getattr(record, "earlier", []) or [])
    if not earlier:
        return []
    facts = scale_facts(record)
    s = record.summary
    return [*earlier, EarlierScore(s.id, s.assessment_date, s.status, facts.worker_score, facts.low, facts.high)]
