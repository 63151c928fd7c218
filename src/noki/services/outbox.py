"""Writing outbox messages (the sender in noki.outbox delivers them)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from noki.db.clock import utcnow
from noki.db.models import DraftRow, OrderRow, OutboxMessage
from noki.services import audit
from noki.services.errors import Conflict, NotFound
from noki.services.transitions import lock_orders, move_message


def enqueue(session: Session, draft: DraftRow, *, actor: str) -> OutboxMessage:
    """The one message for (draft version, channel); an existing one is returned as is."""
    existing = session.exec(
        select(OutboxMessage).where(
            OutboxMessage.draft_id == draft.id, OutboxMessage.channel == draft.channel
        )
    ).first()
    if existing is not None:
        return existing
    order = session.get(OrderRow, draft.order_id)
    if order is None:
        raise NotFound(f"order {draft.order_id} not found")
    contact = order.payload.get("customer", {}).get("contact", {})
    recipient = contact.get("email") if draft.channel == "email" else contact.get("phone")
    threading: dict[str, Any] = {}
    if draft.kind == "answer":  # a reply: to the customer's address, in the customer's thread
        from noki.services.answers import answer_for_outbox

        inquiry, recipient = answer_for_outbox(session, draft)
        refs = [*inquiry.references, *([inquiry.message_id] if inquiry.message_id else [])]
        threading = {"inquiry_id": inquiry.id, "in_reply_to": inquiry.message_id,
                     "references": refs or None}
    if not recipient:
        raise Conflict(f"order {draft.order_id} has no {draft.channel} contact")
    msg = OutboxMessage(
        **threading,
        draft_id=draft.id,  # type: ignore[arg-type]
        order_id=draft.order_id,
        channel=draft.channel,
        recipient=recipient,
        subject=draft.subject,
        body=draft.body,
        next_attempt_at=utcnow(),
    )
    session.add(msg)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="enqueued",
        order_id=draft.order_id,
        draft_id=draft.id,
        message_id=msg.id,
        channel=draft.channel,
    )
    return msg


def retry_dead(session: Session, message_id: int, *, actor: str) -> OutboxMessage:
    """Put a dead-lettered message back in the queue (its draft must still be approved)."""
    msg = session.get(OutboxMessage, message_id)
    if msg is None:
        raise NotFound(f"message {message_id} not found")
    lock_orders(session, [msg.order_id])  # the draft cannot be superseded while we look
    draft = session.get(DraftRow, msg.draft_id, populate_existing=True)
    if draft is None or draft.status != "approved":
        raise Conflict(f"message {message_id}: its draft is no longer approved")
    if not move_message(
        session, message_id, seen=("dead",), to="pending", attempts=0, next_attempt_at=utcnow()
    ):
        session.refresh(msg)
        raise Conflict(f"message {message_id} is {msg.status}; only dead letters can be retried")
    session.refresh(msg)
    audit.record(session, actor=actor, action="retried", order_id=msg.order_id, message_id=msg.id)
    return msg
