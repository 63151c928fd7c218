"""Real local servers for the sender tests: aiosmtpd SMTP and an HTTP SMS gateway."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine
from sqlmodel import Session, select

from noki.db.models import DraftRow
from noki.services import review
from noki.services.demo import sample_records
from noki.services.orders import ingest
from noki.services.roles import Actor


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def unused_port() -> int:
    """A local port nothing listens on (a server that is down)."""
    return free_port()


@dataclass
class SmtpSink:
    """Collects what the SMTP server accepted; `refuse` makes it answer 550."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse: bool = False
    delay: float = 0.0
    port: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.refuse:
            return "550 5.7.1 refused by test"
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        msg = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        self.messages.append(msg)  # type: ignore[arg-type]
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[SmtpSink]:
    """An aiosmtpd server on 127.0.0.1 at a free port."""
    sink = SmtpSink(port=free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


@dataclass
class Gateway:
    """Requests the SMS gateway received; `status` is what it answers."""

    url: str = ""
    status: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def sms_gateway() -> Iterator[Gateway]:
    """A real HTTP server that speaks the gateway's JSON."""
    gw = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            gw.requests.append({"auth": self.headers.get("Authorization"), **body})
            self.send_response(gw.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"id": f"gw-{len(gw.requests)}"}).encode())

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    gw.url = f"http://127.0.0.1:{server.server_address[1]}/send"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield gw
    server.shutdown()
    server.server_close()


@pytest.fixture
def approved(engine: Engine, app_ctx) -> Callable[..., list[DraftRow]]:
    """Ingest sample orders and approve n clean drafts of a channel; returns the drafts."""

    def make(n: int, channel: str = "email", orders: int = 60) -> list[DraftRow]:
        ingest(app_ctx, sample_records(orders), actor="test")
        with Session(engine) as s:
            rows = s.exec(
                select(DraftRow).where(
                    DraftRow.status == "pending", DraftRow.check_ok, DraftRow.channel == channel
                )
                .order_by(DraftRow.id)  # type: ignore[arg-type]
            ).all()
        rows = [r for r in rows if not r.meta.get("no_contact")][:n]  # those cannot be sent
        assert len(rows) == n, f"only {len(rows)} clean {channel} drafts"
        for row in rows:
            review.approve(engine, draft_id=row.id, actor=Actor("aoki", "agent"))  # type: ignore[arg-type]
        return list(rows)

    return make
