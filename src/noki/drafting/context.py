"""The facts a notice may state, as display strings: the only inputs of templates and prompts."""

from __future__ import annotations

from datetime import date
from typing import Any

from noki.domain.decision import Decision
from noki.domain.draft import NoticeChannel
from noki.domain.order import Order
from noki.drafting import wording
from noki.drafting.jatext import format_date, format_range, format_yen

# Short reasons for SMS, where every character counts.
REASON_SHORT = {
    "supplier_delay": "仕入先の遅れにより",
    "demand_surge": "ご注文の集中により",
    "production_issue": "生産の遅れにより",
    "logistics": "輸送の遅れにより",
    "disaster": "災害の影響により",
    "quality_hold": "品質確認のため",
}
CONFIDENCE_NOTE = {
    "high": "メーカーから出荷日の回答を得ており、この予定で進む見込みです。",
    "medium": "仕入先の状況により前後する可能性があります。",
    "low": (
        "現時点では見通しが立ちにくく、変わる可能性があります。"
        "変更があれば速やかにお知らせいたします。"
    ),
}


def _md(value: date) -> str:
    # No year in SMS: readers (and the checker) take the nearest year, which is this one or next.
    return f"{value.month}月{value.day}日"


def _short_range(order: Order) -> str:
    """12月1日～5日 (month once when the window stays in one month), no weekdays, no year."""
    first, last = order.eta.earliest, order.eta.latest
    if first == last:
        return _md(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{_md(first)}～{last.day}日"
    return f"{_md(first)}～{_md(last)}"


def notice_facts(order: Order, decision: Decision, *, channel: NoticeChannel) -> dict[str, Any]:
    """Decision facts in customer words, free of personal data (safe to send to a model)."""
    as_of = order.as_of
    comp = decision.compensation
    need_by = format_date(order.need_by, as_of) if order.need_by else None
    return {
        "channel": channel,
        "order_id": order.order_id,
        "industry": order.industry,
        "category": order.sku.category,
        "lane": decision.lane,
        "segment": decision.segment,
        "human_followup": decision.human_followup,
        "honorific": wording.honorific(order.customer.name),
        "item": order.sku.name,
        "quantity": order.quantity,
        "ordered_at": format_date(order.ordered_at, as_of),
        "promised": format_date(order.promised_date, as_of),
        "need_by": need_by,
        "deadline_missed": decision.deadline_missed,
        "purpose": order.purpose,
        "reschedule_count": order.reschedule_count,
        "reason": wording.reason_text(order.delay_reason, order.industry),
        "reason_short": REASON_SHORT[order.delay_reason],
        "eta": format_range(order.eta.earliest, order.eta.latest, as_of),
        "eta_plain": format_range(order.eta.earliest, order.eta.latest, as_of, weekday=False),
        "eta_short": _short_range(order),
        "confidence_note": CONFIDENCE_NOTE[order.eta.confidence],
        "next_update": format_date(decision.next_update_date, as_of),
        "next_update_short": _md(decision.next_update_date),
        "options": [
            {"name": o, "label": wording.option_label(o, order.industry),
             "short": wording.OPTION_SHORT[o]}
            for o in decision.options
        ],
        "compensation_type": comp.type,
        "compensation_amount": format_yen(comp.amount_jpy) if comp.amount_jpy is not None else None,
        "compensation": wording.compensation_text(comp, need_by=need_by),
        "compensation_short": wording.compensation_short(comp),
        "how_to_choose": wording.HOW_TO_CHOOSE[order.industry],
        "sender": wording.SENDER[order.industry],
        "sender_short": wording.SENDER_SHORT[order.industry],
        "contact": wording.CONTACT[order.industry],
        "self_service_url": wording.SELF_SERVICE_URL.format(order_id=order.order_id),
    }


def notice_context(order: Order, decision: Decision, *, channel: NoticeChannel) -> dict[str, Any]:
    """Template context: the facts plus the addressee (templates run locally, never at a model)."""
    ctx = notice_facts(order, decision, channel=channel)
    ctx["name"] = order.customer.name
    ctx["short_name"] = wording.short_name(order.customer.name)
    return ctx
