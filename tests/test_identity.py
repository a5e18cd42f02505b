"""Issue 9, identity: names compared as people read them; names and roles checked in one place for every path."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sg_assess.cli import app
from sg_assess.errors import Refused, UsageError
from sg_assess.identity import check_name, check_role, person_key, same_person
from sg_assess.store.repository import Store

NFD_ZOE = unicodedata.normalize("NFD", "Zoë Worker")
NFC_ZOE = unicodedata.normalize("NFC", "Zoë Worker")


@pytest.mark.parametrize(("a", "b"), [
    ("Alice Worker", "alice worker"),
    ("Alice Worker", "  Alice\u00a0\tWorker "),
    (NFC_ZOE, NFD_ZOE),
    ("Alice Worker", "Alice\u200b Worker"),
    ("ＡＬＩＣＥ Worker", "alice worker"),  # full-width letters (NFKC)
    ("Straße", "STRASSE"),
])
def test_the_same_person(a: str, b: str) -> None:
    assert same_person(a, b) and person_key(a) == person_key(b)


@pytest.mark.parametrize(("a", "b"), [("Alice Worker", "Alice Walker"), ("Alice", ""), ("", ""), ("\u200b", "\u200c"),
                                    ("\x08", "\u200b")])
def test_different_people(a: str, b: str) -> None:
    assert not same_person(a, b)


def test_an_invisible_name_from_an_old_record_matches_only_itself() -> None:
    assert same_person("\x08", "\x08") and same_person("\u200b", "\u200b")


def test_names_are_recorded_clean_and_refused_when_nothing_is_visible() -> None:
    assert check_name("  Sam \x1b[31m  Worker\u202e ") == "Sam [31m Worker"
    assert check_name(NFD_ZOE) == NFC_ZOE
    for bad, message in [("\u200b\u200d\ufeff", "no visible characters"), ("\x01\x02", "no visible characters"),
                         ("   ", "cannot be empty"), ("J\udcf6rg", "not valid UTF-8"), ("x" * 201, "limit is 200")]:
        with pytest.raises(UsageError, match=message):
            check_name(bad)


def test_roles() -> None:
    assert check_role(" Supervisor ") == "supervisor" and check_role("practitioner") == "practitioner"
    for bad in ("admin", "", None, "supervisor\u200b"):
        with pytest.raises(UsageError, match="practitioner or supervisor"):
            check_role(bad)


# -- in the store ----------------------------------------------------------------------------------


def test_an_nfd_name_edits_its_own_draft_and_a_different_name_does_not(store: Store, questionnaire) -> None:
    aid = store.create_assessment(questionnaire=questionnaire, actor=NFC_ZOE, role="practitioner",
                                  child_name="Ada Example", dob="2019-01-15", assessment_date="2026-03-02")
    assert store.save_answer(aid, "danger_statements", "typed on a Mac", actor=NFD_ZOE, role="practitioner")
    assert store.save_answer(aid, "danger_statements", "in lower case", actor="zoë  worker", role="practitioner")
    with pytest.raises(Refused, match="only Zoë Worker can edit"):
        store.save_answer(aid, "danger_statements", "someone else", actor="Zoe Worker", role="practitioner")


def test_nobody_signs_off_their_own_work_whatever_the_case_or_spacing(store: Store, questionnaire) -> None:
    aid = store.create_assessment(questionnaire=questionnaire, actor="Alice Worker", role="practitioner",
                                  child_name="Ada Example", dob="2019-01-15", assessment_date="2026-03-02")
    store.submit(aid, reason="Sent now; the rest follows", actor="Alice Worker", role="practitioner")
    for alias in ("alice worker", " ALICE\tWORKER", unicodedata.normalize("NFD", "Alice Worker")):
        with pytest.raises(Refused, match="you wrote or edited"):
            store.sign_off(aid, actor=alias, role="supervisor", score=5, reason="r", outcome="Early help")
        with pytest.raises(Refused, match="you wrote or edited"):
            store.return_assessment(aid, actor=alias, role="supervisor", comment="c")
    store.sign_off(aid, actor="Sue Supervisor", role="supervisor", score=5, reason="r", outcome="Early help")  # someone else may


def test_hand_over_to_an_invisible_name_is_refused(store: Store, assessment: str) -> None:
    with pytest.raises(UsageError, match="no visible characters"):
        store.hand_over(assessment, actor="Test Worker", role="practitioner", to="\u200b\u200c")


# -- through the CLI --------------------------------------------------------------------------------


def run(db: Path, *args: str, code: int = 0, env: dict | None = None):
    result = CliRunner().invoke(app, ["--db", str(db), *args], env=env)
    assert "Traceback" not in result.output + result.stderr
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    if code:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("sg-assess: "), result.stderr
    return result


def test_cli_lower_case_name_cannot_sign_off(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    aid = run(db, "--as", "Alice Worker", "new", "--child", "Ada", "--dob", "2019-01-15",
              "--questionnaire", "safeguarding-assessment@1").stdout.strip()[:8]  # v1: the outcome in words
    run(db, "--as", "Alice Worker", "submit", aid, "--reason", "Sent now")
    out = run(db, "--as", "alice worker", "--role", "supervisor", "review", "sign-off", aid, "--score", "5",
              "--reason", "r", code=1)
    assert "you wrote or edited" in out.stderr
    run(db, "--as", "Sue Supervisor", "--role", "supervisor", "review", "sign-off", aid, "--score", "5", "--reason", "r",
        "--outcome", "Early help")


@pytest.mark.parametrize("name", ["\u200b\u200d", "\x1b\x07", "J\udcf6rg"])
def test_cli_refuses_an_unusable_name(tmp_path: Path, name: str) -> None:
    result = run(tmp_path / "a.db", "--as", name, "new", "--child", "Ada", "--dob", "2019-01-15", code=2)
    assert "--as" in result.stderr
    assert not (tmp_path / "a.db").exists() or "Ada" not in run(tmp_path / "a.db", "list").stdout


def test_cli_invalid_utf8_name_from_a_real_shell(tmp_path: Path) -> None:
    env = {**os.environ, "SG_ASSESS_DB": str(tmp_path / "a.db"), "PYTHONUTF8": "1"}
    done = subprocess.run([sys.executable, "-m", "sg_assess", "--as", b"J\xf6rg", "new", "--child", "Ada",
                           "--dob", "2019-01-15"], capture_output=True, env=env, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.decode().strip().splitlines() == [
        "sg-assess: the name given with --as or SG_ASSESS_USER is not valid UTF-8 text; "
        "check the terminal's or the file's encoding"]


def test_a_role_from_the_config_file_is_validated(isolated_env: Path, tmp_path: Path) -> None:
    (isolated_env / "config.toml").parent.mkdir(parents=True, exist_ok=True)
    (isolated_env / "config.toml").write_text('role = "admin"\n', encoding="utf-8")
    db = tmp_path / "a.db"
    result = run(db, "new", "--child", "Ada", "--dob", "2019-01-15", code=2)
    assert "not 'admin' (from" in result.stderr and "config.toml" in result.stderr
    assert run(db, "list").exit_code == 0  # reading records nothing: still works
    shown = run(db, "config").stdout
    assert "role:    not usable" in shown
    run(db, "config", "--role", "practitioner")
    run(db, "new", "--child", "Ada", "--dob", "2019-01-15")  # fixed: works


@pytest.mark.parametrize(("env", "value"), [("SG_ASSESS_ROLE", "admin"), ("SG_ASSESS_USER", "\u200b")])
def test_the_environment_is_validated(tmp_path: Path, env: str, value: str) -> None:
    result = run(tmp_path / "a.db", "new", "--child", "Ada", "--dob", "2019-01-15", code=2, env={env: value})
    assert env in result.stderr


def test_role_option_is_validated_and_a_good_one_is_used(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    assert "'admin'" in run(db, "--role", "admin", "new", "--child", "Ada", "--dob", "2019-01-15", code=2).stderr
    aid = run(db, "--role", " Practitioner ", "new", "--child", "Ada", "--dob", "2019-01-15").stdout.strip()
    assert run(db, "history", aid[:8], "--json").stdout.count('"role": "practitioner"') == 1


def test_the_app_asks_again_when_the_configured_role_is_unusable(isolated_env: Path, tmp_path: Path) -> None:
    from sg_assess.tui.app import create_app

    config = tmp_path / "config.toml"
    config.write_text('user = "Sam Worker"\nrole = "admin"\n', encoding="utf-8")
    app_ = create_app(tmp_path / "a.db", config_path=config)
    assert app_.needs_identity and app_.role == "practitioner" and "admin" in (app_.identity_problem or "")
    config.write_text('user = "Sam Worker"\nrole = "supervisor"\n', encoding="utf-8")
    good = create_app(tmp_path / "a.db", config_path=config)
    assert not good.needs_identity and good.role == "supervisor" and good.identity_problem is None


async def test_the_first_run_dialog_refuses_an_invisible_name(isolated_env: Path, tmp_path: Path) -> None:
    from textual.widgets import Input, Static

    from sg_assess.tui.app import create_app
    from sg_assess.tui.dialogs.forms import WhoAreYouDialog

    os.environ.pop("SG_ASSESS_USER", None)
    app_ = create_app(tmp_path / "a.db", config_path=tmp_path / "none.toml")
    async with app_.run_test() as pilot:
        await pilot.pause()
        dialog = app_.screen
        assert isinstance(dialog, WhoAreYouDialog)
        dialog.query_one("#name", Input).value = "\u200b\u200b"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app_.screen, WhoAreYouDialog)
        assert "no visible characters" in str(dialog.query_one("#problem", Static).render())
        dialog.query_one("#name", Input).value = "Sam Worker"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app_.screen, WhoAreYouDialog) and app_.user == "Sam Worker"


async def test_the_dialog_says_why_it_asks_again(tmp_path: Path) -> None:
    from textual.widgets import Static

    from sg_assess.tui.app import create_app
    from sg_assess.tui.dialogs.forms import WhoAreYouDialog

    config = tmp_path / "config.toml"
    config.write_text('user = "Sam [b]Worker[/b]"\nrole = "admin"\n', encoding="utf-8")
    app_ = create_app(tmp_path / "a.db", config_path=config)
    async with app_.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app_.screen, WhoAreYouDialog)
        why = str(app_.screen.query_one("#why", Static).render())
        assert "not 'admin'" in why and "config.toml" in why
    config.write_text('user = "Sam Worker"\n', encoding="utf-8")  # a usable config: no reason shown
    async with create_app(tmp_path / "a.db", config_path=config).run_test() as pilot:
        await pilot.pause()
        assert not isinstance(pilot.app.screen, WhoAreYouDialog)
