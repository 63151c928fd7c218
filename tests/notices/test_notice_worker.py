"""The draft worker drafts lifecycle notices from the order row, its latest event and the ledger."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from noki.app import AppContext
from noki.db.models import DecisionRow, DraftRow, OrderRow
from noki.db.models_lifecycle import CompensationGrantRow, OrderEventRow
from noki.services import draft_jobs
from noki.services.demo import sample_records
from noki.services.draft_worker import DraftWorker
from noki.services.orders import ingest
from noki.services.self_service import self_service_url
from tests.support import make_settings


def _ctx(database_url: str, engine: Engine, tmp_path: Path) -> AppContext:
    return AppContext(make_settings(database_url, tmp_path, draft_inline=False), engine=engine)


def _prepare(ctx: AppContext, engine: Engine) -> tuple[str, int]:
    """One ingested order with its first notice drafted; returns (order id, decision id)."""
    ingest(ctx, sample_records(6), actor="test")
    DraftWorker(ctx, name="w").drain()
    with Session(engine) as s:
        row = s.exec(select(DraftRow).where(DraftRow.channel == "email")
                     .order_by(col(DraftRow.id))).first()
        assert row is not None
        s.execute(update(DraftRow).where(col(DraftRow.order_id) == row.order_id)
                  .values(status="sent"))
        s.commit()
        return row.order_id, row.decision_id


def _enqueue(engine: Engine, order_id: str, decision_id: int, kind: str,
             event_id: str | None = None) -> None:
    with Session(engine) as s:
        draft_jobs.enqueue(s, [draft_jobs.NewJob(order_id, decision_id, kind,
                                                 event_id=event_id)])
        s.commit()


def test_a_partial_shipment_notice_tells_its_own_shipment(database_url, engine, tmp_path):
    with _ctx(database_url, engine, tmp_path) as ctx:
        order_id, decision_id = _prepare(ctx, engine)
        with Session(engine) as s:
            for n, tracking in ((1, "1111-2222-3333"), (2, "4444-5555-6666")):
                s.add(OrderEventRow(event_id=f"part-{n}", kind="partially_shipped",
                                    order_id=order_id,
                                    payload={"quantity": 1, "tracking_number": tracking}))
            s.execute(update(OrderRow).where(col(OrderRow.order_id) == order_id)
                      .values(state="partially_shipped", shipped_qty=2))
            s.commit()
        # The first shipment's job is drafted only after the second shipment was recorded
        # (a worker held it when the second event came): it still tells the first shipment.
        _enqueue(engine, order_id, decision_id, "partially_shipped", event_id="part-1")
        assert DraftWorker(ctx, name="w").drain().stored == 1
    with Session(engine) as s:
        draft = s.exec(select(DraftRow).where(DraftRow.kind == "partially_shipped")).one()
    assert draft.meta["notice"]["tracking_number"] == "1111-2222-3333"
    assert "1111-2222-3333" in draft.body and "4444-5555-6666" not in draft.body


def test_shipped_notice_carries_tracking_number_ledger_and_link(database_url, engine, tmp_path):
    with _ctx(database_url, engine, tmp_path) as ctx:
        order_id, decision_id = _prepare(ctx, engine)
        with Session(engine) as s:
            s.add(OrderEventRow(event_id="e-old", kind="shipped", order_id=order_id,
                                payload={"tracking_number": "1111-2222-3333",
                                         "carrier": "佐川急便"}))
            s.add(OrderEventRow(event_id="e-ship", kind="shipped", order_id=order_id,
                                payload={"tracking_number": "4821-0937-5561",
                                         "carrier": "ヤマト運輸"}))
            s.add(CompensationGrantRow(order_id=order_id, type="coupon", amount_jpy=1000,
                                       decision_id=decision_id))
            s.execute(update(OrderRow).where(col(OrderRow.order_id) == order_id)
                      .values(state="shipped", status="closed"))
            s.commit()
        _enqueue(engine, order_id, decision_id, "shipped")
        assert DraftWorker(ctx, name="w").drain().stored == 1
        link = self_service_url(ctx, order_id)  # the short link of the self-service page
    with Session(engine) as s:
        draft = s.exec(select(DraftRow).where(DraftRow.kind == "shipped")).one()
    assert "4821-0937-5561" in draft.body and "ヤマト運輸" in draft.body
    assert "1111-2222-3333" not in draft.body  # the latest event of that kind, not an older one
    assert "前回ご案内の1,000円分のクーポン" in draft.body and link in draft.body
    assert draft.check_ok, draft.violations
    assert draft.meta["notice"]["tracking_number"] == "4821-0937-5561"
    assert draft.meta["notice"]["granted"] == {"coupon": 1000}


def test_cancelled_notice_states_refund_amount_and_day(database_url, engine, tmp_path):
    with _ctx(database_url, engine, tmp_path) as ctx:
        order_id, decision_id = _prepare(ctx, engine)
        with Session(engine) as s:
            decision = s.get(DecisionRow, decision_id)
            assert decision is not None
            s.add(OrderEventRow(event_id="e-cx", kind="cancelled", order_id=order_id,
                                payload={"reason": "customer", "refund_jpy": 1200,
                                         "refund_by": "2026-12-20"}))
            s.execute(update(OrderRow).where(col(OrderRow.order_id) == order_id)
                      .values(state="cancelled", status="closed", choice="cancel_refund"))
            s.commit()
        _enqueue(engine, order_id, decision_id, "cancelled")
        DraftWorker(ctx, name="w").drain()
    with Session(engine) as s:
        draft = s.exec(select(DraftRow).where(DraftRow.kind == "cancelled")).one()
    assert "1,200円" in draft.body and "12月20日" in draft.body and "返金" in draft.body
    assert draft.check_ok, draft.violations
