"""Answer drafts for inquiries (template path): FAQ + decision (+ state), or a person answers."""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from noki.domain.decision import Decision
from noki.domain.draft import CheckResult
from noki.domain.order import Order
from noki.drafting.context import notice_context
from noki.faq.retrieve import FaqIndex
from noki.inbound.answer_check import check_answer, check_unlinked
from noki.inbound.models import ChoiceProposal, IntentResult

MIN_SCORE = 0.3  # below this the best FAQ entry is about something else
# The entry that answers each intent first; other intents search the FAQ with the text.
INTENT_FAQ = {"eta_question": "faq-eta-when", "cancellation": "faq-cancel",
              "compensation": "faq-compensation", "option_choice": "faq-how-to-choose"}
STATE_LABELS = {"backordered": "入荷待ち", "allocated": "引当済み(発送準備中)",
                "partially_shipped": "一部発送済み", "shipped": "発送済み",
                "cancelled": "キャンセル・返金手続き中", "substituted": "代替品へ変更済み"}
CLOSED_STATES = frozenset({"shipped", "cancelled", "substituted"})
HOLD = "いただいた内容は担当者が確認し、改めてご連絡いたします。"


class AnswerDraft(BaseModel):
    """A reply to one inquiry: text, what grounds it, and whether a person must answer."""

    model_config = ConfigDict(frozen=True)

    order_id: str | None
    intent: str
    subject: str
    body: str
    faq_ids: list[str] = Field(default_factory=list)
    routed_to_person: bool
    route_reason: str | None = None
    choice: ChoiceProposal | None = None  # shown to the agent; never applied by noki
    drafter: str = "template"
    fallback_reason: str | None = None
    check: CheckResult


class Inquiry(BaseModel):
    """What the answer drafter reads about one inquiry (from mail, chat, phone note or form)."""

    model_config = ConfigDict(frozen=True)

    text: str
    subject: str = ""
    channel: str = "email"


class Answerer(Protocol):
    """Drafts one inquiry's answer: `draft_answer` (templates) or a guarded model's drafter."""

    def __call__(self, inquiry: Inquiry, intent: IntentResult, order: Order | None,
                 decision: Decision | None, faq: FaqIndex, *,
                 state: str | None = None) -> AnswerDraft: ...


def reply_subject(subject: str, order_id: str | None) -> str:
    """Re: the customer's subject (threads stay together), or a subject naming the order."""
    if subject.strip():
        return subject if subject.lower().startswith(("re:", "re：")) else f"Re: {subject}"
    return f"ご注文{order_id}についてのお問い合わせ" if order_id else "お問い合わせについて"


def _order_block(ctx: dict[str, Any], state: str | None) -> list[str]:
    lines = [f"ご注文（{ctx['order_id']}「{ctx['item']}」）の現在の状況は次のとおりです。"]
    if state:
        lines.append(f"・現在の状況：{STATE_LABELS.get(state, state)}")
    if state in CLOSED_STATES:
        return lines
    lines.append(f"・新しい入荷予定：{ctx['eta']}")
    if ctx["options"]:
        lines.append("・お選びいただける対応：" + "、".join(o["label"] for o in ctx["options"]))
    if ctx["compensation"]:
        lines.append(f"・お詫びの補償：{ctx['compensation']}")
    lines.append(f"・次回のご連絡：{ctx['next_update']}までに、入荷状況をご連絡いたします。")
    return lines


def _compose(ctx: dict[str, Any], middle: list[str]) -> str:
    head = [f"{ctx['name']} {ctx['honorific']}", "",
            f"お問い合わせいただき、ありがとうございます。{ctx['sender']}でございます。", ""]
    tail = ["", "ご不明な点は、下記までお問い合わせください。", str(ctx["contact"]), "",
            str(ctx["sender"])]
    return "\n".join(head + middle + tail)


def _faq_answer(faq: FaqIndex, intent: str, text: str) -> tuple[str | None, str | None]:
    preferred = INTENT_FAQ.get(intent)
    if preferred:
        for entry in faq.entries:
            if entry.id == preferred:
                return entry.id, entry.answer
    hits = faq.search(text)
    if hits and hits[0].score >= MIN_SCORE:
        return hits[0].entry.id, hits[0].entry.answer
    return None, None


def _middle(intent: IntentResult, ctx: dict[str, Any], faq: FaqIndex, text: str,
            state: str | None) -> tuple[list[str], list[str], str | None]:
    """(paragraphs, faq ids, route reason) for a linked, non-adversarial inquiry."""
    if state in CLOSED_STATES:
        return [HOLD], [], f"order_{state}"
    choice = intent.choice
    if intent.intent == "option_choice" and choice is not None:
        if not choice.offered:
            return ["ご希望の対応について、このご注文でお受けできるかを担当者が確認し、"
                    "改めてご連絡いたします。"], [], "choice_not_offered"
        label = next(o["label"] for o in ctx["options"] if o["name"] == choice.option)
        return [f"ご返信にて「{label}」をご希望と伺いました。",
                "担当者がご注文の内容を確認のうえ、お手続きについて改めてご連絡いたします。"
                "ご連絡するまで、ご注文の内容は変わりません。"], [], "choice_needs_agent"
    faq_id, answer = _faq_answer(faq, intent.intent, text)
    if intent.intent == "complaint":
        return ["ご不便とご心配をおかけしており、誠に申し訳ございません。", HOLD], [], "complaint"
    if answer is None:
        return [HOLD], [], "no_faq_match"
    return [answer], [faq_id] if faq_id else [], None


def draft_answer(inquiry: Inquiry, intent: IntentResult, order: Order | None,
                 decision: Decision | None, faq: FaqIndex, *,
                 state: str | None = None) -> AnswerDraft:
    """Template reply grounded in the FAQ, the decision and the order's state (when known)."""
    if order is None or decision is None:
        body = "\n".join([
            "お問い合わせいただき、ありがとうございます。", "",
            "ご注文を確認するため、ご注文番号をお知らせいただけますでしょうか。",
            HOLD])
        return AnswerDraft(order_id=None, intent=intent.intent,
                           subject=reply_subject(inquiry.subject, None), body=body,
                           routed_to_person=True, route_reason="unlinked", choice=intent.choice,
                           check=check_unlinked(body))
    ctx = notice_context(order, decision, channel="email")
    middle: list[str]
    faq_ids: list[str]
    reason: str | None
    if intent.injection:
        middle, faq_ids, reason = [HOLD], [], "instruction_like_text"
    else:
        middle, faq_ids, reason = _middle(intent, ctx, faq, inquiry.text, state)
    body = _compose(ctx, [*middle, "", *_order_block(ctx, state)])
    subject = reply_subject(inquiry.subject, order.order_id)
    check = check_answer(order, decision, subject=subject, body=body, state=state, facts=ctx)
    if not check.ok and reason is None:
        # The general FAQ answer contradicts this order: keep only the grounded facts.
        reason = "faq_conflicts_with_decision: " + ", ".join(
            sorted({v.code for v in check.violations}))
        body = _compose(ctx, [HOLD, "", *_order_block(ctx, state)])
        faq_ids = []
        check = check_answer(order, decision, subject=subject, body=body, state=state, facts=ctx)
    return AnswerDraft(order_id=order.order_id, intent=intent.intent, subject=subject, body=body,
                       faq_ids=faq_ids, routed_to_person=reason is not None, route_reason=reason,
                       choice=intent.choice, check=check)
