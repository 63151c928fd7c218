"""Helpers shared by tests in several folders."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from noki.app.context import Clock
from noki.llm.settings import LLMSettings
from noki.settings import Settings


def make_settings(database_url: str, tmp_path: Path, **overrides: object) -> Settings:
    """Test settings: the given database, files under tmp_path, no model, no background work."""
    values: dict[str, Any] = {
        "env": "test",
        "database_url": database_url,
        "session_secret": "test-secret-" + "x" * 20,
        "outbox_dir": tmp_path / "outbox",
        "voc_dir": tmp_path / "voc",
        "background_workers": False,
        "llm": LLMSettings(model=None),
        **overrides,
    }
    return Settings(**values)



SAMPLE_DAY = date(2026, 11, 25)  # the day the sample orders are written (their as_of)


def clock_on(day: date) -> Clock:
    """A clock stopped at noon in Tokyo on `day` (a simulated day, independent of the date)."""
    return Clock(lambda: datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC))
