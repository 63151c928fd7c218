"""The CLI's way to Settings and the AppContext: one per command, clear errors on bad config."""

from __future__ import annotations

from datetime import date

import typer
from pydantic import ValidationError

from noki.app import AppContext
from noki.app.context import Clock
from noki.settings import Settings


def load_settings() -> Settings:
    """Settings from the environment; a bad value exits 2 naming the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]) or "settings"
            typer.echo(f"configuration: {where}: {error['msg']}", err=True)
        raise typer.Exit(2) from exc


def app_context(today: date | None = None) -> AppContext:
    """The command's application context (close it, or use it in a with block).

    `today` simulates a day: every clock of the flow (decisions, timeline, sent_at, tokens)
    reads it.
    """
    return AppContext(load_settings(), clock=None if today is None else Clock.on_day(today))
