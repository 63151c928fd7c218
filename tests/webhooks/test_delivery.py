"""Signed webhooks against a real local HTTP server: accept, retry, dead letter, bad secret."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from noki.db.clock import utcnow
from noki.db.models import AuditEvent
from noki.db.models_lifecycle import TimelineEntry
from noki.db.models_webhooks import WebhookMessage
from noki.outbox.webhooks import WebhookConfig, WebhookWorker
from noki.services import webhooks
from noki.services.demo import sample_records
from noki.services.orders import ingest
from noki.settings import Settings
from tests.servers import http_server
from tests.webhooks.conftest import SECRET, Receiver


def config(url: str, secret: str = SECRET, **kw: object) -> WebhookConfig:
    values: dict[str, object] = {"max_attempts": 3, "backoff_seconds": 0.0, "timeout": 5.0,
                                 "lease_seconds": 60.0, "batch_size": 10, **kw}
    return WebhookConfig(urls={"oms": url}, secret=secret, **values)  # type: ignore[arg-type]


def enqueue(engine: Engine, key: str, order_id: str | None = None, **payload: object) -> int:
    with Session(engine) as s:
        body = {"option": "substitute", **payload}
        if order_id:
            body["order_id"] = order_id
        wid = webhooks.enqueue(s, "oms.choice", key, body)
        s.commit()
    return wid


def rows(engine: Engine) -> list[WebhookMessage]:
    with Session(engine) as s:
        return list(s.exec(select(WebhookMessage).order_by(WebhookMessage.id)).all())  # type: ignore[arg-type]


def first_order(app_ctx) -> str:
    report = ingest(app_ctx, sample_records(2), actor="test")
    assert report.created == 2
    return sample_records(2)[0].order_id


def test_accepted_webhook_carries_a_valid_signature(engine, app_ctx, receiver: Receiver) -> None:
    order_id = first_order(app_ctx)
    wid = enqueue(engine, "choice-e1", order_id, note="電話で受付")
    assert WebhookWorker(engine, config(receiver.url), name="w").drain() == 1
    [got] = receiver.accepted
    assert got["path"] == "/hooks/oms"
    assert got["headers"]["X-Noki-Signature"] == webhooks.sign(SECRET, got["raw"])
    assert got["headers"]["Idempotency-Key"] == "oms.choice:choice-e1"
    assert abs(int(got["headers"]["X-Noki-Timestamp"]) - time.time()) < 60
    assert got["json"] == {"topic": "oms.choice", "key": "choice-e1",
                           "data": {"option": "substitute", "note": "電話で受付",
                                    "order_id": order_id}}
    [row] = rows(engine)
    assert (row.id, row.status, row.attempts, row.last_status) == (wid, "sent", 1, 200)
    with Session(engine) as s:
        lines = s.exec(select(TimelineEntry).where(TimelineEntry.kind == "webhook")).all()
    assert [t.summary for t in lines] == ["OMSへお客様のご選択を通知（送信待ち）",
                                          "OMSへお客様のご選択を通知（送信済み）"]
    assert all(t.order_id == order_id for t in lines)


def test_the_same_key_is_queued_once(engine) -> None:
    first = enqueue(engine, "k1")
    assert enqueue(engine, "k1", note="changed") == first
    assert len(rows(engine)) == 1
    assert rows(engine)[0].payload == {"option": "substitute"}


def test_server_error_is_retried_with_the_same_signed_body(engine, receiver: Receiver) -> None:
    enqueue(engine, "k-500")
    receiver.answers = [500]
    assert WebhookWorker(engine, config(receiver.url), name="w").drain() == 2
    [failed] = receiver.rejected
    [ok] = receiver.accepted
    assert failed["raw"] == ok["raw"]
    assert failed["headers"]["Idempotency-Key"] == ok["headers"]["Idempotency-Key"]
    [row] = rows(engine)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)


def test_backoff_waits_before_the_retry(engine, receiver: Receiver) -> None:
    enqueue(engine, "k-wait")
    receiver.answers = [503]
    worker = WebhookWorker(engine, config(receiver.url, backoff_seconds=30), name="w")
    assert worker.drain() == 1
    [row] = rows(engine)
    assert row.status == "pending" and row.last_status == 503
    assert (row.next_attempt_at - utcnow()).total_seconds() > 25
    assert "HTTP 503" in (row.last_error or "")


def test_receiver_down_is_dead_lettered_after_max_attempts(engine, app_ctx, unused_port) -> None:
    order_id = first_order(app_ctx)
    enqueue(engine, "k-down", order_id)
    url = f"http://127.0.0.1:{unused_port}/hooks"
    assert WebhookWorker(engine, config(url), name="w").drain() == 3
    [row] = rows(engine)
    assert (row.status, row.attempts, row.last_status) == ("dead", 3, None)
    assert "refused" in (row.last_error or "").lower()
    with Session(engine) as s:
        failed = s.exec(select(AuditEvent).where(AuditEvent.action == "webhook_failed")).all()
        last = s.exec(select(TimelineEntry).where(TimelineEntry.kind == "webhook")
                      .order_by(TimelineEntry.id.desc())).first()  # type: ignore[union-attr]
    assert [e.detail["dead"] for e in failed] == [False, False, True]
    assert last is not None and "送信不能" in last.summary


def test_a_redirect_is_not_a_delivery(engine) -> None:
    """urllib turns a POST answered 302 into a GET without the body: that must not be 'sent'."""
    seen: list[str] = []

    class Moved(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append("POST")
            self.send_response(302)
            self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:  # noqa: N802
            seen.append("GET")
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    enqueue(engine, "k-moved")
    with http_server(Moved) as url:
        assert WebhookWorker(engine, config(url + "/hooks", backoff_seconds=30),
                             name="w").drain() == 1
    assert seen == ["POST"]  # not followed: the signed body would not reach anyone
    [row] = rows(engine)
    assert (row.status, row.last_status) == ("pending", 302)
    assert "HTTP 302" in (row.last_error or "")


def test_wrong_secret_is_rejected_and_not_retried(engine, receiver: Receiver) -> None:
    enqueue(engine, "k-secret")
    worker = WebhookWorker(engine, config(receiver.url, secret="not-the-partner-secret-x" * 2),
                           name="w")
    assert worker.drain() == 1
    assert receiver.accepted == [] and len(receiver.rejected) == 1
    [row] = rows(engine)
    assert (row.status, row.last_status) == ("dead", 401)  # the same bytes would fail again
    with Session(engine) as s:
        webhooks.retry_dead(s, row.id, actor="supervisor")  # type: ignore[arg-type]
        s.commit()
    assert WebhookWorker(engine, config(receiver.url), name="w").drain() == 1
    assert rows(engine)[0].status == "sent" and len(receiver.accepted) == 1


def test_signature_covers_every_byte() -> None:
    body = webhooks.encode_body("oms.choice", "k", {"order_id": "EC-1", "option": "cancel_refund"})
    raw = body.encode()
    header = webhooks.sign(SECRET, raw)
    assert webhooks.verify(SECRET, raw, header)
    assert not webhooks.verify(SECRET, raw.replace(b"EC-1", b"EC-2"), header)
    assert not webhooks.verify("another-secret", raw, header)
    assert not webhooks.verify(SECRET, raw, None)


def test_topic_without_a_url_waits_and_bad_topics_are_refused(engine, receiver) -> None:
    with Session(engine) as s:
        webhooks.enqueue(s, "storefront.sales_control", "sku-1", {"sku_id": "X"})
        with pytest.raises(ValueError, match="topic"):
            webhooks.enqueue(s, "erp", "k", {})
        s.commit()
    assert WebhookWorker(engine, config(receiver.url), name="w").drain() == 0
    assert rows(engine)[0].status == "pending"


def test_parallel_workers_deliver_each_webhook_once(engine, receiver: Receiver) -> None:
    for i in range(30):
        enqueue(engine, f"k-{i}")
    workers = [WebhookWorker(engine, config(receiver.url, batch_size=3), name=f"w{i}")
               for i in range(4)]
    threads = [threading.Thread(target=w.drain) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    keys = [r["json"]["key"] for r in receiver.accepted]
    assert sorted(keys) == sorted(f"k-{i}" for i in range(30))
    assert {(r.status, r.attempts) for r in rows(engine)} == {("sent", 1)}


def test_settings_need_a_secret_beside_a_url(tmp_path) -> None:
    with pytest.raises(ValueError, match="NOKI_WEBHOOK_SECRET"):
        Settings(webhook_oms_url="http://127.0.0.1:9/x", webhook_secret="short")
    s = Settings(webhook_oms_url="http://oms/x", webhook_secret="s" * 32)
    assert s.webhook_url("oms.choice") == "http://oms/x"
    assert s.webhook_url("storefront.sales_control") is None


def test_noki_send_senders_deliver_webhooks(app_ctx, receiver: Receiver) -> None:
    from noki.outbox.senders import build_senders

    ctx = app_ctx
    ctx.settings = ctx.settings.model_copy(update={"webhook_oms_url": receiver.url,
                                                   "webhook_secret": SECRET})
    enqueue(ctx.engine, "k-send")
    assert build_senders(ctx, name="cli-0").drain() == 1
    assert len(receiver.accepted) == 1
