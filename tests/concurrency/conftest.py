"""A real uvicorn server on 127.0.0.1 and logged-in HTTP clients firing requests in parallel."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine

from noki.app import AppContext
from noki.services import users
from noki.settings import Settings
from noki.web.app import create_app
from tests.support import make_settings

PASSWORD = "race-test-passphrase-9Q"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TIMEOUT = 60.0
T = TypeVar("T")


@dataclass
class Console:
    """A logged-in browser session, replayable from many threads (one client per request)."""

    url: str
    cookies: dict[str, str]
    csrf: str

    def post(self, path: str, data: dict[str, Any]) -> httpx.Response:
        """A form POST with the session's CSRF token, on a fresh connection."""
        with httpx.Client(base_url=self.url, cookies=self.cookies, timeout=TIMEOUT) as c:
            return c.post(path, data={**data, "csrf_token": self.csrf})


@dataclass
class Live:
    """The running server, its database and a machine token for the JSON API."""

    url: str
    engine: Engine
    settings: Settings
    token: str
    ctx: AppContext

    def login(self, role: str) -> Console:
        """Log a user of the role in (username = role) and keep the session cookie."""
        with httpx.Client(base_url=self.url, timeout=TIMEOUT) as c:
            csrf = _csrf(c.get("/login").text)
            r = c.post("/login", data={"username": role, "password": PASSWORD, "csrf_token": csrf})
            assert r.status_code == 303, r.text
            page = c.get("/queue")
            cookies = dict(c.cookies)
        return Console(self.url, cookies, _csrf(page.text))

    def api(self, path: str, payload: object) -> httpx.Response:
        """A JSON POST with the machine token."""
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=self.url, timeout=TIMEOUT) as c:
            return c.post(path, json=payload, headers=headers)


def _csrf(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no csrf token on the page"
    return match.group(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live(database_url: str, engine: Engine, tmp_path: Path) -> Iterator[Live]:
    """uvicorn serving the console on a free port; the sender runs only when a test drains."""
    settings = make_settings(database_url, tmp_path, session_secret="race-secret-" + "x" * 32)
    for role in ("agent", "supervisor", "admin"):
        users.create_user(engine, username=role, password=PASSWORD, role=role)
    token = users.create_token(engine, username="admin", name="oms")
    port = _free_port()
    config = uvicorn.Config(
        create_app(ctx := AppContext(settings, engine=engine)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield Live(f"http://127.0.0.1:{port}", engine, settings, token, ctx)
    server.should_exit = True
    thread.join(10)


def parallel(calls: list[Callable[[], T]], *, stagger: float = 0.0) -> list[T]:
    """Run every call in its own thread, released together (or `stagger` s apart); bounded."""
    gate = threading.Barrier(len(calls), timeout=TIMEOUT)

    def run(i: int, call: Callable[[], T]) -> T:
        gate.wait()
        if stagger:
            time.sleep(stagger * i)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(run, i, c) for i, c in enumerate(calls)]
        return [f.result(timeout=TIMEOUT * 2) for f in futures]
