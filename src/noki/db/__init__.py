"""Persistence: SQLModel tables, engine/session helpers and Alembic migrations."""

from noki.db.engine import is_postgres, make_engine, migrate, session_scope

__all__ = ["is_postgres", "make_engine", "migrate", "session_scope"]
