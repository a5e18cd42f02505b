"""Running CLI tests on either database.

A CLI test written for a SQLite file says who acts with ``--as X --role Y``.  On a team database
that is refused (the person is the login), so ``Target.argv`` turns the invocation into
``--db <X's own login URL>``, with X made a member of exactly Y's group by ``pg_server.login``
(its password comes from the fixtures' PGPASSFILE).  Each database file a test names becomes a
team database of its own, so a test about two machines still has two databases.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

DEFAULT_PERSON = "Test Worker"  # SG_ASSESS_USER in conftest's isolated_env
GLOBAL_OPTIONS = ("--db", "--as", "--role")


class Target:
    """Where a test's commands go: ``kind`` is sqlite or postgresql (a param of conftest.DATABASES)."""

    def __init__(self, kind: str, file: Path, server=None):  # noqa: ANN001 - tests.pgserver.Server
        self.kind, self.file, self.server = kind, Path(file), server
        self._databases: dict[str, str] = {}

    @property
    def on_server(self) -> bool:
        return self.kind == "postgresql"

    def database(self, file: os.PathLike[str] | str | None = None) -> str:
        """The team database standing for ``file`` (the target's own file by default)."""
        key = str(file if file is not None else self.file)
        if key not in self._databases:
            self._databases[key] = self.server.database()
        return self._databases[key]

    def url(self, person: str = DEFAULT_PERSON, role: str = "practitioner", file: os.PathLike[str] | str | None = None) -> str:
        """On a server: ``person``'s login URL, in ``role``'s group; on SQLite: the file."""
        if not self.on_server:
            return str(file if file is not None else self.file)
        return self.server.login(self.database(file), person, role)

    def location(self) -> str:
        """What --db names for the default person: the file, or their login URL."""
        return self.url()

    def argv(self, args: Sequence[str]) -> list[str]:
        """``args`` as given on SQLite; on a server, the leading --db/--as/--role become one login URL."""
        args = [str(a) for a in args]
        if not self.on_server:
            return args if "--db" in args[:1] or _has_db(args) else ["--db", str(self.file), *args]
        options: dict[str, str] = {}
        while args and args[0] in GLOBAL_OPTIONS and len(args) >= 2:
            options[args[0]] = args[1]
            args = args[2:]
        role = (options.get("--role") or "practitioner").strip().lower()
        url = self.url(options.get("--as") or DEFAULT_PERSON, role, options.get("--db"))
        if args[:1] == ["hand-over"] and "--to" in args[:-1]:  # a team database hands work only to a team login
            self.server.login(self.database(options.get("--db")), args[args.index("--to") + 1], "practitioner")
        return ["--db", url, *args]


def _has_db(args: list[str]) -> bool:
    i = 0
    while i < len(args) - 1 and args[i] in GLOBAL_OPTIONS:
        if args[i] == "--db":
            return True
        i += 2
    return False
