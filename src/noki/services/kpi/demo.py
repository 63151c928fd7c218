"""Demo states for the KPI page: some sample orders move through their lifecycle by events.

`noki demo` ingests backordered sample orders only; the KPI page needs shipped, cancelled,
partially shipped, allocated and substituted ones too, and one SKU whose ETA slipped three
times within 14 days (the sales-control rules then recommend stopping its sales).
Everything goes through `apply_events`, like events from the OMS would.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from noki.db import session_scope
from noki.db.models import OrderRow

if TYPE_CHECKING:
    from noki.app.context import AppContext

PER_STATE = 8


def _events(row: OrderRow, step: int) -> list[dict[str, Any]]:
    oid, qty = row.order_id, int(row.payload.get("quantity", 1))
    base = f"kpi-demo-{oid}"
    if step == 0:
        return [{"event_id": f"{base}-ship", "kind": "shipped", "order_id": oid,
                 "tracking_number": f"TRK{oid[-6:]}", "carrier": "ヤマト運輸"}]
    if step == 1:
        value = qty * int(row.payload.get("unit_price_jpy", 0))
        return [{"event_id": f"{base}-cancel", "kind": "cancelled", "order_id": oid,
                 "reason": "お客様のご希望", "refund_jpy": value}]
    if step == 2 and qty > 1:
        return [{"event_id": f"{base}-part", "kind": "partially_shipped", "order_id": oid,
                 "quantity": 1, "tracking_number": f"TRK{oid[-6:]}P"}]
    if step == 3:
        return [{"event_id": f"{base}-alloc", "kind": "allocated", "order_id": oid}]
    if step == 4:
        return [{"event_id": f"{base}-choice", "kind": "choice", "order_id": oid,
                 "option": "substitute", "chosen_by": "customer"}]
    if step == 5 and qty > 1:  # cancelled after a partial shipment
        return [{"event_id": f"{base}-part", "kind": "partially_shipped", "order_id": oid,
                 "quantity": 1, "tracking_number": f"TRK{oid[-6:]}P"},
                {"event_id": f"{base}-cancel", "kind": "cancelled", "order_id": oid,
                 "reason": "残りの入荷が未定のため", "refund_jpy": 0}]
    return []


def seed_kpi_demo(ctx: AppContext) -> dict[str, Any]:
    """Move a few orders per state and slip one SKU's ETA three times; evaluate sales control."""
    from noki.services.lifecycle_events import apply_events
    from noki.services.sales_control.store import evaluate

    with session_scope(ctx.engine) as s:
        rows = list(s.exec(select(OrderRow).where(OrderRow.state == "backordered")
                           .order_by(col(OrderRow.order_id))))
    if not rows:
        return {"events": 0}
    skus = Counter(r.sku_id for r in rows)
    slipping = skus.most_common(1)[0][0]
    events: list[dict[str, Any]] = []
    picked = [r for r in rows if r.sku_id != slipping][: PER_STATE * 6]
    for i, row in enumerate(picked):
        events += _events(row, i % 6)
    eta = next(r for r in rows if r.sku_id == slipping).payload["eta"]
    latest = date.fromisoformat(eta["latest"])
    for n in (1, 2, 3):  # the third slip within 14 days
        events.append({"event_id": f"kpi-demo-{slipping}-slip{n}", "kind": "eta",
                       "sku_id": slipping, "eta": {
                           "earliest": (latest + timedelta(days=7 * n - 3)).isoformat(),
                           "latest": (latest + timedelta(days=7 * n)).isoformat(),
                           "confidence": "low"}})
    result = apply_events(ctx, events, actor="demo", source="demo")
    report = evaluate(ctx)
    fired = [r for r in report.recommendations if r.recommendation != "none"]
    return {"events": len(result.applied), "rejected": len(result.errors), "sku": slipping,
            "recommendations": len(fired), "pending": len(report.pending)}
