"""Hostile input, case by case: stored and shown literally in the TUI, in 'show' and in the Markdown export.

Each input goes in as a child's name, an answer of each text kind (and a group
row), a comment, an addendum, and a questionnaire's prompt and help.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from textual.widgets import DataTable, Input, Label, Static, TextArea
from typer.testing import CliRunner

from sg_assess.cli import app
from sg_assess.errors import QuestionnaireError, ValidationError
from sg_assess.export import write_export
from sg_assess.export.markdown import render_markdown
from sg_assess.questionnaire.loader import parse_questionnaire
from sg_assess.questionnaire.values import clean_text
from sg_assess.safetext import strip_controls, visible
from sg_assess.store.repository import Store
from sg_assess.tui.app import create_app
from sg_assess.tui.screens.editor import EditorScreen
from sg_assess.export.jsonexport import render_json
from sg_assess.store.search import document_words
from tests.conftest import on_server
from tests.test_tui import SIZE, TODAY, settle, wait_for_screen

HOSTILE = {
    "rich bold": "[bold]x[/]",
    "rich link": "[link=https://example.org]x[/link]",
    "rich click action": "[@click=app.quit]x[/]",
    "unbalanced close tag": "before [/] after",
    "ansi clear screen": "a\x1b[2Jb",
    "osc 52 clipboard write": "a\x1b]52;c;aGVsbG8=\x07b",
    "osc 0 window title": "a\x1b]0;pwned\x07b",
    "c0 and c1 controls": "a\x07\x08\x0b\x0c\x7f\x85\x9bb",
    "nul": "a\x00b",
    "lone cr": "first\rsecond",
    "right-to-left override": "invoice\u202egnp.exe",
    "zero-width characters": "a\u200bb\u200dc\ufeffd",
    "emoji and combining marks": "🧒🏽 e\u0301 ñ",
    "invalid surrogate from a paste": "before \ud800 after",
    "5 MB paste": "word " * 1_000_000,
    "100,000-character line": "x" * 100_000,
    "markdown heading": "# heading",
    "thematic break": "---",
    "table row": "| a | b |",
    "script tag": "<script>alert(1)</script>",
    "html comment": "<!-- hidden -->",
    "image": "![x](http://example.org/x.png)",
    "javascript link": "[x](javascript:alert(1))",
    "fenced code": "```\ncode\n```",
    "html entities": "&amp; &#x41; &lt;",
    "reserved file name CON": "CON",
    "traversing name": "../../x",
    "name with a slash": "a/b",
}
BLANK = {"empty": "", "spaces only": "   "}
PAT = {"actor": "Pat Practitioner", "role": "practitioner"}
SUE = {"actor": "Sue Supervisor", "role": "supervisor"}
NEVER = {"html_block", "html_inline", "link_open", "image", "fence", "code_block", "blockquote_open"}
MD = MarkdownIt("commonmark", {"linkify": True}).enable(["table", "strikethrough", "linkify"])


def stored_form(text: str) -> str:
    """What the store keeps: the text itself, lone surrogates as U+FFFD and line breaks as LF."""
    return clean_text(text)


def shown(text: str) -> str:
    """What a screen shows: the stored text with control characters made visible."""
    return visible(stored_form(text))


@pytest.fixture
def store(any_store):
    """Hostile text through the store on a SQLite file and on a team database (the app's tests: SQLite)."""
    return any_store


def build(where: Path | Store, questionnaire, text: str) -> str:
    if isinstance(where, Path):
        with Store.open(where) as store:
            return build(store, questionnaire, text)
    store = where
    aid = store.create_assessment(questionnaire=questionnaire, child_name=text, dob="2019-01-15", **PAT)
    store.save_answer(aid, "ethnicity", text, **PAT)  # text
    store.save_answer(aid, "danger_statements", text, **PAT)  # long_text
    store.save_answer(aid, "parents", [{"name": text, "relationship": "Mother"}], **PAT)  # a group's text
    store.add_comment(aid, text, section_id="child", **SUE)
    store.submit(aid, reason="Sent now; the rest follows", **PAT)
    store.sign_off(aid, score=5, reason=text, outcome="Early help", **SUE)
    store.add_addendum(aid, reason=text, addendum=text, **PAT)
    return aid


def check_markdown(md: str, text: str, tables: int) -> None:
    tokens = MD.parse(md)
    flat = [t for tok in tokens for t in [tok, *(tok.children or [])]]
    assert not {t.type for t in flat} & NEVER
    assert sum(t.type == "heading_open" and t.tag == "h1" for t in tokens) == 1
    assert sum(t.type == "table_open" for t in tokens) == tables  # only the exporter's own tables
    plain = "".join(t.content for t in flat if t.type == "text")
    visible_chars = "".join(strip_controls(stored_form(text)).split())[:2000]
    assert visible_chars.replace("\\", "") in "".join(plain.split()).replace("\\", "") or not visible_chars


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_stored_and_exported_literally(store: Store, db_path: Path, tmp_path: Path, questionnaire, name: str) -> None:
    text = HOSTILE[name]
    aid = build(store, questionnaire, text)
    record = store.get(aid)
    expected = stored_form(text)
    assert record.child.name == expected.strip()
    assert record.answers["ethnicity"] == expected and record.answers["danger_statements"] == expected
    assert record.answers["parents"][0]["name"] == expected
    assert record.comments[0].text == expected.strip() and record.addenda[0].text == expected.strip()
    md = render_markdown(record)
    check_markdown(md, text, tables=1)  # the parents group
    (tmp_path / "out").mkdir()
    path = write_export(record, "md", tmp_path / "out")  # the child's name makes the file name: it stays inside
    assert path.parent == tmp_path / "out" and path.exists()
    assert json.loads(render_json(record))["assessment"]["answers"]["ethnicity"] == expected
    # Searched for literally, it finds the record by its words (PostgreSQL does not index a word over 2 KB).
    words = [w for w in document_words(expected[:2000]).split() if len(w) <= 100][:20]
    query = expected if len(expected) <= 100 else (" ".join(words) or expected[:100])
    assert [r.id for r in store.list(search=query)] == ([aid] if words else [])
    if on_server(store):
        return  # 'show' below reads the file; the CLI suite runs on a server itself
    db = db_path
    shown_cli = CliRunner().invoke(app, ["--db", str(db), "show", aid[:8]])
    assert shown_cli.exit_code == 0 and "Traceback" not in shown_cli.output
    assert "\x1b" not in shown_cli.stdout and "\x00" not in shown_cli.stdout
    data = json.loads(CliRunner().invoke(app, ["--db", str(db), "show", aid[:8], "--json"]).stdout)
    assert data["answers"]["ethnicity"] == expected


@pytest.mark.parametrize("name", sorted(BLANK))
def test_blank_names_are_refused_clearly(store: Store, questionnaire, name: str) -> None:
    with pytest.raises(ValidationError, match="name is needed"):
        store.create_assessment(questionnaire=questionnaire, child_name=BLANK[name], dob="2019-01-15", **PAT)


@pytest.mark.parametrize("name", sorted(HOSTILE))
async def test_shown_literally_in_the_app(tmp_path: Path, questionnaire, name: str) -> None:
    text = HOSTILE[name]
    db = tmp_path / "t.db"
    aid = build(db, questionnaire, text)
    app_ = create_app(db, user="Pat Practitioner", role="practitioner", autosave_delay=0.05, export_dir=tmp_path,
                      today=lambda: TODAY)
    async with app_.run_test(size=SIZE) as pilot:
        await settle(pilot)
        name_cell = str(app_.screen.query_one(DataTable).get_row_at(0)[0])
        assert "\x1b" not in name_cell and "\x00" not in name_cell
        assert name_cell.strip() == " ".join(shown(text).split())[: len(name_cell.strip())] or len(text) > 1000
        await pilot.click(DataTable, offset=(2, 1))
        app_.open_assessment(aid)
        editor = await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        assert app_.is_running and isinstance(app_.screen, EditorScreen)
        ethnicity = editor.query_one("#q-ethnicity").query_one(Input).value
        assert ethnicity == shown(text)
        notes = " ".join(str(s.render()) for s in editor.query(".section-comments"))
        assert "\x1b" not in notes and shown(text).strip()[:200] in notes
        editor.go_to_question("danger_statements")
        await settle(pilot)
        assert editor.query_one("#q-danger_statements").query_one(TextArea).text == shown(text)
        for widget in editor.query(Static):
            assert "\x1b" not in str(widget.render())
    with Store.open(db) as store:  # showing it changed nothing
        assert store.get(aid).answers["ethnicity"] == stored_form(text)


def questionnaire_with(text: str) -> bytes:
    base = (Path(__file__).parents[1] / "questionnaires" / "safeguarding-assessment.toml").read_text(encoding="utf-8")
    quoted = json.dumps(text)  # a JSON string is a TOML basic string
    return base.replace('prompt = "How do the child and their family describe the child\'s ethnicity?"',
                        f"prompt = {quoted}", 1).replace("version = 1", "version = 2", 1).encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("name", sorted(HOSTILE))
async def test_questionnaire_text_is_shown_literally_or_refused_clearly(tmp_path: Path, name: str) -> None:
    text = HOSTILE[name]
    try:
        q = parse_questionnaire(questionnaire_with(text), "hostile.toml")
    except QuestionnaireError as exc:  # too long for a prompt, or not valid UTF-8 / TOML: one line per problem
        assert all(line.startswith("hostile.toml") and "\n" not in line for line in exc.problems)
        return
    db = tmp_path / "q.db"
    with Store.open(db) as store:
        aid = store.create_assessment(questionnaire=q, child_name="Ada", dob="2019-01-15", **PAT)
        md = render_markdown(store.get(aid))
    check_markdown(md, "Ada", tables=0)
    assert "\x1b" not in md
    app_ = create_app(db, user="Pat Practitioner", role="practitioner", export_dir=tmp_path, today=lambda: TODAY)
    async with app_.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app_.open_assessment(aid)
        editor = await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        prompt = str(editor.query_one("#q-ethnicity").query_one(Label).render())
        assert "\x1b" not in prompt and app_.is_running
