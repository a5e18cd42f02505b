"""The small shared ways of writing counts, times and JSON (sg_assess.words, sg_assess.statuses)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from sg_assess.statuses import DECISIONS, STATUS_WORDS, STATUSES
from sg_assess.words import compact_json, counted, day, minute, readable_json


def test_a_count_takes_the_plural_except_for_one() -> None:
    assert counted(1, "gap") == "1 gap"
    assert counted(0, "gap") == "0 gaps"
    assert counted(3, "gap") == "3 gaps"
    assert counted(2, "entry", "entries") == "2 entries"
    assert counted(1, "entry", "entries") == "1 entry"


def test_timestamps_are_cut_to_the_minute_or_the_day() -> None:
    assert minute("2026-12-01T10:09:31.512+00:00") == "2026-12-01 10:09"
    assert day("2026-12-01T10:09:31") == "2026-12-01"
    assert day("2026-12-01") == "2026-12-01"
    assert minute(None) == "" and day(None) == "" and day("") == ""


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda kids: st.lists(kids) | st.dictionaries(st.text(), kids), max_leaves=10))
def test_both_json_spellings_mean_the_same_value(value: object) -> None:
    assert json.loads(compact_json(value)) == value
    assert json.loads(readable_json(value)) == value
    assert readable_json(value).endswith("\n")


def test_compact_json_is_one_text_per_value_and_keeps_text_as_typed() -> None:
    assert compact_json({"b": 1, "a": "Zoë"}) == '{"a":"Zoë","b":1}'
    assert compact_json({"a": 1, "b": 2}) == compact_json({"b": 2, "a": 1})


def test_readable_json_escapes_what_a_terminal_would_act_on() -> None:
    text = readable_json({"note": "a\u202eb\x9bc"})
    assert "\u202e" not in text and "\x9b" not in text
    assert json.loads(text) == {"note": "a\u202eb\x9bc"}


def test_every_status_has_words_and_decisions_are_statuses() -> None:
    assert set(STATUSES) == set(STATUS_WORDS)
    assert set(DECISIONS) <= set(STATUSES)
