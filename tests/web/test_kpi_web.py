"""The KPI and sales-control pages: roles, charts, sortable breakdown, drill-down, approval."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from noki.db import session_scope


def test_kpi_page_for_supervisor_marketing_admin_not_agent(
        login: Callable[[str], TestClient], client: TestClient) -> None:
    login("agent")
    assert client.get("/kpi").status_code == 403
    for role in ("marketing", "supervisor", "admin"):
        login(role)
        page = client.get("/kpi")
        assert page.status_code == 200, role
        assert "受注残件数" in page.text and "<svg" in page.text and "cdn" not in page.text.lower()


def test_breakdown_sorts_and_drills_down_to_the_orders_of_a_sku(
        login: Callable[[str], TestClient], client: TestClient) -> None:
    login("supervisor")
    page = client.get("/kpi?by=sku&sort=open_count&desc=1").text
    skus = re.findall(r'href="/kpi/sku/([^"]+)"', page)
    assert skus, "no SKU rows"
    counts = [int(c.replace(",", "")) for c in re.findall(
        r'</a></td>\n<td class="n">([\d,]+)</td>', page)]
    assert counts == sorted(counts, reverse=True)
    detail = client.get(f"/kpi/sku/{skus[0]}")
    assert detail.status_code == 200 and "滞留日数" in detail.text and "<td>" in detail.text
    assert client.get("/kpi?by=segment").status_code == 200
    assert client.get("/kpi?by=nonsense").status_code == 200  # falls back to SKU


def test_supervisor_evaluates_and_approves_with_csrf(
        login: Callable[[str], TestClient], client: TestClient,
        csrf: Callable[..., str], app_ctx: Any) -> None:
    login("supervisor")
    token = csrf(client, "/sales-control")
    assert client.post("/sales-control/evaluate", data={}).status_code == 403  # no CSRF
    assert client.post("/sales-control/evaluate", data={"csrf_token": token}).status_code == 303
    page = client.get("/sales-control").text
    pending = re.search(r'action="/sales-control/([^/]+)/decide".*?name="version" value="(\d+)"',
                        page, re.S)
    assert pending, "no pending recommendation"
    sku, version = pending.groups()
    r = client.post(f"/sales-control/{sku}/decide",
                    data={"csrf_token": token, "action": "approve", "version": version})
    assert r.status_code == 303
    with session_scope(app_ctx.engine) as s:
        status = s.execute(text("SELECT status, decided_by FROM sales_control WHERE sku_id = :s"),
                           {"s": sku}).one()
        audit = s.execute(text("SELECT count(*) FROM audit_events WHERE action = "
                               "'sales_control_approved'")).scalar_one()
        pushed = s.execute(text("SELECT count(*) FROM webhook_messages WHERE topic = "
                                "'storefront.sales_control'")).scalar_one()
    assert tuple(status) == ("approved", "supervisor") and audit == 1 and pushed == 1
