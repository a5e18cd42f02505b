"""The store: every read and write of assessments goes through ``Store``.

Writes run inside ``BEGIN IMMEDIATE`` transactions, so the answer, its history
entry, the assessment's summary columns and the full-text index always change
together or not at all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, column, func, insert, or_, select, table, text, update

from sg_assess.errors import DatabaseError, NotFound, UsageError, ValidationError
from sg_assess.questionnaire.loader import from_source
from sg_assess.questionnaire.schema import Questionnaire, age_band
from sg_assess import plausible
from sg_assess.questionnaire.values import (NUL_SYMBOL, answer_figures, clean_text, latest_score, normalize, parse_date,
                                            text_of)
from sg_assess.store import db
from sg_assess.store.dialect import driver_sql, folded, search as search_clause, search_document
from sg_assess.store.tables import ANS, CHILD_NAME, H, Q_HASH, QD, SUMMARY_COLUMNS, A, C, summaries_of
from sg_assess.records import (
    AddendumRecord,
    Conflict,
    AssessmentRecord,
    AssessmentSummary,
    ChildRecord,
    CommentRecord,
    HistoryRecord,
    ReviewRecord,
)
from sg_assess.store.supervision import SupervisionMixin, check_editable
from sg_assess.store.trend import earlier_scores

if TYPE_CHECKING:
    from sg_assess.store.postgres import TeamIdentity

COALESCE_WINDOW = dt.timedelta(minutes=10)
UNSET: Any = object()


MIN_PREFIX = 6
EDITABLE_STATUSES = frozenset({"draft", "returned"})

_SQL_GET = (
    "SELECT a.questionnaire_hash, a.owner, a.signed_off_at, a.child_snapshot, a.child_id, c.name, c.dob, c.due_date, "
    "a.age_band, a.status, a.assessment_date, a.practitioner, a.created_at, a.updated_at, a.required_answered, "
    "a.required_total, a.latest_score, a.questionnaire_id, a.questionnaire_version, a.submitted_at "
    "FROM assessment a JOIN child c ON c.id = a.child_id WHERE a.id = ?"
)
_SQL_HEAD = ("SELECT a.seq, a.status, a.questionnaire_hash, a.age_band, "
             "COALESCE(json_extract(a.child_snapshot, '$.name'), c.name), a.owner "
             "FROM assessment a JOIN child c ON c.id = a.child_id WHERE a.id = ?")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _child_snapshot(child_id: str, name: str, dob: str | None, due: str | None) -> str:
    """The child's details as one assessment records them (the same form sign-off has always kept)."""
    return json.dumps({"id": child_id, "name": name, "dob": dob, "due_date": due}, sort_keys=True)


def _loads(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def _prefix_range(prefix: str) -> tuple[str, str]:
    cleaned = prefix.strip().lower()
    if len(cleaned) < MIN_PREFIX:
        raise UsageError(f"give at least {MIN_PREFIX} characters of the id (you gave {prefix!r})")
    if not all(ch in "0123456789abcdef-" for ch in cleaned):
        raise NotFound(f"{prefix!r} is not an id: ids are made of 0-9, a-f and '-'")
    return cleaned, cleaned[:-1] + chr(ord(cleaned[-1]) + 1)


class Store(SupervisionMixin):
    """An open sg-assess database.  Use ``Store.open``; close it (or use ``with``) when done."""

    def __init__(self, engine: Engine, location: db.Location, *, clock: Callable[[], dt.datetime] = utc_now,
                 team: TeamIdentity | None = None):
        self.engine = engine
        self.location = location
        self.clock = clock
        self.team = team  # on a team database: who the login is, and their role (None for a file)
        self._questionnaire = lru_cache(maxsize=16)(self._load_questionnaire)

    @classmethod
    def open(
        cls,
        location: str | os.PathLike[str],
        *,
        readonly: bool = False,
        create: bool = True,
        clock: Callable[[], dt.datetime] = utc_now,
        password: str | None = None,
    ) -> Store:
        """Open (and migrate) a database.  Opening never backs up (6-24 s at 1.4 GB): ``daily_backup``
        does, after a command that wrote (CLI) or in a thread once the app is ready."""
        from sg_assess.store import backups

        loc = db.resolve_location(location)
        if loc.server is not None:
            return cls._open_server(loc, clock=clock, password=password)
        if loc.path is not None and not loc.readonly and not readonly and loc.path.is_file() \
                and loc.path.stat().st_size == 0 and (latest := next(iter(backups.backups(loc.path)), None)):
            raise DatabaseError(f"{loc.path} is empty, but it has backups beside it: it may have been emptied by "
                                f"mistake. The latest backup is {latest}: 'sg-assess restore \"{latest}\"' puts it "
                                "back (or move the backups folder away to start afresh); nothing was changed")
        try:
            engine = db.open_engine(loc, readonly=readonly, create=create)
        except db.DRIVER_ERRORS as exc:  # anything the database says that the checks before did not foresee
            raise DatabaseError(f"{loc}: {exc}; nothing was changed") from None
        except DatabaseError as exc:
            if loc.path is not None and "damaged" in str(exc) and (good := backups.latest_good_backup(loc.path)):
                raise DatabaseError(f"{exc}. The latest good backup is {good}: "
                                    f"'sg-assess restore \"{good}\"' puts it back") from None
            raise
        return cls(engine, loc, clock=clock)

    @classmethod
    def _open_server(cls, loc: db.Location, *, clock: Callable[[], dt.datetime], password: str | None) -> Store:
        from sg_assess.store import postgres

        engine = db.open_engine(loc, password=password)
        try:
            with engine.connect() as conn:
                team = postgres.identity(conn)
        except Exception:
            engine.dispose()
            raise
        return cls(engine, loc, clock=clock, team=team)

    @property
    def wrote(self) -> bool:
        """True once anything was committed through this store (the CLI backs up after such a command)."""
        return db.has_written(self.engine)

    def daily_backup(self, keep: int) -> Path | None:
        """Today's rolling backup, if there is none yet (a copy, integrity-checked; never on opening)."""
        from sg_assess.store import backups

        if keep <= 0 or self.location.path is None or self.location.readonly:
            return None
        return backups.daily_backup(self.location.path, keep=keep)

    def record_restore(self, *, source: str, kept: str | None, reason: str | None, actor: str, role: str,
                       affected: list[dict[str, Any]]) -> None:
        """Note a restore in the restored database, and in the history of each affected assessment still editable."""
        now = _iso(self.clock())
        with db.write_connection(self.engine) as conn:
            conn.execute(text("INSERT INTO restore_log (at, actor, role, source, kept, reason, affected) "
                              "VALUES (:at, :actor, :role, :source, :kept, :reason, :affected)"),
                         {"at": now, "actor": actor, "role": role, "source": source, "kept": kept, "reason": reason,
                          "affected": _dumps(affected)})
            for item in affected:
                status = conn.execute(select(A.c.status).where(A.c.id == item["id"])).scalar()
                if status in EDITABLE_STATUSES or status == "submitted":
                    self._event(conn, item["id"], "restored", actor, role, now,
                                {"from": Path(source).name, "reason": reason, "what": item["what"],
                                 "was": item["was"]})

    def restore_log(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(text("SELECT at, actor, role, source, kept, reason, affected FROM restore_log "
                                     "ORDER BY id")).all()
        return [{"at": r[0], "actor": r[1], "role": r[2], "source": r[3], "kept": r[4], "reason": r[5],
                 "affected": _loads(r[6])} for r in rows]

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- questionnaires -------------------------------------------------------------

    def _load_questionnaire(self, content_hash: str) -> Questionnaire:
        with self.engine.connect() as conn:
            source = conn.execute(select(QD.c.source).where(QD.c.hash == content_hash)).scalar_one_or_none()
        if source is None:
            raise DatabaseError(f"the stored questionnaire {content_hash[:12]} is missing; run 'sg-assess check'")
        return from_source(source, f"stored questionnaire {content_hash[:12]}")

    def questionnaire(self, content_hash: str) -> Questionnaire:
        """The exact questionnaire an assessment was asked with (from the copy kept in the store)."""
        return self._questionnaire(content_hash)

    def questionnaire_of(self, assessment_id: str) -> Questionnaire:
        with self.engine.connect() as conn:
            content_hash = conn.execute(select(A.c.questionnaire_hash).where(A.c.id == assessment_id)).scalar_one_or_none()
        if content_hash is None:
            raise NotFound(f"no assessment with id {assessment_id!r}")
        return self.questionnaire(content_hash)

    def _remember_questionnaire(self, conn: Connection, q: Questionnaire, now: str) -> None:
        exists = conn.execute(select(QD.c.hash).where(QD.c.hash == q.content_hash)).first()
        if not exists:
            conn.execute(insert(QD).values(hash=q.content_hash, qid=q.id, version=q.version, title=q.title,
                                           source=q.source, stored_at=now))

    # -- ids ------------------------------------------------------------------------

    def resolve(self, prefix: str) -> str:
        """The full id of the one assessment whose id starts with ``prefix`` (6+ characters)."""
        return self._resolve(A.c.id, prefix, "assessment")

    def resolve_child(self, prefix: str) -> str:
        return self._resolve(C.c.id, prefix, "child")

    def _resolve(self, column: Any, prefix: str, what: str) -> str:
        lo, hi = _prefix_range(prefix)
        with self.engine.connect() as conn:
            hits = conn.execute(select(column).where(column >= lo, column < hi).limit(2)).scalars().all()
        if not hits:
            raise NotFound(f"no {what} with an id starting {prefix!r}; see 'sg-assess list'")
        if len(hits) > 1:
            raise UsageError(f"more than one {what} has an id starting {prefix!r}; give more characters")
        return hits[0]

    # -- creating -------------------------------------------------------------------

    def create_assessment(
        self,
        *,
        questionnaire: Questionnaire,
        actor: str,
        child_name: str | None = None,
        dob: str | None = None,
        unborn: bool = False,
        due: str | None = None,
        child_id: str | None = None,
        assessment_date: str | None = None,
        role: str | None = None,
        agency: str | None = None,
    ) -> str:
        """Create a draft assessment (and the child, unless ``child_id`` re-assesses one); return its id.

        ``agency`` (the config file's, optional) is kept in the creation's history entry for the export's author line.
        """
        moment = self.clock()  # read once: a test's or the demo's clock may move on every reading
        today = max(dt.date.today(), moment.date())  # the later of the two: tests may fix the clock
        on = self._date_arg(assessment_date, "assessment date") if assessment_date else dt.date.today()
        plausible.check_assessment_date(on, today)
        now = _iso(moment)
        with db.write_connection(self.engine) as conn:
            changed_from = None
            if child_id:
                child = self._child_row(conn, child_id)
                name = clean_text(child_name).strip() if child_name and child_name.strip() else child["name"]
                if dob or unborn or due:
                    dob_v, due_v = self._birth_args(dob, unborn, due, on)
                else:
                    dob_v, due_v = child["dob"], child["due_date"]
                    if due_v:  # recorded before birth: a due date long past needs the date of birth now
                        plausible.check_due(dt.date.fromisoformat(due_v), on)
                if (name, dob_v, due_v) != (child["name"], child["dob"], child["due_date"]):
                    # Earlier assessments keep the details they were made with; the change is in this one's history.
                    earlier = _child_snapshot(child["id"], child["name"], child["dob"], child["due_date"])
                    conn.execute(update(A).where(A.c.child_id == child_id, A.c.child_snapshot.is_(None))
                                 .values(child_snapshot=earlier))
                    conn.execute(update(C).where(C.c.id == child_id).values(name=name, dob=dob_v, due_date=due_v, updated_at=now))
                    changed_from = {"name": child["name"], "dob": child["dob"], "due_date": child["due_date"]}
            else:
                name = clean_text(child_name or "").strip()  # a broken paste's lone surrogates become U+FFFD
                if not name:
                    raise ValidationError("the child's name is needed (--child NAME)")
                dob_v, due_v = self._birth_args(dob, unborn, due, on)
                child_id = str(uuid.uuid4())
                conn.execute(insert(C).values(id=child_id, name=name, dob=dob_v, due_date=due_v, created_at=now, updated_at=now))
            band = self._band(dob_v, on)
            self._remember_questionnaire(conn, questionnaire, now)
            aid = str(uuid.uuid4())
            done, total = questionnaire.completeness(band, {})
            result = conn.execute(insert(A).values(
                id=aid, child_id=child_id, questionnaire_hash=questionnaire.content_hash,
                questionnaire_id=questionnaire.id, questionnaire_version=questionnaire.version,
                assessment_date=on.isoformat(), age_band=band, status="draft", practitioner=actor,
                created_at=now, updated_at=now, required_answered=done, required_total=total,
                latest_score=None, revision=0, owner=actor,
                child_snapshot=_child_snapshot(child_id, name, dob_v, due_v),
            ))
            seq = result.inserted_primary_key[0]
            conn.execute(text("INSERT INTO assessment_fts(rowid, name, body) VALUES (:seq, :name, '')"),
                         {"seq": seq, "name": search_document(conn.dialect.name, name)})
            conn.execute(insert(H).values(
                assessment_id=aid, question_id=None, kind="created", actor=actor, role=role, started_at=now, at=now,
                before=None, after=_dumps({"child": name, "questionnaire": f"{questionnaire.id} v{questionnaire.version}",
                                           "assessment_date": on.isoformat(),
                                           **({"child_details_changed_from": changed_from} if changed_from else {}),
                                           **({"agency": clean_text(agency).strip()} if agency and agency.strip() else {})}),
            ))
        return aid

    @staticmethod
    def _date_arg(value: str, label: str) -> dt.date:
        try:
            return parse_date(value)
        except (ValueError, TypeError):
            raise ValidationError(f"the {label} {value!r} is not a real date; write it as YYYY-MM-DD") from None

    def _birth_args(self, dob: str | None, unborn: bool, due: str | None, on: dt.date) -> tuple[str | None, str | None]:
        if unborn or due:
            if dob:
                raise UsageError("give either a date of birth, or --unborn with a due date, not both")
            if not due:
                raise UsageError("an unborn child needs a due date (--due YYYY-MM-DD)")
            due_day = self._date_arg(due, "due date")
            plausible.check_due(due_day, on)
            return None, due_day.isoformat()
        if not dob:
            raise UsageError("the child's date of birth is needed (--dob YYYY-MM-DD), or --unborn --due YYYY-MM-DD")
        born = self._date_arg(dob, "date of birth")
        plausible.check_dob(born, on)
        return born.isoformat(), None

    @staticmethod
    def _band(dob: str | None, on: dt.date) -> str:
        try:
            return age_band(dt.date.fromisoformat(dob) if dob else None, on, unborn=dob is None)
        except ValueError as exc:
            raise ValidationError(f"cannot assess this child on {on}: {exc}") from None

    def _child_row(self, conn: Connection, child_id: str) -> Any:
        row = conn.execute(select(C).where(C.c.id == child_id)).mappings().first()
        if row is None:
            raise NotFound(f"no child with id {child_id!r}")
        return row

    # -- answering ------------------------------------------------------------------

    def save_answer(self, assessment_id: str, question_id: str, value: Any, *, actor: str, role: str | None = None,
                    expected: Any = UNSET) -> bool | Conflict:
        """Validate and save one answer; return False when it was already stored exactly so.

        ``None``, empty text or an empty list clears the answer.  An invalid value
        raises ValidationError and writes nothing.  ``expected`` is the value the
        caller last saw stored: if someone else has saved a different value since,
        nothing is silently overwritten: a text answer keeps both versions, any
        other keeps the new value with the other in the history, and a Conflict is
        returned to tell the user.  This is the autosave path, so it speaks plain
        SQL to the driver (SQLAlchemy's statement building cost more than SQLite's
        work here).
        """
        with db.write_connection(self.engine) as conn:
            sql = driver_sql(conn)  # inside the write transaction
            head = sql(_SQL_HEAD, (assessment_id,)).fetchone()
            if head is None:
                raise NotFound(f"no assessment with id {assessment_id!r}")
            seq, status, q_hash, band, child_name, owner = head
            check_editable(assessment_id, status, owner, actor)
            questionnaire = self.questionnaire(q_hash)
            question = questionnaire.question(question_id)
            if question is None:
                raise ValidationError(f"there is no question {question_id!r} in {questionnaire.id} v{questionnaire.version}")
            value = normalize(question, value)
            new_json = _dumps(value)
            old = sql("SELECT value, updated_by, updated_at FROM answer WHERE assessment_id = ? AND question_id = ?",
                      (assessment_id, question_id)).fetchone()
            old_json = old[0] if old else None
            if new_json == old_json:
                return False
            moment = self.clock()
            now = _iso(moment)
            conflict = None
            if expected is not UNSET and old_json != _dumps(expected) and old is not None:
                theirs = json.loads(old_json)
                merged = question.kind in ("text", "long_text") and value is not None
                if merged:
                    value = f"{value}\n\n[Also saved by {old[1]} at {old[2][11:16]} UTC, kept so nothing is lost:]\n{theirs}"
                    new_json = _dumps(value)
                conflict = Conflict(question_id, old[1], theirs, value, merged)
                sql("INSERT INTO history (assessment_id, question_id, kind, actor, role, started_at, at, before, after) "
                    "VALUES (?, ?, 'conflict', ?, ?, ?, ?, ?, ?)", (assessment_id, question_id, actor, role, now, now,
                                                                   old_json, new_json))
            if new_json is None:
                sql("DELETE FROM answer WHERE assessment_id = ? AND question_id = ?", (assessment_id, question_id))
            elif old_json is None:
                sql("INSERT INTO answer (assessment_id, question_id, value, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)",
                    (assessment_id, question_id, new_json, now, actor))
            else:
                sql("UPDATE answer SET value = ?, updated_at = ?, updated_by = ? WHERE assessment_id = ? AND question_id = ?",
                    (new_json, now, actor, assessment_id, question_id))
            if conflict is None:
                self._record_change(conn, assessment_id, question_id, old_json, new_json, actor, role, moment)
            self._refresh(conn, assessment_id, seq, child_name, questionnaire, band, now)
        return conflict or True

    def _record_change(self, conn: Connection, aid: str, qid: str, old: str | None, new: str | None,
                       actor: str, role: str | None, moment: dt.datetime) -> None:
        """One history entry per change; saves by the same person within 10 minutes fold into one.

        Folding is only for a draft that was never submitted, and never across a
        workflow event (submission, return, hand-over, import, ...): once anyone
        else may have seen a version, it is evidence and stays.  The database
        refuses any other change to history (migration 0003).
        """
        sql = driver_sql(conn)
        now = _iso(moment)
        last = sql("SELECT h.id, h.kind, h.actor, h.started_at, h.before, a.status = 'draft' AND a.submitted_at IS NULL "
                   "AND NOT EXISTS (SELECT 1 FROM history e WHERE e.assessment_id = h.assessment_id AND e.id > h.id "
                   "AND e.question_id IS NULL) FROM history h JOIN assessment a ON a.id = h.assessment_id "
                   "WHERE h.assessment_id = ? AND h.question_id = ? ORDER BY h.id DESC LIMIT 1", (aid, qid)).fetchone()
        if last is not None:
            last_id, kind, last_actor, started_at, before, foldable = last
            if (foldable and kind == "answer" and last_actor == actor
                    and moment - dt.datetime.fromisoformat(started_at) < COALESCE_WINDOW):
                if before == new:  # changed back to where it started: no change to record
                    sql("DELETE FROM history WHERE id = ?", (last_id,))
                else:
                    sql("UPDATE history SET after = ?, at = ? WHERE id = ?", (new, now, last_id))
                return
        sql("INSERT INTO history (assessment_id, question_id, kind, actor, role, started_at, at, before, after) "
            "VALUES (?, ?, 'answer', ?, ?, ?, ?, ?, ?)", (aid, qid, actor, role, now, now, old, new))

    def _refresh(self, conn: Connection, aid: str, seq: int, child_name: str, q: Questionnaire, band: str, now: str) -> None:
        """Recompute the summary columns and the full-text document from all the answers."""
        sql = driver_sql(conn)
        answers = {qid: json.loads(value)
                   for qid, value in sql("SELECT question_id, value FROM answer WHERE assessment_id = ?", (aid,))}
        done, total, score = answer_figures(q, band, answers)
        body = "\n".join(text_of(question, answers[question.id]) for question in q.questions() if question.id in answers)
        sql("UPDATE assessment SET updated_at = ?, required_answered = ?, required_total = ?, latest_score = ?, "
            "revision = revision + 1 WHERE id = ?", (now, done, total, score, aid))
        sql("DELETE FROM assessment_fts WHERE rowid = ?", (seq,))
        sql("INSERT INTO assessment_fts (rowid, name, body) VALUES (?, ?, ?)",
            (seq, search_document(conn.dialect.name, child_name), search_document(conn.dialect.name, body)))
        sql("DELETE FROM action_due WHERE assessment_id = ?", (aid,))  # next steps, for 'actions due'
        actions = [(aid, qid, i, row.get("what") or "", row.get("who") or "", row.get("by_when"), row.get("review_date"),
                    int(bool(row.get("done"))))
                   for qid, value in answers.items()
                   if (question := q.question(qid)) is not None and question.kind == "actions"
                   for i, row in enumerate(value)]
        if actions:
            sql("INSERT INTO action_due (assessment_id, question_id, row, what, who, by_when, review_date, done) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", actions)

    # -- reading --------------------------------------------------------------------

    def list(
        self,
        *,
        status: str | None = None,
        search: str | None = None,
        child: str | None = None,
        limit: int = 50,
        offset: int = 0,
        as_you_type: bool = False,
    ) -> list[AssessmentSummary]:
        """Assessments, most recently updated first; with ``search``, the newest matches first.

        ``as_you_type`` lets the last word of ``search`` match as a prefix.
        """
        query = select(*SUMMARY_COLUMNS, Q_HASH).join(C, C.c.id == A.c.child_id)
        if status:
            query = query.where(A.c.status == status)
        if child:
            needle = child.replace("\x00", NUL_SYMBOL).strip()  # as names are stored (a NUL as '␀')
            # Case ignored on both databases, beyond ASCII (SQLite's LIKE ignores ASCII case only, PostgreSQL's none).
            low = needle.lower()
            query = query.where(or_(C.c.id.startswith(low, autoescape=True),
                                    folded(C.c.name).contains(low, autoescape=True),
                                    folded(CHILD_NAME).contains(low, autoescape=True)))
        params: dict[str, Any] = {}
        if search:
            found = search_clause(query, self.engine.dialect.name, search, prefix_last=as_you_type,
                                  want=None if status or child else limit + offset)
            if found is None:
                return []
            query, params = found
        else:
            query = query.order_by(A.c.updated_at.desc(), A.c.seq.desc())
        query = query.limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return self.with_scale(conn, *summaries_of(conn.execute(query, params)))

    def with_scale(self, conn: Connection, summaries: list[AssessmentSummary],
                   hashes: dict[str, str] | None = None) -> list[AssessmentSummary]:
        """The summaries with the practitioner's own score and the range filled in (one query for a page, two
        without ``hashes``: each summary's questionnaire hash, as ``summaries_of`` gives them)."""
        from sg_assess.questionnaire.scale import scale_summary

        if not summaries:
            return summaries
        ids = [s.id for s in summaries]
        marks = ", ".join("?" * len(ids))
        sql = driver_sql(conn)
        if hashes is None:
            hashes = dict(sql(f"SELECT id, questionnaire_hash FROM assessment WHERE id IN ({marks})", ids).fetchall())
        scale_ids = {question.id for h in set(hashes.values()) for question in self.questionnaire(h).questions()
                     if question.kind == "scale"}
        rows: dict[str, list[dict[str, Any]]] = {}
        if scale_ids:
            qmarks = ", ".join("?" * len(scale_ids))
            for aid, qid, value in sql(f"SELECT assessment_id, question_id, value FROM answer WHERE assessment_id IN "
                                       f"({marks}) AND question_id IN ({qmarks})", [*ids, *scale_ids]):
                if self.questionnaire(hashes[aid]).question(qid).kind == "scale":  # type: ignore[union-attr]
                    rows.setdefault(aid, []).extend(json.loads(value))
        out = []
        for s in summaries:
            scale = scale_summary(rows.get(s.id, []), s.practitioner)
            out.append(dataclasses.replace(s, worker_score=scale.worker_score, score_range=scale.score_range,
                                           score_note=scale.note if scale.low is not None else ""))
        return out

    def count(self, *, status: str | None = None) -> int:
        query = select(func.count()).select_from(A)
        if status:
            query = query.where(A.c.status == status)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one()

    def summary(self, assessment_id: str) -> AssessmentSummary:
        with self.engine.connect() as conn:
            found = summaries_of(conn.execute(select(*SUMMARY_COLUMNS, Q_HASH).join(C, C.c.id == A.c.child_id)
                                              .where(A.c.id == assessment_id)))
            if not found[0]:
                raise NotFound(f"no assessment with id {assessment_id!r}")
            return self.with_scale(conn, *found)[0]

    def get(self, assessment_id: str, *, with_history: bool = True) -> AssessmentRecord:
        """The whole assessment: child, pinned questionnaire, answers, workflow and (optionally) history.

        One connection, one read transaction, plain SQL: exporting thousands
        of records is dominated by this call.
        """
        from sg_assess.questionnaire.scale import scale_rows, scale_summary

        with self.engine.execution_options(sg_snapshot=True).connect() as conn, conn.begin():  # one moment
            sql = driver_sql(conn)
            head = sql(_SQL_GET, (assessment_id,)).fetchone()
            if head is None:
                raise NotFound(f"no assessment with id {assessment_id!r}")
            (q_hash, owner, signed_off_at, snapshot, child_id, name, dob, due, *summary_rest) = head
            answers = {qid: json.loads(value)
                       for qid, value in sql("SELECT question_id, value FROM answer WHERE assessment_id = ?", (assessment_id,))}
            reviews = [ReviewRecord(*row) for row in sql(
                "SELECT id, decision, actor, role, at, comment, score, declaration FROM review "
                "WHERE assessment_id = ? ORDER BY id", (assessment_id,))]
            comments = [CommentRecord(*row) for row in sql(
                "SELECT id, section_id, parent_id, author, role, at, text FROM comment WHERE assessment_id = ? ORDER BY id",
                (assessment_id,))]
            addenda = [AddendumRecord(*row) for row in sql(
                "SELECT id, author, role, at, reason, text FROM addendum WHERE assessment_id = ? ORDER BY id",
                (assessment_id,))]
            history = self._history(conn, assessment_id) if with_history else []
            earlier = earlier_scores(self, sql, assessment_id, child_id)
            previous = earlier[-1].worker if earlier else None  # the child's assessment before this one
            people = dict(sql("SELECT login, display_name FROM team_member").fetchall()) if self.team else {}
        if snapshot:  # a signed-off record shows the child as they were when it was signed off
            frozen = json.loads(snapshot)
            name, dob, due = frozen["name"], frozen["dob"], frozen["due_date"]
        summary = AssessmentSummary(assessment_id, child_id, name, *summary_rest)
        questionnaire = self.questionnaire(q_hash)
        scale = scale_summary(scale_rows(questionnaire, answers), summary.practitioner)
        summary = dataclasses.replace(summary, worker_score=scale.worker_score, score_range=scale.score_range,
                                      score_note=scale.note if scale.low is not None else "")
        return AssessmentRecord(
            summary=summary,
            child=ChildRecord(id=child_id, name=name, dob=dob, due_date=due),
            questionnaire=questionnaire,
            questionnaire_hash=q_hash,
            answers=answers,
            history=history,
            owner=owner,
            submitted_at=summary.submitted_at,
            signed_off_at=signed_off_at,
            reviews=reviews,
            comments=comments,
            addenda=addenda,
            earlier=earlier,
            previous_worker_score=previous,
            people=people,
        )

    def child(self, child_id: str) -> ChildRecord:
        """A child's details as recorded now (each assessment keeps its own copy of them as it was made)."""
        with self.engine.connect() as conn:
            row = self._child_row(conn, child_id)
        return ChildRecord(id=row["id"], name=row["name"], dob=row["dob"], due_date=row["due_date"])

    def history(self, assessment_id: str) -> list[HistoryRecord]:
        with self.engine.connect() as conn:
            return self._history(conn, assessment_id)

    @staticmethod
    def _history(conn: Connection, assessment_id: str) -> list[HistoryRecord]:
        rows = driver_sql(conn)(
            "SELECT id, question_id, kind, actor, role, started_at, at, before, after FROM history "
            "WHERE assessment_id = ? ORDER BY started_at, id", (assessment_id,))  # time order, even after a merge
        return [HistoryRecord(*row[:7], before=_loads(row[7]), after=_loads(row[8])) for row in rows]

    def iter_ids(self, *, status: str | None = None) -> Iterator[str]:
        query = select(A.c.id).order_by(A.c.seq)
        if status:
            query = query.where(A.c.status == status)
        with self.engine.connect() as conn:
            ids = conn.execute(query).scalars().all()
        yield from ids

    # -- maintenance ----------------------------------------------------------------

    def search_index_problems(self) -> list[str]:
        """The search index checked against the assessments, on either database: one document for each."""
        with self.engine.connect() as conn:
            sql = driver_sql(conn)
            total = sql("SELECT count(*) FROM assessment").scalar()
            indexed = sql("SELECT count(*) FROM assessment_fts").scalar()
            missing = sql("SELECT count(*) FROM assessment a WHERE NOT EXISTS "
                          "(SELECT 1 FROM assessment_fts f WHERE f.rowid = a.seq)").scalar()
        problems = [f"search index: {indexed} documents for {total} assessments"] if indexed != total else []
        if missing:
            problems.append(f"search index: {missing} assessments have no document, so searching cannot find them")
        return problems

    def backup(self, dest: Path) -> Path:
        """Copy the database with SQLite's online backup API (consistent even while others write)."""
        from sg_assess.fileio import atomic_target

        with atomic_target(dest) as tmp, self.engine.connect() as conn:
            source = conn.connection.driver_connection
            with closing(sqlite3.connect(tmp)) as target:
                source.backup(target)
        return dest
