"""voc: inquiries (reply mails, chat, phone notes, forms) and the Message-IDs noki sent

Revision ID: 0003_voc
Revises: 0003_race
Create Date: 2026-12-01 22:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_voc"
down_revision = "0003_race"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inquiries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("message_id", sa.String(length=300), nullable=True),
        sa.Column("in_reply_to", sa.String(length=300), nullable=True),
        sa.Column("references", sa.JSON(), nullable=True),
        sa.Column("from_addr", sa.String(length=320), nullable=False),
        sa.Column("from_name", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False, server_default=""),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("full_text", sa.Text(), nullable=False, server_default=""),
        sa.Column("mail_status", sa.String(length=12), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=True),
        sa.Column("link_method", sa.String(length=14), nullable=False),
        sa.Column("link_detail", sa.String(length=300), nullable=False),
        sa.Column("intent", sa.String(length=20), nullable=True),
        sa.Column("choice", sa.JSON(), nullable=True),
        sa.Column("injection", sa.Boolean(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=True),
        sa.Column("raw_size", sa.Integer(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=True),
        sa.Column("defects", sa.JSON(), nullable=True),
        sa.Column("spool_name", sa.String(length=200), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("row_version", sa.Integer(), nullable=False, server_default="1"),
        sa.UniqueConstraint("message_id", name="uq_inquiries_message_id"),
        sa.UniqueConstraint("external_id", name="uq_inquiries_external_id"),
    )
    op.create_index("ix_inquiries_state", "inquiries", ["state", "received_at"])
    op.create_index("ix_inquiries_order_id", "inquiries", ["order_id"])
    op.create_index("ix_inquiries_received_at", "inquiries", ["received_at"])
    op.create_table(
        "sent_message_ids",
        sa.Column("message_id", sa.String(length=300), primary_key=True),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("inquiry_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sent_message_ids_order_id", "sent_message_ids", ["order_id"])


def downgrade() -> None:
    op.drop_index("ix_sent_message_ids_order_id", table_name="sent_message_ids")
    op.drop_table("sent_message_ids")
    op.drop_index("ix_inquiries_received_at", table_name="inquiries")
    op.drop_index("ix_inquiries_order_id", table_name="inquiries")
    op.drop_index("ix_inquiries_state", table_name="inquiries")
    op.drop_table("inquiries")
