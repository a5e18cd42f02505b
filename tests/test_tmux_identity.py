"""Issue 9, in a real terminal: a role the config file holds but nobody may record ('admin') makes the app ask again.

The app starts in tmux (its own server socket) on a config file with
``role = "admin"`` and a comment; the first-run dialog must appear (the reason
it gives is checked at a fixed size in tests/test_identity.py), ctrl+s
continues with the name it offers, and the config file then holds a usable role
and keeps its comment and its other settings.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import tomllib
import uuid
from pathlib import Path

import pytest

from tests.test_tmux import HEIGHT, WIDTH
from tests.tmuxkit import Tmux, app_env, wait_until

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (CI installs it)"),
    pytest.mark.skipif(sys.platform == "win32", reason="tmux tests need a POSIX system"),
    pytest.mark.slow,
]


def test_an_unusable_configured_role_is_asked_for_again(tmp_path: Path, isolated_env: Path) -> None:
    env = app_env(isolated_env, user=None)
    config = Path(env["SG_ASSESS_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('# set up by IT\nuser = "Sam Worker"\nrole = "admin"\nbackups_keep = 2\n', encoding="utf-8")
    db = tmp_path / "tmux id" / "a.db"
    term = Tmux(env, socket=f"sg-test-cli9-{os.getpid()}-{uuid.uuid4().hex[:8]}", size=(WIDTH, HEIGHT))
    try:
        term.run([sys.executable, "-m", "sg_assess", "--db", str(db)])
        # the first-run dialog (the reason it gives is checked by tests/test_identity.py, at a fixed size)
        wait_until("the first-run dialog", lambda: "Continue (ctrl+s)" in term.screen(), 30.0,
                   lambda: term.pane("#{pane_width}x#{pane_height}") + "\n" + term.screen())
        time.sleep(0.3)  # let it settle, as tests/test_tmux.py does before typing
        # The configured name is kept; the role offered is practitioner: continue with ctrl+s.
        term.keys("C-s")
        wait_until("the role saved", lambda: 'role = "admin"' not in config.read_text(encoding="utf-8"), 10.0,
                   lambda: config.read_text(encoding="utf-8"))
        term.quit()
    finally:
        term.close()
    text = config.read_text(encoding="utf-8")
    assert text.startswith("# set up by IT\n")
    assert tomllib.loads(text) == {"user": "Sam Worker", "role": "practitioner", "backups_keep": 2}
    done = subprocess.run([sys.executable, "-m", "sg_assess", "config", "--json"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert '"role": "practitioner"' in done.stdout and '"name": "Sam Worker"' in done.stdout
