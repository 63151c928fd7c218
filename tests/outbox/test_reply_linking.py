"""A notice sent over SMTP, the customer's ISO-2022-JP reply with In-Reply-To, linked and answered
(SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlmodel import Session

from noki.db.models import InquiryRow
from noki.faq import FaqIndex, load_faq
from noki.inbound.samples import sample_reply
from noki.messaging import Channels, FakeSender, SmtpConfig, SmtpSender
from noki.outbox import Policy, Worker
from noki.services.inquiries import receive_mail


def test_reply_to_a_sent_notice_links_by_its_message_id(engine, smtp_server, approved) -> None:
    drafts = approved(1)
    email = SmtpSender(SmtpConfig(host="127.0.0.1", port=smtp_server.port, timeout=5,
                                  sender="noki <noreply@noki.example.jp>"))
    worker = Worker(engine, Channels(email=email, sms=FakeSender()), name="w",
                    policy=Policy(max_attempts=3, backoff_seconds=0.0, lease_seconds=60,
                                  batch_size=10))
    assert worker.drain() == 1
    notice = smtp_server.messages[0]
    reply = sample_reply("代替品でお願いします。", charset="iso-2022-jp",
                         sender=str(notice["To"]), to="support@reply.noki.example.jp",
                         in_reply_to=str(notice["Message-ID"]), msgid="<r-1@customer.example.jp>")
    got = receive_mail(engine, reply, faq=FaqIndex(load_faq()),
                       own_addresses={"noreply@noki.example.jp"})
    with Session(engine) as s:
        row = s.get(InquiryRow, got.inquiry_id)
        assert row is not None
        assert row.link_method == "thread" and row.order_id == drafts[0].order_id
        assert row.intent == "option_choice" and row.answer is not None
        assert row.answer["check"]["ok"]
