"""Gated decisions: submit refuses missing answers and urgent gaps without a reason; sign-off refuses urgent gaps
(no override) and must name the outcome it agrees with; the reason and the accepted gaps reach the history and export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sg_assess.cli import app
from sg_assess.errors import SignOffRefused, SubmitRefused
from sg_assess.export.markdown import render_markdown
from sg_assess.questionnaire.loader import parse_questionnaire
from sg_assess.store.repository import Store

PAT = {"actor": "Pat Practitioner", "role": "practitioner"}
SUE = {"actor": "Sue Supervisor", "role": "supervisor"}
TINY = b'''
id = "tiny-gated"
title = "Tiny"
version = 2

[[sections]]
id = "decision"
title = "Decision"
guidance = "g"

[[sections.questions]]
id = "analysis"
prompt = "What is your analysis?"
help = "h"
kind = "long_text"
required = true

[[sections.questions]]
id = "outcome"
prompt = "Outcome"
help = "h"
kind = "choice"
choices = ["No further action", "Child in need plan (section 17)", "Initial child protection conference"]

[[sections.questions]]
id = "safety_scale"
prompt = "Scale"
help = "h"
kind = "scale"

[[rules]]
id = "zero_or_one"
severity = "urgent"
question = "safety_scale"
for_each = "safety_scale"
message = "{who} scored {score}"
when = { field = { name = "score", at_most = 1 } }

[sign_off]
outcome_question = "outcome"
'''
Q = parse_questionnaire(TINY, "tiny.toml")


def new(store: Store, **answers) -> str:
    aid = store.create_assessment(questionnaire=Q, child_name="Ada", dob="2019-01-15", assessment_date="2026-03-02", **PAT)
    for qid, value in answers.items():
        store.save_answer(aid, qid, value, **PAT)
    return aid


def test_submit_refuses_a_missing_required_answer_without_a_reason(store: Store) -> None:
    aid = new(store)
    with pytest.raises(SubmitRefused, match="1 required answer missing") as exc:
        store.submit(aid, **PAT)
    assert [g.question_id for g in exc.value.gaps] == ["analysis"]
    assert store.summary(aid).status == "draft"


def test_submit_refuses_an_urgent_gap_and_accepts_a_reason_kept_in_history_and_export(store: Store) -> None:
    aid = new(store, analysis="Worried", safety_scale=[{"who": "Mum", "score": 1}])
    with pytest.raises(SubmitRefused, match="1 urgent gap open \\(Mum scored 1\\)"):
        store.submit(aid, **PAT)
    with pytest.raises(SubmitRefused):
        store.submit(aid, reason="   ", **PAT)  # a blank reason is no reason
    store.submit(aid, reason="Conference tomorrow; the manager must see it tonight", **PAT)
    record = store.get(aid)
    event = next(h for h in record.history if h.kind == "submitted")
    assert event.after["reason"].startswith("Conference tomorrow")
    assert event.after["accepted"] == [{"kind": "urgent", "question": "safety_scale", "rule": "zero_or_one",
                                        "message": "Mum scored 1"}]
    md = render_markdown(record)
    assert "## Submitted with gaps accepted" in md and "Conference tomorrow" in md and "- Urgent: Mum scored 1" in md


def test_submit_needs_no_reason_when_nothing_blocks(store: Store) -> None:
    aid = new(store, analysis="Worried", safety_scale=[{"who": "Mum", "score": 5}])
    store.submit(aid, **PAT)
    event = next(h for h in store.get(aid).history if h.kind == "submitted")
    assert event.after is None and store.summary(aid).status == "submitted"


def test_sign_off_refuses_an_urgent_gap_even_with_a_reason(store: Store) -> None:
    aid = new(store, analysis="a", outcome="No further action", safety_scale=[{"who": "Mum", "score": 0}])
    store.submit(aid, reason="Going now", **PAT)
    with pytest.raises(SignOffRefused, match="cannot be signed off; return it") as exc:
        store.sign_off(aid, score=5, reason="Fine", outcome="No further action", **SUE)
    assert exc.value.gaps[0].kind == "urgent" and store.summary(aid).status == "submitted"


def test_sign_off_must_name_the_recorded_outcome(store: Store) -> None:
    aid = new(store, analysis="a", outcome="Child in need plan (section 17)", safety_scale=[{"who": "Mum", "score": 5}])
    store.submit(aid, **PAT)
    with pytest.raises(SignOffRefused, match="name the outcome you agree with \\(recorded: Child in need"):
        store.sign_off(aid, score=5, reason="Plan holding", **SUE)
    with pytest.raises(SignOffRefused, match="is 'Child in need plan \\(section 17\\)', not 'No further action'"):
        store.sign_off(aid, score=5, reason="Plan holding", outcome="No further action", **SUE)
    declaration = store.sign_off(aid, score=5, reason="Plan holding", outcome="child in need", **SUE)  # first words
    assert "I agree with the outcome: Child in need plan (section 17)." in declaration


def test_sign_off_refuses_when_no_outcome_is_recorded(store: Store) -> None:
    aid = new(store, analysis="a", safety_scale=[{"who": "Mum", "score": 5}])
    store.submit(aid, **PAT)
    with pytest.raises(SignOffRefused, match="records no outcome"):
        store.sign_off(aid, score=5, reason="r", outcome="Early help", **SUE)


def test_sign_off_refusal_is_one_rule_phrased_for_the_cli_or_the_app(store: Store) -> None:
    """The checks that do not depend on the sign-off form: the store's and the review screen's (before the form)."""
    from sg_assess import quality
    from sg_assess.store.supervision import sign_off_refusal

    def refusal(aid: str, how: str) -> Any:
        record = store.get(aid, with_history=False)
        return sign_off_refusal(record, quality.urgent(quality.check(record)), return_how=how)

    urgent = new(store, analysis="a", outcome="No further action", safety_scale=[{"who": "Mum", "score": 0}])
    unrecorded = new(store, analysis="a", safety_scale=[{"who": "Mum", "score": 5}])
    fine = new(store, analysis="a", outcome="No further action", safety_scale=[{"who": "Mum", "score": 5}])
    found = refusal(urgent, "F6 returns it")
    assert isinstance(found, SignOffRefused) and found.gaps[0].kind == "urgent"
    assert str(found).endswith("1 urgent gap open (Mum scored 0), so it cannot be signed off; return it to the "
                               "practitioner (F6 returns it)")
    assert str(refusal(unrecorded, "F6 returns it")).endswith("records no outcome, so there is nothing to agree "
                                                               "with; return it to the practitioner (F6 returns it)")
    assert refusal(fine, "F6 returns it") is None
    for aid in (urgent, unrecorded):  # the store says the same, with the CLI's command
        store.submit(aid, reason="Going now", **PAT)
        with pytest.raises(SignOffRefused, match=f"return it to the practitioner \\(sg-assess review return {aid[:8]} "
                                                 "--comment TEXT\\)$"):
            store.sign_off(aid, score=5, reason="r", outcome="No further action", **SUE)


def test_version_1_sign_off_names_the_outcome_in_words(store: Store, assessment: str) -> None:
    store.submit(assessment, reason="Sent early", actor="Test Worker", role="practitioner")
    with pytest.raises(SignOffRefused, match="name the outcome"):
        store.sign_off(assessment, score=6, reason="r", **SUE)
    assert "I agree with the outcome: Early help." in store.sign_off(assessment, score=6, reason="r",
                                                                     outcome="Early help", **SUE)


def cli(db: Path, who: dict[str, str], *args: str, code: int = 0):
    result = CliRunner().invoke(app, ["--db", str(db), "--as", who["actor"], "--role", who["role"], *args])
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


def test_cli_submit_and_sign_off_gates(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    with Store.open(db) as store:
        aid = new(store, safety_scale=[{"who": "Mum", "score": 1}], outcome="No further action")
    err = cli(db, PAT, "submit", aid[:8], code=1).stderr
    assert len(err.strip().splitlines()) == 1 and "1 required answer missing and 1 urgent gap open" in err
    assert "--reason TEXT" in err and "Traceback" not in err
    assert "waiting for a supervisor" in cli(db, PAT, "submit", aid[:8], "--reason", "Strategy meeting at 9").stdout
    err = cli(db, SUE, "review", "sign-off", aid[:8], "--score", "3", "--reason", "r", "--outcome", "No further action",
              code=1).stderr
    assert "cannot be signed off" in err and len(err.strip().splitlines()) == 1
    history = json.loads(cli(db, PAT, "history", aid[:8], "--json").stdout)
    assert any(isinstance(h["after"], dict) and h["after"].get("reason") == "Strategy meeting at 9" for h in history)


async def test_the_review_screen_shows_the_submit_reason(tmp_path: Path) -> None:
    from textual.widgets import Static

    from sg_assess.tui.app import create_app
    from sg_assess.tui.screens.review import ReviewScreen
    from tests.test_tui import settle, wait_for_screen

    db = tmp_path / "r.db"
    with Store.open(db) as store:
        aid = new(store)
        store.submit(aid, reason="Conference at 9; analysis to follow", **PAT)
        quiet = new(store, analysis="a")
        store.submit(quiet, **PAT)
    app_ = create_app(db, user=SUE["actor"], role=SUE["role"], autosave_delay=0.05, export_dir=tmp_path / "out")
    async with app_.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app_.open_review(aid)
        review = await wait_for_screen(pilot, ReviewScreen)
        await settle(pilot)
        line = str(review.query_one("#review-reason", Static).render())
        assert "Submitted with 1 gap accepted, because: Conference at 9; analysis to follow" in line
        review.dismiss(None)
        await settle(pilot)
        app_.open_review(quiet)
        review = await wait_for_screen(pilot, ReviewScreen)
        await settle(pilot)
        assert not review.query("#review-reason")  # nothing was accepted: no line
