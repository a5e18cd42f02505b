"""Clearly fictional demonstration assessments, for trying sg-assess out, training and screenshots.

They are data files in ``demo_data/``, one assessment each, that a trainer can
edit without touching code: five on questionnaire version 1 (``v1-*.toml``,
``DEMO_FAMILIES``) and four on version 2, one for each age band from unborn to
adolescent (``v2-*.toml``, ``DEMO_FAMILIES_V2``).  ``tests/test_demo.py`` checks
that every answer in them fits its questionnaire.

Every child, adult, professional, service and place here is invented: people's
names carry the marker ``(fictional)`` and places are Anytown, Othertown and
the like.  Telephone numbers use 01632 960xxx, the UK range kept for drama.

Dates are never today's.  In the data, a value that is exactly ``"@+N"`` or
``"@-N"`` is the ISO date N days after (or before) the base date given to
``build_demo``, and ``{@+N}`` inside text becomes that date written out
("2 February 2026").  The default base date is a fixed day in 2026.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from sg_assess.paths import builtin_questionnaire_dir
from sg_assess.questionnaire.loader import DEFAULT_QUESTIONNAIRE, load_file
from sg_assess.questionnaire.schema import Question, Questionnaire
from sg_assess.store.repository import Store

DEFAULT_BASE_DATE = dt.date(2026, 2, 2)
DEMO_DATA_DIR = Path(__file__).with_name("demo_data")
V2_QUESTIONNAIRE_FILE = f"{DEFAULT_QUESTIONNAIRE}-v2.toml"
FICTIONAL_MARKER = "(fictional)"

GENERIC_TEXT = ("Discussed with the family during this assessment; nothing further to add at this stage. "
                "(Fictional demonstration answer.)")

_DATE_VALUE = re.compile(r"^@([+-]\d+)$")
_DATE_IN_TEXT = re.compile(r"\{@([+-]\d+)\}")

# ---------------------------------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------------------------------

def resolve_dates(value: Any, base: dt.date) -> Any:
    """``value`` with every ``"@+N"`` made an ISO date and every ``{@+N}`` in text written out, from ``base``."""
    if isinstance(value, str):
        if match := _DATE_VALUE.match(value):
            return (base + dt.timedelta(days=int(match[1]))).isoformat()
        return _DATE_IN_TEXT.sub(lambda m: _long_date(base + dt.timedelta(days=int(m[1]))), value)
    if isinstance(value, list):
        return [resolve_dates(item, base) for item in value]
    if isinstance(value, dict):
        return {key: resolve_dates(item, base) for key, item in value.items()}
    return value


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def generic_answer(question: Question, *, actor: str, on: dt.date) -> Any:
    """A plain, fictional answer of the right shape for a required question the data leaves empty."""
    kind = question.kind
    if kind in ("text", "long_text"):
        return GENERIC_TEXT
    if kind in ("yes_no", "date"):
        return "no" if kind == "yes_no" else on.isoformat()
    if kind in ("choice", "multi_choice"):
        first = (question.choices or [""])[0]
        return first if kind == "choice" else [first]
    later = (on + dt.timedelta(days=28)).isoformat()
    rows = {
        "people": {"name": "Alex Placeholder (fictional)", "relationship": "Parent", "involved": True},
        "scale": {"who": actor, "role": "Practitioner", "score": 5, "reason": GENERIC_TEXT, "date": on.isoformat()},
        "actions": {"what": "Review this assessment with the family.", "who": actor, "by_when": later,
                    "review_date": later, "done": False},
        "events": {"date": on.isoformat(), "event": GENERIC_TEXT, "source": actor, "impact": GENERIC_TEXT},
        "goals": {"danger": GENERIC_TEXT, "goal": GENERIC_TEXT, "how_long": "Six months"},
    }
    return [rows[kind]]


def fill_required(questionnaire: Questionnaire, band: str, answers: dict[str, Any], *,
                  actor: str, on: dt.date) -> dict[str, Any]:
    """``answers`` plus a generic answer for every required question that applies and has none.

    Repeats until nothing changes, since a filled-in answer can make another question apply.
    """
    filled = dict(answers)
    missing = True
    while missing:
        missing = [q for q in questionnaire.questions()
                   if q.required and q.id not in filled and questionnaire.is_shown(q, band, filled)]
        for question in missing:
            filled[question.id] = generic_answer(question, actor=actor, on=on)
    return filled


def _child_args(store: Store, family: dict[str, Any], base: dt.date, ids: dict[str, str]) -> dict[str, Any]:
    if "same_child_as" in family:
        return {"child_id": store.summary(ids[family["same_child_as"]]).child_id}
    if "due" in family:
        return {"child_name": family["child_name"], "unborn": True, "due": resolve_dates(family["due"], base)}
    return {"child_name": family["child_name"], "dob": resolve_dates(family["born"], base)}


class _WorkingDayClock:
    """Times as if each assessment were written on its own date: 09:00 UTC, two minutes per change."""

    def __init__(self) -> None:
        self.now = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

    def start(self, day: dt.date) -> None:
        self.now = dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=2)
        return self.now


def _build_one(store: Store, questionnaire: Questionnaire, family: dict[str, Any], base: dt.date,
               ids: dict[str, str], clock: _WorkingDayClock) -> str:
    on = dt.date.fromisoformat(resolve_dates(family["day"], base))
    clock.start(on)
    actor, role = family["practitioner"], family["role"]
    aid = store.create_assessment(questionnaire=questionnaire, actor=actor, role=role,
                                  assessment_date=on.isoformat(), **_child_args(store, family, base, ids))
    answers = resolve_dates(family["answers"], base)
    if family["complete"]:
        answers = fill_required(questionnaire, store.summary(aid).age_band, answers, actor=actor, on=on)
    for qid, value in answers.items():
        store.save_answer(aid, qid, value, actor=actor, role=role)
    return aid


def build_demo(store: Store, questionnaire: Questionnaire, *, base_date: dt.date | None = None,
               families: list[dict[str, Any]] | None = None) -> list[str]:
    """Create the demonstration assessments in ``store`` (default: the five version-1 ones in
    ``DEMO_FAMILIES``); return their ids in the order given."""
    base = base_date or DEFAULT_BASE_DATE
    ids: dict[str, str] = {}
    clock, saved_clock = _WorkingDayClock(), store.clock
    store.clock = clock  # the records read as written on their assessment dates, not today
    try:
        for family in DEMO_FAMILIES if families is None else families:
            ids[family["key"]] = _build_one(store, questionnaire, family, base, ids, clock)
    finally:
        store.clock = saved_clock
    return list(ids.values())


def load_demo_families(folder: Path = DEMO_DATA_DIR, pattern: str = "*.toml") -> list[dict[str, Any]]:
    """The demo assessments in the data files ``pattern`` in ``folder``, in file-name order.

    Each file holds ``key``, ``child_name``, ``born`` or ``due`` (or ``same_child_as``: the key of an earlier
    one), ``day``, ``practitioner``, ``role``, optionally ``complete`` (true: every required question left
    empty is filled with a plain fictional answer) and a table of ``answers`` by question id.
    """
    families = []
    for path in sorted(folder.glob(pattern)):
        family = tomllib.loads(path.read_text(encoding="utf-8"))
        family.setdefault("complete", False)
        families.append(family)
    return families


DEMO_FAMILIES: list[dict[str, Any]] = load_demo_families(pattern="v1-*.toml")
DEMO_FAMILIES_V2: list[dict[str, Any]] = load_demo_families(pattern="v2-*.toml")


def build_demo_v2(store: Store, questionnaire: Questionnaire, *, base_date: dt.date | None = None) -> list[str]:
    """Create the four version-2 demonstration assessments (unborn, toddler, school age, adolescent)."""
    return build_demo(store, questionnaire, base_date=base_date, families=DEMO_FAMILIES_V2)


def ensure_demo_db(path: Path) -> tuple[list[str], bool]:
    """Open the demo database at ``path``, building it first if it does not exist yet.

    Returns the assessment ids and whether anything was created.  The demo is
    built in a temporary file and moved into place when complete, so an
    interrupted build never leaves a half-made demo to be reused, and it always
    uses the shipped questionnaires (an organisation's own may ask other questions):
    version 1 for the first five, version 2 for the four after them.
    """
    if not path.exists():
        questionnaire = load_file(builtin_questionnaire_dir() / f"{DEFAULT_QUESTIONNAIRE}.toml")
        questionnaire_v2 = load_file(builtin_questionnaire_dir() / V2_QUESTIONNAIRE_FILE)
        building = path.with_name(f".{path.name}.building")
        for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
            leftover.unlink(missing_ok=True)
        with Store.open(building) as store:
            build_demo(store, questionnaire)
            build_demo_v2(store, questionnaire_v2)
        os.replace(building, path)
        created = True
    else:
        created = False
    with Store.open(path) as store:
        return list(store.iter_ids()), created
