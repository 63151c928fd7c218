"""The sender: claims due messages, sends, records each attempt, retries, dead-letters."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, Engine, insert, text, update
from sqlmodel import col

from noki.db import is_postgres
from noki.db.clock import utcnow
from noki.db.models import AuditEvent, DeliveryAttempt, DraftRow, OutboxMessage
from noki.messaging import Channels, Outgoing, Receipt, SendError
from noki.outbox.claim import Claimed, claim

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
        self._pg = is_postgres(engine)
        self._conn: Connection | None = None

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

    def close(self) -> None:
        """Release the senders' connections and the database connection."""
        self.channels.close()
        if self._conn is not None:
            self._conn.close()
            self._conn = None

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
        self.close()

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
        # The result of each message is committed right after its send: a crash can repeat at
        # most the message in flight. On PostgreSQL it is one statement, one round trip.
        if self._pg:
            self._sent_pg(msg, receipt)
            return
        with self.engine.begin() as conn:
            conn.execute(insert(DeliveryAttempt).values(_attempt(msg, self.name, ok=True)))
            hit = conn.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == msg.id, col(OutboxMessage.claimed_by) == msg.token)
                .values(
                    status="sent",
                    sent_at=utcnow(),
                    lease_until=None,
                    last_error=None,
                    segments=receipt.segments,
                    provider_ref=receipt.provider_ref,
                )
            )
            if hit.rowcount != 1:
                return  # our lease expired and another worker took over
            conn.execute(
                update(DraftRow)
                .where(col(DraftRow.id) == msg.draft_id, col(DraftRow.status) == "approved")
                .values(status="sent")
            )
            conn.execute(
                insert(AuditEvent).values(
                    _event(
                        msg,
                        self.name,
                        "sent",
                        channel=msg.channel,
                        attempt=msg.attempts,
                        segments=receipt.segments,
                    )
                )
            )

    def _sent_pg(self, msg: Claimed, receipt: Receipt) -> None:
        now = utcnow()
        params = {
            "id": msg.id,
            "token": msg.token,
            "now": now,
            "segments": receipt.segments,
            "ref": receipt.provider_ref,
            "draft_id": msg.draft_id,
            "attempt": msg.attempts,
            "worker": self.name,
            "started": msg.started_at,
            "actor": f"sender:{self.name}",
            "order_id": msg.order_id,
            "detail": json.dumps(
                {"channel": msg.channel, "attempt": msg.attempts, "segments": receipt.segments}
            ),
        }
        if self._conn is None:  # one autocommit connection per worker: one round trip per message
            self._conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            self._conn.execute(_SENT_PG, params)
        except Exception:
            self._conn.invalidate()
            self._conn = None
            raise

    def _failed(self, msg: Claimed, error: str) -> None:
        dead = msg.attempts >= self.policy.max_attempts
        with self.engine.begin() as conn:
            conn.execute(
                insert(DeliveryAttempt).values(_attempt(msg, self.name, ok=False, error=error))
            )
            hit = conn.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == msg.id, col(OutboxMessage.claimed_by) == msg.token)
                .values(
                    status="dead" if dead else "pending",
                    last_error=error[:2000],
                    lease_until=None,
                    next_attempt_at=utcnow() + timedelta(seconds=self.policy.delay(msg.attempts)),
                )
            )
            if hit.rowcount == 1:
                conn.execute(
                    insert(AuditEvent).values(
                        _event(
                            msg,
                            self.name,
                            "failed",
                            attempt=msg.attempts,
                            dead=dead,
                            error=error[:500],
                        )
                    )
                )


_SENT_PG = text(
    """
    WITH m AS (
        UPDATE outbox_messages SET status = 'sent', sent_at = :now, lease_until = NULL,
               last_error = NULL, segments = :segments, provider_ref = :ref
        WHERE id = :id AND claimed_by = :token RETURNING id),
    d AS (
        UPDATE drafts SET status = 'sent'
        WHERE id = :draft_id AND status = 'approved' AND EXISTS (SELECT 1 FROM m)),
    a AS (
        INSERT INTO delivery_attempts
               (message_id, attempt_no, worker, ok, error, started_at, finished_at)
        VALUES (:id, :attempt, :worker, true, NULL, :started, :now))
    INSERT INTO audit_events (at, actor, action, order_id, draft_id, message_id, detail)
    SELECT :now, :actor, 'sent', :order_id, :draft_id, m.id, CAST(:detail AS json) FROM m
    """
)


def _event(msg: Claimed, worker: str, action: str, **detail: object) -> dict[str, object]:
    return {
        "at": utcnow(),
        "actor": f"sender:{worker}",
        "action": action,
        "order_id": msg.order_id,
        "draft_id": msg.draft_id,
        "message_id": msg.id,
        "detail": detail,
    }


def _attempt(msg: Claimed, worker: str, *, ok: bool, error: str | None = None) -> dict[str, object]:
    return {
        "message_id": msg.id,
        "attempt_no": msg.attempts,
        "worker": worker,
        "ok": ok,
        "error": error,
        "started_at": msg.started_at,
        "finished_at": utcnow(),
    }
