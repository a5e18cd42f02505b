"""A child's earlier assessments on the safety scale, for the export's trend table (read with Store.get)."""

from __future__ import annotations

import json
from typing import Any

from sg_assess.store.records import EarlierScore

_SQL_EARLIER = (
    "SELECT e.id, e.assessment_date, e.status, e.practitioner, e.questionnaire_hash FROM assessment e "
    "JOIN assessment a ON a.id = ? WHERE e.child_id = a.child_id AND e.id != a.id "
    "AND (e.assessment_date < a.assessment_date OR (e.assessment_date = a.assessment_date AND e.seq < a.seq)) "
    "ORDER BY e.assessment_date, e.seq"
)


def earlier_scores(store: Any, sql: Any, assessment_id: str, child_id: str) -> list[EarlierScore]:
    """Each earlier assessment of the same child, oldest first, with the practitioner's score and the range
    (by the one rule, questionnaire.scale.scale_summary, as for the assessment itself)."""
    from sg_assess.questionnaire.scale import scale_rows, scale_summary

    out: list[EarlierScore] = []
    for aid, date, status, practitioner, q_hash in sql(_SQL_EARLIER, (assessment_id,)).fetchall():
        q = store.questionnaire(q_hash)
        scale_ids = [x.id for x in q.questions() if x.kind == "scale"]
        answers = {qid: json.loads(value) for qid, value in sql(
            f"SELECT question_id, value FROM answer WHERE assessment_id = ? AND question_id IN "
            f"({', '.join('?' * len(scale_ids))})", (aid, *scale_ids))} if scale_ids else {}
        facts = scale_summary(scale_rows(q, answers), practitioner)
        out.append(EarlierScore(aid, date, status, facts.worker_score, facts.low, facts.high))
    return out
