"""Sending identity against a real aiosmtpd server: From name/address and Reply-To per industry,
globally unique Message-IDs kept across retries and recorded for reply linking."""

from __future__ import annotations

import re
from email.utils import parseaddr

from sqlmodel import Session, select

from noki.db.models import OrderRow, OutboxMessage, SentMessageId
from noki.messaging import Channels, FakeSender, SmtpConfig, SmtpSender, identities_from
from noki.outbox import Policy, Worker
from noki.settings import Settings

FAST = Policy(max_attempts=3, backoff_seconds=0.0, lease_seconds=60, batch_size=10)
MSGID = re.compile(r"^<\d+\.\d+\.\d+\.noki@mail\.noki\.example\.jp>$")


def _worker(engine, port: int) -> Worker:
    settings = Settings(inbound_addresses=["support@reply.noki.example.jp"],
                        mail_message_id_domain="mail.noki.example.jp")
    identities = identities_from(settings.mail_identities, mail_from=settings.mail_from,
                                 reply_to=settings.reply_address,
                                 message_id_domain=settings.mail_message_id_domain)
    email = SmtpSender(SmtpConfig(host="127.0.0.1", port=port, timeout=5))
    return Worker(engine, Channels(email=email, sms=FakeSender(), identities=identities),
                  name="w", policy=FAST)


def test_from_and_reply_to_follow_the_orders_company(engine, smtp_server, approved) -> None:
    approved(6)
    assert _worker(engine, smtp_server.port).drain() == 6
    names = {"ec": "のきストア", "btob": "のき商事 法人営業部", "auto": "のきモータース"}
    with Session(engine) as s:
        messages = {str(m.id): m for m in s.exec(select(OutboxMessage)).all()}
        industry = {o.order_id: o.industry for o in s.exec(select(OrderRow)).all()}
        recorded = {r.message_id: r for r in s.exec(select(SentMessageId)).all()}
    seen_ids = set()
    for mail in smtp_server.messages:
        msg = messages[mail["X-Noki-Outbox-Id"]]
        name, address = parseaddr(str(mail["From"]))
        assert name == names[industry[msg.order_id]]
        assert address.startswith("noreply@noki-")
        assert str(mail["Reply-To"]) == "support@reply.noki.example.jp"
        # (a long header is folded on the wire: the value is what matters)
        assert MSGID.match(str(mail["Message-ID"]).strip()), mail["Message-ID"]
        assert str(mail["Message-ID"]).strip() == msg.message_id
        assert recorded[msg.message_id].order_id == msg.order_id  # replies link by In-Reply-To
        assert recorded[msg.message_id].outbox_id == msg.id
        seen_ids.add(msg.message_id)
    assert len(seen_ids) == 6


def test_a_retry_sends_the_same_message_id(engine, smtp_server, approved) -> None:
    approved(1)
    smtp_server.refuse = True
    worker = _worker(engine, smtp_server.port)
    assert worker.run_once() == 1  # refused: retried later
    with Session(engine) as s:
        [msg] = s.exec(select(OutboxMessage)).all()
        first_id = msg.message_id
        assert msg.status == "pending" and first_id and MSGID.match(first_id)
        assert s.exec(select(SentMessageId)).first() is None  # recorded only once sent
    smtp_server.refuse = False
    assert worker.drain() == 1
    assert [str(m["Message-ID"]).strip() for m in smtp_server.messages] == [first_id]
