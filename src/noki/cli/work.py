"""`noki work`: draft workers for the queued draft jobs (run as many as you like, anywhere)."""

from __future__ import annotations

import os
import socket

import typer

from noki.cli.context import app_context
from noki.cli.threads import run_pool


def work(
    workers: int = typer.Option(1, min=1, help="Worker threads in this process."),
    forever: bool = typer.Option(False, "--forever", help="Keep polling instead of draining."),
) -> None:
    """Draft queued notices (model calls outside any transaction); drain and exit, or poll."""
    from noki.cli.progress import progress_bar
    from noki.services.draft_jobs import pending_count
    from noki.services.draft_worker import DraftWorker, DrainReport

    ctx = app_context()
    host = f"{socket.gethostname()}-{os.getpid()}"
    with progress_bar("drafting", pending_count(ctx.engine)) as advance:
        totals: list[DrainReport] = run_pool(
            ctx, lambda i: DraftWorker(ctx, name=f"{host}-{i}"), workers=workers,
            forever=forever, interval=ctx.settings.draft_interval_seconds, progress=advance)
    stored = sum(r.stored for r in totals)
    dropped = sum(r.dropped for r in totals)
    failed = sum(r.failed for r in totals)
    typer.echo(f"drafts stored: {stored}, dropped (superseded): {dropped}, failed: {failed}")


def register(app: typer.Typer) -> None:
    """Add `noki work` to the app."""
    app.command()(work)
