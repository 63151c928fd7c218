"""`noki work`: draft workers for the queued draft jobs (run as many as you like, anywhere)."""

from __future__ import annotations

import os
import socket
import threading

import typer

from noki.cli.context import app_context
from noki.cli.threads import run_workers


def work(
    workers: int = typer.Option(1, min=1, help="Worker threads in this process."),
    forever: bool = typer.Option(False, "--forever", help="Keep polling instead of draining."),
) -> None:
    """Draft queued notices (model calls outside any transaction); drain and exit, or poll."""
    from noki.cli.progress import progress_bar
    from noki.services.draft_jobs import pending_count
    from noki.services.draft_worker import DraftWorker, DrainReport

    ctx = app_context()
    stop = threading.Event()
    totals: list[DrainReport] = []
    host = f"{socket.gethostname()}-{os.getpid()}"
    with progress_bar("drafting", pending_count(ctx.engine)) as advance:

        def run(i: int) -> None:
            worker = DraftWorker(ctx, name=f"{host}-{i}")
            if forever:
                worker.run_forever(stop, ctx.settings.draft_interval_seconds)
            else:
                totals.append(worker.drain(progress=advance))

        run_workers(ctx, workers, run, stop)
    stored = sum(r.stored for r in totals)
    dropped = sum(r.dropped for r in totals)
    failed = sum(r.failed for r in totals)
    typer.echo(f"drafts stored: {stored}, dropped (superseded): {dropped}, failed: {failed}")


def register(app: typer.Typer) -> None:
    """Add `noki work` to the app."""
    app.command()(work)
