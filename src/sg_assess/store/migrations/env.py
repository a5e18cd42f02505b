"""Alembic environment: sg-assess always passes an open connection in ``config.attributes``."""

from alembic import context

from sg_assess.store import models  # noqa: F401 - registers the tables on the metadata
from sqlmodel import SQLModel

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only for developers running 'alembic' by hand
    raise SystemExit("run migrations through sg-assess (they need an open connection)")

context.configure(connection=connection, target_metadata=SQLModel.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
