"""Orders and helpers for the lifecycle flow tests (real databases)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from noki.db.models import OrderRow
from noki.services.order_input import OrderIn

BASE: dict[str, Any] = {
    "order_id": "EC-L1", "industry": "ec", "channel": "web", "as_of": "2026-11-25",
    "ordered_at": "2026-11-10", "promised_date": "2026-11-20",
    "eta": {"earliest": "2026-12-01", "latest": "2026-12-05", "confidence": "medium"},
    "delay_reason": "supplier_delay", "quantity": 3, "unit_price_jpy": 4000,
    "sku": {"sku_id": "EC-AUD-1", "name": "ワイヤレスイヤホン",
            "substitutes": ["EC-AUD-2"]},
    "customer": {"customer_id": "C1", "name": "山田 花子", "orders_count": 5,
                 "contact": {"email": "hanako@example.jp", "phone": "090-1234-5678"}},
}


def order_in(order_id: str = "EC-L1", **changes: Any) -> OrderIn:
    """A late EC order (15 days: a coupon) with e-mail and phone."""
    return OrderIn.model_validate({**BASE, "order_id": order_id, **changes})


def order_row(engine: Engine, order_id: str) -> OrderRow:
    with Session(engine) as s:
        row = s.get(OrderRow, order_id)
        assert row is not None
        return row


def count(engine: Engine, model: type, *where: object) -> int:
    with Session(engine) as s:
        return int(s.exec(select(func.count()).select_from(model).where(*where)).one())
