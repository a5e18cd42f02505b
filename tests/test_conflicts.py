"""Two places editing the same answer: nothing is silently overwritten, and the user is told."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from textual.widgets import Input

from sg_assess.records import Conflict
from sg_assess.store.repository import Store
from sg_assess.tui.app import create_app
from sg_assess.tui.screens.editor import EditorScreen
from tests.conftest import location_of
from tests.test_tui import SIZE, TODAY, settle, wait_for_screen

WHO = {"actor": "Test Worker"}
PAT = {"actor": "Pat Practitioner", "role": "practitioner"}
KIM = {"actor": "Kim Other", "role": "practitioner"}


@pytest.fixture
def store(any_store):
    """The first place; ``second_place`` opens the same database again (on a server, as the same login)."""
    return any_store


def second_place(store, actor: str = "Test Worker") -> Store:
    return Store.open(location_of(store, actor))


def test_a_text_answer_keeps_both_versions(store, questionnaire) -> None:
    with store as one, second_place(store) as two:
        aid = one.create_assessment(questionnaire=questionnaire, child_name="Ada", dob="2019-01-15", **WHO)
        one.save_answer(aid, "danger_statements", "Seen", **WHO)
        assert two.save_answer(aid, "danger_statements", "Window two", expected="Seen", **WHO) is True
        result = one.save_answer(aid, "danger_statements", "Window one", expected="Seen", **WHO)
        assert isinstance(result, Conflict) and result.merged and result.other_value == "Window two"
        stored = one.get(aid).answers["danger_statements"]
        assert stored.startswith("Window one") and stored.endswith("Window two")
        conflicts = [h for h in one.history(aid) if h.kind == "conflict"]
        assert len(conflicts) == 1 and conflicts[0].before == "Window two"


def test_other_kinds_keep_the_other_value_in_the_history(store, questionnaire) -> None:
    with store as one, second_place(store) as two:
        aid = one.create_assessment(questionnaire=questionnaire, child_name="Ada", dob="2019-01-15", **WHO)
        two.save_answer(aid, "child_seen", "no", expected=None, **WHO)
        result = one.save_answer(aid, "child_seen", "yes", expected=None, **WHO)
        assert isinstance(result, Conflict) and not result.merged and result.other_value == "no"
        assert one.get(aid).answers["child_seen"] == "yes"
        assert [(h.before, h.after) for h in one.history(aid) if h.kind == "conflict"] == [("no", "yes")]


def test_no_conflict_when_nothing_changed_in_between(store, questionnaire) -> None:
    with store:
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


def test_two_processes_on_the_same_answer_never_lose_an_edit(store, questionnaire) -> None:
    with store:
        aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada", dob="2019-01-15", **WHO)
    where = location_of(store)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_editor_like, args=(where, aid, label, 40, queue)) for label in ("one", "two")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]  # no "database is locked" reached anyone
    total_conflicts = queue.get(timeout=5) + queue.get(timeout=5)
    with Store.open(where) as again:
        history = again.history(aid)
        conflict_entries = [h for h in history if h.kind == "conflict"]
    assert len(conflict_entries) == total_conflicts
    # Every conflict kept the other side's text inside the saved answer.
    assert all(str(h.before).strip('"') in str(h.after) for h in conflict_entries if h.before)


def test_two_people_saving_the_same_answer_keep_both(store, questionnaire) -> None:
    """Two logins: Pat's window still shows what Pat saw while Kim, handed the draft, changed the answer and
    handed it back.  Pat's save keeps Kim's text too, and says so."""
    aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada", dob="2019-01-15", **PAT)
    store.save_answer(aid, "danger_statements", "Seen", **PAT)
    store.hand_over(aid, to="Kim Other", **PAT)
    assert store.save_answer(aid, "danger_statements", "Kim's words", expected="Seen", **KIM) is True
    store.hand_over(aid, to="Pat Practitioner", **KIM)
    result = store.save_answer(aid, "danger_statements", "Pat's words", expected="Seen", **PAT)
    assert isinstance(result, Conflict) and result.merged and result.other_actor == "Kim Other"
    stored = store.get(aid).answers["danger_statements"]
    assert stored.startswith("Pat's words") and stored.endswith("Kim's words") and "Also saved by Kim Other" in stored
    conflicts = [h for h in store.history(aid) if h.kind == "conflict"]
    assert [(h.actor, h.before) for h in conflicts] == [("Pat Practitioner", "Kim's words")]


async def test_the_editor_shows_a_conflict_and_keeps_both(store, tmp_path: Path, questionnaire) -> None:
    with store:
        aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada", dob="2019-01-15", **WHO)
        store.save_answer(aid, "ethnicity", "First", **WHO)
    db = location_of(store)
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
    with Store.open(db) as again:
        stored = again.get(aid).answers["ethnicity"]
        assert "From this window" in stored and "From the other window" in stored
