"""CLI commands: serve, ingest orders, tick, send, users."""

from __future__ import annotations

import os
import socket
import sys
from datetime import date, datetime
from pathlib import Path

import typer

from noki.cli.context import app_context
from noki.cli.threads import run_pool

ingest_app = typer.Typer(help="Load data into the database.", no_args_is_help=True)
users_app = typer.Typer(help="Manage console accounts and API tokens.", no_args_is_help=True)


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(1)


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Run the review console and the JSON API (plus the sender and ticker in the background)."""
    import uvicorn

    from noki.web.app import create_app

    with app_context() as ctx:
        uvicorn.run(create_app(ctx), host=host, port=port, log_level="info")


@ingest_app.command("orders")
def ingest_orders(
    file: Path = typer.Argument(..., help="JSONL or CSV export ('-' for stdin)."),
    csv_format: bool = typer.Option(None, "--csv/--jsonl", help="Force the format."),
) -> None:
    """Upsert orders; each new or changed order is decided and drafted."""
    from noki.io.jsonl import LineError
    from noki.services.order_input import decode, parse_orders
    from noki.services.orders import ingest

    data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    if csv_format is None and file.suffix.lower() in (".csv", ".tsv"):
        csv_format = True
    parsed = parse_orders(decode(data), csv_format=csv_format)
    errors = [p for p in parsed if isinstance(p, LineError)]
    for err in errors:
        typer.echo(str(err), err=True)
    good = [p.value for p in parsed if not isinstance(p, LineError)]
    from noki.cli.progress import progress_bar

    with app_context() as ctx, progress_bar("ingest", len(good)) as advance:
        report = ingest(ctx, good, actor="cli", auto_send=ctx.settings.auto_send, progress=advance)
    typer.echo(
        f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
        f"drafted {report.drafted}, queued for workers {len(report.job_ids) - report.drafted}, "
        f"superseded {report.superseded}, rejected lines "
        f"{len({e.line for e in errors})}"
    )
    if errors:
        raise typer.Exit(1)


@ingest_app.command("events")
def ingest_events(
    file: Path = typer.Argument(..., help="JSONL or CSV of lifecycle events ('-' for stdin)."),
    csv_format: bool = typer.Option(None, "--csv/--jsonl", help="Force the format."),
) -> None:
    """Apply lifecycle events (eta, allocated, partially_shipped, shipped, cancelled, choice)."""
    from noki.services.event_input import read_events
    from noki.services.lifecycle_events import apply_events
    from noki.services.order_input import decode

    data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    if csv_format is None and file.suffix.lower() in (".csv", ".tsv"):
        csv_format = True
    docs, line_errors = read_events(decode(data), csv_format=csv_format)
    with app_context() as ctx:
        result = apply_events(ctx, [d for _, d in docs], actor="cli", source="cli")
    lines = [n for n, _ in docs]
    messages = [(e.line, str(e)) for e in line_errors]
    messages += [(lines[e.index], f"line {lines[e.index]}: {e}") for e in result.errors]
    for _, text in sorted(messages):
        typer.echo(text, err=True)
    typer.echo(f"applied {len(result.applied)}, duplicates {len(result.duplicates)}, "
               f"drafted {result.drafted}, rejected lines {len({n for n, _ in messages})}")
    if messages:
        raise typer.Exit(1)


TODAY_HELP = "Simulate this day (YYYY-MM-DD, Tokyo) for every clock in the flow."


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; expected YYYY-MM-DD") from None


def tick(today: str = typer.Option(None, "--today", help=TODAY_HELP)) -> None:
    """Draft follow-ups for open orders whose next update date has come; escalate overdue ones."""
    from noki.services.tick import tick_report as run_tick

    with app_context(_day(today)) as ctx:
        report = run_tick(ctx, auto_send=ctx.settings.auto_send)
        typer.echo(report.summary())


def send(
    workers: int = typer.Option(1, help="Sender threads in this process."),
    forever: bool = typer.Option(False, "--forever", help="Keep polling instead of draining."),
    today: datetime | None = typer.Option(
        None, "--today", formats=["%Y-%m-%d"],
        help="Simulate the sending day (texts are judged as read on it; sent_at, ledger)."),
) -> None:
    """Deliver due outbox messages and webhooks (drain and exit, or poll with --forever)."""
    from noki.outbox.senders import build_senders

    # A simulated day (Tokyo, the real time of day) for every clock in the flow.
    ctx = app_context(None if today is None else today.date())
    settings = ctx.settings
    host = f"{socket.gethostname()}-{os.getpid()}"
    totals = run_pool(
        ctx, lambda i: build_senders(ctx, name=f"{host}-{i}"), workers=workers,
        forever=forever, interval=settings.sender_interval_seconds,
    )
    typer.echo(f"messages and webhooks attempted: {sum(totals)}")


@users_app.command("create")
def users_create(
    username: str = typer.Argument(...),
    role: str = typer.Option(..., help="agent | supervisor | rule_author | marketing | admin"),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    name: str = typer.Option("", help="Display name."),
    update: bool = typer.Option(False, help="Reset the password/role of an existing user."),
) -> None:
    """Create a console account (argon2-hashed password)."""
    from noki.services.errors import ServiceError
    from noki.services.users import create_user

    try:
        with app_context() as ctx:
            create_user(
                ctx.engine,
                username=username,
                password=password,
                role=role,
                display_name=name,
                exist_ok=update,
            )
    except ServiceError as exc:
        _fail(str(exc))
    typer.echo(f"user {username} ({role}) saved")


@users_app.command("token")
def users_token(
    username: str = typer.Argument(...), name: str = typer.Option("api", help="Token label.")
) -> None:
    """Issue an API token for a user (printed once; send it as 'Authorization: Bearer ...')."""
    from noki.services.errors import ServiceError
    from noki.services.users import create_token

    try:
        with app_context() as ctx:
            typer.echo(create_token(ctx.engine, username=username, name=name))
    except ServiceError as exc:
        _fail(str(exc))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command()(serve)
    app.command()(tick)
    app.command()(send)
    app.add_typer(ingest_app, name="ingest")
    app.add_typer(users_app, name="users")
