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
    __table_args__ = (Index("ix_history_question", "assessment_id", "question_id", "id"),)

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
