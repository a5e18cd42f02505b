"""Backups of a database file: a rolling daily copy, made and checked safely (restoring one: store/restore.py).

Every copy is made with SQLite's online backup API (consistent even while the
database is in use), written atomically and private (0600).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

from sg_assess.errors import DatabaseError
from sg_assess.fileio import atomic_target
from sg_assess.store import db

DEFAULT_KEEP = 7
PREFIX = "daily-"


def backup_dir(database: Path) -> Path:
    """Backups live beside the database, in a folder named after it."""
    return database.parent / "backups" / database.stem


def copy_database(source: Path, target: Path, *, verify: bool = False) -> Path:
    """A consistent copy of ``source`` at ``target`` via the backup API (never a file copy).

    ``verify``: run SQLite's full integrity check on the copy (not on the live file, which stays free
    for others) before it takes the place of ``target``; a bad copy is removed and never kept.
    """
    source, target = Path(source).absolute(), Path(target).absolute()
    try:
        _copy(source, target, verify)
    except sqlite3.DatabaseError as exc:  # the source could not be read whole
        raise DatabaseError(f"{source} could not be copied ({exc}); no backup was made over the good ones: "
                            "run 'sg-assess check', and restore a backup with 'sg-assess restore FILE'") from None
    return target


def _copy(source: Path, target: Path, verify: bool) -> None:
    with closing(sqlite3.connect(db.sqlite_uri(source, "ro"), uri=True, timeout=db.BUSY_TIMEOUT_MS / 1000)) as src, \
            atomic_target(target) as tmp:
        with closing(sqlite3.connect(tmp)) as dst:
            src.backup(dst)
        if verify:
            with closing(sqlite3.connect(tmp)) as copy:
                rows = [r[0] for r in copy.execute("PRAGMA integrity_check")]
            if rows != ["ok"]:
                raise DatabaseError(f"{source} is damaged ({' '.join(rows[0].split())}); no backup was made over the "
                                    "good ones: run 'sg-assess check', and restore a backup with 'sg-assess restore FILE'")


def daily_backup(database: Path, *, today: dt.date | None = None, keep: int = DEFAULT_KEEP) -> Path | None:
    """Make today's backup if there is none yet, and keep only the newest ``keep``; None if nothing was made.

    Never called while opening: the CLI calls it after a command that wrote, the app in a thread once
    it is ready.  The copy, not the live database, is integrity-checked.
    """
    database = Path(database).absolute()
    if keep <= 0 or not database.is_file() or database.stat().st_size == 0:
        return None
    folder = backup_dir(database)
    target = folder / f"{PREFIX}{(today or dt.date.today()).isoformat()}.db"
    if target.exists():
        return None
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
    copy_database(database, target, verify=True)  # a damaged copy never pushes a good backup out of the rotation
    for old in sorted(folder.glob(f"{PREFIX}*.db"))[:-keep]:
        old.unlink(missing_ok=True)
    return target


def backups(database: Path) -> list[Path]:
    """Every backup of ``database`` in its backup folder, newest first."""
    folder = backup_dir(Path(database).absolute())
    return sorted((p for p in folder.glob("*.db") if p.is_file()), key=lambda p: p.stat().st_mtime,
                  reverse=True) if folder.is_dir() else []


def latest_good_backup(database: Path) -> Path | None:
    """The newest backup that passes SQLite's integrity check (and is a complete database)."""
    return next((b for b in backups(database) if b.stat().st_size > 0 and not db.check_database(db.Location(b))), None)
