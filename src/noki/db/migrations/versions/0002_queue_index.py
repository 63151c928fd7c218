"""queue: partial index over pending drafts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")
COLUMNS = [
    "lane",
    "created_at",
    "id",
    "industry",
    "compensation",
    "check_ok",
    "drafter",
    "approval",
]


def upgrade() -> None:
    op.drop_index("ix_drafts_queue", table_name="drafts")
    op.create_index(
        "ix_drafts_pending", "drafts", COLUMNS, postgresql_where=PENDING, sqlite_where=PENDING
    )


def downgrade() -> None:
    op.drop_index("ix_drafts_pending", table_name="drafts")
    op.create_index("ix_drafts_queue", "drafts", ["status", "lane", "created_at"])
