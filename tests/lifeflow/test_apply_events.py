"""apply_events on a real database: kinds, duplicates, invalid transitions, no half-writes."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from noki.db.models import DraftJob, DraftRow
from noki.db.models_lifecycle import OrderEventRow, TimelineEntry
from noki.db.models_webhooks import WebhookMessage
from noki.domain.lifecycle.states import TRANSITIONS
from noki.services import timeline
from noki.services.lifecycle_events import apply_events
from noki.services.lifecycle_state import latest_decision
from noki.services.orders import ingest
from tests.lifeflow.support import count, order_in, order_row

SHIP = {"tracking_number": "1234-5678-9012", "carrier": "ヤマト運輸"}


def _post(ctx: Any, *events: dict[str, Any]) -> Any:
    return apply_events(ctx, list(events), actor="oms-bot", source="api")


def _offered(engine: Engine, order_id: str) -> list[str]:
    with Session(engine) as s:
        d = latest_decision(s, order_id)
        assert d is not None
        return list(d.payload["options"])


def test_every_kind_moves_the_order_and_writes_its_story(engine: Engine, app_ctx) -> None:
    ingest(app_ctx, [order_in()], actor="test")
    assert "wait" in _offered(engine, "EC-L1")
    r = _post(app_ctx,
              {"event_id": "c1", "kind": "choice", "order_id": "EC-L1", "option": "wait"},
              {"event_id": "a1", "kind": "allocated", "order_id": "EC-L1"},
              {"event_id": "p1", "kind": "partially_shipped", "order_id": "EC-L1",
               "quantity": 1, **SHIP},
              {"event_id": "s1", "kind": "shipped", "order_id": "EC-L1", **SHIP})
    assert r.errors == [] and r.duplicates == []
    assert [(a.event_id, a.state_from, a.state_to) for a in r.applied] == [
        ("c1", "backordered", "backordered"), ("a1", "backordered", "allocated"),
        ("p1", "allocated", "partially_shipped"), ("s1", "partially_shipped", "shipped")]
    row = order_row(engine, "EC-L1")
    assert (row.state, row.status, row.shipped_qty, row.choice) == ("shipped", "closed", 3, "wait")
    assert row.closed_at is not None and row.next_update_date is None
    assert row.row_version == 1 + 4
    assert count(engine, OrderEventRow) == 4
    with Session(engine) as s:
        kinds = [(e.kind, e.state_to) for e in timeline.for_order(s, "EC-L1")]
        jobs = [(j.kind, j.event_id) for j in s.exec(select(DraftJob).order_by(col(DraftJob.id)))]
    assert ("choice", None) in kinds and ("state", "shipped") in kinds
    assert [k for k in kinds if k[0] == "state"] == [
        ("state", "allocated"), ("state", "partially_shipped"), ("state", "shipped")]
    assert jobs[1:] == [("choice_confirmation", "c1"), ("partially_shipped", "p1"),
                        ("shipped", "s1")]
    with Session(engine) as s:
        hooks = s.exec(select(WebhookMessage)).all()
    assert [(h.topic, h.key, h.payload["option"]) for h in hooks] == [("oms.choice", "c1", "wait")]


def test_the_same_event_id_is_applied_once(engine: Engine, app_ctx) -> None:
    ingest(app_ctx, [order_in()], actor="test")
    allocated = {"event_id": "dup-1", "kind": "allocated", "order_id": "EC-L1"}
    first = _post(app_ctx, allocated, allocated)
    again = _post(app_ctx, allocated)
    assert [a.event_id for a in first.applied] == ["dup-1"]
    assert [(d.index, d.event_id) for d in first.duplicates] == [(1, "dup-1")]
    assert again.applied == [] and [d.event_id for d in again.duplicates] == ["dup-1"]
    assert count(engine, OrderEventRow) == 1
    assert order_row(engine, "EC-L1").row_version == 2
    assert count(engine, TimelineEntry, TimelineEntry.kind == "state") == 1


def _order_in_state(ctx: Any, order_id: str, state: str) -> None:
    ingest(ctx, [order_in(order_id)], actor="test")
    steps: dict[str, list[dict[str, Any]]] = {
        "backordered": [],
        "allocated": [{"kind": "allocated"}],
        "partially_shipped": [{"kind": "partially_shipped", "quantity": 1, **SHIP}],
        "substituted": [{"kind": "choice", "option": "substitute"}],
        "shipped": [{"kind": "shipped", **SHIP}],
        "cancelled": [{"kind": "cancelled", "reason": "お客様のご希望", "refund_jpy": 12000}],
    }
    events = [{**e, "event_id": f"{order_id}-setup-{i}", "order_id": order_id}
              for i, e in enumerate(steps[state])]
    r = apply_events(ctx, events, actor="test", source="test")
    assert r.errors == [], r.errors
    assert order_row(ctx.engine, order_id).state == state


KIND_EVENTS: dict[str, dict[str, Any]] = {
    "eta": {"eta": {"earliest": "2026-12-10", "latest": "2026-12-12"}},
    "allocated": {},
    "partially_shipped": {"quantity": 1, **SHIP},
    "shipped": SHIP,
    "cancelled": {"reason": "在庫なし", "refund_jpy": 100},
    "choice": {"option": "wait"},
}
STATES = ["backordered", "allocated", "partially_shipped", "substituted", "shipped",
          "cancelled"]


def test_every_invalid_transition_is_rejected_naming_event_and_field(
    engine: Engine, app_ctx
) -> None:
    bad: list[dict[str, Any]] = []
    for state in STATES:
        order_id = f"EC-{state[:4].upper()}"
        _order_in_state(app_ctx, order_id, state)
        bad += [{"event_id": f"x-{state}-{kind}", "kind": kind, "order_id": order_id, **fields}
                for kind, fields in KIND_EVENTS.items()
                if (state, kind) not in TRANSITIONS]
    assert len(bad) == 6 * 6 - len(TRANSITIONS)
    before = count(engine, OrderEventRow), count(engine, TimelineEntry)
    r = apply_events(app_ctx, bad, actor="test", source="test")
    assert r.applied == [] and len(r.errors) == len(bad)
    for err, event in zip(r.errors, bad, strict=True):
        assert err.event_id == event["event_id"] and err.field == "kind"
        assert event["kind"] in err.message and event["order_id"] in err.message
    assert (count(engine, OrderEventRow), count(engine, TimelineEntry)) == before


def test_events_that_make_no_sense_name_their_field_and_good_ones_are_kept(
    engine: Engine, app_ctx
) -> None:
    ingest(app_ctx, [order_in()], actor="test")
    r = _post(
        app_ctx,
        {"event_id": "opt", "kind": "choice", "order_id": "EC-L1", "option": "reschedule"},
        {"event_id": "big", "kind": "partially_shipped", "order_id": "EC-L1", "quantity": 4,
         **SHIP},
        {"event_id": "ok-1", "kind": "partially_shipped", "order_id": "EC-L1", "quantity": 2,
         **SHIP},
        {"event_id": "refund", "kind": "cancelled", "order_id": "EC-L1", "reason": "x",
         "refund_jpy": 12001},
        {"event_id": "nobody", "kind": "allocated", "order_id": "EC-NONE"},
        {"event_id": "typo", "kind": "shipped", "order_id": "EC-L1", "tracking": "1"},
        {"kind": "allocated", "order_id": "EC-L1"},
        {"event_id": "what", "kind": "arrived", "order_id": "EC-L1"},
    )
    fields = {(e.event_id, e.field) for e in r.errors}
    assert ("big", "quantity") in fields and ("refund", "refund_jpy") in fields
    assert ("opt", "option") in fields and ("nobody", "order_id") in fields
    assert ("typo", "tracking") in fields and ("typo", "tracking_number") in fields
    assert (None, "event_id") in fields and ("what", "kind") in fields
    assert [a.event_id for a in r.applied] == ["ok-1"]
    big = next(e for e in r.errors if e.event_id == "big")
    assert "larger than the 3 still open" in big.message
    assert [e.index for e in r.errors] == sorted(e.index for e in r.errors)
    row = order_row(engine, "EC-L1")
    assert (row.state, row.shipped_qty) == ("partially_shipped", 2)
    assert count(engine, OrderEventRow) == 1


def test_a_second_choice_is_refused(engine: Engine, app_ctx) -> None:
    ingest(app_ctx, [order_in()], actor="test")
    offered = _offered(engine, "EC-L1")
    r = _post(app_ctx,
              {"event_id": "c1", "kind": "choice", "order_id": "EC-L1", "option": offered[0]},
              {"event_id": "c2", "kind": "choice", "order_id": "EC-L1", "option": offered[-1]})
    assert [a.event_id for a in r.applied] == ["c1"]
    assert [(e.event_id, e.field) for e in r.errors] == [("c2", "option")]


def test_a_closing_event_supersedes_open_drafts(engine: Engine, app_ctx) -> None:
    ingest(app_ctx, [order_in()], actor="test")
    assert count(engine, DraftRow, DraftRow.status == "pending") >= 1
    r = _post(app_ctx, {"event_id": "cx", "kind": "cancelled", "order_id": "EC-L1",
                        "reason": "お客様のご希望", "refund_jpy": 12000})
    assert r.errors == []
    with Session(engine) as s:
        drafts = s.exec(select(DraftRow).order_by(col(DraftRow.id))).all()
    first = [d for d in drafts if d.kind == "initial"]
    assert first and all(d.status == "superseded" for d in first)


@pytest.mark.parametrize("key", ["sku_id", "po_ref"])
def test_a_sku_or_po_eta_moves_only_open_waiting_orders(engine: Engine, app_ctx, key) -> None:
    ingest(app_ctx, [order_in(f"EC-S{i}", po_ref="PO-9") for i in range(4)], actor="test")
    _post(app_ctx, {"event_id": "al", "kind": "allocated", "order_id": "EC-S1"},
          {"event_id": "sh", "kind": "shipped", "order_id": "EC-S2", **SHIP})
    value = "EC-AUD-1" if key == "sku_id" else "PO-9"
    eta = {"earliest": "2026-12-20", "latest": "2026-12-24", "confidence": "low"}
    r = _post(app_ctx, {"event_id": "eta-1", "kind": "eta", key: value, "eta": eta})
    assert r.errors == [] and r.applied[0].orders_affected == 2
    assert r.applied[0].order_id is None
    for oid, moved in (("EC-S0", True), ("EC-S1", False), ("EC-S2", False), ("EC-S3", True)):
        assert (order_row(engine, oid).payload["eta"]["latest"] == "2026-12-24") is moved
    again = _post(app_ctx, {"event_id": "eta-1", "kind": "eta", key: value, "eta": eta})
    assert [d.event_id for d in again.duplicates] == ["eta-1"]
    with Session(engine) as s:
        stored = s.exec(select(OrderEventRow)
                        .where(OrderEventRow.event_id == "eta-1")).one()
    assert stored.order_id is None and stored.orders_affected == 2


def test_an_order_eta_re_decides_and_an_eta_after_shipment_is_refused(
    engine: Engine, app_ctx
) -> None:
    ingest(app_ctx, [order_in()], actor="test")
    eta = {"earliest": "2026-12-08", "latest": "2026-12-12"}
    r = _post(app_ctx, {"event_id": "e1", "kind": "eta", "order_id": "EC-L1", "eta": eta},
              {"event_id": "s1", "kind": "shipped", "order_id": "EC-L1", **SHIP},
              {"event_id": "e2", "kind": "eta", "order_id": "EC-L1", "eta": eta})
    assert [a.event_id for a in r.applied] == ["e1", "s1"]
    assert [(e.event_id, e.field) for e in r.errors] == [("e2", "kind")]
    assert "is closed" in r.errors[0].message
    with Session(engine) as s:
        kinds = [d.kind for d in s.exec(select(DraftJob).order_by(col(DraftJob.id)))]
    assert kinds == ["initial", "eta_change", "shipped"]
