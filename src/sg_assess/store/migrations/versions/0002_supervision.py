"""Supervision: ownership, submission and sign-off, reviews, comments, addenda, next steps due.

A signed-off assessment is frozen by triggers in the database itself, so no
path (this program, another version of it, or a SQL tool) can change its
answers or its record; corrections are addenda.

Revision ID: 0002
Revises: 0001
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FROZEN = "SELECT RAISE(ABORT, 'this assessment is signed off and cannot be changed; add an addendum instead')"


def upgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.add_column(sa.Column("owner", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("submitted_at", sa.String(), nullable=True))
        batch.add_column(sa.Column("signed_off_at", sa.String(), nullable=True))
        batch.add_column(sa.Column("child_snapshot", sa.String(), nullable=True))
    op.execute("UPDATE assessment SET owner = practitioner")
    op.create_index("ix_assessment_status_submitted", "assessment", ["status", "submitted_at"])
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assessment_id", sa.String(), sa.ForeignKey("assessment.id"), nullable=False),
        sa.Column("decision", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
        sa.Column("comment", sa.String(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("declaration", sa.String(), nullable=True),
    )
    op.create_index("ix_review_assessment", "review", ["assessment_id", "id"])
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assessment_id", sa.String(), sa.ForeignKey("assessment.id"), nullable=False),
        sa.Column("section_id", sa.String(), nullable=True),
        sa.Column("parent_id", sa.Integer(), sa.ForeignKey("comment.id"), nullable=True),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
    )
    op.create_index("ix_comment_assessment", "comment", ["assessment_id", "id"])
    op.create_table(
        "addendum",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assessment_id", sa.String(), sa.ForeignKey("assessment.id"), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
    )
    op.create_index("ix_addendum_assessment", "addendum", ["assessment_id", "id"])
    op.create_table(
        "action_due",
        sa.Column("assessment_id", sa.String(), sa.ForeignKey("assessment.id"), primary_key=True),
        sa.Column("question_id", sa.String(), primary_key=True),
        sa.Column("row", sa.Integer(), primary_key=True),
        sa.Column("what", sa.String(), nullable=False),
        sa.Column("who", sa.String(), nullable=False),
        sa.Column("by_when", sa.String(), nullable=True),
        sa.Column("review_date", sa.String(), nullable=True),
        sa.Column("done", sa.Integer(), nullable=False),
    )
    op.create_index("ix_action_due_review", "action_due", ["done", "review_date"])
    op.create_index("ix_history_assessment", "history", ["assessment_id", "id"])  # history in order, no sort
    _backfill_actions()
    if op.get_bind().dialect.name != "sqlite":
        return  # a team database's rules are PL/pgSQL, in 0005
    for event, table, ref in (("INSERT", "answer", "NEW"), ("UPDATE", "answer", "OLD"), ("DELETE", "answer", "OLD")):
        op.execute(
            f"CREATE TRIGGER answer_frozen_{event.lower()} BEFORE {event} ON {table} "
            f"WHEN (SELECT status FROM assessment WHERE id = {ref}.assessment_id) = 'signed_off' "
            f"BEGIN {FROZEN}; END"
        )
    op.execute(f"CREATE TRIGGER assessment_frozen BEFORE UPDATE ON assessment WHEN OLD.status = 'signed_off' BEGIN {FROZEN}; END")
    op.execute(f"CREATE TRIGGER assessment_undeletable BEFORE DELETE ON assessment WHEN OLD.status = 'signed_off' BEGIN {FROZEN}; END")
    for table in ("review", "addendum", "history"):
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} WHEN (SELECT status FROM assessment "
                   f"WHERE id = OLD.assessment_id) = 'signed_off' BEGIN {FROZEN}; END")
    op.execute("PRAGMA user_version = 2")


def _backfill_actions() -> None:
    """Fill action_due from the answers of every 'actions' question already stored."""
    conn = op.get_bind()
    kinds: dict[str, set[str]] = {}
    for content_hash, source in conn.execute(sa.text("SELECT hash, source FROM questionnaire_def")):
        import tomllib

        data = tomllib.loads(source)
        kinds[content_hash] = {q["id"] for s in data.get("sections", []) for q in s.get("questions", [])
                               if q.get("kind") == "actions"}
    rows = conn.execute(sa.text("SELECT an.assessment_id, an.question_id, an.value, a.questionnaire_hash "
                                "FROM answer an JOIN assessment a ON a.id = an.assessment_id"))
    for assessment_id, question_id, value, content_hash in rows:
        if question_id not in kinds.get(content_hash, ()):
            continue
        for index, item in enumerate(json.loads(value)):
            conn.execute(sa.text("INSERT INTO action_due VALUES (:a, :q, :r, :what, :who, :by, :review, :done)"),
                         {"a": assessment_id, "q": question_id, "r": index, "what": item.get("what") or "",
                          "who": item.get("who") or "", "by": item.get("by_when"), "review": item.get("review_date"),
                          "done": int(bool(item.get("done")))})


def downgrade() -> None:
    for name in ("answer_frozen_insert", "answer_frozen_update", "answer_frozen_delete", "assessment_frozen",
                 "assessment_undeletable", "review_append_only", "addendum_append_only", "history_append_only"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for table in ("action_due", "addendum", "comment", "review"):
        op.drop_table(table)
    op.drop_index("ix_history_assessment", "history")
    op.drop_index("ix_assessment_status_submitted", "assessment")
    with op.batch_alter_table("assessment") as batch:
        for column in ("child_snapshot", "signed_off_at", "submitted_at", "owner"):
            batch.drop_column(column)
