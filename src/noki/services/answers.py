"""Answers to inquiries in the review queue: one `answer` draft per linked inquiry, beside the
order's notices, approved by a person and sent in the customer's thread.

An unlinked inquiry has no order, so no draft: it waits on the inquiries page until a person
matches it to an order (match_inquiry), then its answer is drafted again and queued.
"""

from __future__ import annotations

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from noki.db import session_scope
from noki.db.models import DecisionRow, DraftRow, InquiryRow, OrderRow
from noki.domain.decision import Decision
from noki.domain.draft import CheckResult, Draft
from noki.domain.order import Order
from noki.faq.retrieve import FaqIndex
from noki.inbound.answer import AnswerDraft, Inquiry, draft_answer
from noki.inbound.answer_check import check_answer
from noki.inbound.intent import classify_intent
from noki.services import audit
from noki.services.drafts import _next_version
from noki.services.errors import Conflict, Invalid, NotFound
from noki.services.roles import Actor, require
from noki.services.transitions import Stale, lock_orders, retrying

SYSTEM = "system"


def _latest_decision(s: Session, order_id: str) -> DecisionRow | None:
    return s.exec(select(DecisionRow).where(DecisionRow.order_id == order_id)
                  .order_by(col(DecisionRow.id).desc()).limit(1)).first()


def _cas_inquiry(s: Session, row: InquiryRow, **values: object) -> None:
    """Change the inquiry only if nobody changed it since it was read."""
    hit = s.execute(
        update(InquiryRow)
        .where(col(InquiryRow.id) == row.id, col(InquiryRow.row_version) == row.row_version)
        .values(row_version=col(InquiryRow.row_version) + 1, **values)
        .execution_options(synchronize_session=False))
    if hit.rowcount != 1:  # type: ignore[attr-defined]
        raise Stale(f"inquiry {row.id} changed meanwhile; reload the page and try again")


def queue_answer(engine: Engine, inquiry_id: int, *, actor: str = SYSTEM) -> int | None:
    """Put a linked inquiry's answer draft in the review queue once; returns its draft id
    (None when the inquiry is held, unlinked, or its order has no decision yet)."""

    def run() -> int | None:
        with session_scope(engine) as s:
            first = s.get(InquiryRow, inquiry_id)
            if first is None:
                raise NotFound(f"inquiry {inquiry_id} not found")
            if first.order_id is None:
                return None
            lock_orders(s, [first.order_id])
            inq = s.get(InquiryRow, inquiry_id, populate_existing=True)
            assert inq is not None and inq.id is not None
            if inq.answer_draft_id is not None:
                return inq.answer_draft_id
            if inq.order_id is None or inq.answer is None or inq.mail_status != "ok":
                return None
            order = s.get(OrderRow, inq.order_id)
            drow = _latest_decision(s, inq.order_id)
            if order is None or drow is None:
                return None
            decision = Decision.model_validate(drow.payload)
            answer = AnswerDraft.model_validate(inq.answer)
            row = DraftRow(
                order_id=inq.order_id, decision_id=drow.id or 0,
                version=_next_version(s, inq.order_id),
                kind="answer", channel="email", subject=answer.subject, body=answer.body,
                drafter=answer.drafter, author=SYSTEM, check_ok=answer.check.ok,
                violations=[v.model_dump() for v in answer.check.violations],
                meta={"rules_version": decision.rules_version, "intent": answer.intent,
                      "faq_ids": answer.faq_ids, "route_reason": answer.route_reason,
                      "warnings": [w.model_dump() for w in answer.check.warnings],
                      **({"fallback_reason": answer.fallback_reason}
                         if answer.fallback_reason else {}),
                      **({"no_contact": True} if not _recipient(inq, order) else {})},
                industry=order.industry, lane=decision.lane,
                compensation=decision.compensation.type, approval="required")
            s.add(row)
            s.flush()
            row.root_id = row.id
            _cas_inquiry(s, inq, answer_draft_id=row.id, state="queued")
            audit.record(s, actor=actor, action="answer_queued", order_id=inq.order_id,
                         draft_id=row.id, inquiry_id=inq.id, route_reason=answer.route_reason)
            return row.id

    return retrying(run)


def _recipient(inq: InquiryRow, order: OrderRow) -> str | None:
    """Reply to the address the customer wrote from, else the order's e-mail contact."""
    if inq.from_addr:
        return inq.from_addr
    contact = order.payload.get("customer", {}).get("contact", {})
    return contact.get("email") or None


def answer_for_outbox(s: Session, draft: DraftRow) -> tuple[InquiryRow, str | None]:
    """The inquiry an answer draft replies to, and its recipient (for the outbox row)."""
    inq = s.exec(select(InquiryRow).where(InquiryRow.answer_draft_id == draft.root_id)).first()
    order = s.get(OrderRow, draft.order_id)
    if inq is None or order is None:
        raise Conflict(f"draft {draft.id}: its inquiry is gone")
    return inq, _recipient(inq, order)


def inquiry_of_draft(engine: Engine, draft: DraftRow) -> InquiryRow | None:
    """The inquiry an answer draft (any version) replies to."""
    with Session(engine) as s:
        return s.exec(select(InquiryRow).where(
            InquiryRow.answer_draft_id == draft.root_id)).first()


def redraft(s: Session, inq: InquiryRow, order_row: OrderRow, decision: Decision,
            faq: FaqIndex) -> AnswerDraft:
    """The inquiry's answer drafted again for an order (after matching, or on regenerate)."""
    order = Order.model_validate(order_row.payload)
    intent = classify_intent(inq.text, inq.subject, offered=decision.options)
    return draft_answer(Inquiry(text=inq.text, subject=inq.subject, channel=inq.channel), intent,
                        order, decision, faq, state=order_row.state)


def regenerated(engine: Engine, draft: DraftRow, faq: FaqIndex) -> Draft:
    """A fresh answer for a pending answer draft's inquiry, as a Draft for new_version."""
    with Session(engine) as s:
        inq = s.exec(select(InquiryRow).where(
            InquiryRow.answer_draft_id == draft.root_id)).first()
        order = s.get(OrderRow, draft.order_id)
        drow = s.get(DecisionRow, draft.decision_id)
        if inq is None or order is None or drow is None:
            raise Conflict(f"draft {draft.id}: its inquiry is gone")
        decision = Decision.model_validate(drow.payload)
        answer = redraft(s, inq, order, decision, faq)
    return Draft(order_id=draft.order_id, channel="email", subject=answer.subject,
                 body=answer.body, drafter="template", check=answer.check,
                 rules_version=decision.rules_version)


def check_answer_edit(s: Session, draft: DraftRow, *, subject: str | None,
                      body: str) -> CheckResult:
    """An agent's edit of an answer, checked as answers are (state and ledger included)."""
    order = s.get(OrderRow, draft.order_id)
    drow = s.get(DecisionRow, draft.decision_id)
    assert order is not None and drow is not None
    return check_answer(Order.model_validate(order.payload), Decision.model_validate(drow.payload),
                        subject=subject, body=body, state=order.state)


def match_inquiry(engine: Engine, *, inquiry_id: int, order_id: str, actor: Actor,
                  faq: FaqIndex) -> int | None:
    """A person links an unlinked inquiry to an order; its answer is drafted and queued."""
    require(actor, "draft.write")
    order_id = order_id.strip()
    if not order_id:
        raise Invalid("注文番号を入力してください")

    def run() -> None:
        with session_scope(engine) as s:
            lock_orders(s, [order_id])
            inq = s.get(InquiryRow, inquiry_id, populate_existing=True)
            if inq is None:
                raise NotFound(f"inquiry {inquiry_id} not found")
            if inq.answer_draft_id is not None or inq.first_response_at is not None:
                raise Conflict(f"問い合わせ #{inquiry_id} はすでに回答案があるか回答済みです")
            if inq.mail_status != "ok":
                raise Conflict(f"問い合わせ #{inquiry_id} は保留中のため照合できません")
            order = s.get(OrderRow, order_id)
            drow = _latest_decision(s, order_id)
            if order is None or drow is None:
                raise NotFound(f"注文 {order_id} が見つかりません")
            decision = Decision.model_validate(drow.payload)
            answer = redraft(s, inq, order, decision, faq)
            _cas_inquiry(s, inq, order_id=order_id, link_method="agent",
                         link_detail=f"{actor.name} が照合", intent=answer.intent,
                         choice=answer.choice.model_dump() if answer.choice else None,
                         answer=answer.model_dump(mode="json"), state="drafted")
            audit.record(s, actor=actor.name, action="inquiry_matched", order_id=order_id,
                         inquiry_id=inquiry_id)

    retrying(run)
    return queue_answer(engine, inquiry_id, actor=actor.name)
