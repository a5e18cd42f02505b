"""The store as the app uses it: a database failure on any call is one line, never a traceback.

The store turns write failures into ``DatabaseError`` lines itself (``db.write_connection``); a read that
fails because the team database's server went away raises SQLAlchemy's own error, which a worker would
not catch (``except SgError``) and which would stop the app.  Every call made through ``GuardedStore``
turns such an error into ``ServerUnreachable`` (the connection went: try again) or ``DatabaseError``.
"""

from __future__ import annotations

import functools
from typing import Any


class GuardedStore:
    """Wraps a ``Store``: every method call's SQLAlchemy error becomes an ``SgError`` with one line."""

    def __init__(self, store: Any) -> None:
        self._store = store

    @property
    def unwrapped(self) -> Any:
        return self._store

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if name.startswith("_") or not callable(attr):
            return attr

        @functools.wraps(attr)
        def call(*args: Any, **kwargs: Any) -> Any:
            from sqlalchemy.exc import SQLAlchemyError

            try:
                return attr(*args, **kwargs)
            except SQLAlchemyError as exc:
                raise translate(exc) from None

        return call

    def __enter__(self) -> GuardedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self._store.close()


def translate(exc: BaseException) -> Exception:
    """The one line for a database failure that reached the app: unreachable (retry) or not."""
    from sg_assess.errors import DatabaseError
    from sg_assess.store import db
    from sg_assess.store.postgres import ServerUnreachable

    if db.lost_connection(exc):
        return ServerUnreachable("the team database cannot be reached (the connection was lost); what you typed "
                                 "is kept, try again in a moment")
    return DatabaseError(db.explain_failure(exc))
