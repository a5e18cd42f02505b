"""Two places editing the same answer: nothing is silently overwritten, and the user is told."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from textual.widgets import Input

from sg_assess.store.records import Conflict
from sg_assess.store.repository import Store
from sg_assess.tui.app import create_app
from sg_assess.tui.screens.editor import EditorScreen
from tests.test_tui import SIZE, TODAY, settle, wait_for_screen

WHO = {"actor": "Test Worker"}


def test_a_text_answer_keeps_both_versions(db_path: Path, questionnaire) -> None:
    with Store.open(db_path) as one, Store.open(db_path) as two:
        aid = one.create_assessment(questionnaire=questionnaire, child_name="Ada", dob="2019-01-15", **WHO)
        one.save_answer(aid, "danger_statements", "Seen", **WHO)
        assert two.save_answer(aid, "danger_statements", "Window two", expected="Seen", **WHO) is True
        result = one.save_answer(aid, "danger_statements", "Window one", expected="Seen", **WHO)
        assert isinstance(result, Conflict) and result.merged and result.other_value == "Window two"
        stored = one.get(aid).answers["danger_statements"]
        assert stored.startswith("Window one") and stored.endswith("Window two")
        conflicts = [h for h in one.history(aid) if h.kind == "conflict"]
        assert len(conflicts) == 1 and conflicts[0].before == "Window two"


def test_other_kinds_keep_the_other_value_in_the_history(db_path: Path, questionnaire) -> None:
    with Store.open(db_path) as one, Store.open(db_path) as two:
        aid = one.create_assessment(questionnaire=questionnaire, child_name="Ada", dob="2019-01-15", **WHO)
        two.save_answer(aid, "child_seen", "no", expected=None, **WHO)
        result = one.save_answer(aid, "child_seen", "yes", expected=None, **WHO)
        assert isinstance(result, Conflict) and not result.merged and result.other_value == "no"
        assert one.get(aid).answers["child_seen"] == "yes"
        assert [(h.before, h.after) for h in one.history(aid) if h.kind == "conflict"] == [("no", "yes")]


def test_no_conflict_when_nothing_changed_in_between(db_path: Path, questionnaire) -> None:
    with Store.open(db_path) as store:
        aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada", dob="2019-01-15", **WHO)
        assert store.save_answer(aid, "ethnicity", "a", expected=None, **WHO) is True
        assert store.save_answer(aid, "ethnicity", "b", expected="a", **WHO) is True
        assert [h.kind for h in store.history(aid)] == ["created", "answer"]


def _editor_like(path: str, aid: str, label: str, rounds: int, queue) -> None:  # noqa: ANN001
    conflicts = 0
    seen = None
    with Store.open(path) as store:
        for i in range(rounds):
            value = f"{label} {i}"
            result = store.save_answer(aid, "danger_statements", value, expected=seen, actor="Test Worker")
            if isinstance(result, Conflict):
                conflicts += 1
                seen = result.saved_value
            else:
                seen = value
    queue.put(conflicts)


def test_two_processes_on_the_same_answer_never_lose_an_edit(db_path: Path, questionnaire) -> None:
    with Store.open(db_path) as store:
        aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada", dob="2019-01-15", **WHO)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_editor_like, args=(str(db_path), aid, label, 40, queue)) for label in ("one", "two")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]  # no "database is locked" reached anyone
    total_conflicts = queue.get(timeout=5) + queue.get(timeout=5)
    with Store.open(db_path) as store:
        history = store.history(aid)
        conflict_entries = [h for h in history if h.kind == "conflict"]
    assert len(conflict_entries) == total_conflicts
    # Every conflict kept the other side's text inside the saved answer.
    assert all(str(h.before).strip('"') in str(h.after) for h in conflict_entries if h.before)


async def test_the_editor_shows_a_conflict_and_keeps_both(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "c.db"
    with Store.open(db) as store:
        aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada", dob="2019-01-15", **WHO)
        store.save_answer(aid, "ethnicity", "First", **WHO)
    app = create_app(db, user="Test Worker", autosave_delay=0.05, export_dir=tmp_path, today=lambda: TODAY)
    told: list[str] = []
    app.notify = lambda message, **kwargs: told.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_assessment(aid)
        editor = await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        with Store.open(db) as other_window:
            other_window.save_answer(aid, "ethnicity", "From the other window", **WHO)
        box = editor.query_one("#q-ethnicity").query_one(Input)
        box.value = "From this window"
        await pilot.pause(0.3)
        await settle(pilot)
        assert box.value.startswith("From this window") and box.value.endswith("From the other window")
        assert any("at the same time" in message for message in told)
    with Store.open(db) as store:
        stored = store.get(aid).answers["ethnicity"]
        assert "From this window" in stored and "From the other window" in stored
