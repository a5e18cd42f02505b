"""Core benchmark: build a large fictional database, then time the store.

    python benchmarks/bench_core.py [--n 100000] [--db PATH] [--keep] [--json OUT]
    python benchmarks/bench_core.py --db postgresql://ADMIN@HOST:PORT/NAME [--sqlite PATH] [--rounds 3]

1. Builds (or, with ``--db`` pointing at a database that already holds N
   assessments, reuses) a database of N fictional assessments (3 in 100
   submitted) of ~3 KB of word-salad text each, over ~N/2 children.  The schema
   comes from ``Store.open`` (the real migrations) and the questionnaire
   definition from one real ``Store.create_assessment`` call; everything else
   is bulk-inserted with sqlite3 ``executemany`` in large transactions.  A team
   database (PostgreSQL) gets the same rows through SQL its rules accept, as
   each practitioner's own login (``pg_seed.py``), once, into a template
   ``NAME_tpl``; each run measures a fresh copy ``NAME``.
2. Times, in fresh subprocesses: ``Store.open``; ``Store.list(limit=50)``;
   full-text search for a rare, a common word, a child's surname and a prefix
   as typed; ``Store.save_answer``; ``create_assessment``; ``Store.get``; the
   review queue; Markdown export (``render_markdown(store.get(id))``); one
   round trip; and the peak RSS of a process that does all of that.  With a
   team database, SQLite is measured in the same run (``--sqlite``, built if
   missing), the two alternating for ``--rounds`` rounds; each figure is the
   median of the rounds, and the table gives PostgreSQL / SQLite.
3. Prints each figure next to its target (``--json OUT`` writes them too).
   It exits 0 whether or not the targets are met: it is a benchmark, not a test.

Everything is fictional: names and text are drawn at random from word lists.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve()
REPO = SCRIPT.parents[1]
QUESTIONNAIRE_FILE = "safeguarding-assessment.toml"
META_SUFFIX = ".bench.json"  # sidecar written next to a built database: seed, n, search words, build time
META_VERSION = 2  # 2: some assessments submitted, child snapshots, a prefix search word
DAY = 86_400.0
PG_PASSWORD_ENV = "SG_BENCH_PG_PASSWORD"  # this run's password of the practitioners' logins (pg_seed.PASSWORD_ENV)

# (key, label, unit, comparison, target); figures without a target are shown for context.
FIGURES: list[tuple[str, str, str, str | None, float | None]] = [
    ("import_ms", "import sg_assess.store (fresh process, median)", "ms", None, None),
    ("open_ms", "Store.open existing database (median of {open_runs} processes)", "ms", None, None),
    ("first_list_ms", "first list(limit=50) after open (median)", "ms", None, None),
    ("list_ms_median", "list 50 most recent, median of {list_runs}", "ms", "<=", 5.0),
    ("list_ms_p95", "list 50 most recent, p95 of {list_runs}", "ms", "<=", 5.0),
    ("search_rare_ms_median", "search rare word, median of {search_runs}", "ms", "<=", 50.0),
    ("search_rare_ms_p95", "search rare word, p95 of {search_runs}", "ms", "<=", 50.0),
    ("search_common_ms_median", "search common word, median of {search_runs}", "ms", "<=", 50.0),
    ("search_common_ms_p95", "search common word, p95 of {search_runs}", "ms", "<=", 50.0),
    ("search_name_ms_p95", "search a child's surname, p95 of {search_runs}", "ms", "<=", 50.0),
    ("search_prefix_ms_median", "search as you type, 4-letter prefix, median of {search_runs}", "ms", "<=", 50.0),
    ("search_prefix_ms_p95", "search as you type, 4-letter prefix, p95 of {search_runs}", "ms", "<=", 50.0),
    ("save_ms_median", "save_answer, median of {saves}", "ms", "<=", 5.0),
    ("save_ms_p95", "save_answer, p95 of {saves}", "ms", "<=", 5.0),
    ("create_ms_median", "create_assessment (new child), median of {creates}", "ms", None, None),
    ("create_ms_p95", "create_assessment (new child), p95 of {creates}", "ms", None, None),
    ("get_ms_median", "get one whole record, median of {gets}", "ms", None, None),
    ("get_ms_p95", "get one whole record, p95 of {gets}", "ms", None, None),
    ("review_queue_ms_median", "review queue (submitted, up to 500), median of {queue_runs}", "ms", None, None),
    ("review_queue_ms_p95", "review queue (submitted, up to 500), p95 of {queue_runs}", "ms", None, None),
    ("export_per_s", "Markdown export of {exports:,} assessments", "assessments/s", ">=", 500.0),
    ("peak_rss_mb", "peak RSS: open + list/search/save/export", "MB", "<=", 150.0),
    ("round_trip_ms_median", "one round trip (SELECT 1, connection held), median of 200", "ms", None, None),
]
# Which captured statements explain a figure (see ``plans`` in the JSON).
FIGURE_OP = {
    "first_list_ms": "list", "list_ms_median": "list", "list_ms_p95": "list",
    "search_rare_ms_median": "search_rare", "search_rare_ms_p95": "search_rare",
    "search_common_ms_median": "search_common", "search_common_ms_p95": "search_common",
    "search_name_ms_p95": "search_name", "save_ms_median": "save", "save_ms_p95": "save", "export_per_s": "export",
    "search_prefix_ms_median": "search_prefix", "search_prefix_ms_p95": "search_prefix",
    "create_ms_median": "create", "create_ms_p95": "create", "get_ms_median": "get", "get_ms_p95": "get",
    "review_queue_ms_median": "review_queue", "review_queue_ms_p95": "review_queue",
}

# --------------------------------------------------------------------------------------
# Word lists (fictional data only)
# --------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words("""
Amelia Olivia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Willow Florence Emily Ella Poppy Evie
Elsie Charlotte Evelyn Sienna Daisy Phoebe Sophie Harper Ruby Alice Millie Matilda Aisha Maryam Fatima Zara
Amira Hana Leila Nia Chloe Jessica Megan Holly Niamh Siobhan Aoife Zoë Chloé Anaïs Oliver Noah George Leo
Arthur Muhammad Harry Oscar Archie Henry Theodore Freddie Jack Charlie Finley Alfie Thomas Jacob Isaac Joshua
Lucas Ethan James Mason Max Samuel Daniel Reuben Tommy Harrison Kai Logan Rory Callum Lewis Kyle Jayden Tyler
Ibrahim Yusuf Omar Ali Hamza Ayaan Zain Adam Dylan Rhys Owen Gethin Cian Seán Oisín Kacper Jakub Szymon Łukasz
Mateusz Andrei Mihai Luca Marco Mateo Santiago Kwame Kofi Tunde Chidi Emeka Ade Femi Tariq Ravi Arjun Aarav Dev
Priya Ananya Saanvi Kiran Mei Jun Wei Ling Hiroshi Yuki Aleksander Natalia Zofia Oksana Darius Jonah Ezra Esme
""")

SURNAMES = _words("""
Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker
White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris
Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young
Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall
Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hussain
Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins
Okonkwo Adeyemi Mensah Nowak Kowalski Wiśniewski Popescu Ionescu Rossi Ferrari García Fernández Müller Schäfer
Nguyen Tran Chen Wang Zhang Kaur Chaudhry Rahman Ahmed Mahmood Haddad Yilmaz Demir Papadopoulos O'Brien O'Neill
MacDonald McLaughlin Ó'Súilleabháin Kovačević Horváth Novák Andersson Johansson Kumar Sharma Gupta Mistry
""")

PRACTITIONERS = [
    f"{f} {s}" for f, s in zip(
        _words("Sarah Helen Priya David Mark Joanne Rachel Michael Fiona Claire Gareth Ayesha Tom Nadia Paul Laura "
               "Kemi Ian Ruth Stuart Bethan Imran Alison Chris Dawn"),
        _words("Whitfield Okafor Sandhu Pritchard Morley Lambert Nash Doherty Reid Ashworth Pryce Qureshi Fenwick "
               "Haddad Kerr Lowe Balogun Crawford Abbott Lennox Howells Aziz Booth Kemp Riley"),
    )
]
SCALE_ROLES = ["Social worker", "Mother", "Father", "Child", "Health visitor", "Teacher", "Supervisor", "Grandmother",
               "School nurse", "Family support worker", "Stepfather", "Aunt", "Youth worker"]

# Plausible words a case note uses that the questionnaire's own text does not (the middle of the ranking).
EXTRA_WORDS = _words("""
mum dad nan grandad auntie uncle cousin brother sister sibling stepmum stepdad partner boyfriend girlfriend
neighbour friend teacher headteacher nurse midwife doctor paediatrician therapist counsellor psychologist
psychiatrist officer police housing landlord tenancy hostel refuge flat house bedroom kitchen bathroom garden
stairs sofa bed cot mattress blanket nappy bottle formula cereal breakfast lunch dinner tea snack fridge cupboard
washing laundry clothes uniform shoes coat jumper weather winter summer holiday weekend morning afternoon evening
night bedtime routine nap sleep tired hungry thirsty poorly cough cold fever rash bruise bruising mark scratch
burn cut injury fracture wound scar hospital clinic surgery appointment prescription medicine inhaler tablet
vaccination immunisation dentist teeth glasses hearing speech language therapy assessment referral strategy
meeting conference review plan core group visit telephone call message email letter text report chronology
genogram ecomap observation observed presented appeared seemed said told explained described reported shared
disclosed denied agreed refused declined attended missed cancelled rearranged arrived late early unannounced
announced school nursery college class teacher attendance absence exclusion detention homework reading writing
maths football swimming dancing drawing painting music singing games tablet phone gaming online internet video
messages photos social media bullying bullied friendship lonely happy sad angry scared worried upset confused
quiet loud shy confident calm anxious nervous withdrawn tearful cheerful chatty polite cooperative distressed
settled unsettled clingy hyperactive aggressive violent shouting arguing fighting hitting smacking pushing
kicking threw broke damaged smashed slammed locked left alone unsupervised supervised safe unsafe risk risks
harm harmful danger dangerous neglect neglected abuse abused emotional physical sexual domestic alcohol drinking
drunk drugs cannabis cocaine heroin methadone prescription overdose sober recovery relapse rehab treatment
mental health depression anxiety postnatal psychosis medication hospital admission section crisis team
debt arrears rent benefits universal credit money food bank vouchers electricity gas heating cold damp mould
overcrowded cluttered dirty clean tidy smell smelt rubbish bins dog dogs cat pets animals car bus train taxi
walk walked drove travelled moved moving eviction notice temporary accommodation bed breakfast shelter
court order contact supervised unsupervised residence custody solicitor legal proceedings care proceedings
foster carer placement respite adoption kinship special guardianship private fostering looked after
interpreter language english polish romanian urdu punjabi bengali arabic somali portuguese tigrinya kurdish
church mosque temple gurdwara synagogue faith prayer fasting ramadan christmas eid diwali birthday party
present presents toys toy doll teddy bike scooter football park playground library shop shops supermarket
money pocket wages job work shifts unemployed working cleaner driver carer warehouse factory retail
""")

# Plausible but uncommon words: each is placed in only a handful of assessments (the "rare word" searches).
RARE_WORDS = _words("""
trampoline allotment ukulele dachshund lighthouse marmalade harmonica skateboard caravan tortoise wheelbarrow
origami hedgehog kaleidoscope rollerblades lollipop pantomime accordion snorkel xylophone binoculars dominoes
hammock parakeet saxophone tambourine windmill zeppelin butterscotch cartwheel dinosaur fairground gingerbread
hopscotch igloo jellyfish kingfisher lemonade marshmallow nectarine octopus pelican quilt raspberry sandcastle
telescope umbrella volcano walrus yoghurt zebra acorn bumblebee canoe daffodil eskimo flamingo gondola harbour
iceberg jigsaw kite lantern meadow nightingale orchard penguin quarry rhubarb scarecrow thimble unicorn violin
waterfall yacht anchor blossom compass dragonfly evergreen firefly glacier hazelnut ivy juniper kestrel lagoon
mistletoe nutmeg otter pinecone quince reindeer squirrel tadpole vineyard woodpecker badger chestnut dandelion
fjord goldfish hyacinth inkwell jackdaw koala ladybird mongoose narwhal oyster puffin raccoon seahorse toucan
""")

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_NOT_WORDS = {"e", "g", "i", "eg", "ie", "s", "t"}


def _plural(word: str) -> str:
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def vocabulary(questionnaire: Any) -> list[str]:
    """A few thousand words, most frequent first: the questionnaire's own words ranked by frequency, then extras."""
    texts = [questionnaire.title, questionnaire.description]
    for section in questionnaire.sections:
        texts += [section.title, section.guidance]
        for q in section.questions:
            texts += [q.prompt, q.help, *(q.choices or [])]
    counts = Counter(w for text in texts for w in _WORD.findall(text.lower()) if w not in _NOT_WORDS)
    ranked = [w for w, _ in sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))]
    seen = set(ranked) | set(RARE_WORDS)
    extras = [w for w in dict.fromkeys(EXTRA_WORDS) if w not in seen]
    seen |= set(extras)
    plurals = [p for p in dict.fromkeys(_plural(w) for w in ranked + extras if len(w) > 3 and not w.endswith("s"))
               if p not in seen]
    return ranked + extras + plurals


def sentence_pool(vocab: list[str], rng: random.Random, count: int) -> list[str]:
    """``count`` sentences of Zipf-distributed words (Zipf-Mandelbrot, s = 1): common and rare words."""
    cum = list(itertools.accumulate(1.0 / (rank + 2.7) for rank in range(len(vocab))))
    lengths = [rng.randint(5, 18) for _ in range(count)]
    words = rng.choices(vocab, cum_weights=cum, k=sum(lengths))
    pool = []
    at = 0
    for n in lengths:
        chunk = words[at:at + n]
        at += n
        if n > 9 and rng.random() < 0.4:
            chunk[rng.randrange(2, n - 2)] += ","
        first = chunk[0]
        chunk[0] = first[:1].upper() + first[1:]
        pool.append(" ".join(chunk) + ("?" if rng.random() < 0.03 else "."))
    return pool


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def _dumps(value: Any) -> str:
    """Answers are stored exactly as ``Store`` stores them (see repository._dumps)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="microseconds")


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def peak_rss_mb() -> float | None:
    """This process's peak resident set (ru_maxrss: KB on Linux, bytes on macOS); None on Windows."""
    try:
        import resource
    except ImportError:
        return None
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(rss / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def vm_hwm_mb() -> float | None:
    """Linux's own high-water mark of this address space (a cross-check of ru_maxrss)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError):
        pass
    return None


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def load_questionnaire() -> Any:
    from sg_assess import paths
    from sg_assess.questionnaire.loader import load_file

    path = paths.builtin_questionnaire_dir() / QUESTIONNAIRE_FILE
    if not path.is_file():
        path = REPO / "questionnaires" / QUESTIONNAIRE_FILE
    return load_file(path)


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


# --------------------------------------------------------------------------------------
# 1. The generator
# --------------------------------------------------------------------------------------

BAND_WEIGHTS = {"unborn": 4, "0-2": 20, "3-4": 12, "5-9": 26, "10-14": 25, "15-17": 13}
BAND_AGE_DAYS = {"0-2": (10, 3 * 365 - 5), "3-4": (3 * 365 + 5, 5 * 365 - 5), "5-9": (5 * 365 + 5, 10 * 365 - 5),
                 "10-14": (10 * 365 + 5, 15 * 365 - 5), "15-17": (15 * 365 + 5, 17 * 365 + 300)}
MAX_AGE_DAYS = 17 * 365 + 300  # under 18 on every assessment date
STATUS_WEIGHTS = {"draft": 97, "submitted": 3}  # a submitted one waits in the review queue, read-only
BATCH = 5_000
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))

SQL_ASSESSMENT = (
    "INSERT INTO assessment (seq, id, child_id, questionnaire_hash, questionnaire_id, questionnaire_version, "
    "assessment_date, age_band, status, practitioner, created_at, updated_at, required_answered, required_total, "
    "latest_score, revision, owner, submitted_at, child_snapshot) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
A_COLUMNS = [c.strip() for c in SQL_ASSESSMENT.split("(", 1)[1].split(")", 1)[0].split(",")]
SQL_ANSWER = "INSERT INTO answer (assessment_id, question_id, value, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)"
SQL_HISTORY = ("INSERT INTO history (assessment_id, question_id, kind, actor, role, started_at, at, before, after) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
SQL_FTS = "INSERT INTO assessment_fts (rowid, name, body) VALUES (?, ?, ?)"


class Generator:
    """Fictional assessments, each a valid set of answers for the questionnaire."""

    def __init__(self, q: Any, seed: int, n_sentences: int):
        from sg_assess.questionnaire.values import latest_score, text_of

        self.q = q
        self.rng = random.Random(seed)
        self.latest_score = latest_score
        self.text_of = text_of
        self.vocab = vocabulary(q)
        self.pool = sentence_pool(self.vocab, self.rng, n_sentences)
        self.order = {question.id: i for i, question in enumerate(q.questions())}
        self.by_id = {question.id: question for question in q.questions()}
        # Text questions that apply to a band without a condition: the ~3 KB of each assessment goes here.
        self.long_by_band: dict[str, list[str]] = {}
        self.short_by_band: dict[str, list[str]] = {}
        for band in BAND_WEIGHTS:
            ok = [x for x in q.questions() if x.show_if is None and (x.ages is None or band in x.ages)]
            self.long_by_band[band] = [x.id for x in ok if x.kind == "long_text"]
            self.short_by_band[band] = [x.id for x in ok if x.kind == "text"]
        self.conditions = sorted({x.show_if.question for x in q.questions() if x.show_if is not None})
        self._required: dict[tuple, frozenset[str]] = {}
        self.common_word = next(w for w in self.vocab if len(w) >= 5 and "'" not in w)

    def required_shown(self, band: str, answers: dict[str, Any]) -> frozenset[str]:
        """The required questions that apply: they depend only on the band and the condition answers."""
        key = (band, *(json.dumps(answers.get(c)) for c in self.conditions))
        hit = self._required.get(key)
        if hit is None:
            cond = {c: answers[c] for c in self.conditions if c in answers}
            hit = frozenset(x.id for x in self.q.questions() if x.required and self.q.is_shown(x, band, cond))
            self._required[key] = hit
        return hit

    def text(self, target: int) -> str:
        rnd, pool = self.rng.random, self.pool
        size = len(pool)
        parts: list[str] = []
        length = 0
        while length < target:
            sentence = pool[int(rnd() * size)]
            parts.append(sentence)
            length += len(sentence) + 1
        if len(parts) > 3 and rnd() < 0.4:  # a paragraph break
            cut = len(parts) // 2
            return " ".join(parts[:cut]) + "\n" + " ".join(parts[cut:])
        return " ".join(parts)

    def answers(self, rng: random.Random, band: str, on: dt.date, practitioner: str, child_first: str,
                rare: str | None) -> dict[str, Any]:
        self.rng = rng
        out: dict[str, Any] = {}
        interpreter = "yes" if rng.random() < 0.1 else "no"
        out["interpreter_needed"] = interpreter
        if interpreter == "yes":
            out["interpreter_language"] = self.text(40)
        disability = "yes" if rng.random() < 0.18 else "no"
        out["disability"] = disability
        longs = list(self.long_by_band[band])
        if band != "unborn" and rng.random() < 0.9:
            seen = "yes" if rng.random() < 0.88 else "no"
            out["child_seen"] = seen
            if seen == "yes" and rng.random() < 0.8:
                out["child_seen_date"] = (on - dt.timedelta(days=int(rng.random() * 21))).isoformat()
            elif seen == "no":
                longs.append("child_not_seen_reason")
        if disability == "yes":
            longs.append("disability_details")
        # ~3 KB of text over short and long answers (a draft: some questions are still blank)
        budget = max(1000, int(rng.gauss(2400, 300)))
        shorts = self.short_by_band[band]
        for qid in rng.sample(shorts, 1 + int(rng.random() * min(4, len(shorts)))):
            value = self.text(30 + int(rng.random() * 60))
            out[qid] = value
            budget -= len(value)
        chosen = rng.sample(longs, 6 + int(rng.random() * (min(15, len(longs)) - 5)))
        weights = [0.4 + 1.2 * rng.random() for _ in chosen]
        total_w = sum(weights)
        for qid, w in zip(chosen, weights):
            out[qid] = self.text(max(60, int(budget * w / total_w)))
        if rare is not None:  # one rare word, in one sentence of one long answer
            qid = chosen[0]
            words = self.pool[int(rng.random() * len(self.pool))].split(" ")
            words.insert(1 + int(rng.random() * (len(words) - 1)), rare)
            out[qid] += " " + " ".join(words)
        if rng.random() < 0.85:
            rows = []
            for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
                role = rng.choice(SCALE_ROLES)
                if role == "Social worker":
                    who = practitioner
                elif role == "Child":
                    who = child_first
                else:
                    who = self.text(1).split(" ")[0].strip(".,?").capitalize()
                rows.append({"who": who, "role": role, "score": min(10, max(0, round(rng.gauss(5, 2.2)))),
                             "reason": self.text(40 + int(rng.random() * 120)),
                             "date": (on + dt.timedelta(days=int(rng.random() * 15))).isoformat()})
            out["safety_scale"] = rows
        return out

    def body(self, answers: dict[str, Any]) -> str:
        """The full-text document, exactly as ``Store._refresh`` builds it."""
        return "\n".join(self.text_of(self.by_id[qid], answers[qid]) for qid in sorted(answers, key=self.order.__getitem__))


# The plan of a build (times, children), shared by the process that inserts and the one that generates.
_STATE: dict[str, Any] = {}


def _init_generator(plan: dict[str, Any]) -> None:
    q = load_questionnaire()
    _STATE.clear()
    _STATE.update(plan, q=q, gen=Generator(q, plan["seed"], plan["n_sentences"]))


def make_batch(start: int) -> tuple[list, list, list, list, float]:
    """Rows for assessments ``start`` .. ``start + BATCH``: the same for a given seed, whichever process makes them."""
    from sg_assess.questionnaire.schema import age_band

    t = time.perf_counter()
    st = _STATE
    q, gen, count = st["q"], st["gen"], st["count"]
    created, child_of, child_info = st["created"], st["child_of"], st["child_info"]
    now, seq0 = st["now"], st["seq0"]
    rng = random.Random(f"{st['seed']}-batch-{start}")
    statuses, status_w = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    q_name = f"{q.id} v{q.version}"
    a_rows, ans_rows, h_rows, fts_rows = [], [], [], []
    encode = _ENCODER.encode
    for i in range(start, min(count, start + BATCH)):
        cid, name, first, dob_s, due_s = child_info[child_of[i]]
        ts = created[i]
        on = dt.date.fromtimestamp(ts)
        band = age_band(dt.date.fromisoformat(dob_s) if dob_s else None, on, unborn=dob_s is None)
        practitioner = rng.choice(st["practitioners"])
        rare = RARE_WORDS[(i // 10) % len(RARE_WORDS)] if i % 10 == 3 else None
        answers = gen.answers(rng, band, on, practitioner, first, rare)
        required = gen.required_shown(band, answers)
        done, total = sum(1 for k in answers if k in required), len(required)
        if i < start + 50:  # the shortcut must agree with the questionnaire's own count
            assert (done, total) == q.completeness(band, answers), (band, sorted(answers))
        updated = min(now - 60, ts + rng.expovariate(1 / (6 * DAY)))
        created_at, updated_at = _iso(ts), _iso(updated)
        aid = _uuid(rng)
        seq = seq0 + 1 + i
        status = rng.choices(statuses, status_w)[0]
        submitted_at = updated_at if status == "submitted" else None  # submitting was the last change
        # the child's details as this assessment recorded them (as create_assessment keeps them)
        snapshot = json.dumps({"id": cid, "name": name, "dob": dob_s, "due_date": due_s}, sort_keys=True)
        a_rows.append((seq, aid, cid, q.content_hash, q.id, q.version, on.isoformat(), band,
                       status, practitioner, created_at, updated_at, done, total,
                       gen.latest_score(answers.get("safety_scale")), len(answers) + int(rng.random() * 40), practitioner,
                       submitted_at, snapshot))
        for qid, value in answers.items():
            ans_rows.append((aid, qid, encode(value), updated_at, practitioner))
        h_rows.append((aid, None, "created", practitioner, None, created_at, created_at, None,
                       encode({"child": name, "questionnaire": q_name, "assessment_date": on.isoformat()})))
        if submitted_at is not None:
            h_rows.append((aid, None, "submitted", practitioner, "practitioner", submitted_at, submitted_at, None, None))
        fts_rows.append((seq, name, gen.body(answers)))
    return a_rows, ans_rows, h_rows, fts_rows, time.perf_counter() - t


def _batches(plan: dict[str, Any], workers: int):
    """Yield each batch's rows in order; with a worker, the next batches are made while these are inserted."""
    starts = range(0, plan["count"], BATCH)
    if workers < 1:
        _init_generator(plan)
        for start in starts:
            yield make_batch(start)
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_generator, initargs=(plan,)) as pool:
        pending: deque = deque()
        it = iter(starts)
        for start in itertools.islice(it, workers + 1):
            pending.append(pool.submit(make_batch, start))
        while pending:
            rows = pending.popleft().result()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(pool.submit(make_batch, nxt))
            yield rows


def plan_build(rng: random.Random, n: int, seed: int, now: float, seq0: int,
               practitioners: list[str]) -> tuple[list[tuple], dict[str, Any]]:
    """The children's rows and the plan the generator works from (the first assessment exists already)."""
    count = n - 1  # the real create_assessment made the first
    # Creation times spread over three years, in seq order; ~N/2 children, each assessed one or more times.
    created = sorted(now - rng.uniform(0, 3 * 365 * DAY) for _ in range(count))
    children = max(1, count // 2)
    child_of = list(range(children)) + [rng.randrange(children) for _ in range(count - children)]
    rng.shuffle(child_of)
    first_seen: dict[int, float] = {}
    last_seen: dict[int, float] = {}
    for c, ts in zip(child_of, created):
        first_seen.setdefault(c, ts)
        last_seen[c] = ts
    child_rows = []
    child_info = []  # (id, name, first name, dob or None)
    bands, band_w = list(BAND_WEIGHTS), list(BAND_WEIGHTS.values())
    for c in range(children):
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        name = f"{first} {last}"
        d0, d1 = dt.date.fromtimestamp(first_seen[c]), dt.date.fromtimestamp(last_seen[c])
        band = rng.choices(bands, band_w)[0]
        if band == "unborn":
            dob, due = None, (d1 + dt.timedelta(days=rng.randint(20, 200))).isoformat()
        else:
            lo, hi = BAND_AGE_DAYS[band]
            born = max(d0 - dt.timedelta(days=rng.randint(lo, hi)), d1 - dt.timedelta(days=MAX_AGE_DAYS))
            dob, due = born.isoformat(), None
        cid = _uuid(rng)
        at = _iso(first_seen[c])
        child_rows.append((cid, name, dob, due, at, at))
        child_info.append((cid, name, first, dob, due))
    plan = {"seed": seed, "n_sentences": max(20_000, min(200_000, 4 * n)), "count": count, "created": created,
            "child_of": child_of, "child_info": child_info, "now": now, "seq0": seq0, "practitioners": practitioners}
    return child_rows, plan


def build(path: Path, n: int, seed: int, *, workers: int = 1, quiet: bool = False) -> dict[str, Any]:
    """Create ``path`` holding ``n`` assessments; return the metadata (search words, timings)."""
    from sg_assess.store.repository import Store

    started = time.perf_counter()
    timings: Counter[str] = Counter()
    rng = random.Random(seed)
    q = load_questionnaire()
    work = path.with_name(path.name + ".building")  # renamed into place only when complete
    _remove_db(work)
    work.parent.mkdir(parents=True, exist_ok=True)

    # The schema by the real migrations, and the questionnaire definition by one real create_assessment.
    t = time.perf_counter()
    now = time.time()
    with Store.open(work) as store:
        store.create_assessment(questionnaire=q, actor=PRACTITIONERS[0], child_name="Robin Seedling", dob="2016-03-14")
    timings["schema_and_first_assessment"] += time.perf_counter() - t

    conn = sqlite3.connect(work, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")  # a build that fails is thrown away (see .building)
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -262144")  # 256 MB
        conn.execute("PRAGMA temp_store = MEMORY")
        seq0 = conn.execute("SELECT max(seq) FROM assessment").fetchone()[0]
        t = time.perf_counter()
        child_rows, plan = plan_build(rng, n, seed, now, seq0, PRACTITIONERS)
        child_info = plan["child_info"]
        timings["plan_children"] += time.perf_counter() - t
        t = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO child (id, name, dob, due_date, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                         child_rows)
        conn.execute("COMMIT")
        timings["insert_child"] += time.perf_counter() - t
        del child_rows

        made = 0
        t = time.perf_counter()
        for a_rows, ans_rows, h_rows, fts_rows, gen_s in _batches(plan, workers):
            timings["wait_for_rows"] += time.perf_counter() - t
            timings["generate (in worker)" if workers else "generate"] += gen_s
            conn.execute("BEGIN")
            for table, sql, rows in (("assessment", SQL_ASSESSMENT, a_rows), ("answer", SQL_ANSWER, ans_rows),
                                     ("history", SQL_HISTORY, h_rows), ("fts", SQL_FTS, fts_rows)):
                t = time.perf_counter()
                conn.executemany(sql, rows)
                timings[f"insert_{table}"] += time.perf_counter() - t
            t = time.perf_counter()
            conn.execute("COMMIT")
            timings["commit"] += time.perf_counter() - t
            made += len(a_rows)
            if not quiet and (made // BATCH) % 4 == 0:
                print(f"  ... {made + 1:,}/{n:,} assessments, {time.perf_counter() - started:.1f} s", flush=True)
            t = time.perf_counter()
        if workers < 1:
            timings.pop("wait_for_rows", None)
        t = time.perf_counter()
        conn.execute("PRAGMA journal_mode = WAL")  # as the store leaves it
        timings["finish"] += time.perf_counter() - t
        gen = _STATE.get("gen") or Generator(q, seed, 1)
        vocab_size, pool_size = len(gen.vocab), plan["n_sentences"]
        common = gen.common_word
    finally:
        conn.close()
        _STATE.clear()
    os.replace(work, path)
    elapsed = time.perf_counter() - started
    meta = {
        "meta_version": META_VERSION, "n": n, "seed": seed, "build_seconds": round(elapsed, 2),
        "build_workers": workers, "build_timings_s": {k: round(v, 2) for k, v in sorted(timings.items())},
        "vocabulary_size": vocab_size, "sentence_pool": pool_size,
        "words": search_words(common, child_info[0][1]),
        "built_at": _iso(now),
    }
    Path(str(path) + META_SUFFIX).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def existing_count(path: Path) -> int:
    """How many assessments the database was built with (its sidecar says: each run creates a few more)."""
    try:
        meta = json.loads(Path(str(path) + META_SUFFIX).read_text(encoding="utf-8"))
        if isinstance(meta.get("n"), int):
            return meta["n"]
    except (OSError, ValueError):
        pass
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM assessment").fetchone()[0]
    finally:
        conn.close()


def reuse_meta(path: Path) -> dict[str, Any]:
    """The sidecar of a database built earlier, or words chosen the way ``build`` chooses them."""
    try:
        meta = json.loads(Path(str(path) + META_SUFFIX).read_text(encoding="utf-8"))
        if meta.get("meta_version") == META_VERSION:
            return meta
    except (OSError, ValueError):
        pass
    gen_vocab = vocabulary(load_questionnaire())
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        name = conn.execute("SELECT name FROM child ORDER BY rowid LIMIT 1 OFFSET 1").fetchone()
    finally:
        conn.close()
    common = next(w for w in gen_vocab if len(w) >= 5 and "'" not in w)
    return {"build_seconds": None, "words": search_words(common, name[0] if name else "Sam Smith")}


def search_words(common: str, first_child: str) -> dict[str, str]:
    """What the searches look for: a rare and a common word, a surname, and a prefix typed as you type."""
    return {"rare": RARE_WORDS[0], "common": common, "name": first_child.split(" ")[-1], "prefix": common[:4]}


# --------------------------------------------------------------------------------------
# 2. Measurements (each in a fresh subprocess)
# --------------------------------------------------------------------------------------


def open_store(db: str, login: str | None = None) -> Any:
    """The store on a SQLite file, or on the team database as ``login`` (this run's password from the environment)."""
    from sg_assess.store.repository import Store

    if "://" not in db:
        return Store.open(db)
    from urllib.parse import quote

    url = db if login is None else db.replace("://", f"://{quote(login, safe='')}@", 1)
    return Store.open(url, password=os.environ.get(PG_PASSWORD_ENV))


def child_open(job: str) -> dict[str, float]:
    """Run in a fresh process: import, Store.open, the first list."""
    spec = json.loads(job)
    t0 = time.perf_counter()
    from sg_assess.store.repository import Store  # noqa: F401 - the import is what is timed

    t1 = time.perf_counter()
    store = open_store(spec["db"], spec.get("login"))
    t2 = time.perf_counter()
    store.list(limit=50)
    t3 = time.perf_counter()
    store.close()
    return {"import_s": t1 - t0, "open_s": t2 - t1, "first_list_s": t3 - t2}


class Capture:
    """Records the SQL the store sends (and how long each statement takes) while ``label`` is set."""

    def __init__(self, engines: list[Any]):
        from sqlalchemy import event

        self.label: str | None = None
        self.statements: dict[str, dict[str, Any]] = {}
        self._start = 0.0
        for engine in engines:
            event.listen(engine, "before_cursor_execute", self._before)
            event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        self._start = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        if self.label is None:
            return
        spent = time.perf_counter() - self._start
        entry = self.statements.setdefault(f"{self.label}\0{statement}", {
            "op": self.label, "sql": statement, "params": parameters, "calls": 0, "total_s": 0.0, "max_s": 0.0})
        entry["calls"] += 1
        entry["total_s"] += spent
        entry["max_s"] = max(entry["max_s"], spent)


def _plan(conn: Any, sql: str, params: Any, server: bool) -> list[str]:
    """The query plan of one captured statement: SQLite's EXPLAIN QUERY PLAN, or PostgreSQL's EXPLAIN ANALYZE
    for a read (EXPLAIN alone for a write), rolled back."""
    if server:
        import psycopg

        read = sql.lstrip().upper().startswith("SELECT")
        try:
            with conn.begin_nested():
                rows = conn.exec_driver_sql(("EXPLAIN (ANALYZE, BUFFERS) " if read else "EXPLAIN ") + sql,
                                            params if isinstance(params, (tuple, list, dict)) else ()).all()
            return [row[0] for row in rows]
        except (psycopg.Error, Exception) as exc:  # noqa: BLE001 - a diagnostic: say why there is no plan
            return [f"(no plan: {str(exc).splitlines()[0]})"]
    driver = conn.connection.driver_connection
    try:
        return [row[3] for row in driver.execute("EXPLAIN QUERY PLAN " + sql,
                                                 params if isinstance(params, (tuple, list, dict)) else ())]
    except sqlite3.Error as exc:
        return [f"(no plan: {exc})"]


def _timed(fig: dict, cpu_per_call: dict, key: str, calls: list, *, p95: bool = True) -> list[float]:
    """Run ``calls`` timing each; the median (and p95) go into ``fig`` as ``key_ms_median`` / ``key_ms_p95``."""
    times = []
    cpu = time.process_time()
    for call in calls:
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    cpu_per_call[key] = _ms((time.process_time() - cpu) / len(times))
    fig[f"{key}_ms_median"] = _ms(statistics.median(times))
    if p95:
        fig[f"{key}_ms_p95"] = _ms(percentile(times, 95))
    return times


def child_measure(config: dict[str, Any]) -> dict[str, Any]:
    """Run in a fresh process that only opens the store and uses it, so its peak RSS is the app's.

    On a team database every write runs on its author's own login (the server's rules require it): one
    store per practitioner, each opened and used once before anything is timed.
    """
    from sqlalchemy import text

    rng = random.Random(config["seed"])
    words = config["words"]
    pc = time.perf_counter
    server = "://" in config["db"]
    out: dict[str, Any] = {"figures": {}, "details": {}, "skipped": {}}
    fig, details = out["figures"], out["details"]
    rss_by_phase = {"imported": peak_rss_mb()}
    # CPU time per call: with other work on the machine, wall times grow but this much less
    cpu_per_call: dict[str, float] = details.setdefault("cpu_ms_per_call", {})
    store = open_store(config["db"], config.get("login"))
    people: dict[str, Any] = {}

    def store_for(owner: str) -> Any:
        if not server:
            return store
        if owner not in people:
            people[owner] = store if owner == config.get("login") else open_store(config["db"], owner)
            people[owner].list(limit=1)  # connected, identity read, statements warm: not part of a timed call
        return people[owner]

    try:
        # round trip: the cheapest statement on a connection already held (the unit every other figure pays)
        with store.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1").scalar()
            _timed(fig, cpu_per_call, "round_trip", [lambda: conn.exec_driver_sql("SELECT 1").scalar()] * 200, p95=False)

        # list: the first call (connection, pragmas, statement compilation) apart, then 200 timed runs
        t = pc()
        store.list(limit=50)
        details["list_first_in_process_ms"] = _ms(pc() - t)
        rows: list = []
        _timed(fig, cpu_per_call, "list", [lambda: rows.append(len(store.list(limit=50)))] * config["list_runs"])
        details["list_rows"] = rows[-1]
        rss_by_phase["list"] = peak_rss_mb()

        searches = [("rare", words["rare"], False), ("common", words["common"], False), ("name", words["name"], False),
                    ("prefix", words.get("prefix") or words["common"][:4], True)]
        for key, word, as_you_type in searches:
            t = pc()
            found = store.list(search=word, limit=50, as_you_type=as_you_type)
            first = pc() - t
            times = _timed(fig, cpu_per_call, f"search_{key}",
                           [lambda w=word, a=as_you_type: store.list(search=w, limit=50, as_you_type=a)]
                           * config["search_runs"])
            details[f"search_{key}"] = {"word": word, "rows": len(found), "first_ms": _ms(first),
                                        "max_ms": _ms(max(times)), "as_you_type": as_you_type}
            rss_by_phase[f"search_{key}"] = peak_rss_mb()
        if "search_name_ms_median" in fig:
            details["search_name"]["median_ms"] = fig.pop("search_name_ms_median")

        # save: random drafts, one of their text answers replaced by a longer text (as typing does)
        with store.engine.connect() as conn:
            max_seq = conn.execute(text("SELECT max(seq) FROM assessment")).scalar_one()
            q_hash = conn.execute(text("SELECT questionnaire_hash FROM assessment ORDER BY seq LIMIT 1")).scalar_one()
            kinds = {x.id: x.kind for x in store.questionnaire(q_hash).questions()}
            jobs = []
            while len(jobs) < config["saves"]:
                found = conn.execute(text("SELECT id, owner FROM assessment WHERE seq = :s AND status = 'draft'"),
                                     {"s": rng.randint(1, max_seq)}).first()
                if found is None:
                    continue
                aid, owner = found
                answered = conn.execute(text("SELECT question_id, value FROM answer WHERE assessment_id = :a"),
                                        {"a": aid}).all()
                texts = [(qid, json.loads(v)) for qid, v in answered if kinds.get(qid) in ("text", "long_text")]
                if texts:
                    qid, old = rng.choice(texts)
                else:
                    qid, old = rng.choice([k for k, kind in kinds.items() if kind == "long_text"]), "Notes"
                words_in = old.split()
                extra = " ".join(rng.choice(words_in) for _ in range(rng.randint(8, 30)))
                jobs.append((aid, qid, f"{old} {extra.capitalize()}.", owner))
            picks = []  # assessments to read: random ones of any status
            while len(picks) < max(config["exports"], config["gets"]):
                aid = conn.execute(text("SELECT id FROM assessment WHERE seq = :s"),
                                   {"s": rng.randint(1, max_seq)}).scalar()
                if aid is not None:
                    picks.append(aid)
        for owner in sorted({job[3] for job in jobs}):
            store_for(owner)
        times = _timed(fig, cpu_per_call, "save", [lambda j=j: store_for(j[3]).save_answer(j[0], j[1], j[2], actor=j[3])
                                                   for j in jobs])  # only the owner may edit a draft
        details["save_max_ms"] = _ms(max(times))
        details["save_slowest_ms"] = [_ms(x) for x in sorted(times)[-10:]]
        rss_by_phase["save"] = peak_rss_mb()

        # get: one whole record (child, answers, reviews, comments, addenda, history, the child's earlier scores)
        _timed(fig, cpu_per_call, "get", [lambda a=a: store.get(a) for a in picks[:config["gets"]]])

        # review queue: the submitted assessments, the longest waiting first (up to 500, with their scale figures)
        queue: list = []
        _timed(fig, cpu_per_call, "review_queue", [lambda: queue.append(len(store.review_queue()))] * config["queue_runs"])
        details["review_queue_rows"] = queue[-1]

        # create: a new child's draft, by one of the practitioners
        owners = sorted({job[3] for job in jobs})
        q = store.questionnaire(q_hash)
        births = [(rng.choice(owners), f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
                   (dt.date.today() - dt.timedelta(days=rng.randint(200, 5000))).isoformat())
                  for _ in range(config["creates"])]
        _timed(fig, cpu_per_call, "create", [lambda b=b: store_for(b[0]).create_assessment(
            questionnaire=q, actor=b[0], child_name=b[1], dob=b[2]) for b in births])

        # export: render_markdown(store.get(id)) for 1,000 random assessments
        try:
            from sg_assess.export.markdown import render_markdown
        except ModuleNotFoundError as exc:
            if exc.name not in ("sg_assess.export", "sg_assess.export.markdown"):
                raise
            render_markdown = None
            fig["export_per_s"] = None
            out["skipped"]["export_per_s"] = "skipped: export module missing"
        if render_markdown is not None:
            chars = 0
            t = pc()
            cpu = time.process_time()
            for aid in picks[:config["exports"]]:
                chars += len(render_markdown(store.get(aid)))
            spent = pc() - t
            exported = len(picks[:config["exports"]])
            cpu_per_call["export"] = _ms((time.process_time() - cpu) / exported)
            fig["export_per_s"] = round(exported / spent, 1)
            details["export"] = {"assessments": exported, "seconds": round(spent, 3),
                                 "avg_markdown_chars": round(chars / exported)}

        # peak RSS of everything above (before the diagnostic pass)
        fig["peak_rss_mb"] = rss_by_phase["export"] = peak_rss_mb()
        if fig["peak_rss_mb"] is None:
            out["skipped"]["peak_rss_mb"] = "skipped: no resource module on this platform"
        details["peak_rss_mb_by_phase"] = rss_by_phase
        details["vm_hwm_mb"] = vm_hwm_mb()
        details["stores_open"] = max(1, len(people))

        # diagnostics: the statements each operation sends, their time, and the query plans
        capture = Capture([s.engine for s in {id(s): s for s in [store, *people.values()]}.values()])
        ops: dict[str, dict[str, float]] = {}

        def diagnose(label: str, calls: list) -> None:
            capture.label = label
            t = pc()
            for call in calls:
                call()
            capture.label = None
            spent = pc() - t
            mine = [e for e in capture.statements.values() if e["op"] == label]
            ops[label] = {"calls": len(calls), "ms_per_call": _ms(spent / len(calls)),
                          "sql_ms_per_call": _ms(sum(e["total_s"] for e in mine) / len(calls)),
                          "statements_per_call": round(sum(e["calls"] for e in mine) / len(calls), 1)}

        diagnose("list", [lambda: store.list(limit=50)] * 5)
        for key, word, as_you_type in searches:
            diagnose(f"search_{key}", [lambda w=word, a=as_you_type: store.list(search=w, limit=50, as_you_type=a)] * 5)
        diagnose("save", [lambda j=j: store_for(j[3]).save_answer(j[0], j[1], j[2] + " Again.", actor=j[3])
                          for j in jobs[:25]])
        diagnose("get", [lambda a=a: store.get(a) for a in picks[:20]])
        diagnose("review_queue", [lambda: store.review_queue()] * 3)
        diagnose("create", [lambda b=b: store_for(b[0]).create_assessment(
            questionnaire=q, actor=b[0], child_name=b[1], dob=b[2]) for b in births[:10]])
        if render_markdown is not None:
            records = []
            diagnose("export", [lambda a=a: records.append(store.get(a)) for a in picks[:20]])
            t = pc()
            for record in records:
                render_markdown(record)
            ops["export"]["render_ms_per_call"] = _ms((pc() - t) / len(records))
        details["ops"] = ops
        plans = []
        with store.engine.connect() as conn:
            trans = conn.begin()
            for entry in capture.statements.values():
                sql = entry["sql"]
                plan = None
                if sql.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "INSERT")):
                    plan = _plan(conn, sql, entry["params"], server)
                plans.append({"op": entry["op"], "sql": sql, "calls": entry["calls"],
                              "avg_ms": _ms(entry["total_s"] / entry["calls"]), "max_ms": _ms(entry["max_s"]),
                              "plan": plan})
            trans.rollback()
        out["plans"] = plans
    finally:
        for other in people.values():
            if other is not store:
                other.close()
        store.close()
    return out


def run_child(args: list[str]) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, str(SCRIPT), *args], check=False, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"benchmark subprocess failed ({proc.returncode}): {' '.join(args[:1])}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------
# 3. Report
# --------------------------------------------------------------------------------------


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "MB":
        return f"{value:.1f} MB"
    return f"{value:,.0f} {unit}"


def met(value: float | None, cmp: str | None, target: float | None) -> bool | None:
    if value is None or cmp is None or target is None:
        return None
    return value <= target if cmp == "<=" else value >= target


def report(result: dict[str, Any]) -> str:
    rows = [("figure", "value", "target", "")]
    for key, label, unit, cmp, target in FIGURES:
        value = result["figures"].get(key)
        ok = met(value, cmp, target)
        target_s = f"{cmp} {_fmt(target, unit)}" if cmp else ""
        status = {True: "ok", False: "MISSED", None: ""}[ok]
        shown = result["skipped"].get(key) if value is None and key in result["skipped"] else _fmt(value, unit)
        rows.append((label.format(**result.get("runs", {})), shown, target_s, status))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) if i != 1 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths))).rstrip()
             for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def missed_plans(result: dict[str, Any]) -> str:
    ops = sorted({FIGURE_OP[k] for k, _l, _u, cmp, target in FIGURES
                  if met(result["figures"].get(k), cmp, target) is False and k in FIGURE_OP})
    out = []
    for op in ops:
        summary = result["details"].get("ops", {}).get(op, {})
        out.append(f"\nStatements behind the missed '{op}' figures (avg/max per call, query plan):")
        if summary:
            extra = (f"; then render_markdown {summary['render_ms_per_call']:.2f} ms"
                     if "render_ms_per_call" in summary else "")
            out.append(f"  one call {summary['ms_per_call']:.2f} ms, of which {summary['sql_ms_per_call']:.2f} ms "
                       f"executing {summary.get('statements_per_call', '?')} statements (the rest: Python, SQLAlchemy, "
                       f"commit){extra}")
        for entry in sorted((e for e in result.get("plans", []) if e["op"] == op), key=lambda e: -e["avg_ms"]):
            sql = " ".join(entry["sql"].split())
            out.append(f"  {entry['avg_ms']:8.2f} / {entry['max_ms']:8.2f} ms  x{entry['calls']}  {sql[:160]}")
            for step in entry["plan"] or []:
                out.append(f"        {step}")
    return "\n".join(out)


def compare(pg: dict[str, Any], ref: dict[str, Any]) -> dict[str, float | None]:
    """Each PostgreSQL figure over the same figure on SQLite, both measured in this run."""
    out: dict[str, float | None] = {}
    for key, *_rest in FIGURES:
        a, b = pg["figures"].get(key), ref["figures"].get(key)
        out[key] = round(a / b, 2) if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else None
    return out


def comparison_table(pg: dict[str, Any], ref: dict[str, Any], ratios: dict[str, float | None]) -> str:
    rows = [("figure", "SQLite", "PostgreSQL", "PG / SQLite")]
    for key, label, unit, _cmp, _target in FIGURES:
        ratio = ratios.get(key)
        rows.append((label.format(**pg.get("runs", {})), _fmt(ref["figures"].get(key), unit),
                     _fmt(pg["figures"].get(key), unit), "-" if ratio is None else f"{ratio:.2f}x"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths)))
             for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class Target:
    """One database to measure: a SQLite file, or a fresh copy of the team database's template."""

    def __init__(self, db: str, *, login: str | None = None, kind: str = "sqlite"):
        self.db, self.login, self.kind = db, login, kind
        self.meta: dict[str, Any] = {}
        self.built = False
        self.size_mb = 0.0
        self.notes: dict[str, Any] = {}
        self.cleanup: list[Any] = []


def prepare_sqlite(db: Path, args: argparse.Namespace) -> Target:
    target = Target(str(db))
    if db.exists():
        have = existing_count(db)
        if have != args.n:
            raise SystemExit(f"{db} holds {have:,} assessments, not {args.n:,}: pass --n {have} to reuse it, "
                             "or delete it (and its .bench.json) to build a new one")
        print(f"Reusing {db} ({have:,} assessments)")
        target.meta = reuse_meta(db)
    else:
        print(f"Building {args.n:,} assessments in {db} ...", flush=True)
        # In its own process: a child started by a big process inherits its peak RSS through exec.
        job = {"db": str(db), "n": args.n, "seed": args.seed, "workers": args.workers}
        proc = subprocess.run([sys.executable, str(SCRIPT), "--_build", json.dumps(job)], check=False)
        if proc.returncode != 0:
            raise SystemExit(f"building the database failed ({proc.returncode})")
        target.meta = json.loads(Path(str(db) + META_SUFFIX).read_text(encoding="utf-8"))
        target.built = True
        print(f"Built in {target.meta['build_seconds']:.1f} s "
              f"({', '.join(f'{k} {v}' for k, v in target.meta['build_timings_s'].items())})")
    target.size_mb = round(db.stat().st_size / 1024 / 1024, 1)
    target.notes["sqlite_version"] = sqlite3.sqlite_version
    return target


def prepare_server(url: str, args: argparse.Namespace) -> Target:
    """The team database's template (seeded once, then reused), a fresh copy of it, and this run's logins."""
    import secrets

    import pg_seed

    params = pg_seed.admin_params(url)
    name, template = pg_seed.bench_names(url)
    admin = pg_seed.connect(params, params["dbname"])
    target = Target(pg_seed.store_url(params, name, ""), kind="postgresql")
    target.cleanup.append(admin.close)
    meta = pg_seed.template_meta(admin, template)
    if meta is not None and (meta.get("n") != args.n or meta.get("meta_version") != META_VERSION):
        raise SystemExit(f"the template {template} holds {meta.get('n')} assessments (data version "
                         f"{meta.get('meta_version')}), not {args.n:,} (version {META_VERSION}): pass --n "
                         f"{meta.get('n')}, name another database, or DROP DATABASE {template} to build it again")
    if meta is not None:
        print(f"Reusing the template {template} ({args.n:,} assessments)")
    else:
        print(f"Building {args.n:,} assessments in the team database {template} ...", flush=True)
        job = {"url": url, "n": args.n, "seed": args.seed, "workers": args.workers, "method": args.pg_seed}
        proc = subprocess.run([sys.executable, str(SCRIPT), "--_build_pg", json.dumps(job)], check=False)
        if proc.returncode != 0:
            raise SystemExit(f"seeding the team database failed ({proc.returncode})")
        meta = pg_seed.template_meta(admin, template)
        target.built = True
        print(f"Built in {meta['build_seconds']:.1f} s "
              f"({', '.join(f'{k} {v}' for k, v in meta['build_timings_s'].items())})")
    target.meta = meta
    password = secrets.token_urlsafe(18)  # this run's only; the logins go when it ends
    pg_seed.ensure_logins(admin, meta["practitioners"], password)
    target.cleanup.insert(0, lambda: pg_seed.drop_logins(admin, meta["practitioners"]))
    os.environ[PG_PASSWORD_ENV] = password  # the measuring processes inherit it
    target.notes["copy_template_s"] = round(pg_seed.copy_fresh(admin, template, name), 2)
    if not args.keep:
        target.cleanup.insert(0, lambda: admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    target.notes["team_init_s"] = round(pg_seed.team_init(params, name), 2)  # the rules of this version, as IT would
    target.login = pg_seed.login_of(meta["practitioners"][0])
    target.size_mb = pg_seed.database_size_mb(admin, name)
    target.notes["server_version"] = admin.execute("SHOW server_version").fetchone()[0]
    target.notes["template"] = template
    return target


def measure(target: Target, args: argparse.Namespace) -> dict[str, Any]:
    """One round on one database: ``--open-runs`` fresh processes opening it, then one that measures the rest."""
    opens = [run_child(["--_open", json.dumps({"db": target.db, "login": target.login})]) for _ in range(args.open_runs)]
    config = {"db": target.db, "login": target.login, "seed": args.seed, "words": target.meta["words"],
              "list_runs": args.list_runs, "search_runs": args.search_runs, "saves": args.saves,
              "exports": args.exports, "gets": args.gets, "queue_runs": args.queue_runs, "creates": args.creates}
    result = run_child(["--_measure", json.dumps(config)])
    result["figures"].update({
        "import_ms": _ms(statistics.median(o["import_s"] for o in opens)),
        "open_ms": _ms(statistics.median(o["open_s"] for o in opens)),
        "first_list_ms": _ms(statistics.median(o["first_list_s"] for o in opens)),
    })
    result["details"]["open_runs_ms"] = [_ms(o["open_s"]) for o in opens]
    return result


def combine(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Several rounds as one: each figure the median of the rounds' figures; details from the last round."""
    result = dict(rounds[-1])
    result["figures"] = {}
    for key in rounds[-1]["figures"]:
        values = [r["figures"].get(key) for r in rounds if isinstance(r["figures"].get(key), (int, float))]
        result["figures"][key] = round(statistics.median(values), 3) if values else rounds[-1]["figures"][key]
    result["rounds"] = [r["figures"] for r in rounds]
    return result


def finish(result: dict[str, Any], target: Target, args: argparse.Namespace, load: list[float]) -> dict[str, Any]:
    result.update({
        "n": args.n, "db": target.db, "database": target.kind, "db_size_mb": target.size_mb, "built": target.built,
        "runs": {"open_runs": args.open_runs, "list_runs": args.list_runs, "search_runs": args.search_runs,
                 "saves": args.saves, "exports": args.exports, "gets": args.gets, "queue_runs": args.queue_runs,
                 "creates": args.creates, "rounds": args.rounds},
        "build_seconds": target.meta.get("build_seconds") if target.built else None,
        "original_build_seconds": target.meta.get("build_seconds"), "build_timings_s": target.meta.get("build_timings_s"),
        "words": target.meta["words"], "sqlite_version": sqlite3.sqlite_version, "python": sys.version.split()[0],
        "platform": sys.platform, "cpus": os.cpu_count(), **target.notes,
        "targets": {k: f"{cmp} {t}" for k, _l, _u, cmp, t in FIGURES if cmp},
        "met": {k: met(result["figures"].get(k), cmp, t) for k, _l, _u, cmp, t in FIGURES if cmp},
    })
    if load:
        result["details"]["load_average_before_after"] = load
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="assessments in the database (default 100000)")
    parser.add_argument("--db", help="a SQLite file to build, or reuse if it already holds N assessments; or a team "
                                     "database, postgresql://ADMIN@HOST[:PORT]/NAME (seeded once into NAME_tpl, "
                                     "measured on a fresh copy NAME)")
    parser.add_argument("--sqlite", type=Path, metavar="PATH",
                        help="with a postgresql --db: the SQLite database measured in the same run, for the ratios "
                             "(built if missing; default: a temporary one)")
    parser.add_argument("--rounds", type=int, default=None,
                        help="measure each database this many times, alternating; figures are the medians "
                             "(default 1, or 3 with a postgresql --db)")
    parser.add_argument("--keep", action="store_true", help="keep the database built in a temporary folder "
                                                            "(or the team database's measured copy)")
    parser.add_argument("--json", type=Path, dest="json_out", metavar="OUT", help="also write the figures as JSON")
    parser.add_argument("--seed", type=int, default=20_240_601, help="random seed of the generator")
    parser.add_argument("--workers", type=int, default=1 if (os.cpu_count() or 1) > 1 else 0,
                        help="processes generating rows while the main one inserts (0: generate inline)")
    parser.add_argument("--pg-seed", choices=("copy", "insert"), default="copy",
                        help="how the team database is seeded: COPY (default) or INSERTs, for comparison")
    parser.add_argument("--open-runs", type=int, default=5, help="fresh processes timing Store.open (default 5)")
    parser.add_argument("--list-runs", type=int, default=200)
    parser.add_argument("--search-runs", type=int, default=100)
    parser.add_argument("--saves", type=int, default=500)
    parser.add_argument("--exports", type=int, default=1000)
    parser.add_argument("--gets", type=int, default=200)
    parser.add_argument("--queue-runs", type=int, default=20)
    parser.add_argument("--creates", type=int, default=100)
    parser.add_argument("--_open", help=argparse.SUPPRESS)
    parser.add_argument("--_measure", help=argparse.SUPPRESS)
    parser.add_argument("--_build", help=argparse.SUPPRESS)
    parser.add_argument("--_build_pg", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args._build:
        job = json.loads(args._build)
        build(Path(job["db"]), job["n"], job["seed"], workers=job["workers"])
        return 0
    if args._build_pg:
        import pg_seed

        job = json.loads(args._build_pg)
        pg_seed.build(job["url"], job["n"], job["seed"], workers=job["workers"], method=job["method"])
        return 0
    if args._open:
        print(json.dumps(child_open(args._open)))
        return 0
    if args._measure:
        print(json.dumps(child_measure(json.loads(args._measure))))
        return 0
    if args.n < 2:
        parser.error("--n must be at least 2")
    server = bool(args.db) and "://" in args.db
    if args.sqlite and not server:
        parser.error("--sqlite is the reference for a postgresql --db")
    rounds = args.rounds or (3 if server else 1)
    args.rounds = rounds

    tmpdir = None
    targets: list[Target] = []
    try:
        sqlite_path = args.sqlite if server else (Path(args.db) if args.db else None)
        if sqlite_path is not None:
            sqlite_path = sqlite_path.expanduser().absolute()
        else:
            tmpdir = Path(tempfile.mkdtemp(prefix="sg-bench-"))
            sqlite_path = tmpdir / "bench.db"
        if server:
            targets.append(prepare_server(args.db, args))
        targets.append(prepare_sqlite(sqlite_path, args))
        for target in targets:
            print(f"{target.kind}: {target.size_mb:,.0f} MB; search words: {target.meta['words']}", flush=True)

        load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
        by_target: list[list[dict[str, Any]]] = [[] for _ in targets]
        for r in range(rounds):
            for i, target in enumerate(targets):
                print(f"Measuring {target.kind}" + (f" (round {r + 1} of {rounds})" if rounds > 1 else "") + " ...",
                      flush=True)
                by_target[i].append(measure(target, args))
        load = [round(load_before[0], 2), round(os.getloadavg()[0], 2)] if load_before else []
        results = [finish(combine(rs), t, args, load) for rs, t in zip(by_target, targets)]
        result = results[0]
        if server:
            result["reference"] = results[1]
            result["ratios"] = compare(results[0], results[1])
        print()
        for res in results:
            what = (f"PostgreSQL {res.get('server_version')} (psycopg 3, TCP)" if res["database"] == "postgresql"
                    else f"SQLite {sqlite3.sqlite_version}")
            print(f"sg-assess core benchmark: {args.n:,} assessments, {what}, Python {res['python']}, "
                  f"{os.cpu_count()} CPUs" + (f", load average {load_before[0]:.2f}" if load_before else "")
                  + (f", median of {rounds} rounds" if rounds > 1 else ""))
            print(report(res))
            cpu = res["details"].get("cpu_ms_per_call") or {}
            if cpu:
                print("CPU time per call (less affected by other work on the machine): "
                      + ", ".join(f"{k} {v:.2f} ms" for k, v in cpu.items()))
            plans = missed_plans(res)
            if plans:
                print(plans)
            print()
        if server:
            print(f"PostgreSQL against SQLite, measured in the same run ({rounds} rounds each, alternating; medians):")
            print(comparison_table(results[0], results[1], result["ratios"]))
        if load_before and load_before[0] > 0.5 * (os.cpu_count() or 1):
            print(f"Note: the machine was busy (load average {load_before[0]:.1f} on {os.cpu_count()} CPUs): "
                  "wall-clock figures are inflated; run again when it is idle.")
        if args.json_out:
            args.json_out.parent.mkdir(parents=True, exist_ok=True)
            args.json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
            print(f"\nFigures written to {args.json_out}")
    finally:
        for target in targets:
            for step in target.cleanup:
                try:
                    step()
                except Exception as exc:  # noqa: BLE001 - tidying up: say what was left, go on
                    print(f"(could not tidy up: {exc})", file=sys.stderr)
        if tmpdir is not None:
            if args.keep:
                print(f"Kept the database: {sqlite_path}")
            else:
                shutil.rmtree(tmpdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
