"""A child's earlier assessments on the safety scale, for the export's trend table (read with Store.get)."""

from __future__ import annotations

import json
from typing import Any

from sg_assess.records import EarlierScore

_SQL_EARLIER = (
    "SELECT e.id, e.assessment_date, e.status, e.practitioner, e.questionnaire_hash FROM assessment e "
    "JOIN assessment a ON a.id = ? WHERE e.child_id = a.child_id AND e.id != a.id "
    "AND (e.assessment_date < a.assessment_date OR (e.assessment_date = a.assessment_date AND e.seq < a.seq)) "
    "ORDER BY e.assessment_date, e.seq"
)


def earlier_scores(store: Any, sql: Any, assessment_id: str, child_id: str) -> list[EarlierScore]:
    """Each earlier assessment of the same child, oldest first, with the practitioner's score and the range
    (by the one rule, questionnaire.scale.scale_summary, as for the assessment itself).

    Two queries however many there are (one when there are none): each is a round trip on a server.
    """
    from sg_assess.questionnaire.scale import scale_rows, scale_summary

    earlier = sql(_SQL_EARLIER, (assessment_id,)).fetchall()
    scale_ids = {aid: [x.id for x in store.questionnaire(q_hash).questions() if x.kind == "scale"]
                 for aid, _date, _status, _who, q_hash in earlier}
    wanted = sorted({qid for ids in scale_ids.values() for qid in ids})
    answers: dict[str, dict[str, Any]] = {aid: {} for aid in scale_ids}
    if wanted:
        ids = list(scale_ids)
        rows = sql(f"SELECT assessment_id, question_id, value FROM answer WHERE assessment_id IN "
                   f"({', '.join('?' * len(ids))}) AND question_id IN ({', '.join('?' * len(wanted))})",
                   (*ids, *wanted))
        for aid, qid, value in rows:
            if qid in scale_ids[aid]:  # a scale question of that assessment's own questionnaire
                answers[aid][qid] = json.loads(value)
    out: list[EarlierScore] = []
    for aid, date, status, practitioner, q_hash in earlier:
        facts = scale_summary(scale_rows(store.questionnaire(q_hash), answers[aid]), practitioner)
        out.append(EarlierScore(aid, date, status, facts.worker_score, facts.low, facts.high))
    return out
