"""Claiming due outbox messages through the shared leased claim (noki.db.lease)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, and_, or_, update
from sqlmodel import col, select

from noki.db.lease import Lease, LeasedTable, new_lease
from noki.db.lease import claim as lease_claim
from noki.db.models import DraftRow, OrderRow, OutboxMessage


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
    message_id: str | None = None  # our e-mail Message-ID (set before the first send)
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    inquiry_id: int | None = None  # an answer: its first sending stops the inquiry's SLA clock
    industry: str | None = None  # picks the sending identity


def _sendable(now: datetime) -> ColumnElement[bool]:
    """Due for a first try or a retry, or leased by a worker that never came back."""
    return or_(
        and_(col(OutboxMessage.status) == "pending", col(OutboxMessage.next_attempt_at) <= now),
        OUTBOX.expired(now),
    )


OUTBOX = LeasedTable(OutboxMessage, "sending", _sendable)


def claim(engine: Engine, *, worker: str, limit: int, lease_seconds: float,
          message_ids: Callable[[str | None], str] | None = None) -> list[Claimed]:
    """Take up to `limit` due messages; each is leased to this worker until sent or expired.

    message_ids(industry) gives each e-mail without one its Message-ID in the same transaction
    (kept for retries, so a repeated send is recognisably the same mail).
    """
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
                 col(m.subject), col(m.body), col(m.attempts), col(m.message_id),
                 col(m.in_reply_to), col(m.references), col(m.inquiry_id))

    def build(conn: Connection, rows: Sequence[Any]) -> list[Claimed]:
        return _claimed(conn, rows, lease, message_ids)

    return lease_claim(engine, OUTBOX, lease, pick=pick, returning=returning, build=build) or []


def _claimed(conn: Connection, rows: Sequence[Any], lease: Lease,
             message_ids: Callable[[str | None], str] | None) -> list[Claimed]:
    """The leased rows as messages, each e-mail with its Message-ID (assigned once)."""
    wanted = sorted({r[2] for r in rows})
    industries = dict(conn.execute(
        select(OrderRow.order_id, OrderRow.industry).where(col(OrderRow.order_id).in_(wanted))
    ).all())
    assigned: dict[int, str] = {}
    for r in rows:
        if message_ids is not None and r[3] == "email" and r[8] is None:
            assigned[int(r[0])] = mid = message_ids(industries.get(r[2]))
            conn.execute(update(OutboxMessage).where(col(OutboxMessage.id) == r[0])
                         .values(message_id=mid))
    return [
        Claimed(
            id=int(r[0]), draft_id=r[1], order_id=r[2], channel=r[3], recipient=r[4],
            subject=r[5], body=r[6], attempts=r[7], token=lease.token, started_at=lease.now,
            message_id=assigned.get(int(r[0]), r[8]), in_reply_to=r[9],
            references=tuple(r[10] or ()), inquiry_id=r[11], industry=industries.get(r[2]),
        )
        for r in rows
    ]
