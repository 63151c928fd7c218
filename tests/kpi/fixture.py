"""A small hand-made history of seven orders whose KPIs docs/kpi.md computes by hand.

today = 2026-11-25 (Wed of ISO week 48); the window starts 2026-11-09 (weeks 46, 47, 48).
A S1 2026-11-10 open, ETA slipped once, offered wait/substitute/cancel_refund, coupon 1000
  granted 11-22 16:00 UTC (= 11-23 in Japan, week 48); first notice 120 min after noki saw it.
B S1 11-17 shipped 11-24, told ETA up to 11-26 (on time), chose wait, channel app, vip.
C S2 11-17 partially shipped, then cancelled 11-24; coupon 500 granted 11-18.
D S2 11-24 substituted (chose the substitute); first ingested as S9, then re-ingested as S2.
E S3 11-05 (before the window) shipped 11-18, told ETA up to 11-14 (late); free shipping.
F S3 11-26: after today, counted nowhere.
G S1 11-11 shipped 11-15 16:00 UTC (= 11-16 in Japan, week 47) before any notice was sent.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, insert, update

from noki.db import session_scope, table
from noki.db.models import Customer, DecisionRow, DraftRow, EtaHistory, OrderRow, OutboxMessage
from noki.db.models_lifecycle import CompensationGrantRow, OrderEventRow

TODAY = date(2026, 11, 25)
SINCE = date(2026, 11, 9)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _payload(oid: str, sku: str, ordered: str, qty: int, price: int, eta: tuple[str, str],
             channel: str = "web") -> dict[str, Any]:
    return {"order_id": oid, "industry": "ec", "channel": channel, "as_of": ordered,
            "ordered_at": ordered, "promised_date": ordered,
            "eta": {"earliest": eta[0], "latest": eta[1], "confidence": "medium"},
            "delay_reason": "supplier_delay", "quantity": qty, "unit_price_jpy": price,
            "sku": {"sku_id": sku, "name": sku}, "customer": {"customer_id": "c1", "name": "山田"},
            "reschedule_count": 0}


# order: sku, ordered_at, qty, price, state, closed_at, choice, channel, created_at
ORDERS = {
    "A": ("S1", "2026-11-10", 2, 1000, "backordered", None, None, "web", "2026-11-10T01:00"),
    "B": ("S1", "2026-11-17", 1, 5000, "shipped", "2026-11-24T03:00", "wait", "app",
          "2026-11-17T00:00"),
    "C": ("S2", "2026-11-17", 3, 1000, "cancelled", "2026-11-24T05:00", "cancel_refund", "web",
          "2026-11-17T00:00"),
    "D": ("S9", "2026-11-24", 1, 8000, "substituted", None, "substitute", "web",
          "2026-11-24T00:00"),
    "E": ("S3", "2026-11-05", 1, 4000, "shipped", "2026-11-18T01:00", None, "web",
          "2026-11-05T00:00"),
    "F": ("S3", "2026-11-26", 1, 9000, "backordered", None, None, "web", "2026-11-25T00:00"),
    "G": ("S1", "2026-11-11", 1, 1500, "shipped", "2026-11-15T16:00", None, "web",
          "2026-11-11T00:00"),
}
ETAS = {  # (earliest, latest, recorded_at)
    "A": [("2026-11-20", "2026-11-25", "2026-11-10T01:00"),
          ("2026-11-28", "2026-12-05", "2026-11-20T00:00")],
    "B": [("2026-11-20", "2026-11-26", "2026-11-17T00:00")],
    "C": [("2026-11-30", "2026-12-10", "2026-11-17T00:00")],
    "D": [("2026-12-01", "2026-12-08", "2026-11-24T00:00")],
    "E": [("2026-11-10", "2026-11-14", "2026-11-05T00:00")],
    "F": [("2026-12-10", "2026-12-20", "2026-11-25T00:00")],
    "G": [("2026-11-20", "2026-11-30", "2026-11-11T00:00")],
}
OPTIONS = {"A": ["wait", "substitute", "cancel_refund"], "B": ["wait", "substitute"],
           "C": ["wait", "partial_shipment", "cancel_refund"], "D": ["wait", "substitute"],
           "E": ["wait"], "F": ["wait"], "G": ["wait"]}
SEGMENTS = {"B": "vip"}
SENT = {"A": "2026-11-10T03:00", "B": "2026-11-17T00:40", "C": "2026-11-17T04:30",
        "E": "2026-11-06T00:00"}
GRANTS = [("A", "coupon", 1000, "2026-11-22T16:00"), ("C", "coupon", 500, "2026-11-18T00:00"),
          ("E", "free_shipping", None, "2026-11-12T00:00")]


def build(engine: Engine) -> dict[str, int]:
    """Insert the seven orders with their decisions, ETAs, notices, events and grants."""
    decision_ids: dict[str, int] = {}
    with session_scope(engine) as s:
        s.execute(insert(table(Customer)), [{"customer_id": "c1", "name": "山田",
                                             "updated_at": utc("2026-11-01T00:00")}])
        for oid, (sku, ordered, qty, price, state, closed, choice, channel, created) in (
                ORDERS.items()):
            eta = ETAS[oid][-1]
            payload = _payload(oid, sku, ordered, qty, price, (eta[0], eta[1]), channel)
            s.execute(insert(table(OrderRow)), [{
                "order_id": oid, "customer_id": "c1", "industry": "ec", "sku_id": sku,
                "po_ref": "PO-1" if sku == "S1" else None,
                "status": "closed" if closed else "open", "state": state,
                "closed_at": utc(closed) if closed else None, "choice": choice,
                "payload": payload, "payload_hash": oid, "created_at": utc(created),
                "updated_at": utc(created), "row_version": 1, "shipped_qty": 0}])
            decision = {"segment": SEGMENTS.get(oid, "standard"), "options": OPTIONS[oid]}
            res = s.execute(insert(table(DecisionRow)).returning(table(DecisionRow).c.id), [{
                "order_id": oid, "rules_version": "t", "payload": decision,
                "created_at": utc(created)}])
            decision_ids[oid] = res.scalar_one()
            s.execute(insert(table(EtaHistory)), [
                {"order_id": oid, "earliest": date.fromisoformat(e), "latest":
                 date.fromisoformat(la), "confidence": "medium", "source": "erp",
                 "recorded_at": utc(at)} for e, la, at in ETAS[oid]])
        for oid, at in SENT.items():
            draft = s.execute(insert(table(DraftRow)).returning(table(DraftRow).c.id), [{
                "order_id": oid, "decision_id": decision_ids[oid], "version": 1,
                "kind": "initial", "status": "sent", "channel": "email", "body": "本文",
                "drafter": "template", "author": "system", "check_ok": True, "industry": "ec",
                "lane": "standard", "compensation": "none", "approval": "auto",
                "created_at": utc(at), "row_version": 1}]).scalar_one()
            s.execute(insert(table(OutboxMessage)), [{
                "draft_id": draft, "order_id": oid, "channel": "email", "recipient": "a@b.jp",
                "body": "本文", "status": "sent", "attempts": 1, "next_attempt_at": utc(at),
                "created_at": utc(at), "sent_at": utc(at)}])
        s.execute(insert(table(OrderEventRow)), [{
            "event_id": "c-partial", "kind": "partially_shipped", "order_id": "C",
            "payload": {"quantity": 1}, "source": "wms", "actor": "system",
            "received_at": utc("2026-11-20T00:00"), "orders_affected": 1}])
        s.execute(insert(table(CompensationGrantRow)), [{
            "order_id": oid, "type": kind, "amount_jpy": yen, "decision_id": decision_ids[oid],
            "granted_at": utc(at)} for oid, kind, yen, at in GRANTS])
    return decision_ids


def change_sku_of_d(engine: Engine) -> None:
    """D is re-ingested with SKU S2 instead of S9 (a new decision, as ingest writes one)."""
    with session_scope(engine) as s:
        payload = _payload("D", "S2", "2026-11-24", 1, 8000, ("2026-12-01", "2026-12-08"))
        s.execute(update(table(OrderRow)).where(table(OrderRow).c.order_id == "D").values(
            sku_id="S2", payload=payload, payload_hash="D2"))
        s.execute(insert(table(DecisionRow)), [{
            "order_id": "D", "rules_version": "t", "created_at": utc("2026-11-24T01:00"),
            "payload": {"segment": "new", "options": ["wait", "substitute"]}}])
