"""The sample company's policy written as plain Python.

Not used to decide in production: it is the physical reference the benchmark
races against, and the oracle the engine is tested against. It must mirror the
shipped rules/ files exactly.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_FLOOR, Decimal

from noki.domain.decision import Compensation, Decision, OptionName
from noki.domain.facts import deadline_missed, delay_days, eta_change, flat_facts
from noki.domain.order import Order

_UPDATE_INTERVAL = {"high": 7, "medium": 3, "low": 1}
_TOPPED_UP = ("coupon", "accessory_coupon", "service_coupon", "sla_credit")


def _net_of_ledger(o: Order, entitled: Compensation) -> Compensation:
    """Only what the ledger has not granted yet (rules/30_compensation.yaml compensation_ledger)."""
    status = o.status
    if status is None or status.granted_type != entitled.type:
        return entitled
    if entitled.type in _TOPPED_UP:
        extra = max(0, (entitled.amount_jpy or 0) - status.granted_jpy)
        return Compensation(type=entitled.type, amount_jpy=extra)
    return Compensation(type="none")


def _escalation(o: Order) -> str:
    facts = flat_facts(o)
    if facts["overdue"] and facts["choice"] == "cancel_refund":
        return "person"
    if facts["overdue"] and facts["state"] in ("backordered", "partially_shipped", "substituted"):
        return "person"
    return "none"


def _segment(o: Order) -> str:
    c = o.customer
    if o.industry == "ec":
        if c.rank == "vip" or c.ltv_jpy >= 300000:
            return "vip"
        return "new" if c.orders_count <= 1 else "standard"
    if o.industry == "btob":
        tier = c.contract.tier if c.contract else None
        return {"A": "strategic", "B": "key"}.get(tier or "", "standard")
    return "fleet" if c.fleet else "individual"


def _lane(o: Order, segment: str) -> str:
    if (
        (o.industry == "ec" and segment == "vip")
        or (o.industry == "btob" and segment == "strategic")
        or (o.industry == "auto" and o.purpose == "vehicle_off_road")
    ):
        return "priority"
    if (
        o.need_by is not None
        or (o.industry == "btob" and segment == "key")
        or (o.industry == "auto" and segment == "fleet")
    ):
        return "expedite"
    return "standard"


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def _compensation(o: Order, segment: str, days: int, missed: bool) -> Compensation:
    if o.industry == "ec":
        vip = segment == "vip"
        if missed:
            return Compensation(type="refund_full", amount_jpy=o.order_value_jpy)
        if days >= 14:
            amount = 2000 if vip else 1000
        elif days >= 8:
            amount = 1000 if vip else 500
        elif days >= 1:
            return Compensation(type="free_shipping")
        else:
            return Compensation(type="none")
        if o.reschedule_count >= 2:
            amount += 500
        return Compensation(type="coupon", amount_jpy=amount)
    if o.industry == "btob":
        k = o.customer.contract
        if k is not None and k.sla_days is not None and days > k.sla_days:
            value = Decimal(o.order_value_jpy)
            rate = Decimal(str(k.penalty_rate_per_day))
            cap = Decimal(str(k.penalty_cap_rate))
            amount = min(_floor(value * rate * (days - k.sla_days)), _floor(value * cap))
            return Compensation(type="sla_credit", amount_jpy=amount)
        return Compensation(type="none")
    if o.purpose == "vehicle_off_road" and days >= 1:
        return Compensation(type="loaner_car")
    if o.sku.category == "vehicle" and days >= 30:
        return Compensation(type="accessory_coupon", amount_jpy=30000)
    if o.sku.category == "parts" and days >= 7:
        return Compensation(type="service_coupon", amount_jpy=3000)
    return Compensation(type="none")


def _options(o: Order, days: int, missed: bool) -> list[OptionName]:
    # An EC order that misses its need-by date is cancelled and refunded in full: no waiting.
    options: list[OptionName] = [] if (missed and o.industry == "ec") else ["wait"]
    if o.sku.substitutes:
        options.append("substitute")
    if o.partial_available and o.partial_allowed and o.quantity >= 2:
        options.append("partial_shipment")
    if o.industry == "btob":
        options.append("reschedule")
        k = o.customer.contract
        if k is None or k.sla_days is None or days > k.sla_days:
            options.append("cancel_refund")
    else:
        options.append("cancel_refund")
    return options


def _channel(o: Order) -> str:
    contact = o.customer.contact
    if contact.preferred_channel == "email" and contact.email:
        return "email"
    if contact.preferred_channel == "sms" and contact.phone:
        return "sms"
    if contact.email:
        return "email"
    if contact.phone:
        return "sms"
    return "none"


def _purpose(o: Order, days: int) -> str:
    if eta_change(o) == "earlier":
        return "improved"
    return "delay" if days >= 1 else "none"


def decide_reference(order: Order, rules_version: str = "reference") -> Decision:
    """Decide one order with the hand-written policy (no trace)."""
    days = delay_days(order)
    missed = deadline_missed(order)
    segment = _segment(order)
    lane = _lane(order, segment)
    compensation = _net_of_ledger(order, _compensation(order, segment, days, missed))
    channel = _channel(order)
    escalation = _escalation(order)
    followup = (escalation == "person" or lane == "priority" or order.reschedule_count >= 2
                or days >= 30 or channel == "none")
    approval = (
        "required"
        if lane == "priority"
        or followup
        or compensation.type in ("refund_full", "sla_credit", "loaner_car")
        else "auto"
    )
    n = _UPDATE_INTERVAL[order.eta.confidence]
    next_update = min(
        order.as_of + timedelta(days=n),
        max(order.eta.earliest, order.as_of + timedelta(days=1)),
    )
    return Decision.model_validate(
        {
            "order_id": order.order_id,
            "segment": segment,
            "lane": lane,
            "human_followup": followup,
            "compensation": compensation,
            "options": _options(order, days, missed),
            "approval": approval,
            "channel": channel,
            "next_update_date": next_update,
            "delay_days": days,
            "deadline_missed": missed,
            "rules_version": rules_version,
            "notice_purpose": _purpose(order, days),
            "trace": [],
            "escalation": escalation,
        }
    )
