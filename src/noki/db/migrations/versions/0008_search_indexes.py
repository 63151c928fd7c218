"""search: queue indexes for 100,000 pending drafts

The pending-draft index also covers channel and order_id; orders are indexed by (state,
order_id) and (sku_id, order_id); on PostgreSQL trigram indexes serve the name / e-mail /
phone search and a pattern-ops index the order-number prefix.

Revision ID: 0008_search
Revises: 0007_kpi_rollups
Create Date: 2026-12-02 08:20:00
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

from noki.db.search_indexes import PATTERN, TRIGRAM

revision = "0008_search"
down_revision = "0007_kpi_rollups"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


PENDING = sa.text("status = 'pending'")
PENDING_COLUMNS = ["lane", "created_at", "id", "industry", "compensation", "check_ok",
                   "drafter", "approval"]


def upgrade() -> None:
    op.drop_index("ix_drafts_pending", table_name="drafts")
    op.create_index("ix_drafts_pending", "drafts", [*PENDING_COLUMNS, "channel", "order_id"],
                    postgresql_where=PENDING, sqlite_where=PENDING)
    op.drop_index("ix_orders_state", table_name="orders")
    op.create_index("ix_orders_state_order", "orders", ["state", "order_id"])
    op.drop_index("ix_orders_sku_id", table_name="orders")
    op.create_index("ix_orders_sku_order", "orders", ["sku_id", "order_id"])
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return  # no trigram or pattern-ops indexes in SQLite (the embedded default)
    # A database collation other than "C" keeps LIKE 'EC-0001%' off the primary key.
    for name, (table, expr) in PATTERN.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({expr})")
    if not _trigram_available(bind):
        log.warning("pg_trgm is not available: the queue's name/e-mail/phone search scans "
                    "the customers table (ask the DBA to CREATE EXTENSION pg_trgm, then "
                    "re-run this migration's statements)")
        return
    for name, (table, expr) in TRIGRAM.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expr} gin_trgm_ops)")


def _trigram_available(bind: sa.Connection) -> bool:
    """True when pg_trgm is installed, or could be installed by this role."""
    if bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first():
        return True
    try:
        with bind.begin_nested():  # a refused CREATE EXTENSION must not abort the migration
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        return True
    except sa.exc.DBAPIError:
        return False


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in (*TRIGRAM, *PATTERN):
            op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_index("ix_orders_sku_order", table_name="orders")
    op.create_index("ix_orders_sku_id", "orders", ["sku_id"])
    op.drop_index("ix_orders_state_order", table_name="orders")
    op.create_index("ix_orders_state", "orders", ["state"])
    op.drop_index("ix_drafts_pending", table_name="drafts")
    op.create_index("ix_drafts_pending", "drafts", PENDING_COLUMNS,
                    postgresql_where=PENDING, sqlite_where=PENDING)
