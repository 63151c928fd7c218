"""Helpers shared by tests in several folders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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

