"""The sender: claims due messages, sends, records each attempt, retries, dead-letters."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine

from noki.db import session_scope
from noki.db.clock import utcnow
from noki.db.models import DeliveryAttempt, DraftRow, OutboxMessage
from noki.messaging import Channels, Outgoing, Receipt, SendError
from noki.outbox.claim import Claimed, claim
from noki.services import audit

log = logging.getLogger(__name__)


@dataclass
class Policy:
    """Retry policy and batch size."""

    max_attempts: int = 5
    backoff_seconds: float = 30.0
    backoff_max_seconds: float = 3600.0
    lease_seconds: float = 120.0
    batch_size: int = 20

    def delay(self, attempts: int) -> float:
        """Exponential backoff after the given number of failed attempts."""
        return min(self.backoff_seconds * 2 ** max(0, attempts - 1), self.backoff_max_seconds)


class Worker:
    """One sender; several may run at once (threads, processes or machines)."""

    def __init__(self, engine: Engine, channels: Channels, *, name: str, policy: Policy) -> None:
        self.engine, self.channels, self.name, self.policy = engine, channels, name, policy

    def run_once(self) -> int:
        """Claim one batch and deliver it; returns how many messages were attempted."""
        batch = claim(
            self.engine,
            worker=self.name,
            limit=self.policy.batch_size,
            lease_seconds=self.policy.lease_seconds,
        )
        for msg in batch:
            self._deliver(msg)
        return len(batch)

    def drain(self) -> int:
        """Run batches until nothing is due; returns the total attempted."""
        total = 0
        while n := self.run_once():
            total += n
        return total

    def run_forever(self, stop: threading.Event, interval: float) -> None:
        """Deliver until stop is set, sleeping `interval` when the queue is empty."""
        while not stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # keep the sender alive; the error is logged
                log.exception("sender %s: batch failed", self.name)
                busy = 0
            if not busy:
                stop.wait(interval)
        self.channels.close()

    def _deliver(self, msg: Claimed) -> None:
        out = Outgoing(msg.id, msg.channel, msg.recipient, msg.subject, msg.body)
        try:
            receipt = self.channels.for_channel(msg.channel).send(out)
        except SendError as exc:
            self._failed(msg, str(exc))
        except Exception as exc:  # an adapter bug must not leave the message leased forever
            log.exception("sender %s: message %s", self.name, msg.id)
            self._failed(msg, f"{type(exc).__name__}: {exc}")
        else:
            self._sent(msg, receipt)

    def _sent(self, msg: Claimed, receipt: Receipt) -> None:
        with session_scope(self.engine) as s:
            s.add(_attempt(msg, self.name, ok=True))
            row = s.get(OutboxMessage, msg.id)
            if row is None or row.claimed_by != msg.token:
                return  # our lease expired and another worker took over
            row.status, row.sent_at, row.lease_until = "sent", utcnow(), None
            row.segments, row.provider_ref, row.last_error = (
                receipt.segments,
                receipt.provider_ref,
                None,
            )
            s.add(row)
            draft = s.get(DraftRow, msg.draft_id)
            if draft is not None and draft.status == "approved":
                draft.status = "sent"
                s.add(draft)
            audit.record(
                s,
                actor=f"sender:{self.name}",
                action="sent",
                order_id=msg.order_id,
                draft_id=msg.draft_id,
                message_id=msg.id,
                channel=msg.channel,
                attempt=msg.attempts,
                segments=receipt.segments,
            )

    def _failed(self, msg: Claimed, error: str) -> None:
        with session_scope(self.engine) as s:
            s.add(_attempt(msg, self.name, ok=False, error=error))
            row = s.get(OutboxMessage, msg.id)
            if row is None or row.claimed_by != msg.token:
                return
            dead = msg.attempts >= self.policy.max_attempts
            row.status = "dead" if dead else "pending"
            row.last_error, row.lease_until = error[:2000], None
            row.next_attempt_at = utcnow() + timedelta(seconds=self.policy.delay(msg.attempts))
            s.add(row)
            audit.record(
                s,
                actor=f"sender:{self.name}",
                action="failed",
                order_id=msg.order_id,
                draft_id=msg.draft_id,
                message_id=msg.id,
                attempt=msg.attempts,
                dead=dead,
                error=error[:500],
            )


def _attempt(msg: Claimed, worker: str, *, ok: bool, error: str | None = None) -> DeliveryAttempt:
    return DeliveryAttempt(
        message_id=msg.id,
        attempt_no=msg.attempts,
        worker=worker,
        ok=ok,
        error=error,
        started_at=msg.started_at,
    )
