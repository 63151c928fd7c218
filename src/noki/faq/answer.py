"""Replies to a customer's question: the matching FAQ answer plus the order's decided facts."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from noki.domain.decision import Decision
from noki.domain.draft import Draft
from noki.domain.order import Order
from noki.drafting.checker import check_text
from noki.drafting.context import notice_context
from noki.faq.retrieve import FaqIndex
from noki.faq.store import FaqEntry

MIN_SCORE = 0.3  # below this the best entry is about something else: a person answers
# The question is data, never instructions; text that tries to instruct goes to a person.
INSTRUCTION_LIKE = re.compile(
    r"指示を無視|無視して|プロンプト|システム(?:メッセージ|の指示)|あなたは今から|として振る舞"
    r"|ignore (?:all |the )?(?:previous|above|prior)|system prompt|jailbreak",
    re.IGNORECASE,
)


class FaqMatch(BaseModel):
    """A retrieved FAQ entry and its similarity to the question."""

    model_config = ConfigDict(frozen=True)

    id: str
    question: str
    score: float


class Answer(BaseModel):
    """A drafted reply, or a holding reply routed to a person, with why."""

    model_config = ConfigDict(frozen=True)

    order_id: str
    question: str
    matches: list[FaqMatch]
    faq_id: str | None
    routed_to_person: bool
    route_reason: str | None = None
    draft: Draft


def _order_block(ctx: dict[str, object]) -> str:
    options = "、".join(str(o["label"]) for o in ctx["options"])  # type: ignore[attr-defined]
    lines = [
        f"ご注文（{ctx['order_id']}「{ctx['item']}」）の現在の状況は次のとおりです。",
        f"・新しい入荷予定：{ctx['eta']}",
        f"・お選びいただける対応：{options}",
    ]
    if ctx["compensation"]:
        lines.append(f"・お詫びの補償：{ctx['compensation']}")
    lines.append(f"・次回のご連絡：{ctx['next_update']}までに、入荷状況をご連絡いたします。")
    return "\n".join(lines)


def _compose(ctx: dict[str, object], middle: list[str]) -> str:
    head = [f"{ctx['name']} {ctx['honorific']}", "",
            f"お問い合わせいただき、ありがとうございます。{ctx['sender']}でございます。", ""]
    tail = ["", "ご不明な点は、下記までお問い合わせください。", str(ctx["contact"]), "",
            str(ctx["sender"])]
    return "\n".join(head + middle + tail)


def answer_question(
    order: Order, decision: Decision, question: str, faq: FaqIndex | list[FaqEntry]
) -> Answer:
    """Reply grounded in the FAQ and the decision; no match (or instructions) -> a person."""
    index = faq if isinstance(faq, FaqIndex) else FaqIndex(faq)
    ctx = notice_context(order, decision, channel="email")
    hits = index.search(question)
    matches = [FaqMatch(id=h.entry.id, question=h.entry.question, score=round(h.score, 3))
               for h in hits]
    subject = f"ご注文{order.order_id}についてのお問い合わせ"
    route_reason: str | None = None
    faq_id: str | None = None
    if INSTRUCTION_LIKE.search(question):
        route_reason = "instruction_like_question"
    elif not hits or hits[0].score < MIN_SCORE:
        route_reason = "no_faq_match"
    if route_reason is None:
        faq_id = hits[0].entry.id
        body = _compose(ctx, [hits[0].entry.answer, "", _order_block(ctx)])
        check = check_text(order, decision, channel="email", subject=subject, body=body,
                           require_all=False)
        if not check.ok:
            # The general answer contradicts this order's decision: keep only the grounded facts.
            codes = ", ".join(sorted({v.code for v in check.violations}))
            route_reason = f"faq_conflicts_with_decision: {codes}"
    if route_reason is not None:
        holding = ["ご質問の内容を担当者が確認し、改めてご連絡いたします。", "", _order_block(ctx)]
        body = _compose(ctx, holding)
    check = check_text(order, decision, channel="email", subject=subject, body=body,
                       require_all=False)
    draft = Draft(order_id=order.order_id, channel="email", subject=subject, body=body,
                  drafter="template", check=check, rules_version=decision.rules_version)
    return Answer(order_id=order.order_id, question=question, matches=matches, faq_id=faq_id,
                  routed_to_person=route_reason is not None, route_reason=route_reason, draft=draft)
