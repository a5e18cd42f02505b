"""Core benchmark: build a large fictional database, then time the store.

    python benchmarks/bench_core.py [--n 100000] [--db PATH] [--keep] [--json OUT]

1. Builds (or, with ``--db`` pointing at a database that already holds N
   assessments, reuses) a database of N fictional draft assessments of ~3 KB
   of word-salad text each, over ~N/2 children.  The schema comes from
   ``Store.open`` (the real migrations) and the questionnaire definition from
   one real ``Store.create_assessment`` call; everything else is bulk-inserted
   with sqlite3 ``executemany`` in large transactions.
2. Times, in fresh subprocesses: ``Store.open``; ``Store.list(limit=50)``;
   full-text search for a rare, a common word and a child's surname;
   ``Store.save_answer``; Markdown export (``render_markdown(store.get(id))``);
   and the peak RSS of a process that opens the store and does all of that.
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
META_VERSION = 1
DAY = 86_400.0

# (key, label, unit, comparison, target); figures without a target are shown for context.
FIGURES: list[tuple[str, str, str, str | None, float | None]] = [
    ("import_ms", "import sg_assess.store (fresh process, median)", "ms", None, None),
    ("open_ms", "Store.open existing file (median of {open_runs} processes)", "ms", None, None),
    ("first_list_ms", "first list(limit=50) after open (median)", "ms", None, None),
    ("list_ms_median", "list 50 most recent, median of {list_runs}", "ms", "<=", 5.0),
    ("list_ms_p95", "list 50 most recent, p95 of {list_runs}", "ms", "<=", 5.0),
    ("search_rare_ms_median", "search rare word, median of {search_runs}", "ms", "<=", 50.0),
    ("search_rare_ms_p95", "search rare word, p95 of {search_runs}", "ms", "<=", 50.0),
    ("search_common_ms_median", "search common word, median of {search_runs}", "ms", "<=", 50.0),
    ("search_common_ms_p95", "search common word, p95 of {search_runs}", "ms", "<=", 50.0),
    ("search_name_ms_p95", "search a child's surname, p95 of {search_runs}", "ms", "<=", 50.0),
    ("save_ms_median", "save_answer, median of {saves}", "ms", "<=", 5.0),
    ("save_ms_p95", "save_answer, p95 of {saves}", "ms", "<=", 5.0),
    ("export_per_s", "Markdown export of {exports:,} assessments", "assessments/s", ">=", 500.0),
    ("peak_rss_mb", "peak RSS: open + list/search/save/export", "MB", "<=", 150.0),
]
# Which captured statements explain a figure (see ``plans`` in the JSON).
FIGURE_OP = {
    "first_list_ms": "list", "list_ms_median": "list", "list_ms_p95": "list",
    "search_rare_ms_median": "search_rare", "search_rare_ms_p95": "search_rare",
    "search_common_ms_median": "search_common", "search_common_ms_p95": "search_common",
    "search_name_ms_p95": "search_name", "save_ms_median": "save", "save_ms_p95": "save", "export_per_s": "export",
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
STATUS_WEIGHTS = {"draft": 1}  # only "draft" exists today; add workflow statuses here when the store has them
BATCH = 5_000
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))

SQL_ASSESSMENT = (
    "INSERT INTO assessment (seq, id, child_id, questionnaire_hash, questionnaire_id, questionnaire_version, "
    "assessment_date, age_band, status, practitioner, created_at, updated_at, required_answered, required_total, "
    "latest_score, revision, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
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
        cid, name, first, dob_s = child_info[child_of[i]]
        ts = created[i]
        on = dt.date.fromtimestamp(ts)
        band = age_band(dt.date.fromisoformat(dob_s) if dob_s else None, on, unborn=dob_s is None)
        practitioner = rng.choice(PRACTITIONERS)
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
        a_rows.append((seq, aid, cid, q.content_hash, q.id, q.version, on.isoformat(), band,
                       rng.choices(statuses, status_w)[0], practitioner, created_at, updated_at, done, total,
                       gen.latest_score(answers.get("safety_scale")), len(answers) + int(rng.random() * 40), practitioner))
        for qid, value in answers.items():
            ans_rows.append((aid, qid, encode(value), updated_at, practitioner))
        h_rows.append((aid, None, "created", practitioner, None, created_at, created_at, None,
                       encode({"child": name, "questionnaire": q_name, "assessment_date": on.isoformat()})))
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
        count = n - 1  # the real create_assessment made the first
        t = time.perf_counter()
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
            child_info.append((cid, name, first, dob))
        timings["plan_children"] += time.perf_counter() - t
        t = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO child (id, name, dob, due_date, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                         child_rows)
        conn.execute("COMMIT")
        timings["insert_child"] += time.perf_counter() - t
        del child_rows

        plan = {"seed": seed, "n_sentences": max(20_000, min(200_000, 4 * n)), "count": count, "created": created,
                "child_of": child_of, "child_info": child_info, "now": now, "seq0": seq0}
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
        "words": {"rare": RARE_WORDS[0], "common": common, "name": child_info[0][1].split(" ")[-1]},
        "built_at": _iso(now),
    }
    Path(str(path) + META_SUFFIX).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def existing_count(path: Path) -> int:
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
    return {"build_seconds": None, "words": {"rare": RARE_WORDS[0], "common": common,
                                             "name": (name[0] if name else "Smith").split(" ")[-1]}}


# --------------------------------------------------------------------------------------
# 2. Measurements (each in a fresh subprocess)
# --------------------------------------------------------------------------------------


def child_open(db: str) -> dict[str, float]:
    """Run in a fresh process: import, Store.open, the first list."""
    t0 = time.perf_counter()
    from sg_assess.store.repository import Store

    t1 = time.perf_counter()
    store = Store.open(db)
    t2 = time.perf_counter()
    store.list(limit=50)
    t3 = time.perf_counter()
    store.close()
    return {"import_s": t1 - t0, "open_s": t2 - t1, "first_list_s": t3 - t2}


class Capture:
    """Records the SQL the store sends (and how long each statement takes) while ``label`` is set."""

    def __init__(self, engine: Any):
        from sqlalchemy import event

        self.label: str | None = None
        self.statements: dict[str, dict[str, Any]] = {}
        self._start = 0.0
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


def child_measure(config: dict[str, Any]) -> dict[str, Any]:
    """Run in a fresh process that only opens the store and uses it, so its peak RSS is the app's."""
    from sqlalchemy import text

    from sg_assess.store.repository import Store

    rng = random.Random(config["seed"])
    words = config["words"]
    pc = time.perf_counter
    out: dict[str, Any] = {"figures": {}, "details": {}, "skipped": {}}
    fig, details = out["figures"], out["details"]
    rss_by_phase = {"imported": peak_rss_mb()}
    # CPU time per call: with other work on the machine, wall times grow but this much less
    cpu_per_call: dict[str, float] = details.setdefault("cpu_ms_per_call", {})
    store = Store.open(config["db"])
    try:
        # list: the first call (connection, pragmas, statement compilation) apart, then 200 timed runs
        t = pc()
        store.list(limit=50)
        details["list_first_in_process_ms"] = _ms(pc() - t)
        times = []
        cpu = time.process_time()
        for _ in range(config["list_runs"]):
            t = pc()
            rows = store.list(limit=50)
            times.append(pc() - t)
        cpu_per_call["list"] = _ms((time.process_time() - cpu) / len(times))
        fig["list_ms_median"], fig["list_ms_p95"] = _ms(statistics.median(times)), _ms(percentile(times, 95))
        details["list_rows"] = len(rows)
        rss_by_phase["list"] = peak_rss_mb()

        for key, word in (("rare", words["rare"]), ("common", words["common"]), ("name", words["name"])):
            t = pc()
            rows = store.list(search=word, limit=50)
            first = pc() - t
            times = []
            cpu = time.process_time()
            for _ in range(config["search_runs"]):
                t = pc()
                store.list(search=word, limit=50)
                times.append(pc() - t)
            cpu_per_call[f"search_{key}"] = _ms((time.process_time() - cpu) / len(times))
            fig[f"search_{key}_ms_median"] = _ms(statistics.median(times))
            fig[f"search_{key}_ms_p95"] = _ms(percentile(times, 95))
            details[f"search_{key}"] = {"word": word, "rows": len(rows), "first_ms": _ms(first),
                                        "max_ms": _ms(max(times))}
            rss_by_phase[f"search_{key}"] = peak_rss_mb()
        if "search_name_ms_median" in fig:
            details["search_name"]["median_ms"] = fig.pop("search_name_ms_median")

        # save: random assessments, one of their text answers replaced by a longer text (as typing does)
        with store.engine.connect() as conn:
            max_seq = conn.execute(text("SELECT max(seq) FROM assessment")).scalar_one()
            kinds = {x.id: x.kind for x in store.questionnaire(
                conn.execute(text("SELECT questionnaire_hash FROM assessment LIMIT 1")).scalar_one()).questions()}
            jobs = []
            while len(jobs) < config["saves"]:
                seq = rng.randint(1, max_seq)
                found = conn.execute(text("SELECT id, owner FROM assessment WHERE seq = :s"), {"s": seq}).first()
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
        times = []
        cpu = time.process_time()
        for aid, qid, value, owner in jobs:
            t = pc()
            store.save_answer(aid, qid, value, actor=owner)  # only the owner may edit a draft
            times.append(pc() - t)
        cpu_per_call["save"] = _ms((time.process_time() - cpu) / len(times))
        fig["save_ms_median"], fig["save_ms_p95"] = _ms(statistics.median(times)), _ms(percentile(times, 95))
        details["save_max_ms"] = _ms(max(times))
        details["save_slowest_ms"] = [_ms(x) for x in sorted(times)[-10:]]
        rss_by_phase["save"] = peak_rss_mb()

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
            with store.engine.connect() as conn:
                ids = conn.execute(text("SELECT id FROM assessment")).scalars().all() if max_seq <= 5000 else None
            picks = []
            while len(picks) < config["exports"]:
                if ids is not None:
                    picks.append(rng.choice(ids))
                    continue
                with store.engine.connect() as conn:
                    aid = conn.execute(text("SELECT id FROM assessment WHERE seq = :s"),
                                       {"s": rng.randint(1, max_seq)}).scalar()
                if aid is not None:
                    picks.append(aid)
            chars = 0
            t = pc()
            cpu = time.process_time()
            for aid in picks:
                chars += len(render_markdown(store.get(aid)))
            spent = pc() - t
            cpu_per_call["export"] = _ms((time.process_time() - cpu) / len(picks))
            fig["export_per_s"] = round(len(picks) / spent, 1)
            details["export"] = {"assessments": len(picks), "seconds": round(spent, 3),
                                 "avg_markdown_chars": round(chars / len(picks))}

        # peak RSS of everything above (before the diagnostic pass)
        fig["peak_rss_mb"] = rss_by_phase["export"] = peak_rss_mb()
        if fig["peak_rss_mb"] is None:
            out["skipped"]["peak_rss_mb"] = "skipped: no resource module on this platform"
        details["peak_rss_mb_by_phase"] = rss_by_phase
        details["vm_hwm_mb"] = vm_hwm_mb()

        # diagnostics: the statements each operation sends, their time, and SQLite's query plans
        capture = Capture(store.engine)
        ops: dict[str, dict[str, float]] = {}

        def diagnose(label: str, calls: list) -> None:
            capture.label = label
            t = pc()
            for call in calls:
                call()
            capture.label = None
            spent = pc() - t
            sql_s = sum(e["total_s"] for e in capture.statements.values() if e["op"] == label)
            ops[label] = {"calls": len(calls), "ms_per_call": _ms(spent / len(calls)),
                          "sql_ms_per_call": _ms(sql_s / len(calls))}

        diagnose("list", [lambda: store.list(limit=50)] * 5)
        for key in ("rare", "common", "name"):
            diagnose(f"search_{key}", [lambda w=words[key]: store.list(search=w, limit=50)] * 5)
        diagnose("save", [lambda j=j: store.save_answer(j[0], j[1], j[2] + " Again.", actor=j[3])
                          for j in jobs[:25]])
        if render_markdown is not None:
            records = []
            diagnose("export", [lambda j=j: records.append(store.get(j[0])) for j in jobs[:20]])
            t = pc()
            for record in records:
                render_markdown(record)
            ops["export"]["render_ms_per_call"] = _ms((pc() - t) / len(records))
        details["ops"] = ops
        plans = []
        with store.engine.connect() as conn:
            driver = conn.connection.driver_connection
            for entry in capture.statements.values():
                sql = entry["sql"]
                plan = None
                if sql.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "INSERT")):
                    try:
                        params = entry["params"]
                        plan = [row[3] for row in driver.execute("EXPLAIN QUERY PLAN " + sql,
                                                                 params if isinstance(params, (tuple, list, dict)) else ())]
                    except sqlite3.Error as exc:
                        plan = [f"(no plan: {exc})"]
                plans.append({"op": entry["op"], "sql": sql, "calls": entry["calls"],
                              "avg_ms": _ms(entry["total_s"] / entry["calls"]), "max_ms": _ms(entry["max_s"]),
                              "plan": plan})
            driver.rollback()
        out["plans"] = plans
    finally:
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
                       f"in SQLite executing statements (the rest: Python, SQLAlchemy, commit){extra}")
        for entry in sorted((e for e in result.get("plans", []) if e["op"] == op), key=lambda e: -e["avg_ms"]):
            sql = " ".join(entry["sql"].split())
            out.append(f"  {entry['avg_ms']:8.2f} / {entry['max_ms']:8.2f} ms  x{entry['calls']}  {sql[:160]}")
            for step in entry["plan"] or []:
                out.append(f"        {step}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="assessments in the database (default 100000)")
    parser.add_argument("--db", type=Path, help="database to build, or reuse if it already holds N assessments")
    parser.add_argument("--keep", action="store_true", help="keep the database built in a temporary folder")
    parser.add_argument("--json", type=Path, dest="json_out", metavar="OUT", help="also write the figures as JSON")
    parser.add_argument("--seed", type=int, default=20_240_601, help="random seed of the generator")
    parser.add_argument("--workers", type=int, default=1 if (os.cpu_count() or 1) > 1 else 0,
                        help="processes generating rows while the main one inserts (0: generate inline)")
    parser.add_argument("--open-runs", type=int, default=5, help="fresh processes timing Store.open (default 5)")
    parser.add_argument("--list-runs", type=int, default=200)
    parser.add_argument("--search-runs", type=int, default=100)
    parser.add_argument("--saves", type=int, default=500)
    parser.add_argument("--exports", type=int, default=1000)
    parser.add_argument("--_open", help=argparse.SUPPRESS)
    parser.add_argument("--_measure", help=argparse.SUPPRESS)
    parser.add_argument("--_build", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args._build:
        job = json.loads(args._build)
        build(Path(job["db"]), job["n"], job["seed"], workers=job["workers"])
        return 0
    if args._open:
        print(json.dumps(child_open(args._open)))
        return 0
    if args._measure:
        print(json.dumps(child_measure(json.loads(args._measure))))
        return 0
    if args.n < 2:
        parser.error("--n must be at least 2")

    tmpdir = None
    if args.db:
        db = args.db.expanduser().absolute()
    else:
        tmpdir = Path(tempfile.mkdtemp(prefix="sg-bench-"))
        db = tmpdir / "bench.db"
    try:
        if db.exists():
            have = existing_count(db)
            if have != args.n:
                print(f"{db} holds {have:,} assessments, not {args.n:,}: pass --n {have} to reuse it, "
                      "or delete it (and its .bench.json) to build a new one", file=sys.stderr)
                return 2
            print(f"Reusing {db} ({have:,} assessments)")
            meta = reuse_meta(db)
            built = False
        else:
            print(f"Building {args.n:,} assessments in {db} ...", flush=True)
            # In its own process: a child started by a big process inherits its peak RSS through exec.
            job = {"db": str(db), "n": args.n, "seed": args.seed, "workers": args.workers}
            proc = subprocess.run([sys.executable, str(SCRIPT), "--_build", json.dumps(job)], check=False)
            if proc.returncode != 0:
                raise SystemExit(f"building the database failed ({proc.returncode})")
            meta = json.loads(Path(str(db) + META_SUFFIX).read_text(encoding="utf-8"))
            built = True
            print(f"Built in {meta['build_seconds']:.1f} s ({', '.join(f'{k} {v}' for k, v in meta['build_timings_s'].items())})")
        size_mb = db.stat().st_size / 1024 / 1024
        print(f"Database: {size_mb:,.0f} MB; search words: {meta['words']}", flush=True)

        opens = [run_child(["--_open", str(db)]) for _ in range(args.open_runs)]
        load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
        config = {"db": str(db), "seed": args.seed, "words": meta["words"], "list_runs": args.list_runs,
                  "search_runs": args.search_runs, "saves": args.saves, "exports": args.exports}
        print("Measuring ...", flush=True)
        result = run_child(["--_measure", json.dumps(config)])
        result["figures"].update({
            "import_ms": _ms(statistics.median(o["import_s"] for o in opens)),
            "open_ms": _ms(statistics.median(o["open_s"] for o in opens)),
            "first_list_ms": _ms(statistics.median(o["first_list_s"] for o in opens)),
        })
        result["details"]["open_runs_ms"] = [_ms(o["open_s"]) for o in opens]
        if load_before is not None:  # other work on the machine skews every figure: keep a note of it
            result["details"]["load_average_before_after"] = [round(load_before[0], 2), round(os.getloadavg()[0], 2)]
        result.update({
            "n": args.n, "db": str(db), "db_size_mb": round(size_mb, 1), "built": built,
            "runs": {"open_runs": args.open_runs, "list_runs": args.list_runs, "search_runs": args.search_runs,
                     "saves": args.saves, "exports": args.exports},
            "build_seconds": meta.get("build_seconds") if built else None,
            "original_build_seconds": meta.get("build_seconds"), "build_timings_s": meta.get("build_timings_s"),
            "words": meta["words"], "sqlite_version": sqlite3.sqlite_version, "python": sys.version.split()[0],
            "platform": sys.platform, "cpus": os.cpu_count(),
            "targets": {k: f"{cmp} {target}" for k, _l, _u, cmp, target in FIGURES if cmp},
            "met": {k: met(result["figures"].get(k), cmp, target) for k, _l, _u, cmp, target in FIGURES if cmp},
        })
        print()
        print(f"sg-assess core benchmark: {args.n:,} assessments, SQLite {sqlite3.sqlite_version}, "
              f"Python {result['python']}, {os.cpu_count()} CPUs"
              + (f", load average {load_before[0]:.2f}" if load_before else ""))
        print(report(result))
        cpu = result["details"].get("cpu_ms_per_call") or {}
        if cpu:
            print("CPU time per call (less affected by other work on the machine): "
                  + ", ".join(f"{k} {v:.2f} ms" for k, v in cpu.items()))
        if load_before and load_before[0] > 0.5 * (os.cpu_count() or 1):
            print(f"Note: the machine was busy (load average {load_before[0]:.1f} on {os.cpu_count()} CPUs): "
                  "wall-clock figures are inflated; run again when it is idle.")
        plans = missed_plans(result)
        if plans:
            print(plans)
        if args.json_out:
            args.json_out.parent.mkdir(parents=True, exist_ok=True)
            args.json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
            print(f"\nFigures written to {args.json_out}")
    finally:
        if tmpdir is not None:
            if args.keep:
                print(f"Kept the database: {db}")
            else:
                shutil.rmtree(tmpdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
