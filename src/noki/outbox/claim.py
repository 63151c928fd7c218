"""Claiming due outbox messages: SKIP LOCKED on PostgreSQL, compare-and-set on SQLite."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Engine, and_, or_, update
from sqlmodel import col, select

from noki.db import is_postgres
from noki.db.clock import utcnow
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
        and_(col(OutboxMessage.status) == "sending", col(OutboxMessage.lease_until) < now),
    )


def claim(engine: Engine, *, worker: str, limit: int, lease_seconds: float,
          message_ids: Callable[[str | None], str] | None = None) -> list[Claimed]:
    """Take up to `limit` due messages; each is leased to this worker until sent or expired.

    message_ids(industry) gives each e-mail without one its Message-ID in the same transaction
    (kept for retries, so a repeated send is recognisably the same mail).
    """
    now = utcnow()
    token = f"{worker}:{uuid.uuid4().hex[:12]}"
    lease = now + timedelta(seconds=lease_seconds)
    # Only approved drafts are sendable: a superseded (stale) draft never leaves.
    approved = col(DraftRow.status) == "approved"
    pick = (
        select(OutboxMessage.id)
        .join(DraftRow, col(DraftRow.id) == col(OutboxMessage.draft_id))
        .where(approved, _sendable(now))
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
    )
    if is_postgres(engine):
        # Rows another worker holds are skipped, not waited for: workers on many machines share.
        pick = pick.with_for_update(skip_locked=True, of=OutboxMessage)
    # One statement claims the batch (on SQLite the single writer makes it atomic as well).
    stmt = (
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(pick), _sendable(now))
        .values(
            status="sending",
            lease_until=lease,
            claimed_by=token,
            handed_at=None,  # a taken-over message is handed off again by its new holder
            attempts=col(OutboxMessage.attempts) + 1,
        )
        .returning(
            col(OutboxMessage.id),
            col(OutboxMessage.draft_id),
            col(OutboxMessage.order_id),
            col(OutboxMessage.channel),
            col(OutboxMessage.recipient),
            col(OutboxMessage.subject),
            col(OutboxMessage.body),
            col(OutboxMessage.attempts),
            col(OutboxMessage.message_id),
            col(OutboxMessage.in_reply_to),
            col(OutboxMessage.references),
            col(OutboxMessage.inquiry_id),
        )
    )
    with engine.begin() as conn:
        rows = conn.execute(stmt).all()
        wanted = sorted({r[2] for r in rows})
        industries = dict(conn.execute(
            select(OrderRow.order_id, OrderRow.industry).where(col(OrderRow.order_id).in_(wanted))
        ).all()) if wanted else {}
        assigned: dict[int, str] = {}
        for r in rows:
            if message_ids is not None and r[3] == "email" and r[8] is None:
                assigned[int(r[0] or 0)] = mid = message_ids(industries.get(r[2]))
                conn.execute(update(OutboxMessage).where(col(OutboxMessage.id) == r[0])
                             .values(message_id=mid))
    out = [
        Claimed(
            id=int(r[0] or 0),
            draft_id=r[1],
            order_id=r[2],
            channel=r[3],
            recipient=r[4],
            subject=r[5],
            body=r[6],
            attempts=r[7],
            token=token,
            started_at=now,
            message_id=assigned.get(int(r[0] or 0), r[8]),
            in_reply_to=r[9],
            references=tuple(r[10] or ()),
            inquiry_id=r[11],
            industry=industries.get(r[2]),
        )
        for r in rows
    ]
    return sorted(out, key=lambda c: c.id)
