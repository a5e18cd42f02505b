"""Redacted exports: no recorded name and no date of birth survives (checked on the demo data)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from sg_assess.cli import app
from sg_assess.demo import ensure_demo_db
from sg_assess.export.jsonexport import render_json
from sg_assess.export.markdown import render_markdown
from sg_assess.export.redact import initials, redact
from sg_assess.store.records import AssessmentRecord
from sg_assess.store.repository import Store


def recorded_names(record: AssessmentRecord) -> set[str]:
    names = {record.summary.child_name, record.summary.practitioner, record.owner}
    for question in record.questionnaire.questions():
        for row in record.answers.get(question.id) or [] if question.kind in ("people", "scale", "actions") else []:
            names.update(v for k, v in row.items() if k in ("name", "who") and v)
    names |= {r.actor for r in record.reviews} | {c.author for c in record.comments} | {h.actor for h in record.history}
    return {n for n in names if n}


def name_words(names: set[str]) -> set[str]:
    return {w for n in names for w in re.findall(r"[^\W\d_][\w'’-]*", n) if len(w) >= 2 and w[:1].isupper()}


def test_no_recorded_name_survives_in_the_demo(tmp_path: Path) -> None:
    ids, _ = ensure_demo_db(tmp_path / "demo.db")
    with Store.open(tmp_path / "demo.db") as store:
        for aid in ids:
            record = store.get(aid)
            names = recorded_names(record)
            assert len(names) >= 2
            # The questionnaire's own words (the fictional "Sam Worker" meets "social worker") are not about anyone.
            asked = record.questionnaire.source.casefold()
            words = {w for w in name_words(names) if not re.search(rf"(?<!\w){re.escape(w.casefold())}(?!\w)", asked)}
            assert len(words) >= 2
            for text in (render_markdown(redact(record)), render_json(redact(record))):
                flat = text.replace("\\", "")  # Markdown escapes
                for word in words:
                    assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", flat, re.IGNORECASE), (aid, word)
            if record.child.dob:
                assert record.child.dob not in render_markdown(redact(record)).replace("\\", "")


def test_people_become_roles_and_the_child_initials(tmp_path: Path, questionnaire) -> None:
    with Store.open(tmp_path / "r.db") as store:
        aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada Example", dob="2019-01-15",
                                      actor="Sam Worker")
        store.save_answer(aid, "parents", [{"name": "Gwen Example", "relationship": "Mother"},
                                           {"name": "Jay Smith", "relationship": "Partner of Gwen"}], actor="Sam Worker")
        store.save_answer(aid, "danger_statements", "Gwen said ADA is scared of Jay; ada example cried.", actor="Sam Worker")
        record = redact(store.get(aid))
    assert record.summary.child_name == "the child (A.E.)" and record.summary.practitioner == "S.W."
    assert record.answers["parents"][0]["name"] == "Mother"
    assert record.answers["parents"][1]["name"] == "Partner of [name]"  # a name inside a role is scrubbed too
    assert record.answers["danger_statements"] == (
        "Mother said the child (A.E.) is scared of Partner of [name]; the child (A.E.) cried.")
    assert record.child.dob == "withheld (age band 5-9)"
    assert initials("  ") == "[name]"


def test_cli_redact(tmp_path: Path) -> None:
    ids, _ = ensure_demo_db(tmp_path / "demo.db")
    runner = CliRunner()
    result = runner.invoke(app, ["--db", str(tmp_path / "demo.db"), "export", ids[0][:8], "--redact", "-o", "-"])
    assert result.exit_code == 0 and "Ada" not in result.stdout and "the child" in result.stdout
    out = tmp_path / "audit"
    result = runner.invoke(app, ["--db", str(tmp_path / "demo.db"), "export", "--all", "--redact", "--format", "json",
                                 "--out", str(out)])
    assert result.exit_code == 0
    assert all("Example" not in f.read_text() for f in out.glob("*.json"))
    assert all(json.loads(f.read_text())["assessment"]["child"]["dob"] in (None,) or
               json.loads(f.read_text())["assessment"]["child"]["dob"].startswith("withheld") for f in out.glob("*.json"))
    refused = runner.invoke(app, ["--db", str(tmp_path / "demo.db"), "export", ids[0][:8], "--redact", "--format",
                                  "bundle", "-o", "-"])
    assert refused.exit_code == 2 and "cannot be redacted" in refused.stderr
