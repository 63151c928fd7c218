"""lifecycle flow: the sender's hand-off mark, the event and freshness of a notice's draft job

Revision ID: 0005_life
Revises: 0005_inq
Create Date: 2026-12-02 01:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_life"
down_revision = "0005_inq"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("handed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("draft_jobs") as batch:
        batch.add_column(sa.Column("event_id", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("nothing_new", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("draft_jobs") as batch:
        batch.drop_column("nothing_new")
        batch.drop_column("event_id")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("handed_at")
