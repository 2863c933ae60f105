"""Alembic migrations of the store's schema for SQLite and PostgreSQL, run by `store.migrate`."""
