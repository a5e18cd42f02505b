"""`sg-assess show`: rendered with Rich on a terminal, the readable Markdown when piped, JSON unchanged."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sg_assess.cli import app
from sg_assess.export.markdown import render_markdown
from sg_assess.store.repository import Store
from sg_assess.terminal import print_markdown

HOSTILE = "[bold red]Boo[/] [@click=app.quit]x[/] [link=https://e.org]y[/link] \x1b]52;c;aGk=\x07\x1b[2J z"
SGR = re.compile(r"\x1b\[[0-9;]*m")  # Rich's own colours and styles


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def hostile_record(store: Store, questionnaire):
    aid = store.create_assessment(questionnaire=questionnaire, actor=HOSTILE, child_name=HOSTILE, dob="2019-01-15",
                                  assessment_date="2026-03-02")
    store.save_answer(aid, "ethnicity", HOSTILE, actor=HOSTILE)
    return store.get(aid)


def test_on_a_terminal_show_renders_and_user_text_injects_nothing(hostile_record, monkeypatch) -> None:
    tty = FakeTty()
    monkeypatch.setattr(sys, "stdout", tty)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    print_markdown(render_markdown(hostile_record, show_ids=True))
    out = tty.getvalue()
    assert SGR.search(out)  # rendered, not raw Markdown
    assert "## Summary" not in out and "Summary" in out
    plain = SGR.sub("", out)
    assert "\x1b" not in plain and "\x07" not in plain  # no OSC 52, no clear screen: only Rich's own styles
    assert "]8;" not in out  # no terminal hyperlink
    flat = " ".join(plain.split())
    assert "[bold red]Boo[/] [@click=app.quit]x[/] [link=https://e.org]y[/link]" in flat  # markup shown literally


def test_piped_show_prints_the_readable_markdown(store: Store, questionnaire, db_path: Path) -> None:
    aid = store.create_assessment(questionnaire=questionnaire, actor="Sam Worker", child_name="Ada Example",
                                  dob="2019-01-15", assessment_date="2026-03-02")
    store.save_answer(aid, "ethnicity", "Ada's mum: 71% CSE/CCE, 2026-02-02 11:26.", actor="Sam Worker")
    result = CliRunner().invoke(app, ["--db", str(db_path), "show", aid[:8]])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("# Safeguarding assessment: Ada Example\n\n**DRAFT** not yet submitted for review\n")
    assert "Ada's mum: 71% CSE/CCE, 2026-02-02 11:26." in out and "\x1b" not in out
    assert "## Summary" in out and "`ethnicity`" in out  # question ids, to answer by
    assert "**Author:** Sam Worker" in out
    data = json.loads(CliRunner().invoke(app, ["--db", str(db_path), "show", aid[:8], "--json"]).stdout)
    assert data["answers"]["ethnicity"].startswith("Ada's mum") and "history" not in data  # --json unchanged


def test_list_starts_without_rich_markdown(store: Store, questionnaire, db_path: Path) -> None:
    store.create_assessment(questionnaire=questionnaire, actor="Sam Worker", child_name="Ada", dob="2019-01-15")
    code = ("import sys\nfrom sg_assess.entry import main\nsys.argv = ['sg-assess', '--db', sys.argv[1], 'list']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('LOADED' if 'rich.markdown' in sys.modules else 'NOT LOADED', file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code, str(db_path)], capture_output=True, text=True,
                            env={**os.environ}, timeout=120)
    assert "Ada" in result.stdout
    assert result.stderr.strip().endswith("NOT LOADED"), result.stderr
