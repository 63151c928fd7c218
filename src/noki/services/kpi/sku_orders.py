"""A SKU's orders as the KPIs count them (the drill-down from a SKU)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from noki.db import session_scope
from noki.db.models_kpi import KpiOrderFact
from noki.services.kpi.projection import refresh

if TYPE_CHECKING:
    from noki.app.context import AppContext

LIMIT = 500


def sku_orders(ctx: AppContext, sku_id: str) -> list[dict[str, Any]]:
    """The SKU's orders, open ones first and oldest first, with their days waiting."""
    today = ctx.clock.today()
    with session_scope(ctx.engine) as s:
        refresh(s)
    with session_scope(ctx.engine) as s:
        rows = s.exec(select(KpiOrderFact).where(KpiOrderFact.sku_id == sku_id)
                      .order_by(col(KpiOrderFact.closed_on).is_not(None),
                                col(KpiOrderFact.ordered_on)).limit(LIMIT)).all()
    return [{**r.model_dump(),
             "days_waiting": ((r.closed_on or today) - r.ordered_on).days,
             "open": r.closed_on is None or r.closed_on > today} for r in rows]
