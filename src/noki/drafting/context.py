"""The facts a notice may state, as display strings: the only inputs of templates and prompts."""

from __future__ import annotations

from datetime import date
from typing import Any

from noki.domain.decision import Decision
from noki.domain.draft import NoticeChannel
from noki.domain.facts import eta_change
from noki.domain.order import Order
from noki.drafting import wording
from noki.drafting.dates import customer_window, effective_eta, lead_kind
from noki.drafting.jatext import format_date, format_range, format_yen
from noki.drafting.lifecycle_notice import LifecycleNotice
from noki.drafting.lifecycle_words import lifecycle_facts, with_ledger
from noki.drafting.names import company_core
from noki.drafting.settings import DEFAULT_SETTINGS, NoticeSettings

# Short reasons for SMS, where every character counts.
REASON_SHORT = {
    "supplier_delay": "仕入先の遅れにより",
    "demand_surge": "ご注文の集中により",
    "production_issue": "生産の遅れにより",
    "logistics": "輸送の遅れにより",
    "disaster": "災害の影響により",
    "quality_hold": "品質確認のため",
}
WINDOW_LABEL = {"ec": "お届け予定", "btob": "納品予定日", "vehicle": "納車予定",
                "parts": "お渡し予定"}


def _md(value: date) -> str:
    # No year in SMS: readers (and the checker) take the nearest year, which is this one or next.
    return f"{value.month}月{value.day}日"


def _short_range(first: date, last: date, approx: bool) -> str:
    """12月1日～5日 (month once when the window stays in one month), no weekdays, no year."""
    if first == last:
        return _md(first) + ("ごろ" if approx else "")
    if (first.year, first.month) == (last.year, last.month):
        return f"{_md(first)}～{last.day}日"
    return f"{_md(first)}～{_md(last)}"


def _range(first: date, last: date, as_of: date, approx: bool, weekday: bool = True) -> str:
    text = format_range(first, last, as_of, weekday=weekday)
    return text + ("ごろ" if approx and first == last else "")


# A delay notice without lifecycle facts: the templates test `notice_kind` and `granted_text`.
_NO_STEP: dict[str, Any] = {"notice_kind": None, "nothing_new": False, "granted": {},
                            "granted_text": "", "granted_line": ""}


def notice_facts(
    order: Order, decision: Decision, *, channel: NoticeChannel,
    settings: NoticeSettings = DEFAULT_SETTINGS, notice: LifecycleNotice | None = None,
) -> dict[str, Any]:
    """Decision facts in customer words, free of personal data (safe to send to a model).

    With `notice`, the facts of the lifecycle step and the ledger are added (lifecycle_words).
    """
    as_of = order.as_of
    comp = decision.compensation
    need_by = format_date(order.need_by, as_of) if order.need_by else None
    first, last = effective_eta(order)
    win_first, win_last = customer_window(order, settings)
    approx = order.eta.confidence == "low"  # a single uncertain day is written 「ごろ」
    kind = lead_kind(order)
    previous = order.previous_eta
    promised_past = order.promised_date < as_of
    facts = {
        "channel": channel,
        "order_id": order.order_id,
        "industry": order.industry,
        "category": order.sku.category,
        "vehicle": kind == "vehicle",
        "lane": decision.lane,
        "segment": decision.segment,
        "purpose": decision.notice_purpose,
        "late": decision.delay_days > 0,
        "delay_days": decision.delay_days,
        "human_followup": decision.human_followup,
        "honorific": wording.honorific(order.customer.name),
        "item": order.sku.name,
        "quantity": order.quantity,
        "written_on": format_date(as_of, as_of),
        "ordered_at": format_date(order.ordered_at, as_of),
        "promised": format_date(order.promised_date, as_of),
        "promised_past": promised_past,
        "promised_clause": wording.promised_clause(
            format_date(order.promised_date, as_of), kind, past=promised_past),
        "need_by": need_by,
        "need_by_past": order.need_by is not None and order.need_by < as_of,
        "deadline_missed": decision.deadline_missed,
        "use_purpose": order.purpose,
        "reschedule_count": order.reschedule_count,
        "eta_change": eta_change(order),
        "previous_eta": (format_range(previous.earliest, previous.latest, as_of)
                         if previous is not None else None),
        "reason": wording.reason_text(order.delay_reason, order.industry),
        "reason_short": REASON_SHORT[order.delay_reason],
        "eta": _range(first, last, as_of, approx),
        "eta_plain": _range(first, last, as_of, approx, weekday=False),
        "eta_short": _short_range(first, last, approx),
        "window_label": WINDOW_LABEL[kind],
        "window": _range(win_first, win_last, as_of, approx),
        "window_plain": _range(win_first, win_last, as_of, approx, weekday=False),
        "window_short": _short_range(win_first, win_last, approx),
        "caveat": wording.caveat(order.delay_reason, order.eta.confidence),
        "next_update": format_date(decision.next_update_date, as_of),
        "next_update_short": _md(decision.next_update_date),
        "options": [
            {"name": o, "label": wording.option_label(o, order.industry, kind),
             "short": wording.OPTION_SHORT[o]}
            for o in decision.options
        ],
        "refund": comp.type == "refund_full",
        "loaner": comp.type == "loaner_car",
        "compensation_type": comp.type,
        "compensation_amount": format_yen(comp.amount_jpy) if comp.amount_jpy is not None else None,
        "compensation": wording.compensation_text(
            comp, need_by=need_by,
            need_by_past=order.need_by is not None and order.need_by < as_of),
        "compensation_short": wording.compensation_short(comp),
        "how_to_choose": wording.HOW_TO_CHOOSE[order.industry],
        "has_phone": order.customer.contact.phone is not None,
        "replies_handled": settings.replies_handled,
        "sms_limit": settings.sms_limit if channel == "sms" else None,
        "sender": wording.SENDER[order.industry],
        "sender_short": wording.SENDER_SHORT[order.industry],
        "contact": wording.CONTACT[order.industry],
        "self_service_url": (notice.self_service_url if notice and notice.self_service_url
                             else settings.link_for(order.order_id)),
        **(lifecycle_facts(order, decision, notice) if notice is not None else _NO_STEP),
    }
    if notice is not None and notice.granted and not notice.is_lifecycle:
        facts["compensation"] = with_ledger(facts["compensation"], notice.granted,
                                            refund=comp.type == "refund_full")
    return facts


def notice_context(
    order: Order, decision: Decision, *, channel: NoticeChannel,
    settings: NoticeSettings = DEFAULT_SETTINGS, notice: LifecycleNotice | None = None,
) -> dict[str, Any]:
    """Template context: the facts plus the addressee (templates run locally, never at a model)."""
    ctx = notice_facts(order, decision, channel=channel, settings=settings, notice=notice)
    ctx["name"] = order.customer.name
    short = wording.short_name(order.customer.name)
    ctx["short_name"] = company_core(short) if wording.is_company(short) else short
    return ctx
