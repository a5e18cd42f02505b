"""Version 2's quality rules (the block at the end of questionnaires/safeguarding-assessment-v2.toml),
each fired and each kept quiet.

The rules run against tests/fixtures/contract-v2-fixture.toml, a small
questionnaire with the ids and kinds of the contract between the two
engineers on issue 10, with the real version-2 file's rules block (from its
first ``[[rules]]`` to its end: rules, chronology entries and sign-off) appended.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from sg_assess import quality
from sg_assess.questionnaire import scale
from sg_assess.questionnaire.loader import parse_questionnaire
from sg_assess.questionnaire.schema import Questionnaire, age_band
from sg_assess.records import AssessmentRecord, AssessmentSummary, ChildRecord
from sg_assess.store.repository import Store

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "contract-v2-fixture.toml"
V2 = REPO / "questionnaires" / "safeguarding-assessment-v2.toml"
ON = "2026-03-02"


def v2_questionnaire() -> Questionnaire:
    text = V2.read_bytes()
    rules = text[text.index(b"\n[[rules]]\n"):]  # the rules block the questionnaire ends with
    return parse_questionnaire(FIXTURE.read_bytes() + b"\n" + rules, "fixture + v2 rules")


Q = v2_questionnaire()
WORKER = {"who": "Sam Worker", "role": "practitioner", "score": 6, "reason": "r", "date": ON}
CHILD = {"who": "Ada", "role": "child", "score": 7, "reason": "r", "date": ON}


def record(answers: dict[str, Any], *, dob: str | None = "2019-01-15", previous: int | None = None,
           practitioner: str = "Sam Worker") -> AssessmentRecord:
    band = age_band(None if dob is None else __import__("datetime").date.fromisoformat(dob),
                    __import__("datetime").date.fromisoformat(ON), unborn=dob is None)
    summary = AssessmentSummary("a" * 36, "c" * 36, "Ada", band, "draft", ON, practitioner, ON, ON, 0, 0, None,
                                Q.id, Q.version)
    return AssessmentRecord(summary, ChildRecord("c" * 36, "Ada", dob, None if dob else "2026-06-01"), Q, "h",
                            answers, previous_worker_score=previous)


def fired(answers: dict[str, Any], **kw: Any) -> set[str]:
    return {g.rule_id for g in quality.check(record(answers, **kw)) if g.rule_id}


def step(**kw: Any) -> dict[str, Any]:
    return {"what": "Visit", "who": "SW", "owner_role": "professional", "by_when": "2026-03-10",
            "review_date": "2026-03-20", **kw}


# rule id -> (answers that fire it, answers that do not, keyword arguments for both)
CASES: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = {
    "worries_without_strengths": ({"past_harm": "x"}, {"past_harm": "x", "existing_safety": "y"}, {}),
    "strengths_without_worries": ({"existing_strengths": "x"}, {"existing_strengths": "x", "danger_statements": "y"}, {}),
    "child_not_seen": ({"child_seen": "no"}, {"child_seen": "yes"}, {}),
    "not_seen_alone_no_reason": ({"child_seen": "yes", "child_seen_alone": "no"},
                                 {"child_seen": "yes", "child_seen_alone": "no", "not_seen_alone_reason": "r"}, {}),
    "child_not_told": ({"child_told_outcome": "no"}, {"child_told_outcome": "yes"}, {}),
    "parents_missing": ({"parents": [{"name": "M", "carer_role": "mother"}]},
                        {"parents": [{"name": "M"}, {"name": "F"}]}, {}),
    "parent_not_involved_no_reason": ({"parents": [{"name": "F", "involved": False}]},
                                      {"parents": [{"name": "F", "involved": False, "reason_not_involved": "r"}]}, {}),
    "score_without_reason": ({"safety_scale": [{**WORKER, "reason": ""}]}, {"safety_scale": [WORKER]}, {}),
    "next_step_incomplete": ({"next_steps": [{"what": "Visit"}]}, {"next_steps": [step()]}, {}),
    "worker_score_missing": ({"safety_scale": [CHILD]}, {"safety_scale": [WORKER]}, {}),
    "child_has_no_score": ({"safety_scale": [WORKER]}, {"safety_scale": [WORKER, CHILD]}, {}),
    "spread_not_explained": ({"safety_scale": [{**WORKER, "score": 3}, CHILD]},
                             {"safety_scale": [{**WORKER, "score": 3}, CHILD], "scale_comment": "why"}, {}),
    "fall_not_explained": ({"safety_scale": [WORKER]}, {"safety_scale": [WORKER], "scale_comment": "why"},
                           {"previous": 8}),
    "low_score_not_escalated": ({"safety_scale": [{**WORKER, "score": 1}]},
                                {"safety_scale": [{**WORKER, "score": 1}], "escalation_record": "Called the duty manager"},
                                {}),
    "no_father_recorded": ({"parents": [{"name": "M", "carer_role": "mother"}, {"name": "P", "carer_role": "female_carer"}]},
                           {"parents": [{"name": "M", "carer_role": "mother"}, {"name": "F", "carer_role": "father"}]},
                           {}),
    "child_seen_too_long_ago": ({"child_seen": "yes", "child_seen_date": "2026-02-01"},
                                {"child_seen": "yes", "child_seen_date": "2026-02-02"}, {}),
    "child_seen_after_assessment": ({"child_seen": "yes", "child_seen_date": "2026-03-03"},
                                    {"child_seen": "yes", "child_seen_date": ON}, {}),
    "closing_despite_harm": ({"outcome": "No further action", "safety_scale": [{**WORKER, "score": 4}]},
                             {"outcome": "No further action", "safety_scale": [{**WORKER, "score": 5}]}, {}),
    "protection_outcome_no_advocacy": ({"outcome": "Initial child protection conference", "advocacy_offered": "no"},
                                       {"outcome": "Initial child protection conference", "advocacy_offered": "yes"},
                                       {}),
    "review_before_by_when": ({"next_steps": [step(review_date="2026-03-09")]},
                              {"next_steps": [step(review_date="2026-03-10")]}, {}),
    "by_when_in_the_past": ({"next_steps": [step(by_when="2026-03-01", review_date="2026-03-20")]},
                            {"next_steps": [step(by_when=ON)]}, {}),
    "no_professional_step": ({"next_steps": [step(owner_role="parent_carer")]},
                             {"next_steps": [step(owner_role="parent_carer"), step()]}, {}),
    "done_without_date": ({"next_steps": [step(done=True)]}, {"next_steps": [step(done=True, done_date=ON)]}, {}),
    "shared_without_consent": ({"consent_given": "No", "consent_override": "no", "information_shared": "To school"},
                               {"consent_given": "No", "consent_override": "yes", "information_shared": "To school"},
                               {}),
    "interpreter_not_reflected": ({"interpreter_needed": "yes"}, {"interpreter_needed": "yes", "interpreter_used": "yes"},
                                  {}),
    "outside_family_empty": ({}, {"online_harm": "Talks to adults on a game"}, {"dob": "2015-06-01"}),
}


def test_every_v2_rule_has_a_case() -> None:
    assert {r.id for r in Q.compiled_rules} == set(CASES)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires(rule_id: str) -> None:
    fires, _, kw = CASES[rule_id]
    assert rule_id in fired(fires, **kw)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_does_not_fire(rule_id: str) -> None:
    _, quiet, kw = CASES[rule_id]
    assert rule_id not in fired(quiet, **kw)


def test_second_cases_of_rules_with_two_triggers() -> None:
    # outcome closes with past harm recorded (no score at all)
    assert "closing_despite_harm" in fired({"outcome": "Universal services", "past_harm": "Hit with a belt"})
    assert "closing_despite_harm" not in fired({"outcome": "Early help (family help)", "past_harm": "x"})
    # no fall: the score rose, or there is no previous assessment
    assert "fall_not_explained" not in fired({"safety_scale": [WORKER]}, previous=5)
    assert "fall_not_explained" not in fired({"safety_scale": [WORKER]})
    # advocacy before birth is the parents' (the question does not apply), and a child under 5 needs no score
    assert "protection_outcome_no_advocacy" not in fired({"outcome": "Pre-birth conference"}, dob=None)
    assert "child_has_no_score" not in fired({"safety_scale": [WORKER]}, dob="2023-01-01")
    assert "outside_family_empty" not in fired({}, dob="2019-01-15")  # a 7-year-old
    assert "no_father_recorded" not in fired({"parents": [{"name": "M", "carer_role": "mother"}],
                                              "no_father_reason": "Father unknown; mother declines to say"})
    # one parent with the reason no father is recorded is complete (v1's "both parents" check would flag it)
    alone = {"parents": [{"name": "M", "carer_role": "mother"}], "no_father_reason": "Father unknown"}
    assert "parents_missing" not in fired(alone)
    assert "parents_missing" in fired({"no_father_reason": "Father unknown"})  # nobody recorded at all
    # a step done before the assessment date is not out of date
    assert "by_when_in_the_past" not in fired({"next_steps": [step(by_when="2026-02-01", done=True, done_date="2026-02-01")]})


def test_messages_fill_placeholders_as_plain_text() -> None:
    gaps = quality.check(record({"safety_scale": [{**WORKER, "who": "Dad [b]x[/b]\x1b[31m", "score": 0}]}))
    urgent = [g for g in gaps if g.rule_id == "low_score_not_escalated"]
    assert urgent[0].kind == "urgent" and urgent[0].message.startswith("Dad [b]x[/b][31m scored 0:")
    assert urgent[0].question_id == "escalation_record" and "vigilance" in urgent[0].principles
    spread = next(g for g in quality.check(record({"safety_scale": [{**WORKER, "score": 2}, CHILD]}))
                  if g.rule_id == "spread_not_explained")
    assert "2-7" in spread.message


def test_scale_summary_is_the_practitioners_own_latest_score_with_the_range() -> None:
    rows = [{**WORKER, "score": 4, "date": "2026-03-01"}, {"who": "Mum", "role": "parent_carer", "score": 9,
                                                            "date": "2026-03-02"}, CHILD]
    s = scale.scale_summary(rows)
    assert (s.worker_score, s.score_range) == (4, "4-9")  # not Mum's 9, though hers is dated last
    assert s.headline() == "practitioner 4 (range 4-9)"


def test_version_1_free_text_roles_give_a_worker_score_only_when_unambiguous() -> None:
    assert scale.scale_summary([{"who": "Ash", "role": "Social worker", "score": 3}]).worker_score == 3
    assert scale.scale_summary([{"who": "Sam Worker", "role": "Family support worker (lead)", "score": 5}],
                                 "Sam Worker").worker_score == 5  # the assessment's own practitioner
    vague = scale.scale_summary([{"who": "Jo", "role": "Family support worker", "score": 5}], "Sam Worker")
    assert vague.worker_score is None and vague.headline() == "no score is marked as the practitioner's (range 5-5)"
    two = scale.scale_summary([{"who": "Ash", "role": "Social worker", "score": 3},
                                 {"who": "Bo", "role": "social worker", "score": 6}])
    assert two.worker_score is None and "more than one" in two.note


def test_the_fall_comes_from_the_childs_previous_assessment_in_the_store(store: Store, questionnaire) -> None:
    first = store.create_assessment(questionnaire=questionnaire, actor="Sam Worker", child_name="Ada",
                                    dob="2019-01-15", assessment_date="2026-01-02")
    store.save_answer(first, "safety_scale", [{"who": "Sam Worker", "role": "practitioner", "score": 8}], actor="Sam Worker")
    child = store.summary(first).child_id
    second = store.create_assessment(questionnaire=questionnaire, actor="Sam Worker", child_id=child,
                                     assessment_date="2026-03-02")
    store.save_answer(second, "safety_scale", [{"who": "Sam Worker", "role": "practitioner", "score": 5}],
                      actor="Sam Worker")
    rec = store.get(second)
    assert rec.previous_worker_score == 8 and store.get(first).previous_worker_score is None
    assert quality.facts(dataclasses.replace(rec, questionnaire=Q))["score_fall"] == 3


def test_chronology_entries_of_version_2_become_events() -> None:
    from sg_assess.store.supervision import _entry_events

    rec = record({"concern_received_date": "2026-02-20", "concern_source": "School", "outcome": "Early help (family help)"})
    got = [(e.date, e.kind, e.summary) for e in _entry_events(rec)]
    assert got == [("2026-02-20", "concern", "Concern received from School"),
                   (ON, "decision", "Decision: Early help (family help) (significant harm: not recorded)")]
    assert _entry_events(record({})) == []


def test_events_and_goals_rows_are_checked_and_exported() -> None:
    from sg_assess.errors import ValidationError
    from sg_assess.export.markdown import render_answer
    from sg_assess.questionnaire.values import normalize, parse_input

    events, goals = Q.question("significant_events"), Q.question("safety_goals")
    rows = normalize(events, parse_input(events, '[{"date": "2026-01-05", "event": "Police called", "source": "Police"}]'))
    assert rows == [{"date": "2026-01-05", "event": "Police called", "source": "Police", "impact": ""}]
    with pytest.raises(ValidationError, match="row 1 date '5 Jan' is not a real date"):
        normalize(events, [{"date": "5 Jan", "event": "x"}])
    with pytest.raises(ValidationError, match="row 1 needs a goal"):
        normalize(goals, [{"danger": "Dad hits"}])
    with pytest.raises(ValidationError, match="unknown field 'colour'"):
        normalize(goals, [{"goal": "g", "colour": "red"}])
    table = render_answer(goals, normalize(goals, [{"danger": "Belt", "goal": "No hitting", "how_long": "6 months"}]))
    assert table.splitlines()[0] == "| Danger it answers | What must be shown | For how long |"
    with pytest.raises(ValidationError, match="carer_role 'uncle' is not one of"):
        normalize(Q.question("parents"), [{"name": "Tom", "carer_role": "uncle"}])
