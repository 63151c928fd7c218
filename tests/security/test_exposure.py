"""Item 9: contact data masked by role, the schema not public, security headers, Origin checks."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from noki.db.models import Customer, DraftRow, OrderRow
from noki.services import review
from noki.services.roles import Actor
from tests.security.conftest import csrf_of


def _contactable(engine: Engine) -> tuple[OrderRow, Customer, DraftRow]:
    with Session(engine) as s:
        for draft in s.exec(select(DraftRow).order_by(DraftRow.id)).all():  # type: ignore[arg-type]
            order = s.get(OrderRow, draft.order_id)
            assert order is not None
            customer = s.get(Customer, order.customer_id)
            if customer and customer.email and customer.phone and draft.channel == "email":
                return order, customer, draft
    raise AssertionError("no order with e-mail and phone in the sample")


def _secrets(customer: Customer) -> list[str]:
    family = customer.name.split()[0]
    return [customer.email or "", customer.phone or "", customer.name, family]


def test_rule_author_simulating_a_stored_order_sees_no_contact(
    client: TestClient, login, app_engine: Engine
) -> None:
    order, customer, _ = _contactable(app_engine)
    login("rule_author")
    form = {"csrf_token": csrf_of(client, "/rules"), "order_id": order.order_id}
    r = client.post("/rules/simulate", data=form)
    assert r.status_code == 200 and order.order_id in r.text
    for secret in _secrets(customer):
        assert secret not in r.text, secret


@pytest.mark.parametrize("role", ["marketing"])
def test_marketing_sees_no_contact_on_drafts_and_outbox(
    client: TestClient, login, app_engine: Engine, role: str
) -> None:
    order, customer, draft = _contactable(app_engine)
    sup = Actor("sato", "supervisor")
    review.approve(app_engine, draft_id=draft.id, actor=sup, override_reason="x")
    login(role)
    page = client.get(f"/drafts/{draft.id}")
    outbox = client.get("/outbox")
    assert page.status_code == 200 and outbox.status_code == 200
    assert order.order_id in page.text and order.order_id in outbox.text
    for secret in _secrets(customer):
        assert secret not in page.text, secret
        assert secret not in outbox.text, secret


def test_agent_still_sees_the_contact(client: TestClient, login, app_engine: Engine) -> None:
    _, customer, draft = _contactable(app_engine)
    login("agent")
    page = client.get(f"/drafts/{draft.id}").text
    assert customer.email in page and customer.phone in page  # type: ignore[operator]


@pytest.mark.parametrize("path", ["/openapi.json", "/docs", "/redoc", "/api/openapi.json"])
def test_only_healthz_is_public(client: TestClient, path: str) -> None:
    assert client.get(path).status_code in (401, 404)
    assert client.get("/healthz").status_code == 200


def test_schema_is_served_to_token_holders(client: TestClient, token) -> None:
    r = client.get("/api/openapi.json", headers=token("marketing"))
    assert r.status_code == 200 and "/api/orders" in r.json()["paths"]


@pytest.mark.parametrize("path", ["/login", "/healthz", "/queue"])
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    r = client.get(path)
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert r.headers["x-frame-options"] == "SAMEORIGIN"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_cross_origin_form_post_is_refused(client: TestClient, login) -> None:
    login("agent")
    token = csrf_of(client, "/queue")
    evil = client.post(
        "/logout", data={"csrf_token": token}, headers={"Origin": "https://evil.example"}
    )
    assert evil.status_code == 403
    assert client.get("/queue").status_code == 200  # still logged in: the POST never ran
    null = client.post("/logout", data={"csrf_token": token}, headers={"Origin": "null"})
    assert null.status_code == 403
    ref = client.post(
        "/logout", data={"csrf_token": token}, headers={"Referer": "https://evil.example/x"}
    )
    assert ref.status_code == 403
    same = client.post(
        "/logout", data={"csrf_token": token}, headers={"Origin": "http://testserver"}
    )
    assert same.status_code == 303


def test_cross_origin_api_write_is_refused(client: TestClient, token) -> None:
    r = client.post(
        "/api/orders", json={}, headers={**token("admin"), "Origin": "https://evil.example"}
    )
    assert r.status_code == 403
