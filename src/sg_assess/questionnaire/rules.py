"""The quality-rule language: ``[[rules]]`` in a questionnaire file, checked and compiled here.

A rule names the question its gap links to, a severity (``gap`` or ``urgent``),
the principles it serves, a message and a condition (``when``).  With
``for_each = "GROUP_QUESTION"`` the condition is tested on each row of that
repeating group and the rule gives one gap per row that matches.  The
language is described in docs/questionnaire-format.md ("Quality rules");
every problem is reported one per line, like the rest of the questionnaire.

Compiled conditions are plain functions of a ``Context`` (answers, age, the
facts the engine computes, the current row); quality.py builds the context
and runs them.  Nothing here names a question of any particular
questionnaire.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sg_assess.questionnaire.rows import ROW_TYPES
from sg_assess.questionnaire.schema import GROUP_KINDS, Question, Questionnaire

SEVERITIES = ("gap", "urgent")
RULE_KEYS = {"id", "severity", "principles", "question", "message", "when", "for_each", "needs"}
# Facts the engine computes (numbers, or unknown).
FACTS = {
    "worker_score": "the practitioner's own latest safety scale score",
    "score_spread": "the highest minus the lowest of each person's latest score",
    "score_fall": "how far the practitioner's score fell since the child's previous assessment",
    "child_age_years": "the child's age in whole years on the assessment date (unknown for an unborn child)",
    "score_count": "how many safety scale scores are recorded",
}
FACT_PLACEHOLDERS = {"worker_score", "score_spread", "score_fall", "score_range", "child_age_years"}
COMPARISONS = ("equals", "at_least", "at_most", "more_than", "less_than")
DATE_WORDS = {"assessment_date"}
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")


@dataclass
class Context:
    """What a condition is tested against."""

    answers: Mapping[str, Any]
    band: str
    assessment_date: dt.date
    facts: Mapping[str, Any]
    row: Mapping[str, Any] | None = None


Cond = Callable[[Context], bool]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    principles: tuple[str, ...]
    question: str
    message: str
    when: Cond
    for_each: str | None = None
    needs: tuple[tuple[str, str], ...] = ()  # (row field, words) that must not be empty


@dataclass
class _Compiler:
    q: Questionnaire
    principle_ids: set[str]
    problems: list[str] = field(default_factory=list)

    # -- helpers ------------------------------------------------------------------------

    def fail(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def question(self, where: str, qid: Any, kinds: set[str] | frozenset[str] | None = None) -> Question | None:
        if not isinstance(qid, str):
            self.fail(where, f"a question id must be text, not {qid!r}")
            return None
        question = self.q.question(qid)
        if question is None:
            self.fail(where, f"{qid!r} is not a question in this questionnaire")
            return None
        if kinds is not None and question.kind not in kinds:
            self.fail(where, f"{qid!r} is a {question.kind} question; this needs {' or '.join(sorted(kinds))}")
            return None
        return question

    def table(self, where: str, value: Any, required: set[str], optional: set[str]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.fail(where, f"must be a table {{ {', '.join(sorted(required))} ... }}, not {value!r}")
            return None
        unknown = sorted(set(value) - required - optional)
        missing = sorted(required - set(value))
        if unknown:
            self.fail(where, f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(required | optional))})")
        if missing:
            self.fail(where, f"missing key {missing[0]!r}")
        return None if unknown or missing else value

    def comparison(self, where: str, spec: Mapping[str, Any], *, number: bool = True) -> Callable[[Any], bool] | None:
        """``equals``/``at_least``/``at_most``/``more_than``/``less_than``/``known``: a test on one value."""
        tests: list[Callable[[Any], bool]] = []
        for key in COMPARISONS:
            if key not in spec:
                continue
            limit = spec[key]
            if number and (isinstance(limit, bool) or not isinstance(limit, int)):
                self.fail(where, f"{key} needs a whole number, not {limit!r}")
                return None
            tests.append(_COMPARE[key](limit))
        if "known" in spec:
            if not isinstance(spec["known"], bool):
                self.fail(where, f"known must be true or false, not {spec['known']!r}")
                return None
            want = spec["known"]
            tests.append(lambda v, w=want: (v is not None) == w)
        if not tests:
            self.fail(where, f"needs a comparison: one of {', '.join(COMPARISONS)} or known")
            return None
        return lambda v: all(t(v) for t in tests)

    def ids(self, where: str, value: Any) -> list[str] | None:
        ids = [value] if isinstance(value, str) else value
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            self.fail(where, f"needs a question id or a list of them, not {value!r}")
            return None
        ok = [self.question(where, i) is not None for i in ids]
        return ids if all(ok) else None

    def possible(self, where: str, question: Question, value: Any) -> bool:
        allowed = ["yes", "no"] if question.kind == "yes_no" else list(question.choices or [])
        if value not in allowed:
            self.fail(where, f"{value!r} is not a possible answer of {question.id!r} ({', '.join(map(repr, allowed))})")
            return False
        return True

    # -- conditions ---------------------------------------------------------------------

    def cond(self, where: str, spec: Any, group: str | None) -> Cond | None:
        """Compile one condition; ``group`` is the kind of the row in scope (for_each / where), if any."""
        if not isinstance(spec, dict) or len(spec) != 1:
            self.fail(where, "a condition is a table with exactly one operator "
                             f"({', '.join(sorted(_OPERATORS))}), not {spec!r}")
            return None
        (op, arg), = spec.items()
        method = _OPERATORS.get(op)
        if method is None:
            self.fail(where, f"unknown operator {op!r} (operators: {', '.join(sorted(_OPERATORS))})")
            return None
        return method(self, f"{where}.{op}", arg, group)

    def c_all(self, where: str, arg: Any, group: str | None) -> Cond | None:
        return self._many(where, arg, group, all)

    def c_any(self, where: str, arg: Any, group: str | None) -> Cond | None:
        return self._many(where, arg, group, any)

    def _many(self, where: str, arg: Any, group: str | None, combine: Callable[..., bool]) -> Cond | None:
        if not isinstance(arg, list) or not arg:
            self.fail(where, "needs a non-empty list of conditions")
            return None
        parts = [self.cond(f"{where}[{i}]", item, group) for i, item in enumerate(arg)]
        if any(p is None for p in parts):
            return None
        return lambda ctx: combine(p(ctx) for p in parts)  # type: ignore[misc]

    def c_not(self, where: str, arg: Any, group: str | None) -> Cond | None:
        inner = self.cond(where, arg, group)
        return None if inner is None else (lambda ctx: not inner(ctx))

    def c_answered(self, where: str, arg: Any, group: str | None) -> Cond | None:
        ids = self.ids(where, arg)
        return None if ids is None else (lambda ctx: any(i in ctx.answers for i in ids))

    def c_all_answered(self, where: str, arg: Any, group: str | None) -> Cond | None:
        ids = self.ids(where, arg)
        return None if ids is None else (lambda ctx: all(i in ctx.answers for i in ids))

    def c_answered_in_section(self, where: str, arg: Any, group: str | None) -> Cond | None:
        section = self.q.section_of_id(arg) if isinstance(arg, str) else None
        if section is None:
            self.fail(where, f"{arg!r} is not a section in this questionnaire")
            return None
        ids = [x.id for x in section.questions]
        return lambda ctx: any(i in ctx.answers for i in ids)

    def c_equals(self, where: str, arg: Any, group: str | None) -> Cond | None:
        spec = self.table(where, arg, {"question", "value"}, set())
        question = spec and self.question(where, spec["question"], {"yes_no", "choice"})
        if not question or not self.possible(where, question, spec["value"]):
            return None
        qid, value = question.id, spec["value"]
        return lambda ctx: ctx.answers.get(qid) == value

    def c_in(self, where: str, arg: Any, group: str | None) -> Cond | None:
        spec = self.table(where, arg, {"question", "values"}, set())
        question = spec and self.question(where, spec["question"], {"yes_no", "choice"})
        if not question:
            return None
        values = spec["values"]
        if not isinstance(values, list) or not values:
            self.fail(where, "values needs a non-empty list")
            return None
        if not all(self.possible(where, question, v) for v in values):
            return None
        qid = question.id
        return lambda ctx: ctx.answers.get(qid) in values

    def c_includes(self, where: str, arg: Any, group: str | None) -> Cond | None:
        spec = self.table(where, arg, {"question", "value"}, set())
        question = spec and self.question(where, spec["question"], {"multi_choice"})
        if not question or not self.possible(where, question, spec["value"]):
            return None
        qid, value = question.id, spec["value"]
        return lambda ctx: value in (ctx.answers.get(qid) or [])

    def c_age_band(self, where: str, arg: Any, group: str | None) -> Cond | None:
        from sg_assess.questionnaire.schema import AGE_BANDS

        bands = [arg] if isinstance(arg, str) else arg
        if not isinstance(bands, list) or not bands or any(b not in AGE_BANDS for b in bands):
            self.fail(where, f"needs age bands from {', '.join(AGE_BANDS)}, not {arg!r}")
            return None
        return lambda ctx: ctx.band in bands

    def c_age_years(self, where: str, arg: Any, group: str | None) -> Cond | None:
        spec = self.table(where, arg, set(), {*COMPARISONS, "known"})
        test = spec is not None and self.comparison(where, spec)
        return (lambda ctx: test(ctx.facts.get("child_age_years"))) if test else None

    def c_fact(self, where: str, arg: Any, group: str | None) -> Cond | None:
        spec = self.table(where, arg, {"name"}, {*COMPARISONS, "known"})
        if spec is None:
            return None
        name = spec["name"]
        if name not in FACTS:
            self.fail(where, f"unknown fact {name!r} (facts: {', '.join(sorted(FACTS))})")
            return None
        test = self.comparison(where, {k: v for k, v in spec.items() if k != "name"})
        return (lambda ctx: test(ctx.facts.get(name))) if test else None

    def date_operand(self, where: str, name: Any, group: str | None) -> Callable[[Context], dt.date | None] | None:
        """A row field of type date (in a row), ``assessment_date``, or a date question."""
        if group is not None and isinstance(name, str):
            rfield = ROW_TYPES[group].field(name)
            if rfield is not None:
                if rfield.type != "date":
                    self.fail(where, f"row field {name!r} is {rfield.type}, not a date")
                    return None
                return lambda ctx: _as_date(ctx.row.get(name) if ctx.row else None)
        if name in DATE_WORDS:
            return lambda ctx: ctx.assessment_date
        question = self.question(where, name, {"date"})
        if question is None:
            return None
        return lambda ctx: _as_date(ctx.answers.get(name))

    def c_days(self, where: str, arg: Any, group: str | None) -> Cond | None:
        spec = self.table(where, arg, {"from", "to"}, set(COMPARISONS))
        if spec is None:
            return None
        start = self.date_operand(f"{where}.from", spec["from"], group)
        end = self.date_operand(f"{where}.to", spec["to"], group)
        test = self.comparison(where, {k: v for k, v in spec.items() if k in COMPARISONS})
        if not (start and end and test):
            return None

        def days(ctx: Context) -> bool:
            a, b = start(ctx), end(ctx)
            return a is not None and b is not None and test((b - a).days)
        return days

    def _rows(self, where: str, arg: Any, group: str | None, extra: set[str]) -> tuple[str, Cond | None, dict] | None:
        spec = self.table(where, arg, {"question"}, {"where", *extra})
        question = spec and self.question(where, spec["question"], GROUP_KINDS)
        if not question:
            return None
        test = None
        if "where" in spec:
            test = self.cond(f"{where}.where", spec["where"], question.kind)
            if test is None:
                return None
        return question.id, test, spec

    def _matching(self, ctx: Context, qid: str, test: Cond | None) -> int:
        rows = ctx.answers.get(qid) or []
        if test is None:
            return len(rows)
        return sum(1 for row in rows if test(Context(ctx.answers, ctx.band, ctx.assessment_date, ctx.facts, row)))

    def c_count(self, where: str, arg: Any, group: str | None) -> Cond | None:
        found = self._rows(where, arg, group, {*COMPARISONS})
        if found is None:
            return None
        qid, test, spec = found
        compare = self.comparison(where, {k: v for k, v in spec.items() if k in COMPARISONS})
        return (lambda ctx: compare(self._matching(ctx, qid, test))) if compare else None

    def c_no_row(self, where: str, arg: Any, group: str | None) -> Cond | None:
        found = self._rows(where, arg, group, set())
        if found is None:
            return None
        qid, test, _ = found
        return lambda ctx: self._matching(ctx, qid, test) == 0

    def c_field(self, where: str, arg: Any, group: str | None) -> Cond | None:
        if group is None:
            self.fail(where, "field conditions test a row: use them under for_each, or in the where of count / no_row")
            return None
        spec = self.table(where, arg, {"name"}, {*COMPARISONS, "in", "answered"})
        if spec is None:
            return None
        name = spec["name"]
        rfield = ROW_TYPES[group].field(name)
        if rfield is None:
            self.fail(where, f"{name!r} is not a field of a {group} row ({', '.join(ROW_TYPES[group].names)})")
            return None
        tests: list[Callable[[Any], bool]] = []
        if "answered" in spec:
            if not isinstance(spec["answered"], bool):
                self.fail(where, "answered must be true or false")
                return None
            want = spec["answered"]
            tests.append(lambda v: (v not in (None, "")) == want)
        for key in COMPARISONS:
            if key not in spec:
                continue
            limit = spec[key]
            if rfield.type == "score" or (key != "equals"):
                if rfield.type != "score":
                    self.fail(where, f"{key} compares numbers; {name!r} is a {rfield.type} field")
                    return None
                if isinstance(limit, bool) or not isinstance(limit, int):
                    self.fail(where, f"{key} needs a whole number, not {limit!r}")
                    return None
            elif not self._field_value_ok(where, rfield, limit):
                return None
            tests.append(_COMPARE[key](limit))
        if "in" in spec:
            values = spec["in"]
            if not isinstance(values, list) or not values or not all(self._field_value_ok(where, rfield, v) for v in values):
                if not isinstance(values, list) or not values:
                    self.fail(where, "in needs a non-empty list")
                return None
            tests.append(lambda v: v in values)
        if not tests:
            self.fail(where, f"needs a test: answered, in or one of {', '.join(COMPARISONS)}")
            return None
        return lambda ctx: all(t((ctx.row or {}).get(name)) for t in tests)

    def _field_value_ok(self, where: str, rfield: Any, value: Any) -> bool:
        expected = {"bool": bool, "text": str, "choice": str, "date": str, "score": int}[rfield.type]
        if not isinstance(value, expected) or (rfield.type == "score" and isinstance(value, bool)):
            self.fail(where, f"{rfield.name!r} is a {rfield.type} field; {value!r} can never match it")
            return False
        if rfield.type == "choice" and value not in {c for c, _ in rfield.choices}:
            self.fail(where, f"{value!r} is not one of {rfield.name!r}'s ids ({', '.join(c for c, _ in rfield.choices)})")
            return False
        return True

    # -- rules --------------------------------------------------------------------------

    def rule(self, index: int, raw: Any) -> Rule | None:
        if not isinstance(raw, dict):
            self.fail(f"rule {index + 1}", "must be a table")
            return None
        rid = raw.get("id")
        where = f"rule {rid!r}" if isinstance(rid, str) else f"rule {index + 1}"
        before = len(self.problems)
        unknown = sorted(set(raw) - RULE_KEYS)
        if unknown:
            self.fail(where, f"unknown key {unknown[0]!r} (keys: {', '.join(sorted(RULE_KEYS))})")
        for key in ("id", "severity", "question", "message"):
            if key not in raw:
                self.fail(where, f"missing required key {key!r}")
        if len(self.problems) > before:
            return None
        if not isinstance(rid, str) or not _ID.match(rid):
            self.fail(where, "id must be letters, digits, '-' and '_', starting with a letter")
        if raw["severity"] not in SEVERITIES:
            self.fail(where, f"severity must be gap or urgent, not {raw['severity']!r}")
        principles = raw.get("principles", [])
        if isinstance(principles, str):
            principles = [principles]
        if not isinstance(principles, list):
            self.fail(where, "principles must be a list of principle ids")
            principles = []
        for pid in principles:
            if pid not in self.principle_ids:
                self.fail(where, f"unknown principle {pid!r}")
        self.question(f"{where}: question", raw["question"])
        group = None
        if "for_each" in raw:
            each = self.question(f"{where}: for_each", raw["for_each"], GROUP_KINDS)
            group = each.kind if each else None
            if each is None:
                return None
        needs: list[tuple[str, str]] = []
        if "needs" in raw:
            if group is None:
                self.fail(where, "needs is only for rules with for_each")
            elif not isinstance(raw["needs"], dict) or not raw["needs"]:
                self.fail(where, "needs must be a table of row field = words, e.g. { who = \"an owner\" }")
            else:
                for name, words in raw["needs"].items():
                    if ROW_TYPES[group].field(name) is None:
                        self.fail(where, f"needs: {name!r} is not a field of a {group} row")
                    elif not isinstance(words, str) or not words.strip():
                        self.fail(where, f"needs: the words for {name!r} must be text")
                    else:
                        needs.append((name, words))
        message = raw["message"]
        if not isinstance(message, str) or not message.strip() or len(message) > 500:
            self.fail(where, "message must be text of 1 to 500 characters")
        else:
            allowed = set(FACT_PLACEHOLDERS) | ({"row", *ROW_TYPES[group].names} if group else set())
            allowed |= {"needs"} if needs else set()
            for name in _PLACEHOLDER.findall(message):
                if name not in allowed:
                    self.fail(where, f"message: unknown placeholder {{{name}}} (allowed here: "
                                     f"{', '.join('{' + a + '}' for a in sorted(allowed))})")
        when = self.cond(f"{where}: when", raw["when"], group) if "when" in raw else (lambda ctx: True)
        if len(self.problems) > before or when is None:
            return None
        return Rule(rid, raw["severity"], tuple(principles), raw["question"], message, when,
                    raw.get("for_each"), tuple(needs))


def _as_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _compare_numbers(op: Callable[[Any, Any], bool]) -> Callable[[Any], Callable[[Any], bool]]:
    return lambda limit: (lambda v: isinstance(v, int) and not isinstance(v, bool) and op(v, limit))


_COMPARE: dict[str, Callable[[Any], Callable[[Any], bool]]] = {
    "equals": lambda limit: (lambda v: v == limit and type(v) is type(limit)),
    "at_least": _compare_numbers(lambda v, lim: v >= lim),
    "at_most": _compare_numbers(lambda v, lim: v <= lim),
    "more_than": _compare_numbers(lambda v, lim: v > lim),
    "less_than": _compare_numbers(lambda v, lim: v < lim),
}

_OPERATORS: dict[str, Callable[..., Cond | None]] = {
    "all": _Compiler.c_all, "any": _Compiler.c_any, "not": _Compiler.c_not,
    "answered": _Compiler.c_answered, "all_answered": _Compiler.c_all_answered,
    "answered_in_section": _Compiler.c_answered_in_section,
    "equals": _Compiler.c_equals, "in": _Compiler.c_in, "includes": _Compiler.c_includes,
    "age_band": _Compiler.c_age_band, "age_years": _Compiler.c_age_years, "fact": _Compiler.c_fact,
    "days": _Compiler.c_days, "count": _Compiler.c_count, "no_row": _Compiler.c_no_row, "field": _Compiler.c_field,
}


@dataclass(frozen=True)
class ChronologyEntry:
    """``[[chronology]]``: when ``when`` holds, an event of ``kind`` on the date in ``date`` (a date question;
    the assessment date when it is unanswered) whose ``summary`` may name answers as {question_id}."""

    kind: str
    when: Cond
    date: str | None
    summary: str


def compile_chronology(raw: Any, q: Questionnaire) -> tuple[tuple[ChronologyEntry, ...], list[str]]:
    c = _Compiler(q, set())
    if not isinstance(raw, list):
        return (), ["chronology: [[chronology]] must be a list of tables"]
    entries = []
    for i, item in enumerate(raw):
        where = f"chronology {i + 1}"
        spec = c.table(where, item, {"kind", "when", "summary"}, {"date"})
        if spec is None:
            continue
        before = len(c.problems)
        if not isinstance(spec["kind"], str) or not _ID.match(spec["kind"]):
            c.fail(where, "kind must be a word of letters, digits, '-' and '_'")
        if "date" in spec:
            c.question(f"{where}: date", spec["date"], {"date"})
        summary = spec["summary"]
        if not isinstance(summary, str) or not summary.strip():
            c.fail(where, "summary must be text")
        else:
            for name in _PLACEHOLDER.findall(summary):
                c.question(f"{where}: summary {{{name}}}", name, {"text", "long_text", "choice", "yes_no", "date"})
        when = c.cond(f"{where}: when", spec["when"], None)
        if len(c.problems) == before and when is not None:
            entries.append(ChronologyEntry(spec["kind"], when, spec.get("date"), summary))
    return tuple(entries), c.problems


def compile_rules(raw: Any, q: Questionnaire, principle_ids: set[str]) -> tuple[tuple[Rule, ...], list[str]]:
    """The compiled rules and every problem found (``where: what``, one line each)."""
    c = _Compiler(q, principle_ids)
    if not isinstance(raw, list):
        return (), ["rules: [[rules]] must be a list of tables"]
    rules = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        rule = c.rule(i, item)
        if rule is not None:
            if rule.id in seen:
                c.fail(f"rule {rule.id!r}", "duplicate rule id")
            seen.add(rule.id)
            rules.append(rule)
    return tuple(rules), c.problems
