"""The queue search on PostgreSQL reads its indexes: trigram (name, e-mail, phone), prefix."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from noki.db.models import Customer, OrderRow
from noki.db.search_indexes import NAMES
from noki.services.demo import sample_records
from noki.services.orders import ingest
from noki.services.queue_view import customer_matches, search_orders


def _indexes(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            rows = conn.execute(text("SELECT indexname FROM pg_indexes"))
        else:
            rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))
        return {r[0] for r in rows}


def test_each_search_finds_its_order_on_both_databases(engine: Engine, app_ctx) -> None:
    ingest(app_ctx, sample_records(40), actor="test")
    with Session(engine) as s:
        order = s.exec(select(OrderRow)).first()
        assert order is not None
        customer = s.get(Customer, order.customer_id)
        assert customer is not None and customer.email and customer.phone
        for q in (order.order_id[:-1], customer.email.upper(), customer.phone.replace("+81", "0"),
                  customer.name):
            found = set(s.execute(search_orders(q, contacts=True)).scalars())
            assert order.order_id in found, q
    postgres_only = NAMES & _indexes(engine)
    assert postgres_only == (NAMES if engine.dialect.name == "postgresql" else set())


def test_postgresql_can_answer_each_search_from_an_index(engine: Engine, app_ctx) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has neither index kind (the test above checks they are absent)")
    ingest(app_ctx, sample_records(40), actor="test")
    searches = {  # each part of the search on its own, as the planner sees it
        "EC-0000": sa_select(OrderRow.order_id).where(
            col(OrderRow.order_id).like("EC-0000%")),
        "example.jp": sa_select(Customer.customer_id).where(
            *customer_matches("example.jp", contacts=True)[1:]),
        "090-1234-5678": sa_select(Customer.customer_id).where(
            *customer_matches("090-1234-5678", contacts=True)[2:]),
        "山田 太郎": sa_select(Customer.customer_id).where(
            *customer_matches("山田 太郎", contacts=True)[:1]),
    }
    used, plans = set(), []
    with engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))  # tiny tables: ask which index can serve
        for stmt in searches.values():
            sql = str(stmt.compile(engine, compile_kwargs={"literal_binds": True}))
            plan = "\n".join(r[0] for r in conn.execute(text("EXPLAIN " + sql.replace("%%", "%"))))
            used |= {name for name in NAMES if name in plan}
            plans.append(plan)
    assert used == NAMES, plans
