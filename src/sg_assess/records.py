"""Plain, read-only views of stored records, for the CLI, the TUI and the exports."""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field
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
    submitted_at: str | None = None
    # The safety scale as a headline: the practitioner's own latest score and everyone's range ("2-7"),
    # worked out from the answers when read (questionnaire.scale.scale_summary); ``score_note`` says why there is no worker score.
    worker_score: int | None = None
    score_range: str | None = None
    score_note: str = ""

    @property
    def short_id(self) -> str:
        return self.id[:8]

    @property
    def scale_headline(self) -> str:
        """e.g. "4 (range 2-7)", "no practitioner's score (range 5-8)", or "" when no score is recorded."""
        if self.score_range is None:
            return ""
        worker = str(self.worker_score) if self.worker_score is not None else "no practitioner's score"
        return f"{worker} (range {self.score_range})"

    @property
    def short_score(self) -> str:
        """For a table: "4 (2-7)" (the practitioner's own, then everyone's range); "- (2-7)": none is theirs."""
        if self.score_range is None:
            return ""
        return f"{'-' if self.worker_score is None else self.worker_score} ({self.score_range})"

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
class ReviewRecord:
    id: int
    decision: str  # "returned" or "signed_off"
    actor: str
    role: str
    at: str
    comment: str | None
    score: int | None
    declaration: str | None


@dataclass(frozen=True)
class CommentRecord:
    id: int
    section_id: str | None
    parent_id: int | None
    author: str
    role: str
    at: str
    text: str


@dataclass(frozen=True)
class AddendumRecord:
    id: int
    author: str
    role: str
    at: str
    reason: str
    text: str


@dataclass(frozen=True)
class ActionRecord:
    assessment_id: str
    child_id: str
    child_name: str
    question_id: str
    row: int
    what: str
    who: str
    by_when: str | None
    review_date: str | None
    done: bool

    def is_overdue(self, today: str) -> bool:
        """Not done and its review date has passed (the same rule as Store.overdue_count)."""
        return bool(self.review_date and self.review_date < today and not self.done)


@dataclass(frozen=True)
class QueueItem:
    """A submitted assessment waiting for review."""

    summary: AssessmentSummary
    days_waiting: int
    gaps: int


@dataclass(frozen=True)
class ChronologyEvent:
    date: str  # YYYY-MM-DD (or a full timestamp) for ordering
    kind: str  # assessment, submitted, returned, signed_off, addendum, referral, action
    assessment_id: str
    summary: str


@dataclass(frozen=True)
class Conflict:
    """Someone else saved this answer after the caller last saw it; both were kept."""

    question_id: str
    other_actor: str
    other_value: Any
    saved_value: Any  # what is stored now
    merged: bool  # True: both texts are in the answer; False: the other value is in the history

    def __bool__(self) -> bool:
        return True


@dataclass(frozen=True)
class EarlierScore:
    """One of the child's assessments on a safety scale trend: the practitioner's score and everyone's range."""

    assessment_id: str
    assessment_date: str
    status: str
    worker: int | None
    low: int | None
    high: int | None


@dataclass(frozen=True)
class AssessmentRecord:
    """One assessment with everything needed to show or export it exactly as it was asked."""

    summary: AssessmentSummary
    child: ChildRecord
    questionnaire: Questionnaire
    questionnaire_hash: str
    answers: dict[str, Any]
    history: list[HistoryRecord] = field(default_factory=list)
    owner: str = ""
    submitted_at: str | None = None
    signed_off_at: str | None = None
    reviews: list[ReviewRecord] = field(default_factory=list)
    comments: list[CommentRecord] = field(default_factory=list)
    addenda: list[AddendumRecord] = field(default_factory=list)
    earlier: list[EarlierScore] = field(default_factory=list)  # the child's earlier assessments, oldest first
    # The practitioner's own latest score in the child's previous assessment (for the "fall" rule).
    previous_worker_score: int | None = None
    # On a team database, each login's display name (records keep the login); empty for a file.
    people: dict[str, str] = field(default_factory=dict)

    def person(self, name: str, role: str | None = None) -> str:
        """Someone named in this record as readers see them (``Display Name (login, role)`` on a team database,
        ``name (role)`` in a file)."""
        from sg_assess.identity import shown_person

        return shown_person(name, self.people, role)

    @property
    def sign_off(self) -> ReviewRecord | None:
        return next((r for r in reversed(self.reviews) if r.decision == "signed_off"), None)

    @property
    def id(self) -> str:
        return self.summary.id

    def with_answers(self, answers: dict[str, Any]) -> AssessmentRecord:
        """This record with other answers (such as those on screen, not all saved yet).

        The summary's figures (required answers, latest safety-scale score, the practitioner's own
        score and the range) are worked out again from these answers: a copy that kept the old
        figures would export a header that contradicts its own body.
        """
        from sg_assess.questionnaire.scale import scale_rows, scale_summary
        from sg_assess.questionnaire.values import answer_figures

        done, total, score = answer_figures(self.questionnaire, self.summary.age_band, answers)
        scale = scale_summary(scale_rows(self.questionnaire, answers), self.summary.practitioner)
        summary = dataclasses.replace(self.summary, required_answered=done, required_total=total, latest_score=score,
                                      worker_score=scale.worker_score, score_range=scale.score_range,
                                      score_note=scale.note if scale.low is not None else "")
        return dataclasses.replace(self, summary=summary, answers=dict(answers))


def assessment_dict(record: AssessmentRecord, *, full: bool = True) -> dict[str, Any]:
    """The assessment as plain data (the JSON export, and the record a bundle carries).  ``full`` adds the
    questionnaire's source text and the history."""
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
