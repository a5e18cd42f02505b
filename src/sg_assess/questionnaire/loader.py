"""Finding, reading and validating questionnaire files.

Problems are reported one per line as ``FILE: question 'ID': problem`` so a
person editing the file can go straight to it.  Nothing here raises anything
but ``QuestionnaireError`` for a bad file.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic

from sg_assess import paths
from sg_assess.errors import NotFound, QuestionnaireError
from sg_assess.questionnaire.principles import all_principles
from sg_assess.questionnaire.rules import compile_chronology, compile_rules
from sg_assess.questionnaire.schema import Questionnaire, cross_check
from sg_assess.questionnaire.shipped import pinned_data, pinned_data_path

MAX_FILE_BYTES = 2 * 1024 * 1024
DEFAULT_QUESTIONNAIRE = "safeguarding-assessment"


def parse_questionnaire(raw: bytes, origin: str) -> Questionnaire:
    """Validate a questionnaire file's bytes; raise QuestionnaireError listing every problem."""
    if len(raw) > MAX_FILE_BYTES:
        raise QuestionnaireError([f"{origin}: the file is {len(raw):,} bytes; a questionnaire may be at most {MAX_FILE_BYTES:,}"])
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark (some Windows editors) is not content
    except UnicodeDecodeError as exc:
        raise QuestionnaireError([f"{origin}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save it as UTF-8"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise QuestionnaireError([f"{origin}: invalid TOML: {exc}"]) from None
    try:
        model = Questionnaire.model_validate(data)
    except pydantic.ValidationError as exc:
        lines = _describe_errors(exc, data) + _raw_duplicate_ids(data)
        raise QuestionnaireError([f"{origin}: {line}" for line in lines]) from None
    problems = cross_check(model, set(all_principles()))
    if problems:
        raise QuestionnaireError([f"{origin}: {where}: {what}" for where, what in problems])
    _attach_rules(model, origin)
    model._source = text
    model._content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    model._origin = origin
    return model


def _attach_rules(model: Questionnaire, origin: str) -> None:
    """Compile the file's [[rules]] and [[chronology]], or those shipped for its id and version; refuse bad ones."""
    raw, chronology = model.rules, model.chronology
    rules_origin = origin
    if raw is None and chronology is None:
        shipped = pinned_data(model.id, model.version)
        if "rules" not in shipped and "chronology" not in shipped:
            return
        rules_origin = str(pinned_data_path(model.id, model.version))
        raw, chronology = shipped.get("rules", []), shipped.get("chronology", [])
    rules, problems = compile_rules(raw or [], model, set(all_principles()))
    entries, more = compile_chronology(chronology or [], model)
    if problems or more:
        raise QuestionnaireError([f"{rules_origin}: {line}" for line in problems + more])
    model._rules = rules
    model._chronology = entries
    model._rules_origin = rules_origin


def load_file(path: Path) -> Questionnaire:
    from sg_assess.fileio import special_kind

    kind = special_kind(path)  # a FIFO named *.toml would hang discovery
    if kind not in (None, "missing"):
        raise QuestionnaireError([f"{path}: cannot read the file: it is {kind}, not a regular file"])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise QuestionnaireError([f"{path}: cannot read the file: {exc.strerror or exc}"]) from None
    return parse_questionnaire(raw, str(path))


def from_source(source: str, origin: str = "stored definition") -> Questionnaire:
    """Rebuild a questionnaire from the exact text the store kept."""
    return parse_questionnaire(source.encode("utf-8"), origin)


def check_files(files: Iterable[Path]) -> list[str]:
    """Every problem in every file, one line each (empty when all are good)."""
    problems: list[str] = []
    for path in files:
        try:
            load_file(path)
        except QuestionnaireError as exc:
            problems.extend(exc.problems)
    return problems


def _describe_errors(exc: pydantic.ValidationError, data: Any) -> list[str]:
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        where = _where(loc, data)
        field_path = ".".join(str(p) for p in loc) or "file"
        kind = err["type"]
        if kind == "extra_forbidden":
            what = f"unknown key {str(loc[-1])!r}"
        elif kind == "missing":
            what = f"missing required key {str(loc[-1])!r}"
        elif kind == "literal_error":
            what = f"{field_path}: {err['input']!r} is not allowed (expected {err.get('ctx', {}).get('expected', '')})"
        else:
            what = f"{field_path}: {err['msg']}"
        lines.append(f"{where}: {what}" if where else what)
    return lines


def _raw_duplicate_ids(data: Any) -> list[str]:
    """Duplicate question ids, found in the raw data so they are reported alongside shape problems."""
    seen: set[str] = set()
    lines = []
    sections = data.get("sections") if isinstance(data, dict) else None
    for section in sections if isinstance(sections, list) else []:
        questions = section.get("questions") if isinstance(section, dict) else None
        for question in questions if isinstance(questions, list) else []:
            qid = question.get("id") if isinstance(question, dict) else None
            if isinstance(qid, str):
                if qid in seen:
                    lines.append(f"question {qid!r}: duplicate question id")
                seen.add(qid)
    return lines


def _where(loc: list[Any], data: Any) -> str:
    """Name the question or section a pydantic error location points into, and trim ``loc`` to the field."""
    if len(loc) >= 2 and loc[0] == "sections" and isinstance(loc[1], int):
        s_index = loc[1]
        section = _item(data, "sections", s_index)
        if len(loc) >= 4 and loc[2] == "questions" and isinstance(loc[3], int):
            q_index = loc[3]
            question = _item(section, "questions", q_index)
            qid = question.get("id") if isinstance(question, dict) else None
            del loc[:4]
            if isinstance(qid, str):
                return f"question {qid!r}"
            return f"question {q_index + 1} of section {s_index + 1}"
        sid = section.get("id") if isinstance(section, dict) else None
        del loc[:2]
        return f"section {sid!r}" if isinstance(sid, str) else f"section {s_index + 1}"
    return ""


def _item(data: Any, key: str, index: int) -> Any:
    try:
        return data[key][index]
    except (KeyError, IndexError, TypeError):
        return {}


@dataclass
class Catalog:
    """The questionnaires found on the search path: the best version of each id, and what was broken."""

    found: list[Questionnaire] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def best(self) -> dict[str, Questionnaire]:
        out: dict[str, Questionnaire] = {}
        for q in self.found:
            if q.id not in out or q.version > out[q.id].version:
                out[q.id] = q
        return out

    def get(self, qid: str | None = None) -> Questionnaire:
        """The newest version of questionnaire ``qid``, or exactly version N when written ``ID@N``.

        An older version stays available so an organisation can finish a series of
        assessments on the version it started with (``new --questionnaire ID@1``).
        """
        best = self.best
        qid = qid or DEFAULT_QUESTIONNAIRE
        qid, at, wanted = qid.partition("@")
        if qid not in best:
            known = ", ".join(sorted(best)) or "none"
            raise NotFound(f"no questionnaire with id {qid!r} (found: {known}); see 'sg-assess questionnaires list'")
        if not at:
            return best[qid]
        versions = sorted({q.version for q in self.found if q.id == qid})
        if not (wanted.isascii() and wanted.isdigit()) or int(wanted) not in versions:
            found = ", ".join(map(str, versions))
            raise NotFound(f"no version {wanted!r} of questionnaire {qid!r} (found versions: {found}); "
                           f"write ID@N with N one of them")
        return next(q for q in self.found if q.id == qid and q.version == int(wanted))


def search_path(extra_dirs: Iterable[Path] = ()) -> list[Path]:
    """Built-in questionnaires first, then the config file's folders, then SG_ASSESS_QUESTIONNAIRES."""
    return [paths.builtin_questionnaire_dir(), *extra_dirs, *paths.env_questionnaire_dirs()]


def discover(extra_dirs: Iterable[Path] = ()) -> Catalog:
    catalog = Catalog()
    for folder in search_path(extra_dirs):
        if not folder.is_dir():
            if folder != paths.builtin_questionnaire_dir():
                catalog.problems.append(f"{folder}: questionnaire folder not found")
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                catalog.found.append(load_file(path))
            except QuestionnaireError as exc:
                catalog.problems.extend(exc.problems)
    return catalog
