"""draft_jobs: drafting queued with each decision, claimed by draft workers

Revision ID: 0003_ctx
Revises: 0002
Create Date: 2026-12-01 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_ctx"
down_revision = "0003_voc"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "draft_jobs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("order_id", sa.String(64), sa.ForeignKey("orders.order_id"), nullable=False),
        sa.Column("decision_id", sa.Integer(), sa.ForeignKey("decisions.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("first", sa.Boolean(), nullable=False),
        sa.Column("auto_send", sa.Boolean(), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(80), nullable=True),
        sa.Column("error", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_draft_jobs_order_id", "draft_jobs", ["order_id"])
    op.create_index("ix_draft_jobs_claim", "draft_jobs", ["status", "id"])


def downgrade() -> None:
    op.drop_index("ix_draft_jobs_claim", table_name="draft_jobs")
    op.drop_index("ix_draft_jobs_order_id", table_name="draft_jobs")
    op.drop_table("draft_jobs")
