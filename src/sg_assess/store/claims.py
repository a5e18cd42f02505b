"""What a bundle claims, checked as strictly as the store checks a live change.

A bundle's checksum proves only that the file was not damaged on the way:
anyone can edit a bundle and recompute it.  So nothing in it is believed that
the workflow could not have made: every answer must be valid for its question
exactly as on entry, statuses are the known ones, a submitted, returned or
signed-off record carries the events that made it so, a sign-off carries a
supervisor's review by someone who did not write or edit the record, and
nothing is dated in the future.  Each refusal is one line naming the bundle.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from sg_assess.errors import ValidationError
from sg_assess.identity import same_person
from sg_assess.questionnaire.schema import Questionnaire
from sg_assess.questionnaire.values import normalize, parse_date

STATUSES = ("draft", "submitted", "returned", "signed_off")
DECISIONS = ("returned", "signed_off")
CLOCK_SLACK = dt.timedelta(minutes=10)  # another machine's clock may run a little fast
_KIND = re.compile(r"[a-z_]{1,40}", re.ASCII)
EDIT_KINDS = ("created", "answer", "conflict")


@dataclass(frozen=True)
class Entry:
    """One history entry as it travels: its identity is everything but the local row number."""

    question_id: str | None
    kind: str
    actor: str
    role: str | None
    started_at: str
    at: str
    before: str | None  # JSON text, canonical
    after: str | None

    @property
    def key(self) -> tuple:
        """The same change, even if folding later moved its end (``at``/``after``) on."""
        return (self.kind, self.question_id, self.actor, self.started_at)


@dataclass(frozen=True)
class Claim:
    id: str
    status: str
    child: dict[str, Any]
    assessment_date: str
    age_band: str
    practitioner: str
    owner: str
    created_at: str
    updated_at: str
    submitted_at: str | None
    signed_off_at: str | None
    answers: dict[str, Any]
    history: list[Entry]
    reviews: list[tuple]  # decision, actor, role, at, comment, score, declaration
    comments: list[dict[str, Any]]
    addenda: list[tuple]  # author, role, at, reason, text


def canonical(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


class _Checker:
    def __init__(self, source: str, now: dt.datetime):
        self.source = source
        self.now = now

    def refuse(self, problem: str) -> ValidationError:
        return ValidationError(f"{self.source} {problem}; nothing was imported")

    def text(self, value: Any, what: str, *, optional: bool = False) -> Any:
        if value is None and optional:
            return None
        if not isinstance(value, str) or (not optional and not value.strip()):
            raise self.refuse(f"has {what} that is not text ({value!r:.40})")
        return value

    def stamp(self, value: Any, what: str, *, optional: bool = False) -> str | None:
        if value is None and optional:
            return None
        try:
            moment = dt.datetime.fromisoformat(self.text(value, what))
        except ValueError:
            raise self.refuse(f"has {what} that is not a time ({value!r:.40})") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        if moment > self.now + CLOCK_SLACK:
            raise self.refuse(f"has {what} in the future ({value}; it is {self.now:%Y-%m-%d %H:%M} UTC here): "
                              "check the clock of the machine it came from")
        return value

    def day(self, value: Any, what: str, *, optional: bool = False) -> str | None:
        if value is None and optional:
            return None
        try:
            day = parse_date(value)
        except (ValueError, TypeError):
            raise self.refuse(f"has {what} that is not a date ({value!r:.40})") from None
        if day > (self.now + dt.timedelta(days=1)).date():
            raise self.refuse(f"has {what} in the future ({value})")
        return day.isoformat()


def check_claims(a: dict[str, Any], q: Questionnaire, source: str, now: dt.datetime) -> Claim:
    """The bundle's content, checked; a ValidationError (one line) for the first thing no live change could make."""
    c = _Checker(source, now.astimezone(dt.UTC))
    status = a["status"]
    if status not in STATUSES:
        raise c.refuse(f"claims an unknown status {status!r:.40} (known: {', '.join(STATUSES)})")
    aid = c.text(a["id"], "an id")
    child = a["child"]
    try:
        uuid.UUID(aid)
        uuid.UUID(c.text(child["id"], "a child id"))
    except ValueError:
        raise c.refuse("has an id that is not an sg-assess id") from None
    dob = c.day(child["dob"], "a date of birth", optional=True)
    due = child["due_date"]
    if due is not None:  # a due date may be ahead: only its form is checked here
        try:
            due = parse_date(due).isoformat()
        except (ValueError, TypeError):
            raise c.refuse(f"has a due date that is not a date ({due!r:.40})") from None
    if dob is None and due is None:
        raise c.refuse("has a child with neither a date of birth nor a due date")
    answers: dict[str, Any] = {}
    if not isinstance(a["answers"], dict):
        raise c.refuse("has answers that are not a set of answers")
    for qid, value in a["answers"].items():
        question = q.question(qid)
        if question is None:
            raise c.refuse(f"answers an unknown question {qid!r:.60}")
        try:
            stored = normalize(question, value)
        except ValidationError as exc:
            raise c.refuse(f"holds an answer no one could enter ({str(exc).removesuffix('; nothing was saved')})") \
                from None
        if stored is None or canonical(stored) != canonical(value):
            raise c.refuse(f"holds an answer to {qid!r} that is not stored as sg-assess stores it ({value!r:.40})")
        answers[qid] = stored
    history = []
    for h in a["history"]:
        kind = c.text(h["kind"], "a history entry")
        if not _KIND.fullmatch(kind):
            raise c.refuse(f"has a history entry of an unknown kind ({kind!r:.40})")
        qid = c.text(h["question_id"], "a history entry's question", optional=True)
        if kind in ("answer", "conflict") and (qid is None or q.question(qid) is None):
            raise c.refuse(f"has a history entry for an unknown question ({qid!r:.60})")
        history.append(Entry(qid, kind, c.text(h["actor"], "a history entry's author"),
                             c.text(h["role"], "a role", optional=True), c.stamp(h["started_at"], "a history time"),
                             c.stamp(h["at"], "a history time"), canonical(h["before"]), canonical(h["after"])))
    reviews = []
    for r in a["reviews"]:
        if r["decision"] not in DECISIONS:
            raise c.refuse(f"has a review with an unknown decision ({r['decision']!r:.40})")
        score = r["score"]
        if score is not None and (isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10):
            raise c.refuse(f"has a review score that is not 0 to 10 ({score!r:.20})")
        reviews.append((r["decision"], c.text(r["actor"], "a reviewer"), c.text(r["role"], "a reviewer's role"),
                        c.stamp(r["at"], "a review time"), c.text(r["comment"], "a review comment", optional=True),
                        score, c.text(r["declaration"], "a declaration", optional=True)))
    comments = [{"id": cm["id"], "section_id": c.text(cm["section_id"], "a comment's section", optional=True),
                 "parent_id": cm["parent_id"], "author": c.text(cm["author"], "a comment's author"),
                 "role": c.text(cm["role"], "a comment's role"), "at": c.stamp(cm["at"], "a comment time"),
                 "text": c.text(cm["text"], "a comment")} for cm in a["comments"]]
    addenda = [(c.text(ad["author"], "an addendum's author"), c.text(ad["role"], "an addendum's role"),
                c.stamp(ad["at"], "an addendum time"), c.text(ad["reason"], "an addendum's reason"),
                c.text(ad["text"], "an addendum")) for ad in a["addenda"]]
    claim = Claim(
        id=aid, status=status,
        child={"id": child["id"], "name": c.text(child["name"], "a child's name"), "dob": dob, "due_date": due},
        assessment_date=c.day(a["assessment_date"], "an assessment date"), age_band=c.text(a["age_band"], "an age band"),
        practitioner=c.text(a["practitioner"], "an author"), owner=c.text(a["owner"], "an owner"),
        created_at=c.stamp(a["created_at"], "a creation time"), updated_at=c.stamp(a["updated_at"], "a change time"),
        submitted_at=c.stamp(a["submitted_at"], "a submission time", optional=True),
        signed_off_at=c.stamp(a["signed_off_at"], "a sign-off time", optional=True),
        answers=answers, history=history, reviews=reviews, comments=comments, addenda=addenda,
    )
    _check_workflow(c, claim)
    return claim


def _check_workflow(c: _Checker, claim: Claim) -> None:
    """The status a bundle claims must be one its own history and reviews could have reached."""
    events = [h.kind for h in claim.history if h.question_id is None and h.kind in ("submitted", "returned", "signed_off")]
    decisions = [r[0] for r in claim.reviews]
    if claim.status == "draft":
        if events or decisions or claim.submitted_at or claim.signed_off_at:
            raise c.refuse("claims to be a draft but was submitted or reviewed")
        return
    if "submitted" not in events or not claim.submitted_at:
        raise c.refuse(f"claims to be {claim.status.replace('_', ' ')} but its history holds no submission")
    if claim.status == "submitted" and events[-1] != "submitted":
        raise c.refuse(f"claims to be submitted but its history ends with {events[-1].replace('_', ' ')}")
    if claim.status == "returned" and (events[-1] != "returned" or "returned" not in decisions):
        raise c.refuse("claims to be returned but holds no return by a supervisor")
    if claim.status != "signed_off":
        if "signed_off" in decisions or claim.signed_off_at:
            raise c.refuse(f"claims to be {claim.status} but holds a sign-off")
        return
    if not claim.signed_off_at:
        raise c.refuse("claims to be signed off but has no sign-off time")
    if events[-1] != "signed_off" or "submitted" not in events[:-1]:
        raise c.refuse("claims to be signed off but its history holds no submission followed by a sign-off")
    sign_off = [r for r in claim.reviews if r[0] == "signed_off"]
    if len(sign_off) != 1 or decisions[-1] != "signed_off":
        raise c.refuse("claims to be signed off but holds no single sign-off review as its last review")
    reviewer, role, score = sign_off[0][1], sign_off[0][2], sign_off[0][5]
    if role != "supervisor" or score is None:
        raise c.refuse("claims a sign-off that was not made by a supervisor with a safety scale score")
    authors = {claim.practitioner, claim.owner} | {h.actor for h in claim.history if h.kind in EDIT_KINDS}
    if any(same_person(reviewer, author) for author in authors):
        raise c.refuse(f"claims a sign-off by {reviewer}, who wrote or edited the assessment; nobody signs off "
                       "their own work")
