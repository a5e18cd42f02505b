"""Hand-off bundles: one assessment, lossless, with a SHA-256 of its content, for another machine.

Import verifies the checksum (refusing a tampered or truncated file), never
overwrites a newer copy of the same assessment, writes everything in one
transaction, and records the import in the assessment's history.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any


from sg_assess.errors import Refused, ValidationError
from sg_assess.export.jsonexport import assessment_dict
from sg_assess.questionnaire.loader import from_source
from sg_assess.store import db
from sg_assess.store.records import AssessmentRecord

if TYPE_CHECKING:
    from sg_assess.store.repository import Store

FORMAT = "sg-assess/bundle"
FORMAT_VERSION = 1
MAX_BUNDLE_BYTES = 200 * 1024 * 1024


def _canonical(content: dict[str, Any]) -> bytes:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def render_bundle(record: AssessmentRecord) -> str:
    from sg_assess import __version__

    content = assessment_dict(record, full=True)
    return json.dumps({"format": FORMAT, "format_version": FORMAT_VERSION, "exported_by": f"sg-assess {__version__}",
                       "sha256": hashlib.sha256(_canonical(content)).hexdigest(), "content": content},
                      ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def read_bundle(path: Path) -> dict[str, Any]:
    """The verified content of a bundle file, or a one-line error saying what is wrong with it."""
    try:
        size = path.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            raise ValidationError(f"{path} is {size:,} bytes, too large for a bundle")
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValidationError(f"{path} is not a complete bundle (truncated or damaged?); ask for it to be sent again") from None
    except RecursionError:  # thousands of nested brackets: no assessment looks like that
        raise ValidationError(f"{path} is not an sg-assess bundle (its data is nested too deeply)") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationError(f"{path} is not an sg-assess bundle (export one with --format bundle)")
    if data.get("format_version") != FORMAT_VERSION:
        raise ValidationError(f"{path} is a bundle of format {data.get('format_version')!r}; this sg-assess reads "
                              f"format {FORMAT_VERSION}: upgrade sg-assess")
    content = data.get("content")
    try:
        digest = hashlib.sha256(_canonical(content)).hexdigest() if isinstance(content, dict) else None
    except (RecursionError, ValueError):  # nested too deeply to write back, or a number JSON cannot hold
        raise ValidationError(f"{path} is not an sg-assess bundle (its data is nested too deeply)") from None
    if digest is None or digest != data.get("sha256"):
        raise ValidationError(f"{path} has been changed or damaged since it was exported (its checksum does not "
                              "match); nothing was imported")
    return content


def import_bundle(store: Store, path: Path, *, actor: str, role: str) -> str:
    """Import a verified bundle; return the assessment id."""
    content = read_bundle(path)
    try:
        return _import(store, content, path.name, actor=actor, role=role)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(f"{path} does not hold a complete assessment ({type(exc).__name__}: {exc}); "
                              "nothing was imported") from None


def _import(store: Store, a: dict[str, Any], source: str, *, actor: str, role: str) -> str:
    q = a["questionnaire"]
    questionnaire = from_source(q["source"], f"questionnaire in {source}")
    if questionnaire.content_hash != q["hash"]:
        raise ValidationError(f"the questionnaire in {source} does not match its recorded hash; nothing was imported")
    aid, child = a["id"], a["child"]
    now = store._now()
    with db.write_connection(store.engine) as conn:
        run = conn.connection.driver_connection.execute
        local = run("SELECT updated_at, status FROM assessment WHERE id = ?", (aid,)).fetchone()
        if local is not None:
            if local[1] == "signed_off":
                raise Refused(f"assessment {aid[:8]} is signed off here; a signed-off record is never replaced")
            if local[0] >= a["updated_at"]:
                raise Refused(f"the copy of assessment {aid[:8]} here is the same or newer ({local[0][:16]}); "
                              "nothing was imported")
            for table in ("action_due", "answer", "review", "comment", "addendum", "history"):
                run(f"DELETE FROM {table} WHERE assessment_id = ?", (aid,))
            seq = run("SELECT seq FROM assessment WHERE id = ?", (aid,)).fetchone()[0]
            run("DELETE FROM assessment_fts WHERE rowid = ?", (seq,))
            run("DELETE FROM assessment WHERE id = ?", (aid,))
        run("INSERT OR IGNORE INTO questionnaire_def (hash, qid, version, title, source, stored_at) "
            "VALUES (?, ?, ?, ?, ?, ?)", (q["hash"], q["id"], q["version"], q["title"], q["source"], now))
        if run("SELECT 1 FROM child WHERE id = ?", (child["id"],)).fetchone() is None:
            run("INSERT INTO child (id, name, dob, due_date, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (child["id"], child["name"], child["dob"], child["due_date"], now, now))
        # Everything goes in as a draft; the real status is set last (a signed-off record takes no more rows).
        run("INSERT INTO assessment (id, child_id, questionnaire_hash, questionnaire_id, questionnaire_version, "
            "assessment_date, age_band, status, practitioner, created_at, updated_at, required_answered, "
            "required_total, latest_score, revision, owner, submitted_at, signed_off_at, child_snapshot) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, 0, ?, ?, NULL, NULL)",
            (aid, child["id"], q["hash"], q["id"], q["version"], a["assessment_date"], a["age_band"], a["practitioner"],
             a["created_at"], a["updated_at"], a["completeness"]["required_answered"],
             a["completeness"]["required_total"], a["latest_score"], a["owner"], a["submitted_at"]))
        seq = run("SELECT seq FROM assessment WHERE id = ?", (aid,)).fetchone()[0]
        for qid, value in a["answers"].items():
            if questionnaire.question(qid) is None:
                raise ValidationError(f"answer to unknown question {qid!r}")
            run("INSERT INTO answer (assessment_id, question_id, value, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)",
                (aid, qid, json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")), a["updated_at"],
                 a["owner"]))
        for h in a["history"]:
            run("INSERT INTO history (assessment_id, question_id, kind, actor, role, started_at, at, before, after) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (aid, h["question_id"], h["kind"], h["actor"], h["role"], h["started_at"], h["at"], _json(h["before"]),
                 _json(h["after"])))
        for r in a["reviews"]:
            run("INSERT INTO review (assessment_id, decision, actor, role, at, comment, score, declaration) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (aid, r["decision"], r["actor"], r["role"], r["at"], r["comment"], r["score"], r["declaration"]))
        ids: dict[int, int] = {}
        for c in a["comments"]:
            cursor = run("INSERT INTO comment (assessment_id, section_id, parent_id, author, role, at, text) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (aid, c["section_id"], ids.get(c["parent_id"]), c["author"], c["role"], c["at"], c["text"]))
            ids[c["id"]] = cursor.lastrowid
        for ad in a["addenda"]:
            run("INSERT INTO addendum (assessment_id, author, role, at, reason, text) VALUES (?, ?, ?, ?, ?, ?)",
                (aid, ad["author"], ad["role"], ad["at"], ad["reason"], ad["text"]))
        store._refresh(conn, aid, seq, child["name"], questionnaire, a["age_band"], a["updated_at"])
        run("UPDATE assessment SET revision = ?, updated_at = ? WHERE id = ?", (0, a["updated_at"], aid))
        store._event(conn, aid, "imported", actor, role, now, {"from": source})
        snapshot = json.dumps(child, sort_keys=True) if a["status"] == "signed_off" else None
        run("UPDATE assessment SET status = ?, signed_off_at = ?, child_snapshot = ? WHERE id = ?",
            (a["status"], a["signed_off_at"], snapshot, aid))
    return aid


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
