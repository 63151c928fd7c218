"""Timezone-aware UTC timestamps, the one convention every table uses."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time in UTC (aware)."""
    return datetime.now(UTC)
