"""Questionnaires as data: the shipped file, validation of broken files, discovery, answers and age bands.

Broken files are made by mutating ``BASE``, a small valid questionnaire, and
writing the result under ``tmp_path``.  Every problem must come back as one line
``FILE: question 'ID': problem`` (or ``FILE: section 'ID': ...`` / ``FILE: ...``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from sg_assess import paths
from sg_assess.cli import app
from sg_assess.errors import NotFound, QuestionnaireError, SgError, ValidationError
from sg_assess.questionnaire import AGE_BANDS
from sg_assess.questionnaire.loader import (
    MAX_FILE_BYTES,
    check_files,
    discover,
    from_source,
    load_file,
    parse_questionnaire,
)
from sg_assess.questionnaire.principles import PRINCIPLES_FILE, all_principles
from sg_assess.questionnaire.schema import Question, Questionnaire, age_band
from sg_assess.questionnaire.values import normalize
from sg_assess.safetext import strip_controls

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "questionnaires" / "safeguarding-assessment.toml"  # version 1, kept for the assessments that pin it
SHIPPED_V2 = REPO / "questionnaires" / "safeguarding-assessment-v2.toml"  # version 2, for new assessments

PRINCIPLE_IDS = [
    "child_centred", "child_development", "outcomes", "holistic", "equality", "involving_families",
    "strengths", "integrated", "continuing_process", "reviewing_services", "evidence", "race_culture",
]
NEED_IDS = [
    "vigilance", "understanding_action", "stability", "respect", "information_engagement", "explanation",
    "support", "advocacy",
]
DEV_DIMENSIONS = {"health", "education", "emotional", "identity", "relationships", "presentation", "selfcare"}

BASE = '''\
id = "mini"
title = "Mini questionnaire"
version = 1

[[sections]]
id = "s1"
title = "Section one"
guidance = "Guidance for section one."

[[sections.questions]]
id = "seen"
prompt = "Have you seen the child?"
help = "Help."
kind = "yes_no"
principles = ["child_centred"]

[[sections.questions]]
id = "seen_date"
prompt = "When?"
help = "Help."
kind = "date"
show_if = { question = "seen", equals = "yes" }

[[sections.questions]]
id = "pick"
prompt = "Pick one"
help = "Help."
kind = "choice"
choices = ["a", "b"]

[[sections.questions]]
id = "notes"
prompt = "Notes"
help = "Help."
kind = "long_text"
ages = ["0-2"]
'''


def sub(old: str, new: str, text: str = BASE, count: int = 1) -> str:
    """``text`` with ``old`` replaced; fails loudly if ``old`` is not there (so a mutation never silently no-ops)."""
    assert old in text, old
    return text.replace(old, new, count)


def add_question(text: str, qid: str, kind: str, extra: str = "") -> str:
    return text + f'\n[[sections.questions]]\nid = "{qid}"\nprompt = "P"\nhelp = "H"\nkind = "{kind}"\n{extra}'


@pytest.fixture(autouse=True)
def questionnaire_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the real user's config, data or questionnaire folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv(paths.ENV_CONFIG, str(home / "no-config.toml"))
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(home / "data"))
    monkeypatch.setenv(paths.ENV_DB, str(home / "data" / "unused.db"))
    monkeypatch.delenv(paths.ENV_QUESTIONNAIRES, raising=False)
    return home


def write(folder: Path, name: str, content: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))  # write_text would translate newlines on Windows
    else:
        path.write_bytes(content)
    return path


def problems_of(tmp_path: Path, content: str | bytes, name: str = "broken q.toml") -> tuple[Path, list[str]]:
    path = write(tmp_path, name, content)
    return path, check_files([path])


# -- the shipped questionnaire --------------------------------------------------------------


@pytest.fixture(scope="module", params=[SHIPPED, SHIPPED_V2], ids=["v1", "v2"])
def shipped(request: pytest.FixtureRequest) -> Questionnaire:
    """Each shipped version: version 1 still opens every assessment that pins it."""
    return load_file(request.param)


def test_base_questionnaire_is_valid(tmp_path: Path) -> None:
    path, problems = problems_of(tmp_path, BASE)
    assert problems == []
    q = load_file(path)
    assert (q.id, q.version, q.origin) == ("mini", 1, str(path))


def test_shipped_questionnaire_loads(shipped: Questionnaire) -> None:
    assert shipped.id == "safeguarding-assessment"
    assert shipped.version >= 1 and shipped.title
    assert check_files([Path(shipped.origin)]) == []
    assert shipped.source == Path(shipped.origin).read_bytes().decode("utf-8")
    # The store keeps the source and finds it again by hash: the round trip must keep the hash.
    again = from_source(shipped.source)
    assert again.content_hash == shipped.content_hash
    assert again.model_dump() == shipped.model_dump()


def test_shipped_questionnaire_is_the_builtin_one() -> None:
    # A source checkout reads it in place; an installed wheel carries a copy: the same bytes either way.
    for shipped_file in (SHIPPED, SHIPPED_V2):
        assert (paths.builtin_questionnaire_dir() / shipped_file.name).read_bytes() == shipped_file.read_bytes()
    catalog = discover()
    assert catalog.problems == []
    assert catalog.get().origin == str(paths.builtin_questionnaire_dir() / SHIPPED_V2.name)
    assert catalog.get().version == 2
    assert catalog.get("safeguarding-assessment@1").origin == str(paths.builtin_questionnaire_dir() / SHIPPED.name)
    assert catalog.get("safeguarding-assessment@2") is catalog.get()


@pytest.mark.parametrize("wanted", ["safeguarding-assessment@3", "safeguarding-assessment@", "safeguarding-assessment@x",
                                    "safeguarding-assessment@-1", "safeguarding-assessment@١"])
def test_a_version_that_is_not_there_is_one_clear_error(wanted: str) -> None:
    with pytest.raises(NotFound, match=r"no version .* of questionnaire 'safeguarding-assessment' \(found versions: 1, 2\)"):
        discover().get(wanted)


def test_exactly_12_principles_and_8_needs() -> None:
    principles = all_principles()
    assert [p.id for p in principles.values() if p.group == "principle"] == PRINCIPLE_IDS
    assert [p.id for p in principles.values() if p.group == "need"] == NEED_IDS
    assert len(principles) == 20
    for p in principles.values():
        assert p.title.strip() and p.description.strip(), p.id


def test_every_principle_and_need_is_served(shipped: Questionnaire) -> None:
    served = {pid for q in shipped.questions() for pid in q.principles}
    unserved = [pid for pid in all_principles() if pid not in served]
    assert unserved == [], f"no question serves {unserved}"


def test_development_has_7_dimensions_for_every_age_band(shipped: Questionnaire) -> None:
    section = next(s for s in shipped.sections if s.id == "development")
    assert len(AGE_BANDS) == 6
    for band in AGE_BANDS:
        shown = [q for q in section.questions if q.ages is None or band in q.ages]
        assert len(shown) == 7, (band, [q.id for q in shown])
        suffix = "_" + band.replace("-", "_")
        dimensions = {q.id.removeprefix("dev_").removesuffix(suffix) for q in shown}
        assert dimensions == DEV_DIMENSIONS, band
        assert all(q.kind == "long_text" and "child_development" in q.principles for q in shown), band


def test_parenting_has_6_and_family_7_questions(shipped: Questionnaire) -> None:
    by_id = {s.id: s for s in shipped.sections}
    assert len(by_id["parenting"].questions) == 6
    assert len(by_id["family"].questions) == 7
    assert all(q.ages is None for q in by_id["parenting"].questions + by_id["family"].questions)


@pytest.mark.parametrize(
    ("qid", "kind"),
    [
        ("house_of_worries", "long_text"),
        ("house_of_good_things", "long_text"),
        ("house_of_dreams", "long_text"),
        ("safety_scale", "scale"),
        ("next_steps", "actions"),
        ("parents", "people"),
        ("danger_statements", "long_text"),
        ("safety_goals", "long_text or goals"),
        ("existing_strengths", "long_text"),
        ("child_seen", "yes_no"),
    ],
)
def test_shipped_questionnaire_has_the_practice_model_questions(shipped: Questionnaire, qid: str, kind: str) -> None:
    question = shipped.question(qid)
    assert question is not None, qid
    assert question.kind in kind.split(" or ")


def test_shipped_questionnaire_asks_the_three_questions(shipped: Questionnaire) -> None:
    ids = [s.id for s in shipped.sections]
    # What are we worried about? What's working well? What needs to happen?  In that order.
    assert ids.index("worries") < ids.index("working_well") < ids.index("next_steps")
    assert shipped.section_of("safety_scale").id == "judgement"
    assert shipped.section_of("next_steps").id == "next_steps"


def test_every_age_band_sees_a_voice_question(shipped: Questionnaire) -> None:
    voice = next(s for s in shipped.sections if s.id == "childs_voice")
    for band in AGE_BANDS:
        assert any(shipped.is_shown(q, band, {}) for q in voice.questions), band


def test_no_questionnaire_or_principles_file_mentions_signs_of_safety() -> None:
    files = [
        *sorted((REPO / "questionnaires").rglob("*")),
        *sorted(PRINCIPLES_FILE.parent.glob("*")),
        REPO / "docs" / "questionnaire-format.md",
    ]
    files = [f for f in files if f.is_file() and f.suffix in {".toml", ".py", ".md"}]
    assert SHIPPED in files and PRINCIPLES_FILE in files
    pattern = re.compile(r"signs[\W_]*of[\W_]*safety", re.IGNORECASE)
    offenders = [str(f) for f in files if pattern.search(f.read_text(encoding="utf-8"))]
    assert offenders == []


# -- broken files: one line per problem ------------------------------------------------------


@dataclass(frozen=True)
class Broken:
    name: str
    content: str | bytes
    where: str | None  # "question 'x'", "section 'x'" or None for the file as a whole
    words: tuple[str, ...]  # what a person reads in the line (case-insensitive)


LOOP_2 = sub('kind = "choice"\n', 'kind = "choice"\nshow_if = { question = "seen", equals = "yes" }\n',
             sub('principles = ["child_centred"]\n',
                 'principles = ["child_centred"]\nshow_if = { question = "pick", equals = "a" }\n'))
LOOP_3 = add_question(
    add_question(
        add_question(BASE, "l1", "yes_no", 'show_if = { question = "l3", equals = "no" }\n'),
        "l2", "yes_no", 'show_if = { question = "l1", equals = "yes" }\n'),
    "l3", "yes_no", 'show_if = { question = "l2", equals = "yes" }\n')
DUP_SECTION = BASE + '''
[[sections]]
id = "s1"
title = "Again"
guidance = "G"

[[sections.questions]]
id = "other"
prompt = "P"
help = "H"
kind = "text"
'''

BROKEN = [
    Broken("invalid TOML", BASE + '\n[[sections.questions\nid = "x"\n', None,
           ("invalid TOML", f"line {BASE.count(chr(10)) + 2}")),
    Broken("not UTF-8", sub('prompt = "Notes"', 'prompt = "Caf\xe9"').encode("latin-1"), None,
           ("not UTF-8", "0xe9")),
    Broken("unknown key on a question", sub('kind = "date"', 'kind = "date"\ncolour = "red"'),
           "question 'seen_date'", ("unknown key", "'colour'")),
    Broken("unknown key in show_if", sub('equals = "yes" }', 'equals = "yes", when = "now" }'),
           "question 'seen_date'", ("unknown key", "'when'")),
    Broken("unknown key on a section", sub('guidance = "Guidance for section one."',
                                           'guidance = "Guidance for section one."\nintro = "x"'),
           "section 's1'", ("unknown key", "'intro'")),
    Broken("unknown top-level key", sub('version = 1', 'version = 1\nauthor = "Someone"'), None,
           ("unknown key", "'author'")),
    Broken("missing help", sub('prompt = "Pick one"\nhelp = "Help."\n', 'prompt = "Pick one"\n'),
           "question 'pick'", ("missing", "'help'")),
    Broken("missing question id", sub('id = "pick"\n', ''), "question 3 of section 1", ("missing", "'id'")),
    Broken("required is a string", sub('kind = "date"', 'kind = "date"\nrequired = "yes"'),
           "question 'seen_date'", ("required", "boolean")),
    Broken("version is a string", sub('version = 1', 'version = "1"'), None, ("version", "integer")),
    Broken("version is zero", sub('version = 1', 'version = 0'), None, ("version", "greater than or equal to 1")),
    Broken("bad kind", sub('kind = "long_text"', 'kind = "essay"'), "question 'notes'",
           ("kind", "'essay'", "not allowed", "long_text")),
    Broken("bad question id", sub('id = "pick"', 'id = "9 pick"'), "question '9 pick'", ("id", "pattern")),
    Broken("duplicate question id", sub('id = "notes"', 'id = "pick"'), "question 'pick'",
           ("duplicate question id",)),
    Broken("duplicate section id", DUP_SECTION, "section 's1'", ("duplicate section id",)),
    Broken("show_if to a missing question", sub('question = "seen", equals', 'question = "nobody", equals'),
           "question 'seen_date'", ("show_if", "'nobody'", "not a question")),
    Broken("show_if to itself", sub('question = "seen", equals', 'question = "seen_date", equals'),
           "question 'seen_date'", ("show_if", "itself")),
    Broken("show_if loop of 2", LOOP_2, "question 'seen'", ("show_if loop", "seen -> pick -> seen")),
    Broken("show_if loop of 3", LOOP_3, "question 'l1'", ("show_if loop", "l1 -> l3 -> l2 -> l1")),
    Broken("show_if value not an answer", sub('equals = "yes"', 'equals = "maybe"'), "question 'seen_date'",
           ("show_if", "'maybe'", "not a possible answer", "'seen'")),
    Broken("show_if value not a choice", add_question(BASE, "why", "text", 'show_if = { question = "pick", equals = "c" }\n'),
           "question 'why'", ("show_if", "'c'", "not a possible answer", "'pick'", "'a', 'b'")),
    Broken("show_if to a text question", sub('question = "seen", equals', 'question = "notes", equals'),
           "question 'seen_date'", ("show_if", "'notes'", "long_text", "yes_no, choice or multi_choice")),
    Broken("show_if to a group question", add_question(add_question(BASE, "people", "people"), "who", "text",
                                                        'show_if = { question = "people", equals = "yes" }\n'),
           "question 'who'", ("show_if", "'people'", "people question")),
    Broken("unknown age band", sub('ages = ["0-2"]', 'ages = ["0-3"]'), "question 'notes'",
           ("ages", "'0-3'", "not allowed", "15-17")),
    Broken("18+ is not an age band", sub('ages = ["0-2"]', 'ages = ["0-2", "18+"]'), "question 'notes'",
           ("ages", "'18+'", "not allowed")),
    Broken("empty ages", sub('ages = ["0-2"]', 'ages = []'), "question 'notes'", ("ages is empty",)),
    Broken("repeated age band", sub('ages = ["0-2"]', 'ages = ["0-2", "0-2"]'), "question 'notes'",
           ("ages repeat",)),
    Broken("unknown principle", sub('principles = ["child_centred"]', 'principles = ["child_centred", "signs_of_joy"]'),
           "question 'seen'", ("unknown principle", "'signs_of_joy'")),
    Broken("choice without choices", sub('choices = ["a", "b"]\n', ''), "question 'pick'",
           ("choice question needs a list of choices",)),
    Broken("choice with empty choices", sub('choices = ["a", "b"]', 'choices = []'), "question 'pick'",
           ("needs a list of choices",)),
    Broken("multi_choice without choices", add_question(BASE, "many", "multi_choice"), "question 'many'",
           ("multi_choice question needs a list of choices",)),
    Broken("choices on a text question", sub('kind = "long_text"', 'kind = "long_text"\nchoices = ["a"]'),
           "question 'notes'", ("choices are only for choice and multi_choice", "long_text")),
    Broken("repeated choice values", sub('choices = ["a", "b"]', 'choices = ["a", "b", "a"]'), "question 'pick'",
           ("choices repeat a value",)),
    Broken("no sections", 'id = "mini"\ntitle = "T"\nversion = 1\nsections = []\n', None,
           ("sections", "at least 1")),
    Broken("section without questions", BASE + '\n[[sections]]\nid = "s2"\ntitle = "T"\nguidance = "G"\n',
           "section 's2'", ("missing", "'questions'")),
    Broken("section with empty questions", BASE + '\n[[sections]]\nid = "s2"\ntitle = "T"\nguidance = "G"\nquestions = []\n',
           "section 's2'", ("questions", "at least 1")),
]


@pytest.mark.parametrize("case", BROKEN, ids=[c.name for c in BROKEN])
def test_broken_file_gives_one_line_naming_file_question_and_problem(tmp_path: Path, case: Broken) -> None:
    path, problems = problems_of(tmp_path, case.content)
    assert len(problems) == 1, problems
    line = problems[0]
    assert "\n" not in line
    prefix = f"{path}: {case.where}: " if case.where else f"{path}: "
    assert line.startswith(prefix), line
    for word in case.words:
        assert word.lower() in line.lower(), (word, line)
    # The loader raises only QuestionnaireError (an SgError) with the same lines.
    with pytest.raises(QuestionnaireError) as info:
        load_file(path)
    assert info.value.problems == problems
    assert isinstance(info.value, SgError)


def test_file_over_2_mb_is_refused_and_2_mb_is_not(tmp_path: Path) -> None:
    padding = MAX_FILE_BYTES - len(BASE.encode()) - 2
    exact = BASE + "#" + "x" * padding + "\n"
    assert len(exact.encode()) == MAX_FILE_BYTES
    assert problems_of(tmp_path, exact, "exact.toml")[1] == []
    path, problems = problems_of(tmp_path, exact + "\n", "big.toml")
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}: ") and "2,097,153 bytes" in problems[0] and "at most 2,097,152" in problems[0]


def test_a_folder_or_missing_file_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    problems = check_files([missing, tmp_path])
    assert len(problems) == 2
    assert problems[0].startswith(f"{missing}: cannot read the file")
    assert problems[1].startswith(f"{tmp_path}: cannot read the file")


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    # Some Windows editors save "UTF-8 with BOM"; the mark is not part of the questionnaire.
    path, problems = problems_of(tmp_path, b"\xef\xbb\xbf" + BASE.encode())
    assert problems == []
    with_bom = parse_questionnaire(b"\xef\xbb\xbf" + BASE.encode(), "bom")
    assert with_bom.content_hash == parse_questionnaire(BASE.encode(), "plain").content_hash


def test_several_model_problems_are_all_reported(tmp_path: Path) -> None:
    text = sub('kind = "date"', 'kind = "date"\ncolour = "red"')
    text = sub('prompt = "Pick one"\nhelp = "Help."\n', 'prompt = "Pick one"\n', text)
    text = sub('kind = "long_text"', 'kind = "essay"', text)
    text = sub('version = 1', 'version = "1"', text)
    path, problems = problems_of(tmp_path, text)
    assert len(problems) == 4, problems
    assert all(p.startswith(f"{path}: ") for p in problems)
    joined = "\n".join(problems)
    assert "question 'seen_date': unknown key 'colour'" in joined
    assert "question 'pick': missing required key 'help'" in joined
    assert "question 'notes': kind: 'essay' is not allowed" in joined
    assert "version: Input should be a valid integer" in joined


def test_several_cross_problems_are_all_reported(tmp_path: Path) -> None:
    text = sub('id = "notes"', 'id = "pick"')  # duplicate id
    text = sub('principles = ["child_centred"]', 'principles = ["nope"]', text)
    text = sub('equals = "yes"', 'equals = "maybe"', text)
    text = sub('choices = ["a", "b"]', 'choices = ["a", "a"]', text)
    text = add_question(text, "l1", "yes_no", 'show_if = { question = "l2", equals = "yes" }\n')
    text = add_question(text, "l2", "yes_no", 'show_if = { question = "l1", equals = "yes" }\n')
    text = add_question(text, "me", "yes_no", 'show_if = { question = "me", equals = "yes" }\n')
    path, problems = problems_of(tmp_path, text)
    expected = [
        "question 'pick': duplicate question id",
        "question 'seen': unknown principle 'nope'",
        "question 'seen_date': show_if value 'maybe' is not a possible answer",
        "question 'pick': choices repeat a value",
        "question 'me': show_if points at the question itself",
        "question 'l1': show_if loop: l1 -> l2 -> l1",
    ]
    for fragment in expected:
        assert sum(fragment in p for p in problems) == 1, (fragment, problems)
    assert len(problems) == len(expected), problems  # a self-pointing show_if is one problem, not two
    assert all(p.startswith(f"{path}: ") for p in problems)


def test_shape_and_cross_problems_in_one_file_are_all_reported(tmp_path: Path) -> None:
    text = sub('kind = "date"', 'kind = "date"\ncolour = "red"')  # a shape problem
    text = sub('id = "notes"', 'id = "pick"', text)  # and a cross-item problem
    _, problems = problems_of(tmp_path, text)
    assert any("duplicate question id" in p for p in problems), problems


def test_a_long_show_if_chain_is_checked_quickly(tmp_path: Path) -> None:
    # The loop check used to be cubic: a 2,000-question chain took over 30 s.
    n = 4000
    text = add_question(BASE, "c0", "yes_no")
    parts = [text] + [
        f'[[sections.questions]]\nid = "c{i}"\nprompt = "P"\nhelp = "H"\nkind = "yes_no"\n'
        f'show_if = {{ question = "c{i - 1}", equals = "yes" }}\n'
        for i in range(1, n)
    ]
    chain = "\n".join(parts)
    assert problems_of(tmp_path, chain, "chain.toml")[1] == []
    looped = sub('id = "c0"\nprompt = "P"\nhelp = "H"\nkind = "yes_no"\n',
                 f'id = "c0"\nprompt = "P"\nhelp = "H"\nkind = "yes_no"\nshow_if = {{ question = "c{n - 1}", equals = "yes" }}\n',
                 chain)
    _, problems = problems_of(tmp_path, looped, "loop.toml")
    assert len(problems) == 1 and "show_if loop: c0 -> c3999 -> c3998" in problems[0]
    # No timing assertion (tests must not depend on the machine's speed): a return to the
    # cubic check would take hours here, which CI's time limit catches.


# -- show_if at run time -----------------------------------------------------------------------


def test_is_shown_follows_ages_and_show_if_chains(tmp_path: Path) -> None:
    text = add_question(BASE, "tags", "multi_choice", 'choices = ["x", "y"]\n')
    text = add_question(text, "why_y", "text", 'required = true\nshow_if = { question = "tags", equals = "y" }\n')
    q = parse_questionnaire(text.encode(), "mem")
    notes, seen_date, why_y = q.question("notes"), q.question("seen_date"), q.question("why_y")
    assert q.is_shown(notes, "0-2", {}) and not q.is_shown(notes, "3-4", {})
    assert not q.is_shown(seen_date, "5-9", {}) and not q.is_shown(seen_date, "5-9", {"seen": "no"})
    assert q.is_shown(seen_date, "5-9", {"seen": "yes"})
    assert q.is_shown(why_y, "5-9", {"tags": ["x", "y"]}) and not q.is_shown(why_y, "5-9", {"tags": ["x"]})
    assert q.completeness("5-9", {"tags": ["x"]}) == (0, 0)  # hidden: does not count
    assert q.completeness("5-9", {"tags": ["y"]}) == (0, 1)
    assert q.completeness("5-9", {"tags": ["y"], "why_y": "because"}) == (1, 1)


# -- the command line ---------------------------------------------------------------------------


def run(*args: str, code: int | None = 0):
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if code is not None:
        assert result.exit_code == code, (result.exit_code, result.output)
    return result


def test_cli_check_good_file_says_ok(tmp_path: Path) -> None:
    good = write(tmp_path, "good.toml", BASE)
    result = run("questionnaires", "check", str(good), str(SHIPPED))
    assert result.stdout.splitlines() == [f"{good}: ok", f"{SHIPPED}: ok"]


def test_cli_check_bad_files_one_line_per_problem(tmp_path: Path) -> None:
    folder = tmp_path / "bad files ü"
    bad1 = write(folder, "bad 1.toml", sub('kind = "long_text"', 'kind = "essay"'))
    bad2 = write(folder, "bad2.toml", sub('id = "notes"', 'id = "pick"', sub('equals = "yes"', 'equals = "maybe"')))
    good = write(folder, "good.toml", BASE)
    result = run("questionnaires", "check", str(bad1), str(good), str(bad2), code=1)
    lines = result.stdout.splitlines()
    assert lines == [
        (f"{bad1}: question 'notes': kind: 'essay' is not allowed (expected 'text', 'long_text', 'yes_no', 'choice', "
         "'multi_choice', 'date', 'people', 'scale', 'actions', 'events' or 'goals')"),
        f"{bad2}: question 'pick': duplicate question id",
        f"{bad2}: question 'seen_date': show_if value 'maybe' is not a possible answer of 'seen' ('yes', 'no')",
    ]
    assert f"{good}: ok" not in result.stdout  # "ok" only when every file is good


def test_cli_check_every_broken_case_at_once(tmp_path: Path) -> None:
    files = [write(tmp_path, f"case{i:02}.toml", case.content) for i, case in enumerate(BROKEN)]
    result = run("questionnaires", "check", *map(str, files), code=1)
    lines = result.stdout.splitlines()
    assert len(lines) == len(BROKEN)
    for path, line in zip(files, lines, strict=True):
        assert line.startswith(f"{path}: ")


def test_cli_check_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "no such file.toml"
    result = run("questionnaires", "check", str(missing), code=None)
    assert result.exit_code in (1, 2)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 if result.exit_code == 1 else lines, result.output
    if result.exit_code == 1:  # typer may also refuse it first (exit 2); either way, no traceback
        assert lines[0].startswith(f"{missing}: cannot read the file"), lines


def test_cli_check_needs_a_file() -> None:
    result = run("questionnaires", "check", code=2)
    assert "Missing argument" in result.output


def test_cli_list_shows_id_version_title_and_path() -> None:
    result = run("questionnaires", "list")
    builtin = str(paths.builtin_questionnaire_dir() / SHIPPED.name)
    rows = [line.split() for line in result.stdout.splitlines()]
    assert rows[0][:4] == ["Id", "Version", "Title", "Found"]
    builtin_v2 = str(paths.builtin_questionnaire_dir() / SHIPPED_V2.name)
    line = next(line for line in result.stdout.splitlines() if builtin_v2 in line)
    assert line.split()[:2] == ["safeguarding-assessment", "2"]
    assert "Safeguarding assessment" in line and line.rstrip().endswith("yes")
    line = next(line for line in result.stdout.splitlines() if builtin + " " in line)
    assert line.split()[:2] == ["safeguarding-assessment", "1"]
    assert line.rstrip().endswith("no (a newer version is used)")
    assert result.stderr == ""
    data = json.loads(run("questionnaires", "list", "--json").stdout)
    assert data == [{"id": "safeguarding-assessment", "version": 2, "title": "Safeguarding assessment",
                     "path": builtin_v2, "in_use": True},
                    {"id": "safeguarding-assessment", "version": 1, "title": "Safeguarding assessment",
                     "path": builtin, "in_use": False}]


def shipped_copy(folder: Path, version: int, name: str = "safeguarding-assessment.toml") -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    return write(folder, name, sub("\nversion = 1\n", f"\nversion = {version}\n", text))


def listing() -> dict[tuple[int, str], bool]:
    result = run("questionnaires", "list", "--json")
    return {(r["version"], r["path"]): r["in_use"] for r in json.loads(result.stdout)}


def table_line(stdout: str, path: Path) -> list[str]:
    line = next(line for line in stdout.splitlines() if str(path) in line)
    return line.split()


def test_env_folder_with_higher_version_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "Org questionnaires ü ñ 日本"
    v3 = shipped_copy(folder, 3)
    monkeypatch.setenv(paths.ENV_QUESTIONNAIRES, str(folder))
    builtin = str(paths.builtin_questionnaire_dir() / SHIPPED.name)
    builtin_v2 = str(paths.builtin_questionnaire_dir() / SHIPPED_V2.name)
    assert listing() == {(3, str(v3)): True, (2, builtin_v2): False, (1, builtin): False}
    result = run("questionnaires", "list")
    assert table_line(result.stdout, v3)[:2] == ["safeguarding-assessment", "3"]
    assert table_line(result.stdout, v3)[-1] == "yes"
    assert "no" in table_line(result.stdout, Path(builtin))
    assert discover().get().version == 3
    assert discover().get("safeguarding-assessment@2").origin == builtin_v2  # older versions stay usable


def test_env_is_a_path_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = tmp_path / "first dir", tmp_path / "second dir"
    v3 = shipped_copy(a, 3)
    v2 = shipped_copy(b, 2)
    other = write(b, "mini.toml", BASE)
    monkeypatch.setenv(paths.ENV_QUESTIONNAIRES, f"{a}{os.pathsep}{os.pathsep}{b}")
    used = {k for k, v in listing().items() if v}
    assert used == {(3, str(v3)), (1, str(other))}
    assert (2, str(v2)) in listing()
    assert discover().get("mini").origin == str(other)


def test_same_version_does_not_replace_the_builtin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "same"
    copy = shipped_copy(folder, 2)
    monkeypatch.setenv(paths.ENV_QUESTIONNAIRES, str(folder))
    builtin = str(paths.builtin_questionnaire_dir() / SHIPPED.name)
    builtin_v2 = str(paths.builtin_questionnaire_dir() / SHIPPED_V2.name)
    assert listing() == {(2, builtin_v2): True, (1, builtin): False, (2, str(copy)): False}
    assert discover().get("safeguarding-assessment@2").origin == builtin_v2


def test_config_questionnaire_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config_dir = tmp_path / "config ü"
    absolute = tmp_path / "abs folder ñ"
    v2 = shipped_copy(absolute, 3)
    relative = write(config_dir / "local qs", "mini.toml", BASE)
    config = write(config_dir, "config.toml",
                   f"questionnaire_dirs = [{json.dumps(str(absolute))}, \"local qs\"]\n")
    monkeypatch.setenv(paths.ENV_CONFIG, str(config))
    used = {k for k, v in listing().items() if v}
    assert used == {(3, str(v2)), (1, str(relative))}
    result = run("questionnaires", "list")
    assert table_line(result.stdout, v2)[:2] == ["safeguarding-assessment", "3"]
    assert table_line(result.stdout, v2)[-1] == "yes"


def test_env_folder_comes_after_config_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from_config = shipped_copy(tmp_path / "cfg", 3)
    from_env = shipped_copy(tmp_path / "env", 3)
    config = write(tmp_path, "config.toml", f"questionnaire_dirs = [{json.dumps(str(tmp_path / 'cfg'))}]\n")
    monkeypatch.setenv(paths.ENV_CONFIG, str(config))
    monkeypatch.setenv(paths.ENV_QUESTIONNAIRES, str(tmp_path / "env"))
    used = {k for k, v in listing().items() if v}
    assert used == {(3, str(from_config))}  # equal versions: the first found is kept
    assert (3, str(from_env)) in listing()


def test_broken_file_in_extra_folder_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "mixed ü"
    good = write(folder, "good.toml", BASE)
    bad = write(folder, "bad.toml", sub('kind = "long_text"', 'kind = "essay"'))
    write(folder, "not toml.txt", "ignored")
    missing = tmp_path / "not there"
    monkeypatch.setenv(paths.ENV_QUESTIONNAIRES, os.pathsep.join([str(folder), str(missing)]))
    result = run("questionnaires", "list")
    warnings = result.stderr.splitlines()
    assert warnings == [
        (f"warning: {bad}: question 'notes': kind: 'essay' is not allowed (expected 'text', 'long_text', "
         "'yes_no', 'choice', 'multi_choice', 'date', 'people', 'scale', 'actions', 'events' or 'goals')"),
        f"warning: {missing}: questionnaire folder not found",
    ]
    assert table_line(result.stdout, good)[:2] == ["mini", "1"]
    assert "Mini questionnaire" in result.stdout
    assert str(bad) not in result.stdout
    assert any(str(SHIPPED.name) in line for line in result.stdout.splitlines())


def test_broken_config_file_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write(tmp_path, "config.toml", "questionnaire_dirs = 3\n")
    monkeypatch.setenv(paths.ENV_CONFIG, str(config))
    result = run("questionnaires", "list", code=1)
    assert result.stdout == ""
    assert result.stderr.strip() == f"sg-assess: {config}: questionnaire_dirs must be a list of folder paths"


# -- answers: values.normalize ------------------------------------------------------------------


def question(kind: str, **extra: object) -> Question:
    return Question(id=f"q_{kind}", prompt="P", help="H", kind=kind, **extra)


def refused(q: Question, value: object) -> str:
    with pytest.raises(ValidationError) as info:
        normalize(q, value)
    message = str(info.value)
    assert f"question {q.id!r}" in message and "nothing was saved" in message and "\n" not in message
    return message


def test_dates() -> None:
    q = question("date")
    assert normalize(q, "2024-02-29") == "2024-02-29"
    assert normalize(q, "2026-12-31") == "2026-12-31"
    assert normalize(q, "") is None and normalize(q, None) is None
    for bad in ("2026-02-30", "2023-02-29", "2026-13-01", "2026-00-10", "2026-2-3", "26-02-03", "03/02/2026",
                "2026-02-03T10:00", "２０２６-01-01", 20260203, dt.date(2026, 2, 3), ["2026-02-03"]):
        assert "not a real date" in refused(q, bad), bad


def test_scale_scores() -> None:
    q = question("scale")
    row = {"who": "Mum", "role": "parent", "reason": "because", "date": "2026-03-01"}
    assert normalize(q, [{**row, "score": 0}])[0]["score"] == 0
    assert normalize(q, [{**row, "score": 10}])[0]["score"] == 10
    assert normalize(q, [{**row, "score": "7"}]) == [{**row, "score": 7}]
    assert normalize(q, [{**row, "score": " 7 "}])[0]["score"] == 7
    for bad in (11, -1, "x", True, False, 7.0, "7.5", "-1", "11", "²", "9" * 5000, [7]):
        assert "whole number from 0 to 10" in refused(q, [{**row, "score": bad}]), repr(bad)[:20]
    assert "needs a score" in refused(q, [{"who": "Mum"}])
    assert "not a real date" in refused(q, [{**row, "score": 5, "date": "2026-02-30"}])


def test_choice_and_multi_choice() -> None:
    one = question("choice", choices=["low", "medium", "high"])
    assert normalize(one, "medium") == "medium"
    assert normalize(one, "") is None
    assert "not one of the choices" in refused(one, "Medium")
    assert "not one of the choices" in refused(one, "extreme")
    refused(one, 1)
    many = question("multi_choice", choices=["a", "b", "c"])
    assert normalize(many, ["c", "a", "c", "a"]) == ["a", "c"]
    assert normalize(many, []) is None
    assert "not one of the choices" in refused(many, ["a", "d"])
    assert "list of choices" in refused(many, "a")


def test_yes_no() -> None:
    q = question("yes_no")
    assert normalize(q, "yes") == "yes" and normalize(q, " No ") == "no"
    assert normalize(q, True) == "yes" and normalize(q, False) == "no"
    assert normalize(q, "") is None
    refused(q, "maybe")


def test_group_rows() -> None:
    people = question("people")
    rows = normalize(people, [{"name": "Ann", "involved": "yes"}, {}, {"name": "  ", "agency": ""}, {"name": "Bob"}])
    assert rows == [
        {"name": "Ann", "relationship": "", "agency": "", "involved": True, "reason_not_involved": ""},
        {"name": "Bob", "relationship": "", "agency": "", "involved": None, "reason_not_involved": ""},
    ]
    assert normalize(people, [{}, {"name": ""}]) is None
    assert normalize(people, []) is None
    assert "unknown field 'age'" in refused(people, [{"name": "Ann", "age": 3}])
    assert "row 2" in refused(people, [{"name": "Ann"}, {"relationship": "aunt"}])
    assert "list of rows" in refused(people, {"name": "Ann"})
    assert "must be an object" in refused(people, ["Ann"])
    actions = question("actions")
    done = normalize(actions, [{"what": "Visit", "by_when": "2026-04-01", "review_date": "2026-05-01", "done": "no"}])
    assert done == [{"what": "Visit", "who": "", "by_when": "2026-04-01", "review_date": "2026-05-01", "done": False}]
    assert "not a real date" in refused(actions, [{"what": "Visit", "by_when": "2026-02-30"}])


def test_text() -> None:
    for kind in ("text", "long_text"):
        q = question(kind)
        assert normalize(q, "") is None
        assert normalize(q, "  \r\n\t ") is None
        assert normalize(q, "a\r\nb\rc\n") == "a\nb\nc\n"
        assert normalize(q, "broken \ud83d paste") == "broken \ufffd paste"
        assert normalize(q, "pair \ud83d\ude00") == "pair \U0001F600"
        assert normalize(q, "  keep  spaces  ") == "  keep  spaces  "
        refused(q, 5)
        refused(q, ["a"])
    group_text = normalize(question("people"), [{"name": "A\r\nB \udc00"}])[0]["name"]
    assert group_text == "A\nB \ufffd"


def _expected_clean(text: str) -> str:
    """An independent statement of the cleaning rule: pair surrogates, replace lone ones, LF only."""
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if "\ud800" <= c <= "\udbff" and i + 1 < len(text) and "\udc00" <= text[i + 1] <= "\udfff":
            out.append(chr(0x10000 + ((ord(c) - 0xD800) << 10) + (ord(text[i + 1]) - 0xDC00)))
            i += 2
            continue
        out.append("\ufffd" if "\ud800" <= c <= "\udfff" else c)
        i += 1
    return "".join(out).replace("\r\n", "\n").replace("\r", "\n")


SURROGATES = st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff", "\ud83d", "\ude00"])
PIECES = st.one_of(st.characters(), SURROGATES, st.sampled_from(["\r", "\n", "\r\n", " ", "\t", "\u2028"]))
TEXTS = st.lists(PIECES, max_size=40).map("".join)


@given(TEXTS, st.sampled_from(["text", "long_text"]))
def test_text_normalize_property(value: str, kind: str) -> None:
    result = normalize(question(kind), value)
    expected = _expected_clean(value)
    if result is None:
        assert strip_controls(expected).strip() == ""  # nothing visible: no answer
    else:
        assert strip_controls(expected).strip() != ""
        assert isinstance(result, str)
        assert result == expected
        assert "\r" not in result
        result.encode("utf-8")  # storable: no lone surrogates left


# -- age bands ---------------------------------------------------------------------------------


def birthday(dob: dt.date, years: int) -> dt.date:
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:  # 29 February in a common year: the birthday is 1 March (UK law)
        return dt.date(dob.year + years, 3, 1)


BOUNDARIES = [(3, "0-2", "3-4"), (5, "3-4", "5-9"), (10, "5-9", "10-14"), (15, "10-14", "15-17")]


@pytest.mark.parametrize("dob", [dt.date(2010, 6, 15), dt.date(2012, 1, 1), dt.date(2011, 12, 31), dt.date(2008, 2, 29)],
                         ids=str)
@pytest.mark.parametrize(("years", "before", "after"), BOUNDARIES, ids=[str(b[0]) for b in BOUNDARIES])
def test_age_band_boundaries(dob: dt.date, years: int, before: str, after: str) -> None:
    day = birthday(dob, years)
    one = dt.timedelta(days=1)
    assert age_band(dob, day - one) == before
    assert age_band(dob, day) == after
    assert age_band(dob, day + one) == after


@pytest.mark.parametrize("dob", [dt.date(2010, 6, 15), dt.date(2008, 2, 29), dt.date(2012, 2, 29)], ids=str)
def test_age_band_18th_birthday(dob: dt.date) -> None:
    day = birthday(dob, 18)
    assert age_band(dob, day - dt.timedelta(days=1)) == "15-17"
    with pytest.raises(ValueError, match="18 or older"):
        age_band(dob, day)
    with pytest.raises(ValueError, match="18 or older"):
        age_band(dob, day + dt.timedelta(days=1))


def test_age_band_29_february() -> None:
    dob = dt.date(2016, 2, 29)
    assert age_band(dob, dt.date(2019, 2, 28)) == "0-2"  # 3rd birthday not yet reached in a common year
    assert age_band(dob, dt.date(2019, 3, 1)) == "3-4"
    assert age_band(dob, dt.date(2021, 2, 28)) == "3-4"
    assert age_band(dob, dt.date(2021, 3, 1)) == "5-9"
    assert age_band(dob, dt.date(2020, 2, 28)) == "3-4"  # a leap year: birthday on the day
    assert age_band(dob, dt.date(2020, 2, 29)) == "3-4"
    assert age_band(dob, dob) == "0-2"


def test_age_band_unborn_and_impossible() -> None:
    on = dt.date(2026, 3, 2)
    assert age_band(None, on) == "unborn"
    assert age_band(dt.date(2026, 6, 1), on, unborn=True) == "unborn"
    assert age_band(dt.date(2020, 1, 1), on, unborn=True) == "unborn"
    assert age_band(on, on) == "0-2"
    with pytest.raises(ValueError, match="after the assessment date"):
        age_band(on + dt.timedelta(days=1), on)
    with pytest.raises(ValueError):
        age_band(dt.date(1990, 1, 1), on)
    assert set(AGE_BANDS) == {"unborn", "0-2", "3-4", "5-9", "10-14", "15-17"}


@pytest.mark.parametrize("text", ["2026-W01-1", "20260302", "2026-3-2", "２０２６-03-02", " 2026-03-02"])
def test_dates_must_be_written_yyyy_mm_dd(text: str) -> None:
    from sg_assess.questionnaire.values import parse_date

    with pytest.raises(ValueError):
        parse_date(text)
