"""Bulk inserts (COPY on PostgreSQL) store every value as the ORM would, ids in row order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from noki.db import table
from noki.db.bulk import COPY_FROM, insert_rows
from noki.db.models import AuditEvent, Customer, DecisionRow, OrderRow

AT = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def _order(s: Session, oid: str) -> None:
    s.add(Customer(customer_id="C1", name="山田 太郎"))
    s.add(OrderRow(order_id=oid, customer_id="C1", industry="ec", sku_id="S", payload={},
                   payload_hash="x"))
    s.flush()


@pytest.mark.parametrize("n", [3, COPY_FROM * 3])
def test_ids_come_back_in_row_order_with_json_and_quotes_intact(engine: Engine, n: int) -> None:
    rows = [{"order_id": "EC-1", "rules_version": f"v{i}", "created_at": AT,
             "payload": {"i": i, "text": 'タブ\tと改行\nと "引用" と \\ 記号'}} for i in range(n)]
    with Session(engine) as s:
        _order(s, "EC-1")
        ids = insert_rows(s, table(DecisionRow), rows, ids=True)
        s.commit()
    assert len(set(ids)) == n
    with Session(engine) as s:
        got = {d.id: d for d in s.exec(select(DecisionRow)).all()}
    for i, row_id in enumerate(ids):
        assert got[row_id].rules_version == f"v{i}"
        assert got[row_id].payload == rows[i]["payload"]


def test_audit_events_keep_null_and_empty_details(engine: Engine) -> None:
    events = [{"at": AT, "actor": "bench", "action": "decided", "order_id": None,
               "detail": {} if i % 2 else {"lane": "priority"}} for i in range(COPY_FROM + 10)]
    with Session(engine) as s:
        insert_rows(s, table(AuditEvent), events)
        s.commit()
    with Session(engine) as s:
        stored = s.exec(select(AuditEvent).order_by(AuditEvent.id)).all()  # type: ignore[arg-type]
    assert [e.detail for e in stored] == [e["detail"] for e in events]
    assert all(e.order_id is None and e.draft_id is None and e.at == AT for e in stored)
