"""Plain, read-only views of stored records, for the CLI, the TUI and the exports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sg_assess.questionnaire.schema import Questionnaire


@dataclass(frozen=True)
class ChildRecord:
    id: str
    name: str
    dob: str | None
    due_date: str | None

    @property
    def unborn(self) -> bool:
        return self.dob is None


@dataclass(frozen=True)
class AssessmentSummary:
    id: str
    child_id: str
    child_name: str
    age_band: str
    status: str
    assessment_date: str
    practitioner: str
    created_at: str
    updated_at: str
    required_answered: int
    required_total: int
    latest_score: int | None
    questionnaire_id: str
    questionnaire_version: int

    @property
    def short_id(self) -> str:
        return self.id[:8]

    @property
    def completeness(self) -> dict[str, int]:
        return {"required_answered": self.required_answered, "required_total": self.required_total}


@dataclass(frozen=True)
class HistoryRecord:
    id: int
    question_id: str | None
    kind: str
    actor: str
    role: str | None
    started_at: str
    at: str
    before: Any
    after: Any


@dataclass(frozen=True)
class AssessmentRecord:
    """One assessment with everything needed to show or export it exactly as it was asked."""

    summary: AssessmentSummary
    child: ChildRecord
    questionnaire: Questionnaire
    questionnaire_hash: str
    answers: dict[str, Any]
    history: list[HistoryRecord] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.summary.id
