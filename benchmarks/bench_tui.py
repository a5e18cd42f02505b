"""TUI benchmark: the app's first paint, its home table, opening an assessment and keystroke latency.

    python benchmarks/bench_tui.py [--n 10000] [--runs 5] [--db PATH] [--json OUT]

1. Builds (with ``bench_core.build``, the core benchmark's generator) or, with
   ``--db`` pointing at a database that already holds N assessments, reuses a
   database of N fictional assessments.
2. In a real terminal (a tmux server of its own, 100x32, driven through one
   tmux control-mode client so that polling costs well under a millisecond),
   alternating runs of the app and of a bare Textual app (Header, Input, empty
   DataTable, Footer: the home screen's layout with no data and no database):
   (i)  process start to the first painted home screen (the search box's
        placeholder on screen and the footer line painted), for both;
   (ii) process start to the home table filled (the first row's child name on
        screen), for the app.
   Medians over ``--runs`` (after ``--warmup`` unreported runs of each), and the
   ratios to the bare app's first paint.
3. (iii) In-process with ``app.run_test()``: from calling
   ``app.open_assessment(id)`` to the editor's first question block mounted
   (and to the cursor in a question), for ``--opens`` different assessments.
4. (iv) In tmux, in the editor: single characters sent with ``send-keys -l``
   into the answer the editor puts the cursor in, polling that screen line
   until its character count grows, then waiting ``--key-gap-ms`` (on average)
   before the next key; with a pause of about the autosave delay (1 s) before
   every sixth key, so that keys arrive while answers are saved.  p50/p95 over
   ``--keys`` keys, and the app's CPU time per key (Linux).  This types into
   (and autosaves) one answer of one assessment in the database.

It prints each figure next to its target and exits 0 whether or not the
targets are met: it is a benchmark, not a test.  Everything is fictional.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import select
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve()
BENCH_DIR = SCRIPT.parent
sys.path.insert(0, str(BENCH_DIR))
import bench_core  # noqa: E402 - a sibling script; it imports only the standard library at the top
WIDTH, HEIGHT = 100, 32
PLACEHOLDER = "Search names and answers"  # the home screen's search box; the bare app uses the same text
KEY_MARKER = "QZX"  # typed first, to find the answer's line on screen
START_TIMEOUT = 60.0

# (key, label, unit, comparison, target); figures without a target are shown for context.
FIGURES: list[tuple[str, str, str, str | None, float | None]] = [
    ("bare_first_paint_ms", "bare Textual app: start to first paint (median)", "ms", None, None),
    ("app_first_paint_ms", "sg-assess --db DB: start to first paint (median)", "ms", None, None),
    ("first_paint_ratio", "first paint, app / bare", "x", "<=", 1.15),
    ("app_table_filled_ms", "sg-assess --db DB: start to home table filled (median)", "ms", None, None),
    ("table_filled_ratio", "table filled, app / bare first paint", "x", "<=", 1.5),
    ("open_editor_ms_median", "open_assessment -> first question mounted (median)", "ms", "<=", 150.0),
    ("open_editor_ms_first", "  the same, first open (cold imports)", "ms", None, None),
    ("open_editor_focus_ms_median", "open_assessment -> cursor in a question (median)", "ms", None, None),
    ("key_latency_ms_p50", "keystroke to screen, p50", "ms", "<=", 50.0),
    ("key_latency_ms_p95", "keystroke to screen, p95", "ms", "<=", 50.0),
    ("key_latency_ms_p95_after_pause", "  keys sent ~1 s after the last (autosave due), p95", "ms", None, None),
    ("key_cpu_ms", "  app CPU time per key while typing (incl. autosaves)", "ms", None, None),
    ("tmux_round_trip_ms", "measuring cost: one tmux command round trip (median)", "ms", None, None),
]

# The bare app: the home screen's layout (Header, search Input, DataTable with the same columns, Footer
# showing Quit) with no data, no database and no stylesheet file.  It is written to a file and run as a
# script, so its start-up is only Python and Textual.
BARE_APP = '''\
from textual.app import App
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Input


class Bare(App[None]):
    TITLE = "bare"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True), Binding("f1", "help", "Help")]

    def compose(self):
        yield Header()
        yield Input(placeholder="Search names and answers ( / )")
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self):
        table = self.query_one(DataTable)
        for label, width in (("Child", 24), ("Band", 6), ("Status", 10), ("Last updated", 16),
                             ("Practitioner", 18), ("Score", 5), ("Required", 8)):
            table.add_column(label, width=width)


if __name__ == "__main__":
    Bare().run()
'''


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def _median(values: list[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError, IndexError):  # a zombie has exited
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _wait_gone(pid: int, timeout: float = 15.0) -> bool:
    deadline = time.perf_counter() + timeout
    while _alive(pid):
        if time.perf_counter() > deadline:
            return False
        time.sleep(0.01)
    return True


def tmux_quote(text: str) -> str:
    """One argument for tmux's command parser (single quotes, as in sh)."""
    return "'" + text.replace("'", "'\"'\"'") + "'"


def sh_join(args: list[str]) -> str:
    import shlex

    return shlex.join(args)


class TmuxControl:
    """A tmux server of our own and one control-mode client: commands without a process per command."""

    def __init__(self, socket: str, env: dict[str, str]):
        self.base = ["tmux", "-f", os.devnull, "-L", socket]
        self.env = env
        subprocess.run([*self.base, "new-session", "-d", "-s", "idle", "-x", str(WIDTH), "-y", str(HEIGHT),
                        "sleep 2147483"], env=env, check=True, timeout=30)
        self.proc = subprocess.Popen([*self.base, "-C", "attach", "-t", "idle"], env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
        self._buf = b""
        self._fd = self.proc.stdout.fileno()  # type: ignore[union-attr]
        self.socket_path = self.command("display-message -p '#{socket_path}'")[0]

    def command(self, cmd: str, timeout: float = 30.0) -> list[str]:
        """Run one tmux command; its output lines.  Raises on a tmux error."""
        self.proc.stdin.write(cmd.encode("utf-8") + b"\n")  # type: ignore[union-attr]
        lines, ok = self._block(timeout)
        if not ok:
            raise RuntimeError(f"tmux {cmd.split()[0]}: {' '.join(lines)}")
        return lines

    def _line(self, deadline: float) -> str:
        while b"\n" not in self._buf:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError("no answer from tmux")
            ready, _, _ = select.select([self._fd], [], [], left)
            if ready:
                chunk = os.read(self._fd, 1 << 20)
                if not chunk:
                    raise RuntimeError("the tmux control client exited")
                self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return line.decode("utf-8", errors="replace")

    def _block(self, timeout: float) -> tuple[list[str], bool]:
        """The next %begin .. %end/%error block of a command we sent (flags 1); notifications are skipped."""
        deadline = time.perf_counter() + timeout
        while True:
            line = self._line(deadline)
            if not line.startswith("%begin "):
                continue
            ours = line.split()[-1] == "1"
            out: list[str] = []
            while True:
                line = self._line(deadline)
                if line.startswith(("%end ", "%error ")):
                    break
                out.append(line)
            if ours:
                return out, line.startswith("%end ")

    def screen(self, target: str) -> list[str]:
        return self.command(f"capture-pane -p -t {target}")

    def line(self, target: str, y: int) -> str:
        got = self.command(f"capture-pane -p -t {target} -S {y} -E {y}")
        return got[0] if got else ""

    def new_session(self, name: str, shell_command: str) -> int:
        self.command(f"new-session -d -s {name} -x {WIDTH} -y {HEIGHT} {tmux_quote(shell_command)}")
        return int(self.command(f"display-message -p -t {name} '#{{pane_pid}}'")[0])

    def kill_session(self, name: str) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError):
            self.command(f"kill-session -t {name}")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.command("kill-server", timeout=5)
        with contextlib.suppress(Exception):
            self.proc.stdin.close()  # type: ignore[union-attr]
            self.proc.wait(timeout=5)
        if self.proc.poll() is None:
            self.proc.kill()
        subprocess.run([*self.base, "kill-server"], env=self.env, capture_output=True, check=False, timeout=30)
        with contextlib.suppress(OSError):
            Path(self.socket_path).unlink()  # tmux leaves the socket file behind


# --------------------------------------------------------------------------------------
# 1. The database
# --------------------------------------------------------------------------------------


def existing_count(path: Path) -> int:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM assessment").fetchone()[0]
    finally:
        conn.close()


def build(path: Path, n: int, seed: int) -> str:
    """Build with the core benchmark's generator."""
    bench_core.build(path, n, seed, workers=1 if (os.cpu_count() or 1) > 1 else 0, quiet=True)
    return "bench_core.build"


def db_facts(db: Path, opens: int) -> dict[str, Any]:
    """Run in a fresh process: the home table's first child, ids to open, the assessment to type into."""
    from sg_assess.store.repository import Store

    with Store.open(db) as store:  # not read-only: a database from an older version is upgraded here, not timed
        rows = store.list(limit=1000)
        first_name = rows[0].child_name
        # Open assessments as their practitioner would: someone else's are read-only (no cursor in a question),
        # and so is a submitted one (bench_core's data has 3 in 100 waiting for review).
        rows = [r for r in rows if r.status in ("draft", "returned")]
        counts: dict[str, int] = {}
        for row in rows:
            counts[row.practitioner] = counts.get(row.practitioner, 0) + 1
        open_user = max(counts, key=counts.__getitem__)
        mine = [r for r in rows if r.practitioner == open_user]
        step = max(1, len(mine) // max(1, opens))
        open_ids = [r.id for r in mine[::step]][:opens]
        typing = None
        for prefer in ("text", "long_text"):
            for row in rows:
                record = store.get(row.id, with_history=False)
                q, band, answers = record.questionnaire, record.summary.age_band, record.answers
                sections = [s for s in q.sections if any(x.ages is None or band in x.ages for x in s.questions)]
                shown = [x for s in sections for x in s.questions if q.is_shown(x, band, answers)]
                first = next((x for x in shown if x.required and x.id not in answers), None) or next(
                    (x for x in shown if x.id not in answers), None)
                if first is None or first.kind != prefer:
                    continue
                section = q.section_of(first.id)
                blocks = [x for x in section.questions if (x.ages is None or band in x.ages)
                          and q.is_shown(x, band, answers)]
                if blocks.index(first) <= 1:  # near the top of its section: on screen whatever the scroll
                    typing = {"id": row.id, "question": first.id, "kind": first.kind,
                              "prompt": first.prompt.split("\n")[0][:30],
                              "user": getattr(record, "owner", "") or row.practitioner}
                    break
            if typing:
                break
    return {"first_name": first_name, "open_ids": open_ids, "open_user": open_user, "typing": typing}


# --------------------------------------------------------------------------------------
# 2. First paint and table filled, under tmux
# --------------------------------------------------------------------------------------


def painted(screen: list[str]) -> bool:
    """The search box's placeholder and a footer (the last line) on screen."""
    return len(screen) >= HEIGHT and bool(screen[HEIGHT - 1].strip()) and any(PLACEHOLDER in line for line in screen)


def time_start(ctl: TmuxControl, name: str, command: str, first_row: str | None, poll: float) -> dict[str, Any]:
    t0 = time.perf_counter()
    pid = ctl.new_session(name, command)
    first_paint = filled = None
    deadline = t0 + START_TIMEOUT
    screen: list[str] = []
    try:
        while time.perf_counter() < deadline:
            tick = time.perf_counter()
            screen = ctl.screen(name)
            now = time.perf_counter()
            text = "\n".join(screen)
            if first_paint is None and painted(screen):
                first_paint = now - t0
            if first_row is not None and first_row in text:
                filled = now - t0
                if first_paint is None:
                    first_paint = filled
            if first_paint is not None and (first_row is None or filled is not None):
                break
            time.sleep(max(0.0, poll - (time.perf_counter() - tick)))
    finally:
        ctl.kill_session(name)  # SIGHUP: the app saves nothing here and exits
        gone = _wait_gone(pid)
    result = {"first_paint_s": first_paint, "filled_s": filled, "exited": gone}
    if first_paint is None or (first_row is not None and filled is None):
        result["last_screen"] = screen
    return result


def measure_starts(ctl: TmuxControl, app_cmd: str, bare_cmd: str, first_row: str, runs: int, warmup: int,
                   poll: float) -> dict[str, Any]:
    bare: list[dict[str, Any]] = []
    app: list[dict[str, Any]] = []
    for i in range(warmup + runs):
        order = [("bare", bare_cmd, None, bare), ("app", app_cmd, first_row, app)]
        if i % 2:
            order.reverse()  # alternate which goes first
        for kind, cmd, row, out in order:
            r = time_start(ctl, f"{kind}{i}", cmd, row, poll)
            r["warmup"] = i < warmup
            out.append(r)
            time.sleep(0.3)
        b, a = bare[-1], app[-1]
        print(f"  run {i + 1 - warmup if i >= warmup else 'warm-up'}: bare first paint {_ms(b['first_paint_s'])} ms; "
              f"app first paint {_ms(a['first_paint_s'])} ms, table filled {_ms(a['filled_s'])} ms", flush=True)
    counted_b = [r for r in bare if not r["warmup"]]
    counted_a = [r for r in app if not r["warmup"]]
    return {
        "bare_first_paint_s": _median([r["first_paint_s"] for r in counted_b]),
        "app_first_paint_s": _median([r["first_paint_s"] for r in counted_a]),
        "app_filled_s": _median([r["filled_s"] for r in counted_a]),
        "runs": {"bare": bare, "app": app},
    }


# --------------------------------------------------------------------------------------
# 3. Opening an assessment, in-process
# --------------------------------------------------------------------------------------


async def _until(check: Any, timeout: float, what: str) -> float:
    deadline = time.perf_counter() + timeout
    while not check():
        if time.perf_counter() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.001)
    return time.perf_counter()


async def _open_timings(db: Path, ids: list[str], user: str) -> list[dict[str, float | None]]:
    from sg_assess.tui.app import create_app
    from sg_assess.tui.screens.editor import EditorScreen
    from sg_assess.tui.screens.home import HomeScreen
    from sg_assess.tui.widgets.questions import QuestionBlock

    app = create_app(db, user=user)
    out: list[dict[str, float | None]] = []

    def mounted() -> bool:
        screen = app.screen
        return isinstance(screen, EditorScreen) and any(b.is_mounted for b in screen.query(QuestionBlock))

    def focused() -> bool:
        node = app.focused
        while node is not None and not isinstance(node, QuestionBlock):
            node = node.parent
        return node is not None

    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await _until(app.loaded.is_set, START_TIMEOUT, "the home table")
        await pilot.pause(0.2)
        for aid in ids:
            t0 = time.perf_counter()
            app.open_assessment(aid)
            t1 = await _until(mounted, 30, "the editor's first question block")
            try:
                t2: float | None = await _until(focused, 5, "the cursor in a question")
            except TimeoutError:  # a read-only assessment: nothing to put the cursor in
                t2 = None
            out.append({"mounted_s": t1 - t0, "focused_s": None if t2 is None else t2 - t0})
            await pilot.pause(0.1)
            await pilot.press("escape")
            await _until(lambda: isinstance(app.screen, HomeScreen), 30, "back home")
            await pilot.pause(0.3)
    return out


# --------------------------------------------------------------------------------------
# 4. Keystroke latency, under tmux
# --------------------------------------------------------------------------------------


def _count(line: str, col: int) -> int:
    return sum(1 for ch in line[col:] if not ch.isspace())


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux); None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def measure_keys(ctl: TmuxControl, sg_cmd: list[str], db: Path, typing: dict[str, Any], keys: int,
                 seed: int, gap: float) -> dict[str, Any]:
    name = "keys"
    user = [f"SG_ASSESS_USER={typing['user']}"]  # as the assessment's practitioner: it is read-only to others
    pid = ctl.new_session(name, "exec " + sh_join(["env", *user, *sg_cmd, "--db", str(db), "open", typing["id"]]))
    rng = random.Random(seed)
    latencies: list[float | None] = []
    after_pause: list[float | None] = []
    try:
        deadline = time.perf_counter() + START_TIMEOUT
        while typing["prompt"] not in "\n".join(ctl.screen(name)):
            if time.perf_counter() > deadline:
                return {"error": "the editor never showed the question", "screen": ctl.screen(name)}
            time.sleep(0.02)
        time.sleep(0.5)  # the cursor is put in the question as it is shown
        ctl.command(f"send-keys -t {name} -l {KEY_MARKER}")
        deadline = time.perf_counter() + 10
        y = col = None
        while y is None:
            for i, line in enumerate(ctl.screen(name)):
                if KEY_MARKER in line:
                    y, col = i, line.index(KEY_MARKER)
            if y is None:
                if time.perf_counter() > deadline:
                    return {"error": "the typed text never appeared on screen", "screen": ctl.screen(name)}
                time.sleep(0.005)
        time.sleep(1.3)  # let the first autosave happen
        prev = _count(ctl.line(name, y), col)
        letters = "abcdefghijklmnopqrstuvwxyz"
        typed = KEY_MARKER
        cpu0, wall0 = _cpu_seconds(pid), time.perf_counter()
        for i in range(keys):
            pause = i % 6 == 5
            time.sleep(rng.uniform(0.97, 1.05) if pause else rng.uniform(0.5 * gap, 1.5 * gap))
            ch = letters[i % len(letters)]
            t0 = time.perf_counter()
            ctl.command(f"send-keys -t {name} -l {ch}")
            latency = None
            while time.perf_counter() - t0 < 5.0:
                now_count = _count(ctl.line(name, y), col)
                if now_count > prev:
                    latency = time.perf_counter() - t0
                    prev = now_count
                    break
                time.sleep(0.001)
            typed += ch
            latencies.append(latency)
            if pause:
                after_pause.append(latency)
        cpu1, wall1 = _cpu_seconds(pid), time.perf_counter()
        time.sleep(1.5)  # the last autosave
    finally:
        ctl.kill_session(name)
        _wait_gone(pid)
    saved = _saved_answer(db, typing["id"], typing["question"])
    cpu = None if cpu0 is None or cpu1 is None else {"cpu_ms_per_key": round((cpu1 - cpu0) / keys * 1000, 1),
                                                     "cpu_share_while_typing": round((cpu1 - cpu0) / (wall1 - wall0), 2)}
    return {"latencies_s": latencies, "after_pause_s": after_pause, "typed": typed,
            "saved_ok": isinstance(saved, str) and saved.endswith(typed), "line": y, "gap_ms": gap * 1000, **(cpu or {})}


def _saved_answer(db: Path, aid: str, qid: str) -> Any:
    from sg_assess.store.repository import Store

    with Store.open(db, readonly=True) as store:
        return store.get(aid, with_history=False).answers.get(qid)


def round_trip(ctl: TmuxControl, n: int = 50) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        ctl.command("display-message -p x")
        times.append(time.perf_counter() - t)
    return statistics.median(times)


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------


def report(figures: dict[str, Any]) -> str:
    rows = [("figure", "value", "target", "")]
    for key, label, unit, cmp, target in FIGURES:
        value = figures.get(key)
        shown = "n/a" if value is None else (f"{value:.2f} {unit}" if unit == "x" else f"{value:,.1f} {unit}")
        tgt = f"{cmp} {target:g} {unit}" if cmp else "-"
        ok = bench_core.met(value, cmp, target)
        rows.append((label, shown, tgt, "" if ok is None else ("ok" if ok else "MISSED")))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) if i < 3 else c for i, (c, w) in
                       enumerate(zip(row, widths))).rstrip() for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def sg_command() -> list[str]:
    script = shutil.which("sg-assess", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "sg_assess"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="assessments in the database (default 10000)")
    parser.add_argument("--db", type=Path, help="database to build, or reuse if it already holds N assessments")
    parser.add_argument("--runs", type=int, default=5, help="timed starts of each app (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed starts of each app first (default 1)")
    parser.add_argument("--opens", type=int, default=9, help="assessments opened in-process (default 9)")
    parser.add_argument("--keys", type=int, default=50, help="keystrokes timed (default 50, at most 50)")
    parser.add_argument("--key-gap-ms", type=float, default=100.0,
                        help="mean pause between a key showing and the next key (uniform 0.5x-1.5x; default 100)")
    parser.add_argument("--poll-ms", type=float, default=5.0, help="screen polling interval at start-up (default 5)")
    parser.add_argument("--seed", type=int, default=20_240_601)
    parser.add_argument("--json", type=Path, dest="json_out", metavar="OUT", help="also write the figures as JSON")
    parser.add_argument("--_build", help=argparse.SUPPRESS)
    parser.add_argument("--_facts", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args._build:
        job = json.loads(args._build)
        print(build(Path(job["db"]), job["n"], job["seed"]))
        return 0
    if args._facts:
        job = json.loads(args._facts)
        print(json.dumps(db_facts(Path(job["db"]), job["opens"])))
        return 0
    if args.n < 2:
        parser.error("--n must be at least 2")
    args.keys = max(1, min(args.keys, 50))  # the answer's line holds ~55 characters

    work = Path(tempfile.mkdtemp(prefix="sg-bench-tui-"))
    env = dict(os.environ)
    env.update({"SG_ASSESS_DATA_DIR": str(work / "data"), "SG_ASSESS_CONFIG": str(work / "config.toml"),
                "SG_ASSESS_USER": "Bench Worker", "SHELL": "/bin/sh"})
    for name in ("SG_ASSESS_DB", "TMUX", "TMUX_PANE"):
        env.pop(name, None)
    os.environ.update({k: env[k] for k in ("SG_ASSESS_DATA_DIR", "SG_ASSESS_CONFIG", "SG_ASSESS_USER")})
    os.environ.pop("SG_ASSESS_DB", None)
    db = args.db.expanduser().absolute() if args.db else work / "bench.db"
    result: dict[str, Any] = {"n": args.n, "db": str(db), "runs": args.runs, "warmup": args.warmup,
                              "terminal": f"{WIDTH}x{HEIGHT}", "python": sys.version.split()[0],
                              "platform": sys.platform, "cpus": os.cpu_count(), "skipped": {}}
    figures: dict[str, Any] = {}
    details: dict[str, Any] = {}
    ctl: TmuxControl | None = None
    try:
        import textual

        result["textual"] = textual.__version__
        if db.exists():
            have = existing_count(db)
            if have != args.n:
                print(f"{db} holds {have:,} assessments, not {args.n:,}: pass --n {have} to reuse it, "
                      "or delete it to build a new one", file=sys.stderr)
                return 2
            print(f"Reusing {db} ({have:,} assessments)")
            result["built"] = False
        else:
            print(f"Building {args.n:,} assessments in {db} ...", flush=True)
            t = time.perf_counter()
            job = json.dumps({"db": str(db), "n": args.n, "seed": args.seed})
            proc = subprocess.run([sys.executable, str(SCRIPT), "--_build", job], env=env, capture_output=True,
                                  text=True, check=False)
            if proc.returncode != 0:
                raise SystemExit(f"building the database failed:\n{proc.stdout}{proc.stderr}")
            result.update(built=True, built_with=proc.stdout.strip().splitlines()[-1],
                          build_seconds=round(time.perf_counter() - t, 1))
            print(f"Built with {result['built_with']} in {result['build_seconds']} s", flush=True)
        job = json.dumps({"db": str(db), "opens": args.opens})
        proc = subprocess.run([sys.executable, str(SCRIPT), "--_facts", job], env=env, capture_output=True,
                              text=True, check=True)
        facts = json.loads(proc.stdout)
        details["first_row_child"] = facts["first_name"]
        first_row = facts["first_name"][:20]
        load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
        result["load_average_before"] = None if load_before is None else round(load_before[0], 2)

        sg = sg_command()
        details["app_command"] = sh_join([*sg, "--db", "DB"])
        tmux_keys = ("bare_first_paint_ms", "app_first_paint_ms", "first_paint_ratio", "app_table_filled_ms",
                     "table_filled_ratio", "key_latency_ms_p50", "key_latency_ms_p95",
                     "key_latency_ms_p95_after_pause", "key_cpu_ms", "tmux_round_trip_ms")

        def skip(keys: tuple[str, ...], why: str) -> None:
            for key in keys:
                result["skipped"].setdefault(key, f"skipped: {why}")

        def phase(keys: tuple[str, ...], run: Any) -> None:
            """One measurement; a failure is reported (with its reason) and the others still run."""
            try:
                run()
            except Exception as exc:  # noqa: BLE001 - a benchmark reports what it could not measure
                print(f"  failed: {type(exc).__name__}: {exc}", flush=True)
                skip(keys, f"{type(exc).__name__}: {exc}")

        if shutil.which("tmux") is None:
            skip(tmux_keys, "tmux is not installed")
        else:
            bare_file = work / "bare_app.py"
            bare_file.write_text(BARE_APP, encoding="utf-8")
            ctl = TmuxControl(f"sg-bench-{os.getpid()}-{uuid.uuid4().hex[:6]}", env)
            figures["tmux_round_trip_ms"] = _ms(round_trip(ctl))

        def starts() -> None:  # (i) and (ii)
            assert ctl is not None
            print(f"Start-up under tmux ({args.warmup} warm-up + {args.runs} runs of each) ...", flush=True)
            got = measure_starts(ctl, "exec " + sh_join([*sg, "--db", str(db)]),
                                 "exec " + sh_join([sys.executable, str(work / "bare_app.py")]),
                                 first_row, args.runs, args.warmup, args.poll_ms / 1000)
            details["starts"] = got["runs"]
            bare_fp, app_fp, app_filled = got["bare_first_paint_s"], got["app_first_paint_s"], got["app_filled_s"]
            figures.update(bare_first_paint_ms=_ms(bare_fp), app_first_paint_ms=_ms(app_fp),
                           app_table_filled_ms=_ms(app_filled))
            if bare_fp:
                figures["first_paint_ratio"] = None if app_fp is None else round(app_fp / bare_fp, 3)
                figures["table_filled_ratio"] = None if app_filled is None else round(app_filled / bare_fp, 3)

        def opens() -> None:  # (iii)
            print(f"Opening {len(facts['open_ids'])} assessments in-process (run_test), "
                  f"as their practitioner {facts['open_user']} ...", flush=True)
            got = asyncio.run(_open_timings(db, facts["open_ids"], facts["open_user"]))
            details["opens_ms"] = [{k: _ms(v) for k, v in o.items()} for o in got]
            figures["open_editor_ms_median"] = _ms(_median([o["mounted_s"] for o in got]))
            figures["open_editor_ms_first"] = _ms(got[0]["mounted_s"]) if got else None
            figures["open_editor_focus_ms_median"] = _ms(_median([o["focused_s"] for o in got]))

        def keystrokes() -> None:  # (iv)
            assert ctl is not None
            typing = facts["typing"]
            if typing is None:
                skip(key_keys, "no assessment whose first unanswered question is text near the top of its section")
                return
            print(f"Keystroke latency: {args.keys} keys into {typing['question']} ({typing['kind']}) "
                  f"of {typing['id'][:8]} ...", flush=True)
            keys = measure_keys(ctl, sg, db, typing, args.keys, args.seed, args.key_gap_ms / 1000)
            details["keys"] = {**{k: v for k, v in keys.items() if k not in ("latencies_s", "after_pause_s")},
                               "question": typing["question"], "kind": typing["kind"], "assessment": typing["id"]}
            if "error" in keys:
                skip(key_keys, keys["error"])
                print(f"  {keys['error']}:\n" + "\n".join(keys.get("screen", [])), flush=True)
                return
            lat = [v for v in keys["latencies_s"] if v is not None]
            pauses = [v for v in keys["after_pause_s"] if v is not None]
            details["keys"]["latencies_ms"] = [_ms(v) for v in keys["latencies_s"]]
            details["keys"]["lost"] = sum(v is None for v in keys["latencies_s"])
            if lat:
                figures["key_latency_ms_p50"] = _ms(percentile(lat, 50))
                figures["key_latency_ms_p95"] = _ms(percentile(lat, 95))
                details["keys"]["max_ms"] = _ms(max(lat))
            if pauses:
                figures["key_latency_ms_p95_after_pause"] = _ms(percentile(pauses, 95))
            figures["key_cpu_ms"] = keys.get("cpu_ms_per_key")
            if not keys["saved_ok"]:
                print("  warning: the typed text was not found saved afterwards", flush=True)

        key_keys = ("key_latency_ms_p50", "key_latency_ms_p95", "key_latency_ms_p95_after_pause", "key_cpu_ms")
        if ctl is not None:
            phase(tmux_keys[:5], starts)
        phase(("open_editor_ms_median", "open_editor_ms_first", "open_editor_focus_ms_median"), opens)
        if ctl is not None:
            phase(key_keys, keystrokes)
        if hasattr(os, "getloadavg"):
            result["load_average_after"] = round(os.getloadavg()[0], 2)
    finally:
        if ctl is not None:
            ctl.close()
        shutil.rmtree(work, ignore_errors=True)  # the data folder, config and bare app (and a database built here)

    result["figures"] = figures
    result["details"] = details
    result["targets"] = {k: f"{cmp} {target}" for k, _l, _u, cmp, target in FIGURES if cmp}
    result["met"] = {k: bench_core.met(figures.get(k), cmp, target) for k, _l, _u, cmp, target in FIGURES if cmp}
    print()
    load = result.get("load_average_before")
    print(f"sg-assess TUI benchmark: {args.n:,} assessments, {WIDTH}x{HEIGHT} tmux, Textual {result.get('textual')}, "
          f"Python {result['python']}, {os.cpu_count()} CPUs" + (f", load average {load:.2f}" if load is not None else ""))
    print(report(figures))
    for key, why in result["skipped"].items():
        print(f"{key}: {why}")
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"\nFigures written to {args.json_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
