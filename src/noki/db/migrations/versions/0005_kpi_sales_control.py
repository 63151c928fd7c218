"""kpi: per-order KPI projection, its refresh marks, sales-control recommendations

Revision ID: 0005_kpi
Revises: 0004_lifecycle
Create Date: 2026-12-02 01:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_kpi"
down_revision = "0004_lifecycle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kpi_order_facts",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("sku_id", sa.String(length=64), nullable=False),
        sa.Column("supplier", sa.String(length=64), nullable=False),
        sa.Column("industry", sa.String(length=10), nullable=False),
        sa.Column("segment", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("value_jpy", sa.BigInteger(), nullable=False),
        sa.Column("ordered_on", sa.Date(), nullable=False),
        sa.Column("ordered_week", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_week", sa.Date(), nullable=True),
        sa.Column("first_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("eta_slips", sa.Integer(), nullable=False),
        sa.Column("eta_confidence", sa.String(length=10), nullable=False),
        sa.Column("communicated_latest", sa.Date(), nullable=True),
        sa.Column("partial", sa.Boolean(), nullable=False),
        sa.Column("offered", sa.String(length=120), nullable=False),
        sa.Column("choice", sa.String(length=20), nullable=True),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("order_id"),
    )
    op.create_index("ix_kpi_facts_ordered_week", "kpi_order_facts", ["ordered_week"])
    op.create_index("ix_kpi_facts_closed_week", "kpi_order_facts", ["closed_week"])
    op.create_index("ix_kpi_facts_sku_open", "kpi_order_facts", ["sku_id", "closed_on"])

    op.create_table(
        "kpi_refresh_marks",
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source"),
    )

    op.create_table(
        "sales_control",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sku_id", sa.String(length=64), nullable=False),
        sa.Column("recommendation", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("rule_id", sa.String(length=120), nullable=True),
        sa.Column("rules_version", sa.String(length=80), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("active", sa.String(length=30), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("evaluated_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sku_id", name="uq_sales_control_sku"),
    )
    op.create_index("ix_sales_control_status", "sales_control", ["status"])


def downgrade() -> None:
    op.drop_table("sales_control")
    op.drop_table("kpi_refresh_marks")
    op.drop_table("kpi_order_facts")
