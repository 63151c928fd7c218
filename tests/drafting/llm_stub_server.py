"""A local OpenAI-compatible chat-completions server on 127.0.0.1 for tests and the benchmark.

The real `openai` SDK talks to it over HTTP, so retries, timeouts, status codes and parsing are
exercised for real (respx cannot intercept the SDK's httpx2 transport).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class StubReply:
    """One scripted HTTP answer: a completion (content/refusal) or an error status."""

    content: str | None = None
    status: int = 200
    refusal: str | None = None
    finish_reason: str = "stop"
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    raw: bytes | None = None  # sent verbatim instead of a completion document
    usage: dict[str, int] = field(
        default_factory=lambda: {"prompt_tokens": 120, "completion_tokens": 80, "total_tokens": 200}
    )


Responder = Callable[[dict[str, Any]], StubReply]


class StubServer:
    """Serves scripted replies first, then the responder's; records every request body."""

    def __init__(self, responder: Responder | None = None) -> None:
        self.script: list[StubReply] = []
        self.responder = responder
        self.requests: list[dict[str, Any]] = []
        self.raw_requests: list[bytes] = []
        self._lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0  # the most requests being answered at the same moment
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        """The base_url to give the SDK."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def queue(self, *replies: StubReply) -> None:
        """Add replies to be served, in order, before the responder is asked."""
        with self._lock:
            self.script.extend(replies)

    def __enter__(self) -> StubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, body: dict[str, Any]) -> StubReply:
        with self._lock:
            self.requests.append(body)
            if self.script:
                return self.script.pop(0)
        if self.responder is None:
            return StubReply(status=500, raw=b'{"error": {"message": "no scripted reply"}}')
        return self.responder(body)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: without this, Nagle + delayed ACK add ~40 ms.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet tests
                return

            def do_POST(self) -> None:  # noqa: N802 - http.server naming
                raw = self.rfile.read(int(self.headers.get("content-length", 0)))
                with stub._lock:
                    stub.raw_requests.append(raw)
                body = json.loads(raw or b"{}")
                reply = stub._next(body)
                with stub._lock:
                    stub.in_flight += 1
                    stub.max_in_flight = max(stub.max_in_flight, stub.in_flight)
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                with stub._lock:
                    stub.in_flight -= 1
                payload = reply.raw
                if payload is None:
                    payload = _document(reply, body, len(stub.requests))
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    self.send_header("x-request-id", f"req_stub_{len(stub.requests)}")
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test): nothing to answer

        return Handler


def _document(reply: StubReply, body: dict[str, Any], number: int) -> bytes:
    if reply.status != 200:
        error = {"message": f"stub status {reply.status}", "type": "stub"}
        return json.dumps({"error": error}).encode()
    message = {"role": "assistant", "content": reply.content, "refusal": reply.refusal}
    return json.dumps({
        "id": f"chatcmpl-stub-{number}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "stub-model"),
        "choices": [
            {"index": 0, "message": message, "finish_reason": reply.finish_reason, "logprobs": None}
        ],
        "usage": reply.usage,
    }, ensure_ascii=False).encode()


def _fact(prompt: str, label: str) -> str:
    """The value of a 「- label: value」 line of the notice prompt (the part before any ()."""
    for line in prompt.splitlines():
        if line.startswith(f"- {label}"):
            return line.split(": ", 1)[1].split("(")[0].strip()
    return ""


def careless_writer(body: dict[str, Any]) -> StubReply:
    """A model that writes issue 12's mistakes from the prompt's facts (the checker must catch
    them): past dates as future, re-delay apologies in good news, another cause's caveat,
    御中 with ご購買ご担当者様, a repeated sentence, a two-segment SMS asking for a reply."""
    prompt = body["messages"][-1]["content"]
    eta = _fact(prompt, "新しい入荷予定")
    promised = _fact(prompt, "当初ご案内した納期")
    next_update = _fact(prompt, "次回のご連絡日")
    if "SMS" in prompt.splitlines()[0]:
        text = (f"{{{{customer_name}}}}様 ご注文の商品は仕入先の遅れにより入荷が{eta}になる"
                "見込みです。ご迷惑をおかけし申し訳ございません。対応は返信でお選びください。"
                f"次回{next_update}にご連絡します。")
        return StubReply(content=json.dumps({"subject": "", "body": text}, ensure_ascii=False))
    company = "御中" in prompt
    addressee = "{{customer_name}} 御中\nご購買ご担当者様" if company else "{{customer_name}} 様"
    lines = [
        addressee,
        "ご注文の商品のお届けが遅れております。たびたび予定が変わり、重ねてお詫び申し上げます。",
        f"当初ご案内した{promised}にはお届けできない見込みとなりました。",
        f"新しい入荷予定は{eta}です。仕入先の状況により前後する可能性があります。",
        "貴社向けの手配を優先して進めております。",
        "貴社向けの手配を、優先して進めております。",
        f"{next_update}までに改めてご連絡いたします。",
    ]
    reply = {"subject": "【お詫び】入荷遅延のお知らせ", "body": "\n".join(lines)}
    return StubReply(content=json.dumps(reply, ensure_ascii=False))
