"""The sender against real local servers: delivery, retries, dead letters, stale drafts."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session, select

from noki.db.clock import utcnow
from noki.db.models import DeliveryAttempt, DraftRow, OrderRow, OutboxMessage
from noki.domain.order import Eta
from noki.messaging import Channels, FakeSender, HttpSmsSender, SmtpConfig, SmtpSender, segments
from noki.outbox import Policy, Worker
from noki.services.orders import eta_event

FAST = Policy(max_attempts=3, backoff_seconds=0.0, lease_seconds=60, batch_size=10)


def smtp_worker(engine: Engine, port: int, name: str = "w1") -> Worker:
    email = SmtpSender(
        SmtpConfig(host="127.0.0.1", port=port, timeout=5, sender="noki <noreply@noki.example.jp>")
    )
    return Worker(engine, Channels(email=email, sms=FakeSender()), name=name, policy=FAST)


def outbox(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as s:
        return list(s.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())  # type: ignore[arg-type]


def test_approved_mail_arrives_with_japanese_mime(engine, smtp_server, approved) -> None:
    drafts = approved(3)
    assert smtp_worker(engine, smtp_server.port).drain() == 3
    assert len(smtp_server.messages) == 3
    by_id = {m["X-Noki-Outbox-Id"]: m for m in smtp_server.messages}
    for msg in outbox(engine):
        mail = by_id[str(msg.id)]
        draft = next(d for d in drafts if d.id == msg.draft_id)
        # Globally unique (make_msgid), assigned before the send and kept as the reference.
        assert str(mail["Message-ID"]).strip() == msg.message_id == msg.provider_ref
        assert not msg.message_id.startswith("<noki-outbox-")
        assert str(mail["Subject"]) == draft.subject
        assert "=?utf-8?" in mail.as_string().lower()  # the raw subject is RFC 2047 encoded
        assert mail.get_content().rstrip("\n") == draft.body.rstrip("\n")
        assert mail.get_content_charset() == "utf-8"
        assert msg.status == "sent" and msg.attempts == 1
    with Session(engine) as s:
        assert {d.status for d in s.exec(select(DraftRow).where(DraftRow.status != "pending"))} == {
            "sent"
        }


def test_refusing_server_retries_then_dead_letters(engine, smtp_server, approved) -> None:
    approved(1)
    smtp_server.refuse = True
    worker = smtp_worker(engine, smtp_server.port)
    assert worker.drain() == FAST.max_attempts
    [msg] = outbox(engine)
    assert msg.status == "dead" and msg.attempts == FAST.max_attempts
    assert "550" in (msg.last_error or "")
    with Session(engine) as s:
        attempts = s.exec(select(DeliveryAttempt)).all()
    assert [a.ok for a in attempts] == [False] * FAST.max_attempts


def test_server_down_backs_off_then_dead_letters(engine, unused_port, approved) -> None:
    approved(1)
    slow = Policy(max_attempts=2, backoff_seconds=30, lease_seconds=60)
    email = SmtpSender(SmtpConfig(host="127.0.0.1", port=unused_port, timeout=2))
    worker = Worker(engine, Channels(email=email, sms=FakeSender()), name="w", policy=slow)
    assert worker.drain() == 1  # the retry waits for its backoff
    [msg] = outbox(engine)
    assert msg.status == "pending" and msg.attempts == 1
    assert (msg.next_attempt_at - utcnow()).total_seconds() > 25
    with Session(engine) as s:
        row = s.get(OutboxMessage, msg.id)
        row.next_attempt_at = utcnow()
        s.add(row)
        s.commit()
    assert worker.drain() == 1
    [msg] = outbox(engine)
    assert msg.status == "dead" and "smtp" in (msg.last_error or "")


def test_sms_goes_through_the_http_gateway_with_segments(engine, sms_gateway, approved) -> None:
    drafts = approved(2, channel="sms")
    sms = HttpSmsSender(sms_gateway.url, "tok-123", timeout=5)
    worker = Worker(engine, Channels(email=FakeSender(), sms=sms), name="w", policy=FAST)
    assert worker.drain() == 2
    assert {r["auth"] for r in sms_gateway.requests} == {"Bearer tok-123"}
    assert sorted(r["text"] for r in sms_gateway.requests) == sorted(d.body for d in drafts)
    for msg in outbox(engine):
        assert msg.status == "sent" and msg.segments == segments(msg.body)
        assert msg.provider_ref and msg.provider_ref.startswith("gw-")


def test_gateway_errors_are_retried(engine, sms_gateway, approved) -> None:
    approved(1, channel="sms")
    sms_gateway.status = 503
    sms = HttpSmsSender(sms_gateway.url, None, timeout=5)
    worker = Worker(engine, Channels(email=FakeSender(), sms=sms), name="w", policy=FAST)
    assert worker.drain() == FAST.max_attempts
    assert len(sms_gateway.requests) == FAST.max_attempts
    assert outbox(engine)[0].status == "dead"


def test_sms_segments_follow_the_70_67_rule() -> None:
    assert segments("あ" * 70) == 1
    assert segments("あ" * 71) == 2
    assert segments("あ" * 134) == 2
    assert segments("あ" * 135) == 3
    assert segments("a" * 160) == 1 and segments("a" * 161) == 2
    assert segments("😀" * 35) == 1 and segments("😀" * 36) == 2


def test_a_stale_draft_is_never_sent(engine, app_ctx, approved) -> None:
    [draft] = approved(1)
    eta = Eta(earliest=date(2027, 2, 1), latest=date(2027, 2, 3))
    with Session(engine) as s:
        sku = s.get(OrderRow, draft.order_id).sku_id
    eta_event(app_ctx, eta=eta, sku_id=sku, actor="erp")
    with Session(engine) as s:  # even if a race put the message back in the queue ...
        for m in s.exec(select(OutboxMessage)).all():
            m.status = "pending"
            s.add(m)
        s.commit()
    fake = FakeSender()
    worker = Worker(engine, Channels(email=fake, sms=fake), name="w", policy=FAST)
    worker.drain()
    assert draft.id not in {m.outbox_id for m in fake.sent}  # ... the claim refuses it
    with Session(engine) as s:
        assert s.get(DraftRow, draft.id).status == "superseded"


def test_concurrent_workers_send_each_message_once(engine, approved) -> None:
    approved(30, orders=120)
    fake = FakeSender()
    lock = threading.Lock()

    def run(name: str) -> None:
        worker = Worker(
            engine,
            Channels(email=fake, sms=fake),
            name=name,
            policy=Policy(batch_size=3, backoff_seconds=0),
        )
        with lock:
            pass
        worker.drain()

    threads = [threading.Thread(target=run, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [m.outbox_id for m in fake.sent]
    assert len(ids) == len(set(ids)) == 30
    assert {m.status for m in outbox(engine)} == {"sent"}
