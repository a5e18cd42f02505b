"""The rule language: bad [[rules]] are refused one line per problem; version 1's rules are data shipped beside it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sg_assess.cli import app
from sg_assess.errors import QuestionnaireError
from sg_assess.questionnaire.loader import load_file, parse_questionnaire
from sg_assess.questionnaire.shipped import pinned_data_path

REPO = Path(__file__).resolve().parents[1]
FIXTURE = (REPO / "tests" / "fixtures" / "contract-v2-fixture.toml").read_text(encoding="utf-8")
V1 = REPO / "questionnaires" / "safeguarding-assessment.toml"


def problems(rules: str) -> list[str]:
    try:
        parse_questionnaire((FIXTURE + "\n" + rules).encode(), "f.toml")
    except QuestionnaireError as exc:
        return exc.problems
    return []


def rule(when: str, **extra: str) -> str:
    lines = ['[[rules]]', 'id = "r1"', 'severity = "gap"', 'question = "past_harm"', 'message = "m"', f"when = {when}"]
    lines += [f"{k} = {v}" for k, v in extra.items()]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("text", "expected"), [
    (rule('{ answered = "nope" }'), "f.toml: rule 'r1': when.answered: 'nope' is not a question in this questionnaire"),
    (rule('{ fact = { name = "mood", at_most = 3 } }'), "when.fact: unknown fact 'mood'"),
    (rule('{ equal = { question = "outcome", value = "Other" } }'), "when: unknown operator 'equal'"),
    (rule('{ equals = { question = "outcome", value = "Closed" } }'), "'Closed' is not a possible answer of 'outcome'"),
    (rule('{ equals = { question = "past_harm", value = "x" } }'), "'past_harm' is a long_text question"),
    (rule('{ fact = { name = "worker_score", at_most = "4" } }'), "at_most needs a whole number, not '4'"),
    (rule('{ field = { name = "score", at_most = 1 } }'), "field conditions test a row"),
    (rule('{ field = { name = "scor", at_most = 1 } }', for_each='"safety_scale"'), "'scor' is not a field of a scale row"),
    (rule('{ field = { name = "who", at_most = 1 } }', for_each='"safety_scale"'), "at_most compares numbers; 'who' is a text field"),
    (rule('{ field = { name = "role", equals = "mum" } }', for_each='"safety_scale"'), "'mum' is not one of 'role''s ids"),
    (rule('{ days = { from = "past_harm", to = "assessment_date", more_than = 1 } }'), "'past_harm' is a long_text question"),
    (rule('{ answered = "past_harm", not = { answered = "analysis" } }'), "exactly one operator"),
    (rule('{ answered = "past_harm" }', for_each='"analysis"'), "'analysis' is a long_text question; this needs"),
    (rule('{ answered = "past_harm" }').replace('"gap"', '"serious"'), "severity must be gap or urgent, not 'serious'"),
    (rule('{ answered = "past_harm" }').replace('message = "m"', 'message = "{who} {secret}"'),
     "message: unknown placeholder {who}"),
    (rule('{ answered = "past_harm" }', principles='["kindness"]'), "unknown principle 'kindness'"),
    (rule('{ answered = "past_harm" }', colour='"red"'), "unknown key 'colour'"),
    (rule('{ answered = "past_harm" }') * 2, "rule 'r1': duplicate rule id"),
])
def test_a_bad_rule_is_one_line_naming_the_file_rule_and_problem(text: str, expected: str) -> None:
    found = problems(text)
    assert found and any(expected in line for line in found), found
    assert all(line.startswith("f.toml: rule ") and "\n" not in line for line in found)


def test_every_problem_is_reported_not_just_the_first() -> None:
    found = problems(rule('{ answered = "nope" }') + rule('{ fact = { name = "mood", known = true } }').replace("r1", "r2"))
    assert len(found) == 2


def test_a_good_rule_set_loads() -> None:
    assert problems(rule('{ all = [{ answered = "past_harm" }, { age_years = { at_least = 10 } }] }')) == []


def test_version_1_keeps_its_text_and_hash_and_gets_its_rules_from_the_shipped_file() -> None:
    q = load_file(V1)
    assert "[[rules]]" not in V1.read_text(encoding="utf-8")
    assert q.content_hash == hashlib.sha256(V1.read_text(encoding="utf-8-sig").encode()).hexdigest()
    assert q.rules_origin == str(pinned_data_path(q.id, q.version))
    assert {r.id for r in q.compiled_rules} >= {"worries_without_strengths", "score_zero_or_one", "next_step_incomplete"}


def test_quality_engine_names_no_question() -> None:
    source = (REPO / "src" / "sg_assess" / "quality.py").read_text(encoding="utf-8")
    for qid in ("past_harm", "danger_statements", "child_seen", "parents", "safety_scale", "next_steps"):
        assert f'"{qid}"' not in source


def test_questionnaires_check_reports_bad_rules(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(FIXTURE + "\n" + rule('{ answered = "nope" }'), encoding="utf-8")
    result = CliRunner().invoke(app, ["questionnaires", "check", str(bad)])
    assert result.exit_code == 1
    assert "rule 'r1': when.answered: 'nope' is not a question in this questionnaire" in result.output


def test_a_bad_chronology_entry_is_refused() -> None:
    found = problems('[[chronology]]\nkind = "x"\nwhen = { answered = "nope" }\nsummary = "{mood}"\n')
    assert any("chronology 1: summary {mood}: 'mood' is not a question" in line for line in found)
    assert any("chronology 1: when.answered: 'nope' is not a question" in line for line in found)


def test_supervision_names_no_question() -> None:
    source = (REPO / "src" / "sg_assess" / "store" / "supervision.py").read_text(encoding="utf-8")
    assert "referral_" not in source
