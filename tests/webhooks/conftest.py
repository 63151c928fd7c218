"""A real HTTP receiver on 127.0.0.1 that verifies noki's webhook signature like a partner would."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from noki.services.webhooks import verify
from tests.servers import http_server, unused_port  # noqa: F401  (fixture)

SECRET = "partner-shared-secret-" + "k" * 16


@dataclass
class Receiver:
    """What arrived; `answers` are statuses to give first (then 200 for valid signatures)."""

    secret: str = SECRET
    url: str = ""
    answers: list[int] = field(default_factory=list)
    accepted: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """An OMS stand-in: 401 for a bad signature, else the next scripted answer or 200."""
    rx = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            seen = {"raw": raw, "headers": dict(self.headers), "path": self.path}
            with rx.lock:
                if not verify(rx.secret, raw, self.headers.get("X-Noki-Signature")):
                    rx.rejected.append(seen)
                    status = 401
                elif rx.answers:
                    status = rx.answers.pop(0)
                    rx.rejected.append(seen)
                else:
                    seen["json"] = json.loads(raw)
                    rx.accepted.append(seen)
                    status = 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    with http_server(Handler) as url:
        rx.url = url + "/hooks/oms"
        yield rx
