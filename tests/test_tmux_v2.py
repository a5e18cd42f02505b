"""A version-2 journey in a real terminal (tmux), typing real keys at 30 ms a key.

A new assessment of a 15-year-old is opened with ``sg-assess open``; the
practitioner types the reason for the assessment (the first question of
version 2), moves with F8 to harm outside the family, tabs to the missing
episodes answer, types it, and quits with ctrl+q.  Both answers must be in the
database afterwards, read by a fresh process.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.test_tmux import EXIT_TIMEOUT, HEIGHT, SCREEN_TIMEOUT, START_TIMEOUT, WIDTH, Terminal, _alive, _cli, _env
from tests.test_tmux import _saved_answers, _wait
from tests.test_tmux import pytestmark as _tmux_marks

pytestmark = _tmux_marks

KEY_DELAY = 0.03  # seconds between keys, as a person types


def _type_slowly(term: Terminal, text: str) -> None:
    for ch in text:
        term.tmux("send-keys", "-t", term.session, "-l", ch)
        time.sleep(KEY_DELAY)


def _key(term: Terminal, key: str) -> None:
    term.tmux("send-keys", "-t", term.session, key)
    time.sleep(KEY_DELAY)


def test_a_young_person_s_assessment_typed_in_a_real_terminal(tmp_path: Path, isolated_env: Path) -> None:
    env = _env(isolated_env)
    db = tmp_path / "tmux v2 é" / "assessments.db"
    dob = (dt.date.today() - dt.timedelta(days=15 * 365 + 100)).isoformat()  # 15: band 15-17
    aid = _cli(env, db, "new", "--child", "Tyler Example", "--dob", dob).strip()
    term = Terminal(socket=f"sg-test-v2-{os.getpid()}-{uuid.uuid4().hex[:8]}", session="sg", env=env)
    app_cmd = ["env", *(f"{k}={env[k]}" for k in ("SG_ASSESS_DATA_DIR", "SG_ASSESS_CONFIG", "SG_ASSESS_USER")),
               sys.executable, "-m", "sg_assess", "--db", str(db), "open", aid]
    reason = f"Police found him at the station {uuid.uuid4().hex[:4]}"
    missing = f"Missing six times since November {uuid.uuid4().hex[:4]}"
    try:
        term.tmux("new-session", "-d", "-s", term.session, "-x", str(WIDTH), "-y", str(HEIGHT),
                  "exec " + shlex.join(app_cmd))
        term.socket_path = term.pane("#{socket_path}")
        pid = int(term.pane("#{pane_pid}"))
        describe = lambda: "screen:\n" + term.screen()  # noqa: E731
        _wait("the decision section, first", lambda: "Why was this assessment done?" in term.screen(),
              START_TIMEOUT, describe)
        time.sleep(0.3)
        _type_slowly(term, reason)
        _wait("the reason on screen", lambda: reason in term.screen(), SCREEN_TIMEOUT, describe)
        for _ in range(3):  # the decision, about the child, the child's voice, then harm outside the family
            _key(term, "F8")
            time.sleep(0.5)
        _wait("harm outside the family", lambda: "Harm outside the family" in term.screen(), SCREEN_TIMEOUT, describe)
        _wait("its first question", lambda: "Is anything happening online" in term.screen(), SCREEN_TIMEOUT, describe)
        time.sleep(0.5)  # the section opens with the cursor in its first answer (online harm) ...
        _key(term, "Tab")  # ... and Tab moves it on to the missing episodes answer
        time.sleep(0.3)
        _type_slowly(term, missing)
        _wait("the missing episodes on screen", lambda: missing in term.screen(), SCREEN_TIMEOUT, describe)
        _key(term, "C-q")
        _wait("the app to exit", lambda: not _alive(pid), EXIT_TIMEOUT, describe)
    finally:
        term.kill_server()
        term.remove_socket()
    saved = _saved_answers(env, db, aid)
    assert saved.get("assessment_reason") == reason
    assert saved.get("missing_episodes") == missing, saved
