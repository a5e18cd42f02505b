"""The supervision workflow, enforced in the store (not only in the screens).

draft -> submitted -> returned (editable again) -> submitted ... -> signed_off

Only the owner (the author, or the practitioner they handed it to) edits a
draft or returned assessment; a submitted one is read-only until returned.
Only a supervisor returns (with a comment) or signs off (with their own safety
score, a reason and a declaration), and never an assessment they wrote or
edited.  After sign-off nothing changes; corrections are addenda.  Database
triggers (migration 0002) refuse any change to a signed-off record whatever
path it comes by.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text

from sg_assess.errors import NotFound, Refused, SignOffRefused, SubmitRefused, UsageError, ValidationError
from sg_assess.identity import ROLES, check_name, same_person  # noqa: F401 - ROLES is imported from here too
from sg_assess.identity import check_role as _check_role
from sg_assess.statuses import status_words
from sg_assess.store import db
from sg_assess.store.dialect import driver_sql
from sg_assess.store.freeze import make_seal
from sg_assess.store.tables import Q_HASH, SUMMARY_COLUMNS, A, C, summaries_of
from sg_assess.records import ActionRecord, AssessmentSummary, ChronologyEvent, QueueItem

if TYPE_CHECKING:
    from sg_assess.store.repository import Store

EDITABLE = frozenset({"draft", "returned"})
MAX_NOTE_CHARS = 10_000_000  # as for answers: a long paste is kept whole


def check_role(role: str | None) -> str:
    return _check_role(role)


def check_editable(assessment_id: str, status: str, owner: str, actor: str) -> None:
    short = assessment_id[:8]
    if status == "signed_off":
        raise Refused(f"assessment {short} is signed off and can never be changed; add an addendum instead "
                      f"(sg-assess addendum {short} --reason WHY TEXT)")
    if status == "submitted":
        raise Refused(f"assessment {short} is submitted for review and read-only until a supervisor returns it")
    if status not in EDITABLE:
        raise Refused(f"assessment {short} is {status_words(status).lower()} and cannot be edited")
    if owner and not same_person(actor, owner):
        raise Refused(f"only {owner} can edit assessment {short}; they can hand it over to you (sg-assess hand-over)")


def reviewer_refusal(assessment_id: str, status: str, editors: set[str], actor: str, role: str | None,
                     what: str) -> str | None:
    """Why this person may not return or sign off (``what``: "return" or "sign off") this assessment, or None.

    ``editors``: whoever wrote or edited it (its author, owner and everyone who saved an answer).  The one
    rule for the store and for the app, which says it before any form is filled in.
    """
    check_role(role)
    if role != "supervisor":
        return f"only a supervisor can {what} an assessment"
    if status != "submitted":
        return (f"assessment {assessment_id[:8]} is {status.replace('_', ' ')}, not submitted; only a submitted "
                f"assessment can be {'returned' if what == 'return' else 'signed off'}")
    if any(same_person(actor, someone) for someone in editors):  # compared as people, not bytes
        action = "return it" if what == "return" else "sign it off"
        return f"you wrote or edited assessment {assessment_id[:8]}, so you cannot {action}; another supervisor must"
    return None


def editors_of(history: Any, practitioner: str, owner: str) -> set[str]:
    """Who wrote or edited an assessment, from its history records."""
    return {h.actor for h in history if h.kind in ("created", "answer")} | {practitioner, owner}


def _text(value: str | None, what: str) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise ValidationError(f"{what} is needed")
    if len(cleaned) > MAX_NOTE_CHARS:
        raise ValidationError(f"{what} is {len(cleaned):,} characters; the limit is {MAX_NOTE_CHARS:,}")
    from sg_assess.questionnaire.values import clean_text

    return clean_text(cleaned)


def recorded_outcome(record: Any) -> tuple[str | None, Any]:
    """(the outcome recorded, its question) where the questionnaire says which question holds it."""
    spec = record.questionnaire.sign_off
    if spec is None:
        return None, None
    return record.answers.get(spec.outcome_question), record.questionnaire.question(spec.outcome_question)


def sign_off_refusal(record: Any, urgent: list[Any], *, return_how: str) -> SignOffRefused | None:
    """Why this assessment cannot be signed off whatever the sign-off form says, or None.

    ``urgent``: its urgent gaps open (quality.urgent); ``return_how``: how to return it, as the caller's user
    does it (the CLI's command, the app's key).  The one rule for the store and for the app, which says it
    before the form is opened.
    """
    short = record.id[:8]
    if urgent:
        from sg_assess.quality import describe

        return SignOffRefused(f"assessment {short} has {describe(urgent)}, so it cannot be signed off; return it to "
                              f"the practitioner ({return_how})", urgent)
    recorded, question = recorded_outcome(record)
    if question is not None and recorded is None:
        return SignOffRefused(f"assessment {short} records no outcome, so there is nothing to agree with; return it "
                              f"to the practitioner ({return_how})", [])
    return None


def _agreed_outcome(record: Any, outcome: str | None, urgent: list[Any]) -> str:
    """The outcome a sign-off agrees with, checked; refuse while an urgent gap is open."""
    short = record.id[:8]
    refusal = sign_off_refusal(record, urgent, return_how=f"sg-assess review return {short} --comment TEXT")
    if refusal is not None:
        raise refusal
    recorded, question = recorded_outcome(record)
    named = (outcome or "").strip()
    if not named:
        hint = f" (recorded: {recorded})" if recorded else ""
        raise SignOffRefused(f"name the outcome you agree with{hint}: sg-assess review sign-off {short} --outcome "
                             "TEXT ...", [])
    if recorded is not None:
        folded = named.casefold()
        matches = [c for c in question.choices or [] if c.casefold() == folded] or \
                  [c for c in question.choices or [] if len(folded) >= 4 and c.casefold().startswith(folded)]
        if len(matches) != 1 or matches[0] != recorded:
            raise SignOffRefused(f"the outcome recorded in assessment {short} is {recorded!r}, not {named!r}; sign "
                                 "off only the outcome you agree with, or return it to the practitioner", [])
        return recorded
    return _text(named, "the outcome you agree with")


def _entry_events(record: Any) -> list[ChronologyEvent]:
    import re

    from sg_assess.questionnaire.rules import Context

    answers, s = record.answers, record.summary
    try:
        on = dt.date.fromisoformat(s.assessment_date)
    except ValueError:
        on = dt.date.today()
    ctx = Context(answers, s.age_band, on, {})
    out = []
    for entry in record.questionnaire.chronology_entries:
        if entry.when(ctx):
            summary = re.sub(r"\{([A-Za-z_][A-Za-z0-9_-]*)\}",
                             lambda m: str(answers.get(m.group(1)) or "not recorded"), entry.summary)
            date = (answers.get(entry.date) if entry.date else None) or s.assessment_date
            out.append(ChronologyEvent(date, entry.kind, record.id, summary))
    return out


class SupervisionMixin:
    """Workflow operations of ``Store`` (kept here so each file holds one concept)."""

    def _head(self: Store, conn: Any, assessment_id: str) -> Any:
        row = conn.execute(text("SELECT id, status, owner, practitioner, child_id FROM assessment WHERE id = :id"),
                           {"id": assessment_id}).first()
        if row is None:
            raise NotFound(f"no assessment with id {assessment_id!r}")
        return row

    def _event(self: Store, conn: Any, aid: str, kind: str, actor: str, role: str, now: str, after: Any = None) -> None:
        conn.execute(text("INSERT INTO history (assessment_id, question_id, kind, actor, role, started_at, at, before, after) "
                          "VALUES (:a, NULL, :k, :actor, :role, :now, :now, NULL, :after)"),
                     {"a": aid, "k": kind, "actor": actor, "role": role, "now": now,
                      "after": None if after is None else json.dumps(after, ensure_ascii=False, sort_keys=True)})

    def _now(self: Store) -> str:
        return self.clock().astimezone(dt.UTC).isoformat(timespec="microseconds")

    # -- transitions --------------------------------------------------------------------

    def submit(self: Store, assessment_id: str, *, actor: str, role: str, reason: str | None = None) -> list[Any]:
        """Submit for review; return the gaps still open (quality.Gap).

        Refused (SubmitRefused, listing them in ``gaps``) while required answers
        are missing or an urgent gap is open, unless ``reason`` says why it goes
        now; the reason and the gaps it accepts are kept in the history.
        """
        from sg_assess import quality

        check_role(role)
        record = self.get(assessment_id, with_history=False)
        check_editable(assessment_id, record.summary.status, record.owner, actor)
        gaps = quality.check(record)
        blocking = quality.blocking_submission(gaps)
        after = None
        if reason is not None or blocking:
            if blocking and not (reason or "").strip():
                short = assessment_id[:8]
                raise SubmitRefused(f"assessment {short} has {quality.describe(blocking)}; complete them, or submit "
                                    f"it with a reason (sg-assess submit {short} --reason TEXT)", blocking)
            after = {"reason": _text(reason, "a reason for submitting now"),
                     "accepted": [{"kind": g.kind, "question": g.question_id, "rule": g.rule_id, "message": g.message}
                                  for g in blocking]}
        now = self._now()
        with db.write_connection(self.engine) as conn:
            head = self._head(conn, assessment_id)
            check_editable(assessment_id, head.status, head.owner, actor)
            conn.execute(text("UPDATE assessment SET status = 'submitted', submitted_at = :now, updated_at = :now, "
                              "revision = revision + 1 WHERE id = :id"), {"now": now, "id": assessment_id})
            self._event(conn, assessment_id, "submitted", actor, role, now, after)
        return gaps

    def _check_reviewer(self: Store, conn: Any, head: Any, actor: str, role: str, what: str) -> None:
        editors = set(conn.execute(text("SELECT DISTINCT actor FROM history WHERE assessment_id = :a AND kind IN "
                                        "('created', 'answer')"), {"a": head.id}).scalars())
        refusal = reviewer_refusal(head.id, head.status, editors | {head.practitioner, head.owner}, actor, role, what)
        if refusal:
            raise Refused(refusal)

    def return_assessment(self: Store, assessment_id: str, *, actor: str, role: str, comment: str) -> None:
        comment = _text(comment, "a comment saying what needs to change")
        now = self._now()
        with db.write_connection(self.engine) as conn:
            head = self._head(conn, assessment_id)
            self._check_reviewer(conn, head, actor, role, "return")
            # The review first: a team database lets a status move only on a review recorded for it.
            conn.execute(text("INSERT INTO review (assessment_id, decision, actor, role, at, comment) "
                              "VALUES (:a, 'returned', :actor, :role, :now, :c)"),
                         {"a": assessment_id, "actor": actor, "role": role, "now": now, "c": comment})
            conn.execute(text("UPDATE assessment SET status = 'returned', updated_at = :now, revision = revision + 1 "
                              "WHERE id = :id"), {"now": now, "id": assessment_id})
            conn.execute(text("INSERT INTO comment (assessment_id, section_id, parent_id, author, role, at, text) "
                              "VALUES (:a, NULL, NULL, :actor, :role, :now, :c)"),
                         {"a": assessment_id, "actor": actor, "role": role, "now": now, "c": comment})
            self._event(conn, assessment_id, "returned", actor, role, now, comment)

    def sign_off(self: Store, assessment_id: str, *, actor: str, role: str, score: int, reason: str,
                 outcome: str | None = None) -> str:
        """Sign off; return the declaration line.

        Refused (SignOffRefused) while any urgent gap is open (there is no
        override: return it instead), and unless ``outcome`` names the outcome
        the supervisor agrees with: where the questionnaire records one
        (``[sign_off] outcome_question``), it must be that one.
        """
        from sg_assess import quality

        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
            raise ValidationError(f"the safety scale score must be a whole number from 0 to 10, not {score!r}")
        reason = _text(reason, "a reason for your safety scale score")
        record = self.get(assessment_id, with_history=False)
        now = self._now()
        with db.write_connection(self.engine) as conn:
            head = self._head(conn, assessment_id)
            self._check_reviewer(conn, head, actor, role, "sign off")
            agreed = _agreed_outcome(record, outcome, quality.urgent(quality.check(record)))
            child = conn.execute(text("SELECT id, name, dob, due_date FROM child WHERE id = :id"),
                                 {"id": head.child_id}).mappings().one()
            when = f"{now[:10]} {now[11:16]} UTC"
            who = f"{self.team.display_name} ({actor}, {role})" if self.team and self.team.login == actor and \
                self.team.display_name != actor else f"{actor} ({role})"
            declaration = (f"I, {who}, have reviewed this assessment and sign it off on {when}. "
                           f"I agree with the outcome: {agreed}. My safety scale score is {score} out of 10.")
            conn.execute(text("INSERT INTO review (assessment_id, decision, actor, role, at, comment, score, declaration) "
                              "VALUES (:a, 'signed_off', :actor, :role, :now, :reason, :score, :decl)"),
                         {"a": assessment_id, "actor": actor, "role": role, "now": now, "reason": reason,
                          "score": score, "decl": declaration})
            self._event(conn, assessment_id, "signed_off", actor, role, now,
                        {"score": score, "reason": reason, "outcome": agreed})
            # The details this assessment was made with, if it kept them; else the child's as they are now.
            kept = conn.execute(text("SELECT child_snapshot FROM assessment WHERE id = :id"),
                                {"id": assessment_id}).scalar_one_or_none()
            snapshot = kept or json.dumps(dict(child), sort_keys=True)
            seal = make_seal(driver_sql(conn), assessment_id, signed_off_at=now,
                             child_snapshot=snapshot)
            conn.execute(text("UPDATE assessment SET status = 'signed_off', signed_off_at = :now, updated_at = :now, "
                              "child_snapshot = :child, seal = :seal, revision = revision + 1 WHERE id = :id"),
                         {"now": now, "id": assessment_id, "child": snapshot, "seal": seal})
        return declaration

    def hand_over(self: Store, assessment_id: str, *, actor: str, role: str, to: str) -> None:
        to = check_name(to, what="the name of the practitioner to hand it to")
        now = self._now()
        with db.write_connection(self.engine) as conn:
            head = self._head(conn, assessment_id)
            check_editable(assessment_id, head.status, head.owner, actor)
            conn.execute(text("UPDATE assessment SET owner = :to, updated_at = :now, revision = revision + 1 "
                              "WHERE id = :id"), {"to": to, "now": now, "id": assessment_id})
            self._event(conn, assessment_id, "handed_over", actor, check_role(role), now, {"from": head.owner, "to": to})

    # -- additions (allowed at any stage: the record is only ever added to) -------------

    def add_comment(self: Store, assessment_id: str, comment: str, *, actor: str, role: str,
                    section_id: str | None = None, reply_to: int | None = None) -> int:
        comment = _text(comment, "the comment")
        check_role(role)
        if section_id is not None and self.questionnaire_of(assessment_id).section_of_id(section_id) is None:
            raise ValidationError(f"there is no section {section_id!r} in this assessment's questionnaire")
        now = self._now()
        with db.write_connection(self.engine) as conn:
            self._head(conn, assessment_id)
            if reply_to is not None:
                if not 0 < reply_to < 2**63:  # SQLite's integers end there; a larger one names no comment
                    raise NotFound(f"no comment {reply_to} on assessment {assessment_id[:8]}")
                parent = conn.execute(text("SELECT section_id FROM comment WHERE id = :id AND assessment_id = :a"),
                                      {"id": reply_to, "a": assessment_id}).first()
                if parent is None:
                    raise NotFound(f"no comment {reply_to} on assessment {assessment_id[:8]}")
                section_id = parent.section_id
            result = conn.execute(text("INSERT INTO comment (assessment_id, section_id, parent_id, author, role, at, text) "
                                       "VALUES (:a, :s, :p, :actor, :role, :now, :t) RETURNING id"),
                                  {"a": assessment_id, "s": section_id, "p": reply_to, "actor": actor, "role": role,
                                   "now": now, "t": comment})
            comment_id = result.scalar_one()
            self._event(conn, assessment_id, "comment", actor, role, now, {"section": section_id, "reply_to": reply_to})
            return comment_id

    def add_addendum(self: Store, assessment_id: str, *, actor: str, role: str, reason: str, addendum: str) -> int:
        reason = _text(reason, "a reason for the addendum")
        addendum = _text(addendum, "the addendum's text")
        check_role(role)
        now = self._now()
        with db.write_connection(self.engine) as conn:
            head = self._head(conn, assessment_id)
            if head.status != "signed_off":
                raise Refused(f"assessment {assessment_id[:8]} is {head.status.replace('_', ' ')}: change its answers "
                              "instead; addenda are for signed-off assessments")
            result = conn.execute(text("INSERT INTO addendum (assessment_id, author, role, at, reason, text) "
                                       "VALUES (:a, :actor, :role, :now, :r, :t) RETURNING id"),
                                  {"a": assessment_id, "actor": actor, "role": role, "now": now, "r": reason, "t": addendum})
            addendum_id = result.scalar_one()
            self._event(conn, assessment_id, "addendum", actor, role, now, {"reason": reason})
            return addendum_id

    # -- reading ------------------------------------------------------------------------

    def review_queue(self: Store, *, limit: int = 500) -> list[AssessmentSummary]:
        """Submitted assessments, the longest waiting first."""
        query = (select(*SUMMARY_COLUMNS, Q_HASH).join(C, C.c.id == A.c.child_id).where(A.c.status == "submitted")
                 .order_by(A.c.submitted_at, A.c.seq).limit(limit))
        with self.engine.connect() as conn:
            return self.with_scale(conn, *summaries_of(conn.execute(query)))

    def review_queue_details(self: Store, today: dt.date) -> list[QueueItem]:
        """The review queue with what a supervisor looks at first: days waiting and the quality check's gaps."""
        from sg_assess import quality

        items = []
        for s in self.review_queue():
            waiting = (today - dt.date.fromisoformat(s.submitted_at[:10])).days if s.submitted_at else 0
            items.append(QueueItem(s, waiting, len(quality.check(self.get(s.id, with_history=False)))))
        return items

    def actions_due(self: Store, *, until: str | None = None, include_done: bool = False,
                    limit: int = 1000) -> list[ActionRecord]:
        """Next steps with a review date (on or before ``until``), the earliest first."""
        sql = ("SELECT d.assessment_id, a.child_id, COALESCE(json_extract(a.child_snapshot, '$.name'), c.name), "
               "d.question_id, d.row, d.what, d.who, d.by_when, "
               "d.review_date, d.done FROM action_due d JOIN assessment a ON a.id = d.assessment_id "
               "JOIN child c ON c.id = a.child_id WHERE d.review_date IS NOT NULL")
        params: dict[str, Any] = {"limit": limit}
        if not include_done:
            sql += " AND d.done = 0"
        if until:
            sql += " AND d.review_date <= :until"
            params["until"] = until
        sql += " ORDER BY d.review_date, d.assessment_id, d.row LIMIT :limit"
        with self.engine.connect() as conn:
            rows = conn.execute(text(sql), params).all()
        return [ActionRecord(*row[:9], done=bool(row[9])) for row in rows]

    def overdue_count(self: Store, today: str) -> int:
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM action_due WHERE done = 0 AND review_date < :t"),
                                {"t": today}).scalar_one()

    def chronology(self: Store, child_id: str) -> tuple[list[ChronologyEvent], dict[str, list[tuple[str, int]]]]:
        """Everything that happened for one child, in time order, and each person's safety scores over time."""
        events: list[ChronologyEvent] = []
        series: dict[str, list[tuple[str, int]]] = defaultdict(list)
        with self.engine.connect() as conn:
            ids = conn.execute(text("SELECT id FROM assessment WHERE child_id = :c ORDER BY assessment_date, seq"),
                               {"c": child_id}).scalars().all()
        if not ids:
            raise NotFound(f"no assessments for a child with id {child_id!r}")
        for aid in ids:
            record = self.get(aid)
            s = record.summary
            scale = f"; safety scale: practitioner {s.scale_headline}" if s.worker_score is not None else (
                f"; safety scale: {s.scale_headline}" if s.score_range else "")
            events.append(ChronologyEvent(s.assessment_date, "assessment", aid,
                                          f"Assessment ({status_words(s.status).lower()}) by {s.practitioner}{scale}"))
            # Workflow events carry full timestamps, so events on one day keep their order.
            submissions = [h.at for h in record.history if h.kind == "submitted"]
            for at in submissions:
                events.append(ChronologyEvent(at, "submitted", aid, "Submitted for review"))
            for review in record.reviews:
                if review.decision == "signed_off":
                    events.append(ChronologyEvent(review.at, "signed_off", aid,
                                                  f"Signed off by {review.actor}, score {review.score}"))
                    series[f"{review.actor} (supervisor)"].append((review.at[:10], review.score))
                else:
                    events.append(ChronologyEvent(review.at, "returned", aid, f"Returned by {review.actor}"))
            for addendum in record.addenda:
                events.append(ChronologyEvent(addendum.at, "addendum", aid,
                                              f"Addendum by {addendum.author}: {addendum.reason}"))
            answers = record.answers
            events.extend(_entry_events(record))  # answers the questionnaire marks as events ([[chronology]])
            for question in record.questionnaire.questions():
                for row in answers.get(question.id) or [] if question.kind in ("scale", "actions", "events") else []:
                    if question.kind == "events":  # a significant-events chronology
                        events.append(ChronologyEvent(row["date"], "event", aid, f"{row['event']}"
                                                      + (f" ({row['source']})" if row.get("source") else "")))
                    elif question.kind == "scale":
                        series[row["who"]].append((row.get("date") or s.assessment_date, row["score"]))
                    elif row.get("review_date") or row.get("by_when"):
                        done = " (done)" if row.get("done") else ""
                        events.append(ChronologyEvent(row.get("by_when") or row["review_date"], "action", aid,
                                                      f"Next step: {row['what']} - {row.get('who') or 'no owner'}{done}"))
        events.sort(key=lambda e: e.date)  # stable: same-date events keep the order they happened in
        return events, {who: sorted(points) for who, points in series.items()}
