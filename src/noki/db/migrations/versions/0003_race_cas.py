"""race: draft row_version for compare-and-set, one open draft per order and channel

Revision ID: 0003_race
Revises: 0002
Create Date: 2026-12-01 21:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_race"
down_revision = "0002"
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('pending', 'approved')")

# Databases written before this revision may hold the duplicates the races left behind: the
# newest open draft per order and channel stays open, older ones are superseded, and messages
# that can never leave (their draft is not approved) are cancelled instead of waiting forever.
_SUPERSEDE_DUPLICATES = """
UPDATE drafts SET status = 'superseded'
WHERE status IN ('pending', 'approved') AND id < (
    SELECT MAX(d2.id) FROM drafts d2
    WHERE d2.order_id = drafts.order_id AND d2.channel = drafts.channel
      AND d2.status IN ('pending', 'approved'))
"""
_CANCEL_STUCK = """
UPDATE outbox_messages SET status = 'cancelled', last_error = 'draft no longer approved'
WHERE status = 'pending' AND draft_id IN (
    SELECT id FROM drafts WHERE status NOT IN ('approved', 'sent'))
"""


def upgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(
            sa.Column("row_version", sa.Integer(), nullable=False, server_default="1")
        )
    op.execute(_SUPERSEDE_DUPLICATES)
    op.execute(_CANCEL_STUCK)
    op.create_index(
        "uq_drafts_open",
        "drafts",
        ["order_id", "channel"],
        unique=True,
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )


def downgrade() -> None:
    op.drop_index("uq_drafts_open", table_name="drafts")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("row_version")
