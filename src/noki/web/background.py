"""The server's background work: the sender, the ticker and draft workers, each a thread."""

from __future__ import annotations

import logging
import threading

from noki.app import AppContext
from noki.outbox.senders import build_senders
from noki.services.draft_worker import DraftWorker
from noki.services.tick import tick

log = logging.getLogger(__name__)


class Background:
    """Starts the sender and ticker threads; stop() ends both."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx, self.settings = ctx, ctx.settings
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start both threads (daemon: they never block shutdown)."""
        worker = build_senders(self.ctx, name="server")  # notices and webhooks
        self.threads = [
            threading.Thread(
                target=worker.run_forever,
                args=(self.stop_event, self.settings.sender_interval_seconds),
                name="noki-sender",
                daemon=True,
            ),
            threading.Thread(target=self._tick_loop, name="noki-ticker", daemon=True),
        ]
        for i in range(self.settings.draft_workers):
            drafter = DraftWorker(self.ctx, name=f"server-drafts-{i}")
            self.threads.append(
                threading.Thread(
                    target=drafter.run_forever,
                    args=(self.stop_event, self.settings.draft_interval_seconds),
                    name=f"noki-drafts-{i}",
                    daemon=True,
                )
            )
        for t in self.threads:
            t.start()

    def _tick_loop(self) -> None:
        while not self.stop_event.is_set():
            try:
                tick(self.ctx, auto_send=self.settings.auto_send)
            except Exception:  # the ticker must survive a bad order
                log.exception("tick failed")
            self.stop_event.wait(self.settings.tick_interval_seconds)

    def stop(self) -> None:
        """Ask both threads to finish and wait a little for them."""
        self.stop_event.set()
        for t in self.threads:
            t.join(timeout=5)
