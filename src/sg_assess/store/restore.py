"""Restoring a backup of a database file safely, and recording that it was done.

The backup is checked first; the current file is kept as a backup of its own;
a restore that would take an assessment back from signed off, or lose later
changes, needs a reason; and every restore is written in the restored
database's restore log (and the history of each assessment it touched).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sg_assess.errors import DatabaseError, Refused, UsageError
from sg_assess.fileio import atomic_target, require_regular
from sg_assess.store import db
from sg_assess.store.backups import backup_dir, copy_database
from sg_assess.store.repository import Store


@dataclass
class RestoreImpact:
    """What putting a backup back would undo: assessments taken back from signed off, later changes lost."""

    unsigned: list[str] = field(default_factory=list)  # signed off now, not in the backup
    lost: list[str] = field(default_factory=list)  # changed since the backup, or made after it
    affected: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.affected)

    def describe(self) -> str:
        parts = []
        if self.unsigned:
            parts.append(f"take {_count(self.unsigned)} back from signed off ({_ids(self.unsigned)})")
        if self.lost:
            parts.append(f"lose later changes to {_count(self.lost)} ({_ids(self.lost)})")
        return "restoring would " + " and ".join(parts)


def _count(ids: list[str]) -> str:
    return f"{len(ids)} assessment{'s' if len(ids) != 1 else ''}"


def _ids(ids: list[str]) -> str:
    shown = ", ".join(i[:8] for i in ids[:5])
    return shown + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")


_STATE_SQL = {  # per assessment: status, last update, and how many rows of each kind it has
    "assessment": "SELECT id, status, updated_at FROM assessment",
    "history": "SELECT assessment_id, count(*) FROM history GROUP BY assessment_id",
    "review": "SELECT assessment_id, count(*) FROM review GROUP BY assessment_id",
    "comment": "SELECT assessment_id, count(*) FROM comment GROUP BY assessment_id",
    "addendum": "SELECT assessment_id, count(*) FROM addendum GROUP BY assessment_id",
}


def _state(path: Path) -> dict[str, dict[str, Any]]:
    state: dict[str, dict[str, Any]] = {}
    with closing(sqlite3.connect(db.sqlite_uri(path, "ro"), uri=True, timeout=db.BUSY_TIMEOUT_MS / 1000)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "assessment" not in tables:
            return state
        columns = {r[1] for r in conn.execute("PRAGMA table_info(assessment)")}
        status_sql = _STATE_SQL["assessment"] if "status" in columns else "SELECT id, 'draft', updated_at FROM assessment"
        for aid, status, updated in conn.execute(status_sql):
            state[aid] = {"status": status, "updated_at": updated}
        for name in ("history", "review", "comment", "addendum"):
            if name in tables:
                for aid, count in conn.execute(_STATE_SQL[name]):
                    if aid in state:
                        state[aid][name] = count
    return state


def restore_impact(database: Path, backup: Path) -> RestoreImpact:
    """Compare the live database with a backup: what the backup would take back."""
    impact = RestoreImpact()
    now, then = _state(database), _state(backup)
    for aid, current in now.items():
        old = then.get(aid)
        if old is None:
            what = "made after the backup"
        elif current["status"] == "signed_off" and old["status"] != "signed_off":
            what = "taken back from signed off"
        elif (current["updated_at"] or "") > (old["updated_at"] or "") or any(
                current.get(k, 0) > old.get(k, 0) for k in ("history", "review", "comment", "addendum")):
            what = "later changes lost"
        else:
            continue
        (impact.unsigned if what == "taken back from signed off" else impact.lost).append(aid)
        impact.affected.append({"id": aid, "was": current["status"], "now": old["status"] if old else None,
                                "what": what})
    return impact


def check_backup(backup: Path) -> Path:
    """A backup fit to restore: a regular file holding a complete sg-assess database that passes the checks."""
    backup = Path(os.path.abspath(Path(backup).expanduser()))
    require_regular(backup, "the backup", must_exist=True)
    if backup.stat().st_size == 0:
        raise DatabaseError(f"{backup} is empty, not a complete database; nothing was changed")
    problems = db.check_database(db.Location(backup))
    if problems:
        raise DatabaseError(f"{backup} is not a good backup ({problems[0]}); nothing was changed")
    if db.database_version(backup) < 1:
        raise DatabaseError(f"{backup} holds no sg-assess records, not a complete database; nothing was changed")
    return backup


def restore(database: Path, backup: Path, *, reason: str | None = None, actor: str = "", role: str = "",
            clock: Any = None) -> Path:
    """Replace ``database`` with ``backup`` after checking it; return where the current file was kept.

    A restore that takes an assessment back from signed off or loses later changes is refused unless a
    ``reason`` is given; every restore is recorded in the restored database (``restore_log``), with a
    "restored" event in the history of each affected assessment that is still editable.
    """
    database = Path(os.path.abspath(Path(database).expanduser()))
    require_regular(database, "the database", error=DatabaseError)  # a FIFO would hang, a device be replaced
    backup = check_backup(backup)
    if backup.resolve() == database.resolve():
        raise UsageError("that is the database itself; choose a backup file")
    reason = (reason or "").strip() or None
    healthy = database.exists() and not db.check_database(db.Location(database))
    impact = restore_impact(database, backup) if healthy else RestoreImpact()
    if impact and not reason:
        raise Refused(f"{impact.describe()}; nothing was changed: give --reason TEXT to restore anyway")
    kept = backup_dir(database) / f"before-restore-{dt.datetime.now():%Y%m%d-%H%M%S-%f}.db"
    if database.exists():
        if not kept.parent.exists():
            kept.parent.mkdir(parents=True, mode=0o700)
        if healthy:
            copy_database(database, kept)
        else:  # a damaged database cannot be read by the backup API: keep its bytes as they are
            with atomic_target(kept) as tmp:
                tmp.write_bytes(database.read_bytes())
    with closing(sqlite3.connect(db.sqlite_uri(backup, "ro"), uri=True)) as src:
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
    _record_restore(database, backup, kept if database.exists() and kept.exists() else None, reason, actor, role,
                    impact, clock)
    return kept


def _record_restore(database: Path, backup: Path, kept: Path | None, reason: str | None, actor: str, role: str,
                    impact: RestoreImpact, clock: Any) -> None:
    with Store.open(database, **({"clock": clock} if clock else {})) as store:
        store.record_restore(source=str(backup), kept=None if kept is None else str(kept), reason=reason,
                             actor=actor or "unknown", role=role, affected=impact.affected)
