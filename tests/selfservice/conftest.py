"""A console app on the per-test database with sample orders, and links to their pages."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from noki.app import AppContext
from noki.db.models import DecisionRow, OrderRow
from noki.services.demo import sample_records
from noki.services.orders import ingest
from noki.services.self_service import self_service_url
from noki.web.app import create_app

FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


@pytest.fixture
def orders(app_ctx: AppContext) -> AppContext:
    ingest(app_ctx, sample_records(40), actor="test")
    return app_ctx


@pytest.fixture
def client(orders: AppContext) -> Iterator[TestClient]:
    with TestClient(create_app(orders), follow_redirects=False) as c:
        yield c


def offering(ctx: AppContext, option: str, *, without: str | None = None) -> tuple[str, list[str]]:
    """An open order whose newest decision offers `option` (and not `without`)."""
    with Session(ctx.engine) as s:
        for order_id in s.exec(select(OrderRow.order_id).where(OrderRow.status == "open")
                                .order_by(col(OrderRow.order_id))).all():
            d = s.exec(select(DecisionRow).where(DecisionRow.order_id == order_id)
                       .order_by(col(DecisionRow.id).desc())).first()
            options = list(d.payload.get("options", [])) if d else []
            if option in options and (without is None or without not in options):
                return order_id, options
    raise AssertionError(f"no sample order offers {option} without {without}")


@pytest.fixture
def link(orders: AppContext) -> Callable[[str], str]:
    """The path of an order's self-service page (/b/<token>)."""
    return lambda order_id: urlsplit(self_service_url(orders, order_id)).path


def form_token(html: str) -> str:
    m = FORM_TOKEN.search(html)
    assert m, "no form token on the page"
    return m.group(1)
