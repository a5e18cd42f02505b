"""The quality check finds each kind of gap, linked to its question and principle."""

from __future__ import annotations

from sg_assess import quality
from sg_assess.store.repository import Store


def gaps(store: Store, aid: str) -> list[quality.Gap]:
    return quality.check(store.get(aid))


def messages(store: Store, aid: str) -> list[str]:
    return [g.message for g in gaps(store, aid)]


def test_a_new_assessment_lists_every_required_question(store: Store, assessment: str) -> None:
    found = gaps(store, assessment)
    missing = [g for g in found if g.kind == "missing"]
    assert len(missing) == store.summary(assessment).required_total
    first = missing[0]
    assert first.section_id and first.question_id and first.message.startswith("Not answered: ")
    assert store.questionnaire_of(assessment).question(first.question_id) is not None


def test_worries_without_strengths_and_the_reverse(store: Store, assessment: str) -> None:
    store.save_answer(assessment, "danger_statements", "Worry", actor="Test Worker")
    assert "Worries are recorded but no strengths or existing safety" in messages(store, assessment)
    store.save_answer(assessment, "danger_statements", "", actor="Test Worker")
    store.save_answer(assessment, "existing_strengths", "Strength", actor="Test Worker")
    found = [g for g in gaps(store, assessment) if g.message.startswith("Strengths are recorded but no worries")]
    assert found and "strengths" in found[0].principles and found[0].question_id == "danger_statements"


def test_child_not_seen_not_alone_and_not_told(store: Store, assessment: str) -> None:
    store.save_answer(assessment, "child_seen", "no", actor="Test Worker")
    assert "The child has not been seen" in messages(store, assessment)
    store.save_answer(assessment, "child_seen", "yes", actor="Test Worker")
    store.save_answer(assessment, "child_seen_alone", "no", actor="Test Worker")
    assert "The child was not seen alone and no reason is recorded" in messages(store, assessment)
    store.save_answer(assessment, "not_seen_alone_reason", "Mother stayed in the room", actor="Test Worker")
    assert "The child was not seen alone and no reason is recorded" not in messages(store, assessment)
    told = [g for g in gaps(store, assessment) if g.question_id == "child_told_outcome" and g.kind == "gap"]
    assert told and "explanation" in told[0].principles


def test_parents(store: Store, assessment: str) -> None:
    assert any(m.startswith("Both parents should be recorded") for m in messages(store, assessment))
    store.save_answer(assessment, "parents", [
        {"name": "Mum", "relationship": "Mother", "involved": True},
        {"name": "Dad", "relationship": "Father", "involved": False},
    ], actor="Test Worker")
    assert "Dad is not involved and no reason is recorded" in messages(store, assessment)
    store.save_answer(assessment, "parents", [
        {"name": "Mum", "relationship": "Mother", "involved": True},
        {"name": "Dad", "relationship": "Father", "involved": False, "reason_not_involved": "In prison, no contact"},
    ], actor="Test Worker")
    rule_gaps = [g.message for g in gaps(store, assessment) if g.kind == "gap" and g.question_id == "parents"]
    assert rule_gaps == []


def test_scale_without_reason_and_urgent_scores(store: Store, assessment: str) -> None:
    store.save_answer(assessment, "safety_scale", [{"who": "Worker", "score": 1}, {"who": "Mum", "score": 6, "reason": "ok"}],
                      actor="Test Worker")
    found = gaps(store, assessment)
    assert found[0].kind == "urgent" and "Worker scored 1" in found[0].message
    assert "Safety scale score from Worker has no reason" in [g.message for g in found]
    assert "Safety scale score from Mum has no reason" not in [g.message for g in found]


def test_next_steps_need_owner_and_dates(store: Store, assessment: str) -> None:
    store.save_answer(assessment, "next_steps", [
        {"what": "Home visit"},
        {"what": "Referral", "who": "SW", "by_when": "2026-04-01", "review_date": "2026-05-01"},
    ], actor="Test Worker")
    msgs = messages(store, assessment)
    assert "Next step 'Home visit' needs an owner, a date and a review date" in msgs
    assert not any(m.startswith("Next step 'Referral'") for m in msgs)
    store.save_answer(assessment, "next_steps", [{"what": "Call", "who": "SW", "by_when": "2026-04-01"}], actor="Test Worker")
    assert "Next step 'Call' needs a review date" in messages(store, assessment)


def test_a_complete_demo_assessment_has_few_gaps(tmp_path) -> None:
    from sg_assess.demo import ensure_demo_db

    ids, _ = ensure_demo_db(tmp_path / "demo.db")
    with Store.open(tmp_path / "demo.db") as store:
        complete = store.get(ids[-1])
        assert complete.summary.required_answered == complete.summary.required_total
        assert [g for g in quality.check(complete) if g.kind == "missing"] == []
