"""Lifecycle tables: applied events, the order timeline, the compensation ledger, short links."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from noki.db.clock import utcnow


class OrderEventRow(SQLModel, table=True):
    """An OMS/WMS/supplier/customer event, stored once per event_id (re-posts are no-ops)."""

    __tablename__ = "order_events"
    __table_args__ = (Index("ix_order_events_kind_received", "kind", "received_at"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(unique=True, index=True, max_length=100)
    kind: str = Field(max_length=20)  # noki.domain.lifecycle.states.EventKind
    order_id: str | None = Field(default=None, index=True, max_length=64)  # None: sku/po ETA
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    source: str = Field(default="oms", max_length=40)
    actor: str = Field(default="system", max_length=80)
    occurred_at: datetime | None = None
    received_at: datetime = Field(default_factory=utcnow)
    orders_affected: int = 0


class TimelineEntry(SQLModel, table=True):
    """Append-only story of one order: events, states, decisions, notices, choices, grants."""

    __tablename__ = "order_timeline"
    __table_args__ = (
        Index("ix_order_timeline_order_at", "order_id", "at", "id"),
        Index("ix_order_timeline_kind_at", "kind", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    order_id: str = Field(foreign_key="orders.order_id", max_length=64)
    at: datetime = Field(default_factory=utcnow)
    # event | state | decision | draft | review | message | choice | grant | escalation
    # | webhook | note
    kind: str = Field(max_length=20)
    actor: str = Field(default="system", max_length=80)
    source: str | None = Field(default=None, max_length=40)
    state_from: str | None = Field(default=None, max_length=20)
    state_to: str | None = Field(default=None, max_length=20)
    ref: str | None = Field(default=None, max_length=100)  # event_id, draft/message/decision id
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class CompensationGrantRow(SQLModel, table=True):
    """One ledger line: a compensation stated by a sent notice, once per decision and kind."""

    __tablename__ = "compensation_grants"
    __table_args__ = (
        UniqueConstraint("order_id", "decision_id", "type", name="uq_grants_decision_type"),
        Index("ix_compensation_grants_granted_at", "granted_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    order_id: str = Field(foreign_key="orders.order_id", index=True, max_length=64)
    type: str = Field(max_length=20)
    amount_jpy: int | None = None
    decision_id: int = Field(foreign_key="decisions.id")
    rule_id: str | None = Field(default=None, max_length=120)
    draft_id: int | None = None
    message_id: int | None = None
    granted_at: datetime = Field(default_factory=utcnow)


class SelfServiceLinkRow(SQLModel, table=True):
    """A short self-service link: an unguessable random code that opens one order until a day."""

    __tablename__ = "self_service_links"
    code: str = Field(primary_key=True, max_length=16)
    order_id: str = Field(foreign_key="orders.order_id", index=True, max_length=64)
    expires_on: date  # the last Tokyo day the link opens the page
    created_at: datetime = Field(default_factory=utcnow)
