"""Shared fixtures.  Every test runs with its own data folder, config and user, never the real ones."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sg_assess.questionnaire.loader import discover, load_file
from sg_assess.questionnaire.schema import Questionnaire
from sg_assess.store.repository import Store

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "questionnaires" / "safeguarding-assessment.toml"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home dir é"
    monkeypatch.setenv("SG_ASSESS_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("SG_ASSESS_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("SG_ASSESS_USER", "Test Worker")
    monkeypatch.delenv("SG_ASSESS_DB", raising=False)
    monkeypatch.delenv("SG_ASSESS_QUESTIONNAIRES", raising=False)
    return home


@pytest.fixture(scope="session")
def questionnaire() -> Questionnaire:
    """Version 1, which these tests were written against (the supported way to keep using it: ``ID@1``)."""
    return discover().get("safeguarding-assessment@1")


@pytest.fixture(scope="session")
def questionnaire_v2() -> Questionnaire:
    """The newest shipped version, which new assessments use."""
    return discover().get("safeguarding-assessment@2")


class FakeClock:
    """A clock the test moves by hand (history coalescing depends on time)."""

    def __init__(self, start: dt.datetime | None = None):
        self.now = start or dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += dt.timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store folder ü" / "assessments.db"


@pytest.fixture
def store(db_path: Path, clock: FakeClock):
    s = Store.open(db_path, clock=clock)
    yield s
    s.close()


@pytest.fixture
def assessment(store: Store, questionnaire: Questionnaire) -> str:
    """A draft for a 7-year-old."""
    return store.create_assessment(questionnaire=questionnaire, actor="Test Worker", child_name="Ada Example",
                                   dob="2019-01-15", assessment_date="2026-03-02")


def load_questionnaire(path: Path) -> Questionnaire:
    return load_file(path)


@contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    """A test's own sqlite3 connection: committed and closed (sqlite3's 'with' only commits, and an
    unclosed connection checkpoints into the file whenever it is collected)."""
    conn = sqlite3.connect(path)
    try:
        yield conn
        conn.commit()
    finally:
        conn.close()
