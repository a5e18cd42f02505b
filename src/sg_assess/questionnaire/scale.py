"""The safety scale's headline: the practitioner's own latest score, and everyone's range (one small core function)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PRACTITIONER_ROLE = "practitioner"  # the scale row role id of the practitioner (the v2 contract's role ids)


@dataclass(frozen=True)
class ScaleFacts:
    worker: int | None  # the practitioner's own latest score
    low: int | None  # everyone's latest scores: lowest and highest
    high: int | None
    people: int  # how many people gave a score

    @property
    def spread(self) -> int | None:
        return None if self.low is None or self.high is None else self.high - self.low


def practitioner_score(rows: list[dict[str, Any]] | None, practitioner: str = "") -> ScaleFacts:
    """The practitioner's own latest score and everyone's range, from safety scale rows.

    A row is the practitioner's when its ``role`` is the role id ``practitioner`` or, for version-1 rows
    (free-text roles), when ``who`` is the assessment's practitioner.  Latest by date, then row order.
    """
    rows = [r for r in rows or [] if isinstance(r, dict) and isinstance(r.get("score"), int)]
    ordered = sorted(enumerate(rows), key=lambda ir: (str(ir[1].get("date") or ""), ir[0]))
    latest: dict[str, int] = {}
    worker: int | None = None
    me = practitioner.strip().casefold()
    for _, row in ordered:
        who = str(row.get("who") or "").strip().casefold()
        latest[who] = row["score"]
        role = str(row.get("role") or "").strip().casefold()
        if role == PRACTITIONER_ROLE or (me and who == me):
            worker = row["score"]
    values = list(latest.values())
    return ScaleFacts(worker, min(values, default=None), max(values, default=None), len(values))
