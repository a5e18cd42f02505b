"""The safety scale as a headline: the one rule for the practitioner's own score and everyone's spread.

The store (for the list), Home, the editor, the rules and the export all read it from here, so a figure shown in
one place is the figure shown in every other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sg_assess.questionnaire.rows import ROW_TYPES
from sg_assess.questionnaire.schema import Questionnaire

# Version 1 kept the safety scale's role as free text: these, and only these, read as the practitioner.
PRACTITIONER_WORDS = frozenset({"practitioner", "social worker", "allocated social worker", "allocated worker",
                                "assessing social worker", "the social worker", "lead practitioner", "sw"})


@dataclass(frozen=True)
class ScaleSummary:
    """The safety scale as a headline: the practitioner's own latest score, and the spread of everyone's."""

    worker_score: int | None
    low: int | None
    high: int | None
    note: str = ""  # why there is no worker score, when scores exist but none is clearly the practitioner's
    people: int = 0  # how many people gave a score

    @property
    def score_range(self) -> str | None:
        return None if self.low is None else f"{self.low}-{self.high}"

    @property
    def spread(self) -> int | None:
        return None if self.low is None or self.high is None else self.high - self.low

    def headline(self) -> str:
        """e.g. "worker 4 (range 2-7)", or "no practitioner's score (range 2-7)"."""
        if self.low is None:
            return "none recorded"
        worker = f"practitioner {self.worker_score}" if self.worker_score is not None else (
            self.note or "no practitioner's score")
        return f"{worker} (range {self.score_range})"


def scale_rows(q: Questionnaire, answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [row for question in q.questions() if question.kind == "scale" for row in answers.get(question.id) or []]


def is_practitioner_row(row: Mapping[str, Any], practitioner: str = "") -> bool | None:
    """True: the role id is practitioner; for version 1's free text, True only if it reads unambiguously so."""
    role = row.get("role") or ""
    if role == "practitioner":
        return True
    if role in {c for c, _ in ROW_TYPES["scale"].field("role").choices}:  # type: ignore[union-attr]
        return False
    words = role.strip().casefold()
    if words in PRACTITIONER_WORDS:
        return True
    if practitioner and (row.get("who") or "").strip().casefold() == practitioner.strip().casefold():
        return True  # the person who wrote the assessment scored it
    return False


def scale_summary(rows: list[dict[str, Any]], practitioner: str = "") -> ScaleSummary:
    if not rows:
        return ScaleSummary(None, None, None)
    ordered = sorted(enumerate(rows), key=lambda ir: (ir[1].get("date") or "", ir[0]))  # latest last
    latest: dict[str, int] = {}
    for _, row in ordered:
        if row.get("score") is not None:
            latest[(row.get("who") or "").strip().casefold()] = row["score"]
    workers = [row for _, row in ordered if is_practitioner_row(row, practitioner) and row.get("score") is not None]
    people = {(row.get("who") or "").strip().casefold() for row in workers}
    worker = workers[-1]["score"] if workers and len(people) == 1 else None
    note = ""
    if worker is None:
        note = ("scores from more than one person read as the practitioner's" if len(people) > 1
                else "no score is marked as the practitioner's")
    values = list(latest.values())
    return ScaleSummary(worker, min(values) if values else None, max(values) if values else None, note, len(values))
