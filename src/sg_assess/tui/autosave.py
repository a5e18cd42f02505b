"""Autosave: answers are saved at most ``delay`` seconds after typing pauses, off the UI thread.

Pending answers stay in memory until the store confirms them.  A failed save
keeps them pending, reports the problem and tries again; nothing is dropped.
This module knows nothing of widgets: it is driven by ``note`` and ``flush``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sg_assess.errors import Refused, SgError, ValidationError
from sg_assess.records import Conflict

SaveFn = Callable[[str, Any, Any], Any]  # (question id, value, value last seen stored) -> truthy or a Conflict


@dataclass(frozen=True)
class Failure:
    reason: str
    retry: bool  # a full disk, a lock or a lost server may clear; a refused value will not
    unreachable: bool = False  # the team database's server could not be reached


@dataclass
class SaveState:
    last_saved: dt.datetime | None = None
    pending: int = 0
    error: str | None = None
    failed: dict[str, str] = field(default_factory=dict)  # question id -> why it could not be saved
    unreachable: bool = False  # the last attempt failed because the team database could not be reached
    permanent: bool = False  # every failure is a refusal or an invalid value: trying again cannot save it


class Autosaver:
    def __init__(self, save: SaveFn, *, delay: float = 1.0, retry: float = 5.0,
                 on_state: Callable[[SaveState], None] | None = None,
                 on_conflict: Callable[[Any], None] | None = None, stored: dict[str, Any] | None = None):
        self._save = save
        self._on_conflict = on_conflict or (lambda conflict: None)
        # What this editor last saw stored, per question: a save that finds something else there is a conflict.
        self._stored: dict[str, Any] = dict(stored or {})
        self.delay = delay
        self.retry = retry
        self._on_state = on_state or (lambda state: None)
        self._pending: dict[str, Any] = {}
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sg-autosave")
        self._timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.state = SaveState()

    @property
    def pending(self) -> dict[str, Any]:
        """Answers typed but not yet confirmed saved (a copy)."""
        return dict(self._pending)

    def note(self, question_id: str, value: Any) -> None:
        """An answer changed: save it once typing pauses."""
        self._pending[question_id] = value
        self._schedule(self.delay)
        self._publish()

    def flush(self) -> None:
        """Save every pending answer now, in the background."""
        self._cancel_timer()
        if not self._pending:
            return
        snapshot = dict(self._pending)
        future = self._executor.submit(self._save_all, snapshot)
        loop = self._event_loop()
        future.add_done_callback(lambda f: loop.call_soon_threadsafe(self._finished, snapshot, f))

    def flush_sync(self, timeout: float = 15.0) -> bool:
        """Save every pending answer before returning (quit, signals); True if all were saved."""
        self._cancel_timer()
        snapshot = dict(self._pending)
        if snapshot:
            future = self._executor.submit(self._save_all, snapshot)
            try:
                results = future.result(timeout=timeout)
            except TimeoutError:  # a server that does not answer: the answers stay pending, and are retried
                self._schedule(self.retry)
                return False
            self._apply(snapshot, results)
        return not self._pending

    def close(self) -> bool:
        try:
            return self.flush_sync()
        finally:
            self._executor.shutdown(wait=True)

    # -- internals --------------------------------------------------------------------

    def _save_all(self, snapshot: dict[str, Any]) -> dict[str, Any]:
        """Runs on the saver thread: question id -> None when saved, a Conflict, or a Failure."""
        results: dict[str, Any] = {}
        for qid, value in snapshot.items():
            try:
                outcome = self._save(qid, value, self._stored.get(qid))
                if isinstance(outcome, Conflict):
                    self._stored[qid] = outcome.saved_value
                    results[qid] = outcome
                else:
                    self._stored[qid] = value
                    results[qid] = None
            except (ValidationError, Refused) as exc:  # the value, or who may change it: trying again cannot help
                results[qid] = Failure(str(exc), retry=False)
            except (SgError, OSError) as exc:
                unreachable = type(exc).__name__ == "ServerUnreachable"  # store/postgres.py
                results[qid] = Failure(str(exc), retry=True, unreachable=unreachable)
                if unreachable:
                    # The server is gone: the answers after this one would only wait for the same timeout,
                    # and must be saved after it, in the order typed, once it is back.
                    for rest in list(snapshot)[list(snapshot).index(qid) + 1:]:
                        results[rest] = Failure(str(exc), retry=True, unreachable=True)
                    break
        return results

    def _finished(self, snapshot: dict[str, Any], future: Future) -> None:
        try:
            results = future.result()
        except Exception as exc:  # noqa: BLE001 - an unforeseen failure must still keep the text and say so
            results = {qid: Failure(f"saving failed unexpectedly ({type(exc).__name__})", retry=True) for qid in snapshot}
        self._apply(snapshot, results)

    def _apply(self, snapshot: dict[str, Any], results: dict[str, Any]) -> None:
        retry = False
        self.state.unreachable = any(isinstance(r, Failure) and r.unreachable for r in results.values())
        for qid, failure in results.items():
            if isinstance(failure, Conflict):  # saved, with both versions kept
                self._on_conflict(failure)
                failure = None
            if failure is None:
                if qid in self._pending and self._pending[qid] == snapshot[qid]:
                    del self._pending[qid]  # typed again meanwhile? then it stays pending
                self.state.failed.pop(qid, None)
                self.state.last_saved = dt.datetime.now()
            else:
                self.state.failed[qid] = failure.reason
                retry = retry or failure.retry
        self.state.error = next(iter(self.state.failed.values()), None)
        self.state.permanent = bool(self.state.failed) and not retry
        if retry:
            self._schedule(self.retry)
        self._publish()

    def _publish(self) -> None:
        self.state.pending = len(self._pending)
        self._on_state(self.state)

    def _event_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        return self._loop

    def _schedule(self, delay: float) -> None:
        self._cancel_timer()
        self._timer = self._event_loop().call_later(delay, self.flush)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

