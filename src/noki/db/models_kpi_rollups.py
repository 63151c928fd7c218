"""Small KPI rollups kept in step with kpi_order_facts at each refresh (noki.services.kpi).

Each row sums the projection rows of one group ("all", or one SKU, supplier, industry, segment
or channel) in one bucket. A refresh subtracts the old projection rows of the orders it
re-projects and adds the new ones, in the same transaction as the projection itself.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Index, Integer, text
from sqlmodel import Field, SQLModel

ZERO = "ordered = 0 AND closed = 0 AND grants = 0"  # a counts row with nothing in it
# closed_on of a backlog row whose orders are still open (compares later than any day)
OPEN = date(9999, 12, 31)


def _count() -> Any:
    """A count (INTEGER: PostgreSQL sums it with 64-bit integers, not numeric)."""
    return Field(default=0, sa_column=Column(Integer, nullable=False))


class KpiRollupCounts(SQLModel, table=True):
    """Per group and ISO week: the ordered cohort (ordered that week), the closed cohort and
    the ledger lines granted that week (Japan)."""

    __tablename__ = "kpi_rollup_counts"
    __table_args__ = (Index("ix_kpi_rollup_counts_zero", "dim", postgresql_where=text(ZERO),
                            sqlite_where=text(ZERO)),)
    dim: str = Field(primary_key=True, max_length=10)
    week: date = Field(primary_key=True)
    key: str = Field(primary_key=True, max_length=64)
    ordered: int = _count()
    slipped: int = _count()
    contacted: int = _count()
    offered_wait: int = _count()
    chosen_wait: int = _count()
    offered_substitute: int = _count()
    chosen_substitute: int = _count()
    offered_partial_shipment: int = _count()
    chosen_partial_shipment: int = _count()
    offered_reschedule: int = _count()
    chosen_reschedule: int = _count()
    offered_cancel_refund: int = _count()
    chosen_cancel_refund: int = _count()
    closed: int = _count()
    cancelled: int = _count()
    partial: int = _count()
    shipped: int = _count()
    promised: int = _count()
    on_time: int = _count()
    grants: int = _count()
    compensation_jpy: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))


class KpiOrderGrant(SQLModel, table=True):
    """A ledger line of a projected order with its ISO week in Japan (what the rollups hold)."""

    __tablename__ = "kpi_order_grants"
    grant_id: int = Field(primary_key=True, sa_type=BigInteger)
    order_id: str = Field(index=True, max_length=64)
    week: date
    amount_jpy: int | None = None


class KpiRollupBacklog(SQLModel, table=True):
    """Orders per (ordered_on, closed_on): every order for "all", the open ones per group.

    closed_on is OPEN (9999-12-31) for orders not closed.
    """

    __tablename__ = "kpi_rollup_backlog"
    __table_args__ = (Index("ix_kpi_rollup_backlog_zero", "dim", postgresql_where=text("n = 0"),
                            sqlite_where=text("n = 0")),)
    dim: str = Field(primary_key=True, max_length=10)
    key: str = Field(primary_key=True, max_length=64)
    closed_on: date = Field(primary_key=True)
    ordered_on: date = Field(primary_key=True)
    n: int = _count()
    value_jpy: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    slipped: int = _count()  # with eta_slips > 0
    n_low: int = _count()  # whose current ETA confidence is low
    n_medium: int = _count()  # ... medium


class KpiRollupContact(SQLModel, table=True):
    """Per group and ISO week ordered: orders by whole minutes to the first notice sent."""

    __tablename__ = "kpi_rollup_contact"
    __table_args__ = (Index("ix_kpi_rollup_contact_zero", "dim", postgresql_where=text("n = 0"),
                            sqlite_where=text("n = 0")),)
    dim: str = Field(primary_key=True, max_length=10)
    week: date = Field(primary_key=True)
    key: str = Field(primary_key=True, max_length=64)
    minutes: int = Field(primary_key=True, sa_type=BigInteger)
    n: int = _count()


class KpiEtaSlip(SQLModel, table=True):
    """One ETA slip of a projected order (an eta_history row later than the one before it)."""

    __tablename__ = "kpi_eta_slips"
    __table_args__ = (Index("ix_kpi_eta_slips_recorded", "recorded_at", "sku_id"),)
    order_id: str = Field(primary_key=True, max_length=64)
    seq: int = Field(primary_key=True)  # the slip's place among the order's slips, from 1
    sku_id: str = Field(max_length=64)  # the order's current SKU
    recorded_at: datetime


class KpiOpenStats(SQLModel, table=True):
    """Per group (not "all"): the orders not closed - sums, the oldest order day, and the
    order days at the ranks percentile_cont interpolates between for the days waiting median
    and p90 (days waiting ascending = order day descending), recomputed for the groups a
    refresh touched. Exact for any report day on which no order is open with a later order day
    and none closed after it; otherwise the queries use the backlog histogram."""

    __tablename__ = "kpi_open_stats"
    dim: str = Field(primary_key=True, max_length=10)
    key: str = Field(primary_key=True, max_length=64)
    n: int = _count()
    value_jpy: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    slipped: int = _count()
    n_low: int = _count()
    n_medium: int = _count()
    oldest: date
    median_lo: date
    median_hi: date | None = None
    median_rem: int = _count()  # ((n - 1) * 1) % 2
    p90_lo: date
    p90_hi: date | None = None
    p90_rem: int = _count()  # ((n - 1) * 9) % 10
