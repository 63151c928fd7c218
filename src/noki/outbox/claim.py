"""Claiming due outbox messages: SKIP LOCKED on PostgreSQL, compare-and-set on SQLite."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Engine, and_, or_, update
from sqlmodel import col, select

from noki.db import is_postgres
from noki.db.clock import utcnow
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
        and_(col(OutboxMessage.status) == "sending", col(OutboxMessage.lease_until) < now),
    )


def claim(engine: Engine, *, worker: str, limit: int, lease_seconds: float) -> list[Claimed]:
    """Take up to `limit` due messages; each is leased to this worker until sent or expired."""
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
        )
    )
    with engine.begin() as conn:
        rows = conn.execute(stmt).all()
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
        )
        for r in rows
    ]
    return sorted(out, key=lambda c: c.id)
