"""short self-service links (self_service_links): an SMS fits one segment with its link

Revision ID: 0006_links
Revises: 0005_ws
Create Date: 2026-12-02 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_links"
down_revision = "0005_ws"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "self_service_links",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.order_id"]),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_index("ix_self_service_links_order_id", "self_service_links", ["order_id"])


def downgrade() -> None:
    op.drop_table("self_service_links")
