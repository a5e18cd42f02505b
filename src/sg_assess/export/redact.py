"""Redaction for case audits and training: people become roles, and nothing that identifies the child survives.

Who is who comes from the record, never from a question id: the child from the
assessment, people from every group of kind ``people`` (their ``carer_role`` in
version 2, else a short role word found in their relationship), staff from the
record's authors, and organisations and places from the questions flagged
``redact = "organisation" | "place" | "person"`` (version 1's flags ship in
``questionnaire/pinned/``) and from the ``agency`` of each person.

Every text is then scanned once, rule by rule: emails, record ids, phone
numbers, postcodes, addresses and streets, dates of birth, ages (as bands),
organisations, then names (every part of every recorded name, as whole words,
with any title before it; a part that is also an ordinary English word only
where it is written as a name).  Each replacement is a bracketed label, held
aside while the later rules run so that no rule rewrites another's work.

``redact`` returns an ordinary record (a ``RedactedRecord``), so every export
renders it the same way; ``mark`` adds the banner that says what was removed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from sg_assess.questionnaire.schema import Questionnaire
from sg_assess.records import AssessmentRecord

BANNER = ("REDACTED. People are shown by their role in brackets ([child], [mother], [teacher 1]) and organisations "
          "by their kind ([school]); names, dates of birth, ages (given as bands), addresses, postcodes, phone "
          "numbers, email addresses and record ids have been removed. Free text may still hold something that "
          "identifies the child or family: it needs a human read before it is shared.")

FLAGS = ("organisation", "place", "person")


@dataclasses.dataclass(frozen=True)
class RedactedRecord(AssessmentRecord):
    """An assessment with everything identifying replaced; exports add the banner and a name without the child's."""

    redacted: bool = True


# -- words ---------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _ordinary_words() -> frozenset[str]:
    text = Path(__file__).with_name("ordinary_words.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


class _Ordinary:
    """``word in ORDINARY_WORDS``: the shipped list of ordinary words that are also names (read once, when asked)."""

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word.casefold() in _ordinary_words()


ORDINARY_WORDS = _Ordinary()

TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Master", "Dr", "Prof", "Professor", "Rev", "Revd", "Reverend", "Sir",
          "Dame", "Lady", "Lord", "PC", "DC", "DS", "DI", "Sgt", "Cllr", "Nana", "Nanna", "Nan", "Nanny", "Gran",
          "Granny", "Grandma", "Grandad", "Granddad", "Grandpa", "Aunt", "Auntie", "Aunty", "Uncle")
_TITLE_SET = frozenset(TITLES)
_PARTICLES = frozenset({"de", "da", "di", "du", "van", "von", "der", "den", "la", "le", "bin", "al", "el"})
_NOT_A_NAME = frozenset({"I", "A", "An", "The", "And", "Or", "But", "If", "So", "Is", "Was", "He", "She", "It", "They",
                         "We", "You", "Me", "My", "Her", "His", "Mum", "Dad", "Mummy", "Daddy", "Monday", "Tuesday",
                         "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March",
                         "April", "May", "June", "July", "August", "September", "October", "November", "December"})
_WORD = re.compile(r"[^\W\d_][\w'’]*")
_B = r"(?<![\w-])(?<!\w['’])"  # a word starts here (not inside a word, a hyphenated word or after O')
_NAME = r"([A-Z][a-z]+(?:['’][A-Z][a-z]+)?(?:-[A-Z][a-z]+)?)"  # a capitalised name, without any 's after it
_NOT_AFTER_ROLE = frozenset({"Who", "When", "Where", "Why", "How", "What", "Which", "Then", "Now", "Today", "Yesterday",
                             "Tomorrow", "Also", "Both", "Not", "This", "That", "These", "Those", "There", "Here",
                             "Although", "Because", "As", "Since", "While", "Until", "After", "Before", "Who's"})


def name_parts(name: str) -> list[str]:
    """The parts of a recorded name that are replaced wherever they stand: titles and lower-case words left out."""
    words = [w for w in _WORD.findall(name) if len(w) >= 2 and w not in _TITLE_SET]
    capital = [w for w in words if w[:1].isupper()]
    return capital or [w for w in words if w.casefold() not in _PARTICLES]


def _key(name: str) -> tuple[str, ...]:
    return tuple(p.casefold() for p in name_parts(name))


# -- roles ---------------------------------------------------------------------------------------------------------

# A short role word found in a relationship (earliest in the text wins; the longest where two start together).
_ROLE_WORDS: dict[str, str] = {
    "mother": "mother", "mum": "mother", "mummy": "mother", "mom": "mother", "father": "father", "dad": "father",
    "daddy": "father", "stepmother": "stepmother", "step-mother": "stepmother", "stepmum": "stepmother",
    "stepfather": "stepfather", "step-father": "stepfather", "stepdad": "stepfather", "partner": "partner",
    "mother's partner": "mother's partner", "mum's partner": "mother's partner",
    "father's partner": "father's partner", "dad's partner": "father's partner", "ex-partner": "ex-partner",
    "husband": "husband", "wife": "wife", "boyfriend": "boyfriend", "girlfriend": "girlfriend",
    "brother": "brother", "sister": "sister", "half-brother": "half-brother", "half-sister": "half-sister",
    "half brother": "half-brother", "half sister": "half-sister", "stepbrother": "stepbrother",
    "step-brother": "stepbrother", "stepsister": "stepsister", "step-sister": "stepsister", "sibling": "sibling",
    "son": "son", "daughter": "daughter", "grandmother": "grandmother", "grandma": "grandmother",
    "nan": "grandmother", "nana": "grandmother", "nanna": "grandmother", "gran": "grandmother",
    "granny": "grandmother", "grandfather": "grandfather", "grandad": "grandfather", "granddad": "grandfather",
    "grandpa": "grandfather", "great-grandmother": "great-grandmother", "great-grandfather": "great-grandfather",
    "grandparent": "grandparent", "aunt": "aunt", "auntie": "aunt", "aunty": "aunt", "uncle": "uncle",
    "cousin": "cousin", "niece": "niece", "nephew": "nephew", "godmother": "godmother", "godfather": "godfather",
    "foster carer": "foster carer", "foster mother": "foster carer", "foster father": "foster carer",
    "kinship carer": "kinship carer", "special guardian": "special guardian", "guardian": "guardian",
    "carer": "carer", "parent": "parent", "lodger": "lodger", "friend": "friend", "family friend": "family friend",
    "neighbour": "neighbour", "childminder": "childminder", "babysitter": "babysitter",
    "teacher": "teacher", "class teacher": "teacher", "head teacher": "head teacher", "headteacher": "head teacher",
    "teaching assistant": "teaching assistant", "senco": "SENCO", "head of year": "head of year",
    "designated safeguarding lead": "safeguarding lead", "safeguarding lead": "safeguarding lead",
    "learning mentor": "learning mentor", "mentor": "mentor", "school nurse": "school nurse",
    "health visitor": "health visitor", "midwife": "midwife", "gp": "GP", "doctor": "doctor",
    "paediatrician": "paediatrician", "nurse": "nurse", "dentist": "dentist", "social worker": "social worker",
    "support worker": "support worker", "youth worker": "youth worker", "key worker": "key worker",
    "keyworker": "key worker", "outreach worker": "outreach worker", "police officer": "police officer",
    "police": "police officer", "pcso": "police officer", "probation officer": "probation officer",
    "housing officer": "housing officer", "personal adviser": "personal adviser", "advocate": "advocate",
    "idva": "domestic abuse adviser", "therapist": "therapist", "psychologist": "psychologist",
    "psychiatrist": "psychiatrist", "counsellor": "counsellor", "interpreter": "interpreter",
    "solicitor": "solicitor", "lead professional": "lead professional", "practitioner": "practitioner",
    "supervisor": "supervisor", "manager": "manager", "faith leader": "faith leader", "coach": "coach",
}
_ROLE_RE = re.compile(_B + "(" + "|".join(re.escape(w) for w in sorted(_ROLE_WORDS, key=len, reverse=True))
                      + r")(?![\w-])", re.IGNORECASE)
CARER_ROLES = {"mother": "mother", "father": "father", "male_carer": "male carer", "female_carer": "female carer",
               "other_carer": "carer"}
SCALE_ROLES = {"practitioner": "practitioner", "parent_carer": "parent or carer", "child": "child",
               "network": "network member", "professional": "professional", "supervisor": "supervisor"}


def role_word(text: str | None) -> str | None:
    """The short role a relationship names ("Mother's partner; lives with us" -> "mother's partner"), if any."""
    match = _ROLE_RE.search((text or "").replace("’", "'"))
    return _ROLE_WORDS[match.group(1).casefold()] if match else None


def person_role(row: dict[str, Any]) -> str:
    """A people row's role: the carer role of version 2 for a mother or father, else a word from the relationship."""
    carer = row.get("carer_role")
    if carer in ("mother", "father"):
        return carer
    return role_word(row.get("relationship")) or CARER_ROLES.get(carer or "", "person")


# -- flags ---------------------------------------------------------------------------------------------------------


def flagged_questions(questionnaire: Questionnaire) -> dict[str, str]:
    """{question id: flag}: the questionnaire's own ``redact`` flags, or those shipped for its id and version."""
    own = {q.id: q.redact for q in questionnaire.questions() if getattr(q, "redact", None)}
    return own or dict(_shipped_flags(questionnaire.id, questionnaire.version))


@lru_cache(maxsize=16)
def _shipped_flags(qid: str, version: int) -> tuple[tuple[str, str], ...]:
    from sg_assess.questionnaire.shipped import pinned_data

    table = pinned_data(qid, version).get("redact", {})
    return tuple((k, v) for k, v in table.items() if isinstance(v, str) and v in FLAGS)


# -- patterns ------------------------------------------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_UUID = re.compile(r"(?<![\w-])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![\w-])", re.I)
_HEX = re.compile(r"(?<![\w-])(?=[0-9a-f-]*\d)[0-9a-f]{8,}(?:-[0-9a-f]{1,12}){0,4}-?(?![\w-])", re.I)
_PHONE = re.compile(r"(?<![\w+])(?:\+44[\s-]?(?:\(0\)[\s-]?)?|\(?0)(?:[\s)-]{0,2}\d){9,10}(?!\d)")
_POSTCODE = re.compile(r"(?<![\w-])(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s?\d[A-Z]{2}(?![\w-])", re.I)
_STREET_WORDS = ("Road|Rd|Street|Avenue|Ave|Lane|Close|Drive|Way|Court|Crescent|Place|Gardens|Terrace|Grove|Mews|"
                 "Square|Walk|Row|Rise|Parade|Hill|View|Green|Park|Wharf|Yard")
_ADDRESS = re.compile(r"(?<![\w/.,-])(?:(?:Flat|Apartment|Unit)\s+\d+[A-Za-z]?,?\s+)?\d{1,4}[A-Za-z]?,?\s+"
                      r"(?:[A-Z][\w'’-]*\s+){1,3}(?:" + _STREET_WORDS + r")(?![\w-])")
_STREET = re.compile(_B + r"(?:[A-Z][\w'’-]*\s+){1,3}(?:Road|Street|Avenue|Lane|Crescent|Gardens|Terrace|"
                     r"Drive|Grove|Mews)(?![\w-])")
_STOP = frozenset({"The", "A", "An", "At", "In", "On", "To", "From", "By", "Of", "Her", "His", "Their", "Our", "My",
                   "Your", "And", "Or", "Near", "Off", "Into", "Via", "With", "For", "Down", "Up", "Along"})
_MONTHS = {m: i for i, names in enumerate((("january", "jan"), ("february", "feb"), ("march", "mar"),
                                           ("april", "apr"), ("may",), ("june", "jun"), ("july", "jul"),
                                           ("august", "aug"), ("september", "sept", "sep"), ("october", "oct"),
                                           ("november", "nov"), ("december", "dec")), start=1) for m in names}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE = re.compile(
    r"(?<![\w/.-])(?:(?P<iy>\d{4})([-/.])(?P<im>\d{1,2})\2(?P<id>\d{1,2})"
    r"|(?P<nd>\d{1,2})[/.-](?P<nm>\d{1,2})[/.-](?P<ny>\d{4}|\d{2})"
    rf"|(?P<td>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH.replace('(', '(?P<tm>', 1)},?\s+(?P<ty>\d{{4}}|\d{{2}})"
    rf"|{_MONTH.replace('(', '(?P<mm>', 1)}\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<my>\d{{4}}|\d{{2}}))(?![\w/-])",
    re.I)
_BIRTH_CONTEXT = re.compile(r"(?:\bborn(?:\s+on)?|\bD\.?O\.?B\.?|\bdate\s+of\s+birth)\s*[:-]?\s*$", re.I)
_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_N = r"(\d{1,2}|" + "|".join(_NUMBER_WORDS) + ")"
_UNIT = r"(years?|yrs?|months?|weeks?)"
_AGED = re.compile(rf"\b(aged?)\s+{_N}(?:\s+{_UNIT})?(?:\s+old)?(?![\w-])", re.I)
_OLD = re.compile(rf"(?<![\w-]){_N}(\s|-){_UNIT}(?:\s|-)old(?![\w])", re.I)
_WHO_IS = re.compile(rf"\b(who|she|he|they)\s+(is|was|are|were|turned|turns|has\s+turned)\s+{_N}"
                     r"(?=\s*(?:[,.;:!?)]|$))", re.I)
_REL_AGE = re.compile(r"(,|\()\s*(\d{1,2})(?=\s*(?:[;,)]|$))")
_SCHOOL_WORDS = ("School|Academy|College|Nursery|Pre-school|Preschool|Primary|Juniors|Infants|Grammar")
_GENERIC_SCHOOL = frozenset({"primary", "secondary", "junior", "juniors", "infant", "infants", "high", "school",
                             "academy", "college", "nursery", "pre-school", "preschool", "grammar", "special",
                             "sixth", "form", "free", "middle", "upper", "lower", "virtual", "the", "community",
                             "church", "catholic", "c", "of", "e", "ce", "rc"})
_SCHOOL = re.compile(_B + r"(?:(?:St\.?|[A-Z][\w'’-]*)\s+(?:(?:of|C|E|de|la)\s+)*){1,5}(?:"
                     + _SCHOOL_WORDS + r")(?:\s+School)?(?![\w-])")
_ORG_WORDS = ("Services|Service|Team|Hub|Advice|Trust|Council|Centre|Center|Clinic|Hospital|Surgery|Practice|"
              "Police|Partnership|Foundation|Charity|Project|Unit|Association|Church|Mosque|Temple|Synagogue|Club")
_ORG_RUN = re.compile(_B + r"(?:[A-Z][\w'’-]*\s+(?:(?:of|for|and|&)\s+)?){1,5}(?:" + _ORG_WORDS
                      + r")(?![\w-])")
# Words that make a service's generic name, not one place's ("Early Help Service", "Talking Therapies clinic").
_GENERIC_ORG = frozenset("""early help children's childrens child social care family families health visiting mental
adult adults domestic abuse support youth leaving housing community citizens advice talking therapies national local
county city district general nhs camhs nursing school services service team hub unit the of for and & a safeguarding
multi-agency integrated front door mash police probation parenting drug alcohol substance misuse sexual violence
victim victims women's womens men's refuge foodbank food bank baby toddler parent parents carers young people
people's peoples education welfare virtual paediatric maternity midwifery gp practice surgery centre center clinic
hospital trust council project charity association partnership foundation club church mosque temple synagogue
football rugby swimming sports""".split())
_ORG_KINDS = (("nursery", re.compile(r"\bnursery|pre-?school\b", re.I)),
              ("college", re.compile(r"\bcollege\b", re.I)),
              ("school", re.compile(r"\b(?:school|academy|primary|juniors|infants|grammar)\b", re.I)),
              ("hospital", re.compile(r"\bhospital\b", re.I)),
              ("GP surgery", re.compile(r"\b(?:surgery|health centre|medical (?:centre|practice))\b", re.I)),
              ("police", re.compile(r"\bpolice\b", re.I)),
              ("organisation", re.compile(r"\b(?:" + _ORG_WORDS.replace("|Police", "").replace("|Hospital", "")
                                          .replace("|Surgery", "").replace("|Practice", "") + r")\b", re.I)))
# A title before a name nobody recorded ("Mr Fenwick", "Nana Joan").
_TITLE_NAME = re.compile(_B + "(?:" + "|".join(TITLES) + r")\.?[ \t]+" + _NAME + r"(?![\w-])")
# A name nobody recorded, given beside a family role ("his mother, Meera", "her brother Theo").
_APPOSITIVE = re.compile(r"(?<![\w-])((?i:mother|mum|father|dad|brother|sister|half-brother|half-sister|stepfather|"
                         r"stepmother|stepdad|stepmum|aunt|auntie|uncle|cousin|grandmother|grandfather|nan|gran|"
                         r"grandma|grandad|son|daughter|partner|boyfriend|girlfriend|husband|wife|friend|"
                         r"neighbour|carer)(?:,[ \t]*|[ \t]+))" + _NAME + r"(?![\w-])")
_PRIVATE = re.compile("[\ue000\ue001\U000f0000-\U000ffffd]")
_SENTINEL = re.compile("\ue000([\U000f0000-\U000ffffd])\ue001")
_PARENS = re.compile(r"\s*\([^)]*\)")


def _band(years: float) -> str:
    for top, band in ((3, "0-2"), (5, "3-4"), (10, "5-9"), (15, "10-14"), (18, "15-17"), (25, "18-24"),
                      (35, "25-34"), (45, "35-44"), (55, "45-54"), (65, "55-64")):
        if years < top:
            return band
    return "65+"


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBER_WORDS[text.casefold()]


def _years(n: int, unit: str | None) -> float:
    unit = (unit or "y").casefold()
    return n / 12 if unit.startswith("m") else n / 52 if unit.startswith("w") else n


def _years_of(year: str) -> list[str]:
    """A year as written; '19' may be 1919 or 2019 (both are compared with the date of birth)."""
    return [year] if len(year) == 4 else [f"19{year}", f"20{year}"]


def _dates(m: re.Match[str]) -> set[dt.date]:
    """Every date the match can mean (a numeric date read day-first, and month-first if that is a date too)."""
    g = m.groupdict()
    if g["iy"]:
        triples = [(g["iy"], g["im"], g["id"])]
    elif g["ny"]:
        triples = [(y, mo, d) for y in _years_of(g["ny"]) for mo, d in ((g["nm"], g["nd"]), (g["nd"], g["nm"]))]
    elif g["ty"]:
        triples = [(y, _MONTHS[g["tm"].casefold()], g["td"]) for y in _years_of(g["ty"])]
    else:
        triples = [(y, _MONTHS[g["mm"].casefold()], g["md"]) for y in _years_of(g["my"])]
    found = set()
    for y, mo, d in triples:
        try:
            found.add(dt.date(int(y), int(mo), int(d)))
        except ValueError:
            pass
    return found


def _org_kind(name: str) -> str:
    """The kind an organisation's name says it is, read from its last telling word ("School Nursing Service")."""
    found = [(m.end(), kind != "organisation", kind) for kind, pattern in _ORG_KINDS for m in pattern.finditer(name)]
    return max(found)[2] if found else "organisation"


def _segments(text: str) -> list[str]:
    return [s.strip(" .") for s in re.split(r"[,;\n]", text) if s.strip(" .")]


def _all_capitalised(segment: str) -> bool:
    words = _WORD.findall(segment)
    small = {"of", "and", "for", "the", "&", "de", "la", "le", "upon", "on"}
    return bool(words) and all(w[:1].isupper() or w in small for w in words) and words[0][:1].isupper()


# -- the redactor --------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class _Entity:
    kind: str  # the label before numbering: "mother", "school", "place"...
    aliases: list[str]
    label: str = ""


class Redactor:
    """Everyone and everything a record identifies, and the scan that replaces them in any text."""

    def __init__(self, record: AssessmentRecord) -> None:
        self.record = record
        self.flags = flagged_questions(record.questionnaire)
        self.people: dict[tuple[str, ...], _Entity] = {}
        self.orgs: dict[str, _Entity] = {}
        self.places: dict[str, _Entity] = {}
        self.withheld: dict[str, str] = {}  # question id -> the label its whole answer becomes
        self._held: dict[str, str] = {}
        self._place_field: dict[str, _Entity | None] = {}
        self._births = {d for d in (_iso(record.child.dob), _iso(record.child.due_date)) if d}
        self._collect()
        for group in (self.people.values(), self.orgs.values(), self.places.values()):
            _number_labels(list(group))
        # Names only an earlier version held (a spelling since corrected, a person since removed): each part not
        # already someone's becomes [name].
        self._former = _Entity("name", [], label="name")
        for h in record.history:
            versions = [v for v in (h.before, h.after) if isinstance(v, list)]
            for row in (row for version in versions for row in version):
                for field in ("name", "who"):
                    name = row.get(field) if isinstance(row, dict) else None
                    if isinstance(name, str) and _key(name) and _key(name) not in self.people:
                        self._former.aliases.append(name)
        # Names nobody recorded but the text gives away (after a title, beside a family role) go everywhere.
        known = {part for key in self.people for part in key}
        for text in _strings([record.answers, [c.text for c in record.comments], [a.text for a in record.addenda]]):
            for pattern in (_TITLE_NAME, _APPOSITIVE):
                for m in pattern.finditer(text):
                    name = m.group(m.lastindex or 0)
                    if name not in _NOT_A_NAME and name not in _NOT_AFTER_ROLE and name.casefold() not in known:
                        self._former.aliases.append(name)
        self._build_patterns()

    # who and what the record names

    def _person(self, name: str | None, kind: str) -> _Entity | None:
        key = _key(name or "")
        if not key or (len(key) == 1 and key[0].capitalize() in _NOT_A_NAME):
            return None
        if key not in self.people:
            # "Maria" in one table and "Maria Example" in another are one person, where only one person fits.
            fits = {id(e): e for k, e in self.people.items() if set(key) <= set(k) or set(k) <= set(key)}
            entity = next(iter(fits.values())) if len(fits) == 1 else _Entity(kind, [])
            entity.aliases.append(name or "")
            self.people[key] = entity
        return self.people[key]

    def _org(self, name: str, kind: str | None = None, into: dict[str, _Entity] | None = None) -> _Entity | None:
        name = _PARENS.sub("", name).strip(" .,;")
        if len(name) < 3 or not any(ch.isupper() for ch in name):
            return None
        table = self.orgs if into is None else into
        return table.setdefault(name.casefold(), _Entity(kind or _org_kind(name), [name]))

    def _orgs_in(self, text: str, *, first: bool = False) -> bool:
        """Record the organisations a field names: a school's name where there is one, else capitalised segments."""
        found = False
        for m in _SCHOOL.finditer(text):
            found |= self._school(m.group(0)) is not None
        segments = _segments(text)
        for i, segment in enumerate(segments):
            named = (_all_capitalised(_PARENS.sub("", segment)) and len(_WORD.findall(segment)) >= 2
                     and _key(segment) not in self.people)
            if (first and i == 0 and not found) or named:
                found |= self._org(segment) is not None
        return found

    def _school(self, run: str) -> _Entity | None:
        words = run.split()
        while words and words[0] in _STOP:
            words.pop(0)
        if not words or all(w.casefold().strip(".") in _GENERIC_SCHOOL for w in words):
            return None
        return self._org(" ".join(words))

    def _named_org(self, run: str) -> _Entity | None:
        """A capitalised run ending in an organisation word, if a word in it names one place ("Anytown Family Hub")."""
        words = run.split()
        while words and words[0] in _STOP:
            words.pop(0)
        if len(words) < 2 or all(w.casefold() in _GENERIC_ORG for w in words) or _key(" ".join(words)) in self.people:
            return None
        return self._org(" ".join(words))

    def _collect(self) -> None:
        r = self.record
        self._person(r.summary.child_name, "child")
        self._person(r.child.name, "child")
        q = r.questionnaire
        groups = [(x.id, x.kind) for x in q.questions() if x.kind in ("people", "scale", "actions")]
        for qid, kind in groups:
            for row in r.answers.get(qid) or []:
                if kind == "people" and isinstance(row, dict):
                    self._person(row.get("name"), person_role(row))
        staff = [(r.summary.practitioner, "practitioner"), (r.owner, "practitioner")]
        staff += [(x.actor, "supervisor" if x.decision == "signed_off" or x.role == "supervisor" else x.role)
                  for x in r.reviews]
        staff += [(x.author, x.role) for x in r.comments] + [(x.author, x.role) for x in r.addenda]
        staff += [(x.actor, x.role) for x in r.history]
        staff += [(r.people[name], role) for name, role in list(staff) if r.people.get(name)]  # their display names
        for name, role in staff:
            self._person(name, role if role in ("practitioner", "supervisor") else role_word(role) or "staff")
        for qid, flag in self.flags.items():
            value = r.answers.get(qid)
            if not isinstance(value, str) or not value.strip():
                continue
            if flag == "organisation":
                if not self._orgs_in(value, first=True):
                    self.withheld[qid] = "organisation"
            elif flag == "place":
                entity = None
                for segment in _segments(value):
                    if any(ch.isupper() for ch in segment):
                        name = _PARENS.sub("", segment).strip()
                        entity = entity or self.places.setdefault(name.casefold(), _Entity("place", []))
                        entity.aliases.append(name)
                self.withheld[qid] = "place"
                self._place_field[qid] = entity
            elif flag == "person":
                segments = _segments(value)
                if segments and _all_capitalised(_PARENS.sub("", segments[0])) and len(segments[0].split()) <= 5:
                    self._person(segments[0], role_word(", ".join(segments[1:])) or "person")
                self._orgs_in(", ".join(segments[1:]))
        for _, role in staff:
            for segment in _segments(role or "")[1:]:
                if _all_capitalised(_PARENS.sub("", segment)):
                    self._org(segment)
        for qid, kind in groups:
            for row in r.answers.get(qid) or []:
                if not isinstance(row, dict):
                    continue
                if kind == "people":
                    self._orgs_in(row.get("agency") or "", first=True)
                elif kind == "scale":
                    role = row.get("role") or ""
                    self._person(row.get("who"), SCALE_ROLES.get(role) or role_word(role) or "person")
        for text in _strings([r.answers, [c.text for c in r.comments], [a.text for a in r.addenda]]):
            for m in _SCHOOL.finditer(text):
                self._school(m.group(0))
            for m in _ORG_RUN.finditer(text):
                self._named_org(m.group(0))

    def _build_patterns(self) -> None:
        parts: dict[str, None] = {}
        for entity in [*self.people.values(), self._former]:
            for alias in entity.aliases:
                parts.update(dict.fromkeys(name_parts(alias)))
        alternatives = []
        for part in sorted(parts, key=len, reverse=True):
            if part in ORDINARY_WORDS:
                alternatives.append(f"{re.escape(part[0].upper() + part[1:])}|{re.escape(part.upper())}")
            else:
                alternatives.append(f"(?i:{re.escape(part)})")
        name = "(?:" + "|".join(alternatives) + ")"
        title = "(?:" + "|".join(TITLES) + r")\.?[ \t]+"
        self.name_run = re.compile(_B + rf"(?:{title})?{name}(?:(?:[ \t]+|-){name})*(?![\w-])") \
            if alternatives else None
        self.unknown_title = _TITLE_NAME
        self.part_people: dict[str, list[_Entity]] = {}
        for entity in {id(e): e for e in self.people.values()}.values():
            for alias in entity.aliases:
                for part in name_parts(alias):
                    people = self.part_people.setdefault(part.casefold(), [])
                    if entity not in people:
                        people.append(entity)
        for alias in self._former.aliases:
            for part in name_parts(alias):
                self.part_people.setdefault(part.casefold(), [self._former])
        aliases = sorted({a for e in [*self.orgs.values(), *self.places.values()] for a in e.aliases}, key=len,
                         reverse=True)
        self.by_alias = {a.casefold(): e for e in [*self.orgs.values(), *self.places.values()] for a in e.aliases}
        self.org_pattern = re.compile(_B + "(?:" + "|".join(re.escape(a) for a in aliases) + r")(?![\w-])",
                                      re.I) if aliases else None

    # the scan

    def _hold(self, label: str) -> str:
        index = self._held.setdefault(label, chr(0xF0000 + len(self._held)))
        return f"\ue000{index}\ue001"

    def text(self, value: str, *, relationship: bool = False) -> str:
        if not value:
            return value
        held = self._hold
        t = _PRIVATE.sub("", value)
        t = _EMAIL.sub(lambda m: held("[email]"), t)
        t = _UUID.sub(lambda m: held("[id]"), t)
        t = _PHONE.sub(lambda m: held("[phone]"), t)
        t = _HEX.sub(lambda m: held("[id]"), t)
        t = _POSTCODE.sub(lambda m: held("[postcode]"), t)
        t = _DATE.sub(self._date, t)
        t = _ADDRESS.sub(lambda m: held("[address]"), t)
        t = _STREET.sub(self._street, t)
        t = _AGED.sub(lambda m: f"{m.group(1)} {held(self._age(m.group(2), m.group(3)))}", t)
        t = _OLD.sub(lambda m: held(f"{self._age(m.group(1), m.group(3))}-year-old") if m.group(2) == "-"
                     else f"aged {held(self._age(m.group(1), m.group(3)))}", t)
        t = _WHO_IS.sub(lambda m: f"{m.group(1)} {m.group(2)} aged {held(self._age(m.group(3), None))}", t)
        if relationship:
            t = _REL_AGE.sub(lambda m: f"{m.group(1)}{' ' if m.group(1) == ',' else ''}aged "
                                       f"{held(self._age(m.group(2), None))}", t)
        if self.org_pattern is not None:
            t = self.org_pattern.sub(lambda m: held(f"[{self.by_alias[m.group(0).casefold()].label}]"), t)
        if self.name_run is not None:
            t = self.name_run.sub(lambda m: held(self._name(m.group(0))), t)
        t = self.unknown_title.sub(self._unknown, t)
        t = _APPOSITIVE.sub(lambda m: m.group(0) if m.group(2) in _NOT_A_NAME or m.group(2) in _NOT_AFTER_ROLE
                            else m.group(1) + held("[name]"), t)
        labels = {v: k for k, v in self._held.items()}
        return _SENTINEL.sub(lambda m: labels[m.group(1)], t)

    def _age(self, n: str, unit: str | None) -> str:
        return _band(_years(_number(n), unit))

    def _date(self, m: re.Match[str]) -> str:
        before = m.string[max(0, m.start() - 30):m.start()]
        if _dates(m) & self._births or _BIRTH_CONTEXT.search(before):
            return self._hold("[date of birth]")
        return m.group(0)

    def _street(self, m: re.Match[str]) -> str:
        words = m.group(0).split(" ")
        kept = []
        while len(words) > 1 and words[0] in _STOP:
            kept.append(words.pop(0))
        if len(words) < 2:
            return m.group(0)
        return " ".join([*kept, self._hold("[street]")])

    def _unknown(self, m: re.Match[str]) -> str:
        return m.group(0) if m.group(0).split()[-1] in _NOT_A_NAME else self._hold("[name]")

    def _name(self, run: str) -> str:
        words = [w for w in re.split(r"[ \t]+|-", run) if w]
        if words and words[0].rstrip(".") in _TITLE_SET and len(words) > 1:
            words = words[1:]
        keys = [w.casefold() for w in words]
        candidates = [e for e in self.part_people.get(keys[0], []) if all(
            e in self.part_people.get(k, []) for k in keys)]
        if len(candidates) == 1:
            return f"[{candidates[0].label}]"
        if candidates:
            return "[name]"
        labels = []  # parts of different people side by side: each on its own
        for k in keys:
            people = [e for e in self.part_people.get(k, []) if e is not self._former]
            if not people and len(labels) and k in self.part_people:
                continue  # a part only an earlier spelling held, after a known part: the same person
            label = f"[{people[0].label}]" if len(people) == 1 else "[name]"
            if not labels or labels[-1] != label:
                labels.append(label)
        return " ".join(labels)

    # values

    def value(self, value: Any, qid: str | None = None) -> Any:
        if qid is not None and qid in self.withheld and isinstance(value, str) and value.strip():
            entity = self._place_field.get(qid)
            return f"[{entity.label}]" if entity is not None else f"[{self.withheld[qid]}]"
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self._field(k, v) for k, v in value.items()}
        return value

    def _field(self, key: str, value: Any) -> Any:
        if key in ("name", "who") and isinstance(value, str):
            entity = self.people.get(_key(value))
            if entity is not None:
                return f"[{entity.label}]"
        if key == "relationship" and isinstance(value, str):
            return self.text(value, relationship=True)
        return self.value(value)

    def actor(self, name: str | None) -> str:
        entity = self.people.get(_key(name or ""))
        return f"[{entity.label}]" if entity is not None else self.text(name or "")


def _iso(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _number_labels(entities: list[_Entity]) -> None:
    """Each entity's label: its kind, numbered in order where two or more share it."""
    seen: dict[int, _Entity] = {id(e): e for e in entities}
    counts: dict[str, int] = {}
    for e in seen.values():
        counts[e.kind] = counts.get(e.kind, 0) + 1
    numbers: dict[str, int] = {}
    for e in seen.values():
        if counts[e.kind] > 1:
            numbers[e.kind] = numbers.get(e.kind, 0) + 1
            e.label = f"{e.kind} {numbers[e.kind]}"
        else:
            e.label = e.kind


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def pseudonym(record_id: str, kind: str) -> str:
    """A stable stand-in for a record id that is not one (letters only, none of them hex digits)."""
    digest = hashlib.sha256(f"{kind}:{record_id}".encode()).digest()
    return "".join("GHJKLMNPQRSTVWXZ"[b % 16] for b in digest[:12])


def _walk(obj: Any, r: Redactor) -> Any:
    """Fields this module does not know by name (added to records later) are scanned as text."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.replace(obj, **{f.name: _walk(getattr(obj, f.name), r) for f in dataclasses.fields(obj)
                                           if f.init})
    if isinstance(obj, str):
        return r.text(obj)
    if isinstance(obj, (list, tuple)):
        return type(obj)(_walk(v, r) for v in obj)
    if isinstance(obj, dict):
        return {k: _walk(v, r) for k, v in obj.items()}
    return obj


def redact(record: AssessmentRecord) -> RedactedRecord:
    r = Redactor(record)
    s = record.summary
    band = s.age_band
    summary = dataclasses.replace(s, id=pseudonym(s.id, "assessment"), child_id=pseudonym(s.child_id, "child"),
                                  child_name="[child]", practitioner=r.actor(s.practitioner))
    child = dataclasses.replace(record.child, id=summary.child_id, name="[child]",
                                dob=f"withheld (age band {band})" if record.child.dob else None,
                                due_date="withheld" if record.child.due_date else None)
    known = dict(
        summary=summary, child=child, questionnaire=record.questionnaire,
        questionnaire_hash=record.questionnaire_hash,
        people={},  # logins become labels: their display names go with them
        answers={qid: r.value(v, qid) for qid, v in record.answers.items()},
        owner=r.actor(record.owner),
        reviews=[dataclasses.replace(x, actor=r.actor(x.actor), role=r.text(x.role), comment=r.value(x.comment),
                                     declaration=r.value(x.declaration)) for x in record.reviews],
        comments=[dataclasses.replace(x, author=r.actor(x.author), role=r.text(x.role), text=r.text(x.text))
                  for x in record.comments],
        addenda=[dataclasses.replace(x, author=r.actor(x.author), role=r.text(x.role), reason=r.text(x.reason),
                                     text=r.text(x.text)) for x in record.addenda],
        history=[dataclasses.replace(x, actor=r.actor(x.actor), role=r.value(x.role),
                                     before=r.value(x.before, x.question_id), after=r.value(x.after, x.question_id))
                 for x in record.history],
    )
    fields = {f.name: known[f.name] if f.name in known else _walk(getattr(record, f.name), r)
              for f in dataclasses.fields(AssessmentRecord) if f.init}
    return RedactedRecord(**fields)


def mark(text: str, fmt: str) -> str:
    """Put the banner at the top of a rendered redacted export (after the Markdown title; a key of the JSON)."""
    if fmt == "json":
        data = json.loads(text)
        data["redacted"] = BANNER
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    # Code spans keep the example labels literal without a backslash in the raw file.
    banner = "> **REDACTED.** " + re.sub(r"(\[[a-z 0-9]+\])", r"`\1`", BANNER.removeprefix("REDACTED. "))
    lines = text.split("\n")
    at = 1 if lines and lines[0].startswith("# ") else 0
    return "\n".join([*lines[:at], *([""] if at else []), banner, "", *lines[at:]]).replace("\n\n\n", "\n\n", 1)


__all__ = ["BANNER", "ORDINARY_WORDS", "RedactedRecord", "Redactor", "flagged_questions", "mark", "name_parts",
           "person_role", "pseudonym", "redact", "role_word"]
