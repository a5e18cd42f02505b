"""Bundles between a SQLite file and a team database, both ways, with the server's rules intact.

A file's names, statuses and reviews are whatever was typed on a laptop; the server records every change in
its author's own login and takes a review only from a supervisor's.  So a bundle from a file brings its
answers and their history into the importing login's own draft, in that login's name, with what the file
said besides kept in the import's history entry; a signed-off bundle from a file is refused in one line.
A bundle exported from the server imports into a file as any other.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sg_assess.errors import Refused
from sg_assess.store.bundle import import_bundle, render_bundle
from sg_assess.store.db import check_database, resolve_location
from sg_assess.store.repository import Store

pytestmark = [pytest.mark.xdist_group("postgresql"), pytest.mark.postgresql]

ROLES = {"pat": "practitioner", "pip": "practitioner", "sue": "supervisor", "sam": "supervisor"}
LAPTOP_PAT = {"actor": "Pat Smith", "role": "practitioner"}
LAPTOP_SUE = {"actor": "Sue Supervisor", "role": "supervisor"}


def who(login: str) -> dict[str, str]:
    return {"actor": login, "role": ROLES[login]}


@pytest.fixture
def laptop(tmp_path: Path, clock):
    s = Store.open(tmp_path / "laptop.db", clock=clock)
    yield s
    s.close()


@pytest.fixture
def server(pg_server, team_db, clock):
    """``server(login)``: the team database's store as that login."""
    opened: dict[str, Store] = {}

    def as_login(login: str) -> Store:
        if login not in opened:
            opened[login] = Store.open(pg_server.login(team_db, login, ROLES[login]), clock=clock)
        return opened[login]

    yield as_login
    for s in opened.values():
        s.close()


def export_to(store: Store, aid: str, path: Path) -> Path:
    path.write_text(render_bundle(store.get(aid)), encoding="utf-8")
    return path


def offline_draft(laptop: Store, questionnaire, person: dict[str, str] = LAPTOP_PAT) -> str:
    aid = laptop.create_assessment(questionnaire=questionnaire, child_name="Ada Example", dob="2019-01-15",
                                   assessment_date="2026-03-02", **person)
    laptop.save_answer(aid, "danger_statements", "Worried about the stairs", **person)
    laptop.save_answer(aid, "ethnicity", "White British", **person)
    return aid


def imported_entry(store: Store, aid: str) -> dict:
    return [h for h in store.history(aid) if h.kind == "imported"][-1].after


def seals(store: Store) -> list[str]:
    from sg_assess.store.dialect import driver_sql
    from sg_assess.store.freeze import verify

    with store.engine.connect() as conn:
        return verify(driver_sql(conn), "postgresql")


# -- file -> team database ---------------------------------------------------------------------------


def test_an_offline_draft_becomes_the_importers_draft_in_their_name(laptop, server, questionnaire,
                                                                   tmp_path: Path) -> None:
    aid = offline_draft(laptop, questionnaire)
    bundle = export_to(laptop, aid, tmp_path / "ada.json")
    pat = server("pat")
    notes: list[str] = []
    assert import_bundle(pat, bundle, actor="Typed Name", role="supervisor", notes=notes) == aid
    record = pat.get(aid)
    assert (record.summary.status, record.summary.practitioner, record.owner) == ("draft", "pat", "pat")
    assert record.answers == laptop.get(aid).answers
    assert {(h.actor, h.role) for h in record.history} == {("pat", "practitioner")}  # the server allows no other
    entry = imported_entry(pat, aid)
    assert {row[3] for row in entry["recorded_in_file_as"]} == {"Pat Smith"}  # the file's names, kept visibly
    assert any("recorded in your login's name (pat)" in n and "Pat Smith" in n for n in notes)
    # The workflow rules still hold: pat goes on, submits; a supervisor who did not touch it signs off.
    pat.save_answer(aid, "existing_strengths", "Grandma visits", **who("pat"))
    pat.submit(aid, reason="Sent now; the rest follows", **who("pat"))
    server("sue").sign_off(aid, score=6, reason="Fine", outcome="Early help", **who("sue"))
    assert seals(pat) == []


def test_a_submitted_and_returned_bundle_arrives_as_a_draft_with_its_review_kept_visibly(
        laptop, server, questionnaire, tmp_path: Path) -> None:
    aid = offline_draft(laptop, questionnaire)
    laptop.submit(aid, reason="Sent now; the rest follows", **LAPTOP_PAT)
    laptop.return_assessment(aid, comment="Add the father's view", **LAPTOP_SUE)
    bundle = export_to(laptop, aid, tmp_path / "ada.json")
    pat = server("pat")
    notes: list[str] = []
    import_bundle(pat, bundle, actor="pat", role="practitioner", notes=notes)
    record = pat.get(aid)
    assert record.summary.status == "draft" and record.reviews == [] and record.comments == []
    entry = imported_entry(pat, aid)
    assert entry["status_in_file"] == "returned"
    assert entry["reviews_in_file"][0]["actor"] == "Sue Supervisor"
    assert entry["reviews_in_file"][0]["comment"] == "Add the father's view"
    assert [e["kind"] for e in entry["events_in_file"]] == ["submitted", "returned"]
    assert any("here it is your draft" in n for n in notes)
    assert any("kept in the import's history entry, not added" in n for n in notes)


def test_a_supervisor_who_imports_a_bundle_edited_it_so_cannot_sign_it_off(laptop, server, questionnaire,
                                                                          tmp_path: Path) -> None:
    aid = offline_draft(laptop, questionnaire)
    sue = server("sue")
    import_bundle(sue, export_to(laptop, aid, tmp_path / "ada.json"), actor="x", role="practitioner")
    sue.submit(aid, reason="Sent now; the rest follows", **who("sue"))
    with pytest.raises(Refused, match="you wrote or edited"):
        sue.sign_off(aid, score=6, reason="Fine", outcome="Early help", **who("sue"))
    server("sam").sign_off(aid, score=6, reason="Fine", outcome="Early help", **who("sam"))


def test_a_signed_off_bundle_from_a_file_cannot_make_a_record_signed_off(laptop, server, questionnaire,
                                                                         tmp_path: Path) -> None:
    aid = offline_draft(laptop, questionnaire)
    laptop.submit(aid, reason="Sent now; the rest follows", **LAPTOP_PAT)
    laptop.sign_off(aid, score=7, reason="Fine", outcome="Early help", **LAPTOP_SUE)
    bundle = export_to(laptop, aid, tmp_path / "ada.json")
    pat = server("pat")
    with pytest.raises(Refused) as info:
        import_bundle(pat, bundle, actor="pat", role="practitioner")
    message = str(info.value)
    assert "\n" not in message and "signed off by Sue Supervisor in a file" in message
    assert "nothing was imported" in message
    assert pat.count() == 0


# -- team database -> file ---------------------------------------------------------------------------


def test_a_record_signed_off_on_the_server_imports_into_a_file(laptop, server, questionnaire, tmp_path: Path) -> None:
    pat, sue = server("pat"), server("sue")
    aid = pat.create_assessment(questionnaire=questionnaire, child_name="Bo Example", dob="2018-05-01",
                                assessment_date="2026-03-02", **who("pat"))
    pat.save_answer(aid, "danger_statements", "Worried", **who("pat"))
    pat.submit(aid, reason="Sent now; the rest follows", **who("pat"))
    sue.sign_off(aid, score=6, reason="Fine", outcome="Early help", **who("sue"))
    server("pip").add_comment(aid, "Seen at school", **who("pip"))
    bundle = export_to(pat, aid, tmp_path / "bo.json")
    import_bundle(laptop, bundle, actor="Pat Smith", role="practitioner")
    record = laptop.get(aid)
    assert record.summary.status == "signed_off" and [r.actor for r in record.reviews] == ["sue"]
    assert [c.author for c in record.comments] == ["pip"] and record.answers == pat.get(aid).answers
    assert check_database(resolve_location(laptop.location.path), seals=True) == []


# -- merges: a record already on the server ----------------------------------------------------------


def test_a_round_trip_merges_with_the_two_places_rule(laptop, server, questionnaire, tmp_path: Path, clock) -> None:
    pat = server("pat")
    aid = pat.create_assessment(questionnaire=questionnaire, child_name="Cy Example", dob="2017-02-01",
                                assessment_date="2026-03-02", **who("pat"))
    pat.save_answer(aid, "danger_statements", "Worried", **who("pat"))
    import_bundle(laptop, export_to(pat, aid, tmp_path / "out.json"), actor="pat", role="practitioner")
    clock.advance(minutes=20)
    laptop.save_answer(aid, "danger_statements", "Worried (laptop)", **who("pat"))  # changed in both places
    laptop.save_answer(aid, "ethnicity", "Mixed", **who("pat"))  # only on the laptop
    clock.advance(minutes=1)
    pat.save_answer(aid, "danger_statements", "Worried (server)", **who("pat"))
    back = export_to(laptop, aid, tmp_path / "back.json")
    notes: list[str] = []
    import_bundle(pat, back, actor="pat", role="practitioner", notes=notes)
    answers = pat.get(aid).answers
    assert answers["ethnicity"] == "Mixed"
    assert "Worried (server)" in answers["danger_statements"] and "Worried (laptop)" in answers["danger_statements"]
    assert any("changed both here and by pat" in n for n in notes)
    with pytest.raises(Refused, match="already holds everything"):
        import_bundle(pat, back, actor="pat", role="practitioner")  # the same bundle twice adds nothing


def test_a_merge_into_a_record_the_login_may_not_edit_is_refused(laptop, server, questionnaire,
                                                                tmp_path: Path) -> None:
    pat = server("pat")
    aid = pat.create_assessment(questionnaire=questionnaire, child_name="Di Example", dob="2017-02-01",
                                assessment_date="2026-03-02", **who("pat"))
    import_bundle(laptop, export_to(pat, aid, tmp_path / "out.json"), actor="pat", role="practitioner")
    laptop.save_answer(aid, "ethnicity", "Mixed", **who("pat"))
    back = export_to(laptop, aid, tmp_path / "back.json")
    with pytest.raises(Refused, match="is pat's to edit here, so it takes no changes"):
        import_bundle(server("pip"), back, actor="pip", role="practitioner")
    pat.submit(aid, reason="Sent now; the rest follows", **who("pat"))
    with pytest.raises(Refused, match="is submitted for review here"):
        import_bundle(pat, back, actor="pat", role="practitioner")
    assert "ethnicity" not in pat.get(aid).answers


def test_comments_alone_from_a_file_are_not_taken(laptop, server, questionnaire, tmp_path: Path) -> None:
    pat = server("pat")
    aid = pat.create_assessment(questionnaire=questionnaire, child_name="Ed Example", dob="2017-02-01",
                                assessment_date="2026-03-02", **who("pat"))
    import_bundle(laptop, export_to(pat, aid, tmp_path / "out.json"), actor="pat", role="practitioner")
    laptop.add_comment(aid, "A note made offline", **LAPTOP_SUE)
    with pytest.raises(Refused, match="holds no change to the answers") as info:
        import_bundle(pat, export_to(laptop, aid, tmp_path / "back.json"), actor="pat", role="practitioner")
    assert "\n" not in str(info.value)
    assert pat.get(aid).comments == []


def test_the_cli_imports_a_file_bundle_into_the_team_database(laptop, pg_server, team_db, questionnaire,
                                                              tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sg_assess.cli import app

    aid = offline_draft(laptop, questionnaire)
    bundle = export_to(laptop, aid, tmp_path / "ada.json")
    url = pg_server.login(team_db, "pat", "practitioner")
    result = CliRunner().invoke(app, ["--db", url, "import", str(bundle), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["id"] == aid and any("recorded in your login's name (pat)" in n for n in data["notes"])
    with Store.open(url) as pat:
        assert pat.get(aid).owner == "pat"
