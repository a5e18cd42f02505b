"""The first schema: children, questionnaire definitions, assessments, answers, history, full-text index.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "child",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("dob", sa.String(), nullable=True),
        sa.Column("due_date", sa.String(), nullable=True),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("updated_at", sa.String(), nullable=False),
    )
    op.create_table(
        "questionnaire_def",
        sa.Column("hash", sa.String(), primary_key=True),
        sa.Column("qid", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("stored_at", sa.String(), nullable=False),
    )
    op.create_index("ix_questionnaire_def_qid", "questionnaire_def", ["qid"])
    op.create_table(
        "assessment",
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("child_id", sa.String(), sa.ForeignKey("child.id"), nullable=False),
        sa.Column("questionnaire_hash", sa.String(), sa.ForeignKey("questionnaire_def.hash"), nullable=False),
        sa.Column("questionnaire_id", sa.String(), nullable=False),
        sa.Column("questionnaire_version", sa.Integer(), nullable=False),
        sa.Column("assessment_date", sa.String(), nullable=False),
        sa.Column("age_band", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("practitioner", sa.String(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("updated_at", sa.String(), nullable=False),
        sa.Column("required_answered", sa.Integer(), nullable=False),
        sa.Column("required_total", sa.Integer(), nullable=False),
        sa.Column("latest_score", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.UniqueConstraint("id", name="uq_assessment_id"),
    )
    op.create_index("ix_assessment_updated", "assessment", ["updated_at"])
    op.create_index("ix_assessment_status_updated", "assessment", ["status", "updated_at"])
    op.create_index("ix_assessment_child", "assessment", ["child_id"])
    op.create_table(
        "answer",
        sa.Column("assessment_id", sa.String(), sa.ForeignKey("assessment.id"), primary_key=True),
        sa.Column("question_id", sa.String(), primary_key=True),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("updated_at", sa.String(), nullable=False),
        sa.Column("updated_by", sa.String(), nullable=False),
    )
    op.create_table(
        "history",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assessment_id", sa.String(), sa.ForeignKey("assessment.id"), nullable=False),
        sa.Column("question_id", sa.String(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=True),
        sa.Column("started_at", sa.String(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
        sa.Column("before", sa.String(), nullable=True),
        sa.Column("after", sa.String(), nullable=True),
    )
    op.create_index("ix_history_question", "history", ["assessment_id", "question_id", "id"])
    if op.get_bind().dialect.name != "sqlite":
        return  # a team database gets its search table in 0005
    # One document per assessment (rowid = assessment.seq): the child's name and every text answer.
    op.execute(
        "CREATE VIRTUAL TABLE assessment_fts USING fts5(name, body, tokenize = 'unicode61 remove_diacritics 2')"
    )
    op.execute("PRAGMA application_id = 1397178707")  # 0x53474153, store/db.py APPLICATION_ID
    op.execute("PRAGMA user_version = 1")


def downgrade() -> None:
    op.execute("DROP TABLE assessment_fts")
    for table in ("history", "answer", "assessment", "questionnaire_def", "child"):
        op.drop_table(table)
