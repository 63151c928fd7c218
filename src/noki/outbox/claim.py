"""Claiming due outbox messages through the shared leased claim (noki.db.lease)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, or_
from sqlmodel import col, select

from noki.db.lease import Lease, LeasedTable, new_lease
from noki.db.lease import claim as lease_claim
from noki.db.models import DraftRow, OutboxMessage


@dataclass(frozen=True)
class Claimed:
    """A message this worker holds a lease on."""

    id: int
    draft_id: int
    order_id: str
    channel: str
    recipient: str
    subject: str | None
    body: str
    attempts: int
    token: str
    started_at: datetime


def _sendable(now: datetime) -> ColumnElement[bool]:
    """Due for a first try or a retry, or leased by a worker that never came back."""
    return or_(
        and_(col(OutboxMessage.status) == "pending", col(OutboxMessage.next_attempt_at) <= now),
        OUTBOX.expired(now),
    )


OUTBOX = LeasedTable(OutboxMessage, "sending", _sendable)


def claim(engine: Engine, *, worker: str, limit: int, lease_seconds: float) -> list[Claimed]:
    """Take up to `limit` due messages; each is leased to this worker until sent or expired."""
    lease = new_lease(worker, lease_seconds)
    # Only approved drafts are sendable: a superseded (stale) draft never leaves.
    pick = (
        select(OutboxMessage.id)
        .join(DraftRow, col(DraftRow.id) == col(OutboxMessage.draft_id))
        .where(col(DraftRow.status) == "approved", _sendable(lease.now))
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
    )
    m = OutboxMessage
    returning = (col(m.draft_id), col(m.order_id), col(m.channel), col(m.recipient),
                 col(m.subject), col(m.body), col(m.attempts))
    return lease_claim(engine, OUTBOX, lease, pick=pick, returning=returning,
                       build=lambda _conn, rows: _claimed(rows, lease)) or []


def _claimed(rows: Sequence[Any], lease: Lease) -> list[Claimed]:
    return [
        Claimed(id=int(r[0]), draft_id=r[1], order_id=r[2], channel=r[3], recipient=r[4],
                subject=r[5], body=r[6], attempts=r[7], token=lease.token, started_at=lease.now)
        for r in rows
    ]
