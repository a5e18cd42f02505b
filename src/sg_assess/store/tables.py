"""The tables as SQLAlchemy Core sees them, and the columns every list of assessments reads.

Shared by the store's reading and writing (repository.py) and its workflow (supervision.py), below both.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func

from sg_assess.store.models import Answer, Assessment, Child, HistoryEntry, QuestionnaireDef
from sg_assess.records import AssessmentSummary

A = Assessment.__table__
C = Child.__table__
ANS = Answer.__table__
H = HistoryEntry.__table__
QD = QuestionnaireDef.__table__

# Each assessment shows (and is found by) the child's details as it recorded them; assessments made before
# snapshots were kept at creation follow the child's row.
CHILD_NAME = func.coalesce(func.json_extract(A.c.child_snapshot, "$.name"), C.c.name)

SUMMARY_COLUMNS = (
    A.c.id, A.c.child_id, CHILD_NAME.label("child_name"), A.c.age_band, A.c.status, A.c.assessment_date,
    A.c.practitioner, A.c.created_at, A.c.updated_at, A.c.required_answered, A.c.required_total,
    A.c.latest_score, A.c.questionnaire_id, A.c.questionnaire_version, A.c.submitted_at,
)
# Read beside the summary columns, so that ``with_scale`` needs no query of its own for it (a round trip on a server).
Q_HASH = A.c.questionnaire_hash.label("q_hash")


def summaries_of(rows: Any) -> tuple[list[AssessmentSummary], dict[str, str]]:
    """Rows of ``SUMMARY_COLUMNS`` and ``Q_HASH``: the summaries, and each one's questionnaire hash."""
    summaries, hashes = [], {}
    for row in rows:
        fields = dict(row._mapping)
        hashes[fields["id"]] = fields.pop("q_hash")
        summaries.append(AssessmentSummary(**fields))
    return summaries, hashes
