"""ws: queue sort keys and assignment on drafts, sort indexes, draft presence

Revision ID: 0005_ws
Revises: 0005_rules
Create Date: 2026-12-02 01:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_ws"
down_revision = "0005_rules"
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")
SORTS = {
    "ix_drafts_q_urgency": ["urgency", "need_by", "queued_at", "id"],
    "ix_drafts_q_need_by": ["need_by", "id"],
    "ix_drafts_q_delay": ["delay_days", "id"],
    "ix_drafts_q_next_contact": ["next_contact", "id"],
    "ix_drafts_q_waiting": ["queued_at", "id"],
    "ix_drafts_assigned_to": ["assigned_to"],
}


def upgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("urgency", sa.Integer(), nullable=False, server_default="3"))
        batch.add_column(sa.Column("need_by", sa.Date(), nullable=True))
        batch.add_column(sa.Column("delay_days", sa.Integer(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("next_contact", sa.Date(), nullable=True))
        batch.add_column(sa.Column("assigned_to", sa.String(length=80), nullable=True))
    _backfill()
    with op.batch_alter_table("drafts") as batch:
        batch.alter_column("queued_at", existing_type=sa.DateTime(timezone=True),
                           nullable=False)
    for name, cols in SORTS.items():
        op.create_index(name, "drafts", cols, postgresql_where=PENDING, sqlite_where=PENDING)
    op.create_table(
        "draft_presence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("root_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("root_id", "username", name="uq_presence_root_user"),
    )
    op.create_index("ix_draft_presence_root_id", "draft_presence", ["root_id"])


def _backfill() -> None:
    """Sort keys of existing drafts from their order and decision documents."""
    bind = op.get_bind()
    urgency = ("CASE WHEN kind = 'overdue' THEN 0 WHEN lane = 'priority' THEN 1 "
               "WHEN lane = 'expedite' THEN 2 ELSE 3 END")
    if bind.dialect.name == "postgresql":
        op.execute(f"""
            UPDATE drafts d SET queued_at = d.created_at, urgency = {urgency},
              need_by = NULLIF(o.payload::jsonb ->> 'need_by', '')::date,
              delay_days = COALESCE((x.payload::jsonb ->> 'delay_days')::int, 0),
              next_contact = NULLIF(x.payload::jsonb ->> 'next_update_date', '')::date
            FROM orders o, decisions x
            WHERE o.order_id = d.order_id AND x.id = d.decision_id""")
    else:
        op.execute(f"""
            UPDATE drafts SET queued_at = created_at, urgency = {urgency},
              need_by = (SELECT json_extract(o.payload, '$.need_by') FROM orders o
                         WHERE o.order_id = drafts.order_id),
              delay_days = COALESCE((SELECT json_extract(x.payload, '$.delay_days')
                                     FROM decisions x WHERE x.id = drafts.decision_id), 0),
              next_contact = (SELECT json_extract(x.payload, '$.next_update_date')
                              FROM decisions x WHERE x.id = drafts.decision_id)""")
    op.execute("UPDATE drafts SET queued_at = created_at WHERE queued_at IS NULL")


def downgrade() -> None:
    op.drop_table("draft_presence")
    for name in SORTS:
        op.drop_index(name, table_name="drafts")
    with op.batch_alter_table("drafts") as batch:
        for col in ("assigned_to", "next_contact", "delay_days", "need_by", "urgency",
                    "queued_at"):
            batch.drop_column(col)
