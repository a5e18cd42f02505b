"""A version-2 journey in a real terminal (tmux), typing real keys at 30 ms a key.

A new assessment of a 15-year-old is opened with ``sg-assess open``; the
practitioner types the reason for the assessment (the first question of
version 2), moves with F8 to harm outside the family, tabs to the missing
episodes answer, types it, and quits with ctrl+q.  Both answers must be in the
database afterwards, read by a fresh process.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import uuid
from pathlib import Path

import pytest

from tests.tmuxkit import Tmux, app_env, cli, show

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (CI installs it)"),
    pytest.mark.skipif(sys.platform == "win32", reason="tmux tests need a POSIX system"),
    pytest.mark.slow,
]


def test_a_young_person_s_assessment_typed_in_a_real_terminal(tmp_path: Path, isolated_env: Path) -> None:
    env = app_env(isolated_env)
    db = tmp_path / "tmux v2 é" / "assessments.db"
    dob = (dt.date.today() - dt.timedelta(days=15 * 365 + 100)).isoformat()  # 15: band 15-17
    aid = cli(env, db, "new", "--child", "Tyler Example", "--dob", dob).strip()
    reason = f"Police found him at the station {uuid.uuid4().hex[:4]}"
    missing = f"Missing six times since November {uuid.uuid4().hex[:4]}"
    with Tmux.running(env, [sys.executable, "-m", "sg_assess", "--db", str(db), "open", aid], size=(100, 32)) as t:
        t.wait_for("Why was this assessment done?")
        t.type(reason)
        t.wait_for(reason)
        t.keys("F8", "F8", "F8")  # the decision, about the child, the child's voice, then harm outside the family
        t.wait_for("Harm outside the family")
        t.wait_for("Is anything happening online")  # the section opens with the cursor in its first answer ...
        t.keys("Tab")  # ... and Tab moves it on to the missing episodes answer (keys after it wait for the focus)
        t.type(missing)
        t.wait_for(missing)
        t.quit()
    saved = show(env, db, aid)["answers"]
    assert saved.get("assessment_reason") == reason
    assert saved.get("missing_episodes") == missing, saved
