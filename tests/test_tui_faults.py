"""The TUI under faults: an unexpected error, no network."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Input

from sg_assess.store.repository import Store
from sg_assess.tui.app import create_app
from sg_assess.tui.screens.editor import EditorScreen
from tests.test_tui import SIZE, TODAY, settle, wait_for_screen

SECRET = "Secret Child Name 1 Secret Street"


def test_textual_still_has_the_exception_hook_we_override() -> None:
    assert callable(getattr(App, "_handle_exception", None))


async def test_an_unexpected_error_saves_first_and_reports_without_user_text(tmp_path: Path, questionnaire,
                                                                              isolated_env: Path) -> None:
    db = tmp_path / "crash.db"
    with Store.open(db) as store:
        aid = store.create_assessment(questionnaire=questionnaire, child_name=SECRET, dob="2019-01-15",
                                      actor="Test Worker")
    app = create_app(db, user="Test Worker", autosave_delay=60, export_dir=tmp_path, today=lambda: TODAY,
                     friendly_crashes=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_assessment(aid)
        editor = await wait_for_screen(pilot, EditorScreen)
        await settle(pilot)
        editor.query_one("#q-ethnicity").query_one(Input).value = SECRET  # waiting to be saved (60 s delay)
        await pilot.pause()
        assert editor.autosaver.pending

        def boom() -> None:
            raise RuntimeError(f"failure while showing {SECRET}")

        app.call_later(boom)
        await asyncio.sleep(0.5)  # not pilot.pause: the app is shutting down, its screens will not settle
    assert app.return_code == 1
    with Store.open(db) as store:
        assert store.get(aid).answers["ethnicity"] == SECRET  # saved before stopping
    report = app.crash_report
    assert report is not None and report.parent == isolated_env / "data" / "logs"
    text = report.read_text()
    assert "RuntimeError" in text and "Secret" not in text
    if report.stat().st_mode & 0o777 != 0o600:
        pytest.fail("crash report is not private")


async def test_the_app_never_opens_a_network_connection(tmp_path: Path, questionnaire, monkeypatch) -> None:
    attempts: list[object] = []

    def refuse(self, address, *args, **kwargs):  # noqa: ANN001
        attempts.append(address)
        raise OSError("network blocked by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a))
    db = tmp_path / "net.db"
    with Store.open(db) as store:
        aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada", dob="2019-01-15",
                                      actor="Test Worker")
    app = create_app(db, user="Test Worker", autosave_delay=0.05, export_dir=tmp_path / "out", today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_assessment(aid)
        editor = await wait_for_screen(pilot, EditorScreen)
        editor.query_one("#q-ethnicity").query_one(Input).value = "typed"
        await pilot.press("f6")
        await pilot.press("ctrl+e")
        await settle(pilot)
    assert attempts == []
