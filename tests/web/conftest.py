"""Console fixtures: an app on the per-test database, users per role, logged-in clients."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from tests.servers import smtp_server  # noqa: F401  (fixture of the end-to-end tests)
from tests.support import SAMPLE_DAY, clock_on

from noki.app import AppContext
from noki.services import users
from noki.services.demo import sample_records
from noki.services.orders import ingest
from noki.services.roles import ROLES
from noki.settings import Settings
from noki.web.app import create_app

PASSWORD = "correct-horse-1"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def settings(app_ctx: AppContext) -> Settings:
    return app_ctx.settings


@pytest.fixture
def app_engine(engine: Engine, app_ctx) -> Engine:
    # The console runs on the sample orders' day: opening or approving a draft judges its text
    # on the context's day (stale drafts are re-decided), so the real date must not leak in.
    app_ctx.clock = clock_on(SAMPLE_DAY)
    for role in ROLES:
        users.create_user(engine, username=role, password=PASSWORD, role=role)
    ingest(app_ctx, sample_records(30), actor="test")
    return engine


@pytest.fixture
def client(app_ctx: AppContext, app_engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(app_ctx), follow_redirects=False) as c:
        yield c


def csrf_of(client: TestClient, path: str = "/login") -> str:
    match = CSRF.search(client.get(path).text)
    assert match, f"no csrf token on {path}"
    return match.group(1)


@pytest.fixture
def csrf() -> Callable[..., str]:
    """Read the CSRF token from a page (the login page by default)."""
    return csrf_of


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def login(client: TestClient) -> Callable[[str], TestClient]:
    """Log the client in as the user of a role (username = role)."""

    def do(role: str) -> TestClient:
        token = csrf_of(client)
        r = client.post(
            "/login", data={"username": role, "password": PASSWORD, "csrf_token": token}
        )
        assert r.status_code == 303, r.text
        return client

    return do
