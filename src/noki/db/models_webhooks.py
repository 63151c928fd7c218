"""The signed-webhook outbox: one row per (topic, key), delivered by `noki send`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from noki.db.clock import utcnow


class WebhookMessage(SQLModel, table=True):
    """A JSON POST to a partner system (OMS, storefront), signed with HMAC-SHA256."""

    __tablename__ = "webhook_messages"
    __table_args__ = (
        UniqueConstraint("topic", "key", name="uq_webhook_topic_key"),
        Index("ix_webhook_due", "status", "next_attempt_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    topic: str = Field(max_length=60)  # e.g. oms.choice, storefront.sales_control
    key: str = Field(max_length=200)  # idempotency key within the topic
    order_id: str | None = Field(default=None, index=True, max_length=64)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    # The exact bytes sent (UTF-8 JSON), fixed at enqueue: every retry signs the same body.
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=10)  # pending|sending|sent|dead
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    lease_until: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=80)
    last_error: str | None = None
    last_status: int | None = None  # HTTP status of the last answer
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
