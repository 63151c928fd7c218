"""Persistence: SQLModel tables, engine/session helpers and Alembic migrations."""

from typing import cast

from sqlalchemy import Table

from noki.db.engine import is_postgres, make_engine, migrate, session_scope

__all__ = ["is_postgres", "make_engine", "migrate", "session_scope", "table"]


def table(model: type) -> Table:
    """The Core table of a SQLModel class (bulk statements skip the ORM per-row work)."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]
