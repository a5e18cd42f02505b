"""Backups: a rolling daily copy, and restoring one safely.

Every copy is made with SQLite's online backup API (consistent even while the
database is in use), written atomically and private (0600).  Restoring checks
the backup first and keeps the current file as a backup of its own.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from contextlib import closing
from pathlib import Path

from sg_assess.errors import DatabaseError, UsageError
from sg_assess.fileio import atomic_target
from sg_assess.store import db

DEFAULT_KEEP = 7
PREFIX = "daily-"


def backup_dir(database: Path) -> Path:
    """Backups live beside the database, in a folder named after it."""
    return database.parent / "backups" / database.stem


def copy_database(source: Path, target: Path) -> Path:
    """A consistent copy of ``source`` at ``target`` via the backup API (never a file copy)."""
    with closing(sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True, timeout=db.BUSY_TIMEOUT_MS / 1000)) as src, \
            atomic_target(target) as tmp, closing(sqlite3.connect(tmp)) as dst:
        src.backup(dst)
    return target


def daily_backup(database: Path, *, today: dt.date | None = None, keep: int = DEFAULT_KEEP) -> Path | None:
    """Make today's backup if there is none yet, and keep only the newest ``keep``; None if nothing was made."""
    if keep <= 0 or not database.exists() or database.stat().st_size == 0:
        return None
    folder = backup_dir(database)
    target = folder / f"{PREFIX}{(today or dt.date.today()).isoformat()}.db"
    if target.exists():
        return None
    problems = db.check_database(db.Location(database))
    if problems:  # a damaged copy must never push a good backup out of the rotation
        raise DatabaseError(f"{database} is damaged ({problems[0]}); no backup was made over the good ones: "
                            "run 'sg-assess check', and restore a backup with 'sg-assess restore FILE'")
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
    copy_database(database, target)
    for old in sorted(folder.glob(f"{PREFIX}*.db"))[:-keep]:
        old.unlink(missing_ok=True)
    return target


def backups(database: Path) -> list[Path]:
    """Every backup of ``database`` in its backup folder, newest first."""
    folder = backup_dir(database)
    return sorted(folder.glob("*.db"), key=lambda p: p.stat().st_mtime, reverse=True) if folder.is_dir() else []


def latest_good_backup(database: Path) -> Path | None:
    """The newest backup that passes SQLite's integrity check."""
    return next((b for b in backups(database) if not db.check_database(db.Location(b))), None)


def restore(database: Path, backup: Path) -> Path:
    """Replace ``database`` with ``backup`` after checking it; return where the current file was kept."""
    if not backup.is_file():
        raise UsageError(f"no backup file at {backup}")
    if backup.resolve() == database.resolve():
        raise UsageError("that is the database itself; choose a backup file")
    problems = db.check_database(db.Location(backup))
    if problems:
        raise DatabaseError(f"{backup} is not a good backup ({problems[0]}); nothing was changed")
    kept = backup_dir(database) / f"before-restore-{dt.datetime.now():%Y%m%d-%H%M%S}.db"
    healthy = database.exists() and not db.check_database(db.Location(database))
    if database.exists():
        if not kept.parent.exists():
            kept.parent.mkdir(parents=True, mode=0o700)
        if healthy:
            copy_database(database, kept)
        else:  # a damaged database cannot be read by the backup API: keep its bytes as they are
            with atomic_target(kept) as tmp:
                tmp.write_bytes(database.read_bytes())
    with closing(sqlite3.connect(f"{backup.as_uri()}?mode=ro", uri=True)) as src:
        if healthy:
            # Into the live file, through SQLite: its write-ahead log and any reader stay consistent.
            with closing(sqlite3.connect(database, timeout=db.BUSY_TIMEOUT_MS / 1000)) as dst:
                src.backup(dst)
        else:
            for stale in (Path(f"{database}-wal"), Path(f"{database}-shm")):  # never replay them onto the backup
                stale.unlink(missing_ok=True)
            with atomic_target(database) as tmp, closing(sqlite3.connect(tmp)) as dst:
                src.backup(dst)
    if os.name != "nt":
        os.chmod(database, 0o600)
    return kept
