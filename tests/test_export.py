"""Exports: Markdown escaping (proved with markdown-it-py), the full Markdown and JSON documents, atomic writes, file names."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import tempfile
import unicodedata
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from sg_assess import fileio
from sg_assess.errors import ExportError
from sg_assess.export import export_filename, render, write_export
from sg_assess.export.jsonexport import FORMAT, FORMAT_VERSION, render_json
from sg_assess.export.dates import long_date
from sg_assess.export.markdown import (
    BAND_NAMES,
    GROUP_HEADERS,
    NOT_ANSWERED,
    escape_block,
    escape_cell,
    escape_line,
    render_markdown,
)
from sg_assess.fileio import atomic_target, atomic_write, safe_filename
from sg_assess.questionnaire.loader import from_source
from sg_assess.questionnaire.schema import Questionnaire
from sg_assess.questionnaire.summary import summary_map
from sg_assess.safetext import one_line, strip_controls
from sg_assess.records import AssessmentRecord
from sg_assess.store.repository import Store
from tests.conftest import SHIPPED

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")

# Plain CommonMark plus GitHub's tables and strikethrough, and the same with linkify (bare URLs become links).
MD_GFM = MarkdownIt("commonmark").enable("table").enable("strikethrough")
MD_LINKIFY = MarkdownIt("commonmark", {"linkify": True}).enable(["linkify", "table"])
PARSERS = (MD_GFM, MD_LINKIFY)

NBSP = "\u00a0"
DATE_FIELDS = {"date", "by_when", "review_date"}  # shown as "1 March 2026"
TREND_HEADER = ["Assessment date", "Practitioner's score", "Lowest", "Highest", "Status"]
PARAGRAPH_ONLY = {"paragraph_open", "inline", "paragraph_close"}
PLAIN_INLINE = {"text", "softbreak", "hardbreak"}
# Never allowed anywhere in an export: user text must not make these, and the exporter itself never does.
NEVER = {"html_block", "html_inline", "link_open", "link_close", "image", "code_inline", "code_block", "fence",
         "blockquote_open", "ordered_list_open", "s_open", "text_special"}

FRAGMENTS = [
    "#", "## h", "---", "===", "***", "| a | b |", "|---|---|", ":---:", "<script>", "</script>", "<div>", "<b>x</b>",
    "<!-- -->", "<http://e.org>", "![x](http://e.org/x.png)", "[x](javascript:alert(1))", "[ref]: http://e.org",
    "[ref]", "```", "~~~", "    indented", "\tindented", "> quote", "- item", "+ item", "* item", "1. item",
    "1) item", "&amp;", "&#x41;", "&nbsp;", "*em*", "_em_", "**strong**", "~~s~~", "`code`", "https://example.org",
    "http://x", "www.example.org", "a@b.org", "mailto:a@b.org", "\\", "\\\n", "  \n", "\r", "\r\n", "\n", "\n\n",
    "\x1b[2J", "\x1b]52;c;aGk=\x07", "\x00", "\x85", "\u2028", "\u2029", "\u202e", "\u2066", "\u200b", "\ufeff",
    NBSP, "\u3000", "\x0b", "\x0c", "[@click=app.quit]x[/]", "ｗｗｗ．ｅｘａｍｐｌｅ．ｏｒｇ", "example。org", "é", "😀",
]
hostile_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4), st.sampled_from([" ", "  ", "    ", "\t", "\n", "\n \n"])),
    max_size=25,
).map("".join)
any_text = st.one_of(st.text(), hostile_text)

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


# -- helpers ---------------------------------------------------------------------------------------------------------


def walk(tokens: list[Token]) -> list[Token]:
    """Every token, inline children included, in document order."""
    out: list[Token] = []
    for tok in tokens:
        out.append(tok)
        out.extend(tok.children or [])
    return out


def inline_text(tok: Token) -> str:
    """What a reader sees of an inline token: its text, hard and soft breaks as newlines."""
    return "".join(c.content if c.type == "text" else "\n" if c.type in ("softbreak", "hardbreak") else ""
                   for c in tok.children or [])


def paragraphs_text(tokens: list[Token]) -> str:
    return "\n\n".join(inline_text(t) for t in tokens if t.type == "inline")


def assert_plain_paragraphs(tokens: list[Token]) -> None:
    """Only paragraphs of plain text: nothing active at block or inline level."""
    assert {t.type for t in tokens} <= PARAGRAPH_ONLY, [t.type for t in tokens]
    for tok in tokens:
        if tok.type == "inline":
            assert {c.type for c in tok.children or []} <= PLAIN_INLINE, [(c.type, c.content) for c in tok.children]


def expected_block_lines(text: str) -> list[list[str]]:
    """escape_block's transform, stated for the reader: controls removed, CR/CRLF/U+2028/U+2029/NEL become LF,
    whitespace-only lines are paragraph breaks (runs collapse, none at either end), each line loses trailing
    white space and its leading spaces/tabs become no-break spaces (a tab counts four)."""
    paragraphs: list[list[str]] = [[]]
    for line in strip_controls(text).split("\n"):
        if not line.strip():
            paragraphs.append([])
            continue
        body = line.lstrip(" \t")
        indent = line[: len(line) - len(body)]
        paragraphs[-1].append(NBSP * (indent.count(" ") + 4 * indent.count("\t")) + body.rstrip())
    return [p for p in paragraphs if p]


def expected_block_render(text: str) -> str:
    """What a CommonMark reader shows of escape_block(text).  markdown-it trims each paragraph (Python str.strip,
    like JavaScript's trim), so the first line of a paragraph loses its leading (no-break) spaces; later lines keep
    them (only ASCII spaces and tabs are skipped after a line break)."""
    return "\n\n".join("\n".join([p[0].lstrip(), *p[1:]]) for p in expected_block_lines(text))


def assert_no_controls(escaped: str, allowed: str = "") -> None:
    """Nothing that moves a cursor, recolours a terminal or reorders text survives (checked apart from safetext)."""
    bad = [ch for ch in escaped if (unicodedata.category(ch) == "Cc" and ch not in allowed)
           or "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" or ch in "\u2028\u2029"]
    assert bad == []


def no_space(text: str) -> str:
    return "".join(text.split())


def make_assessment(store: Store, q: Questionnaire, name: str = "Ada Example", actor: str = "Test Worker") -> str:
    return store.create_assessment(questionnaire=q, actor=actor, child_name=name, dob="2019-01-15",
                                   assessment_date="2026-03-02")


def shown_questions(record: AssessmentRecord) -> list[Any]:
    q, band, answers = record.questionnaire, record.summary.age_band, record.answers
    return [x for x in q.questions() if q.is_shown(x, band, answers) or x.id in answers]


def expected_h2(record: AssessmentRecord) -> list[str]:
    q, band, answers = record.questionnaire, record.summary.age_band, record.answers
    titles = [f"{n}. {one_line(s.title)}" for n, s in enumerate(q.sections, start=1)
              if any(q.is_shown(x, band, answers) or x.id in answers for x in s.questions)]
    workflow = [title for title, present in (("Review and sign-off", record.reviews), ("Comments", record.comments),
                                             ("Addenda", record.addenda), ("History summary", record.history)) if present]
    return ["Summary", *titles, "Completeness", *workflow]


def workflow_strong(record: AssessmentRecord) -> list[str]:
    """The exporter's own bold labels for reviews, comments and addenda."""
    return [*("Signed off" if r.decision == "signed_off" else "Returned" for r in record.reviews),
            *(f"Comment {c.id}" for c in record.comments), *(f"Addendum {a.id}" for a in record.addenda)]


def headings(tokens: list[Token]) -> list[tuple[str, str]]:
    return [(tok.tag, inline_text(tokens[i + 1])) for i, tok in enumerate(tokens) if tok.type == "heading_open"]


def section_texts(tokens: list[Token]) -> dict[str, str]:
    """The reader's text under each h2 (and "" for what comes before the first), paragraphs and cells alike."""
    out: dict[str, list[str]] = {"": []}
    current = ""
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag == "h2":
            current = inline_text(tokens[i + 1])
            out[current] = []
        elif tok.type == "inline" and not (i and tokens[i - 1].type == "heading_open"):
            out[current].append(inline_text(tok))
    return {k: "\n\n".join(v) for k, v in out.items()}


def tables(tokens: list[Token]) -> list[list[list[str]]]:
    """Each table as rows of cell texts (header row first)."""
    out: list[list[list[str]]] = []
    for i, tok in enumerate(tokens):
        if tok.type == "table_open":
            out.append([])
        elif tok.type == "tr_open":
            out[-1].append([])
        elif tok.type == "inline" and tokens[i - 1].type in ("th_open", "td_open"):
            out[-1][-1].append(inline_text(tok))
    return out


def marked(tokens: list[Token], kind: str) -> list[str]:
    """The text inside each em or strong span."""
    out: list[str] = []
    for tok in tokens:
        inside: list[str] | None = None
        for c in tok.children or []:
            if c.type == f"{kind}_open":
                inside = []
            elif c.type == f"{kind}_close" and inside is not None:
                out.append("".join(inside))
                inside = None
            elif inside is not None and c.type == "text":
                inside.append(c.content)
    return out


HEADER_LABELS = ["Child:", "Date of birth:", "Age band:", "Assessment date:", "Last updated:"]
STATUS_WORD = {"draft": "DRAFT", "submitted": "SUBMITTED", "returned": "RETURNED", "signed_off": "SIGNED OFF"}


def summary_labels(record: AssessmentRecord) -> list[str]:
    """The Summary's bold labels: the lines the questionnaire maps, then the scale, key dates and author."""
    mapped = summary_map(record.questionnaire)
    lines = [("reason", "Reason for the assessment"), ("decision", "Decision"), ("harm", "Significant harm"),
             ("analysis", "Analysis"), ("not_known", "What is not known")]
    return [label for line, label in lines if line in mapped] + ["Safety scale", "Key dates", "Author:"]


def assert_safe_document(md: str, record: AssessmentRecord) -> list[Token]:
    """The whole export parses to the structure the exporter means, and nothing else, under both parsers."""
    q = record.questionnaire
    shown = shown_questions(record)
    for parser in PARSERS:
        tokens = parser.parse(md)
        every = walk(tokens)
        found = sorted({t.type for t in every} & NEVER)
        assert found == [], found
        heads = headings(tokens)
        assert [t for t, _ in heads].count("h1") == 1
        assert heads[0] == ("h1", f"Safeguarding assessment: {one_line(record.summary.child_name)}".strip())
        assert [text for tag, text in heads if tag == "h2"] == expected_h2(record)
        assert {tag for tag, _ in heads} == {"h1", "h2"}
        assert all(t.markup in ("#", "##") for t in tokens if t.type == "heading_open")  # no setext headings
        assert sum(t.type == "hr" for t in tokens) == 1
        # em: only the exporter's own notes; strong: only the header labels and the question prompts.
        allowed_em = {"Not answered",
                      "This question no longer applies to the answers above; the earlier answer is kept:",
                      "Added after sign-off; the assessment above is unchanged."}
        assert set(marked(tokens, "em")) <= allowed_em
        assert marked(tokens, "strong") == [STATUS_WORD[record.summary.status], *HEADER_LABELS, *summary_labels(record),
                                            *(one_line(x.prompt) for x in shown), *workflow_strong(record)]
        # Tables only for the repeating groups that were answered, each with its own header row (and the Summary's
        # trend table when the child has earlier assessments).
        groups = [x for x in shown if x.is_group and x.id in record.answers]
        found_tables = tables(tokens)
        if record.earlier:
            assert found_tables[0][0] == TREND_HEADER and len(found_tables[0]) == len(record.earlier) + 2
            found_tables = found_tables[1:]
        assert [t[0] for t in found_tables] == [list(GROUP_HEADERS[x.kind].values()) for x in groups]
        for table, x in zip(found_tables, groups, strict=True):
            assert len(table) == 1 + len(record.answers[x.id])
            assert all(len(row) == len(GROUP_HEADERS[x.kind]) for row in table)
        # Lists: the header, the key dates, the footer, "Still to answer" (if anything is) and multi-choice answers.
        multi = sum(1 for x in shown if x.kind == "multi_choice" and x.id in record.answers)
        missing = record.summary.required_answered < record.summary.required_total
        history = bool(record.history)  # the history summary is a list too
        assert sum(t.type == "bullet_list_open" for t in tokens) == 3 + missing + multi + history
    return MD_GFM.parse(md)


# -- 1. escape_block and escape_line over arbitrary text ---------------------------------------------------------------


@PROPERTY
@given(any_text)
@example("# Heading\n---\n| a | b |\n|---|---|\n```\n    code\n> quote\n- item\n1. item\n<div>x</div>")
@example("[x](javascript:alert(1)) ![x](http://e.org/x.png) <script>alert(1)</script> <!-- c --> &amp; www.example.org")
@example("line one  \nline two\\\n\n\n\n  indented\r\n\tafter tab\r\rend")
@example("\x1b[2J\x00\u202e\x85\u2028[@click=app.quit]x[/]")
@example("   ")
@example("")
def test_escape_block_is_plain_paragraphs_with_the_same_text(text: str) -> None:
    escaped = escape_block(text)
    expected = expected_block_lines(text)
    assert_no_controls(escaped, allowed="\n\t")
    if not expected:
        assert escaped == NOT_ANSWERED
        return
    assert "\n\n\n" not in escaped and not escaped.startswith("\n") and not escaped.endswith("\n")
    for parser in PARSERS:
        tokens = parser.parse(escaped)
        assert_plain_paragraphs(tokens)
        assert sum(t.type == "paragraph_open" for t in tokens) == len(expected)
        assert not any(c.type == "softbreak" for t in tokens for c in t.children or [])  # every kept line break is hard
        assert paragraphs_text(tokens) == expected_block_render(text)
        # No user character is lost or invented: only white space may differ.
        assert no_space(paragraphs_text(tokens)) == no_space(strip_controls(text))


@PROPERTY
@given(any_text)
@example("# [x](http://e.org) | a | <b>x</b> `c` *e* _e_ ~~s~~ https://example.org www.example.org &amp;\n---")
@example("\x1b[2J\x00\u202e")
def test_escape_line_is_one_plain_line_with_the_same_text(text: str) -> None:
    escaped = escape_line(text)
    assert_no_controls(escaped)
    for parser in PARSERS:
        tokens = parser.parse(escaped)
        assert_plain_paragraphs(tokens)
        assert sum(t.type == "paragraph_open" for t in tokens) == (1 if one_line(text) else 0)
        assert not any(c.type in ("softbreak", "hardbreak") for t in tokens for c in t.children or [])
        assert paragraphs_text(tokens) == one_line(text)
        assert no_space(paragraphs_text(tokens)) == no_space(strip_controls(text))


@PROPERTY
@given(any_text, any_text)
def test_escaped_text_stays_inside_its_section_heading_and_strong(title: str, body: str) -> None:
    """In the places the exporter puts it: a heading, a bold prompt, a list item, a paragraph between two sections."""
    assume(one_line(title))  # an empty bold span "****" is a thematic break; the exporter never writes one for user text
    doc = (f"# Report: {escape_line(title)}\n\n## 1. First\n\n**{escape_line(title)}**\n\n{escape_block(body)}\n\n"
           f"## 2. Second\n\n- **Child:** {escape_line(title)}\n")
    for parser in PARSERS:
        tokens = parser.parse(doc)
        assert not {t.type for t in walk(tokens)} & NEVER
        assert headings(tokens) == [("h1", f"Report: {one_line(title)}"), ("h2", "1. First"), ("h2", "2. Second")]
        sections = section_texts(tokens)
        rendered_body = expected_block_render(body) if expected_block_lines(body) else "Not answered"
        assert sections["1. First"] == f"{one_line(title)}\n\n{rendered_body}"
        assert sections["2. Second"] == f"Child: {one_line(title)}"
        assert marked(tokens, "strong") == [one_line(title), "Child:"]
        assert sum(t.type == "bullet_list_open" for t in tokens) == 1
        assert sum(t.type == "list_item_open" for t in tokens) == 1


# -- 2. escape_cell inside a table ------------------------------------------------------------------------------------


cell_value = st.one_of(any_text, st.none(), st.booleans(), st.integers(0, 10))


def expected_cell(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return " / ".join(one_line(part) for part in str(value).split("\n") if part.strip()).strip()


@PROPERTY
@given(st.lists(st.tuples(cell_value, cell_value, cell_value), min_size=1, max_size=4))
@example([("a | b", "|---|---|", "\\|"), ("x\ny\n\nz", "<b>x</b>", "[x](http://e.org)")])
@example([("\\", "\\\\|", "| |"), (None, True, ""), ("", " ", "\x00")])
def test_escape_cell_keeps_the_table_shape(rows: list[tuple[Any, Any, Any]]) -> None:
    lines = ["| A | B | C |", "|---|---|---|"]
    lines += ["| " + " | ".join(escape_cell(v) for v in row) + " |" for row in rows]
    doc = "Before\n\n" + "\n".join(lines) + "\n\nAfter\n"
    for cell in (escape_cell(v) for row in rows for v in row):
        assert cell
        assert_no_controls(cell)
    for parser in PARSERS:
        tokens = parser.parse(doc)
        every = walk(tokens)
        assert not {t.type for t in every} & NEVER
        assert sum(t.type == "table_open" for t in tokens) == 1
        assert sum(t.type == "tr_open" for t in tokens) == 1 + len(rows)
        assert sum(t.type == "th_open" for t in tokens) == 3
        assert sum(t.type == "td_open" for t in tokens) == 3 * len(rows)
        for tok in tokens:
            if tok.type == "inline":
                assert {c.type for c in tok.children or []} <= {"text"}
        assert tables(tokens) == [[["A", "B", "C"], *([expected_cell(v) for v in row] for row in rows)]]
        assert [inline_text(t) for t in tokens if t.type == "inline"][:1] == ["Before"]
        assert [inline_text(t) for t in tokens if t.type == "inline"][-1] == "After"


@pytest.mark.parametrize(("value", "shown"), [(None, ""), ("", ""), (True, "Yes"), (False, "No"), (7, "7"),
                                              ("a\nb\n\nc", "a / b / c"), ("a | b", "a | b")])
def test_escape_cell_examples(value: Any, shown: str) -> None:
    tokens = MD_GFM.parse(f"| X |\n|---|\n| {escape_cell(value)} |\n")
    assert tables(tokens) == [[["X"], [shown]]]


# -- 3. a full export with hostile text everywhere --------------------------------------------------------------------

HOSTILE_NAME = ("<script>alert(1)</script> # [x](javascript:alert(1)) ![i](http://e.org/x.png) | a | b | `c` "
                "*em* _em_ ~~s~~ www.example.org https://example.org &amp; <!-- c --> [@click=app.quit]x[/]\x1b[2J\u202e")
HOSTILE_ACTOR = "Worker <b>bold</b> [link](http://e.org)"
HOSTILE_LONG = ("# Not a heading\n---\n| a | b |\n|---|---|\n| c | d |\n```\nnot a fence\n```\n    not code\n"
                "> not a quote\n- not a list\n1. not a list\n<div>not html</div>\n[ref]: http://e.org\n\n"
                "## Completeness\n===\n<!-- x --> ![i](http://e.org/x.png) [x](javascript:alert(1)) www.example.org")
HOSTILE_ROWS: dict[str, list[dict[str, Any]]] = {
    "parents": [
        {"name": "<img src=x onerror=alert(1)>", "relationship": "Mother | aunt", "agency": "# Agency",
         "involved": True, "reason_not_involved": ""},
        {"name": "[x](javascript:alert(1))", "relationship": "|---|---|", "agency": "`code`", "involved": False,
         "reason_not_involved": "line one\nline two | ---\n\n> quote"},
    ],
    "safety_scale": [
        {"who": "# Who", "role": "| role |", "score": 4, "reason": "because\n## Completeness\n- x", "date": "2026-03-01"},
        {"who": "<b>Nan</b>", "role": "", "score": 6, "reason": "*fine* ~~mostly~~", "date": None},
    ],
    "next_steps": [
        {"what": "```\nfence\n```", "who": "![i](http://e.org/x.png)", "by_when": "2026-04-01", "review_date": None,
         "done": False},
    ],
}
HOSTILE_ANSWERS: dict[str, Any] = {
    "danger_statements": HOSTILE_LONG,
    "ethnicity": "<img src=x onerror=alert(1)> | x |",
    "child_seen": "yes",
    **HOSTILE_ROWS,
}


@pytest.fixture
def hostile(store: Store, questionnaire: Questionnaire) -> str:
    aid = make_assessment(store, questionnaire, name=HOSTILE_NAME, actor=HOSTILE_ACTOR)
    for qid, value in HOSTILE_ANSWERS.items():
        assert store.save_answer(aid, qid, value, actor=HOSTILE_ACTOR)
    return aid


def test_hostile_export_has_exactly_the_intended_structure(store: Store, hostile: str) -> None:
    record = store.get(hostile)
    assert record.answers == HOSTILE_ANSWERS  # the store kept every character
    md = render_markdown(record)
    tokens = assert_safe_document(md, record)
    sections = section_texts(tokens)
    q = record.questionnaire
    # The child's name and the practitioner are literal, in the title and the header.
    assert headings(tokens)[0][1] == "Safeguarding assessment: " + one_line(HOSTILE_NAME)
    assert f"Child: {one_line(HOSTILE_NAME)}" in sections[""]
    assert f"Author: {one_line(HOSTILE_ACTOR)}, role not recorded" in sections["Summary"]
    # The long answer is literal, line by line, in its own section and nowhere else.
    worries = next(f"{n}. {s.title}" for n, s in enumerate(q.sections, 1) if s.id == q.section_of("danger_statements").id)
    assert expected_block_render(HOSTILE_LONG) in sections[worries]
    assert "Not a heading\n---\n| a | b |\n|---|---|" in sections[worries]
    assert "## Completeness\n===" in sections[worries]
    assert [k for k, v in sections.items() if "not a fence" in v] == [worries]
    # The text answer is literal.
    assert "<img src=x onerror=alert(1)> | x |" in sections["1. About the child"]
    # Group rows: one table row per saved row, every cell literal (line breaks shown as " / ").
    found = {tuple(t[0]): t[1:] for t in tables(tokens)}
    for qid, rows in HOSTILE_ROWS.items():
        kind = q.question(qid).kind
        header = tuple(GROUP_HEADERS[kind].values())
        assert found[header] == [[expected_cell(long_date(row[f]) if f in DATE_FIELDS and row[f] else row[f])
                                  for f in GROUP_HEADERS[kind]] for row in rows]
    assert found[tuple(GROUP_HEADERS["people"].values())][1][4] == "line one / line two | --- / > quote"
    # The export file name is safe too.
    name = export_filename(record, "md")
    assert name.endswith(".md") and not set(name) & set('/\\:*?"<>|')


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=any_text.filter(lambda s: s.strip()), actor=any_text.filter(lambda s: s.strip()), long=any_text,
       cell=any_text)
def test_any_text_anywhere_keeps_the_export_structure(store: Store, questionnaire: Questionnaire, name: str,
                                                      actor: str, long: str, cell: str) -> None:
    aid = make_assessment(store, questionnaire, name=name, actor=actor)
    store.save_answer(aid, "danger_statements", long, actor=actor)
    filled = cell if cell.strip() else "x"
    store.save_answer(aid, "safety_scale", [{"who": filled, "role": cell, "score": 3, "reason": cell}], actor=actor)
    store.save_answer(aid, "next_steps", [{"what": filled, "who": cell}], actor=actor)
    record = store.get(aid)
    md = render_markdown(record)
    tokens = assert_safe_document(md, record)
    sections = section_texts(tokens)
    if "danger_statements" in record.answers:
        worries = expected_h2(record)[10]
        assert worries.endswith("What are we worried about?")
        assert expected_block_render(record.answers["danger_statements"]) in sections[worries]
    assert md == render_markdown(store.get(aid))
    assert json.loads(render_json(record))["assessment"]["answers"] == record.answers
    assert_safe_file_name(export_filename(record, "json"), ".json")


# -- 4. determinism and content ---------------------------------------------------------------------------------------


def test_markdown_is_deterministic(store: Store, db_path: Path, hostile: str) -> None:
    first = render_markdown(store.get(hostile)).encode("utf-8")
    assert render_markdown(store.get(hostile)).encode("utf-8") == first
    assert render(store.get(hostile), "md").encode("utf-8") == first
    with Store.open(db_path) as other:  # another connection, another questionnaire cache
        assert render_markdown(other.get(hostile)).encode("utf-8") == first
    assert first.endswith(b"\n") and b"\r" not in first


def test_header_holds_the_assessment_facts(store: Store, assessment: str) -> None:
    record = store.get(assessment)
    q = record.questionnaire
    md = render_markdown(record)
    tokens = MD_GFM.parse(md)
    assert md.split("\n")[2] == "**DRAFT** not yet submitted for review"  # the status, straight after the title
    header = [inline_text(tokens[i + 2]) for i, t in enumerate(tokens)
              if t.type == "list_item_open" and tokens[i + 2].type == "inline"][:5]
    assert header == ["Child: Ada Example", "Date of birth: 15 January 2019",
                      "Age band: 5 to 9 years (aged 7 years 1 month)", "Assessment date: 2 March 2026",
                      "Last updated: 2 March 2026, 09:00 GMT"]
    assert q.id == "safeguarding-assessment" and q.version == 1
    assert BAND_NAMES[record.summary.age_band] == "5 to 9 years"
    # Ids, the questionnaire and its content hash: only in the footer, after the rule.
    footer = md.split("\n---\n", 1)[1]
    assert record.id not in md.split("\n---\n", 1)[0] and record.questionnaire_hash not in md.split("\n---\n", 1)[0]
    assert f"- Assessment id: {record.id}" in footer and f"- Child id: {record.summary.child_id}" in footer
    assert f"- Questionnaire: {q.title} ({q.id}, version {q.version})" in footer
    assert f"- Questionnaire content (SHA-256): {record.questionnaire_hash}" in footer
    assert "- Assessment date: 2026-03-02; last updated 2026-03-02 09:00 UTC" in footer  # ISO in the footer only


def test_unborn_child_header(store: Store, questionnaire: Questionnaire) -> None:
    aid = store.create_assessment(questionnaire=questionnaire, actor="Test Worker", child_name="Baby Example",
                                  unborn=True, due="2026-06-01", assessment_date="2026-03-02")
    record = store.get(aid)
    md = render_markdown(record)
    tokens = assert_safe_document(md, record)
    header = section_texts(tokens)[""]
    assert "Date of birth: Unborn, due 1 June 2026" in header
    assert "Age band: Unborn (pre-birth)" in header


def test_every_shown_question_has_its_answer_or_not_answered(store: Store, hostile: str) -> None:
    # child_seen_date now shows (child_seen is yes) but is unanswered; answer one, then make it no longer apply.
    store.save_answer(hostile, "child_seen_date", "2026-03-01", actor=HOSTILE_ACTOR)
    store.save_answer(hostile, "child_seen", "no", actor=HOSTILE_ACTOR)
    store.save_answer(hostile, "complicating_factors", ["Domestic abuse", "Substance misuse"], actor=HOSTILE_ACTOR)
    record = store.get(hostile)
    md = render_markdown(record)
    assert_safe_document(md, record)
    q, band, answers = record.questionnaire, record.summary.age_band, record.answers
    for question in shown_questions(record):
        block = f"**{escape_line(question.prompt)}**\n\n"
        assert md.count(block) == 1, question.id
        after = md.split(block, 1)[1]
        if not q.is_shown(question, band, answers):
            assert after.startswith("_This question no longer applies to the answers above; the earlier answer is kept:_\n\n")
            after = after.split("\n\n", 1)[1]
        if question.id in answers:
            assert not after.startswith(NOT_ANSWERED)
        else:
            assert after.startswith(NOT_ANSWERED + "\n")
    for question in q.questions():
        if question not in shown_questions(record):
            assert f"**{escape_line(question.prompt)}**" not in md  # other ages and unmet conditions are left out
    assert "**" + escape_line(q.question("child_seen_date").prompt) + "**\n\n_This question no longer applies" in md
    assert "- Substance misuse\n- Domestic abuse" in md  # questionnaire order
    assert "\n\nYes\n\n" in md or "\n\nNo\n\n" in md


def test_scale_and_actions_are_tables_and_completeness_is_summarised(store: Store, hostile: str) -> None:
    record = store.get(hostile)
    tokens = MD_GFM.parse(render_markdown(record))
    found = tables(tokens)
    scale = next(t for t in found if t[0] == list(GROUP_HEADERS["scale"].values()))
    assert scale[1] == ["# Who", "| role |", "4", "because / ## Completeness / - x", "1 March 2026"]
    assert scale[2] == ["<b>Nan</b>", "", "6", "*fine* ~~mostly~~", ""]
    actions = next(t for t in found if t[0] == list(GROUP_HEADERS["actions"].values()))
    assert actions[1:] == [["``` / fence / ```", "![i](http://e.org/x.png)", "1 April 2026", "", "No"]]
    sections = section_texts(tokens)
    # No row is the practitioner's (neither role "practitioner" nor the practitioner's name): said so, with the range.
    assert "The practitioner's score: not recorded. Scores from 2 people: 4 to 6 (a spread of 2)." in sections["Summary"]
    sections = section_texts(tokens)
    done, total = record.summary.required_answered, record.summary.required_total
    assert 0 < done < total
    completeness = sections["Completeness"]
    assert completeness.startswith(f"{done} of {total} required answers given.\n\nStill to answer:")
    q, band, answers = record.questionnaire, record.summary.age_band, record.answers
    missing = [x for x in q.questions() if x.required and x.id not in answers and q.is_shown(x, band, answers)]
    assert len(missing) == total - done
    end = next(i for i, t in enumerate(tokens) if t.type == "inline" and t.content == "History summary")
    start = next(i for i, t in enumerate(tokens) if t.type == "inline" and t.content == "Completeness")
    items = [inline_text(tokens[i + 2]) for i, t in enumerate(tokens[start:end], start) if t.type == "list_item_open"]
    assert [item.split(": ", 1)[1].split(" (serves: ")[0] for item in items] == [one_line(x.prompt) for x in missing]


def test_complete_assessment_has_no_still_to_answer(store: Store, questionnaire: Questionnaire) -> None:
    aid = make_assessment(store, questionnaire)
    record = store.get(aid)
    q, band = record.questionnaire, record.summary.age_band
    for x in q.questions():  # "no" keeps the conditional questions away; answer every required one that shows
        if x.required and q.is_shown(x, band, store.get(aid).answers):
            value: Any = {"yes_no": "no", "text": "t", "long_text": "t", "date": "2026-03-01"}.get(x.kind)
            if x.kind == "choice":
                value = x.choices[0]
            elif x.kind == "people":
                value = [{"name": "P"}]
            elif x.kind == "scale":
                value = [{"who": "W", "score": 5}]
            elif x.kind == "actions":
                value = [{"what": "A"}]
            store.save_answer(aid, x.id, value, actor="Test Worker")
    record = store.get(aid)
    s = record.summary
    md = render_markdown(record)
    if s.required_answered == s.required_total:
        assert f"## Completeness\n\n{s.required_total} of {s.required_total} required answers given.\n\n## History" in md
        assert "Still to answer" not in md
    assert_safe_document(md, record)


# -- 5. JSON --------------------------------------------------------------------------------------------------------


def test_json_is_lossless_and_deterministic(store: Store, db_path: Path, hostile: str) -> None:
    store.save_answer(hostile, "parents_views", "Control chars kept: \x1b[2J\x00\u202e and é 😀\n\nend", actor=HOSTILE_ACTOR)
    record = store.get(hostile)
    text = render_json(record)
    assert text == render_json(store.get(hostile)) and text.endswith("\n")
    with Store.open(db_path) as other:
        assert render_json(other.get(hostile)) == text
    payload = json.loads(text)
    assert payload["format"] == FORMAT and payload["format_version"] == FORMAT_VERSION
    data = payload["assessment"]
    raw = SHIPPED.read_bytes()
    assert data["questionnaire"]["source"] == raw.decode("utf-8")
    assert data["questionnaire"]["hash"] == hashlib.sha256(raw).hexdigest() == record.questionnaire_hash
    assert from_source(data["questionnaire"]["source"]).content_hash == record.questionnaire_hash
    assert (data["questionnaire"]["id"], data["questionnaire"]["version"]) == ("safeguarding-assessment", 1)
    # (a NUL is kept as '␀', on both databases: PostgreSQL cannot hold NUL in text)
    assert data["answers"] == {**HOSTILE_ANSWERS, "parents_views": "Control chars kept: \x1b[2J\u2400\u202e and é 😀\n\nend"}
    assert data["answers"] == record.answers
    assert data["child"] == asdict(record.child) and data["child"]["name"] == HOSTILE_NAME
    assert data["practitioner"] == HOSTILE_ACTOR
    assert (data["id"], data["status"], data["assessment_date"], data["age_band"]) == (record.id, "draft", "2026-03-02", "5-9")
    assert data["latest_score"] == 4
    assert data["completeness"] == record.summary.completeness
    assert data["history"] == [asdict(h) for h in record.history]
    assert data["history"][0]["kind"] == "created"
    assert {h["question_id"] for h in data["history"][1:]} == {*HOSTILE_ANSWERS, "parents_views"}
    assert all(h["after"] == data["answers"][h["question_id"]] for h in data["history"][1:])
    assert render(record, "json") == text


def test_json_answers_survive_any_text(store: Store, questionnaire: Questionnaire) -> None:
    aid = make_assessment(store, questionnaire, name="  Name with spaces\tand tab ")
    values = ["a\x00\x01\x1f\x7f\x80\x9fz", "\u2028\u2029\x85\ufeff\u200b", "\\\"'{}[]", "😀 é ñ 中文 \u0301"]
    for value, qid in zip(values, ("ethnicity", "religion_belief", "first_language", "parents_views"), strict=True):
        store.save_answer(aid, qid, value, actor="Test Worker")
    data = json.loads(render_json(store.get(aid)))["assessment"]
    assert [data["answers"][q] for q in ("ethnicity", "religion_belief", "first_language", "parents_views")] == \
        [v.replace("\x00", "\u2400") for v in values]  # a NUL kept as '␀' (PostgreSQL cannot hold NUL in text)
    assert data["child"]["name"] == "Name with spaces\tand tab"
    # Control characters alone are no answer (they would export as "Not answered" anyway).
    store.save_answer(aid, "ethnicity", "\x00\x01\x1f\x7f\x80\x9f", actor="Test Worker")
    assert "ethnicity" not in store.get(aid).answers


# -- 6. writing files -------------------------------------------------------------------------------------------------


def folder_entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_write_export_into_a_folder(store: Store, assessment: str, tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / "exports with spaces é ü 中文"
    folder.mkdir()
    record = store.get(assessment)
    path = write_export(record, fmt, folder)
    assert path == folder / export_filename(record, fmt)
    assert path.name == f"Ada-Example_2026-03-02_{record.summary.short_id}.{fmt}"
    assert path.read_bytes() == render(record, fmt).encode("utf-8")
    assert folder_entries(folder) == [path.name]  # no temporary file left behind
    if os.name != "nt":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


@posix_only
def test_write_export_replaces_an_existing_file_and_makes_it_private(store: Store, assessment: str, tmp_path: Path) -> None:
    target = tmp_path / "ü folder" / "report é.md"
    target.parent.mkdir()
    target.write_text("old contents")
    target.chmod(0o644)
    path = write_export(store.get(assessment), "md", target)
    assert path == target
    assert target.read_text(encoding="utf-8") == render_markdown(store.get(assessment))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert folder_entries(target.parent) == ["report é.md"]


def test_atomic_write_creates_missing_folders(tmp_path: Path) -> None:
    target = tmp_path / "a b" / "ç" / "out.json"
    assert atomic_write(target, b"{}\n") == target
    assert target.read_bytes() == b"{}\n"
    assert folder_entries(target.parent) == ["out.json"]


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_failed_write_leaves_the_original_and_no_temp_file(
    store: Store, assessment: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    folder = tmp_path / "exports é"
    folder.mkdir()
    target = folder / "report.md"
    target.write_bytes(b"original")
    seen: list[str] = []

    def boom(*args: Any, **kwargs: Any) -> None:
        seen.append(failing)
        raise OSError(errno.ENOSPC, "No space left on device")

    record = store.get(assessment)
    monkeypatch.setattr(fileio.os, failing, boom)
    with pytest.raises(ExportError, match="No space left on device"):
        write_export(record, "md", target)
    monkeypatch.undo()
    assert seen
    assert target.read_bytes() == b"original"
    assert folder_entries(folder) == ["report.md"]


def test_failure_inside_the_block_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "x.md"
    target.write_bytes(b"original")
    with pytest.raises(RuntimeError), atomic_target(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("stop")
    assert target.read_bytes() == b"original"
    assert folder_entries(tmp_path) == ["x.md"]


def test_unwritable_target_is_an_export_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_bytes(b"")
    with pytest.raises(ExportError, match="cannot write"):
        atomic_write(blocker / "out.md", b"x")
    folder = tmp_path / "folder"
    (folder / "inside").mkdir(parents=True)
    with pytest.raises(ExportError):
        atomic_write(folder, b"x")  # a folder cannot be replaced by a file
    assert folder_entries(tmp_path) == ["a file", "folder"]
    assert folder_entries(folder) == ["inside"]


# -- 7. file names ----------------------------------------------------------------------------------------------------

DIGITS = "123456789\u00b9\u00b2\u00b3"  # Windows reads superscript 1-3 as digits in device names
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in DIGITS), *(f"LPT{i}" for i in DIGITS)}


def assert_safe_file_name(name: str, suffix: str) -> None:
    assert name.endswith(suffix)
    stem = name[: len(name) - len(suffix)] if suffix else name
    assert stem
    assert not set(name) & set('/\\:*?"<>|')
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in name)
    assert not any(ch.isspace() for ch in name)
    assert name.split(".")[0].upper() not in RESERVED
    assert not name.startswith(".")
    assert not stem.endswith((".", " ")) and not name.endswith((".", " "))
    assert len(stem) <= 80 + len("assessment-")
    assert len(name.encode("utf-8")) <= 255  # ext4 and APFS limit a name to 255 bytes
    assert len(name.encode("utf-16-le")) // 2 <= 255  # NTFS: 255 UTF-16 units
    assert unicodedata.normalize("NFC", name) == name


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), hostile_text, st.text(alphabet=st.sampled_from("😀𠀀中é. -_/\\:con"), max_size=200)),
       st.sampled_from(["", ".md", ".json"]))
@example("😀" * 60 + "_2026-03-02_abcdef12", ".json")
@example("𠀀" * 100, ".md")
@example("con.txt", "")
@example("Com¹", ".md")
def test_safe_filename_is_always_safe(name: str, suffix: str) -> None:
    result = safe_filename(name, suffix=suffix)
    assert_safe_file_name(result, suffix)
    with tempfile.TemporaryDirectory() as folder:  # the OS takes it, and so does the temporary name beside it
        atomic_write(Path(folder) / result, b"x")
        assert os.listdir(folder) == [result]


@pytest.mark.parametrize(("name", "expected"), [
    ("CON", "assessment-CON"), ("con", "assessment-con"), ("Nul.tar.gz", "assessment-Nul.tar.gz"),
    ("lpt9", "assessment-lpt9"), ("COM10", "COM10"), ("CONSOLE", "CONSOLE"), ("com\u00b2.x", "assessment-com\u00b2.x"),
    ("\U0001f600" * 100, "\U0001f600" * 50), ("a" * 100, "a" * 80),
    ("../../x", "x"), ("a/b", "a-b"), ("a\\b:c", "a-b-c"), ("", "assessment"), ("   ", "assessment"),
    ("...", "assessment"), (".hidden", "hidden"), ("name. ", "name"), ("Ada  Example", "Ada-Example"),
    ("Zo\u00eb\u0301 O'Neil\x00\u202e", "Zo\u00eb\u0301-O'Neil"),
])
def test_safe_filename_examples(name: str, expected: str) -> None:
    assert safe_filename(name) == expected
    assert safe_filename(name, suffix=".md") == expected + ".md"


def test_export_filename_keeps_date_and_id_for_ordinary_names(store: Store, questionnaire: Questionnaire) -> None:
    aid = make_assessment(store, questionnaire, name="../CON\\Ada: <Example>")
    record = store.get(aid)
    name = export_filename(record, "md")
    assert name == f"CON-Ada-Example_2026-03-02_{record.summary.short_id}.md"
    assert_safe_file_name(name, ".md")


def test_export_filename_is_unique_for_long_names(store: Store, questionnaire: Questionnaire) -> None:
    long_name = "Alexandra " * 9
    first = store.get(make_assessment(store, questionnaire, name=long_name))
    second = store.get(make_assessment(store, questionnaire, name=long_name))
    assert export_filename(first, "md") != export_filename(second, "md")
    for record in (first, second):
        name = export_filename(record, "md")
        assert name.endswith(f"_{record.summary.assessment_date}_{record.summary.short_id}.md")
