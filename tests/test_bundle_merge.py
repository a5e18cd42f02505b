"""Issue 9: an import never deletes work done here, and believes nothing a live change could not have made."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Callable

import pytest
from typer.testing import CliRunner

from sg_assess.cli import app
from sg_assess.errors import Refused, ValidationError
from sg_assess.store.bundle import _canonical, import_bundle, render_bundle
from sg_assess.store.repository import Store
from tests.clirun import Target
from tests.conftest import DATABASES, PeopleStore

PAT = {"actor": "Pat Practitioner", "role": "practitioner"}
SUE = {"actor": "Sue Supervisor", "role": "supervisor"}


def export_to(store: Store, aid: str, path: Path) -> Path:
    path.write_text(render_bundle(store.get(aid)), encoding="utf-8")
    return path


def forge(good: Path, out: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """What anyone can do: edit the content and recompute the checksum."""
    data = json.loads(good.read_text(encoding="utf-8"))
    change(data["content"])
    data["sha256"] = hashlib.sha256(_canonical(data["content"])).hexdigest()
    out.write_text(json.dumps(data), encoding="utf-8")
    return out


def new_draft(store: Store, questionnaire) -> str:
    return store.create_assessment(questionnaire=questionnaire, child_name="Ada Example", dob="2019-01-15",
                                   assessment_date="2026-03-02", **PAT)


@pytest.fixture
def machines(tmp_path: Path, clock):
    a = Store.open(tmp_path / "a.db", clock=clock)
    b = Store.open(tmp_path / "b.db", clock=clock)
    yield a, b
    a.close()
    b.close()


def answers_of(store: Store, aid: str) -> dict:
    return store.get(aid).answers


def entries(store: Store, aid: str, qid: str | None = None, kind: str | None = None) -> list:
    return [h for h in store.history(aid) if (qid is None or h.question_id == qid) and (kind is None or h.kind == kind)]


# -- severe 1: the A/B scenario ----------------------------------------------------------------


def test_importing_a_newer_bundle_keeps_the_work_done_here(machines, questionnaire, tmp_path: Path, clock) -> None:
    """A exports t1; B imports it and answers a question; A changes another answer and exports t2; B imports t2."""
    a, b = machines
    aid = new_draft(a, questionnaire)
    a.save_answer(aid, "danger_statements", "Worried about the stairs", **PAT)
    t1 = export_to(a, aid, tmp_path / "t1.json")
    clock.advance(minutes=1)
    import_bundle(b, t1, **PAT)
    clock.advance(minutes=1)
    b.save_answer(aid, "existing_strengths", "Grandma visits daily", **PAT)  # work done on B
    clock.advance(minutes=20)
    a.save_answer(aid, "danger_statements", "Worried about the stairs and the balcony", **PAT)  # A's change
    t2 = export_to(a, aid, tmp_path / "t2.json")
    clock.advance(minutes=1)
    notes: list[str] = []
    import_bundle(b, t2, **PAT, notes=notes)
    got = answers_of(b, aid)
    assert got["existing_strengths"] == "Grandma visits daily"  # B's answer survives
    assert got["danger_statements"] == "Worried about the stairs and the balcony"  # A's change arrives
    assert [h.after for h in entries(b, aid, "existing_strengths")] == ["Grandma visits daily"]  # and its history
    assert [h.after for h in entries(b, aid, "danger_statements", "answer")] == [
        "Worried about the stairs", "Worried about the stairs and the balcony"]
    history = b.history(aid)
    assert [h.started_at for h in history] == sorted(h.started_at for h in history)  # in time order
    imported = entries(b, aid, kind="imported")[-1].after
    assert imported["kept_from_here"] == ["existing_strengths"]
    assert imported["replaced"] == {"danger_statements": "Worried about the stairs"}  # the state before, recoverable
    assert notes == ["kept the changes made here to existing_strengths"]
    assert b.list(search="Grandma")[0].id == aid and b.list(search="balcony")[0].id == aid


def test_an_answer_changed_in_both_places_keeps_both(machines, questionnaire, tmp_path: Path, clock) -> None:
    a, b = machines
    aid = new_draft(a, questionnaire)
    a.save_answer(aid, "danger_statements", "Stairs", **PAT)
    a.save_answer(aid, "child_seen", "yes", **PAT)
    import_bundle(b, export_to(a, aid, tmp_path / "t1.json"), **PAT)
    clock.advance(minutes=20)
    b.save_answer(aid, "danger_statements", "Stairs, seen by B", **PAT)
    b.save_answer(aid, "child_seen", "no", **PAT)
    clock.advance(seconds=1)  # two machines never save at the same microsecond
    a.save_answer(aid, "danger_statements", "Stairs, seen by A", **PAT)
    a.save_answer(aid, "child_seen", "yes", **PAT)  # unchanged on A: not a conflict
    a.save_answer(aid, "ethnicity", "White British", **PAT)
    clock.advance(minutes=1)
    notes: list[str] = []
    import_bundle(b, export_to(a, aid, tmp_path / "t2.json"), **PAT, notes=notes)
    got = answers_of(b, aid)
    assert got["danger_statements"].startswith("Stairs, seen by B") and got["danger_statements"].endswith(
        "Stairs, seen by A") and "kept so nothing is lost" in got["danger_statements"]
    assert got["child_seen"] == "no" and got["ethnicity"] == "White British"
    assert any("danger_statements was changed both here" in n for n in notes)


def test_a_non_text_answer_changed_in_both_places_keeps_the_other_in_the_history(
        machines, questionnaire, tmp_path: Path, clock) -> None:
    a, b = machines
    aid = new_draft(a, questionnaire)
    import_bundle(b, export_to(a, aid, tmp_path / "t1.json"), **PAT)
    clock.advance(minutes=20)
    b.save_answer(aid, "child_seen", "no", **PAT)
    clock.advance(seconds=1)
    a.save_answer(aid, "child_seen", "yes", **PAT)
    notes: list[str] = []
    import_bundle(b, export_to(a, aid, tmp_path / "t2.json"), **PAT, notes=notes)
    assert answers_of(b, aid)["child_seen"] == "no"
    conflict = entries(b, aid, "child_seen", "conflict")
    assert [(h.before, h.after) for h in conflict] == [("yes", "no")]
    assert notes and "the other is in the history" in notes[-1]


def test_a_bundle_with_nothing_new_is_refused_and_changes_nothing(machines, questionnaire, tmp_path: Path, clock) -> None:
    a, b = machines
    aid = new_draft(a, questionnaire)
    t1 = export_to(a, aid, tmp_path / "t1.json")
    import_bundle(b, t1, **PAT)
    clock.advance(minutes=20)
    b.save_answer(aid, "ethnicity", "x", **PAT)
    before = b.history(aid)
    with pytest.raises(Refused, match="already holds everything"):
        import_bundle(b, t1, **PAT)
    assert b.history(aid) == before and answers_of(b, aid)["ethnicity"] == "x"


def signed_off_on_a(a: Store, aid: str) -> None:
    a.submit(aid, reason="Sent now; the rest follows", **PAT)
    a.sign_off(aid, score=6, reason="Holding", outcome="Early help", **SUE)


def test_a_signed_off_bundle_never_replaces_work_done_here(machines, questionnaire, tmp_path: Path, clock) -> None:
    a, b = machines
    aid = new_draft(a, questionnaire)
    import_bundle(b, export_to(a, aid, tmp_path / "t1.json"), **PAT)
    clock.advance(minutes=20)
    b.save_answer(aid, "ethnicity", "only here", **PAT)
    signed_off_on_a(a, aid)
    with pytest.raises(Refused, match=r"is signed off, but it was changed here .*\(ethnicity\)"):
        import_bundle(b, export_to(a, aid, tmp_path / "t2.json"), **PAT)
    assert b.summary(aid).status == "draft" and answers_of(b, aid)["ethnicity"] == "only here"


def test_a_signed_off_bundle_brings_a_copy_with_no_work_here_up_to_date(
        machines, questionnaire, tmp_path: Path, clock) -> None:
    a, b = machines
    aid = new_draft(a, questionnaire)
    import_bundle(b, export_to(a, aid, tmp_path / "t1.json"), **PAT)
    clock.advance(minutes=20)
    a.save_answer(aid, "ethnicity", "from A", **PAT)
    signed_off_on_a(a, aid)
    import_bundle(b, export_to(a, aid, tmp_path / "t2.json"), **PAT)
    record = b.get(aid)
    assert record.summary.status == "signed_off" and record.answers["ethnicity"] == "from A"
    assert record.sign_off.actor == "Sue Supervisor"
    with pytest.raises(Refused):
        b.save_answer(aid, "ethnicity", "x", **PAT)


def test_both_copies_moved_on_in_the_workflow_is_refused(machines, questionnaire, tmp_path: Path, clock) -> None:
    a, b = machines
    aid = new_draft(a, questionnaire)
    a.hand_over(aid, to="Kim Other", **PAT)
    import_bundle(b, export_to(a, aid, tmp_path / "t1.json"), **PAT)
    clock.advance(minutes=20)
    kim = {"actor": "Kim Other", "role": "practitioner"}
    b.submit(aid, reason="Sent now; the rest follows", **kim)  # here: submitted
    a.hand_over(aid, to="Lee Third", **kim)  # there: handed over again
    with pytest.raises(Refused, match=r"moved on both here \(submitted\) and in t2.json \(handed over\)"):
        import_bundle(b, export_to(a, aid, tmp_path / "t2.json"), **PAT)
    assert b.summary(aid).status == "submitted"


@pytest.fixture(params=DATABASES)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Target:
    """The database the CLI imports into: a file ('b.db'), or a team database standing for it."""
    return Target(request.param, tmp_path / "b.db",
                  request.getfixturevalue("pg_server") if request.param == "postgresql" else None)


def test_cli_import_tells_what_was_kept(tmp_path: Path, questionnaire, clock, target: Target) -> None:
    b = PeopleStore(target.server, target.database(), clock, first=PAT["actor"]) if target.on_server \
        else Store.open(tmp_path / "b.db", clock=clock)  # on a server: Pat's own login
    a = Store.open(tmp_path / "a.db", clock=clock)
    try:
        aid = new_draft(a, questionnaire)
        import_bundle(b, export_to(a, aid, tmp_path / "t1.json"), **PAT)
        clock.advance(minutes=20)
        b.save_answer(aid, "existing_strengths", "Grandma", **PAT)
        a.save_answer(aid, "ethnicity", "x", **PAT)
        export_to(a, aid, tmp_path / "t2.json")
    finally:
        a.close()
        b.close()
    result = CliRunner().invoke(app, target.argv(["--db", str(tmp_path / "b.db"), "--as", "Pat Practitioner",
                                                  "import", str(tmp_path / "t2.json")]))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == "kept the changes made here to existing_strengths"


# -- severe 2: a bundle's claims -----------------------------------------------------------------


@pytest.fixture
def draft_bundle(tmp_path: Path, questionnaire, clock) -> Path:
    with Store.open(tmp_path / "src.db", clock=clock) as a:
        aid = new_draft(a, questionnaire)
        a.save_answer(aid, "child_seen", "yes", **PAT)
        a.save_answer(aid, "danger_statements", "Stairs", **PAT)
        return export_to(a, aid, tmp_path / "draft.json")


def _sign_off_claim(reviewer: str, *, with_events: bool) -> Callable[[dict], None]:
    def change(c: dict) -> None:
        at = "2026-03-02T09:30:00.000000+00:00"  # the tests import at 10:00
        c.update(status="signed_off", signed_off_at=at, submitted_at=at if with_events else None)
        c["reviews"] = [{"id": 1, "decision": "signed_off", "actor": reviewer, "role": "supervisor", "at": at,
                         "comment": "ok", "score": 9, "declaration": "I sign it off"}]
        if with_events:
            c["history"] += [{"id": 90, "question_id": None, "kind": kind, "actor": who, "role": role,
                              "started_at": at, "at": at, "before": None, "after": None}
                             for kind, who, role in (("submitted", "Pat Practitioner", "practitioner"),
                                                     ("signed_off", reviewer, "supervisor"))]
    return change


@pytest.mark.parametrize(("change", "message"), [
    (lambda c: c.update(status="approved"), "unknown status 'approved'"),
    (_sign_off_claim("Sue Supervisor", with_events=False), "holds no submission"),
    (_sign_off_claim("Pat Practitioner", with_events=True), "nobody signs off their own work"),
    (_sign_off_claim("  pat   PRACTITIONER ", with_events=True), "nobody signs off their own work"),
    (lambda c: c["answers"].update(child_seen="maybe"), "must be yes or no, not 'maybe'"),
    (lambda c: c["answers"].update(child_seen=True), "not stored as sg-assess stores it"),
    (lambda c: c["answers"].update(danger_statements=["a list"]), "must be text, not list"),
    (lambda c: c.update(updated_at="2099-01-01T00:00:00+00:00"), "change time in the future"),
    (lambda c: c.update(assessment_date="2099-01-01"), "assessment date in the future"),
    (lambda c: c["history"][0].update(at="2099-01-01T00:00:00+00:00"), "history time in the future"),
    (lambda c: c["history"][0].update(at="yesterday"), "not a time"),
    (lambda c: c.update(status="submitted"), "holds no submission"),
])
def test_a_forged_bundle_is_refused_in_one_line(draft_bundle: Path, tmp_path: Path, clock, change, message) -> None:
    forged = forge(draft_bundle, tmp_path / "forged.json", change)
    clock.advance(hours=1)
    with Store.open(tmp_path / "b.db", clock=clock) as b:
        with pytest.raises(ValidationError, match=message) as info:
            import_bundle(b, forged, **PAT)
        assert b.count() == 0
    assert "\n" not in str(info.value) and str(info.value).endswith("nothing was imported")


def test_an_honest_sign_off_by_someone_else_is_accepted(draft_bundle: Path, tmp_path: Path, clock) -> None:
    forged = forge(draft_bundle, tmp_path / "ok.json", _sign_off_claim("Sue Supervisor", with_events=True))
    clock.advance(hours=1)
    with Store.open(tmp_path / "b.db", clock=clock) as b:
        aid = import_bundle(b, forged, **PAT)
        assert b.summary(aid).status == "signed_off"


def test_cli_refuses_a_forged_sign_off_in_one_line(draft_bundle: Path, tmp_path: Path, target: Target) -> None:
    forged = forge(draft_bundle, tmp_path / "forged.json", _sign_off_claim("Pat Practitioner", with_events=True))
    result = CliRunner().invoke(app, target.argv(["--db", str(tmp_path / "b.db"), "import", str(forged)]))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1 and "own work" in result.stderr


def test_deeply_nested_brackets_are_refused_in_one_line(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.json"
    bomb.write_text("[" * 100_000 + "]" * 100_000)
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "b.db"), "import", str(bomb)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "nested too deeply" in result.stderr and len(result.stderr.strip().splitlines()) == 1
