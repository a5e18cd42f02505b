"""Restore log: who put a backup back, when, why, and what it undid.

A restore can take an assessment back from signed off or lose later changes;
the restored database keeps a row here for every restore (and each affected
assessment that still exists gets a "restored" event in its history).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "restore_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),  # the backup put back
        sa.Column("kept", sa.String(), nullable=True),  # where the database as it was is kept
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("affected", sa.String(), nullable=False),  # JSON: [{"id", "was", "now", "what"}]
    )
    op.execute("PRAGMA user_version = 3")


def downgrade() -> None:
    op.drop_table("restore_log")
    op.execute("PRAGMA user_version = 2")
