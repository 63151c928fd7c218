"""Local servers for the sender tests: SMTP (tests.servers) and an HTTP SMS gateway."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from tests.servers import (  # noqa: F401  (fixtures of the sender tests)
    http_server,
    smtp_server,
    unused_port,
)

from noki.db.models import DraftRow
from noki.services import review
from noki.services.demo import sample_records
from noki.services.orders import ingest
from noki.services.roles import Actor


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

    with http_server(Handler) as url:
        gw.url = url + "/send"
        yield gw


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
