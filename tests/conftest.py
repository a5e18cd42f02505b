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


# -- the team database (PostgreSQL) --------------------------------------------------------------

ON_SERVER = pytest.mark.xdist_group("postgresql")
DATABASES = ["sqlite", pytest.param("postgresql", marks=[ON_SERVER, pytest.mark.postgresql])]


@pytest.fixture(scope="session")
def pg_server():
    """This worker's PostgreSQL test server; a missing server fails the tests that need it (never a skip)."""
    from tests.pgserver import NoServer, Server, admin_url

    try:
        server = Server(admin_url())
    except NoServer as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.close()


@pytest.fixture
def team_db(pg_server) -> str:
    """The name of a new team database, set up as 'team init' does."""
    return pg_server.database()


class PeopleStore:
    """A team database's store that acts as whoever each call names.

    A call with ``actor=X`` (and ``role=Y``) runs on X's own login, made a member of exactly Y's group
    (practitioner when no role is given), so the server judges it as it would that person.  Reads go
    through the first person's login.  Tests written for one SQLite file (where anyone may type any
    name) run unchanged on a server where the person is the login.
    """

    def __init__(self, server, database: str, clock, first: str = "Test Worker"):
        self._server, self._database, self._clock = server, database, clock
        self._stores: dict[str, Store] = {}
        self._reader = self.as_person(first)

    def as_person(self, name: str, role: str = "practitioner") -> Store:
        url = self._server.login(self._database, name, role)
        if name not in self._stores:
            self._stores[name] = Store.open(url, clock=self._clock)
        return self._stores[name]

    def url(self, name: str, role: str = "practitioner") -> str:
        return self._server.login(self._database, name, role)

    def __getattr__(self, attr: str):
        target = getattr(self._reader, attr)
        if not callable(target) or attr.startswith("_"):
            return target

        def call(*args, **kwargs):
            actor = kwargs.get("actor")
            if not isinstance(actor, str) or not actor.strip():
                return target(*args, **kwargs)
            role = kwargs.get("role") if kwargs.get("role") in ("practitioner", "supervisor") else "practitioner"
            to = kwargs.get("to")
            if attr == "hand_over" and isinstance(to, str) and to.strip() and to.strip() not in self._stores:
                self.as_person(to.strip())  # as IT would: the server hands a draft only to a team login
            return getattr(self.as_person(actor.strip(), role), attr)(*args, **kwargs)

        return call

    def close(self) -> None:
        for s in self._stores.values():
            s.close()

    def __enter__(self) -> PeopleStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(kind: str, request: pytest.FixtureRequest, db_path: Path, clock: FakeClock):
    """A store on a new database of ``kind`` (sqlite or postgresql), for a fixture to yield and close."""
    if kind == "postgresql":
        server = request.getfixturevalue("pg_server")
        return PeopleStore(server, server.database(), clock)
    return Store.open(db_path, clock=clock)


def give_back(store) -> None:
    """After ``close``: a team database goes back to the server's pool, emptied (dropping one costs a checkpoint)."""
    if isinstance(store, PeopleStore):
        store._server.give_back(store._database)


def reopen(store, clock):
    """Another store on the database ``store`` is on: the file opened again, or the same team database."""
    if isinstance(store, PeopleStore):
        return PeopleStore(store._server, store._database, clock)
    return Store.open(store.location.path, clock=clock)


def location_of(store, actor: str = "Test Worker", role: str = "practitioner") -> str:
    """What another window or process opens to reach ``store``'s database as ``actor``: the file, or their login."""
    if isinstance(store, PeopleStore):
        return store.url(actor, role)
    return str(store.location.path)


def on_server(store) -> bool:
    return isinstance(store, PeopleStore)


SQLITE_ONLY = pytest.mark.parametrize("any_store", ["sqlite"], indirect=True)  # with ``store = any_store``


@pytest.fixture(params=DATABASES)
def any_store(request: pytest.FixtureRequest, db_path: Path, clock: FakeClock):
    """``store`` on each database in turn: a SQLite file, then a team database on PostgreSQL.

    The team database is a recycled one, emptied after the test (``Server.give_back``): a test that changes
    its schema, triggers or grants as the administrator takes a fresh one from ``team_db`` instead.
    """
    if request.param == "postgresql":
        server = request.getfixturevalue("pg_server")
        s = PeopleStore(server, server.recycled(), clock)
    else:
        s = open_store(request.param, request, db_path, clock)
    yield s
    s.close()
    give_back(s)


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
