"""inq: outbox threading columns, answer drafts beside notices, FAQ proposals and entries

Revision ID: 0005_inq
Revises: 0005_self
Create Date: 2026-12-02 01:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_inq"
down_revision = "0005_self"
branch_labels = None
depends_on = None

OPEN_BEFORE = sa.text("status IN ('pending', 'approved')")
OPEN_NOTICE = sa.text("status IN ('pending', 'approved') AND kind <> 'answer'")


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("message_id", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("in_reply_to", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("references", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("inquiry_id", sa.Integer(), nullable=True))
        batch.create_unique_constraint("uq_outbox_messages_message_id", ["message_id"])
    op.create_index("ix_outbox_messages_inquiry_id", "outbox_messages", ["inquiry_id"])
    with op.batch_alter_table("inquiries") as batch:
        batch.add_column(sa.Column("answer_draft_id", sa.Integer(), nullable=True))
    # Answers are one per inquiry, not one per order: they may wait beside an open notice.
    op.drop_index("uq_drafts_open", table_name="drafts")
    op.create_index("uq_drafts_open", "drafts", ["order_id", "channel"], unique=True,
                    postgresql_where=OPEN_NOTICE, sqlite_where=OPEN_NOTICE)

    op.create_table(
        "faq_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("quotes", sa.JSON(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=True),
        sa.Column("missing", sa.JSON(), nullable=True),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reviewed_by", sa.String(length=80), nullable=True),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False, server_default="1"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index("ix_faq_proposals_status", "faq_proposals", ["status"])
    op.create_table(
        "faq_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=80), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["proposal_id"], ["faq_proposals.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entry_id", "version", name="uq_faq_entries_version"),
    )
    op.create_index("ix_faq_entries_entry_id", "faq_entries", ["entry_id"])


def downgrade() -> None:
    op.drop_index("ix_faq_entries_entry_id", table_name="faq_entries")
    op.drop_table("faq_entries")
    op.drop_index("ix_faq_proposals_status", table_name="faq_proposals")
    op.drop_table("faq_proposals")
    op.drop_index("uq_drafts_open", table_name="drafts")
    op.create_index("uq_drafts_open", "drafts", ["order_id", "channel"], unique=True,
                    postgresql_where=OPEN_BEFORE, sqlite_where=OPEN_BEFORE)
    with op.batch_alter_table("inquiries") as batch:
        batch.drop_column("answer_draft_id")
    op.drop_index("ix_outbox_messages_inquiry_id", table_name="outbox_messages")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_constraint("uq_outbox_messages_message_id", type_="unique")
        for name in ("inquiry_id", "references", "in_reply_to", "message_id"):
            batch.drop_column(name)
