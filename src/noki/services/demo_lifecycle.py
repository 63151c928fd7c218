"""Demo orders in several lifecycle states (through apply_events) and one working link."""

from __future__ import annotations

from sqlmodel import col, select

from noki.app import AppContext
from noki.db import session_scope
from noki.db.models import DecisionRow, OrderRow
from noki.services.self_service import self_service_url


def _open_orders(ctx: AppContext, limit: int = 200) -> list[tuple[str, list[str]]]:
    with session_scope(ctx.engine) as s:
        ids = s.exec(select(OrderRow.order_id).where(OrderRow.status == "open")
                     .order_by(col(OrderRow.order_id)).limit(limit)).all()
        out = []
        for order_id in ids:
            d = s.exec(select(DecisionRow).where(DecisionRow.order_id == order_id)
                       .order_by(col(DecisionRow.id).desc())).first()
            out.append((order_id, list(d.payload.get("options", [])) if d else []))
        return out


def seed_lifecycle(ctx: AppContext) -> tuple[dict[str, str], str | None]:
    """Move a few sample orders on (allocated, shipped, cancelled, substitute chosen).

    Returns {state: order_id} of the moved orders and the self-service link of an order that
    still waits for the customer's choice (None when no sample order offers options).
    """
    from noki.services.lifecycle_events import apply_events

    orders = _open_orders(ctx)
    plan: list[tuple[str, dict[str, object]]] = [
        ("allocated", {}),
        ("shipped", {"tracking_number": "4821-0937-5561", "carrier": "ヤマト運輸"}),
        ("cancelled", {"reason": "お客様のご都合", "refund_jpy": 0}),
    ]
    moved: dict[str, str] = {}
    rest = list(orders)
    for kind, fields in plan:
        order_id, _ = rest.pop(0)
        result = apply_events(ctx, [{"kind": kind, "order_id": order_id,
                                     "event_id": f"demo-{kind}-{order_id}", **fields}],
                              actor="demo", source="demo")
        if result.applied or result.duplicates:
            moved[kind] = order_id
    chooser = next(((o, opts) for o, opts in rest if "substitute" in opts), None)
    if chooser is not None:
        rest.remove(chooser)
        result = apply_events(ctx, [{"kind": "choice", "order_id": chooser[0],
                                     "option": "substitute", "chosen_by": "agent",
                                     "event_id": f"demo-choice-{chooser[0]}"}],
                              actor="demo", source="demo")
        if result.applied or result.duplicates:
            moved["substituted"] = chooser[0]
    waiting = next((o for o, opts in rest if len(opts) > 1), None)
    return moved, (self_service_url(ctx, waiting) if waiting else None)
