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


def smtp_worker(engine: Engine, port: int, clock: object = None) -> object:
    """The real sender over SMTP at 127.0.0.1:port (SMS through the file sink is not used)."""
    from noki.messaging import Channels, FakeSender, SmtpConfig, SmtpSender
    from noki.outbox import Policy, Worker

    email = SmtpSender(SmtpConfig(host="127.0.0.1", port=port, timeout=5,
                                  sender="noki <noreply@noki.example.jp>"))
    return Worker(engine, Channels(email=email, sms=FakeSender()), name="w1",
                  policy=Policy(max_attempts=3, backoff_seconds=0.0, lease_seconds=60,
                                batch_size=10), clock=clock)  # type: ignore[arg-type]


def approve_pending(engine: Engine) -> int:
    """Approve every clean pending draft with a contact, as an agent would."""
    from noki.db.models import DraftRow
    from noki.services import review
    from noki.services.roles import Actor

    with Session(engine) as s:
        rows = s.exec(select(DraftRow).where(DraftRow.status == "pending")).all()
    n = 0
    for row in rows:
        if row.meta.get("no_contact"):
            continue
        actor = Actor("sato", "supervisor")
        review.approve(engine, draft_id=row.id, actor=actor,  # type: ignore[arg-type]
                       override_reason=None if row.check_ok else "テスト: 確認済み")
        n += 1
    return n
