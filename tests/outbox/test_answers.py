"""Answers in the review queue, end to end over real SMTP (aiosmtpd), SQLite and PostgreSQL:
notice sent -> ISO-2022-JP reply -> answer draft (kind answer) beside the order's notices ->
agent edits and approves -> reply sent in the customer's thread -> the SLA clock stops."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from noki.db.models import DraftRow, InquiryRow, OutboxMessage
from noki.faq import FaqIndex, load_faq
from noki.inbound.samples import sample_reply
from noki.messaging import Channels, FakeSender, SmtpConfig, SmtpSender, identities_from
from noki.outbox import Policy, Worker
from noki.services import review
from noki.services.answers import match_inquiry, queue_answer
from noki.services.inquiries import list_inquiries, receive_mail
from noki.services.roles import Actor
from noki.settings import Settings

FAQ = FaqIndex(load_faq())
AGENT = Actor("aoki", "agent")
INBOX = "support@reply.noki.example.jp"


def _worker(engine, port: int) -> Worker:
    settings = Settings(inbound_addresses=[INBOX])
    identities = identities_from(settings.mail_identities, mail_from=settings.mail_from,
                                 reply_to=settings.reply_address)
    email = SmtpSender(SmtpConfig(host="127.0.0.1", port=port, timeout=5))
    policy = Policy(max_attempts=3, backoff_seconds=0.0, lease_seconds=60, batch_size=10)
    return Worker(engine, Channels(email=email, sms=FakeSender(), identities=identities),
                  name="w", policy=policy)


def _reply(notice, text: str, msgid: str = "<r-1@customer.example.jp>") -> bytes:
    return sample_reply(text, charset="iso-2022-jp", sender="customer@example.jp", to=INBOX,
                        in_reply_to=str(notice["Message-ID"]).strip(), msgid=msgid)


def _answer_draft(engine, inquiry_id: int) -> DraftRow:
    with Session(engine) as s:
        inq = s.get(InquiryRow, inquiry_id)
        assert inq is not None and inq.answer_draft_id is not None
        row = s.get(DraftRow, inq.answer_draft_id)
        assert row is not None
        return row


def test_reply_is_answered_in_the_customers_thread(engine, smtp_server, approved) -> None:
    [notice_draft] = approved(1)
    worker = _worker(engine, smtp_server.port)
    assert worker.drain() == 1
    notice = smtp_server.messages[0]
    got = receive_mail(engine, _reply(notice, "結局いつ頃届きますか？"), faq=FAQ)
    draft = _answer_draft(engine, got.inquiry_id)
    assert draft.kind == "answer" and draft.status == "pending" and draft.check_ok
    assert draft.order_id == notice_draft.order_id and draft.approval == "required"
    assert draft.subject == "Re: 入荷遅延のお知らせ"
    # The agent edits the reply (a grounded sentence) and approves what is on screen.
    body = draft.body.replace("お問い合わせいただき、ありがとうございます。",
                              "お問い合わせいただき、誠にありがとうございます。")
    done = review.approve_as_shown(engine, draft_id=draft.id or 0, actor=AGENT, body=body,
                                   subject=draft.subject)
    assert done.approved and done.saved and done.message_id
    assert worker.drain() == 1
    reply = smtp_server.messages[1]
    assert str(reply["To"]) == "customer@example.jp"
    assert str(reply["In-Reply-To"]).strip() == "<r-1@customer.example.jp>"
    refs = str(reply["References"]).split()
    assert refs[-1] == "<r-1@customer.example.jp>" and str(notice["Message-ID"]).strip() in refs
    assert str(reply["Subject"]) == "Re: 入荷遅延のお知らせ"
    assert str(reply["Reply-To"]) == INBOX
    assert "誠にありがとうございます" in reply.get_content()
    with Session(engine) as s:
        inq = s.get(InquiryRow, got.inquiry_id)
        assert inq is not None and inq.state == "answered" and inq.first_response_at
        msg = s.get(OutboxMessage, done.message_id)
        assert msg is not None and msg.inquiry_id == inq.id and msg.status == "sent"
    # The SLA clock stopped at the first response: a day later it still reads the same.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    [line] = [x for x in list_inquiries(engine, now=later) if x.row.id == got.inquiry_id]
    assert line.waiting_minutes < 60
    # A reply to our answer links to the same order through the answer's Message-ID.
    again = receive_mail(engine, _reply(reply, "ありがとうございます。", "<r-2@c.example.jp>"),
                         faq=FAQ)
    with Session(engine) as s:
        second = s.get(InquiryRow, again.inquiry_id)
        assert second is not None and second.link_method == "thread"
        assert second.order_id == notice_draft.order_id


def test_answer_waits_beside_a_pending_notice(engine, approved, app_ctx) -> None:
    approved(0)
    with Session(engine) as s:
        pending = s.exec(select(DraftRow).where(DraftRow.status == "pending",
                                                DraftRow.channel == "email")).first()
        assert pending is not None
    raw = sample_reply(f"{pending.order_id}の件、キャンセルできますか？", charset="iso-2022-jp",
                       sender="c@example.jp", to=INBOX, in_reply_to=None, msgid="<x-1@c.jp>")
    got = receive_mail(engine, raw, faq=FAQ)
    draft = _answer_draft(engine, got.inquiry_id)
    assert draft.order_id == pending.order_id and draft.status == "pending"
    assert queue_answer(engine, got.inquiry_id) == draft.id  # queued once
    with Session(engine) as s:
        assert s.get(DraftRow, pending.id).status == "pending"  # the notice is untouched


def test_an_edit_promising_what_the_state_does_not_back_is_not_approved(
        engine, smtp_server, approved) -> None:
    approved(1)
    worker = _worker(engine, smtp_server.port)
    worker.drain()
    got = receive_mail(engine, _reply(smtp_server.messages[0], "キャンセルできますか？"), faq=FAQ)
    draft = _answer_draft(engine, got.inquiry_id)
    body = draft.body + "\nキャンセルを承りました。全額を返金いたします。"
    done = review.approve_as_shown(engine, draft_id=draft.id or 0, actor=AGENT, body=body,
                                   subject=draft.subject)
    assert done.saved and not done.approved and done.message_id is None
    with Session(engine) as s:
        new = s.get(DraftRow, done.draft_id)
        assert new is not None and not new.check_ok
        assert "unauthorised_promise" in {v["code"] for v in new.violations}


def test_unlinked_inquiry_waits_for_a_person_to_match_it(engine, approved) -> None:
    [notice_draft] = approved(1)
    raw = sample_reply("注文したものはいつ届きますか？", charset="iso-2022-jp", sender="c@x.jp",
                       to=INBOX, in_reply_to=None, msgid="<u-1@c.jp>", subject="質問")
    got = receive_mail(engine, raw, faq=FAQ)
    with Session(engine) as s:
        inq = s.get(InquiryRow, got.inquiry_id)
        assert inq is not None and inq.state == "unlinked" and inq.answer_draft_id is None
        assert s.exec(select(DraftRow).where(DraftRow.kind == "answer")).first() is None
    draft_id = match_inquiry(engine, inquiry_id=got.inquiry_id, order_id=notice_draft.order_id,
                             actor=AGENT, faq=FAQ)
    assert draft_id is not None
    draft = _answer_draft(engine, got.inquiry_id)
    assert draft.id == draft_id and draft.order_id == notice_draft.order_id
    assert draft.subject == "Re: 質問" and "入荷予定" in draft.body
    with Session(engine) as s:
        inq = s.get(InquiryRow, got.inquiry_id)
        assert inq is not None and inq.link_method == "agent" and inq.state == "queued"
