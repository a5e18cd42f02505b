"""The app on a team database (PostgreSQL): connecting, identity, the server going away, two places at once.

Every test here opens the app on a login of the test server (``pg_server.login``), mostly through a
``Cable`` (tests/teamkit.py): a relay the test cuts and mends, as a network or a server goes away.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static

from sg_assess.errors import UsageError
from sg_assess.store.repository import Store
from sg_assess.tui.app import SgApp, create_app, refuse_identity_options, run
from sg_assess.tui.dialogs.forms import WhoAreYouDialog
from sg_assess.tui.dialogs.new_assessment import NewAssessmentDialog
from sg_assess.tui.dialogs.password import PasswordDialog
from sg_assess.tui.screens.editor import EditorScreen
from sg_assess.tui.screens.home import HomeScreen
from sg_assess.tui.screens.lists import ActionsScreen, ReviewQueueScreen
from sg_assess.tui.screens.preview import PreviewScreen
from tests.teamkit import Cable, set_display_name, set_password
from tests.test_tui import TODAY, blocks, open_editor, settle, wait_for_screen

pytestmark = [pytest.mark.xdist_group("postgresql"), pytest.mark.postgresql]

SIZE = (80, 24)


def unique(name: str) -> str:
    """Logins belong to the whole server: one of this test's own."""
    return f"{name}_{uuid.uuid4().hex[:6]}"


@pytest.fixture
def pat(pg_server, team_db: str) -> str:
    """A practitioner's login URL, with a display name, on a new team database."""
    login = unique("pat")
    url = pg_server.login(team_db, login, "practitioner")
    set_display_name(pg_server, team_db, login, "Pat Practitioner")
    return url


@pytest.fixture
def cable(pg_server) -> Any:
    c = Cable(pg_server.admin.host, pg_server.admin.port or 5432)
    yield c
    c.close()


def login_of(url: str) -> str:
    return url.split("://", 1)[1].split("@", 1)[0]


def draft(url: str, questionnaire, child: str = "Ada Example") -> str:
    with Store.open(url) as store:
        return store.create_assessment(questionnaire=questionnaire, actor=login_of(url), role="practitioner",
                                       child_name=child, dob="2019-01-15", assessment_date="2026-03-02")


def make_app(url: str, tmp_path: Path, **kwargs: Any) -> SgApp:
    return create_app(url, autosave_delay=0.05, export_dir=tmp_path / "exports", today=lambda: TODAY, **kwargs)


def text_of(widget: Static) -> str:
    return str(widget.render())


async def wait_until(pilot, check, what: str, timeout: float = 15.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened: {what}; screen: {pilot.app.screen!r}")


def told(app: SgApp) -> list[Any]:
    return list(app._notifications)  # noqa: SLF001 - Textual has no public list


def all_saved(editor: EditorScreen) -> bool:
    """Everything typed is saved (and something was)."""
    return editor.autosaver.state.last_saved is not None and not editor.autosaver.pending


def rows(app: SgApp) -> int:
    return app.screen.query_one(DataTable).row_count if isinstance(app.screen, HomeScreen) else -1


# -- 1. connecting ------------------------------------------------------------------------------


async def test_the_home_paints_before_the_connection_is_made_and_says_it_is_connecting(
        pat: str, cable: Cable, tmp_path: Path, questionnaire) -> None:
    draft(pat, questionnaire)
    cable.hold()  # the server accepts, but answers nothing yet
    app = make_app(cable.url(pat), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        assert isinstance(app.screen, HomeScreen) and not app.has_store()
        empty = app.screen.query_one("#empty", Static)
        assert f"Connecting to the team database at 127.0.0.1:{cable.port}/" in text_of(empty)
        assert "not connected yet" in str(app.format_title("sg-assess", ""))
        cable.mend()
        await wait_until(pilot, lambda: rows(app) == 1, "the assessment listed")
        assert not empty.display


async def test_a_server_that_is_down_is_one_line_on_the_home_screen_and_f5_tries_again(
        pat: str, cable: Cable, tmp_path: Path, questionnaire) -> None:
    draft(pat, questionnaire)
    cable.cut()
    app = make_app(cable.url(pat), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        said = text_of(home.query_one("#empty", Static))
        assert said.startswith("Cannot open the team database: cannot reach the team database at 127.0.0.1")
        assert "check the network" in said and "Press F5 to try again" in said and "Traceback" not in said
        assert home.check_action("retry", ()) is True
        await pilot.press("f5")  # still down: said again, nothing breaks
        await settle(pilot)
        assert "Press F5 to try again" in text_of(home.query_one("#empty", Static))
        cable.mend()
        await pilot.press("f5")
        await wait_until(pilot, lambda: rows(app) == 1, "the assessment listed after F5")
        assert home.check_action("retry", ()) is False  # connected: F5 is not offered


async def test_a_tls_failure_is_one_line_with_what_to_do(pat: str, tmp_path: Path) -> None:
    app = make_app(pat + "?sslmode=require", tmp_path)  # the test server has no TLS
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        said = text_of(app.screen.query_one("#empty", Static))
        assert "cannot make a secure (TLS) connection" in said and "sslrootcert" in said
        assert "Press F5 to try again" in said
        assert not isinstance(app.screen, PasswordDialog)


async def test_a_password_libpq_cannot_find_is_asked_for_never_shown_and_asked_again_if_wrong(
        pg_server, team_db: str, tmp_path: Path, questionnaire) -> None:
    login = unique("kim")
    url = pg_server.login(team_db, login, "practitioner")
    draft(url, questionnaire)  # made while the password file still holds its password
    secret = "kims-own-secret"
    set_password(pg_server, login, secret)  # not the password file's any more
    app = make_app(url, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await wait_for_screen(pilot, PasswordDialog)
        field = dialog.query_one("#password", Input)
        assert field.password and app.focused is field
        await pilot.press(*"wrong")
        await pilot.press("enter")
        dialog = await wait_for_screen(pilot, PasswordDialog)
        await wait_until(pilot, lambda: "Not accepted" in getattr(app.screen, "reason", ""), "said it was not accepted")
        await pilot.press(*secret)
        shown = app.export_screenshot()
        assert secret not in shown and "•" * len(secret) in shown  # dots, never the password
        await pilot.press("enter")
        await wait_until(pilot, lambda: rows(app) == 1, "connected with the typed password")
        assert app.team is not None and app.team.login == login
        assert not any(secret in str(v) for v in vars(app).values())  # the app keeps no copy


async def test_a_cancelled_password_leaves_the_home_saying_so_and_f5_asks_again(
        pg_server, team_db: str, tmp_path: Path) -> None:
    login = unique("lee")
    url = pg_server.login(team_db, login, "practitioner")
    set_password(pg_server, login, "lees-own-secret")
    app = make_app(url, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, PasswordDialog)
        await pilot.press("escape")
        home = await wait_for_screen(pilot, HomeScreen)
        said = text_of(home.query_one("#empty", Static))
        assert "did not accept the login" in said and "Press F5 to try again" in said
        await pilot.press("f5")
        await wait_for_screen(pilot, PasswordDialog)


async def test_a_login_that_is_not_on_the_team_is_told_in_one_line_what_to_do(pg_server, team_db: str, tmp_path: Path) -> None:
    from psycopg import sql

    from tests.pgserver import PASSWORD

    login = unique("stranger")
    pg_server.conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(login),
                                                                               sql.Literal(PASSWORD)))
    app = make_app(pg_server.url(team_db, login), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        said = text_of(app.screen.query_one("#empty", Static))
        # One line: the login is not on the team, and what IT runs.
        assert said.startswith(f"Cannot open the team database: the login '{login}' is not on the team")
        assert "ask IT to run 'sg-assess team set-role" in said
        assert "Press F5 to try again" in said and "Traceback" not in said
        assert "not connected yet" in str(app.format_title("sg-assess", ""))


# -- 2. identity ----------------------------------------------------------------------------------


async def test_the_header_names_the_login_and_its_role_and_every_change_is_recorded_as_the_login(
        pat: str, tmp_path: Path, questionnaire) -> None:
    aid = draft(pat, questionnaire)
    login = login_of(pat)
    app = make_app(pat, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.needs_identity and not isinstance(app.screen, WhoAreYouDialog)  # no first-run question
        assert not isinstance(app.screen, PasswordDialog)  # the password file's password was enough
        assert f"Pat Practitioner ({login}, practitioner)" in str(app.format_title("sg-assess", ""))
        assert (app.user, app.role) == (login, "practitioner")
        change = next(c for c in app.get_system_commands(app.screen) if c.title == "Change who you are")
        assert change.help.startswith("Does not apply on a team database")
        app.action_change_identity()  # does not apply: said, nothing asked
        await pilot.pause()
        assert not isinstance(app.screen, WhoAreYouDialog)
        assert any("you are your database login" in str(n.message) for n in told(app))
        editor = await open_editor(pilot, aid)
        blocks(editor)["ethnicity"].query_one(Input).value = "White British"
        await wait_until(pilot, lambda: all_saved(editor), "saved")
        status = text_of(editor.query_one("#status", Static))
        assert status.startswith("Saved at") and "cannot be reached" not in status
    with Store.open(pat) as store:
        record = store.get(aid)
    assert record.answers["ethnicity"] == "White British"
    assert {h.actor for h in record.history if h.question_id == "ethnicity"} == {login}


async def test_the_config_database_opens_the_app_on_a_team_database(pat: str, tmp_path: Path, isolated_env: Path,
                                                                   questionnaire) -> None:
    draft(pat, questionnaire)
    (isolated_env / "config.toml").parent.mkdir(parents=True, exist_ok=True)
    (isolated_env / "config.toml").write_text(f'database = "{pat}"\nuser = "Configured Name"\n', encoding="utf-8")
    app = create_app(None, autosave_delay=0.05, export_dir=tmp_path, today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: rows(app) == 1, "the team database listed")
        assert app.team_mode and app.user == login_of(pat)  # the login, never the configured name
        assert "Configured Name" not in str(app.format_title("sg-assess", ""))


async def test_a_supervisor_login_is_shown_as_a_supervisor(pg_server, team_db: str, tmp_path: Path) -> None:
    login = unique("sue")
    url = pg_server.login(team_db, login, "supervisor")  # no display name: the login alone
    app = make_app(url, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert f"{login} (supervisor)" in str(app.format_title("sg-assess", ""))
        assert app.role == "supervisor"


def test_as_and_role_are_refused_before_the_app_starts_on_a_team_database(pat: str) -> None:
    for given in ({"user": "Someone Else"}, {"role": "supervisor"}):
        with pytest.raises(UsageError, match="cannot be used with a team database"):
            run(pat, **given)  # refused before anything runs (no terminal is needed to get here)
    refuse_identity_options("/some/file.db", "Someone", "supervisor")  # a file: --as and --role are the way


# -- 3. the server going away mid-edit -----------------------------------------------------------------


async def test_the_server_going_away_mid_edit_keeps_the_text_warns_retries_and_saves_in_order_once(
        pat: str, cable: Cable, tmp_path: Path, questionnaire) -> None:
    aid = draft(pat, questionnaire)
    app = make_app(cable.url(pat), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, aid)
        editor.autosaver.retry = 0.2
        the = blocks(editor)
        the["ethnicity"].query_one(Input).value = "Before"
        await wait_until(pilot, lambda: all_saved(editor), "the first answer saved")

        cable.cut()
        the["ethnicity"].query_one(Input).value = "Typed while the server was away"
        await pilot.pause(0.1)
        the["religion_belief"].query_one(Input).value = "Quaker"
        status = editor.query_one("#status", Static)
        await wait_until(pilot, lambda: "cannot be reached" in text_of(status), "the warning")
        assert text_of(status).startswith("NOT SAVED: the team database cannot be reached -- retrying")
        assert status.has_class("warning")
        await pilot.pause(0.6)  # retries fail meanwhile: the warning stays, the text stays where it was typed
        assert "cannot be reached" in text_of(status)
        assert the["ethnicity"].query_one(Input).value == "Typed while the server was away"
        assert the["religion_belief"].query_one(Input).value == "Quaker"
        assert list(editor.autosaver.pending) == ["ethnicity", "religion_belief"]

        await pilot.press("escape")  # leaving would drop them: refused, said (twice: they can still be saved)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is editor
        assert any("could not be saved yet" in str(n.message) for n in told(app))

        await pilot.press("f6")  # the export still works, from what is on screen
        preview = await wait_for_screen(pilot, PreviewScreen)
        assert preview.record.answers["religion_belief"] == "Quaker"
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: list((tmp_path / "exports").glob("*.md")), "the export written")
        written = next((tmp_path / "exports").glob("*.md")).read_text(encoding="utf-8")
        assert "Typed while the server was away" in written and "Quaker" in written
        await pilot.press("escape")
        await wait_for_screen(pilot, EditorScreen)

        editor.autosaver.retry = 60  # from now on only the key retries
        cable.mend()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not editor.autosaver.pending, "saved once the server is back")
        await wait_until(pilot, lambda: text_of(status).startswith("Saved at"), "the warning gone")
        assert not status.has_class("warning")
        assert any("team database is back" in str(n.message) for n in told(app))
    with Store.open(pat) as store:
        record = store.get(aid)
    assert record.answers["ethnicity"] == "Typed while the server was away"
    assert record.answers["religion_belief"] == "Quaker"
    saved = [h.question_id for h in record.history if h.question_id in ("ethnicity", "religion_belief")]
    assert saved.count("religion_belief") == 1  # once
    order = [h for h in record.history if h.question_id in ("ethnicity", "religion_belief")]
    assert order[-1].question_id == "religion_belief"  # in the order typed


async def test_the_server_retrying_on_its_own_saves_without_a_key(pat: str, cable: Cable, tmp_path: Path,
                                                                  questionnaire) -> None:
    aid = draft(pat, questionnaire)
    app = make_app(cable.url(pat), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, aid)
        editor.autosaver.retry = 0.2
        cable.cut()
        blocks(editor)["ethnicity"].query_one(Input).value = "Kept"
        status = editor.query_one("#status", Static)
        await wait_until(pilot, lambda: "cannot be reached" in text_of(status), "the warning")
        cable.mend()
        await wait_until(pilot, lambda: not editor.autosaver.pending, "saved by the retry alone")
    with Store.open(pat) as store:
        assert store.get(aid).answers["ethnicity"] == "Kept"


async def test_a_read_that_fails_mid_session_is_one_line_not_a_crash(pat: str, cable: Cable, tmp_path: Path,
                                                                     questionnaire) -> None:
    aid = draft(pat, questionnaire)
    app = make_app(cable.url(pat), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert rows(app) == 1
        cable.cut()
        app.open_assessment(aid)  # a read: the store's own error would have stopped the app
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and app.is_running
        assert any("team database cannot be reached" in str(n.message) for n in told(app))


# -- 4. two places at once -------------------------------------------------------------------------


async def test_the_same_answer_changed_on_another_computer_is_kept_and_the_person_told(
        pat: str, tmp_path: Path, questionnaire) -> None:
    aid = draft(pat, questionnaire)
    login = login_of(pat)
    app = make_app(pat, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, aid)
        editor.autosaver.delay = 60  # typed, not yet saved ...
        block = blocks(editor)["ethnicity"]
        block.query_one(Input).value = "Typed in the app"
        await pilot.pause()
        with Store.open(pat) as other:  # ... while the same login saves it on another machine (the CLI)
            other.save_answer(aid, "ethnicity", "Typed on the laptop", actor=login, role="practitioner")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not editor.autosaver.pending, "saved")
        await wait_until(pilot, lambda: any("Changed in two places" == n.title for n in told(app)),
                         "told")
        note = next(n for n in told(app) if n.title == "Changed in two places")
        assert f"You ({login}) also changed" in str(note.message) and "another window or computer" in str(note.message)
        assert "Typed on the laptop" in block.query_one(Input).value  # both versions kept, on screen too
    with Store.open(pat) as store:
        kept = store.get(aid).answers["ethnicity"]
    assert "Typed in the app" in kept and "Typed on the laptop" in kept


async def test_a_draft_handed_over_meanwhile_is_refused_by_the_server_and_not_retried(
        pg_server, team_db: str, pat: str, tmp_path: Path, questionnaire) -> None:
    aid = draft(pat, questionnaire)
    other_login = unique("alex")
    pg_server.login(team_db, other_login, "practitioner")
    app = make_app(pat, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, aid)
        editor.autosaver.delay = 60
        editor.autosaver.retry = 0.1
        block = blocks(editor)["ethnicity"]
        block.query_one(Input).value = "Typed after the hand-over"
        await pilot.pause()
        with Store.open(pat) as other:
            other.hand_over(aid, to=other_login, actor=login_of(pat), role="practitioner")
        await pilot.press("ctrl+s")
        status = editor.query_one("#status", Static)
        await wait_until(pilot, lambda: "NOT SAVED" in text_of(status), "refused")
        assert block.query_one(Input).value == "Typed after the hand-over"  # kept on screen; F6 exports it
        await asyncio.sleep(0.3)
        assert editor.autosaver._timer is None  # a refusal is not retried: it would never succeed
        await pilot.press("escape")  # said first, with the way to keep it (F6) ...
        await pilot.pause()
        assert app.screen is editor
        assert any("Escape again to leave without it" in str(n.message) for n in told(app))
        await pilot.press("escape")  # ... then Escape leaves: the person is never stuck in the editor
        await wait_for_screen(pilot, HomeScreen)


# -- the autosaver's rules, without a server ----------------------------------------------------------------


def test_an_unreachable_server_stops_the_round_so_later_answers_wait_their_turn() -> None:
    from sg_assess.store.postgres import ServerUnreachable
    from sg_assess.tui.autosave import Autosaver, Failure

    tried: list[str] = []

    def save(qid: str, value: Any, expected: Any) -> bool:
        tried.append(qid)
        if qid == "b":
            raise ServerUnreachable("the team database cannot be reached")
        return True

    saver = Autosaver(save)
    try:
        results = saver._save_all({"a": "1", "b": "2", "c": "3"})  # noqa: SLF001 - the rule under test
    finally:
        saver._executor.shutdown()  # noqa: SLF001
    assert tried == ["a", "b"]  # c is not sent ahead of b
    assert results["a"] is None
    assert all(isinstance(results[q], Failure) and results[q].retry and results[q].unreachable for q in "bc")


def test_a_refusal_is_not_retried_but_a_lost_server_is() -> None:
    from sg_assess.errors import DatabaseError, Refused
    from sg_assess.tui.autosave import Autosaver

    for error, retried in ((Refused("only alex can edit it"), False), (DatabaseError("the disk is full"), True)):
        def save(qid: str, value: Any, expected: Any, error: Exception = error) -> bool:
            raise error

        saver = Autosaver(save)
        try:
            result = saver._save_all({"a": "1"})["a"]  # noqa: SLF001
        finally:
            saver._executor.shutdown()  # noqa: SLF001
        assert result.retry is retried and not result.unreachable


async def test_two_logins_changing_the_same_answer_of_a_draft_handed_over_and_back_get_the_two_places_rule(
        pg_server, team_db: str, pat: str, tmp_path: Path, questionnaire) -> None:
    """Pat's app holds a typed answer; meanwhile the draft goes to Alex (on another computer), who changes the
    same answer and hands it back.  Pat's save finds Alex's answer there: both kept, and Pat is told who."""
    aid = draft(pat, questionnaire)
    alex = unique("alex")
    alex_url = pg_server.login(team_db, alex, "practitioner")
    app = make_app(pat, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(pilot, aid)
        editor.autosaver.delay = 60
        block = blocks(editor)["ethnicity"]
        block.query_one(Input).value = "Pat's words"
        await pilot.pause()
        with Store.open(pat) as pats_laptop:
            pats_laptop.hand_over(aid, to=alex, actor=login_of(pat), role="practitioner")
        with Store.open(alex_url) as alexs:
            alexs.save_answer(aid, "ethnicity", "Alex's words", actor=alex, role="practitioner")
            alexs.hand_over(aid, to=login_of(pat), actor=alex, role="practitioner")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: any(n.title == "Changed in two places" for n in told(app)), "told")
        note = next(n for n in told(app) if n.title == "Changed in two places")
        assert str(note.message).startswith(f"{alex} also changed")
        assert "Alex's words" in block.query_one(Input).value
    with Store.open(pat) as store:
        kept = store.get(aid).answers["ethnicity"]
    assert "Pat's words" in kept and "Alex's words" in kept


# -- 5. the home screen: creating while the server is away, and seeing what others did ---------------


async def test_a_new_assessment_the_server_cannot_take_stays_in_its_dialog_and_is_made_when_it_is_back(
        pat: str, cable: Cable, tmp_path: Path, questionnaire) -> None:
    app = make_app(cable.url(pat), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.has_store()
        cable.cut()
        await pilot.press("n")
        dialog = await wait_for_screen(pilot, NewAssessmentDialog)
        dialog.query_one("#name", Input).value = "Cleo Sample"
        dialog.query_one("#dob", Input).value = "2011-04-04"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Not created" in text_of(dialog.query_one("#problem", Static)), "said why")
        assert app.screen is dialog
        assert (dialog.query_one("#name", Input).value, dialog.query_one("#dob", Input).value) == (
            "Cleo Sample", "2011-04-04")
        said = text_of(dialog.query_one("#problem", Static))
        assert "team database" in said and "what you typed is kept" in said and "\n" not in said
        cable.mend()
        await pilot.press("ctrl+s")  # the same dialog, Create again
        editor = await wait_for_screen(pilot, EditorScreen)
        assert editor.record.summary.child_name == "Cleo Sample"


async def test_n_without_a_connection_says_why_in_one_line_and_opens_no_dialog(
        pat: str, cable: Cable, tmp_path: Path) -> None:
    cable.cut()
    app = make_app(cable.url(pat), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.has_store()
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        said = [str(n.message) for n in told(app) if "Cannot start an assessment yet" in str(n.message)]
        assert len(said) == 1 and "press F5 to try again" in said[0] and "\n" not in said[0]
        start = next(c for c in app.get_system_commands(app.screen) if c.title == "New assessment")
        start.callback()  # the command palette's New assessment says the same
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert len([n for n in told(app) if "Cannot start an assessment yet" in str(n.message)]) == 2


async def test_the_home_list_shows_what_others_did_on_return_and_on_its_own_keeping_the_cursor(
        pat: str, tmp_path: Path, questionnaire, monkeypatch) -> None:
    monkeypatch.setattr(HomeScreen, "REFRESH_SECONDS", 0.2)
    first = draft(pat, questionnaire, "Ada Example")
    app = make_app(pat, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen) and rows(app) == 1
        focused = app.focused
        draft(pat, questionnaire, "Ben Example")  # on another computer
        await wait_until(pilot, lambda: rows(app) == 2, "the other draft listed without a key")
        assert home.selected() is not None and home.selected().id == first  # the cursor stayed on Ada
        assert app.focused is focused
        app.show_actions()
        await wait_for_screen(pilot, ActionsScreen)
        draft(pat, questionnaire, "Cleo Example")
        await pilot.press("escape")
        await wait_until(pilot, lambda: rows(app) == 3, "listed on return")


async def test_the_review_queue_shows_a_submission_made_elsewhere_without_leaving_it(
        pg_server, team_db: str, pat: str, tmp_path: Path, questionnaire, monkeypatch) -> None:
    monkeypatch.setattr(ReviewQueueScreen, "REFRESH_SECONDS", 0.2)
    login = unique("sue")
    sue = pg_server.login(team_db, login, "supervisor")
    aid = draft(pat, questionnaire)
    app = make_app(sue, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v")
        queue = await wait_for_screen(pilot, ReviewQueueScreen)
        await settle(pilot)
        table = queue.query_one("#rows", DataTable)
        assert table.row_count == 0
        with Store.open(pat) as store:
            store.submit(aid, actor=login_of(pat), role="practitioner", reason="Sent now; the rest follows")
        await wait_until(pilot, lambda: table.row_count == 1, "the submission listed without a key")
        assert queue.selected_key() == aid
