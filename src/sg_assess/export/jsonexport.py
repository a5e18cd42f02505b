"""The lossless JSON export: everything needed to rebuild the assessment elsewhere."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from sg_assess import __version__
from sg_assess.safetext import json_safe
from sg_assess.store.records import AssessmentRecord

FORMAT = "sg-assess/assessment"
FORMAT_VERSION = 1


def assessment_dict(record: AssessmentRecord, *, full: bool = True) -> dict[str, Any]:
    """The assessment as plain data.  ``full`` adds the questionnaire's source text and the history."""
    s = record.summary
    q = record.questionnaire
    data: dict[str, Any] = {
        "id": s.id,
        "status": s.status,
        "assessment_date": s.assessment_date,
        "age_band": s.age_band,
        "practitioner": s.practitioner,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
        "latest_score": s.latest_score,
        "worker_score": s.worker_score,
        "score_range": s.score_range,
        "child": asdict(record.child),
        "questionnaire": {"id": q.id, "version": q.version, "title": q.title, "hash": record.questionnaire_hash},
        "answers": dict(sorted(record.answers.items())),
        "completeness": s.completeness,
    }
    data["owner"] = record.owner
    data["submitted_at"] = record.submitted_at
    data["signed_off_at"] = record.signed_off_at
    data["reviews"] = [asdict(r) for r in record.reviews]
    data["comments"] = [asdict(c) for c in record.comments]
    data["addenda"] = [asdict(a) for a in record.addenda]
    if full:
        data["questionnaire"]["source"] = q.source
        data["history"] = [asdict(h) for h in record.history]
    return data


def render_json(record: AssessmentRecord) -> str:
    payload = {"format": FORMAT, "format_version": FORMAT_VERSION, "exported_by": f"sg-assess {__version__}",
               "assessment": assessment_dict(record, full=True)}
    return json_safe(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True)) + "\n"
