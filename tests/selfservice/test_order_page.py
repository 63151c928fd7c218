"""The console's order page: timeline, choice by phone (agent+), shipments (supervisor+), CSRF."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from noki.db.models import AuditEvent, OrderRow
from noki.services import users
from noki.services.roles import ROLES
from tests.selfservice.conftest import offering

PASSWORD = "correct-horse-1"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def login(client: TestClient, orders, role: str) -> str:
    users.create_user(orders.engine, username=role, password=PASSWORD, role=role, exist_ok=True)
    token = CSRF.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
    r = client.post("/login", data={"username": role, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 303, r.text
    return token


def test_agent_records_a_phone_choice_and_sees_it_on_the_timeline(client, orders) -> None:
    order_id, _ = offering(orders, "substitute")
    login(client, orders, "agent")
    page = client.get(f"/orders/{order_id}")
    assert page.status_code == 200 and "経過（タイムライン）" in page.text
    assert "/b/" in page.text  # the customer's signed link, for reading it out on the phone
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    r = client.post(f"/orders/{order_id}/events", data={
        "csrf_token": token, "kind": "choice", "option": "substitute", "note": "電話で受付"})
    assert r.status_code == 303
    after = client.get(f"/orders/{order_id}").text
    assert "記録しました" in after and "ご選択は記録済みです" in after
    with Session(orders.engine) as s:
        row = s.get(OrderRow, order_id)
        audit = s.exec(select(AuditEvent).where(AuditEvent.order_id == order_id)).all()
    assert row is not None and (row.choice, row.state) == ("substitute", "substituted")
    assert any(a.actor == "agent" for a in audit)


def test_agent_cannot_record_a_shipment_supervisor_can(client, orders) -> None:
    order_id, _ = offering(orders, "substitute")
    token = login(client, orders, "agent")
    token = CSRF.search(client.get(f"/orders/{order_id}").text).group(1)  # type: ignore[union-attr]
    data = {"csrf_token": token, "kind": "shipped", "tracking_number": "4821-0937-5561",
            "carrier": "ヤマト運輸"}
    client.post(f"/orders/{order_id}/events", data=data)
    assert "権限がありません" in client.get(f"/orders/{order_id}").text
    with Session(orders.engine) as s:
        assert s.get(OrderRow, order_id).state == "backordered"  # type: ignore[union-attr]
    client.post("/logout", data={"csrf_token": token})
    login(client, orders, "supervisor")
    data["csrf_token"] = CSRF.search(client.get(f"/orders/{order_id}").text).group(1)  # type: ignore[union-attr]
    client.post(f"/orders/{order_id}/events", data=data)
    page = client.get(f"/orders/{order_id}").text
    assert "記録しました" in page and "出荷済み" in page
    with Session(orders.engine) as s:
        row = s.get(OrderRow, order_id)
    assert row is not None and (row.state, row.status) == ("shipped", "closed")


def test_bad_event_names_the_field_and_csrf_is_required(client, orders) -> None:
    order_id, _ = offering(orders, "substitute")
    login(client, orders, "supervisor")
    token = CSRF.search(client.get(f"/orders/{order_id}").text).group(1)  # type: ignore[union-attr]
    no_csrf = client.post(f"/orders/{order_id}/events", data={"kind": "allocated"})
    assert no_csrf.status_code == 403
    client.post(f"/orders/{order_id}/events", data={
        "csrf_token": token, "kind": "partially_shipped", "quantity": "999",
        "tracking_number": "1"})
    assert "記録できませんでした" in client.get(f"/orders/{order_id}").text


def test_roles_without_queue_read_do_not_see_orders(client, orders) -> None:
    order_id, _ = offering(orders, "substitute")
    assert "rule_author" in ROLES
    login(client, orders, "rule_author")
    assert client.get(f"/orders/{order_id}").status_code == 403
