"""Security fixtures: an app on the per-test database (SQLite and PostgreSQL), users, tokens."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from noki.app import AppContext
from noki.services import users
from noki.services.demo import sample_records
from noki.services.orders import ingest
from noki.services.roles import ROLES
from noki.settings import Settings
from noki.web.app import create_app
from tests.support import SAMPLE_DAY, clock_on, make_settings

PASSWORD = "correct-horse-1"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """No NOKI_SESSION_SECRET: the app must generate and keep its own (in tmp_path)."""
    return make_settings(
        database_url, tmp_path, session_secret="", secret_file=tmp_path / "var" / "session_secret"
    )


@pytest.fixture
def ctx(settings: Settings, engine: Engine) -> Iterator[AppContext]:
    # The sample's day: its next-update dates stay in the future whatever the real date is.
    with AppContext(settings, engine=engine, clock=clock_on(SAMPLE_DAY)) as context:
        yield context


@pytest.fixture
def app_engine(engine: Engine, ctx: AppContext) -> Engine:
    for role in ROLES:
        users.create_user(engine, username=role, password=PASSWORD, role=role)
    ingest(ctx, sample_records(30), actor="test")
    return engine


@pytest.fixture
def client(ctx: AppContext, app_engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(ctx), follow_redirects=False) as c:
        yield c


def csrf_of(client: TestClient, path: str = "/login") -> str:
    match = CSRF.search(client.get(path).text)
    assert match, f"no csrf token on {path}"
    return match.group(1)


def log_in(client: TestClient, role: str, password: str = PASSWORD) -> int:
    """Post the login form; returns the status code."""
    token = csrf_of(client)
    r = client.post("/login", data={"username": role, "password": password, "csrf_token": token})
    return r.status_code


@pytest.fixture
def login(client: TestClient) -> Callable[[str], TestClient]:
    def do(role: str) -> TestClient:
        assert log_in(client, role) == 303
        return client

    return do


@pytest.fixture
def token(app_engine: Engine) -> Callable[[str], dict[str, str]]:
    """Authorization headers with a fresh API token of a role's user."""

    def make(role: str) -> dict[str, str]:
        plain = users.create_token(app_engine, username=role, name="t")
        return {"Authorization": "Bearer " + plain}

    return make
