"""The real sender: a claimed message cancelled by a closing event never leaves; the ledger."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from noki.db.models import OutboxMessage
from noki.db.models_lifecycle import CompensationGrantRow, TimelineEntry
from noki.outbox import claim
from noki.services.lifecycle_events import apply_events
from noki.services.orders import ingest
from tests.lifeflow.support import approve_pending, order_in, order_row, smtp_worker

SHIP = {"tracking_number": "1234-5678-9012", "carrier": "ヤマト運輸"}


def _messages(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as s:
        return list(s.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


def test_a_claimed_message_cancelled_by_a_closing_event_is_not_sent(
    engine: Engine, app_ctx: Any, smtp_server: Any
) -> None:
    ingest(app_ctx, [order_in()], actor="test")
    assert approve_pending(engine) == 1
    worker: Any = smtp_worker(engine, smtp_server.port)
    batch = claim(engine, worker="w1", limit=10, lease_seconds=60)
    assert [m.status for m in _messages(engine)] == ["sending"]
    r = apply_events(app_ctx, [{"event_id": "s1", "kind": "shipped", "order_id": "EC-L1",
                                **SHIP}], actor="wms", source="api")
    assert r.errors == [] and [m.status for m in _messages(engine)] == ["cancelled"]
    for msg in batch:  # the worker proceeds with what it claimed before the event
        worker._deliver(msg)
    worker.drain()
    assert smtp_server.messages == []
    assert [m.status for m in _messages(engine)] == ["cancelled"]


def test_a_claimed_message_is_sent_when_nothing_closes_the_order(
    engine: Engine, app_ctx: Any, smtp_server: Any
) -> None:
    ingest(app_ctx, [order_in()], actor="test")
    approve_pending(engine)
    worker: Any = smtp_worker(engine, smtp_server.port)
    for msg in claim(engine, worker="w1", limit=10, lease_seconds=60):
        worker._deliver(msg)
    assert len(smtp_server.messages) == 1
    assert [m.status for m in _messages(engine)] == ["sent"]


def test_three_eta_changes_grant_the_coupon_once_and_the_bonus_once(
    engine: Engine, app_ctx: Any, smtp_server: Any
) -> None:
    ingest(app_ctx, [order_in()], actor="test")
    worker: Any = smtp_worker(engine, smtp_server.port)
    latest = date(2026, 12, 5)
    for change in range(4):  # the first notice, then three later ETAs
        if change:
            latest += timedelta(days=1)
            eta = {"earliest": "2026-12-01", "latest": latest.isoformat()}
            r = apply_events(app_ctx, [{
                "event_id": f"eta-{change}", "kind": "eta", "order_id": "EC-L1", "eta": eta,
                "as_of": (date(2026, 11, 25) + timedelta(days=change)).isoformat()}],
                actor="erp", source="api")
            assert r.errors == []
        assert approve_pending(engine) == 1
        assert worker.drain() >= 1
    assert len(smtp_server.messages) == 4
    with Session(engine) as s:
        grants = s.exec(select(CompensationGrantRow)
                        .order_by(col(CompensationGrantRow.id))).all()
        lines = s.exec(select(TimelineEntry).where(TimelineEntry.kind == "grant")).all()
    assert [(g.type, g.amount_jpy) for g in grants] == [("coupon", 1000), ("coupon", 500)]
    assert all(g.message_id is not None and g.draft_id is not None for g in grants)
    assert len({g.decision_id for g in grants}) == 2 and len(lines) == 2
    # What the customer read on the later days: the coupon stated once, then only the bonus.
    bodies = [m.get_content() for m in smtp_server.messages]
    assert "1,000円" in bodies[0]
    assert "1,000円" not in bodies[1] or "前回" in bodies[1]  # told as earlier, not granted again
    assert "500円" in bodies[2]
    assert order_row(engine, "EC-L1").state == "backordered"
