"""The messages sender and the webhook sender run as one: `noki send` and the server use it."""

from __future__ import annotations

import logging

from noki.app.context import AppContext
from noki.app.worker_loop import BatchWorker
from noki.outbox import Worker, policy_from
from noki.outbox.webhooks import WebhookConfig, WebhookWorker

log = logging.getLogger(__name__)


class Senders(BatchWorker[int]):
    """Runs each sender's batch in turn (notices first, then webhooks); reports items attempted."""

    def __init__(self, *senders: BatchWorker[int], name: str = "senders") -> None:
        self.senders, self.name, self.report = senders, name, 0

    def new_report(self) -> int:
        """Nothing attempted yet."""
        return 0

    def run_once(self) -> int:
        """One batch of each; returns how many items were attempted in total."""
        busy = 0
        for sender in self.senders:
            try:
                busy += sender.run_once()
            except Exception:  # one failing sender must not stop the other
                log.exception("sender %s: batch failed", sender.name)
        self.report += busy
        return busy

    def close(self) -> None:
        """Release every sender's connections."""
        for sender in self.senders:
            sender.close()


def build_senders(ctx: AppContext, *, name: str) -> Senders:
    """The notice sender (channels from settings) and the webhook sender, for one thread."""
    from noki.services.stale_drafts import handoff_check  # services import the outbox

    notices = Worker(ctx.engine, ctx.channels(), name=name, policy=policy_from(ctx.settings),
                     verify=handoff_check(ctx), clock=ctx.clock)  # the (simulated) day
    hooks = WebhookWorker(ctx.engine, WebhookConfig.from_settings(ctx.settings), name=name)
    return Senders(notices, hooks, name=name)
