"""Drive sg-assess in a real terminal (tmux) as a person does: one key at a time.

Shared by the journey tests (a practitioner's, a supervisor's).  Every
terminal runs on a tmux server of its own (``-L`` socket), so tests never
touch each other's sessions or a person's own tmux.

    kit = Tmux.start(env, [sys.executable, "-m", "sg_assess", "--db", db], size=(80, 24))
    kit.wait_for("New")            # text on screen
    kit.quit(); kit.run([...])     # ctrl+q, then the next run of the app on the same socket
    kit.keys("n")                  # named keys: "Tab", "BTab", "Enter", "Escape", "F5", "C-s", ...
    kit.type("Ada Example")        # one key at a time, 30 ms apart
    cli(env, db, "show", aid, "--json")

Waiting is always for something on screen (or the store), never a fixed sleep
for correctness; the 30 ms between keys is the pace of a fast typist.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KEY_INTERVAL = 0.03  # seconds between keys: a fast typist
WAIT_TIMEOUT = 20.0


def app_env(home: Path, user: str | None = "Test Worker", role: str | None = None) -> dict[str, str]:
    """An environment with its own data folder, config and user (never the real ones).

    ``user=None``: no user at all in the environment (the app is then told who with ``--as``)."""
    env = dict(os.environ)
    env.update({
        "SG_ASSESS_DATA_DIR": str(home / "data"),
        "SG_ASSESS_CONFIG": str(home / "config.toml"),
        "SG_ASSESS_USER": user,
        "SHELL": "/bin/sh",  # tmux runs the pane's command with $SHELL -c
        "PYTHONIOENCODING": "utf-8",
        "TERM": "xterm-256color",
        "XDG_DOCUMENTS_DIR": str(home / "documents"),  # exports go here, never to the real Documents folder
    })
    for name in ("SG_ASSESS_DB", "SG_ASSESS_ROLE", "TMUX", "TMUX_PANE"):
        env.pop(name, None)
    if user is None:
        env.pop("SG_ASSESS_USER")
    if role:
        env["SG_ASSESS_ROLE"] = role
    return env


def cli(env: dict[str, str], db: Path, *args: str, stdin: str | None = None) -> str:
    """Run ``sg-assess --db DB ARGS`` in a fresh interpreter; fail the test with its output if it fails."""
    proc = subprocess.run([sys.executable, "-m", "sg_assess", "--db", str(db), *args], env=env, input=stdin,
                          capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)
    if proc.returncode != 0:
        raise AssertionError(f"sg-assess {' '.join(args)} failed ({proc.returncode}): {proc.stdout}{proc.stderr}")
    return proc.stdout


def show(env: dict[str, str], db: Path, aid: str) -> dict[str, Any]:
    """The whole stored assessment, as ``sg-assess show ID --json`` gives it."""
    return json.loads(cli(env, db, "show", aid, "--json"))


def wait_until(what: str, check: Callable[[], bool], timeout: float = WAIT_TIMEOUT,
               describe: Callable[[], str] = lambda: "", interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{describe()}")
        time.sleep(interval)


@dataclass
class Tmux:
    """One tmux server (its own socket) with one session running one command at a time.

    ``Tmux.start``/``Tmux.running`` start a server with one command; ``run`` starts the next command on the same
    socket once the one before has ended (``quit``), as a person starts the app again.
    """

    env: dict[str, str]
    socket: str = field(default_factory=lambda: f"sg-kit-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    session: str = "sg"
    interval: float = KEY_INTERVAL
    size: tuple[int, int] = (80, 24)
    socket_path: str = ""  # tmux leaves the socket file behind; known once a session has started
    _last_key: float = 0.0  # when the last key was sent (monotonic): the next waits ``interval`` after it

    @classmethod
    def start(cls, env: dict[str, str], command: list[str], size: tuple[int, int] = (80, 24),
              interval: float = KEY_INTERVAL) -> Tmux:
        term = cls(env, interval=interval, size=size)
        term.run(command)
        return term

    @classmethod
    @contextlib.contextmanager
    def running(cls, env: dict[str, str], command: list[str], size: tuple[int, int] = (80, 24),
                interval: float = KEY_INTERVAL) -> Iterator[Tmux]:
        term = cls.start(env, command, size, interval)
        try:
            yield term
        finally:
            term.close()

    def run(self, command: list[str]) -> Tmux:
        """Start ``command`` in the session (there must be none running: ``quit`` the one before)."""
        passed = [f"{k}={v}" for k, v in self.env.items() if k.startswith(("SG_ASSESS_", "XDG_")) or k == "TERM"]
        self.tmux("new-session", "-d", "-s", self.session, "-x", str(self.size[0]), "-y", str(self.size[1]),
                  "exec " + shlex.join(["env", *passed, *command]))
        if not self.socket_path:  # asked now: after ``quit`` the server has gone and cannot say
            self.socket_path = self.pane("#{socket_path}")
        self.tmux("set-option", "-t", self.session, "remain-on-exit", "on")
        return self

    def tmux(self, *args: str, check: bool = True) -> str:
        proc = subprocess.run(["tmux", "-f", os.devnull, "-L", self.socket, *args], env=self.env,
                              capture_output=True, text=True, encoding="utf-8", errors="replace",
                              timeout=30, check=False)
        if check and proc.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()}")
        return proc.stdout

    # -- keys ---------------------------------------------------------------------------

    def _paced(self, sends: list[list[str]]) -> None:
        """Send each group of send-keys arguments ``interval`` seconds after the key before (in this call or the
        one before it), so that ``keys("Tab"); type("word")`` is typed at the same pace as one word."""
        for args in sends:
            delay = self._last_key + self.interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self._last_key = time.monotonic()
            self.tmux("send-keys", "-t", self.session, *args)

    def type(self, text: str) -> None:
        """Type ``text`` one character at a time, ``interval`` apart (``\\n`` is Enter)."""
        self._paced([["Enter"] if ch == "\n" else ["-l", ch] for ch in text])

    def keys(self, *names: str) -> None:
        """Press named keys one at a time, ``interval`` apart: "Tab", "BTab" (shift+tab), "F5", "C-s", "Down"."""
        self._paced([[name] for name in names])

    def paste(self, text: str, bracketed: bool = True) -> None:
        """Paste ``text`` as a terminal does (bracketed if the app asked for it and ``bracketed``)."""
        self.tmux("set-buffer", "-b", "kit", "--", text)
        self.tmux("paste-buffer", "-b", "kit", "-t", self.session, "-d", *(["-p"] if bracketed else []))

    # -- screen -------------------------------------------------------------------------

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session, check=False)

    def describe(self) -> str:
        return "screen:\n" + self.screen()

    def wait_for(self, text: str | re.Pattern[str], timeout: float = WAIT_TIMEOUT) -> str:
        """Wait until ``text`` (a string or a regular expression) is on screen; return the screen."""
        found: list[str] = []

        def check() -> bool:
            found[:] = [self.screen()]
            return (text.search(found[0]) is not None) if isinstance(text, re.Pattern) else text in found[0]

        wait_until(f"{text!r} on screen", check, timeout, self.describe)
        return found[0]

    def wait_gone(self, text: str, timeout: float = WAIT_TIMEOUT) -> None:
        wait_until(f"{text!r} to leave the screen", lambda: text not in self.screen(), timeout, self.describe)

    def pane(self, fmt: str) -> str:
        return self.tmux("display-message", "-p", "-t", self.session, fmt, check=False).strip()

    def dead(self) -> bool:
        return self.pane("#{pane_dead}") == "1"

    def quit(self, timeout: float = WAIT_TIMEOUT) -> None:
        """ctrl+q, as a person quits; wait for the app to end, then close its session (the server goes with it)."""
        self.keys("C-q")
        wait_until("the app to quit", self.dead, timeout, self.describe)
        self.tmux("kill-session", "-t", self.session, check=False)

    def close(self) -> None:
        self.tmux("kill-server", check=False)
        if self.socket_path:
            Path(self.socket_path).unlink(missing_ok=True)


# -- a supervisor's steps, the same in every journey --------------------------------------------------


def open_from_queue(term: Tmux, child_name: str) -> None:
    """From home: v for the review queue, then Enter on its first (the longest waiting) assessment."""
    term.keys("v")
    term.wait_for("Waiting for review")
    term.wait_for(child_name)  # the queue's row (home, with the same name, is gone by now)
    term.keys("Enter")
    term.wait_for("Quality check:")


def return_with_comment(term: Tmux, comment: str) -> None:
    """In the review: F6 returns it, with the comment typed key by key, then ctrl+s; the dialog goes."""
    term.keys("F6")
    term.wait_for("What needs to change?")
    term.type(comment)
    term.wait_for(comment[:30])
    term.keys("C-s")
    term.wait_gone("What needs to change?")
