"""PostgreSQL-only search indexes: declared in migration 0008_search, not on the models.

SQLite has no trigram or pattern-ops indexes and Alembic's autogenerate cannot compare
dialect-conditional indexes, so the models leave them out and autogenerate skips them here.
"""

from __future__ import annotations

from typing import Any

# The queue search (services/queue_view.search_orders) written the way these indexes need:
# the same normalised phone expression, ILIKE on name and e-mail, LIKE 'prefix%' on order_id.
PHONE_DIGITS = "replace(replace(replace(phone, '-', ''), ' ', ''), '+81', '0')"
TRIGRAM = {
    "ix_customers_name_trgm": ("customers", "name"),
    "ix_customers_email_trgm": ("customers", "email"),
    "ix_customers_phone_trgm": ("customers", f"({PHONE_DIGITS})"),
}
PATTERN = {"ix_orders_order_id_prefix": ("orders", "order_id varchar_pattern_ops")}
NAMES = frozenset({*TRIGRAM, *PATTERN})


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
                   ) -> bool:
    """Alembic autogenerate filter: the PostgreSQL-only search indexes are the migration's."""
    return not (type_ == "index" and reflected and name in NAMES)
