"""Keyboard trust and small screens (issue 8): every key the footer shows does what it says, from every kind
of widget; no navigation key selects text; the preview's header agrees with its body; no screenshot leaves
the app; and what 80x24 needs (help, statuses, markers that do not rely on colour, history).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import TextArea

from sg_assess.export.markdown import render_markdown
from sg_assess.store.repository import Store
from sg_assess.tui.app import SgApp, create_app
from sg_assess.tui.screens.editor import EditorScreen
from sg_assess.tui.screens.preview import PreviewScreen
from sg_assess.tui.widgets.questions import GroupBlock, LongTextBlock, QuestionBlock

SIZE = (100, 32)
TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "keys" / "keys.db"


def make_app(db: Path, tmp_path: Path, **kwargs: Any) -> SgApp:
    return create_app(db, user="Test Worker", autosave_delay=0.05, export_dir=tmp_path / "exports",
                      today=lambda: TODAY, **kwargs)


def new_assessment(db: Path, questionnaire) -> str:
    with Store.open(db) as store:
        return store.create_assessment(questionnaire=questionnaire, actor="Test Worker", child_name="Ada Example",
                                       dob="2019-01-15", assessment_date="2026-03-02")


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def wait_for_screen(pilot, kind: type) -> Any:
    for _ in range(100):
        if isinstance(pilot.app.screen, kind):
            await settle(pilot)
            return pilot.app.screen
        await pilot.pause(0.05)
    raise AssertionError(f"{kind.__name__} never appeared; on {pilot.app.screen!r}")


async def open_editor(pilot, aid: str) -> EditorScreen:
    pilot.app.open_assessment(aid)
    return await wait_for_screen(pilot, EditorScreen)


def blocks(editor: EditorScreen) -> dict[str, QuestionBlock]:
    return {b.question.id: b for b in editor.query(QuestionBlock)}


async def show(pilot, editor: EditorScreen, qid: str) -> QuestionBlock:
    editor.go_to_question(qid)
    for _ in range(50):
        await settle(pilot)
        if qid in blocks(editor):
            return blocks(editor)[qid]
    raise AssertionError(f"{qid} never shown")


# -- point 3: the preview's header is worked out from the answers it shows ---------------------------------------

def header_line(markdown: str, label: str) -> str:
    return next(line for line in markdown.splitlines() if line.startswith(f"- **{label}:**"))


async def test_preview_header_counts_the_answers_given_in_the_editor(db: Path, tmp_path: Path, questionnaire) -> None:
    aid = new_assessment(db, questionnaire)  # opened with nothing answered: the stored summary says 0 and none
    async with make_app(db, tmp_path).run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, aid)
        before = header_line(render_markdown(editor.current_record()), "Required answers")
        (await show(pilot, editor, "danger_statements")).query_one(TextArea).text = "Ada may be hit again."
        scale = await show(pilot, editor, "safety_scale")
        assert isinstance(scale, GroupBlock)
        scale.set_rows([{"who": "Social worker", "role": "", "score": 4, "reason": "", "date": "2026-03-01"},
                        {"who": "Mother", "role": "", "score": 7, "reason": "", "date": "2026-03-02"}])
        await settle(pilot)
        await pilot.press("f6")
        preview = await wait_for_screen(pilot, PreviewScreen)
        shown = render_markdown(preview.record)
        await pilot.press("escape")
        await settle(pilot)
    with Store.open(db) as store:  # what 'sg-assess show' reads, now that everything is saved
        saved = store.get(aid).summary
    assert saved.required_answered == before_count(before) + 2 and saved.latest_score == 7
    assert header_line(shown, "Required answers") == f"- **Required answers:** {saved.required_answered} of " \
                                                     f"{saved.required_total}"
    assert header_line(shown, "Latest safety scale score") == "- **Latest safety scale score:** 7 out of 10"
    assert f"{saved.required_answered} of {saved.required_total} required answers given." in shown


def before_count(line: str) -> int:
    return int(line.split("**")[-1].split(" of ")[0])


def test_a_record_with_other_answers_works_its_figures_out_again(store: Store, assessment: str) -> None:
    record = store.get(assessment)
    assert (record.summary.required_answered, record.summary.latest_score) == (0, None)
    changed = record.with_answers({"danger_statements": "Worry.",
                                   "safety_scale": [{"who": "A", "score": 3, "date": "2026-01-01"}]})
    assert (changed.summary.required_answered, changed.summary.latest_score) == (2, 3)
    assert changed.summary.required_total == record.summary.required_total
    unchanged = record.with_answers(record.answers)  # the rule does not fire on a record already right
    assert unchanged.summary == record.summary


# -- point 13: no screenshot of a child's details leaves the app ----------------------------------------------------

async def test_no_screenshot_from_the_palette_or_any_action(db: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(tmp_path / "downloads"))
    shots = tmp_path / "shots"
    shots.mkdir()
    async with make_app(db, tmp_path).run_test(size=SIZE) as pilot:
        await settle(pilot)
        app = pilot.app
        told: list[str] = []
        monkeypatch.setattr(app, "notify", lambda message, **kw: told.append(kw.get("title", "")))
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Theme" in titles and "Quit" in titles and "New assessment" in titles  # the rest are kept
        assert not [t for t in titles if "screenshot" in t.lower()] and "Keys" not in titles
        await app.run_action(f"screenshot('child.svg', {str(shots)!r})")
        app.action_screenshot(path=str(shots))
        assert app.deliver_screenshot(path=str(shots)) is None
        await settle(pilot)
        assert told == ["No screenshot"] * 3
    assert list(shots.iterdir()) == []
    assert not [p for p in tmp_path.rglob("*.svg")]
