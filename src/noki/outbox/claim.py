"""Claiming due outbox messages: SKIP LOCKED on PostgreSQL, compare-and-set on SQLite."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Engine, and_, or_, update
from sqlmodel import Session, col, select

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
    base = (
        select(OutboxMessage)
        .join(DraftRow, col(DraftRow.id) == col(OutboxMessage.draft_id))
        .where(approved, _sendable(now))
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
    )
    out: list[Claimed] = []
    with Session(engine, expire_on_commit=False) as s:
        if is_postgres(engine):
            rows = s.exec(base.with_for_update(skip_locked=True, of=OutboxMessage)).all()
            for m in rows:
                m.status, m.lease_until, m.claimed_by = "sending", lease, token
                m.attempts += 1
                s.add(m)
            s.commit()
            return [_claimed(m, token, now) for m in rows]
        # SQLite serialises writers: a conditional UPDATE per candidate is the claim.
        candidates = s.exec(base).all()
        s.expunge_all()  # plain snapshots: nothing here may be flushed back
        s.rollback()
        for m in candidates:
            hit = s.execute(
                update(OutboxMessage)
                .where(
                    col(OutboxMessage.id) == m.id,
                    col(OutboxMessage.draft_id).in_(select(DraftRow.id).where(approved)),
                    _sendable(now),
                )
                .values(
                    status="sending",
                    lease_until=lease,
                    claimed_by=token,
                    attempts=col(OutboxMessage.attempts) + 1,
                )
            )
            s.commit()
            if hit.rowcount == 1:  # type: ignore[attr-defined]
                m.attempts += 1
                out.append(_claimed(m, token, now))
    return out


def _claimed(m: OutboxMessage, token: str, now: datetime) -> Claimed:
    assert m.id is not None
    return Claimed(
        id=m.id,
        draft_id=m.draft_id,
        order_id=m.order_id,
        channel=m.channel,
        recipient=m.recipient,
        subject=m.subject,
        body=m.body,
        attempts=m.attempts,
        token=token,
        started_at=now,
    )
