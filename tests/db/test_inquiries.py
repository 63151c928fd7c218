"""Inquiries stored once, linked by the Message-IDs noki sent, answered; SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select
from tests.inbound import mails

from noki.db.models import AuditEvent, InquiryRow, OrderRow
from noki.faq import FaqIndex, load_faq
from noki.inbound.records import InquiryIn
from noki.services.demo import sample_records
from noki.services.inquiries import (
    inquiry_voices,
    receive_mail,
    receive_record,
    record_sent_message_id,
)
from noki.services.orders import ingest

FAQ = FaqIndex(load_faq())


@pytest.fixture
def order_id(engine: Engine, app_ctx) -> str:
    ingest(app_ctx, sample_records(5), actor="test")
    with Session(engine) as s:
        first = s.exec(select(OrderRow.order_id).order_by(OrderRow.order_id)).first()
        assert first is not None
        record_sent_message_id(s, "<notice-1@noki.example.jp>", first, outbox_id=1)
        s.commit()
    return first


def _row(engine: Engine, inquiry_id: int) -> InquiryRow:
    with Session(engine) as s:
        row = s.get(InquiryRow, inquiry_id)
        assert row is not None
        return row


def test_reply_is_linked_by_in_reply_to_and_answered(engine: Engine, order_id: str) -> None:
    raw = mails.iso2022jp("いつ届きますか？", in_reply_to="<notice-1@noki.example.jp>")
    got = receive_mail(engine, raw, faq=FAQ)
    row = _row(engine, got.inquiry_id)
    assert got.created and row.order_id == order_id and row.link_method == "thread"
    assert row.intent == "eta_question" and row.state == "queued"
    assert row.answer is not None and row.answer["check"]["ok"] and order_id in row.answer["body"]
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(AuditEvent)
                      .where(AuditEvent.action == "inquiry_received")).one() == 1


def test_same_message_twice_is_stored_once_even_in_parallel(engine: Engine, order_id: str) -> None:
    raw = mails.iso2022jp("代替品でお願いします。", in_reply_to="<notice-1@noki.example.jp>",
                          msgid="<dup@example.com>")
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: receive_mail(engine, raw, faq=FAQ), range(4)))
    assert sum(r.created for r in results) == 1
    assert len({r.inquiry_id for r in results}) == 1
    row = _row(engine, results[0].inquiry_id)
    assert row.intent == "option_choice" and row.choice is not None
    assert row.choice["event"]["kind"] == "choice"  # a proposal; nothing applied to the order


def test_order_number_links_and_unknown_mail_is_unlinked(engine: Engine, order_id: str) -> None:
    linked = receive_mail(engine, mails.utf8_qp(f"注文番号 {order_id} の件、キャンセルできますか"),
                          faq=FAQ)
    assert _row(engine, linked.inquiry_id).link_method == "order_number"
    lost = receive_mail(engine, mails.utf8_base64("いつ届きますか"), faq=FAQ)
    row = _row(engine, lost.inquiry_id)
    assert row.order_id is None and row.answer is not None and row.answer["routed_to_person"]


def test_bounce_is_held_with_its_reason_and_not_answered(engine: Engine) -> None:
    raw = mails.iso2022jp("不在です", subject="自動返信: 入荷遅延のお知らせ")
    row = _row(engine, receive_mail(engine, raw, faq=FAQ).inquiry_id)
    assert row.state == "held" and row.mail_status == "auto_reply" and row.answer is None


def test_records_are_idempotent_on_their_id_and_become_voices(engine: Engine,
                                                              order_id: str) -> None:
    rec = InquiryIn(id="chat-9", channel="phone", text="入電。補償はあるのかとのこと",
                    received_at=dt.datetime(2026, 12, 1, 10, 0), order_id=order_id)
    first = receive_record(engine, rec, faq=FAQ)
    again = receive_record(engine, rec, faq=FAQ)
    assert first.created and not again.created and first.inquiry_id == again.inquiry_id
    row = _row(engine, first.inquiry_id)
    assert row.intent == "compensation" and row.order_id == order_id
    voices = inquiry_voices(engine)
    assert [v.channel for v in voices] == ["call"] and voices[0].date == dt.date(2026, 12, 1)
    assert inquiry_voices(engine, since=dt.date(2026, 12, 2)) == []


def test_demo_seeds_one_linked_inquiry_per_intent(engine: Engine, order_id: str) -> None:
    from noki.services.inquiries import seed_demo_inquiries

    received = seed_demo_inquiries(engine, faq=FAQ, n_orders=5)
    assert sum(r.created for r in received) == 6
    with Session(engine) as s:
        rows = s.exec(select(InquiryRow)).all()
    assert {r.intent for r in rows} == {"eta_question", "option_choice", "cancellation",
                                        "compensation", "complaint", "other"}
    assert all(r.link_method == "thread" and r.answer for r in rows)
