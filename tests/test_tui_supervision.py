"""Pilot tests of the supervision screens: queue, review, decisions, history, chronology, actions, comments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Input, RadioButton, Select, Sparkline, Static, TextArea

from sg_assess.store.repository import Store
from sg_assess.tui.app import create_app
from sg_assess.tui.dialogs.forms import SignOffDialog, SubmitDialog, TextDialog, WhoAreYouDialog
from sg_assess.tui.screens.editor import EditorScreen
from sg_assess.tui.screens.home import HomeScreen
from sg_assess.tui.screens.lists import ActionsScreen, ChronologyScreen, HistoryScreen, ReviewQueueScreen
from sg_assess.tui.screens.review import ReviewScreen
from tests.test_tui import SIZE, TODAY, settle, wait_for_screen

PAT = {"actor": "Pat Practitioner", "role": "practitioner"}
SUE = {"actor": "Sue Supervisor", "role": "supervisor"}


def app_for(db: Path, tmp_path: Path, who: dict[str, str], **kwargs: Any):
    return create_app(db, user=who["actor"], role=who["role"], autosave_delay=0.05, export_dir=tmp_path / "out",
                      today=lambda: TODAY, **kwargs)


def submitted(db: Path, questionnaire) -> str:
    with Store.open(db) as store:
        aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada Example", dob="2019-01-15",
                                      assessment_date="2026-03-02", **PAT)
        store.save_answer(aid, "danger_statements", "Worried about the stairs", **PAT)
        store.save_answer(aid, "safety_scale", [{"who": "Mum", "score": 5, "reason": "Gate fitted", "date": "2026-03-01"}],
                          **PAT)
        store.save_answer(aid, "next_steps", [{"what": "Check the gate", "who": "SW", "review_date": "2026-02-20"}], **PAT)
        store.submit(aid, reason="Sent now; the rest follows", **PAT)
    return aid


async def test_supervisor_signs_off_from_the_queue(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "s.db"
    aid = submitted(db, questionnaire)
    app = app_for(db, tmp_path, SUE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v")
        queue = await wait_for_screen(pilot, ReviewQueueScreen)
        await settle(pilot)
        assert queue.keys == [aid]
        row = [str(c) for c in queue.query_one("#rows", DataTable).get_row_at(0)]
        assert row[0] == "Ada Example" and row[1] == "Pat Practitioner" and row[5] == "- (5-5)"  # Mum's 5 is no practitioner's score
        await pilot.press("enter")
        review = await wait_for_screen(pilot, ReviewScreen)
        assert review.gaps and "Quality check" in str(review.query_one("#review-gaps", Static).render())
        await pilot.press("f3")
        dialog = await wait_for_screen(pilot, SignOffDialog)
        dialog.query_one("#score", Input).value = "7"
        dialog.action_save()
        assert "Name the outcome" in str(dialog.query_one("#problem", Static).render())
        dialog.query_one("#outcome", Input).value = "Early help"  # version 1 records no outcome: in words
        dialog.query_one("#score", Input).value = "11"
        dialog.action_save()
        assert "0 to 10" in str(dialog.query_one("#problem", Static).render())
        dialog.query_one("#score", Input).value = "7"
        dialog.query_one("#reason", TextArea).text = "The plan is holding"
        dialog.action_save()
        await wait_for_screen(pilot, ReviewQueueScreen)
        await settle(pilot)
        assert queue.keys == []
    with Store.open(db) as store:
        record = store.get(aid)
        assert record.summary.status == "signed_off" and record.sign_off.score == 7


async def test_supervisor_returns_with_a_comment_and_practitioner_sees_it(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "r.db"
    aid = submitted(db, questionnaire)
    app = app_for(db, tmp_path, SUE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_review(aid)
        await wait_for_screen(pilot, ReviewScreen)
        await pilot.press("f6")
        dialog = await wait_for_screen(pilot, TextDialog)
        dialog.action_save()  # empty: refused
        assert "Write something" in str(dialog.query_one("#problem", Static).render())
        dialog.query_one("#text", TextArea).text = "Please add dad's view"
        dialog.action_save()
        await wait_for_screen(pilot, HomeScreen)
        await settle(pilot)
    with Store.open(db) as store:
        assert store.summary(aid).status == "returned"
    app = app_for(db, tmp_path, PAT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_assessment(aid)
        editor = await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        assert editor.read_only is None  # returned: editable again
        notes = [str(s.render()) for s in editor.query(".section-comments")]
        assert notes and "Please add dad's view" in notes[0] and "Sue Supervisor" in notes[0]
        banner = str(editor.query_one("#returned-banner", Static).render())
        assert "Returned by Sue Supervisor" in banner and "Please add dad's view" in banner
        editor.query_one("#q-ethnicity").query_one(Input).value = "Mixed heritage"
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("f3")  # submit again: asked first; required answers are still missing, so why
        confirm = await wait_for_screen(pilot, SubmitDialog)
        await settle(pilot)
        assert confirm.focused is not None and confirm.focused.id == "reason"
        await pilot.press("ctrl+s")  # no reason: refused in the dialog
        await settle(pilot)
        assert app.screen is confirm and "Not submitted" in str(confirm.query_one("#problem", Static).render())
        with Store.open(db) as store:
            assert store.summary(aid).status == "returned"
        confirm.query_one("#reason", Input).value = "Dad's view added; the rest next week"
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, HomeScreen)
        await settle(pilot)
    with Store.open(db) as store:
        assert store.summary(aid).status == "submitted"
        record = store.get(aid)
        assert record.answers["ethnicity"] == "Mixed heritage"
        last = [h for h in record.history if h.kind == "submitted"][-1]
        assert last.after["reason"] == "Dad's view added; the rest next week"


async def test_self_sign_off_is_refused_on_screen(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "self.db"
    aid = submitted(db, questionnaire)
    app = app_for(db, tmp_path, {"actor": "Pat Practitioner", "role": "supervisor"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_review(aid)
        await wait_for_screen(pilot, ReviewScreen)
        app.decide(aid, "sign_off", type("S", (), {"score": 5, "reason": "r", "outcome": "Early help"})())
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)  # still there: refused
    with Store.open(db) as store:
        assert store.summary(aid).status == "submitted"


async def test_submitted_and_signed_off_open_read_only(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "ro.db"
    aid = submitted(db, questionnaire)
    app = app_for(db, tmp_path, PAT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_assessment(aid)
        editor = await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        assert editor.read_only and "submitted" in editor.read_only
        assert all(block.disabled for block in editor.query(".question"))
        assert "Read-only" in str(editor.query_one("#status", Static).render())


async def test_editor_comment_on_a_section(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "c.db"
    with Store.open(db) as store:
        aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada", dob="2019-01-15", **PAT)
    app = app_for(db, tmp_path, PAT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_assessment(aid)
        editor = await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        await pilot.press("f9")
        dialog = await wait_for_screen(pilot, TextDialog)
        dialog.query_one("#text", TextArea).text = "Dad not reached yet"
        dialog.action_save()
        await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        notes = [str(s.render()) for s in editor.query(".section-comments")]
        assert notes and "Dad not reached yet" in notes[0]
    with Store.open(db) as store:
        assert [(c.section_id, c.text) for c in store.get(aid).comments] == [("child", "Dad not reached yet")]


async def test_history_screen_filters_by_question(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "h.db"
    aid = submitted(db, questionnaire)
    app = app_for(db, tmp_path, PAT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("h")
        history = await wait_for_screen(pilot, HistoryScreen)
        await settle(pilot)
        table = history.query_one("#rows", DataTable)
        assert table.row_count == 5  # created, three answers, submitted
        history.query_one("#question-filter", Select).value = "safety_scale"
        await settle(pilot)
        assert table.row_count == 1 and "Mum" in str(table.get_row_at(0)[-1])  # After
    assert aid


async def test_chronology_draws_scores_and_lists_events(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "ch.db"
    aid = submitted(db, questionnaire)
    with Store.open(db) as store:
        store.sign_off(aid, score=6, reason="ok", outcome="Early help", **SUE)
        child = store.summary(aid).child_id
        again = store.create_assessment(questionnaire=questionnaire, child_id=child, assessment_date="2026-09-01", **PAT)
        store.save_answer(again, "safety_scale", [{"who": "Mum", "score": 8, "reason": "r", "date": "2026-09-01"}], **PAT)
    app = app_for(db, tmp_path, PAT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        chrono = await wait_for_screen(pilot, ChronologyScreen)
        await settle(pilot)
        kinds = [str(chrono.query_one("#rows", DataTable).get_row_at(i)[1])
                 for i in range(chrono.query_one("#rows", DataTable).row_count)]
        assert "signed off" in kinds and "assessment" in kinds
        assert len(chrono.query(Sparkline)) == 2  # Mum, and the supervisor's sign-off score
        scores = chrono.query_one("#score-table", DataTable)
        rows = [[str(c) for c in scores.get_row_at(i)] for i in range(scores.row_count)]
        assert ["Mum", "2026-03-01", "5"] in rows and ["Mum", "2026-09-01", "8"] in rows


async def test_actions_due_and_the_overdue_banner(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "a.db"
    submitted(db, questionnaire)  # its next step's review date, 2026-02-20, is before TODAY
    app = app_for(db, tmp_path, PAT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        banner = app.screen.query_one("#overdue", Static)
        assert banner.display and "1 next step is overdue" in str(banner.render())
        await pilot.press("a")
        screen = await wait_for_screen(pilot, ActionsScreen)
        await settle(pilot)
        row = [str(c) for c in screen.query_one("#rows", DataTable).get_row_at(0)]
        assert row[:4] == ["2026-02-20", "OVERDUE", "Ada Example", "Check the gate"]


async def test_first_run_asks_who_you_are(tmp_path: Path, isolated_env: Path, monkeypatch) -> None:
    monkeypatch.delenv("SG_ASSESS_USER")
    app = create_app(tmp_path / "first.db", export_dir=tmp_path / "out", today=lambda: dt.date(2026, 3, 2))
    async with app.run_test(size=SIZE) as pilot:
        dialog = await wait_for_screen(pilot, WhoAreYouDialog)
        assert dialog.query_one("#name", Input).value == ""  # nothing suggested: the OS login is often not the name
        dialog.query_one("#name", Input).value = "Sam Worker"
        dialog.query_one("#supervisor", RadioButton).value = True
        await pilot.pause()  # the radio set hears of the change
        dialog.action_save()
        await wait_for_screen(pilot, HomeScreen)
        assert (app.user, app.role) == ("Sam Worker", "supervisor")
    text = (isolated_env / "config.toml").read_text()
    assert 'user = "Sam Worker"' in text and 'role = "supervisor"' in text


def tiny_submitted(db: Path, **answers: Any) -> str:
    """An assessment of a questionnaire that records its outcome ([sign_off] outcome_question), submitted."""
    from tests.test_gating import Q

    with Store.open(db) as store:
        aid = store.create_assessment(questionnaire=Q, child_name="Ada", dob="2019-01-15",
                                      assessment_date="2026-03-02", **PAT)
        for qid, value in answers.items():
            store.save_answer(aid, qid, value, **PAT)
        store.submit(aid, reason="Going now", **PAT)
    return aid


async def test_sign_off_that_cannot_succeed_is_refused_before_the_form(tmp_path: Path) -> None:
    db = tmp_path / "early.db"
    urgent = tiny_submitted(db, analysis="a", outcome="No further action", safety_scale=[{"who": "Mum", "score": 0}])
    unrecorded = tiny_submitted(db, analysis="a", safety_scale=[{"who": "Mum", "score": 5}])
    app = app_for(db, tmp_path, SUE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for aid, why in ((urgent, "1 urgent gap open"), (unrecorded, "records no outcome")):
            app.open_review(aid)
            review = await wait_for_screen(pilot, ReviewScreen)
            await pilot.press("f3")
            await settle(pilot)
            assert app.screen is review  # no form to fill in first
            said = [str(n.message) for n in app._notifications if str(n.title) == "Not signed off"]  # noqa: SLF001
            assert said and why in said[-1] and said[-1].endswith("(F6 returns it)") and "sg-assess" not in said[-1]
            await pilot.press("escape")
            await settle(pilot)
    with Store.open(db) as store:
        assert {store.summary(a).status for a in (urgent, unrecorded)} == {"submitted"}


async def test_sign_off_form_shows_the_recorded_outcome(tmp_path: Path) -> None:
    db = tmp_path / "recorded.db"
    aid = tiny_submitted(db, analysis="a", outcome="Child in need plan (section 17)",
                         safety_scale=[{"who": "Mum", "score": 5}])
    app = app_for(db, tmp_path, SUE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_review(aid)
        await wait_for_screen(pilot, ReviewScreen)
        await pilot.press("f3")
        dialog = await wait_for_screen(pilot, SignOffDialog)
        shown = str(dialog.query_one("#outcome", Static).render())
        assert shown == "Child in need plan (section 17) (recorded)" and not dialog.query(Select)
        assert dialog.query_one("#score", Input).has_focus  # the first thing to type: the score
        dialog.query_one("#score", Input).value = "6"
        dialog.query_one("#reason", TextArea).text = "Plan holding"
        dialog.action_save()
        await settle(pilot)
        assert not isinstance(app.screen, SignOffDialog)
    with Store.open(db) as store:
        record = store.get(aid)
        assert record.summary.status == "signed_off"
        assert "I agree with the outcome: Child in need plan (section 17)." in record.sign_off.declaration
