"""KPI tables: the per-order KPI projection, its refresh marks, sales-control recommendations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from noki.db.clock import utcnow


class KpiOrderFact(SQLModel, table=True):
    """One order's KPI facts, projected from orders/decisions/timeline/outbox (noki.domain.kpi).

    The order payload and decisions are JSON: reading them for every KPI query would parse a
    million documents (15 s on PostgreSQL), so each order is projected once when it changes.
    """

    __tablename__ = "kpi_order_facts"
    __table_args__ = (
        Index("ix_kpi_facts_ordered_week", "ordered_week"),
        Index("ix_kpi_facts_closed_week", "closed_week"),
        Index("ix_kpi_facts_sku_open", "sku_id", "closed_on"),
        Index("ix_kpi_facts_ordered_on", "ordered_on"),
        Index("ix_kpi_facts_closed_on", "closed_on"),
    )
    order_id: str = Field(primary_key=True, max_length=64)
    sku_id: str = Field(max_length=64)
    supplier: str = Field(max_length=64)
    industry: str = Field(max_length=10)
    segment: str = Field(max_length=20)
    channel: str = Field(max_length=20)
    quantity: int
    value_jpy: int = Field(sa_column=Column(BigInteger, nullable=False))
    ordered_on: date  # the backorder starts on the order date
    ordered_week: date  # Monday of ordered_on's ISO week
    created_at: datetime  # when noki learned of the backorder
    state: str = Field(max_length=20)
    closed_on: date | None = None  # Tokyo date of orders.closed_at
    closed_week: date | None = None
    first_sent_at: datetime | None = None  # the first notice that left (outbox sent)
    eta_slips: int = 0  # ETA moved later after the first one (eta_history)
    eta_confidence: str = Field(default="medium", max_length=10)  # the current ETA's
    communicated_latest: date | None = None  # eta.latest the last notice before closing told
    partial: bool = False  # at least one partial shipment
    offered: str = Field(default="", max_length=120)  # ",wait,substitute," options offered
    choice: str | None = Field(default=None, max_length=20)
    refreshed_at: datetime = Field(default_factory=utcnow)


class KpiRefreshMark(SQLModel, table=True):
    """How far the projection has read each source (ids only grow; a margin is re-read)."""

    __tablename__ = "kpi_refresh_marks"
    source: str = Field(primary_key=True, max_length=30)
    last_id: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    # rows with ids in (last_id - MARGIN, last_id] when last_id was read: while that count
    # stays the same, no transaction committed late below the mark
    margin_rows: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    updated_at: datetime = Field(default_factory=utcnow)


class SalesControlRow(SQLModel, table=True):
    """A SKU's sales-control recommendation and its approval / push / lift history."""

    __tablename__ = "sales_control"
    __table_args__ = (
        UniqueConstraint("sku_id", name="uq_sales_control_sku"),
        Index("ix_sales_control_status", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    sku_id: str = Field(max_length=64)
    # The rules' latest recommendation for the SKU (none when no rule fires any more).
    recommendation: str = Field(max_length=30)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    rule_id: str | None = Field(default=None, max_length=120)
    rules_version: str = Field(default="", max_length=80)
    facts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    # pending: awaits a supervisor | approved: pushed (or queued) | rejected | lifted (the
    # active control was withdrawn and pushed) | cleared (withdrawn before it was approved)
    status: str = Field(default="pending", max_length=12)
    active: str = Field(default="none", max_length=30)  # what the storefront applies now
    row_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    evaluated_on: date | None = None
    decided_by: str | None = Field(default=None, max_length=80)
    decided_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
