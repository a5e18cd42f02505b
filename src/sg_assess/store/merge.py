"""Putting a checked bundle into the store: a new record, or a merge with the copy already here.

Nothing recorded here is ever deleted: history, reviews, comments and
addenda are only added to (the database refuses anything else), and answers
follow the history.  A history entry is the same change on both machines when
its kind, question, author and start time agree (folding may have moved its
end on since; both versions are then kept).  With that:

- an answer changed only in the bundle takes the bundle's value;
- an answer changed only here keeps the value here;
- an answer changed in both places follows the two-places rule of
  ``Store.save_answer``: a text answer keeps both versions, any other keeps
  the value here and the bundle's in a 'conflict' history entry;
- the import's own history entry lists the answers it replaced, with the
  values they had here, so the state before the import is recoverable.

Refused, in one line that says what differs: a signed-off bundle over work
done here (a signed-off record takes no more answers), and both copies moved
on in the workflow.

Into a team database (``team``: the importing login and its role) a file can
bring only what that login could have typed itself, because the server
records every change in its author's own login and takes a review only from
a supervisor's: the answers and the history of their changes, recorded in
the importing login's name, into a draft that is theirs.  Everything else the
file says (the names it recorded for those changes, its status, its workflow
events, reviews, comments and addenda) is kept verbatim in the import's
history entry, visible in the history, and the person is told.  A signed-off
bundle is refused: no file makes a record signed off on a server.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sg_assess.errors import Refused
from sg_assess.store.claims import Claim, Entry, canonical
from sg_assess.store.dialect import driver_sql
from sg_assess.store.freeze import make_seal

if TYPE_CHECKING:
    from sg_assess.questionnaire.schema import Questionnaire
    from sg_assess.store.repository import Store

TEXT_KINDS = ("text", "long_text")
NOT_WORK = ("imported",)  # local events that record no work of their own


@dataclass
class ImportResult:
    id: str
    notes: list[str] = field(default_factory=list)  # what the person must be told (one line each)


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _is_edit(h: Entry) -> bool:
    """A history entry that records work on the answers (what a team database can take from a file)."""
    return h.question_id is not None or h.kind in ("created", "answer", "conflict")


def for_team(claim: Claim, source: str, login: str, role: str, here: set[Entry], local_status: str | None,
             known: tuple[set, set, set] = (set(), set(), set())) -> tuple[Claim, dict[str, Any], list[str]]:
    """The part of ``claim`` a team database takes from a file as ``login``; what the file said besides; notes.

    Entries already here (exported from this database and back) stay as they are; every other change to the
    answers becomes the login's own.  ``local_status``: the copy here (None for a new record); ``known``: the
    reviews, comments (author, at, text) and addenda here, which the file merely carries back.
    """
    reviews = [r for r in claim.reviews if r not in known[0]]
    comments = [c for c in claim.comments if (c["author"], c["at"], c["text"]) not in known[1]]
    addenda = [a for a in claim.addenda if a not in known[2]]
    short = claim.id[:8]
    if claim.status == "signed_off":
        signer = next((r[1] for r in reversed(claim.reviews) if r[0] == "signed_off"), "someone")
        raise Refused(f"assessment {short} in {source} was signed off by {signer} in a file; a team database records a "
                      "sign-off only from a supervisor's own login, so nothing was imported")
    history, recorded_as = [], []
    for h in claim.history:
        if h in here or not _is_edit(h):
            if h in here:
                history.append(h)
            continue
        mine = dataclasses.replace(h, actor=login, role=role)
        if (h.actor, h.role) != (login, role) and mine not in here:
            recorded_as.append([h.kind, h.question_id, h.started_at, h.actor, h.role])
        history.append(mine)
    events = [{"kind": h.kind, "actor": h.actor, "role": h.role, "at": h.at, "after": _loads(h.after)}
              for h in claim.history if not _is_edit(h) and h not in here]
    extra = {key: value for key, value in (
        ("status_in_file", claim.status), ("practitioner_in_file", claim.practitioner), ("owner_in_file", claim.owner),
        ("recorded_in_file_as", recorded_as), ("events_in_file", events),
        ("reviews_in_file", [dict(zip(("decision", "actor", "role", "at", "comment", "score", "declaration"), r,
                                      strict=True)) for r in reviews]),
        ("comments_in_file", [{k: c[k] for k in ("author", "role", "at", "section_id", "text")} for c in comments]),
        ("addenda_in_file", [dict(zip(("author", "role", "at", "reason", "text"), a, strict=True))
                             for a in addenda])) if value}
    notes = []
    if recorded_as:
        names = ", ".join(sorted({h[3] for h in recorded_as}))
        notes.append(f"the changes from {source} are recorded in your login's name ({login}), as a team database "
                     f"records no other; the names the file gave ({names}) are kept in the import's history entry")
    if claim.status != "draft" and local_status in (None, "draft"):
        notes.append(f"{source} says the assessment was {claim.status.replace('_', ' ')}; here it is your draft: "
                     "submit it here for a supervisor's review")
    taken = len(reviews) + len(comments) + len(addenda)
    if taken:
        notes.append(f"{taken} reviews, comments or addenda in {source} are kept in the import's history entry, not "
                     "added: a team database takes them only from their authors' own logins")
    team_claim = dataclasses.replace(claim, status="draft" if local_status is None else local_status,
                                     practitioner=login, owner=login, submitted_at=None, signed_off_at=None,
                                     history=history, reviews=[], comments=[], addenda=[])
    return team_claim, extra, notes


def _insert_history(run: Any, aid: str, entries: list[Entry]) -> None:
    for h in entries:
        run("INSERT INTO history (assessment_id, question_id, kind, actor, role, started_at, at, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (aid, h.question_id, h.kind, h.actor, h.role, h.started_at, h.at,
                                                   h.before, h.after))


def _insert_reviews(run: Any, aid: str, reviews: list[tuple]) -> None:
    for r in reviews:
        run("INSERT INTO review (assessment_id, decision, actor, role, at, comment, score, declaration) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (aid, *r))


def _insert_comments(run: Any, aid: str, comments: list[dict[str, Any]], known: dict[tuple, int]) -> None:
    """Insert the comments not already here (by author, time and text), replies pointing at their local parent."""
    ids: dict[Any, int] = {}
    for c in comments:
        key = (c["author"], c["at"], c["text"])
        if key in known:
            ids[c["id"]] = known[key]
            continue
        cursor = run("INSERT INTO comment (assessment_id, section_id, parent_id, author, role, at, text) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                     (aid, c["section_id"], ids.get(c["parent_id"]), c["author"], c["role"], c["at"], c["text"]))
        ids[c["id"]] = known[key] = cursor.scalar_one()


def _insert_addenda(run: Any, aid: str, addenda: list[tuple], known: set[tuple]) -> None:
    for ad in addenda:
        if ad not in known:
            run("INSERT INTO addendum (assessment_id, author, role, at, reason, text) VALUES (?, ?, ?, ?, ?, ?)",
                (aid, *ad))


def _set_status(run: Any, claim: Claim, status: str, owner: str, submitted_at: str | None,
                signed_off_at: str | None) -> None:
    """The status last (a signed-off record takes no more rows), with the seal a sign-off needs."""
    run("UPDATE assessment SET owner = ?, submitted_at = ? WHERE id = ?", (owner, submitted_at, claim.id))
    if status != "signed_off":
        run("UPDATE assessment SET status = ? WHERE id = ?", (status, claim.id))
        return
    child = run("SELECT c.id, c.name, c.dob, c.due_date FROM child c JOIN assessment a ON a.child_id = c.id "
                "WHERE a.id = ?", (claim.id,)).fetchone()
    snapshot = json.dumps(dict(zip(("id", "name", "dob", "due_date"), child, strict=True)), sort_keys=True)
    seal = make_seal(run, claim.id, signed_off_at=signed_off_at, child_snapshot=snapshot)
    run("UPDATE assessment SET status = 'signed_off', signed_off_at = ?, child_snapshot = ?, seal = ? WHERE id = ?",
        (signed_off_at, snapshot, seal, claim.id))


def insert_new(store: Store, conn: Any, claim: Claim, q: Questionnaire, source: str, *, actor: str, role: str,
               now: str, team: bool = False) -> ImportResult:
    run = driver_sql(conn)
    extra: dict[str, Any] = {}
    notes: list[str] = []
    if team:  # the file's work becomes the importing login's draft (see the module's docstring)
        claim, extra, notes = for_team(claim, source, actor, role, set(), None)
    aid, child = claim.id, claim.child
    if run("SELECT 1 FROM child WHERE id = ?", (child["id"],)).fetchone() is None:
        run("INSERT INTO child (id, name, dob, due_date, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (child["id"], child["name"], child["dob"], child["due_date"], now, now))
    # Everything goes in as a draft; the real status is set last.
    run("INSERT INTO assessment (id, child_id, questionnaire_hash, questionnaire_id, questionnaire_version, "
        "assessment_date, age_band, status, practitioner, created_at, updated_at, required_answered, "
        "required_total, latest_score, revision, owner, submitted_at, signed_off_at, child_snapshot) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, 0, 0, NULL, 0, ?, NULL, NULL, NULL)",
        (aid, child["id"], q.content_hash, q.id, q.version, claim.assessment_date, claim.age_band, claim.practitioner,
         claim.created_at, claim.updated_at, claim.owner))
    seq = run("SELECT seq FROM assessment WHERE id = ?", (aid,)).fetchone()[0]
    for qid, value in claim.answers.items():
        run("INSERT INTO answer (assessment_id, question_id, value, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)",
            (aid, qid, _value(value), claim.updated_at, claim.owner))
    _insert_history(run, aid, claim.history)
    _insert_reviews(run, aid, claim.reviews)
    _insert_comments(run, aid, claim.comments, {})
    _insert_addenda(run, aid, claim.addenda, set())
    name = run("SELECT name FROM child WHERE id = ?", (child["id"],)).fetchone()[0]
    store._refresh(conn, aid, seq, name, q, claim.age_band, claim.updated_at)
    run("UPDATE assessment SET revision = 0, updated_at = ? WHERE id = ?", (claim.updated_at, aid))
    store._event(conn, aid, "imported", actor, role, now, {"from": source, **extra})
    if claim.status != "draft":
        _set_status(run, claim, claim.status, claim.owner, claim.submitted_at, claim.signed_off_at)
    return ImportResult(aid, notes)


def _names(kinds: list[str]) -> str:
    return ", ".join(dict.fromkeys(k.replace("_", " ") for k in kinds))


def merge_into(store: Store, conn: Any, claim: Claim, q: Questionnaire, source: str, *, actor: str, role: str,
               now: str, team: bool = False) -> ImportResult:
    run = driver_sql(conn)
    aid, short = claim.id, claim.id[:8]
    seq, status, owner, submitted_at, updated_at, band, child_id, q_hash = run(
        "SELECT seq, status, owner, submitted_at, updated_at, age_band, child_id, questionnaire_hash "
        "FROM assessment WHERE id = ?", (aid,)).fetchone()
    if q_hash != q.content_hash or child_id != claim.child["id"]:
        raise Refused(f"assessment {short} here was asked with another questionnaire or for another child than the "
                      f"copy in {source}; nothing was imported")
    local = [Entry(r[0], r[1], r[2], r[3], r[4], r[5], canonical(_loads(r[6])), canonical(_loads(r[7])))
             for r in run("SELECT question_id, kind, actor, role, started_at, at, before, after FROM history "
                          "WHERE assessment_id = ? ORDER BY id", (aid,))]
    extra: dict[str, Any] = {}
    team_notes: list[str] = []
    if team:
        known = ({tuple(r) for r in run("SELECT decision, actor, role, at, comment, score, declaration FROM review "
                                        "WHERE assessment_id = ?", (aid,))},
                 {tuple(r) for r in run("SELECT author, at, text FROM comment WHERE assessment_id = ?", (aid,))},
                 {tuple(r) for r in run("SELECT author, role, at, reason, text FROM addendum WHERE assessment_id = ?",
                                        (aid,))})
        claim, extra, team_notes = for_team(claim, source, actor, role, set(local), status, known)
        if status not in ("draft", "returned") or owner != actor:
            if any(h not in local for h in claim.history):
                why = ("is submitted for review here" if status == "submitted" else
                       f"is {owner}'s to edit here" if status in ("draft", "returned") else
                       f"is {status.replace('_', ' ')} here")
                raise Refused(f"assessment {short} {why}, so it takes no changes from {source}; nothing was imported")
    local_set, remote_keys = set(local), {h.key for h in claim.history}
    new = [h for h in claim.history if h not in local_set]
    untaken = any(extra.get(k) for k in ("reviews_in_file", "comments_in_file", "addenda_in_file")) or any(
        e["kind"] not in NOT_WORK for e in extra.get("events_in_file", []))
    if not new and untaken:
        raise Refused(f"{source} holds no change to the answers of assessment {short} that is not here; a team "
                      "database takes its reviews, comments and workflow steps only from their authors' own logins, "
                      "so nothing was imported")
    if not new:
        raise Refused(f"the copy of assessment {short} here is the same or newer ({updated_at[:16]}): it already "
                      f"holds everything in {source}; nothing was imported")
    here = [h for h in local if h.key not in remote_keys and h.kind not in NOT_WORK]
    here_q = sorted({h.question_id for h in here if h.kind in ("answer", "conflict")})
    here_flow = [h.kind for h in here if h.question_id is None and h.kind != "comment"]
    there_q = sorted({h.question_id for h in new if h.kind in ("answer", "conflict")})
    there_flow = [h.kind for h in new if h.question_id is None and h.kind not in ("comment", *NOT_WORK)]
    if claim.status == "signed_off" and (here_q or here_flow):
        done_here = ", ".join(here_q) or _names(here_flow)
        raise Refused(f"assessment {short} in {source} is signed off, but it was changed here since that copy was "
                      f"made ({done_here}); a signed-off record takes no more changes, so nothing was imported")
    if here_flow and (there_flow or there_q):
        there = _names(there_flow) if there_flow else "answers " + ", ".join(there_q)
        raise Refused(f"assessment {short} moved on both here ({_names(here_flow)}) and in {source} ({there}); "
                      "nothing was imported: agree which copy is current")
    if here_q and there_flow and claim.status == "submitted":
        raise Refused(f"assessment {short} in {source} was submitted, but answers were changed here since "
                      f"({', '.join(here_q)}); nothing was imported")
    notes: list[str] = list(team_notes)
    mine_all = {qid: json.loads(v) for qid, v in run("SELECT question_id, value FROM answer WHERE assessment_id = ?",
                                                     (aid,))}
    replaced: dict[str, Any] = {}
    for qid in sorted(set(mine_all) | set(claim.answers)):
        mine, theirs = mine_all.get(qid), claim.answers.get(qid)
        if canonical(mine) == canonical(theirs) or (qid in here_q and qid not in there_q):
            continue  # the same, or changed only here: the value here stays
        final = theirs
        if not (qid in there_q and qid not in here_q):  # changed in both places: keep both
            question = q.question(qid)
            last = next((h for h in reversed(claim.history) if h.question_id == qid), None)
            who, at = (last.actor, last.at) if last else (claim.owner, claim.updated_at)
            merged = question is not None and question.kind in TEXT_KINDS and mine is not None and theirs is not None
            if merged:
                final = f"{mine}\n\n[Also saved by {who} at {at[11:16]} UTC, kept so nothing is lost:]\n{theirs}"
            else:
                final = mine
            _insert_history(run, aid, [Entry(qid, "conflict", actor, role, now, now, canonical(theirs),
                                             canonical(final))])
            notes.append(f"{qid} was changed both here and by {who}: "
                         + ("both versions are kept in the answer" if merged else "the answer here is kept and "
                            "the other is in the history"))
        if final == mine:
            continue
        replaced[qid] = mine
        if final is None:
            run("DELETE FROM answer WHERE assessment_id = ? AND question_id = ?", (aid, qid))
        elif mine is None:
            run("INSERT INTO answer (assessment_id, question_id, value, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)",
                (aid, qid, _value(final), now, actor))
        else:
            run("UPDATE answer SET value = ?, updated_at = ?, updated_by = ? WHERE assessment_id = ? AND "
                "question_id = ?", (_value(final), now, actor, aid, qid))
    _insert_history(run, aid, new)
    known_reviews = {tuple(r) for r in run("SELECT decision, actor, role, at, comment, score, declaration FROM review "
                                           "WHERE assessment_id = ?", (aid,))}
    _insert_reviews(run, aid, [r for r in claim.reviews if r not in known_reviews])
    known_comments = {(r[0], r[1], r[2]): r[3] for r in run(
        "SELECT author, at, text, id FROM comment WHERE assessment_id = ?", (aid,))}
    _insert_comments(run, aid, claim.comments, known_comments)
    _insert_addenda(run, aid, claim.addenda, {tuple(r) for r in run(
        "SELECT author, role, at, reason, text FROM addendum WHERE assessment_id = ?", (aid,))})
    name = run("SELECT name FROM child WHERE id = ?", (child_id,)).fetchone()[0]
    store._refresh(conn, aid, seq, name, q, band, max(updated_at, claim.updated_at))
    store._event(conn, aid, "imported", actor, role, now,
                 {"from": source, "kept_from_here": here_q, "replaced": replaced, "status_before": status,
                  "owner_before": owner, **extra})
    if here_q:
        notes.insert(0, f"kept the changes made here to {', '.join(here_q)}")
    if there_flow and not team:  # a team database takes no workflow step from a file
        _set_status(run, claim, claim.status, claim.owner, claim.submitted_at, claim.signed_off_at)
    return ImportResult(aid, notes)


def _loads(value: str | None) -> Any:
    return None if value is None else json.loads(value)
