"""The assessment store: SQLite through SQLModel, migrated by Alembic."""
