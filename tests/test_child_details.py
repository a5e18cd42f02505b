"""Issue 9: each assessment keeps the child's details it was made with; dates that cannot be right are refused."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sg_assess.cli import app
from sg_assess.errors import ValidationError
from sg_assess.store.repository import Store

TODAY = dt.date.today()


def days(n: int) -> str:
    return (TODAY + dt.timedelta(days=n)).isoformat()


# -- re-assessing with changed details ------------------------------------------------------------------


def test_reassessing_with_a_new_name_and_dob_leaves_earlier_assessments_as_made(store: Store, questionnaire) -> None:
    first = store.create_assessment(questionnaire=questionnaire, actor="Pat", child_name="Ada Example",
                                    dob="2019-01-15", assessment_date="2026-03-02")
    store.save_answer(first, "danger_statements", "stairs", actor="Pat")
    child = store.summary(first).child_id
    second = store.create_assessment(questionnaire=questionnaire, actor="Pat", child_id=child, child_name="Ada Newname",
                                     dob="2016-01-15", assessment_date="2026-03-02")
    old, new = store.get(first), store.get(second)
    assert (old.child.name, old.child.dob, old.summary.age_band) == ("Ada Example", "2019-01-15", "5-9")
    assert (new.child.name, new.child.dob, new.summary.age_band) == ("Ada Newname", "2016-01-15", "10-14")
    assert store.summary(first).child_name == "Ada Example" and store.summary(second).child_name == "Ada Newname"
    # the search index agrees with what each shows, also after the earlier draft is edited again
    store.save_answer(first, "danger_statements", "stairs and the pond", actor="Pat")
    assert [s.id for s in store.list(search="Example")] == [first]
    assert [s.id for s in store.list(search="Newname")] == [second]
    assert {s.id for s in store.list(child="Example")} == {first} and len(store.list(child=child[:8])) == 2
    # the change is recorded in the new assessment's history
    created = store.history(second)[0]
    assert created.kind == "created" and created.after["child_details_changed_from"] == {
        "name": "Ada Example", "dob": "2019-01-15", "due_date": None}


def test_reassessing_with_the_same_details_records_no_change(store: Store, questionnaire, assessment: str) -> None:
    child = store.summary(assessment).child_id
    again = store.create_assessment(questionnaire=questionnaire, actor="Pat", child_id=child, assessment_date="2026-03-02")
    assert "child_details_changed_from" not in store.history(again)[0].after
    assert store.get(again).child.name == store.get(assessment).child.name == "Ada Example"


def test_a_signed_off_record_keeps_the_details_it_was_made_with(store: Store, questionnaire) -> None:
    aid = store.create_assessment(questionnaire=questionnaire, actor="Pat", role="practitioner",
                                  child_name="Ada Example", dob="2019-01-15", assessment_date="2026-03-02")
    child = store.summary(aid).child_id
    store.create_assessment(questionnaire=questionnaire, actor="Pat", child_id=child, child_name="Ada Renamed",
                            dob="2019-01-15", assessment_date="2026-03-02")  # renamed while the first is a draft
    store.submit(aid, reason="Sent now; the rest follows", actor="Pat", role="practitioner")
    store.sign_off(aid, actor="Sue", role="supervisor", score=5, reason="ok", outcome="Early help")
    assert store.get(aid).child.name == "Ada Example"
    assert [a.child_name for a in store.actions_due()] == []  # (no actions) - reading them works


def test_cli_reassess_with_changed_name(tmp_path: Path) -> None:
    runner = CliRunner()
    db = ["--db", str(tmp_path / "c.db")]
    first = runner.invoke(app, [*db, "new", "--child", "Ada Example", "--dob", "2019-01-15", "--date", "2026-03-02"])
    aid = first.stdout.strip()
    child = json.loads(runner.invoke(app, [*db, "show", aid[:8], "--json"]).stdout)["child"]["id"]
    second = runner.invoke(app, [*db, "new", "--child-id", child[:8], "--child", "Ada Other", "--json"])
    assert second.exit_code == 0, second.output
    assert json.loads(runner.invoke(app, [*db, "show", aid[:8], "--json"]).stdout)["child"]["name"] == "Ada Example"
    listed = {r["id"]: r["child_name"] for r in json.loads(runner.invoke(app, [*db, "list", "--json"]).stdout)}
    assert listed[aid] == "Ada Example" and json.loads(second.stdout)["child_name"] in listed.values()


# -- dates that cannot be right ----------------------------------------------------------------------------


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"unborn": True, "due": days(-6 * 365)}, "more than a month before"),
    ({"unborn": True, "due": days(2 * 365)}, "more than ten months after"),
    ({"dob": "2019-01-15", "assessment_date": "2099-01-01"}, "in the future"),
    ({"dob": "2019-01-15", "assessment_date": days(1)}, "in the future"),
    ({"dob": "1950-01-15", "assessment_date": "1960-01-01"}, "years ago"),
    ({"dob": days(1)}, "after the assessment date"),
    ({"dob": days(-18 * 366)}, "18 or older"),
])
def test_dates_that_cannot_be_right_are_refused(tmp_path: Path, questionnaire, kwargs: dict, match: str) -> None:
    with Store.open(tmp_path / "d.db") as store:
        with pytest.raises(ValidationError, match=match):
            store.create_assessment(questionnaire=questionnaire, actor="Pat", child_name="Cleo", **kwargs)
        assert store.count() == 0


@pytest.mark.parametrize("kwargs", [
    {"unborn": True, "due": days(-20)},  # a late baby, birth not yet recorded
    {"unborn": True, "due": days(280)},
    {"dob": days(-1)},
    {"dob": days(-17 * 365)},
    {"dob": "2019-01-15", "assessment_date": days(-20 * 365)},
    {"dob": "2019-01-15"},  # today
])
def test_plausible_dates_are_accepted(tmp_path: Path, questionnaire, kwargs: dict) -> None:
    if "assessment_date" in kwargs and kwargs["assessment_date"] < "2019-01-15":
        kwargs = {**kwargs, "dob": days(-21 * 365)}
    with Store.open(tmp_path / "d.db") as store:
        store.create_assessment(questionnaire=questionnaire, actor="Pat", child_name="Cleo", **kwargs)
        assert store.count() == 1


def test_reassessing_an_unborn_child_long_after_the_due_date_needs_the_date_of_birth(tmp_path: Path,
                                                                                     questionnaire) -> None:
    with Store.open(tmp_path / "d.db") as store:
        aid = store.create_assessment(questionnaire=questionnaire, actor="Pat", child_name="Baby", unborn=True,
                                      due=days(-300), assessment_date=days(-320))
        child = store.summary(aid).child_id
        with pytest.raises(ValidationError, match="give the date of birth"):
            store.create_assessment(questionnaire=questionnaire, actor="Pat", child_id=child)
        born = store.create_assessment(questionnaire=questionnaire, actor="Pat", child_id=child, dob=days(-295))
        assert store.summary(born).age_band == "0-2" and store.summary(aid).age_band == "unborn"


def test_cli_says_why_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "x.db"), "new", "--child", "X", "--unborn",
                                      "--due", days(-6 * 365)])
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "more than a month before the assessment date" in result.stderr


async def test_the_new_assessment_dialog_says_why(tmp_path: Path) -> None:
    from textual.widgets import Input

    from sg_assess.tui.dialogs.new_assessment import NewAssessmentDialog

    from textual.app import App

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(NewAssessmentDialog([("Safeguarding", "safeguarding-assessment")]))

    host = Host()
    async with host.run_test() as pilot:
        await pilot.pause()
        dialog = host.screen
        dialog.query_one("#name", Input).value = "Cleo"
        dialog.query_one("#dob", Input).value = "2019-01-15"
        dialog.query_one("#date", Input).value = "2099-01-01"
        assert "in the future" in (dialog._first_problem() or "")
        dialog.query_one("#date", Input).value = TODAY.isoformat()
        assert dialog._first_problem() is None
        dialog.query_one("#dob", Input).value = days(-19 * 365)
        assert "18 or older" in (dialog._first_problem() or "")


async def test_reassessing_from_an_older_assessment_offers_the_details_recorded_now(tmp_path: Path,
                                                                                   questionnaire) -> None:
    from textual.widgets import Input

    from sg_assess.tui.dialogs.new_assessment import NewAssessmentDialog
    from tests.test_tui import SIZE, make_app, settle, wait_for_screen

    db = tmp_path / "r.db"
    with Store.open(db) as store:
        first = store.create_assessment(questionnaire=questionnaire, actor="Test Worker", child_name="Ada Example",
                                        dob="2019-01-15", assessment_date="2026-03-02")
        store.create_assessment(questionnaire=questionnaire, actor="Test Worker", child_id=store.summary(first).child_id,
                                child_name="Ada Newname", assessment_date="2026-03-02")
        store.save_answer(first, "danger_statements", "edited last: listed first", actor="Test Worker")
    app_ = make_app(db, tmp_path)
    async with app_.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app_.screen.selected().id == first  # the older assessment, which shows the old name
        await pilot.press("r")
        dialog = await wait_for_screen(pilot, NewAssessmentDialog)
        assert dialog.query_one("#name", Input).value == "Ada Newname"
