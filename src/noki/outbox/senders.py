"""The messages sender and the webhook sender run as one: `noki send` and the server use it."""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from noki.app.context import AppContext
from noki.outbox import Worker, policy_from
from noki.outbox.webhooks import WebhookConfig, WebhookWorker

log = logging.getLogger(__name__)


class _Sender(Protocol):
    def run_once(self) -> int: ...
    def close(self) -> None: ...


class Senders:
    """Runs each sender's batch in turn (notices first, then webhooks)."""

    def __init__(self, *senders: _Sender) -> None:
        self.senders = senders

    def run_once(self) -> int:
        """One batch of each; returns how many items were attempted in total."""
        return sum(s.run_once() for s in self.senders)

    def drain(self) -> int:
        """Run batches until nothing is due anywhere."""
        total = 0
        while n := self.run_once():
            total += n
        return total

    def run_forever(self, stop: threading.Event, interval: float) -> None:
        """Deliver until stop is set, sleeping `interval` when nothing is due."""
        while not stop.is_set():
            busy = 0
            for sender in self.senders:
                try:
                    busy += sender.run_once()
                except Exception:  # one failing sender must not stop the other
                    log.exception("sender batch failed")
            if not busy:
                stop.wait(interval)
        self.close()

    def close(self) -> None:
        """Release every sender's connections."""
        for sender in self.senders:
            sender.close()


def build_senders(ctx: AppContext, *, name: str) -> Senders:
    """The notice sender (channels from settings) and the webhook sender, for one thread."""
    notices = Worker(ctx.engine, ctx.channels(), name=name, policy=policy_from(ctx.settings),
                     clock=ctx.clock)
    hooks = WebhookWorker(ctx.engine, WebhookConfig.from_settings(ctx.settings), name=name)
    return Senders(notices, hooks)
