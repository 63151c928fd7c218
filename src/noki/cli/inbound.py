"""`noki inbound` (the SMTP listener for customers' replies) and `noki ingest inquiries FILE`."""

from __future__ import annotations

import sys
import time
from email.utils import parseaddr
from pathlib import Path

import typer
from sqlalchemy import Engine

from noki.app import AppContext
from noki.cli.context import app_context
from noki.inbound.screen import Limits
from noki.services.faq_source import FaqSource


def _inbound(ctx: AppContext) -> tuple[Engine, FaqSource, set[str], Limits]:
    """Engine, FAQ (file + accepted entries), our own addresses (loop guard: every From noki
    sends with) and size limits from the context."""
    settings = ctx.settings
    own = {parseaddr(settings.mail_from)[1], *settings.inbound_addresses,
           *(str(v.get("address")) for v in settings.mail_identities.values() if v.get("address"))}
    limits = Limits(max_message_bytes=settings.inbound_max_bytes,
                    max_attachment_bytes=settings.inbound_max_attachment_bytes)
    return ctx.engine, ctx.faq, own, limits


def inbound(
    drain_only: bool = typer.Option(False, "--drain", help="Process the spool and exit."),
) -> None:
    """Receive replies by SMTP for the configured addresses; each becomes an inquiry."""
    with app_context() as ctx:
        _serve(ctx, drain_only)


def _serve(ctx: AppContext, drain_only: bool) -> None:
    from noki.messaging.listener import InboxHandler, address_matcher, start_listener
    from noki.messaging.spool import Spool
    from noki.services.inquiries import receive_mail

    settings = ctx.settings
    if not settings.inbound_addresses and not settings.inbound_domains and not drain_only:
        typer.echo("set NOKI_INBOUND_ADDRESSES (JSON list) or NOKI_INBOUND_DOMAINS first", err=True)
        raise typer.Exit(2)
    engine, faq, own, limits = _inbound(ctx)
    spool = Spool(settings.inbound_spool_dir)

    def process(path: Path, raw: bytes) -> None:
        got = receive_mail(engine, raw, faq=faq.index(), own_addresses=own, limits=limits,
                           spool_name=path.name, answerer=ctx.drafter.answer)
        typer.echo(f"inquiry {got.inquiry_id}{'' if got.created else ' (duplicate)'} "
                   f"from {path.name}")

    ok, failed = spool.drain(process)  # mail received while the listener was down
    if ok or failed:
        typer.echo(f"spool: {ok} processed, {failed} kept for a retry")
    if drain_only:
        return
    handler = InboxHandler(spool, address_matcher(settings.inbound_addresses,
                                                  settings.inbound_domains), process)
    controller = start_listener(handler, host=settings.inbound_host, port=settings.inbound_port,
                                max_bytes=settings.inbound_max_bytes)
    typer.echo(f"noki inbound listening on {settings.inbound_host}:{settings.inbound_port} for "
               f"{', '.join([*settings.inbound_addresses, *settings.inbound_domains])}")
    try:
        while True:
            time.sleep(60)
            spool.drain(process)  # retry what failed (e.g. the database was down)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


def ingest_inquiries(
    file: Path = typer.Argument(..., help="JSONL or CSV of inquiries ('-' for stdin)."),
    csv_format: bool = typer.Option(None, "--csv/--jsonl", help="Force the format."),
) -> None:
    """Store chat / phone / web-form inquiries; each gets an intent and an answer draft."""
    from noki.inbound.records import parse_inquiries
    from noki.io.jsonl import LineError
    from noki.services.inquiries import receive_record

    data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    if csv_format is None:
        csv_format = file.suffix.lower() == ".csv"
    rows = parse_inquiries(data.decode("utf-8-sig"), csv_format=csv_format)
    created = duplicates = 0
    with app_context() as ctx:
        engine, faq, _own, _limits = _inbound(ctx)
        for row in rows:
            if isinstance(row, LineError):
                typer.echo(f"{row} (skipped)", err=True)
                continue
            got = receive_record(engine, row.value, faq=faq.index(),
                                 answerer=ctx.drafter.answer)
            created += got.created
            duplicates += not got.created
    bad = len({r.line for r in rows if isinstance(r, LineError)})
    typer.echo(f"{created} inquiries stored, {duplicates} already known, {bad} lines skipped")
    if bad:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `noki inbound` and `noki ingest inquiries`."""
    from noki.cli.server import ingest_app

    app.command("inbound")(inbound)
    ingest_app.command("inquiries")(ingest_inquiries)
