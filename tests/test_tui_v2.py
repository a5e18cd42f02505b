"""Questionnaire version 2 in the app: a new assessment at each age band walks through every section."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from sg_assess import demo
from sg_assess.questionnaire.loader import discover
from sg_assess.questionnaire.schema import AGE_BANDS
from sg_assess.store.repository import Store
from sg_assess.tui.screens.editor import EditorScreen
from sg_assess.tui.widgets.questions import QuestionBlock
from tests.test_tui import SIZE, make_app, open_editor, settle

# A child in each band on the test's "today" (2026-03-02); None: unborn, due in June.
BIRTHS = {"unborn": None, "0-2": "2024-01-20", "3-4": "2022-06-01", "5-9": "2018-09-09", "10-14": "2013-05-05",
          "15-17": "2010-04-04"}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "tui v2 é" / "tui.db"


def shown_ids(editor: EditorScreen) -> list[str]:
    return [b.question.id for b in editor.query(QuestionBlock) if b.display]


async def walk(pilot, editor: EditorScreen) -> list[str]:
    """Every section in turn (F8); the ids of the questions shown, section by section."""
    seen: list[str] = []
    for index in range(len(editor.sections)):
        if index:
            await pilot.press("f8")
            await settle(pilot)
        assert editor.current == index
        section = editor.sections[index]
        expected = [q.id for q in section.questions if editor.q.is_shown(q, editor.band, editor.answers)]
        assert shown_ids(editor) == expected, section.id
        seen.extend(expected)
    return seen


@pytest.mark.parametrize("band", AGE_BANDS)
async def test_a_new_assessment_walks_through_version_2(db: Path, tmp_path: Path, band: str) -> None:
    q = discover().get()
    assert q.version == 2
    born = BIRTHS[band]
    with Store.open(db) as store:
        aid = store.create_assessment(questionnaire=q, actor="Test Worker", child_name="Ada Example",
                                      assessment_date="2026-03-02",
                                      **({"dob": born} if born else {"unborn": True, "due": "2026-06-01"}))
    app = make_app(db, tmp_path, open_id=aid)
    async with app.run_test(size=SIZE) as pilot:
        editor = await _editor(pilot)
        assert editor.band == band
        assert editor.q.version == 2 and editor.sections[0].id == "decision"
        focused = editor.focused_question()
        assert focused is not None and focused.question.id == "assessment_reason"  # the decision comes first
        seen = await walk(pilot, editor)
        assert seen == [x.id for x in q.questions() if q.is_shown(x, band, {})]
        assert ("house_of_worries" in seen) == (band == "5-9")
        assert ("yp_worries" in seen) == (band in ("10-14", "15-17"))
        assert ("missing_episodes" in seen) == (band in ("10-14", "15-17"))


async def _editor(pilot) -> EditorScreen:
    for _ in range(100):
        if isinstance(pilot.app.screen, EditorScreen):
            await settle(pilot)
            return pilot.app.screen
        await pilot.pause(0.05)
    raise AssertionError("the editor never opened")


async def test_the_version_2_demos_open_with_their_chronology_and_goals(db: Path, tmp_path: Path) -> None:
    with Store.open(db) as store:
        ids = demo.build_demo_v2(store, discover().get("safeguarding-assessment@2"))
        records = [store.get(aid) for aid in ids]
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for record in records:
            editor = await open_editor(pilot, record.id)
            for qid in ("significant_events", "safety_goals", "next_steps", "parents"):
                editor.show_section(editor._section_index(qid))
                await settle(pilot)
                table = editor.query_one(f"#q-{qid} DataTable", DataTable)
                assert table.row_count == len(record.answers[qid]), (record.summary.age_band, qid)
            await pilot.press("escape")
            await settle(pilot)


async def test_editing_a_row_keeps_its_version_2_fields(db: Path, tmp_path: Path) -> None:
    from textual.widgets import Input

    from sg_assess.tui.dialogs.row import RowDialog
    from tests.test_tui import blocks, stored, wait_for_screen

    with Store.open(db) as store:
        aid = store.create_assessment(questionnaire=discover().get(), actor="Test Worker", child_name="Ada Example",
                                      dob="2019-01-15", assessment_date="2026-03-02")
        store.save_answer(aid, "parents", [{"name": "Gwen Example", "relationship": "Mum", "carer_role": "mother",
                                            "parental_responsibility": True, "seen_and_checked": True}],
                          actor="Test Worker")
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, aid)
        editor.show_section(editor._section_index("parents"))
        await settle(pilot)
        blocks(editor)["parents"].query_one(DataTable).focus()
        await pilot.press("enter")
        dialog = await wait_for_screen(pilot, RowDialog)
        dialog.query_one("#f-relationship", Input).value = "Mother"
        dialog.action_save()
        await wait_for_screen(pilot, EditorScreen)
        await pilot.pause(0.2)
        await settle(pilot)
    (row,) = stored(db, aid)["parents"]
    assert row["relationship"] == "Mother"
    assert (row["carer_role"], row["parental_responsibility"], row["seen_and_checked"]) == ("mother", True, True)
