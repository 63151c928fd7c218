"""The inbound SMTP listener (aiosmtpd): accepts mail for configured addresses into the spool.

A deployment points the MX (or a relay rule) of the reply address, e.g. support@reply.example.jp,
at this listener. Mail is spooled before `250` is answered, then handed to a processor; a
processor failure never reaches the SMTP client and never loses the mail (it stays in new/).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from noki.messaging.spool import Spool

log = logging.getLogger(__name__)
HARD_LIMIT_BYTES = 50 * 1024 * 1024  # refused at DATA; smaller "too large" mail is kept and held


def address_matcher(addresses: Collection[str],
                    domains: Collection[str] = ()) -> Callable[[str], bool]:
    """Accept the configured addresses and any address at the configured domains."""
    exact = {a.lower() for a in addresses}
    doms = {d.lower().lstrip("@") for d in domains}
    return lambda rcpt: rcpt.lower() in exact or rcpt.lower().rpartition("@")[2] in doms


class InboxHandler:
    """aiosmtpd handler: RCPT filter, spool on DATA, then the processor (errors contained)."""

    def __init__(self, spool: Spool, accepts: Callable[[str], bool],
                 process: Callable[[Path, bytes], None] | None = None) -> None:
        self.spool = spool
        self.accepts = accepts
        self.process = process

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if not self.accepts(address):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        data = raw if isinstance(raw, bytes) else str(raw).encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        try:
            path = await loop.run_in_executor(None, self.spool.put, data)
        except OSError:
            log.exception("could not spool an inbound mail")
            return "451 4.3.0 Temporary failure, please retry"
        if self.process is not None:
            try:
                await loop.run_in_executor(None, self.process, path, data)
            except Exception:  # noqa: BLE001 - the mail is safe in the spool; retried later
                log.exception("processing %s failed; kept for a retry", path.name)
            else:
                self.spool.done(path)
        return "250 2.0.0 Message accepted"


def start_listener(handler: InboxHandler, *, host: str = "127.0.0.1", port: int = 2525,
                   max_bytes: int = HARD_LIMIT_BYTES, **kwargs: Any) -> Controller:
    """Start aiosmtpd in a background thread; call .stop() to end it."""
    controller = Controller(handler, hostname=host, port=port, data_size_limit=max_bytes,
                            **kwargs)
    controller.start()
    return controller
