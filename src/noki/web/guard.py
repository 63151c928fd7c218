"""ASGI guard in front of every route: body size limit, Origin check, security headers."""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def csp(nonce: str) -> str:
    """The Content-Security-Policy: own origin only; inline scripts only with this nonce."""
    return (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self' 'unsafe-inline'; "  # the console's templates carry their own CSS
        "img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
    )


class Guard:
    """Refuses oversized bodies (413) and cross-origin writes (403); adds security headers."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        send = _with_headers(send, nonce)
        if scope["method"] in UNSAFE_METHODS and not _same_origin(headers):
            await _json(send, 403, "cross-origin request refused (Origin does not match Host)")
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await _json(send, 413, f"request body larger than {self.max_body_bytes} bytes")
            return
        if scope["method"] in UNSAFE_METHODS:
            body = await _read_bounded(receive, self.max_body_bytes)
            if body is None:
                await _json(send, 413, f"request body larger than {self.max_body_bytes} bytes")
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send)


def _same_origin(headers: dict[str, str]) -> bool:
    """Origin (or, without it, Referer) names this host; machines sending neither pass."""
    source = headers.get("origin") or headers.get("referer")
    if not source:
        return True  # API clients; forms still need their CSRF token
    if source == "null":
        return False  # sandboxed frames, file:// pages, privacy redirects
    return urlsplit(source).netloc.lower() == headers.get("host", "").lower()


async def _read_bounded(receive: Receive, limit: int) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, then: Receive) -> Receive:
    """The buffered body once, then the real channel (which reports the disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await then()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _with_headers(send: Send, nonce: str) -> Send:
    extra = [
        (b"content-security-policy", csp(nonce).encode()),
        (b"x-frame-options", b"SAMEORIGIN"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    ]

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = dict(message)
            message["headers"] = [*message.get("headers", []), *extra]
        await send(message)

    return wrapped


async def _json(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers: list[Any] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
