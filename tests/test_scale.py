"""The safety scale as data: the practitioner's own latest score is the headline, with everyone's range."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sg_assess.cli import app
from sg_assess.records import assessment_dict
from sg_assess.export.markdown import render_markdown
from sg_assess.store.repository import Store
from sg_assess.tui.app import create_app
from sg_assess.tui.screens.editor import EditorScreen
from sg_assess.tui.screens.home import HomeScreen
from tests.test_tui import settle, wait_for_screen

BELT = [  # a child hit with a belt: the mother's 9 is dated last, the practitioner's own score is 3
    {"who": "Sam Worker", "role": "practitioner", "score": 3, "reason": "Belt marks", "date": "2026-03-01"},
    {"who": "Ada", "role": "child", "score": 5, "reason": "Scared at night", "date": "2026-03-01"},
    {"who": "Mum", "role": "Parent or carer", "score": 9, "reason": "It was once", "date": "2026-03-02"},
]


def make(db: Path, questionnaire, scale=BELT) -> str:
    with Store.open(db) as store:
        aid = store.create_assessment(questionnaire=questionnaire, actor="Sam Worker", child_name="Ada",
                                      dob="2019-01-15", assessment_date="2026-03-02")
        if scale:
            store.save_answer(aid, "safety_scale", scale, actor="Sam Worker")
    return aid


def test_list_json_gives_worker_score_and_range_not_the_last_dated_row(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "s.db"
    aid = make(db, questionnaire)
    result = CliRunner().invoke(app, ["--db", str(db), "list", "--json"])
    row = json.loads(result.stdout)[0]
    assert (row["worker_score"], row["score_range"], row["latest_score"]) == (3, "3-9", 9)
    with Store.open(db) as store:
        assert store.get(aid).summary.worker_score == 3
        stored_role = store.get(aid).answers["safety_scale"][2]["role"]
    assert stored_role == "parent_carer"  # words are stored as the id
    table = CliRunner().invoke(app, ["--db", str(db), "list"]).stdout
    assert "3 (3-9)" in table


def test_no_worker_score_is_said_so(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "s.db"
    make(db, questionnaire, [{"who": "Mum", "role": "Mother", "score": 6}])  # version 1's free text
    row = json.loads(CliRunner().invoke(app, ["--db", str(db), "list", "--json"]).stdout)[0]
    assert (row["worker_score"], row["score_range"], row["score_note"]) == (
        None, "6-6", "no score is marked as the practitioner's")
    empty = make(db, questionnaire, None)
    with Store.open(db) as store:
        assert (store.summary(empty).worker_score, store.summary(empty).score_range) == (None, None)


def test_export_and_chronology_show_the_worker_score_and_range(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "s.db"
    aid = make(db, questionnaire)
    with Store.open(db) as store:
        record = store.get(aid)
        events, _ = store.chronology(record.summary.child_id)
    md = render_markdown(record)
    assert "The practitioner's score: 3 out of 10. Scores from " in md and ": 3 to 9 (a spread of 6)." in md
    assert "| Parent or carer |" in md  # the role id shown in words
    assert assessment_dict(record)["worker_score"] == 3 and assessment_dict(record)["score_range"] == "3-9"
    assert any("safety scale: practitioner 3 (range 3-9)" in e.summary for e in events if e.kind == "assessment")


async def test_home_and_editor_header_show_the_worker_score_and_range(tmp_path: Path, questionnaire) -> None:
    db = tmp_path / "s.db"
    aid = make(db, questionnaire)
    app_ = create_app(db, user="Sam Worker", role="practitioner", autosave_delay=0.05, export_dir=tmp_path / "out")
    async with app_.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        home = await wait_for_screen(pilot, HomeScreen)
        from textual.widgets import DataTable

        cells = [str(c) for c in home.query_one("#assessments", DataTable).get_row_at(0)]
        assert "3 (3-9)" in cells
        app_.open_assessment(aid)
        editor = await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        assert "worker 3, range 3-9" in editor.sub_title


def test_a_role_is_read_by_its_id_or_words_in_any_case_and_spacing() -> None:
    from sg_assess.questionnaire.rows import ROW_TYPES

    role = ROW_TYPES["scale"].field("role")
    assert [role.choice_id(t) for t in ("parent carer", "PARENT_CARER", " Parent or  carer ", "Mother")] == [
        "parent_carer", "parent_carer", "parent_carer", None]
