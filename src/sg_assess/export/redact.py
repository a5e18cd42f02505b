"""Redaction for case audits and training: no recorded name, no date of birth.

Every name the assessment records (the child, every person in every group, the
practitioner, supervisors, commenters) becomes initials or, for people, their
relationship or role; the date of birth becomes the age band; free text is
scanned for those names (whole names and each capitalised part of them) and
they are replaced.  The result is an ordinary record, so every export format
renders it the same way.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

from sg_assess.questionnaire.rows import ROW_TYPES
from sg_assess.store.records import AssessmentRecord

_NAME_PART = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)


def initials(name: str) -> str:
    parts = [p for p in _NAME_PART.findall(name) if p[:1].isupper()]
    return "".join(f"{p[0]}." for p in parts) or "[name]"


class Redactor:
    """Replaces recorded names wherever they appear."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = {n: r for n, r in names.items() if n.strip()}
        words: dict[str, str] = {}
        for name, replacement in self.names.items():
            words.setdefault(name.strip(), replacement)
            for part in _NAME_PART.findall(name):
                if len(part) >= 2 and part[:1].isupper():
                    words.setdefault(part, replacement)
        # Longest first, whole words only, any case: "Ada Example" before "Ada".
        ordered = sorted(words, key=len, reverse=True)
        self.pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in ordered) + r")(?!\w)",
                                  re.IGNORECASE) if ordered else None
        # A replacement ("partner of Sarah") must not carry a name back in.
        scrub = (lambda t: self.pattern.sub("[name]", t)) if self.pattern else (lambda t: t)
        self.lookup = {w.casefold(): scrub(words[w]) for w in ordered}
        self.names = {n: scrub(r) for n, r in self.names.items()}

    def text(self, value: str) -> str:
        if self.pattern is None:
            return value
        return self.pattern.sub(lambda m: self.lookup.get(m.group(0).casefold(), "[name]"), value)

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value


def _people(record: AssessmentRecord) -> Iterable[tuple[str, str]]:
    """(name, replacement) for every person the record names."""
    yield record.summary.child_name, f"the child ({initials(record.summary.child_name)})"
    for question in record.questionnaire.questions():
        rows = record.answers.get(question.id) if question.kind in ("people", "scale", "actions") else None
        for row in rows or []:
            if question.kind == "people" and row.get("name"):
                yield row["name"], row.get("relationship") or initials(row["name"])
            elif row.get("who"):
                role = ROW_TYPES[question.kind].field("role")
                yield row["who"], (role.words(row.get("role")) if role else "") or initials(row["who"])
    staff = {record.summary.practitioner, record.owner,
             *(r.actor for r in record.reviews), *(c.author for c in record.comments),
             *(a.author for a in record.addenda), *(h.actor for h in record.history)}
    for person in staff:
        if person:
            yield person, initials(person)


def redact(record: AssessmentRecord) -> AssessmentRecord:
    names: dict[str, str] = {}
    for name, replacement in _people(record):
        names.setdefault(name, replacement)
    r = Redactor(names)
    band = record.summary.age_band
    withheld = f"withheld (age band {band})"
    summary = dataclasses.replace(record.summary, child_name=r.names[record.summary.child_name],
                                  practitioner=r.text(record.summary.practitioner))
    child = dataclasses.replace(record.child, name=summary.child_name, dob=withheld if record.child.dob else None,
                                due_date=withheld if record.child.due_date else None)
    return dataclasses.replace(
        record,
        summary=summary,
        child=child,
        answers={qid: r.value(v) for qid, v in record.answers.items()},
        owner=r.text(record.owner),
        reviews=[dataclasses.replace(x, actor=r.text(x.actor), comment=r.value(x.comment),
                                     declaration=r.value(x.declaration)) for x in record.reviews],
        comments=[dataclasses.replace(x, author=r.text(x.author), text=r.text(x.text)) for x in record.comments],
        addenda=[dataclasses.replace(x, author=r.text(x.author), reason=r.text(x.reason), text=r.text(x.text))
                 for x in record.addenda],
        history=[dataclasses.replace(x, actor=r.text(x.actor), before=r.value(x.before), after=r.value(x.after))
                 for x in record.history],
    )
