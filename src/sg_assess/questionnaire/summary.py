"""Which question fills which line of an export's Summary: data, never question ids in code.

A questionnaire names them in a ``[summary]`` table (see docs/questionnaire-format.md).
Version 1's file is pinned by its content hash and cannot gain one, so its table
ships beside this module in ``pinned/<id>-v<version>.toml`` and is used
for that id and version.  Both are checked the same way: a known line, a question
that exists, of a kind that can fill it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sg_assess.questionnaire.shipped import pinned_data

if TYPE_CHECKING:  # the schema checks a [summary] table with check_summary: the arrow goes that way only
    from sg_assess.questionnaire.schema import Questionnaire

TEXT = frozenset({"text", "long_text"})
# Summary line -> the question kinds that can fill it.
LINES: dict[str, frozenset[str]] = {
    "reason": TEXT,  # why the assessment was started
    "source": TEXT,  # who raised the concern
    "received": frozenset({"date"}),  # when the concern was received
    "start": frozenset({"date"}),  # when the assessment started
    "child_seen": frozenset({"date"}),  # when the child was last seen
    "decision": frozenset({"choice"}),  # the outcome decided
    "decision_other": TEXT,  # the outcome in words, when it is "Other"
    "decision_reasons": TEXT,
    "harm": frozenset({"choice"}),  # the significant-harm judgement
    "harm_reasons": TEXT,
    "analysis": TEXT,
    "not_known": TEXT,
    "scale": frozenset({"scale"}),  # the safety scale scores
    "scale_comment": TEXT,  # the spread or a fall explained
}


def check_summary(table: Any, q: Questionnaire) -> list[tuple[str, str]]:
    """Problems with a summary table, as (where, problem) pairs (empty when it is good)."""
    if not isinstance(table, dict):
        return [("summary", "must be a table of summary line = question id")]
    problems: list[tuple[str, str]] = []
    for line, qid in table.items():
        where = f"summary.{line}"
        if line not in LINES:
            problems.append((where, f"unknown summary line; known lines: {', '.join(LINES)}"))
        elif not isinstance(qid, str):
            problems.append((where, "must be a question id (a string)"))
        elif (question := q.question(qid)) is None:
            problems.append((where, f"no question with id {qid!r}"))
        elif question.kind not in LINES[line]:
            kinds = " or ".join(sorted(LINES[line]))
            problems.append((where, f"question {qid!r} is {question.kind}; this line needs {kinds}"))
    return problems


@lru_cache(maxsize=32)
def _shipped(qid: str, version: int) -> dict[str, str]:
    return dict(pinned_data(qid, version).get("summary", {}))


_MAPS: dict[tuple[str, int, str], dict[str, str]] = {}


def summary_map(q: Questionnaire) -> dict[str, str]:
    """The Summary's table for this questionnaire (see ``_summary_map``), worked out once per questionnaire text."""
    if not q.content_hash:  # built in memory, not loaded: nothing to key on
        return _summary_map(q)
    key = (q.id, q.version, q.content_hash)
    if key not in _MAPS:
        _MAPS[key] = _summary_map(q)
    return _MAPS[key]


def _summary_map(q: Questionnaire) -> dict[str, str]:
    """The questionnaire's own [summary] table, or the one shipped for its id and version; only usable lines kept.

    A shipped table is checked against the questionnaire it is for; a line that does not fit is left out
    (the Summary then says the record does not hold it) rather than failing an export.
    """
    table = q.summary if q.summary is not None else _shipped(q.id, q.version)
    bad = {where.removeprefix("summary.") for where, _ in check_summary(table, q)}
    return {line: qid for line, qid in table.items() if line not in bad}
