"""The whole signed-off record frozen, history append-only, and a seal that 'check' verifies.

Migration 0002 froze a signed-off record's answers and assessment row, but a
SQL tool could still delete or rewrite its review, history, comments and
child, and insert a fake review or history.  Now:

- reviews, comments and addenda are never changed or deleted, for any
  assessment (they are only ever added to); no review is added after sign-off;
- history is append-only for every assessment.  The one exception is folding
  (repeated saves of one answer by one person within ten minutes become one
  entry): it may still update or remove the latest entry of a draft that has
  never been submitted and has no workflow event after that entry, because
  autosave writes every second and nobody but its author has seen those
  in-between versions.  Once anything was submitted every version is evidence;
- a signed-off record takes no history but comments, addenda and restore notes;
- a record cannot be created signed off, and becomes signed off only with a
  submission in its history, a sign-off review by someone other than its
  author, and a seal (see store/freeze.py);
- a child row that an assessment points at cannot be deleted or re-keyed (a
  signed-off record shows the child's details as snapshotted at sign-off);
- next steps of a signed-off record are frozen.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

FROZEN = "SELECT RAISE(ABORT, 'this assessment is signed off and cannot be changed; add an addendum instead')"
APPEND_ONLY = ("SELECT RAISE(ABORT, 'the record is only ever added to: reviews, comments, addenda and history "
               "are never changed or deleted')")
SIGNED = "(SELECT status FROM assessment WHERE id = {ref}.assessment_id) = 'signed_off'"
# The latest entry of a never-submitted draft, with no workflow event after it: folding may still touch it.
FOLDABLE = (
    "OLD.kind = 'answer' AND (SELECT status = 'draft' AND submitted_at IS NULL FROM assessment "
    "WHERE id = OLD.assessment_id) AND NOT EXISTS (SELECT 1 FROM history later WHERE later.assessment_id = "
    "OLD.assessment_id AND later.id > OLD.id AND (later.question_id IS NULL OR later.question_id = OLD.question_id))"
)
SAME_ENTRY = ("NEW.id = OLD.id AND NEW.assessment_id = OLD.assessment_id AND NEW.question_id IS OLD.question_id AND "
              "NEW.kind = OLD.kind AND NEW.actor = OLD.actor AND NEW.role IS OLD.role AND "
              "NEW.started_at = OLD.started_at AND NEW.before IS OLD.before")
OLD_TRIGGERS = ("review_append_only", "addendum_append_only", "history_append_only")


def _trigger(name: str, when: str, table: str, condition: str, action: str) -> None:
    op.execute(f"CREATE TRIGGER {name} BEFORE {when} ON {table} WHEN {condition} BEGIN {action}; END")


def upgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.add_column(sa.Column("seal", sa.String(), nullable=True))
    if op.get_bind().dialect.name != "sqlite":
        return  # a team database's rules are PL/pgSQL, in 0005
    for name in OLD_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    _seal_existing()
    signed_new, signed_old = SIGNED.format(ref="NEW"), SIGNED.format(ref="OLD")
    for table in ("review", "comment", "addendum"):
        for event in ("UPDATE", "DELETE"):
            # Two triggers with exclusive conditions, so a signed-off record says so.
            _trigger(f"{table}_no_{event.lower()}", event, table, "1", f"SELECT CASE WHEN {signed_old} THEN "
                     "RAISE(ABORT, 'this assessment is signed off and cannot be changed; add an addendum instead') "
                     "ELSE RAISE(ABORT, 'the record is only ever added to: reviews, comments, addenda and history "
                     "are never changed or deleted') END")
    _trigger("review_frozen_insert", "INSERT", "review", signed_new, FROZEN)
    _trigger("history_frozen_insert", "INSERT", "history",
             f"{signed_new} AND NOT (NEW.question_id IS NULL AND NEW.kind IN ('comment', 'addendum', 'restored'))",
             FROZEN)
    _trigger("history_no_update", "UPDATE", "history", f"NOT ({FOLDABLE} AND {SAME_ENTRY})",
             f"SELECT CASE WHEN {signed_old} THEN RAISE(ABORT, 'this assessment is signed off and cannot be changed; "
             "add an addendum instead') ELSE RAISE(ABORT, 'the record is only ever added to: reviews, comments, "
             "addenda and history are never changed or deleted') END")
    _trigger("history_no_delete", "DELETE", "history", f"NOT ({FOLDABLE})",
             f"SELECT CASE WHEN {signed_old} THEN RAISE(ABORT, 'this assessment is signed off and cannot be changed; "
             "add an addendum instead') ELSE RAISE(ABORT, 'the record is only ever added to: reviews, comments, "
             "addenda and history are never changed or deleted') END")
    _trigger("assessment_born_signed", "INSERT", "assessment", "NEW.status = 'signed_off'",
             "SELECT RAISE(ABORT, 'an assessment becomes signed off only through review, never as it is created')")
    _trigger("assessment_sign_off_needs_review", "UPDATE", "assessment",
             "NEW.status = 'signed_off' AND OLD.status != 'signed_off' AND (NEW.seal IS NULL OR NOT EXISTS "
             "(SELECT 1 FROM history WHERE assessment_id = OLD.id AND kind = 'submitted') OR NOT EXISTS "
             "(SELECT 1 FROM review WHERE assessment_id = OLD.id AND decision = 'signed_off' "
             "AND actor != NEW.practitioner))",
             "SELECT RAISE(ABORT, 'a sign-off needs a submission, a review by someone other than the author, "
             "and a seal')")
    _trigger("child_kept", "DELETE", "child", "EXISTS (SELECT 1 FROM assessment WHERE child_id = OLD.id)",
             "SELECT RAISE(ABORT, 'this child has assessments: their record is kept')")
    _trigger("child_id_kept", "UPDATE", "child",
             "NEW.id != OLD.id AND EXISTS (SELECT 1 FROM assessment WHERE child_id = OLD.id)",
             "SELECT RAISE(ABORT, 'this child has assessments: their record is kept')")
    for event, ref in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
        _trigger(f"action_due_frozen_{event.lower()}", event, "action_due", SIGNED.format(ref=ref), FROZEN)
    op.execute("PRAGMA user_version = 3")


def _seal_existing() -> None:
    """Seal the records signed off before this version (the row is frozen: lift its trigger for this alone)."""
    from sg_assess.store.freeze import make_seal

    from sg_assess.store.dialect import driver_sql

    run = driver_sql(op.get_bind())
    rows = run("SELECT id, signed_off_at, child_snapshot FROM assessment WHERE status = 'signed_off'").fetchall()
    if not rows:
        return
    op.execute("DROP TRIGGER assessment_frozen")
    for aid, signed_off_at, snapshot in rows:
        run("UPDATE assessment SET seal = ? WHERE id = ?",
            (make_seal(run, aid, signed_off_at=signed_off_at, child_snapshot=snapshot), aid))
    op.execute(f"CREATE TRIGGER assessment_frozen BEFORE UPDATE ON assessment WHEN OLD.status = 'signed_off' "
               f"BEGIN {FROZEN}; END")


def downgrade() -> None:
    from sg_assess.store.freeze import TRIGGERS

    keep = {"answer_frozen_insert", "answer_frozen_update", "answer_frozen_delete", "assessment_frozen",
            "assessment_undeletable"}
    for name in TRIGGERS:
        if name not in keep:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for table in ("review", "addendum", "history"):
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} WHEN (SELECT status FROM assessment "
                   f"WHERE id = OLD.assessment_id) = 'signed_off' BEGIN {FROZEN}; END")
    with op.batch_alter_table("assessment") as batch:
        batch.drop_column("seal")
    op.execute("PRAGMA user_version = 2")
