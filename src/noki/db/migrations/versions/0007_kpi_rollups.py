"""kpi rollups: per-week / per-day group sums, open stats, ETA slips, grants kept at refresh

Revision ID: 0007_kpi_rollups
Revises: 0006_links
Create Date: 2026-12-03 08:30:00

The tables start empty; the first projection refresh after this migration fills them from
kpi_order_facts and eta_history (noki.services.kpi.rollups.rebuild).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_kpi_rollups"
down_revision = "0006_links"
branch_labels = None
depends_on = None

COUNTS = ("ordered", "slipped", "contacted",
          *(f"{k}_{o}" for o in ("wait", "substitute", "partial_shipment", "reschedule",
                                 "cancel_refund") for k in ("offered", "chosen")),
          "closed", "cancelled", "partial", "shipped", "promised", "on_time", "grants")
ZERO = "ordered = 0 AND closed = 0 AND grants = 0"


def _counts(*names: str) -> list[sa.Column]:
    return [sa.Column(n, sa.Integer(), nullable=False) for n in names]


def _zero_index(name: str, tbl: str, where: str) -> None:
    op.create_index(name, tbl, ["dim"], postgresql_where=sa.text(where),
                    sqlite_where=sa.text(where))


def upgrade() -> None:
    op.create_table(
        "kpi_rollup_counts",
        sa.Column("dim", sa.String(length=10), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        *_counts(*COUNTS),
        sa.Column("compensation_jpy", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("dim", "week", "key"),
    )
    _zero_index("ix_kpi_rollup_counts_zero", "kpi_rollup_counts", ZERO)
    op.create_table(
        "kpi_order_grants",
        sa.Column("grant_id", sa.BigInteger(), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("amount_jpy", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("grant_id"),
    )
    op.create_index("ix_kpi_order_grants_order_id", "kpi_order_grants", ["order_id"])
    op.create_table(
        "kpi_rollup_backlog",
        sa.Column("dim", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=False),
        sa.Column("ordered_on", sa.Date(), nullable=False),
        *_counts("n"),
        sa.Column("value_jpy", sa.BigInteger(), nullable=False),
        *_counts("slipped", "n_low", "n_medium"),
        sa.PrimaryKeyConstraint("dim", "key", "closed_on", "ordered_on"),
    )
    _zero_index("ix_kpi_rollup_backlog_zero", "kpi_rollup_backlog", "n = 0")
    op.create_table(
        "kpi_rollup_contact",
        sa.Column("dim", sa.String(length=10), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("minutes", sa.BigInteger(), nullable=False),
        *_counts("n"),
        sa.PrimaryKeyConstraint("dim", "week", "key", "minutes"),
    )
    _zero_index("ix_kpi_rollup_contact_zero", "kpi_rollup_contact", "n = 0")
    op.create_table(
        "kpi_open_stats",
        sa.Column("dim", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        *_counts("n"),
        sa.Column("value_jpy", sa.BigInteger(), nullable=False),
        *_counts("slipped", "n_low", "n_medium"),
        sa.Column("oldest", sa.Date(), nullable=False),
        sa.Column("median_lo", sa.Date(), nullable=False),
        sa.Column("median_hi", sa.Date(), nullable=True),
        *_counts("median_rem"),
        sa.Column("p90_lo", sa.Date(), nullable=False),
        sa.Column("p90_hi", sa.Date(), nullable=True),
        *_counts("p90_rem"),
        sa.PrimaryKeyConstraint("dim", "key"),
    )
    op.create_table(
        "kpi_eta_slips",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("sku_id", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("order_id", "seq"),
    )
    op.create_index("ix_kpi_eta_slips_recorded", "kpi_eta_slips", ["recorded_at", "sku_id"])
    with op.batch_alter_table("kpi_refresh_marks") as batch:
        batch.add_column(sa.Column("margin_rows", sa.Integer(), nullable=False,
                                   server_default="0"))
    op.create_index("ix_kpi_facts_ordered_on", "kpi_order_facts", ["ordered_on"])
    op.create_index("ix_kpi_facts_closed_on", "kpi_order_facts", ["closed_on"])


def downgrade() -> None:
    with op.batch_alter_table("kpi_refresh_marks") as batch:
        batch.drop_column("margin_rows")
    op.drop_index("ix_kpi_facts_closed_on", table_name="kpi_order_facts")
    op.drop_index("ix_kpi_facts_ordered_on", table_name="kpi_order_facts")
    for name in ("kpi_eta_slips", "kpi_open_stats", "kpi_order_grants", "kpi_rollup_contact",
                 "kpi_rollup_backlog", "kpi_rollup_counts"):
        op.drop_table(name)
