"""Hand-off bundles: lossless round trips, tampering and truncation refused, newer copies never overwritten."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sg_assess.cli import app
from sg_assess.errors import Refused, ValidationError
from sg_assess.store.bundle import import_bundle, render_bundle
from sg_assess.records import AssessmentRecord
from sg_assess.store.repository import Store
from tests.clirun import Target
from tests.conftest import DATABASES

PAT = {"actor": "Pat Practitioner", "role": "practitioner"}
SUE = {"actor": "Sue Supervisor", "role": "supervisor"}
KIM = {"actor": "Kim Receiver", "role": "practitioner"}


def comparable(record: AssessmentRecord) -> dict:
    """Everything but row numbers, and the history entry the import itself adds."""
    data = dataclasses.asdict(record)
    data["history"] = [{k: v for k, v in h.items() if k != "id"} for h in data["history"] if h["kind"] != "imported"]
    for key in ("reviews", "addenda"):
        data[key] = [{k: v for k, v in r.items() if k != "id"} for r in data[key]]
    ids = {c["id"]: i for i, c in enumerate(data["comments"])}
    data["comments"] = [{**{k: v for k, v in c.items() if k != "id"}, "parent_id": ids.get(c["parent_id"])}
                        for c in data["comments"]]
    data.pop("questionnaire")  # compared by its hash
    return data


def full_record(store: Store, questionnaire, text: str = "Worried about the stairs") -> str:
    aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada Example", dob="2019-01-15",
                                  assessment_date="2026-03-02", **PAT)
    store.save_answer(aid, "danger_statements", text, **PAT)
    store.save_answer(aid, "safety_scale", [{"who": "Mum", "score": 6, "reason": text}], **PAT)
    store.save_answer(aid, "next_steps", [{"what": "Gate", "who": "Mum", "review_date": "2026-04-01"}], **PAT)
    first = store.add_comment(aid, "Dad?", section_id="worries", **SUE)
    store.add_comment(aid, "Not reached", reply_to=first, **PAT)
    store.submit(aid, reason="Sent now; the rest follows", **PAT)
    store.sign_off(aid, score=6, reason="Holding", outcome="Early help", **SUE)
    store.add_addendum(aid, reason="Typo", addendum="Correction", **PAT)
    return aid


def export_to(store: Store, aid: str, path: Path) -> Path:
    path.write_text(render_bundle(store.get(aid)), encoding="utf-8")
    return path


def test_round_trip_is_lossless(tmp_path: Path, questionnaire) -> None:
    with Store.open(tmp_path / "a.db") as a, Store.open(tmp_path / "b é.db") as b:
        aid = full_record(a, questionnaire)
        bundle = export_to(a, aid, tmp_path / "hand off.bundle.json")
        assert import_bundle(b, bundle, **KIM) == aid
        original, copy = a.get(aid), b.get(aid)
        assert comparable(copy) == comparable(original)
        assert copy.questionnaire_hash == original.questionnaire_hash
        imported = [h for h in copy.history if h.kind == "imported"]
        assert len(imported) == 1 and imported[0].actor == "Kim Receiver"
        assert b.list(search="stairs")[0].id == aid and [x.what for x in b.actions_due()] == ["Gate"]
        with pytest.raises(Refused, match="signed off here"):  # and it is frozen there too
            import_bundle(b, bundle, **KIM)
        with pytest.raises(Refused):
            b.save_answer(aid, "ethnicity", "x", **PAT)


@given(text=st.text(min_size=1, max_size=200).filter(lambda s: s.strip()))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_round_trip_property(tmp_path_factory, questionnaire, text: str) -> None:
    folder = tmp_path_factory.mktemp("rt")
    with Store.open(folder / "a.db") as a, Store.open(folder / "b.db") as b:
        aid = full_record(a, questionnaire, text)
        import_bundle(b, export_to(a, aid, folder / "x.json"), **KIM)
        assert comparable(b.get(aid)) == comparable(a.get(aid))


def test_tampered_truncated_and_foreign_files_are_refused(tmp_path: Path, questionnaire) -> None:
    with Store.open(tmp_path / "a.db") as a:
        aid = full_record(a, questionnaire)
        good = export_to(a, aid, tmp_path / "good.json")
    data = json.loads(good.read_text())
    data["content"]["answers"]["danger_statements"] = "Nothing to worry about"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(data))
    truncated = tmp_path / "truncated.json"
    truncated.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    foreign = tmp_path / "foreign.json"
    foreign.write_text('{"hello": "world"}')
    with Store.open(tmp_path / "b.db") as b:
        for path, message in ((tampered, "changed or damaged"), (truncated, "not a complete bundle"),
                              (foreign, "not an sg-assess bundle")):
            with pytest.raises(ValidationError, match=message):
                import_bundle(b, path, **KIM)
        assert b.count() == 0


def test_a_newer_copy_is_never_overwritten(tmp_path: Path, questionnaire, clock) -> None:
    with Store.open(tmp_path / "a.db", clock=clock) as a, Store.open(tmp_path / "b.db", clock=clock) as b:
        aid = a.create_assessment(questionnaire=questionnaire, child_name="Ada", dob="2019-01-15",
                                  assessment_date="2026-03-02", **PAT)  # on the clock's day: no future dates
        a.save_answer(aid, "ethnicity", "old", **PAT)
        old = export_to(a, aid, tmp_path / "old.json")
        clock.advance(minutes=30)
        a.save_answer(aid, "ethnicity", "new", **PAT)
        new = export_to(a, aid, tmp_path / "new.json")
        import_bundle(b, new, **PAT)
        with pytest.raises(Refused, match="same or newer"):
            import_bundle(b, old, **PAT)
        assert b.get(aid).answers["ethnicity"] == "new"
        c = Store.open(tmp_path / "c.db", clock=clock)
        import_bundle(c, old, **PAT)
        import_bundle(c, new, **PAT)  # an older local copy is brought up to date
        assert c.get(aid).answers["ethnicity"] == "new"
        c.close()


@pytest.mark.parametrize("kind", DATABASES)
def test_cli_export_bundle_and_import(tmp_path: Path, questionnaire, kind: str, request: pytest.FixtureRequest) -> None:
    """From a file into a second database: another file, or a team database (as the login Kim)."""
    target = Target(kind, tmp_path / "b.db", request.getfixturevalue("pg_server") if kind == "postgresql" else None)
    with Store.open(tmp_path / "a.db") as a:
        aid = full_record(a, questionnaire)
    runner = CliRunner()
    out = runner.invoke(app, ["--db", str(tmp_path / "a.db"), "export", aid[:8], "--format", "bundle", "-o",
                              str(tmp_path)])
    assert out.exit_code == 0, out.stderr
    path = Path(out.stdout.strip())
    assert path.name.endswith(".bundle.json")
    if target.on_server:  # a sign-off made on a file names people the server cannot vouch for: one-line refusal
        refused = runner.invoke(app, target.argv(["--db", str(tmp_path / "b.db"), "--as", "Pat Practitioner",
                                                  "import", str(path)]))
        assert refused.exit_code == 1 and "signed off by Sue Supervisor in a file" in refused.stderr, refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.output
        assert runner.invoke(app, target.argv(["list", "--json"])).stdout.strip() == "[]"
        return
    result = runner.invoke(app, target.argv(["--db", str(tmp_path / "b.db"), "--as", "Kim", "import", str(path)]))
    assert result.exit_code == 0 and f"imported {aid[:8]}" in result.stdout, result.stderr
    again = runner.invoke(app, target.argv(["--db", str(tmp_path / "b.db"), "import", str(path)]))
    assert again.exit_code == 1 and "never replaced" in again.stderr and "Traceback" not in again.output
