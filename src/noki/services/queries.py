"""Read side for the console: the queue, one draft with its context, audit, outbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, or_
from sqlmodel import Session, col, select

from noki.db.models import (
    AuditEvent,
    DecisionRow,
    DeliveryAttempt,
    DraftRow,
    OrderRow,
    OutboxMessage,
    Review,
)

# The queue lives in its own module; these names stay importable from here.
from noki.services.queue_view import (  # noqa: E402
    AGES,
    MAX_PAGE,
    PAGE,
    QueueFilter,
    QueuePage,
    eligible_ids,
    queue,
)

__all__ = ["AGES", "MAX_PAGE", "PAGE", "QueueFilter", "QueuePage", "eligible_ids", "queue"]


@dataclass
class DraftView:
    """A draft with everything the draft page shows beside it."""

    draft: DraftRow
    order: OrderRow
    decision: dict[str, Any]
    versions: list[DraftRow]
    reviews: list[Review]
    messages: list[OutboxMessage]
    attempts: list[DeliveryAttempt]
    current_id: int | None


def draft_view(engine: Engine, draft_id: int) -> DraftView | None:
    """The draft page's data, or None."""
    with Session(engine) as s:
        draft = s.get(DraftRow, draft_id)
        if draft is None:
            return None
        order = s.get(OrderRow, draft.order_id)
        decision = s.get(DecisionRow, draft.decision_id)
        assert order is not None and decision is not None
        versions = s.exec(
            select(DraftRow)
            .where(DraftRow.root_id == draft.root_id)
            .order_by(col(DraftRow.version))
        ).all()
        ids = [v.id for v in versions]
        reviews = s.exec(
            select(Review).where(col(Review.draft_id).in_(ids)).order_by(col(Review.id))
        ).all()
        messages = s.exec(select(OutboxMessage).where(col(OutboxMessage.draft_id).in_(ids))).all()
        attempts = s.exec(
            select(DeliveryAttempt)
            .where(col(DeliveryAttempt.message_id).in_([m.id for m in messages]))
            .order_by(col(DeliveryAttempt.id))
        ).all()
        live = [v for v in versions if v.status != "replaced"]
        return DraftView(
            draft,
            order,
            decision.payload,
            list(versions),
            list(reviews),
            list(messages),
            list(attempts),
            live[-1].id if live else None,
        )


def audit_events(
    engine: Engine, *, order_id: str = "", action: str = "", limit: int = 200, offset: int = 0
) -> list[AuditEvent]:
    """Newest audit events first, optionally for one order or action."""
    with Session(engine) as s:
        q = select(AuditEvent)
        if order_id:
            q = q.where(AuditEvent.order_id == order_id)
        if action:
            q = q.where(AuditEvent.action == action)
        q = q.order_by(col(AuditEvent.id).desc()).offset(offset).limit(limit)
        return list(s.exec(q).all())


def outbox_messages(
    engine: Engine, *, status: str = "", search: str = "", limit: int = 200, offset: int = 0
) -> list[OutboxMessage]:
    """Newest outbox messages first, optionally of one status and order number or recipient."""
    with Session(engine) as s:
        q = select(OutboxMessage)
        if status:
            q = q.where(OutboxMessage.status == status)
        if search:
            q = q.where(or_(col(OutboxMessage.order_id) == search,
                            col(OutboxMessage.recipient) == search))
        q = q.order_by(col(OutboxMessage.id).desc()).offset(offset).limit(limit)
        return list(s.exec(q).all())


def outbox_counts(engine: Engine) -> dict[str, int]:
    """Messages per status."""
    with Session(engine) as s:
        rows = s.exec(
            select(OutboxMessage.status, func.count()).group_by(col(OutboxMessage.status))
        ).all()
        return {str(k): int(v) for k, v in rows}


def stored_order_documents(engine: Engine, *, limit: int = 100_000) -> list[dict[str, Any]]:
    """The validated order documents of stored orders (for `noki rules diff`)."""
    with Session(engine) as session:
        rows = session.exec(select(OrderRow.payload).order_by(OrderRow.order_id).limit(limit))
        return [dict(r) for r in rows]


def latest_version(engine: Engine, draft_id: int) -> int | None:
    """The newest open (pending or approved) draft of the same order and channel, else None."""
    with Session(engine) as s:
        row = s.get(DraftRow, draft_id)
        if row is None:
            return None
        return s.exec(
            select(DraftRow.id)
            .where(DraftRow.order_id == row.order_id, DraftRow.channel == row.channel,
                   col(DraftRow.status).in_(("pending", "approved")))
            .order_by(col(DraftRow.id).desc())
        ).first()
