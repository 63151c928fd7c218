"""Login, roles and CSRF: every page needs a role, each role sees only what it needs."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from noki.services import users

PAGES = ["/queue", "/outbox", "/audit", "/rules", "/voc"]
ALLOWED = {
    "agent": {"/queue", "/outbox"},
    "supervisor": {"/queue", "/outbox", "/audit", "/rules"},  # approves rule changes
    "rule_author": {"/rules"},
    "marketing": {"/queue", "/outbox", "/audit", "/voc"},
    "admin": set(PAGES),
}


def test_health_needs_no_login(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("path", [*PAGES, "/drafts/1", "/"])
def test_browser_without_login_goes_to_login_page(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("path", ["/api/queue", "/api/orders", "/api/events/eta"])
def test_api_without_token_is_401(client: TestClient, path: str) -> None:
    r = client.get(path) if path == "/api/queue" else client.post(path, json={})
    assert r.status_code == 401


def test_session_cookie_does_not_open_the_api(client: TestClient, login) -> None:
    login("admin")
    assert client.get("/api/queue").status_code == 401


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_each_role_sees_only_its_pages(client: TestClient, login, role: str) -> None:
    login(role)
    for path in PAGES:
        status = client.get(path).status_code
        assert status == (200 if path in ALLOWED[role] else 403), (role, path, status)


def test_wrong_password_is_refused(client: TestClient, csrf) -> None:
    token = csrf(client)
    r = client.post(
        "/login", data={"username": "agent", "password": "nope-nope", "csrf_token": token}
    )
    assert r.status_code == 401 and "違います" in r.text


def test_login_form_requires_csrf(client: TestClient, password: str) -> None:
    client.get("/login")
    r = client.post("/login", data={"username": "agent", "password": password})
    assert r.status_code == 403


def test_review_post_without_csrf_is_refused(client: TestClient, login) -> None:
    login("agent")
    r = client.post("/drafts/1/approve", data={})
    assert r.status_code == 403
    r = client.post("/drafts/1/approve", data={"csrf_token": "forged"})
    assert r.status_code == 403


def test_roles_without_draft_write_cannot_act(client: TestClient, login, csrf) -> None:
    login("marketing")
    token = csrf(client, "/queue")
    assert client.post("/drafts/1/approve", data={"csrf_token": token}).status_code == 403


def test_api_token_by_role(client: TestClient, app_engine: Engine) -> None:
    agent = users.create_token(app_engine, username="agent", name="t")
    admin = users.create_token(app_engine, username="admin", name="t")
    assert client.get("/api/queue", headers={"Authorization": f"Bearer {agent}"}).status_code == 200
    r = client.post("/api/orders", json={}, headers={"Authorization": f"Bearer {agent}"})
    assert r.status_code == 403
    r = client.post("/api/orders", json={}, headers={"Authorization": f"Bearer {admin}"})
    assert r.status_code == 422
    assert client.get("/api/queue", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_logout_ends_the_session(client: TestClient, login, csrf) -> None:
    login("agent")
    token = csrf(client, "/queue")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/queue").status_code == 303


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_site(client: TestClient, csrf, password: str, target) -> None:
    token = csrf(client)
    r = client.post(
        "/login",
        data={"username": "agent", "password": password, "csrf_token": token, "next": target},
    )
    assert r.status_code == 303 and r.headers["location"] == "/queue"
