"""The tables.  Times are UTC ISO-8601 strings; answer values are JSON text.

The Alembic migrations in ``migrations/versions`` create these tables; a test
checks that a migrated database and these models agree.
"""

from __future__ import annotations

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class Child(SQLModel, table=True):
    __tablename__ = "child"

    id: str = Field(primary_key=True)
    name: str
    dob: str | None = None  # YYYY-MM-DD; None for an unborn child
    due_date: str | None = None  # YYYY-MM-DD, for an unborn child
    created_at: str
    updated_at: str


class QuestionnaireDef(SQLModel, table=True):
    """The exact text of every questionnaire an assessment has used, by content hash."""

    __tablename__ = "questionnaire_def"

    hash: str = Field(primary_key=True)
    qid: str = Field(index=True)
    version: int
    title: str
    source: str
    stored_at: str


class Assessment(SQLModel, table=True):
    __tablename__ = "assessment"
    __table_args__ = (
        UniqueConstraint("id", name="uq_assessment_id"),
        Index("ix_assessment_updated", "updated_at"),
        Index("ix_assessment_status_updated", "status", "updated_at"),
        Index("ix_assessment_child", "child_id"),
        Index("ix_assessment_status_submitted", "status", "submitted_at"),
    )

    # ``seq`` is an integer key that never changes: it is the full-text index's rowid.
    seq: int | None = Field(default=None, primary_key=True)
    id: str
    child_id: str = Field(foreign_key="child.id")
    questionnaire_hash: str = Field(foreign_key="questionnaire_def.hash")
    questionnaire_id: str
    questionnaire_version: int
    assessment_date: str
    age_band: str
    status: str = "draft"
    practitioner: str
    created_at: str
    updated_at: str
    required_answered: int = 0
    required_total: int = 0
    latest_score: int | None = None
    revision: int = 0  # bumped by every change; lets later work detect conflicting edits
    owner: str = ""  # who may edit it while it is a draft or returned: the author, or whom they handed it to
    submitted_at: str | None = None
    signed_off_at: str | None = None
    child_snapshot: str | None = None  # JSON: the child's details as they were at sign-off
    seal: str | None = None  # JSON: hashes of the record as signed off, for 'check' (store/freeze.py)


class Answer(SQLModel, table=True):
    __tablename__ = "answer"

    assessment_id: str = Field(foreign_key="assessment.id", primary_key=True)
    question_id: str = Field(primary_key=True)
    value: str  # JSON
    updated_at: str
    updated_by: str


class HistoryEntry(SQLModel, table=True):
    """One change: who, when, what, the value before and after.

    ``kind`` is "created" or "answer" today; later work adds workflow events
    (submitted, returned, signed_off, comment, addendum) in the same table.
    """

    __tablename__ = "history"
    __table_args__ = (
        Index("ix_history_question", "assessment_id", "question_id", "id"),
        Index("ix_history_assessment", "assessment_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: str = Field(foreign_key="assessment.id")
    question_id: str | None = None
    kind: str
    actor: str
    role: str | None = None
    started_at: str
    at: str
    before: str | None = None  # JSON
    after: str | None = None  # JSON


class Review(SQLModel, table=True):
    """A supervisor's decision: returned with a comment, or signed off with a score and a declaration."""

    __tablename__ = "review"
    __table_args__ = (Index("ix_review_assessment", "assessment_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: str = Field(foreign_key="assessment.id")
    decision: str  # "returned" or "signed_off"
    actor: str
    role: str
    at: str
    comment: str | None = None  # why it was returned, or the reason for the supervisor's score
    score: int | None = None  # the supervisor's safety-scale score (sign-off)
    declaration: str | None = None  # the sign-off declaration line


class Comment(SQLModel, table=True):
    """A comment on the whole assessment or on one section; ``parent_id`` makes it a reply."""

    __tablename__ = "comment"
    __table_args__ = (Index("ix_comment_assessment", "assessment_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: str = Field(foreign_key="assessment.id")
    section_id: str | None = None
    parent_id: int | None = Field(default=None, foreign_key="comment.id")
    author: str
    role: str
    at: str
    text: str


class Addendum(SQLModel, table=True):
    """A correction or addition after sign-off; the original stays as it was."""

    __tablename__ = "addendum"
    __table_args__ = (Index("ix_addendum_assessment", "assessment_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: str = Field(foreign_key="assessment.id")
    author: str
    role: str
    at: str
    reason: str
    text: str


class ActionDue(SQLModel, table=True):
    """Every next step, kept in step with the answers, so 'actions due' needs no scan of all answers."""

    __tablename__ = "action_due"
    __table_args__ = (Index("ix_action_due_review", "done", "review_date"),)

    assessment_id: str = Field(foreign_key="assessment.id", primary_key=True)
    question_id: str = Field(primary_key=True)
    row: int = Field(primary_key=True)
    what: str
    who: str
    by_when: str | None = None
    review_date: str | None = None
    done: int = 0


class RestoreLog(SQLModel, table=True):
    """A backup put back: who, when, why, from which file, and which assessments it took back."""

    __tablename__ = "restore_log"

    id: int | None = Field(default=None, primary_key=True)
    at: str
    actor: str
    role: str
    source: str  # the backup put back
    kept: str | None = None  # where the database as it was is kept
    reason: str | None = None
    affected: str  # JSON: [{"id", "was", "now", "what"}]
