"""Message-IDs of sent e-mails recorded when sent; an answer sent stops its inquiry's SLA clock."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update
from sqlmodel import col

from noki.db.clock import utcnow
from noki.db.models import InquiryRow, SentMessageId
from noki.outbox.claim import Claimed


def record_sent(conn: Connection, msg: Claimed) -> None:
    """Inside the sender's "sent" transaction: remember the Message-ID for reply linking, and
    stop the SLA clock of the inquiry an answer replies to (first response only)."""
    now = utcnow()
    if msg.message_id:
        known = conn.execute(select(SentMessageId.message_id).where(  # type: ignore[call-overload]
            col(SentMessageId.message_id) == msg.message_id)).first()
        if known is None:
            conn.execute(insert(SentMessageId).values(
                message_id=msg.message_id, order_id=msg.order_id, outbox_id=msg.id,
                inquiry_id=msg.inquiry_id, created_at=now))
    if msg.inquiry_id is not None:
        conn.execute(
            update(InquiryRow)
            .where(col(InquiryRow.id) == msg.inquiry_id,
                   col(InquiryRow.first_response_at).is_(None))
            .values(first_response_at=now, state="answered",
                    row_version=col(InquiryRow.row_version) + 1))
