"""POST /api/events in parallel through live uvicorn: one event_id is applied once."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, select

from noki.db.models_lifecycle import OrderEventRow
from noki.services.orders import ingest
from tests.concurrency.conftest import Live, parallel
from tests.lifeflow.support import count, order_in, order_row

SHIP = {"tracking_number": "1234-5678-9012", "carrier": "ヤマト運輸"}


def test_the_same_event_posted_in_parallel_is_applied_once(live: Live, engine: Engine) -> None:
    ingest(live.ctx, [order_in()], actor="test")
    event = {"event_id": "race-1", "kind": "partially_shipped", "order_id": "EC-L1",
             "quantity": 1, **SHIP}
    answers = parallel([lambda: live.api("/api/events", event) for _ in range(8)])
    assert [a.status_code for a in answers] == [200] * 8
    bodies = [a.json() for a in answers]
    assert sum(len(b["applied"]) for b in bodies) == 1
    assert sum(len(b["duplicates"]) for b in bodies) == 7
    assert count(engine, OrderEventRow) == 1
    row = order_row(engine, "EC-L1")
    assert (row.shipped_qty, row.row_version) == (1, 2)
    again = live.api("/api/events", [event])
    assert again.status_code == 200 and again.json()["duplicates"][0]["event_id"] == "race-1"


def test_parallel_shipments_never_ship_more_than_ordered(live: Live, engine: Engine) -> None:
    ingest(live.ctx, [order_in()], actor="test")  # 3 units
    calls = [
        (lambda i=i: live.api("/api/events", {
            "event_id": f"part-{i}", "kind": "partially_shipped", "order_id": "EC-L1",
            "quantity": 1, **SHIP}))
        for i in range(6)
    ]
    bodies = [a.json() for a in parallel(calls)]
    applied = [b for b in bodies if b["applied"]]
    refused = [e for b in bodies for e in b["errors"]]
    assert len(applied) == 3 and len(refused) == 3
    assert all(e["field"] in ("kind", "quantity") for e in refused)
    row = order_row(engine, "EC-L1")
    assert (row.state, row.status, row.shipped_qty) == ("shipped", "closed", 3)
    with Session(engine) as s:
        assert len(s.exec(select(OrderEventRow)).all()) == 3


def test_bad_events_are_422_and_good_ones_beside_them_kept(live: Live, engine: Engine) -> None:
    ingest(live.ctx, [order_in()], actor="test")
    bad = live.api("/api/events", [{"event_id": "b1", "kind": "shipped", "order_id": "EC-L1"}])
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"tracking_number", "carrier"}
    mixed = live.api("/api/events", [
        {"event_id": "b2", "kind": "allocated", "order_id": "NOPE"},
        {"event_id": "g1", "kind": "allocated", "order_id": "EC-L1"}])
    assert mixed.status_code == 200
    assert [a["event_id"] for a in mixed.json()["applied"]] == ["g1"]
    assert mixed.json()["errors"][0] == {"index": 0, "event_id": "b2", "field": "order_id",
                                         "message": "no order NOPE in noki"}
