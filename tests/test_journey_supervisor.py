"""The supervisor's journey in a real terminal (tmux, 80x24), typing real keys at 30 ms a key.

Set up with the CLI: a practitioner creates an assessment, answers some of it and submits it.  Then, each in
the app started the way a person starts it (``sg-assess --as NAME --role ROLE`` or ``... open ID``):

1. a supervisor opens the review queue and returns the assessment with a comment;
2. the practitioner opens it, sees the banner (who returned it and why), fixes an answer and submits again
   (F3, then confirms);
3. the practitioner, now acting as a supervisor, tries to sign off what they wrote: refused at once,
   before any form;
4. another supervisor signs it off.

After each step the store is checked (in this process, read-only).  The terminal is driven by tests/tmuxkit.py
(its own tmux server socket, one key at a time at 30 ms, straight through Tabs: the app holds keys typed after a
Tab until the focus has moved), the same driver as the practitioner's journey.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sg_assess.records import AssessmentRecord
from sg_assess.store.repository import Store
from tests.tmuxkit import Tmux, app_env, cli, open_from_queue, return_with_comment

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (CI installs it)"),
    pytest.mark.skipif(sys.platform == "win32", reason="tmux tests need a POSIX system"),
    pytest.mark.slow,
]

START_TIMEOUT = 30.0  # the app's first screen
PAT, SUE, SAM = "Pat Practitioner", "Sue Supervisor", "Sam Senior"
RETURN_COMMENT = "Please add the language the mother speaks"
FIX = "Sylheti"


class Journey:
    def __init__(self, home: Path, db: Path) -> None:
        self.db = db
        self.env = app_env(home, user=None)  # who is recorded is given each time: --as NAME --role ROLE
        self.term = Tmux(self.env, size=(80, 24))

    def cli(self, who: str, role: str, *args: str) -> str:
        return cli(self.env, self.db, "--as", who, "--role", role, *args)

    def stored(self, aid: str) -> AssessmentRecord:
        """The assessment as the store has it now (read in this process: a CLI call per check costs seconds)."""
        with Store.open(self.db, readonly=True) as store:
            return store.get(aid)

    def app(self, who: str, role: str, *args: str) -> Tmux:
        """The app as a person starts it, with the config and data folders of this test."""
        return self.term.run([sys.executable, "-m", "sg_assess", "--db", str(self.db), "--as", who, "--role", role,
                              *args])


@pytest.fixture
def journey(tmp_path: Path, isolated_env: Path) -> Iterator[Journey]:
    j = Journey(isolated_env, tmp_path / "journey.db")
    try:
        yield j
    finally:
        j.term.close()


def test_return_fix_resubmit_refuse_self_sign_off_then_sign_off(journey: Journey) -> None:
    dob = (dt.date.today() - dt.timedelta(days=7 * 365 + 120)).isoformat()  # 7 years old
    aid = journey.cli(PAT, "practitioner", "new", "--child", "Ada Example", "--dob", dob,
                      "--questionnaire", "safeguarding-assessment@1").strip()  # v1: the outcome in words
    journey.cli(PAT, "practitioner", "answer", aid, "child_seen", "yes")
    journey.cli(PAT, "practitioner", "answer", aid, "interpreter_needed", "yes")  # the language is left out
    journey.cli(PAT, "practitioner", "submit", aid, "--reason", "Sent now; the rest follows")

    # 1. A supervisor returns it from the review queue, with a comment typed in the dialog.
    term = journey.app(SUE, "supervisor")
    term.wait_for("Sue Supervisor (supervisor)", START_TIMEOUT)  # the header names who is recorded
    term.wait_for("Ada Example", START_TIMEOUT)
    open_from_queue(term, "Ada Example")
    return_with_comment(term, RETURN_COMMENT)
    term.quit()
    record = journey.stored(aid)
    assert record.summary.status == "returned"
    assert [(c.author, c.text) for c in record.comments] == [(SUE, RETURN_COMMENT)]

    # 2. The practitioner opens it: the banner says who returned it and why; they fix the answer and resubmit.
    term = journey.app(PAT, "practitioner", "open", aid[:8])
    term.wait_for("Returned by Sue Supervisor", START_TIMEOUT)
    term.wait_for("Please add the language")
    term.wait_for("Which language or dialect")  # the first unanswered question, where the cursor is put
    time.sleep(0.3)
    term.type(FIX)
    term.wait_for(FIX)
    term.keys("F3")
    term.wait_for("Submit for review?")  # required answers still missing: it asks why, in a field focused first
    term.wait_for("Why it should go now")
    term.type("Language added; the rest next week")
    term.wait_for("Language added")
    term.keys("C-s")
    term.wait_gone("Submit for review?")
    term.wait_for("Ada Example")
    term.quit()
    record = journey.stored(aid)
    assert record.summary.status == "submitted"
    assert record.answers["interpreter_language"] == FIX

    # 3. The practitioner acting as a supervisor: signing off their own work is refused at once, before any form.
    term = journey.app(PAT, "supervisor")
    term.wait_for("Ada Example", START_TIMEOUT)
    open_from_queue(term, "Ada Example")
    term.keys("F3")
    term.wait_for("Not signed off")
    assert "Sign off this assessment" not in term.screen()
    term.quit()
    assert journey.stored(aid).summary.status == "submitted"

    # 4. Another supervisor signs it off.
    term = journey.app(SAM, "supervisor")
    term.wait_for("Ada Example", START_TIMEOUT)
    open_from_queue(term, "Ada Example")
    term.keys("F3")
    term.wait_for("Sign off this assessment")
    term.type("Early help")  # the outcome agreed with, first (version 1: in words)
    term.keys("Tab")
    term.type("6")
    term.keys("Tab")  # straight on, at the typist's pace: the app holds the keys until the comment has the focus
    term.type("The plan holds")
    term.wait_for("The plan holds")
    term.keys("C-s")
    term.wait_gone("Sign off this assessment")
    term.quit()
    record = journey.stored(aid)
    assert record.summary.status == "signed_off"
    assert [(r.decision, r.actor) for r in record.reviews] == [("returned", SUE), ("signed_off", SAM)]
    assert (record.sign_off.score, record.sign_off.comment) == (6, "The plan holds")
