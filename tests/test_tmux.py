"""The app in a real terminal (tmux): what was typed survives a kill, a closed terminal and a shutdown.

Each test creates a database with the CLI, opens the app on it with
``sg-assess --db DB open ID`` in a detached tmux session of its own (its own
server socket, 100x32, driven by tests/tmuxkit.py), types into the focused answer with ``send-keys -l`` and
then ends the app the way the test says.  The app is started with ``exec`` so
that it is the pane's process and receives the signals itself.  Whether the
phrase was saved is checked afterwards with ``sg-assess show ID --json`` in a
fresh process.

The assessment is a new one (questionnaire version 2) for a 7-year-old with
``assessment_reason`` answered (the first required question, a long text one),
so that the first unanswered question, where ``open`` puts the cursor, is the
one-line ``concern_source``.  Before typing, each test waits until that question's
prompt is on screen; before ending the app it waits until the whole phrase is
on screen, so every key has reached the app.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import signal
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.tmuxkit import Tmux, app_env, cli, show, wait_until

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (CI installs it)"),
    pytest.mark.skipif(sys.platform == "win32", reason="tmux tests need a POSIX system"),
    pytest.mark.slow,  # each starts the app in a terminal: ~5-15 s
]

QUESTION = "concern_source"  # a "text" question: an Input you can type into
WIDTH, HEIGHT = 100, 32
START_TIMEOUT = 30.0  # the app on screen, focused on the question
SCREEN_TIMEOUT = 10.0  # typed text on screen
EXIT_TIMEOUT = 20.0  # the process gone after a signal


def _saved_answers(env: dict[str, str], db: Path, aid: str) -> dict[str, object]:
    return show(env, db, aid)["answers"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError, IndexError):  # a zombie (exited, not yet reaped) has exited
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    return True


@dataclass
class Opened:
    term: Tmux
    pid: int
    aid: str
    db: Path
    env: dict[str, str]
    prompt: str

    def describe(self) -> str:
        return "screen:\n" + self.term.screen()

    def wait_ready(self) -> None:
        """The editor is up, scrolled to the first unanswered question (where the cursor is): its prompt shows."""
        wait_until(f"the editor showing the first unanswered question ({QUESTION}: {self.prompt!r})",
                   lambda: self.prompt in self.term.screen(), START_TIMEOUT, self.describe)
        time.sleep(0.2)  # the cursor is put in the question as it is shown; let that settle

    def type_and_show(self, phrase: str) -> float:
        """Once the editor is ready, type ``phrase``; return when the keys were sent, once all of it is on screen."""
        self.wait_ready()
        sent = time.perf_counter()
        # all of it in one send-keys, not the kit's 30 ms a key: the signal tests must act well within 1 s of typing
        self.term.tmux("send-keys", "-t", self.term.session, "-l", phrase)
        wait_until("the typed phrase on screen", lambda: phrase in self.term.screen(), SCREEN_TIMEOUT,
                   self.describe, interval=0.01)
        return sent

    def how_it_ended(self) -> str:
        """'exit status N' or 'signal N' once known, else ''.

        From tmux once it has reaped the process; before that, from the zombie's
        /proc/PID/stat (its last field is the wait status).  Under pytest tmux
        sometimes leaves the zombie unreaped for a long time.
        """
        status, signum = self.term.pane("#{pane_dead_status}"), self.term.pane("#{pane_dead_signal}")
        if status or signum:
            return f"exit status {status}" if status else f"signal {signum}"
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
            if fields[0] == "Z":
                code = int(fields[-1])
                return f"exit status {code >> 8 & 0xFF}" if code & 0x7F == 0 else f"signal {code & 0x7F}"
        return ""

    def wait_exit(self) -> None:
        wait_until(f"the app (pid {self.pid}) to exit", lambda: not _alive(self.pid), EXIT_TIMEOUT, self.describe)

    def saved(self) -> dict[str, object]:
        return _saved_answers(self.env, self.db, self.aid)


@pytest.fixture
def opened(tmp_path: Path, isolated_env: Path) -> Iterator[Opened]:
    """The app, in tmux, on a new assessment's first unanswered (text) question, with the cursor in it."""
    env = app_env(isolated_env)
    db = tmp_path / "tmux dir é" / "assessments ü.db"
    dob = (dt.date.today() - dt.timedelta(days=7 * 365 + 120)).isoformat()  # 7 years old: band 5-9
    aid = cli(env, db, "new", "--child", "Ada Example", "--dob", dob).strip()
    cli(env, db, "answer", aid, "assessment_reason", "A referral from school after a bruise was seen.")
    prompt = _first_unanswered_prompt(db, aid)

    term = Tmux(env, socket=f"sg-test-{os.getpid()}-{uuid.uuid4().hex[:8]}", size=(WIDTH, HEIGHT))
    try:
        term.run([sys.executable, "-m", "sg_assess", "--db", str(db), "open", aid])  # remain-on-exit: the status
        yield Opened(term, int(term.pane("#{pane_pid}")), aid, db, env, prompt)
    finally:
        term.close()


def _first_unanswered_prompt(db: Path, aid: str) -> str:
    """Check the premise (the first unanswered question is QUESTION, a text one); return its prompt's start."""
    from sg_assess.store.repository import Store

    with Store.open(db, readonly=True) as store:
        record = store.get(aid, with_history=False)
    q, band, answers = record.questionnaire, record.summary.age_band, record.answers
    assert band == "5-9"
    shown = [x for s in q.sections for x in s.questions if q.is_shown(x, band, answers)]
    first = next(x for x in shown if x.required and x.id not in answers)
    assert (first.id, first.kind) == (QUESTION, "text"), (first.id, first.kind)
    return first.prompt[:30]  # short enough not to be wrapped at 100 columns


def _phrase(label: str) -> str:
    return f"Ms Shah, class teacher {label} {uuid.uuid4().hex[:6]}"  # as long as version 1's phrase


# -- the tests ---------------------------------------------------------------------------


def test_sigkill_two_seconds_after_typing_keeps_the_answer(opened: Opened) -> None:
    phrase = _phrase("kill2")
    sent = opened.type_and_show(phrase)
    time.sleep(max(0.0, sent + 2.0 - time.perf_counter()))  # the requirement: 2 s after typing
    os.kill(opened.pid, signal.SIGKILL)
    opened.wait_exit()
    assert opened.saved().get(QUESTION) == phrase
    wait_until("the app's end", lambda: opened.how_it_ended() != "", EXIT_TIMEOUT, opened.describe)
    assert opened.how_it_ended() == "signal 9"  # killed, with no chance to save anything on the way out


def test_sigkill_one_and_a_half_seconds_after_typing_keeps_the_answer(opened: Opened) -> None:
    """Autosave fires 1 s after typing pauses; 1.5 s later the answer must be in the database."""
    phrase = _phrase("kill15")
    sent = opened.type_and_show(phrase)
    time.sleep(max(0.0, sent + 1.5 - time.perf_counter()))
    os.kill(opened.pid, signal.SIGKILL)
    opened.wait_exit()
    assert opened.saved().get(QUESTION) == phrase
    wait_until("the app's end", lambda: opened.how_it_ended() != "", EXIT_TIMEOUT, opened.describe)
    assert opened.how_it_ended() == "signal 9"  # killed, with no chance to save anything on the way out


def test_closing_the_terminal_right_after_typing_keeps_the_answer(opened: Opened) -> None:
    """tmux kill-server hangs up the pane's terminal: SIGHUP, before the autosave's 1 s is up."""
    phrase = _phrase("hup")
    sent = opened.type_and_show(phrase)
    opened.term.close()
    elapsed = time.perf_counter() - sent
    assert elapsed < 1.0, f"the terminal was closed {elapsed:.2f} s after typing: too late to test the signal path"
    opened.wait_exit()
    assert opened.saved().get(QUESTION) == phrase


def test_sigterm_right_after_typing_keeps_the_answer_and_exits(opened: Opened) -> None:
    phrase = _phrase("term")
    sent = opened.type_and_show(phrase)
    os.kill(opened.pid, signal.SIGTERM)
    elapsed = time.perf_counter() - sent
    assert elapsed < 1.0, f"SIGTERM was sent {elapsed:.2f} s after typing: too late to test the signal path"
    opened.wait_exit()
    assert opened.saved().get(QUESTION) == phrase
    ended: list[str] = []
    wait_until("the app's exit status", lambda: ended.append(opened.how_it_ended()) or ended[-1] != "", EXIT_TIMEOUT,
               opened.describe)
    assert ended[-1] == "exit status 0", f"the app did not exit cleanly after SIGTERM: {ended[-1]}"
