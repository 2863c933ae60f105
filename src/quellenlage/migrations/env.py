"""Alembic environment: migrates the connection that `quellenlage.store.migrate` hands over.

New revisions are written by hand beside `versions/0001_initial.py`; the tests check on SQLite and
PostgreSQL that the migrated schema is exactly `quellenlage.store.metadata`.
"""

from __future__ import annotations

from alembic import context

from quellenlage.store import metadata, schema_object_included

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=metadata,
    include_name=schema_object_included,
)
with context.begin_transaction():
    context.run_migrations()
