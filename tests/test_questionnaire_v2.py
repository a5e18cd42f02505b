"""Questionnaire version 2: the ids the rules rely on, traceable principles, age-right and plain wording."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sg_assess.questionnaire.loader import discover, load_file, parse_questionnaire
from sg_assess.questionnaire.principles import all_principles
from sg_assess.questionnaire.schema import AGE_BANDS, Questionnaire

REPO = Path(__file__).resolve().parents[1]
V2 = REPO / "questionnaires" / "safeguarding-assessment-v2.toml"
OLDER = ("10-14", "15-17")


@pytest.fixture(scope="module")
def v2() -> Questionnaire:
    return load_file(V2)


# The question ids and kinds the version-2 rules use (the issue-10 contract); "*" = required.
CONTRACT = {
    "assessment_reason": "long_text*", "concern_source": "text*", "concern_received_date": "date*",
    "assessment_start_date": "date*", "analysis": "long_text*", "not_known": "long_text*",
    "significant_harm": "choice*", "significant_harm_reasons": "long_text*", "outcome": "choice*",
    "outcome_other": "text*", "outcome_reasons": "long_text*", "parents_told_decision": "yes_no*",
    "parents_views_decision": "long_text", "child_told_outcome": "yes_no*", "child_told_by": "text",
    "child_views_decision": "long_text",
    "sex": "choice", "gender": "text", "parental_responsibility": "long_text*", "legal_status": "multi_choice",
    "interpreter_needed": "yes_no*", "interpreter_language": "text*", "interpreter_used": "yes_no*",
    "interpreter_notes": "long_text", "education_setting": "text",
    "child_seen": "yes_no*", "child_seen_date": "date*", "child_seen_alone": "yes_no*",
    "not_seen_alone_reason": "long_text*", "advocacy_offered": "yes_no*", "advocacy_details": "long_text",
    "parents": "people*", "no_father_reason": "long_text",
    "missing_episodes": "long_text", "return_home_interviews": "long_text", "exploitation_indicators": "long_text",
    "nrm_referral": "long_text", "peers_places": "long_text", "harmful_sexual_behaviour": "long_text",
    "radicalisation": "long_text", "online_harm": "long_text",
    "past_harm": "long_text", "danger_statements": "long_text*", "complicating_factors": "multi_choice",
    "significant_events": "events", "existing_strengths": "long_text*", "existing_safety": "long_text*",
    "consent_asked": "yes_no*", "consent_given": "choice*", "consent_override": "yes_no*",
    "consent_override_reason": "long_text*", "information_shared": "long_text",
    "safety_scale": "scale*", "scale_comment": "long_text", "escalation_record": "long_text",
    "safety_goals": "goals*", "safety_plan": "long_text*", "contingency_plan": "long_text*", "next_steps": "actions*",
}


def test_new_assessments_get_version_2() -> None:
    q = discover().get()
    assert (q.id, q.version, Path(q.origin).name) == ("safeguarding-assessment", 2, V2.name)


@pytest.mark.parametrize("qid", sorted(CONTRACT))
def test_the_ids_the_rules_use_have_the_agreed_kind(v2: Questionnaire, qid: str) -> None:
    question = v2.question(qid)
    assert question is not None, qid
    assert question.kind + ("*" if question.required else "") == CONTRACT[qid]


def test_the_decision_comes_first_with_the_agreed_choices(v2: Questionnaire) -> None:
    assert v2.sections[0].id == "decision"
    assert v2.section_of("assessment_reason").id == v2.section_of("outcome").id == "decision"
    assert v2.question("significant_harm").choices == [
        "Suffering significant harm", "Likely to suffer significant harm",
        "Not suffering or likely to suffer significant harm", "Not yet known: enquiries continue"]
    assert v2.question("outcome").choices == [
        "No further action", "Universal services", "Early help (family help)", "Child in need plan (section 17)",
        "Strategy discussion / section 47 enquiry", "Initial child protection conference", "Pre-birth conference",
        "Other"]
    assert v2.question("consent_given").choices == ["Yes, fully", "Yes, in part", "No"]
    assert v2.question("outcome_other").show_if.model_dump() == {"question": "outcome", "equals": "Other"}
    assert v2.question("interpreter_used").show_if.model_dump() == {"question": "interpreter_needed", "equals": "yes"}
    ids = [s.id for s in v2.sections]
    assert ids.index("worries") < ids.index("working_well") < ids.index("judgement") < ids.index("next_steps")


def test_who_is_asked_what_by_age(v2: Questionnaire) -> None:
    assert v2.question("child_told_outcome").ages == ["3-4", "5-9", "10-14", "15-17"]
    assert "unborn" not in v2.question("advocacy_offered").ages
    assert v2.question("radicalisation").ages == list(OLDER)
    assert v2.question("online_harm").ages == ["5-9", *OLDER]
    outside = next(s for s in v2.sections if s.id == "outside_family")
    for band in AGE_BANDS:
        shown = [q.id for q in outside.questions if v2.is_shown(q, band, {})]
        assert bool(shown) == (band in ("5-9", *OLDER)), band
        if band in OLDER:
            assert {"missing_episodes", "exploitation_indicators", "nrm_referral", "peers_places"} <= set(shown)


# -- principles stay traceable ------------------------------------------------------------


def served_by(q: Questionnaire) -> dict[str, list[str]]:
    """principle or need id -> the question ids (and rule ids, once the file has rules) that serve it."""
    served: dict[str, list[str]] = {}
    for question in q.questions():
        for pid in question.principles:
            served.setdefault(pid, []).append(question.id)
    for rule in getattr(q, "rules", None) or []:
        pids = rule.get("principles") or [rule.get("principle")]
        for pid in pids if isinstance(pids, list) else [pids]:
            if pid:
                served.setdefault(pid, []).append(f"rule {rule.get('id', '?')}")
    return served


def test_every_principle_and_need_is_served_by_version_2(v2: Questionnaire) -> None:
    served = served_by(v2)
    unserved = [pid for pid in all_principles() if not served.get(pid)]
    assert unserved == [], f"no question or rule of version 2 serves {unserved}"


def test_the_traceability_check_fires_when_a_principle_is_dropped() -> None:
    text = V2.read_text(encoding="utf-8")
    dropped = re.sub(r'"advocacy",? ?', "", text).replace(", ]", "]")
    q = parse_questionnaire(dropped.encode("utf-8"), "advocacy dropped")
    assert "advocacy" not in served_by(q)
    assert [pid for pid in all_principles() if not served_by(q).get(pid)] == ["advocacy"]


def test_every_question_names_what_it_serves_and_has_help(v2: Questionnaire) -> None:
    for question in v2.questions():
        assert question.principles, question.id
        assert len(question.help) >= 40, question.id


@pytest.mark.parametrize(("need", "qid", "words"), [
    ("stability", "worker_changes", "workers"),
    ("stability", "pc_stability", "stable"),
    ("support", "child_support", "support"),
    ("support", "family_support", "support"),
    ("support", "young_carer_details", "support"),
    ("advocacy", "advocacy_offered", "offered an advocate"),
])
def test_stability_support_and_advocacy_have_real_prompts(v2: Questionnaire, need: str, qid: str, words: str) -> None:
    question = v2.question(qid)
    assert question is not None and need in question.principles
    assert words in question.prompt


# -- wording ------------------------------------------------------------------------------


def wording_problems(q: Questionnaire) -> list[str]:
    """Age-right, plain and non-blaming wording (practice-model.md), one line per problem."""
    problems = []
    for question in q.questions():
        bands = question.ages or list(AGE_BANDS)
        text = f"{question.prompt} {question.help}"
        if "0-2" in bands and re.search(r"\bthe baby\b(?!'s or toddler| or toddler)", question.prompt):
            problems.append(f"{question.id}: 'the baby' for a child who may be 2")
        if set(bands) & set(OLDER) and re.search(r"house of (worries|good things|dreams)", question.prompt, re.I):
            problems.append(f"{question.id}: the three houses for a young person")
        if question.ages and set(question.ages) <= set(OLDER) and re.search(r"\bthe child\b", question.prompt):
            problems.append(f"{question.id}: 'the child' for a young person of 10 or more")
        if re.search(r"\bmisuse\b", text, re.I):
            problems.append(f"{question.id}: 'misuse' (say 'substance use')")
        if re.search(r"risk[- ]taking", text, re.I):
            problems.append(f"{question.id}: 'risk-taking'")
        for choice in question.choices or []:
            if re.search(r"\bmisuse\b", choice, re.I):
                problems.append(f"{question.id}: 'misuse' in a choice")
    return problems


def test_version_2_wording_is_age_right_and_plain(v2: Questionnaire) -> None:
    assert wording_problems(v2) == []


def test_the_wording_check_fires_on_version_1() -> None:
    v1 = discover().get("safeguarding-assessment@1")
    found = wording_problems(v1)
    assert any("the baby" in p for p in found)
    assert any("three houses" in p for p in found)
    assert any("misuse" in p for p in found)
    assert any("risk-taking" in p for p in found)


def test_the_wording_check_fires_on_the_child_for_a_young_person() -> None:
    text = V2.read_text(encoding="utf-8").replace(
        'prompt = "What worries the young person, in their own words?"',
        'prompt = "What worries the child, in their own words?"')
    q = parse_questionnaire(text.encode("utf-8"), "reworded")
    assert wording_problems(q) == ["yp_worries: 'the child' for a young person of 10 or more"]


def test_three_houses_are_optional_at_3_4_and_asked_at_5_9(v2: Questionnaire) -> None:
    houses = [q for q in v2.questions() if "house of" in q.prompt]
    assert houses
    assert all(not (q.required and "3-4" in (q.ages or AGE_BANDS)) for q in houses)
    at_5_9 = [q for q in houses if "5-9" in (q.ages or AGE_BANDS)]
    assert len(at_5_9) == 3 and all(q.required for q in at_5_9)
    for band in OLDER:
        own_terms = [q for q in v2.questions() if q.ages and band in q.ages and q.id.startswith("yp_")]
        assert len(own_terms) == 3 and all(q.required for q in own_terms)


def test_never_question_a_child_again_after_a_disclosure(v2: Questionnaire) -> None:
    voice = v2.section_of_id("childs_voice")
    assert "do not question them again" in voice.guidance.replace("\n", " ")
    assert "do not question" in v2.question("disclosure_made").help
    assert v2.question("disclosure_record").show_if.equals == "yes"


def test_parenting_is_about_each_carer(v2: Questionnaire) -> None:
    parenting = v2.section_of_id("parenting")
    assert all("each parent or carer" in q.prompt for q in parenting.questions if q.id != "pc_stability")
    for factor in ("domestic_abuse", "mental_health", "substance_use", "learning_disability"):
        impact = v2.question(f"{factor}_impact")
        assert impact is not None and "services" in impact.prompt + impact.help, factor
