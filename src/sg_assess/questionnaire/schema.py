"""The questionnaire schema: pydantic models and the checks that span questions.

A questionnaire is validated in two passes: the models check each item's shape
and types (unknown keys, bad kinds, wrong types), then ``cross_check`` checks
what spans items (duplicate ids, ``show_if`` targets and loops, choices, age
bands and principles).  Both passes report every problem, not just the first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

AGE_BANDS: tuple[str, ...] = ("unborn", "0-2", "3-4", "5-9", "10-14", "15-17")
AgeBand = Literal["unborn", "0-2", "3-4", "5-9", "10-14", "15-17"]

KINDS: tuple[str, ...] = (
    "text", "long_text", "yes_no", "choice", "multi_choice", "date", "people", "scale", "actions", "events", "goals",
)
Kind = Literal["text", "long_text", "yes_no", "choice", "multi_choice", "date", "people", "scale", "actions",
               "events", "goals"]
TEXT_KINDS = frozenset({"text", "long_text"})
CHOICE_KINDS = frozenset({"choice", "multi_choice"})
GROUP_KINDS = frozenset({"people", "scale", "actions", "events", "goals"})  # rows.py defines their fields
CONDITION_KINDS = frozenset({"yes_no", "choice", "multi_choice"})

Ident = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]*$", max_length=64)]
Text = Annotated[str, Field(min_length=1, max_length=20_000)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ShowIf(_Model):
    question: Ident
    equals: Text


class Question(_Model):
    id: Ident
    prompt: Text
    help: Text
    kind: Kind
    required: bool = False
    choices: list[Text] | None = None
    ages: list[AgeBand] | None = None
    principles: list[Ident] = []
    show_if: ShowIf | None = None
    # What a redacted export withholds from this answer (export/redact.py): an organisation, a place, or a person.
    redact: Literal["organisation", "place", "person"] | None = None

    @property
    def is_group(self) -> bool:
        return self.kind in GROUP_KINDS


class Section(_Model):
    id: Ident
    title: Text
    guidance: Text
    questions: Annotated[list[Question], Field(min_length=1)]


class SignOffSpec(_Model):
    """``[sign_off]``: the choice question holding the decision a supervisor's sign-off must name."""

    outcome_question: Ident


class Questionnaire(_Model):
    id: Ident
    title: Text
    version: Annotated[int, Field(ge=1)]
    description: str = ""
    sections: Annotated[list[Section], Field(min_length=1)]
    # Which question fills which line of the export's Summary (questionnaire/summary.py checks it).
    summary: dict[str, Ident] | None = None
    # Quality rules ([[rules]]): checked and compiled by questionnaire/rules.py, run by quality.py.
    rules: list[dict[str, Any]] | None = None
    sign_off: SignOffSpec | None = None
    # [[chronology]]: answers that become events in a child's chronology (compiled by questionnaire/rules.py).
    chronology: list[dict[str, Any]] | None = None

    # Set by the loader: the exact file content, its SHA-256 and where it came from.
    _source: str = PrivateAttr(default="")
    _content_hash: str = PrivateAttr(default="")
    _origin: str = PrivateAttr(default="")
    _index: dict[str, tuple[Section, Question]] = PrivateAttr(default_factory=dict)
    _rules: tuple[Any, ...] = PrivateAttr(default=())  # compiled rules (the file's, or shipped for its id+version)
    _rules_origin: str = PrivateAttr(default="")
    _chronology: tuple[Any, ...] = PrivateAttr(default=())

    def model_post_init(self, context: Any) -> None:
        self._index = {q.id: (s, q) for s in self.sections for q in s.questions}

    @property
    def source(self) -> str:
        return self._source

    @property
    def content_hash(self) -> str:
        return self._content_hash

    @property
    def origin(self) -> str:
        return self._origin

    @property
    def compiled_rules(self) -> tuple[Any, ...]:
        return self._rules

    @property
    def rules_origin(self) -> str:
        return self._rules_origin

    @property
    def chronology_entries(self) -> tuple[Any, ...]:
        return self._chronology

    def questions(self) -> Iterator[Question]:
        for section in self.sections:
            yield from section.questions

    def question(self, qid: str) -> Question | None:
        hit = self._index.get(qid)
        return hit[1] if hit else None

    def section_of(self, qid: str) -> Section | None:
        hit = self._index.get(qid)
        return hit[0] if hit else None

    def section_of_id(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def is_shown(self, question: Question, band: str, answers: Mapping[str, Any]) -> bool:
        """Whether the question applies to this child (age band) and these answers (show_if)."""
        seen: set[str] = set()
        q: Question | None = question
        while q is not None:
            if q.ages is not None and band not in q.ages:
                return False
            if q.show_if is None:
                return True
            if q.id in seen:  # loops are refused by the loader; never spin on one
                return False
            seen.add(q.id)
            value = answers.get(q.show_if.question)
            if isinstance(value, list):
                if q.show_if.equals not in value:
                    return False
            elif value != q.show_if.equals:
                return False
            q = self.question(q.show_if.question)  # the condition must itself be shown
        return True

    def completeness(self, band: str, answers: Mapping[str, Any]) -> tuple[int, int]:
        """(required questions answered, required questions that apply)."""
        done = total = 0
        for q in self.questions():
            if q.required and self.is_shown(q, band, answers):
                total += 1
                done += q.id in answers
        return done, total


def cross_check(q: Questionnaire, principle_ids: set[str]) -> list[tuple[str, str]]:
    """Problems that span items, as (where, problem) pairs; ``where`` names the question."""
    problems: list[tuple[str, str]] = []
    seen_sections: set[str] = set()
    for s in q.sections:
        if s.id in seen_sections:
            problems.append((f"section {s.id!r}", "duplicate section id"))
        seen_sections.add(s.id)
    by_id: dict[str, Question] = {}
    for question in q.questions():
        where = f"question {question.id!r}"
        if question.id in by_id:
            problems.append((where, "duplicate question id"))
            continue
        by_id[question.id] = question
    for question in q.questions():
        where = f"question {question.id!r}"
        if question.kind in CHOICE_KINDS:
            if not question.choices:
                problems.append((where, f"a {question.kind} question needs a list of choices"))
            elif len(set(question.choices)) != len(question.choices):
                problems.append((where, "choices repeat a value"))
        elif question.choices is not None:
            problems.append((where, f"choices are only for choice and multi_choice questions, not {question.kind}"))
        if question.ages is not None:
            if not question.ages:
                problems.append((where, "ages is empty; leave it out to show the question at every age"))
            elif len(set(question.ages)) != len(question.ages):
                problems.append((where, "ages repeat a band"))
        for pid in question.principles:
            if pid not in principle_ids:
                problems.append((where, f"unknown principle {pid!r}"))
        if question.show_if is not None:
            problems.extend(_check_show_if(question, by_id))
    problems.extend(_show_if_loops(by_id))
    if q.summary is not None:
        from sg_assess.questionnaire.summary import check_summary

        problems.extend(check_summary(q.summary, q))
    if q.sign_off is not None:
        target = by_id.get(q.sign_off.outcome_question)
        if target is None or target.kind != "choice":
            problems.append(("sign_off", f"outcome_question {q.sign_off.outcome_question!r} must be a choice question "
                                         "in this file"))
    return problems


def _check_show_if(question: Question, by_id: Mapping[str, Question]) -> list[tuple[str, str]]:
    where = f"question {question.id!r}"
    assert question.show_if is not None
    target_id, value = question.show_if.question, question.show_if.equals
    if target_id == question.id:
        return [(where, "show_if points at the question itself")]
    target = by_id.get(target_id)
    if target is None:
        return [(where, f"show_if points at {target_id!r}, which is not a question in this file")]
    if target.kind not in CONDITION_KINDS:
        return [(where, f"show_if points at {target_id!r}, a {target.kind} question; use yes_no, choice or multi_choice")]
    allowed = ["yes", "no"] if target.kind == "yes_no" else list(target.choices or [])
    if value not in allowed:
        return [(where, f"show_if value {value!r} is not a possible answer of {target_id!r} ({', '.join(map(repr, allowed))})")]
    return []


def _show_if_loops(by_id: Mapping[str, Question]) -> list[tuple[str, str]]:
    # Each question is followed at most once (``done``), so this is linear in the
    # number of questions: a 2 MB file with one long show_if chain must not hang.
    problems = []
    done: set[str] = set()
    for start in by_id:
        path: list[str] = []
        on_path: set[str] = set()
        q = by_id.get(start)
        while q is not None and q.show_if is not None and q.id not in done:
            if q.id in on_path:
                loop = path[path.index(q.id):]
                if len(loop) > 1:  # a question pointing at itself is already reported by _check_show_if
                    problems.append((f"question {q.id!r}", "show_if loop: " + " -> ".join(loop + [q.id])))
                break
            path.append(q.id)
            on_path.add(q.id)
            q = by_id.get(q.show_if.question)
        done.update(path)
    return problems


def age_band(dob: dt.date | None, on: dt.date, *, unborn: bool = False) -> str:
    """The age band of a child born on ``dob`` (or not yet born) on the date ``on``."""
    if unborn or dob is None:
        return "unborn"
    years = on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
    if years < 0:
        raise ValueError("date of birth is after the assessment date")
    for upper, band in ((2, "0-2"), (4, "3-4"), (9, "5-9"), (14, "10-14"), (17, "15-17")):
        if years <= upper:
            return band
    raise ValueError("the child is 18 or older on the assessment date")
