"""Inquiry use cases: receive a mail or a record, link it, draft its answer, store it once.

Each function owns its transactions; parsing and drafting (pure, noki.inbound) happen between
a short read and the write, never inside an open transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from noki.db.clock import utcnow
from noki.db.models import DecisionRow, InquiryRow, OrderRow, OutboxMessage, SentMessageId
from noki.domain.decision import Decision
from noki.domain.order import Order
from noki.faq.retrieve import FaqIndex
from noki.inbound.answer import AnswerDraft, Answerer, Inquiry, draft_answer
from noki.inbound.intent import classify_intent
from noki.inbound.pipeline import Processed, process_mail
from noki.inbound.records import InquiryIn, as_voice, link_record
from noki.inbound.screen import Limits
from noki.services import audit
from noki.services.draft_store import latest_decisions
from noki.voc.models import Voice

SYSTEM = "inbound"


@dataclass(frozen=True)
class Received:
    """The stored inquiry's id and whether this call created it (False: a duplicate)."""

    inquiry_id: int
    created: bool


def _pairs(engine: Engine, order_ids: Iterable[str]) -> dict[str, tuple[Order, Decision]]:
    """Orders with their latest decision (one short read)."""
    ids = sorted({o for o in order_ids if o})
    if not ids:
        return {}
    with Session(engine) as s:
        latest = latest_decisions(s, set(ids))  # one query for all, not one per order
        orders = s.exec(select(OrderRow).where(col(OrderRow.order_id).in_(latest))).all()
        decisions = {d.id: d.payload for d in s.exec(
            select(DecisionRow).where(col(DecisionRow.id).in_(latest.values())))}
    return {row.order_id: (Order.model_validate(row.payload),
                           Decision.model_validate(decisions[latest[row.order_id]]))
            for row in orders}


def _thread_orders(engine: Engine, ids: Iterable[str]) -> dict[str, str]:
    """Message-IDs noki sent -> order: the recorded ids, and the Message-ID the sender stored as
    each sent e-mail's provider_ref."""
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    with Session(engine) as s:
        rows = s.exec(select(SentMessageId).where(col(SentMessageId.message_id).in_(wanted))).all()
        found = {r.message_id: r.order_id for r in rows}
        sent = s.exec(select(OutboxMessage.provider_ref, OutboxMessage.order_id).where(
            OutboxMessage.channel == "email", OutboxMessage.status == "sent",
            col(OutboxMessage.provider_ref).in_(wanted))).all()
        for ref, order_id in sent:
            if ref:
                found.setdefault(ref, order_id)
        return found


def _known_orders(engine: Engine, candidates: Iterable[str]) -> set[str]:
    ids = sorted(set(candidates))
    if not ids:
        return set()
    with Session(engine) as s:
        return set(s.exec(select(OrderRow.order_id).where(col(OrderRow.order_id).in_(ids))).all())


def _state(answer: AnswerDraft | None, mail_status: str) -> str:
    if mail_status != "ok":
        return "held"
    if answer is not None and answer.order_id is None:
        return "unlinked"  # a person matches it to an order first
    return "drafted" if answer is not None else "new"


def _order_states(engine: Engine, ids: Iterable[str]) -> dict[str, str]:
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    with Session(engine) as s:
        return dict(s.exec(select(OrderRow.order_id, OrderRow.state)
                           .where(col(OrderRow.order_id).in_(wanted))).all())


def _queued(engine: Engine, got: Received) -> Received:
    """A new linked inquiry's answer goes to the review queue (an unlinked one waits)."""
    if got.created:
        from noki.services.answers import queue_answer

        queue_answer(engine, got.inquiry_id)
    return got


def _store(engine: Engine, row: InquiryRow) -> Received:
    """Insert once: the same Message-ID or external id twice returns the first row."""
    try:
        with Session(engine) as s:
            s.add(row)
            s.flush()
            assert row.id is not None
            audit.record(s, actor=SYSTEM, action="inquiry_received", order_id=row.order_id,
                         inquiry_id=row.id, channel=row.channel, status=row.mail_status,
                         intent=row.intent, link=row.link_method)
            s.commit()
            return Received(row.id, True)
    except IntegrityError:
        with Session(engine) as s:
            key = (col(InquiryRow.message_id) == row.message_id if row.message_id
                   else col(InquiryRow.external_id) == row.external_id)
            existing = s.exec(select(InquiryRow).where(key)).first()
            if existing is None or existing.id is None:
                raise
            return Received(existing.id, False)


def receive_mail(engine: Engine, raw: bytes, *, faq: FaqIndex, own_addresses: Collection[str] = (),
                 limits: Limits | None = None, spool_name: str | None = None,
                 answerer: Answerer = draft_answer) -> Received:
    """Parse, screen, link and answer one received mail, then store it (idempotent).

    `answerer` is the template drafter, or `AppContext.drafter.answer` (the guarded model when
    one is configured); it runs between the reads and the write, with no transaction open."""
    from noki.inbound.link import order_numbers
    from noki.inbound.parse import parse_mail

    peek = parse_mail(raw, own_addresses=own_addresses, limits=limits)
    threads = _thread_orders(engine, [peek.in_reply_to or "", *peek.references])
    known = _known_orders(engine, order_numbers(f"{peek.subject}\n{peek.text}"))
    pairs = _pairs(engine, [*threads.values(), *known])
    states = _order_states(engine, pairs)
    done: Processed = process_mail(raw, thread_orders=threads, lookup=pairs.get, faq=faq,
                                   own_addresses=own_addresses, limits=limits,
                                   state_of=states.get, answerer=answerer)
    mail = done.mail
    row = InquiryRow(
        channel="email", message_id=mail.message_id, in_reply_to=mail.in_reply_to,
        references=mail.references, from_addr=mail.from_addr, from_name=mail.from_name,
        subject=mail.subject, text=mail.text, full_text=mail.full_text,
        mail_status=mail.status, status_reason=mail.status_reason,
        state=_state(done.answer, mail.status), order_id=done.link.order_id,
        link_method=done.link.method, link_detail=done.link.detail[:300],
        intent=done.intent.intent if done.intent else None,
        choice=done.intent.choice.model_dump() if done.intent and done.intent.choice else None,
        injection=bool(done.intent and done.intent.injection),
        answer=done.answer.model_dump(mode="json") if done.answer else None,
        raw_size=mail.size, attachments=[a.model_dump() for a in mail.attachments],
        defects=mail.defects, spool_name=spool_name,
        received_at=mail.date.astimezone(dt.UTC) if mail.date and mail.date.tzinfo else utcnow(),
    )
    return _queued(engine, _store(engine, row))


def receive_record(engine: Engine, record: InquiryIn, *, faq: FaqIndex,
                   answerer: Answerer = draft_answer) -> Received:
    """Store one chat/phone/form inquiry with its intent and answer draft (idempotent on id)."""
    from noki.inbound.link import order_numbers

    candidates = [*([record.order_id] if record.order_id else []),
                  *order_numbers(f"{record.subject}\n{record.text}")]
    known = _known_orders(engine, candidates)
    link = link_record(record, known.__contains__)
    pairs = _pairs(engine, [link.order_id] if link.order_id else [])
    order, decision = pairs.get(link.order_id or "", (None, None))
    intent = classify_intent(record.text, record.subject,
                             offered=decision.options if decision else ())
    answer = answerer(Inquiry(text=record.text, subject=record.subject, channel=record.channel),
                      intent, order, decision, faq,
                      state=_order_states(engine, [link.order_id or ""]).get(link.order_id or ""))
    row = InquiryRow(
        channel=record.channel, external_id=record.id, subject=record.subject, text=record.text,
        full_text=record.text, from_addr=record.customer_email or "",
        from_name=record.customer_name or "", state=_state(answer, "ok"), order_id=link.order_id,
        link_method=link.method, link_detail=link.detail[:300], intent=intent.intent,
        choice=intent.choice.model_dump() if intent.choice else None, injection=intent.injection,
        answer=answer.model_dump(mode="json"), received_at=record.received_at.astimezone(dt.UTC),
    )
    return _queued(engine, _store(engine, row))


def record_sent_message_id(session: Session, message_id: str, order_id: str, *,
                           outbox_id: int | None = None, inquiry_id: int | None = None) -> None:
    """Remember a Message-ID noki sent (inside the sender's transaction) for reply linking."""
    session.merge(SentMessageId(message_id=message_id, order_id=order_id, outbox_id=outbox_id,
                                inquiry_id=inquiry_id))


def inquiry_voices(engine: Engine, since: dt.date | None = None) -> list[Voice]:
    """Stored inquiries (answerable ones, not bounces or spam) as VOC voices."""
    with Session(engine) as s:
        query = select(InquiryRow).where(InquiryRow.mail_status == "ok")
        if since is not None:
            start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC) - dt.timedelta(hours=9)
            query = query.where(col(InquiryRow.received_at) >= start)
        rows = s.exec(query.order_by(col(InquiryRow.id))).all()
        return [as_voice(f"inq-{r.id}", r.received_at, r.channel, r.text, r.order_id)
                for r in rows if r.text.strip()]


def seed_demo_inquiries(engine: Engine, *, faq: FaqIndex, n_orders: int = 6) -> list[Received]:
    """`make run`: pretend notices went to the first orders, then receive one reply per intent."""
    from noki.inbound.demo import INBOX, demo_threads
    from noki.inbound.samples import sample_replies

    with Session(engine) as s:
        rows = s.exec(select(OrderRow).order_by(col(OrderRow.order_id)).limit(n_orders)).all()
        orders = [Order.model_validate(r.payload) for r in rows]
        threads = demo_threads(orders)
        for (msgid, _), order in zip(threads, orders, strict=False):
            record_sent_message_id(s, msgid, order.order_id)
        s.commit()
    return [receive_mail(engine, raw, faq=faq) for raw in sample_replies(threads, to=INBOX)]


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite returns naive UTC


@dataclass(frozen=True)
class InquiryLine:
    """One inquiry as the console lists it, with its SLA clock."""

    row: InquiryRow
    waiting_minutes: int  # since received, until the first response (or now)


def list_inquiries(engine: Engine, *, now: dt.datetime, state: str = "",
                   limit: int = 200) -> list[InquiryLine]:
    """Newest first; the SLA clock runs until the first response."""
    with Session(engine) as s:
        query = select(InquiryRow)
        if state:
            query = query.where(InquiryRow.state == state)
        rows = s.exec(query.order_by(col(InquiryRow.received_at).desc()).limit(limit)).all()
    out = []
    for row in rows:
        start, end = _aware(row.received_at), _aware(row.first_response_at or now)
        out.append(InquiryLine(row, max(0, int((end - start).total_seconds() // 60))))
    return out
