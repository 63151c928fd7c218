"""lifecycle: order state, applied events, order timeline, compensation ledger

Revision ID: 0004_lifecycle
Revises: 0003_security
Create Date: 2026-12-02 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_lifecycle"
down_revision = "0003_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("state", sa.String(length=20), nullable=False,
                                   server_default="backordered"))
        batch.add_column(sa.Column("row_version", sa.Integer(), nullable=False,
                                   server_default="1"))
        batch.add_column(sa.Column("shipped_qty", sa.Integer(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("choice", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("overdue_escalated_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_orders_state", "orders", ["state"])

    op.create_table(
        "order_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("orders_affected", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_order_events_event_id", "order_events", ["event_id"], unique=True)
    op.create_index("ix_order_events_order_id", "order_events", ["order_id"])
    op.create_index("ix_order_events_kind_received", "order_events", ["kind", "received_at"])

    op.create_table(
        "order_timeline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=True),
        sa.Column("state_from", sa.String(length=20), nullable=True),
        sa.Column("state_to", sa.String(length=20), nullable=True),
        sa.Column("ref", sa.String(length=100), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False, server_default=""),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.order_id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_order_timeline_order_at", "order_timeline", ["order_id", "at", "id"])
    op.create_index("ix_order_timeline_kind_at", "order_timeline", ["kind", "at"])

    op.create_table(
        "compensation_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("amount_jpy", sa.Integer(), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=120), nullable=True),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.order_id"]),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id", "decision_id", "type", name="uq_grants_decision_type"),
    )
    op.create_index("ix_compensation_grants_order_id", "compensation_grants", ["order_id"])
    op.create_index("ix_compensation_grants_granted_at", "compensation_grants", ["granted_at"])


def downgrade() -> None:
    op.drop_table("compensation_grants")
    op.drop_table("order_timeline")
    op.drop_table("order_events")
    op.drop_index("ix_orders_state", table_name="orders")
    with op.batch_alter_table("orders") as batch:
        for col in ("closed_at", "overdue_escalated_on", "choice", "shipped_qty",
                    "row_version", "state"):
            batch.drop_column(col)
