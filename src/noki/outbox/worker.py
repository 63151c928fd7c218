"""The sender: claims due messages, sends, records each attempt, retries, dead-letters."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, insert, select, update
from sqlmodel import col

from noki.app.context import Clock
from noki.app.worker_loop import BatchWorker
from noki.db.clock import utcnow
from noki.db.lease import renew
from noki.db.models import AuditEvent, DeliveryAttempt, DraftRow, OutboxMessage
from noki.messaging import Channels, Outgoing, Receipt, SendError
from noki.outbox import ledger, threading_ids
from noki.outbox.claim import OUTBOX, Claimed, claim

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Policy:
    """Retry policy, lease and batch size of a sender (outbox messages, webhooks)."""

    max_attempts: int = 5
    backoff_seconds: float = 30.0
    backoff_max_seconds: float = 3600.0
    lease_seconds: float = 120.0
    batch_size: int = 20

    def delay(self, attempts: int) -> float:
        """Exponential backoff after the given number of failed attempts."""
        return min(self.backoff_seconds * 2 ** max(0, attempts - 1), self.backoff_max_seconds)


class Worker(BatchWorker[int]):
    """One sender; several may run at once (threads, processes or machines).

    Its report is the number of messages attempted. Each message: claim (leased) -> transport
    hand-off (no transaction open) -> its result committed at once (`_sent` / `_failed`).
    """

    def __init__(self, engine: Engine, channels: Channels, *, name: str, policy: Policy,
                 verify: Callable[[Claimed], list[str]] | None = None,
                 clock: Clock | None = None) -> None:
        self.engine, self.channels, self.name, self.policy = engine, channels, name, policy
        # Judges the text on the sending day (services.stale_drafts.handoff_check): reasons
        # given -> the message is not handed over and its draft goes back to review.
        self.verify = verify
        # Business time (sent_at, the ledger): a simulated day when `noki send --today` runs.
        # Leases and retries stay on the real clock: they are about processes, not days.
        self.clock = clock or Clock()
        self.report = 0

    def new_report(self) -> int:
        """Nothing attempted yet."""
        return 0

    def run_once(self) -> int:
        """Claim one batch and deliver it; returns how many messages were attempted."""
        batch = claim(
            self.engine,
            worker=self.name,
            limit=self.policy.batch_size,
            lease_seconds=self.policy.lease_seconds,
            message_ids=self._new_message_id,
        )
        for msg in batch:
            self._deliver(msg)
        self.report += len(batch)
        return len(batch)

    def _new_message_id(self, industry: str | None) -> str:
        ids = self.channels.identities
        return ids.new_message_id(ids.for_industry(industry))

    def close(self) -> None:
        """Release the senders' connections."""
        self.channels.close()

    def _deliver(self, msg: Claimed) -> None:
        if self.verify is not None:
            reasons = self.verify(msg)
            if reasons:
                self._held(msg, reasons)
                return
        # Compare-and-set right before the hand-off: the lease must still be ours (renewed for
        # this one send); if it ran out and another sender took the message, leave it to them.
        if not renew(self.engine, OUTBOX, msg.id, msg.token, self.policy.lease_seconds):
            return
        identity = (self.channels.identities.for_industry(msg.industry)
                    if msg.channel == "email" else None)
        out = Outgoing(msg.id, msg.channel, msg.recipient, msg.subject, msg.body,
                       message_id=msg.message_id, in_reply_to=msg.in_reply_to,
                       references=msg.references,
                       sender=identity.from_header() if identity else None,
                       reply_to=identity.reply_to if identity else None)
        if not self._hand_off(msg):
            return  # cancelled after the claim (a closing event) or taken over: never sent
        try:
            receipt = self.channels.for_channel(msg.channel).send(out)
        except SendError as exc:
            self._failed(msg, str(exc))
        except Exception as exc:  # an adapter bug must not leave the message leased forever
            log.exception("sender %s: message %s", self.name, msg.id)
            self._failed(msg, f"{type(exc).__name__}: {exc}")
        else:
            self._sent(msg, receipt)

    def _hand_off(self, msg: Claimed) -> bool:
        """The compare-and-set right before the transport: still ours, still sending.

        A closing event cancels claimed messages too, but never one marked handed_at: either
        the cancel commits first (this finds `cancelled` and sends nothing) or this does
        (the message is in flight and is sent).
        """
        with self.engine.begin() as conn:
            hit = conn.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == msg.id,
                       col(OutboxMessage.claimed_by) == msg.token,
                       col(OutboxMessage.status) == "sending")
                .values(handed_at=utcnow())
            )
            if hit.rowcount == 1:
                return True
            conn.execute(insert(AuditEvent).values(
                _event(msg, self.name, "not_handed_off", reason="cancelled or taken over")))
            return False

    def _sent(self, msg: Claimed, receipt: Receipt) -> None:
        # The one place a message becomes "sent". Its result is committed right after its send:
        # a crash can repeat at most the message in flight.
        with self.engine.begin() as conn:
            conn.execute(insert(DeliveryAttempt).values(_attempt(msg, self.name, ok=True)))
            hit = conn.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == msg.id, OUTBOX.held(msg.token))
                .values(
                    status="sent",
                    sent_at=(sent_at := self.clock.now()),
                    lease_until=None,
                    last_error=None,
                    segments=receipt.segments,
                    provider_ref=receipt.provider_ref,
                )
            )
            if hit.rowcount != 1:
                return  # our lease expired and another worker took over
            threading_ids.record_sent(conn, msg)  # reply linking; an answer stops its SLA clock
            ledger.record_sent(conn, msg, at=sent_at, worker=self.name)
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

    def _held(self, msg: Claimed, reasons: list[str]) -> None:
        """Not handed over: the text became untrue; the draft goes back to review with why."""
        reason = "送信日に内容が古くなっていました: " + "; ".join(reasons)
        with self.engine.begin() as conn:
            hit = conn.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == msg.id, col(OutboxMessage.claimed_by) == msg.token,
                       col(OutboxMessage.status) == "sending")
                .values(status="cancelled", lease_until=None, last_error=reason[:2000])
            )
            if hit.rowcount != 1:
                return  # our lease expired and another worker took over
            draft = conn.execute(
                select(col(DraftRow.row_version), col(DraftRow.violations), col(DraftRow.meta))
                .where(col(DraftRow.id) == msg.draft_id)
            ).first()
            if draft is not None:
                stale = {"code": "stale_on_send_day", "detail": reason, "start": None,
                         "end": None, "part": None}
                # Compare-and-set: only the approved version we saw goes back to review.
                conn.execute(
                    update(DraftRow)
                    .where(col(DraftRow.id) == msg.draft_id, col(DraftRow.status) == "approved",
                           col(DraftRow.row_version) == draft.row_version)
                    .values(status="pending", check_ok=False,
                            violations=[*(draft.violations or []), stale],
                            meta={**(draft.meta or {}), "held_stale": reasons},
                            row_version=draft.row_version + 1)
                )
            conn.execute(insert(AuditEvent).values(
                _event(msg, self.name, "held_stale", reasons=reasons)))

    def _failed(self, msg: Claimed, error: str) -> None:
        dead = msg.attempts >= self.policy.max_attempts
        with self.engine.begin() as conn:
            conn.execute(
                insert(DeliveryAttempt).values(_attempt(msg, self.name, ok=False, error=error))
            )
            hit = conn.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == msg.id, OUTBOX.held(msg.token))
                .values(
                    status="dead" if dead else "pending",
                    last_error=error[:2000],
                    lease_until=None,
                    handed_at=None,
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
