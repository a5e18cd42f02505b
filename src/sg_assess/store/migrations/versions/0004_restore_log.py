"""Restore log: who put a backup back, when, why, and what it undid.

A restore can take an assessment back from signed off or lose later changes;
the restored database keeps a row here for every restore (and each affected
assessment that still exists gets a "restored" event in its history).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
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
    if op.get_bind().dialect.name != "sqlite":
        return  # a team database is restored by its server's tools; the log takes no rows there
    # The log is evidence too: added to, never changed (the same rule as history, reviews and comments).
    for event in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER restore_log_no_{event.lower()} BEFORE {event} ON restore_log "
                   "BEGIN SELECT RAISE(ABORT, 'the restore log is only ever added to'); END")
    op.execute("PRAGMA user_version = 4")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS restore_log_no_update")
    op.execute("DROP TRIGGER IF EXISTS restore_log_no_delete")
    op.drop_table("restore_log")
    op.execute("PRAGMA user_version = 3")
