"""A practitioner's whole journey in a real terminal, typed one key at a time at 30 ms a key.

From an empty Home: a new assessment (n, the child's name and date of birth,
create); at least one answer of every kind of question (text, long text,
yes/no, choice, multiple choice, date, a person, a safety-scale score, a next
step), moving by Tab, Shift+Tab, F7/F8 and the list of sections; the quality
check (F5); the preview (F6) and an export from it; and submitting (F3).
Everything is then checked in the store with ``sg-assess show ID --json`` in a
fresh process: each answer where it was typed, nothing in the wrong field.

Waiting is for text on screen, never for a fixed time, so the test is as fast
as the app.  The keys are those a person presses, at a fast typist's pace.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

from tests.tmuxkit import Tmux, app_env, cli, show, wait_until

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (CI installs it)"),
    pytest.mark.skipif(sys.platform == "win32", reason="tmux tests need a POSIX system"),
    pytest.mark.slow,
]

SECTIONS = ["About the child", "The child's voice", "Child development", "Parenting capacity",
            "Family and environmental factors", "Household and network", "Agencies and referral",
            "Consent to share information", "Race, ethnicity and culture", "What are we worried about?",
            "What's working well?", "Safety scale", "What needs to happen?"]
NAME = "Mia Journey"
DOB = (dt.date.today() - dt.timedelta(days=8 * 365)).isoformat()  # 7 or 8: the 5 to 9 band
SEEN = (dt.date.today() - dt.timedelta(days=3)).isoformat()
BY_WHEN = (dt.date.today() + dt.timedelta(days=14)).isoformat()
REVIEW = (dt.date.today() + dt.timedelta(days=28)).isoformat()


def go_to_section(t: Tmux, current: int, target: int) -> None:
    """From the first question of section ``current``: Shift+Tab (past the section's scroll area) to the list of
    sections, arrows, Enter."""
    t.keys("BTab", "BTab")
    t.keys(*(["Down"] * (target - current) if target > current else ["Up"] * (current - target)))
    t.keys("Enter")


def journey(t: Tmux, env: dict[str, str], db: Path) -> str:
    """The whole journey; returns the new assessment's id."""
    # Home, empty: n opens the new assessment dialog with the cursor in the child's name.
    t.wait_for("Press n")
    t.keys("n")
    t.wait_for("Child's name")
    t.type(NAME)
    t.keys("Tab", "Tab")  # past "Unborn" to the date of birth
    t.type(DOB)
    t.keys("C-s")

    # A new assessment is on version 2: it opens at its first question, why the assessment was done.
    t.wait_for("Why was this assessment done?")
    t.type(REASON_TYPED)
    t.wait_for(REASON_TYPED[:24])
    t.keys("Escape")
    new_id = json.loads(cli(env, db, "list", "--json"))[0]["id"]
    wait_until("the reason is saved", lambda: show(env, db, new_id)["answers"].get("assessment_reason") == REASON_TYPED)
    created = show(env, db, new_id)
    assert (created["child"]["name"], created["child"]["dob"]) == (NAME, DOB)
    assert created["questionnaire"]["version"] == 2

    # The rest of the walk covers every kind of widget on version 1's layout, which this journey was written
    # against: a version-1 assessment of the same child (ID@1, as an organisation finishing a series would),
    # opened with 'open ID' at its first unanswered required question, "interpreter needed?" (yes/no).
    t.quit()
    aid = cli(env, db, "new", "--child", NAME, "--dob", DOB, "--questionnaire", "safeguarding-assessment@1").strip()
    t.run([sys.executable, "-m", "sg_assess", "--db", str(db), "open", aid])
    t.wait_for("Does the child, or a parent")
    t.keys("BTab", "BTab", "BTab")  # back up to the first question, ethnicity (text)
    t.type("Mixed White and Black Caribbean")
    t.keys("Tab")
    t.type("None stated")  # religion or belief
    t.keys("Tab")
    t.type("English")  # first language
    t.keys("Tab", "Down", "Enter")  # interpreter needed: No (yes/no; Yes is highlighted first)
    t.keys("Tab", "Enter")  # disability: Yes, which shows its details (long text)
    t.wait_for("What are the child's disability")
    t.keys("Tab")
    t.type("Mild hearing loss in one ear.\nWears a hearing aid at school.")
    t.keys("F8")  # next section: The child's voice

    t.wait_for("Have you seen the child")
    t.keys("Enter")  # child seen: Yes (the first question is focused as the section opens)
    t.wait_for("When did you last see")
    t.keys("Tab")
    t.type(SEEN)  # the date (date)
    t.keys("F7")  # back to About the child, and forward again: the answers are still there
    t.wait_for("Who the child is, beyond")
    t.keys("F8")
    t.wait_for("Have you seen the child")

    go_to_section(t, 1, 5)  # the list of sections: Household and network
    t.wait_for("parents and carers?")
    t.keys("a")  # add a person (a people row)
    t.wait_for("Add: ")
    t.type("Jo Journey")
    t.keys("Tab")
    t.type("Mother")
    t.keys("C-s")
    t.wait_for("Jo Journey")

    go_to_section(t, 5, 9)  # What are we worried about?
    t.wait_for("What harm has happened")
    t.keys("Tab", "Tab", "Tab")  # past three long texts to the complicating factors (multiple choice)
    t.wait_for("Which of these make")
    t.keys("Down", "Space")  # Domestic abuse
    t.keys("Tab")

    t.keys("F8")  # What's working well?
    t.wait_for("What is working well for")
    t.keys("F8")  # Safety scale
    t.wait_for("Where does each significant")
    t.keys("a")  # a safety-scale score (a scale row)
    t.wait_for("Add: ")
    t.type("Social worker")
    t.keys("Tab", "Enter")  # the role (a list): open it ...
    t.wait_for("Parent or carer")
    t.keys("Down", "Enter")  # ... from "(not given)" down to "Practitioner"
    t.wait_gone("Parent or carer")
    t.keys("Tab")
    t.type("6")
    t.keys("Tab")
    t.type("Mother engaging with support")
    t.keys("Tab")
    t.type(SEEN)
    t.keys("C-s")
    t.wait_for("Mother engaging")

    t.keys("F8")  # What needs to happen?
    t.wait_for("What do the family need")
    # From the safety goals past the next steps table, its three buttons and the child's support to the outcome.
    t.keys("Tab", "Tab", "Tab", "Tab", "Tab", "Tab")
    t.keys("Enter")  # the outcome (choice): its list opens ...
    t.wait_for("No further action")
    t.keys("Down", "Down", "Down", "Enter")  # ... from "Choose one" down to "Early help"
    t.wait_gone("No further action")
    t.wait_for("Early help")
    t.keys("BTab", "BTab", "BTab", "BTab", "BTab")  # back to the next steps table
    t.keys("a")  # a next step (an actions row)
    t.wait_for("Add: ")
    t.type("Home visit")
    t.keys("Tab")
    t.type("Alex Rivers (SW)")
    t.keys("Tab", "Enter")  # who owns it (a list): open it ...
    t.wait_for("Network member")
    t.keys("Down", "Enter")  # ... from "(not given)" down to "Professional"
    t.wait_gone("Network member")
    t.keys("Tab")
    t.type(BY_WHEN)
    t.keys("Tab")
    t.type(REVIEW)
    t.keys("C-s")
    t.wait_for("Home visit")

    t.keys("F5")  # quality check
    t.wait_for("Quality check:")
    t.keys("Escape")
    t.wait_for("F5 Check")
    t.keys("F6")  # preview, and export from it
    t.wait_for(NAME)
    t.keys("C-e")
    t.wait_for("Written to")
    t.keys("Escape")
    t.wait_for("F5 Check")
    return aid


REASON = "Strategy discussion today; the rest follows"
REASON_TYPED = "School saw a bruise on her arm on Monday"


def submit(t: Tmux, env: dict[str, str], db: Path, aid: str) -> None:
    """F3 asks first, naming the gaps; with required answers still missing it asks why it should go now, in a
    field that has the focus, and ctrl+s submits with that reason."""
    t.keys("F3")
    t.wait_for("Submit for review?")
    t.wait_for("Why it should go now")
    t.type(REASON)
    t.wait_for(REASON[:20])
    t.keys("C-s")
    t.wait_gone("Submit for review?")
    wait_until("the assessment is submitted", lambda: show(env, db, aid)["status"] == "submitted")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_practitioner_journey(tmp_path: Path, isolated_env: Path, size: tuple[int, int]) -> None:
    env = app_env(isolated_env)
    db = tmp_path / "journey.db"
    with Tmux.running(env, [sys.executable, "-m", "sg_assess", "--db", str(db)], size=size) as t:
        aid = journey(t, env, db)
        submit(t, env, db, aid)
        record = show(env, db, aid)
        assert record["status"] == "submitted"
        answers = record["answers"]
        assert answers["ethnicity"] == "Mixed White and Black Caribbean"
        assert answers["religion_belief"] == "None stated"
        assert answers["first_language"] == "English"
        assert answers["interpreter_needed"] == "no"
        assert answers["disability"] == "yes"
        assert answers["disability_details"] == "Mild hearing loss in one ear.\nWears a hearing aid at school."
        assert answers["child_seen"] == "yes"
        assert answers["child_seen_date"] == SEEN
        assert [(p["name"], p["relationship"]) for p in answers["parents"]] == [("Jo Journey", "Mother")]
        assert answers["complicating_factors"] == ["Domestic abuse"]
        assert [(s["who"], s["role"], s["score"], s["reason"], s["date"]) for s in answers["safety_scale"]] == [
            ("Social worker", "practitioner", 6, "Mother engaging with support", SEEN)]
        assert [(a["what"], a["who"], a.get("owner_role"), a["by_when"], a["review_date"])
                for a in answers["next_steps"]] == [("Home visit", "Alex Rivers (SW)", "professional", BY_WHEN, REVIEW)]
        assert answers["outcome"] == "Early help"
        exports = list((isolated_env / "documents").glob("*.md"))
        assert len(exports) == 1 and NAME in exports[0].read_text(encoding="utf-8")
