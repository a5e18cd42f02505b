"""The seal of a signed-off record: what was signed off, hashed, so 'sg-assess check' can prove it unchanged.

Database triggers (migration 0003) refuse every change to a signed-off record,
but a SQL tool can drop a trigger.  So sign-off also stores, in the frozen
assessment row, a SHA-256 of each part of the record as it was signed off:
the record's own fields (with the child as shown), the answers, the reviews,
the history and the comments up to that moment.  Comments, addenda and their
history events may be added afterwards; nothing that was sealed may change.

``run`` runs a ``?``-placeholder statement (store.dialect.driver_sql): this runs
inside the store's write transaction and inside the read-only ``check``, on
either database.  A team database's rules are its PL/pgSQL triggers
(``SERVER_TRIGGERS``), a file's are SQLite triggers (``TRIGGERS``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

PARTS = ("record", "answers", "reviews", "history", "comments")
# Every trigger that makes up the freeze; 'check' reports any that is missing.
TRIGGERS = (
    "answer_frozen_insert", "answer_frozen_update", "answer_frozen_delete", "assessment_frozen",
    "assessment_undeletable", "assessment_born_signed", "assessment_sign_off_needs_review",
    "review_frozen_insert", "review_no_update", "review_no_delete", "comment_no_update", "comment_no_delete",
    "addendum_no_update", "addendum_no_delete", "history_frozen_insert", "history_no_update", "history_no_delete",
    "child_kept", "child_id_kept", "action_due_frozen_insert", "action_due_frozen_update", "action_due_frozen_delete",
)
SERVER_TRIGGERS = ("assessment_rules", "answer_rules", "assessment_fts_rules", "action_due_rules", "history_rules",
                   "review_rules", "review_decides", "comment_rules", "addendum_rules", "child_rules",
                   "questionnaire_rules")
# History events that may still be added to a signed-off record (it is only ever added to).
ADDITIONS = ("comment", "addendum", "restored")

Run = Callable[..., Any]


def _digest(rows: Any) -> str:
    data = json.dumps([list(r) for r in rows], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _parts(run: Run, aid: str, signed_off_at: str | None, child_snapshot: str | None,
           history_upto: int, comments_upto: int) -> dict[str, str]:
    record = run("SELECT id, child_id, questionnaire_hash, questionnaire_id, questionnaire_version, assessment_date, "
                 "age_band, practitioner, created_at, owner, submitted_at FROM assessment WHERE id = ?", (aid,)).fetchall()
    return {
        "record": _digest([*record, (signed_off_at, child_snapshot)]),
        "answers": _digest(run("SELECT question_id, value, updated_at, updated_by FROM answer WHERE assessment_id = ? "
                               "ORDER BY question_id", (aid,))),
        "reviews": _digest(run("SELECT decision, actor, role, at, comment, score, declaration FROM review "
                               "WHERE assessment_id = ? ORDER BY id", (aid,))),
        "history": _digest(run("SELECT id, question_id, kind, actor, role, started_at, at, before, after FROM history "
                               "WHERE assessment_id = ? AND id <= ? ORDER BY id", (aid, history_upto))),
        "comments": _digest(run("SELECT id, section_id, parent_id, author, role, at, text FROM comment "
                                "WHERE assessment_id = ? AND id <= ? ORDER BY id", (aid, comments_upto))),
    }


def make_seal(run: Run, aid: str, *, signed_off_at: str, child_snapshot: str | None) -> str:
    """The seal to store in the assessment row in the same statement that signs it off."""
    history_upto = run("SELECT coalesce(max(id), 0) FROM history WHERE assessment_id = ?", (aid,)).fetchone()[0]
    comments_upto = run("SELECT coalesce(max(id), 0) FROM comment WHERE assessment_id = ?", (aid,)).fetchone()[0]
    parts = _parts(run, aid, signed_off_at, child_snapshot, history_upto, comments_upto)
    return json.dumps({"v": 1, "history_upto": history_upto, "comments_upto": comments_upto, **parts}, sort_keys=True)


def verify(run: Run, dialect_name: str = "sqlite") -> list[str]:
    """One line per signed-off record that is not as it was signed off, and one for missing triggers."""
    from sg_assess.store.dialect import POSTGRESQL, trigger_names

    problems: list[str] = []
    present = trigger_names(run, dialect_name)
    missing = [t for t in (SERVER_TRIGGERS if dialect_name == POSTGRESQL else TRIGGERS) if t not in present]
    if missing:
        problems.append(f"the freeze triggers {', '.join(missing)} are missing (removed with a SQL tool?): "
                        "signed-off records are not protected; restore a backup")
    for aid, signed_off_at, snapshot, seal in run(
            "SELECT id, signed_off_at, child_snapshot, seal FROM assessment WHERE status = 'signed_off' ORDER BY seq"):
        problems += _verify_one(run, aid, signed_off_at, snapshot, seal)
    return problems


def _verify_one(run: Run, aid: str, signed_off_at: str | None, snapshot: str | None, seal: str | None) -> list[str]:
    short = aid[:8]
    try:
        stored = json.loads(seal) if seal else None
        upto_h, upto_c = int(stored["history_upto"]), int(stored["comments_upto"])
    except (ValueError, TypeError, KeyError):
        stored = None
    if stored is None:
        return [f"assessment {short} is marked signed off but has no valid seal: it was not signed off through "
                "sg-assess, or its record was changed"]
    now = _parts(run, aid, signed_off_at, snapshot, upto_h, upto_c)
    changed = [f"its {part} changed" for part in PARTS if stored.get(part) != now[part]]
    added = run("SELECT count(*) FROM history WHERE assessment_id = ? AND id > ? AND NOT (question_id IS NULL AND "
                f"kind IN ({', '.join('?' for _ in ADDITIONS)}))", (aid, upto_h, *ADDITIONS)).fetchone()[0]
    if added:
        changed.append(f"{added} history entries added after sign-off")
    reviews = run("SELECT count(*) FROM review WHERE assessment_id = ? AND decision = 'signed_off'", (aid,)).fetchone()[0]
    if not reviews:
        changed.append("it has no sign-off review")
    if not changed:
        return []
    return [f"assessment {short} is not as it was signed off ({'; '.join(changed)}: altered outside sg-assess); "
            "restore a backup and tell the record's owner"]
