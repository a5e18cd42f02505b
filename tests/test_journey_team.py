"""Team mode in real terminals (tmux), typing real keys at 30 ms a key: three logins on one team database.

1. a practitioner login starts the app, creates an assessment (n), answers it (the reason, who raised the
   concern, the outcome, and their own safety scale score, reached from the quality check) and submits it (F3);
2. a supervisor login, in a second app, returns it from the review queue with a comment;
3. the practitioner opens it, sees the banner, adds what was asked and submits again;
4. a second supervisor login signs it off (at 120x40; the rest at 80x24).

Nobody says who they are: each app is started on its login's URL (the password from the tests' password
file, as libpq finds it), and the header names the login, its display name and role.  After each step the
team database is checked in this process.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from sg_assess.records import AssessmentRecord
from sg_assess.store.repository import Store
from tests.teamkit import set_display_name
from tests.tmuxkit import Tmux, app_env, open_from_queue, return_with_comment, wait_until

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (CI installs it)"),
    pytest.mark.skipif(sys.platform == "win32", reason="tmux tests need a POSIX system"),
    pytest.mark.slow,
    pytest.mark.xdist_group("postgresql"),
    pytest.mark.postgresql,
]

START_TIMEOUT = 30.0
NAME = "Ada Example"
DOB = (dt.date.today() - dt.timedelta(days=7 * 365 + 120)).isoformat()  # 7 years old
REASON = "School saw a bruise on her arm"
RAISED_BY = "Class teacher"
WHY_NOW = "Strategy discussion today"
RETURN_COMMENT = "Please add when the concern was received"
RECEIVED = (dt.date.today() - dt.timedelta(days=3)).isoformat()
OUTCOME = "Early help (family help)"


class Team:
    def __init__(self, home: Path, server, database: str) -> None:  # noqa: ANN001 - tests.pgserver.Server
        tag = uuid.uuid4().hex[:6]
        self.logins = {who: f"{who}_{tag}" for who in ("pat", "sue", "sam")}
        self.urls = {
            "pat": server.login(database, self.logins["pat"], "practitioner"),
            "sue": server.login(database, self.logins["sue"], "supervisor"),
            "sam": server.login(database, self.logins["sam"], "supervisor"),
        }
        for who, name in (("pat", "Pat Practitioner"), ("sue", "Sue Supervisor"), ("sam", "Sam Senior")):
            set_display_name(server, database, self.logins[who], name)
        self.env = app_env(home, user=None)  # nobody is named: the login is the person
        self.terms: list[Tmux] = []

    def app(self, who: str, size: tuple[int, int] = (80, 24)) -> Tmux:
        term = Tmux(self.env, size=size)
        self.terms.append(term)
        return term.run([sys.executable, "-m", "sg_assess", "--db", self.urls[who]])

    def stored(self) -> AssessmentRecord:
        with Store.open(self.urls["pat"]) as store:
            rows = store.list()
            assert len(rows) == 1
            return store.get(rows[0].id)


@pytest.fixture
def team(isolated_env: Path, pg_server, team_db: str) -> Iterator[Team]:
    t = Team(isolated_env, pg_server, team_db)
    try:
        yield t
    finally:
        for term in t.terms:
            term.close()


def test_create_submit_return_resubmit_sign_off_as_three_logins(team: Team) -> None:
    pat, sue, sam = (team.logins[w] for w in ("pat", "sue", "sam"))

    # 1. The practitioner creates, answers and submits it.
    term = team.app("pat")
    term.wait_for(f"Pat Practitioner ({pat}, practitioner)", START_TIMEOUT)
    term.wait_for("Press n", START_TIMEOUT)
    term.keys("n")
    term.wait_for("Child's name")
    term.type(NAME)
    term.keys("Tab", "Tab")  # past "Unborn" to the date of birth
    term.type(DOB)
    term.keys("C-s")
    term.wait_for("Why was this assessment done?", START_TIMEOUT)
    term.type(REASON)
    term.keys("Tab")
    term.type(RAISED_BY)
    # On past the two dates, the analysis, what is not known, the harm judgement and its reasons to the outcome.
    term.keys("Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Enter")
    term.wait_for("No further action")
    term.keys("Down", "Down", "Down", "Enter")  # from "Choose one" down to the outcome
    term.wait_gone("No further action")
    term.wait_for(OUTCOME)
    term.keys("F5")  # the quality check names the urgent gap first: the practitioner's own score
    term.wait_for("Quality check:")
    term.wait_for("URGENT: The practitioner's own")
    term.keys("Enter")
    term.wait_for("Where does each significant")
    term.keys("a")
    term.wait_for("Add: ")
    term.type("Social worker")
    term.keys("Tab", "Enter")  # the role: open the list ...
    term.wait_for("Parent or carer")
    term.keys("Down", "Enter")  # ... "Practitioner"
    term.wait_gone("Parent or carer")
    term.keys("Tab")
    term.type("6")
    term.keys("Tab")
    term.type("Mother engaging with support")
    term.keys("C-s")
    term.wait_for("Social worker")
    term.keys("F3")
    term.wait_for("Submit for review?")
    term.wait_for("Why it should go now")
    term.type(WHY_NOW)
    term.wait_for(WHY_NOW)
    term.keys("C-s")
    term.wait_gone("Submit for review?")
    term.wait_for("Submitted")  # home, with the row's new status
    term.quit()
    record = team.stored()
    assert record.summary.status == "submitted" and record.owner == pat
    assert (record.answers["assessment_reason"], record.answers["concern_source"]) == (REASON, RAISED_BY)
    assert record.answers["outcome"] == OUTCOME
    assert {h.actor for h in record.history} == {pat}  # every change recorded as the login

    # 2. A supervisor, in another app, returns it with a comment.
    term = team.app("sue")
    term.wait_for(f"Sue Supervisor ({sue}, supervisor)", START_TIMEOUT)
    term.wait_for(NAME, START_TIMEOUT)
    open_from_queue(term, NAME)
    return_with_comment(term, RETURN_COMMENT)
    term.quit()
    record = team.stored()
    assert record.summary.status == "returned"
    assert [(c.author, c.text) for c in record.comments] == [(sue, RETURN_COMMENT)]

    # 3. The practitioner sees the banner, adds what was asked for and submits again.
    term = team.app("pat")
    term.wait_for("Returned", START_TIMEOUT)  # the home row's status
    term.keys("Enter")
    term.wait_for(f"Returned by Sue Supervisor ({sue})", START_TIMEOUT)  # who, as IT named them
    term.wait_for(RETURN_COMMENT[:24])
    term.wait_for("Why was this assessment done?")  # the first question has the cursor
    term.keys("Tab", "Tab")  # past who raised it, to when it was received
    term.type(RECEIVED)
    term.wait_for(RECEIVED)
    term.keys("F3")
    term.wait_for("Submit for review?")
    term.wait_for("Why it should go now")
    term.type("Date added; the rest next week")
    term.wait_for("Date added")
    term.keys("C-s")
    term.wait_gone("Submit for review?")
    term.wait_for("Submitted")
    term.quit()
    record = team.stored()
    assert record.summary.status == "submitted"
    assert record.answers["concern_received_date"] == RECEIVED

    # 4. A second supervisor signs it off, in a larger terminal.
    term = team.app("sam", size=(120, 40))
    term.wait_for(f"Sam Senior ({sam}, supervisor)", START_TIMEOUT)
    term.wait_for(NAME, START_TIMEOUT)
    open_from_queue(term, NAME)
    term.keys("F3")
    term.wait_for("Sign off this assessment")
    term.wait_for(f"{OUTCOME} (recorded)")  # the outcome agreed with is the one recorded; the score has the cursor
    term.type("6")
    term.keys("Tab")
    term.type("The plan holds")
    term.wait_for("The plan holds")
    term.keys("C-s")
    term.wait_gone("Sign off this assessment")
    wait_until("the sign-off stored", lambda: team.stored().summary.status == "signed_off")
    term.quit()
    record = team.stored()
    assert [(r.decision, r.actor) for r in record.reviews] == [("returned", sue), ("signed_off", sam)]
    assert (record.sign_off.score, record.sign_off.comment) == (6, "The plan holds")
    assert OUTCOME in (record.sign_off.declaration or "")
