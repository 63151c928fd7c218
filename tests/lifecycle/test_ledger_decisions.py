"""The rules grant a compensation once: later decisions see the ledger and add only the rest."""

from __future__ import annotations

from datetime import date, timedelta

from noki.domain.decision import Compensation, Decision
from noki.domain.lifecycle import Grant, grant_for, ledger_facts
from noki.domain.lifecycle.ledger import net_of_ledger
from noki.domain.order import Order, Status
from noki.rules.store import RuleStore
from noki.settings import Settings

_STORE = RuleStore(Settings().rules_dir)


def decide(order: Order) -> Decision:
    return _STORE.decide(order)

BASE = {
    "order_id": "EC-L1", "industry": "ec", "channel": "web", "as_of": "2026-11-25",
    "ordered_at": "2026-11-10", "promised_date": "2026-11-20",
    "eta": {"earliest": "2026-12-01", "latest": "2026-12-05", "confidence": "medium"},
    "delay_reason": "supplier_delay", "quantity": 1, "unit_price_jpy": 12000,
    "sku": {"sku_id": "EC-AUD-1", "name": "ワイヤレスイヤホン"},
    "customer": {"customer_id": "C1", "name": "山田 花子", "orders_count": 5,
                 "contact": {"email": "hanako@example.jp"}},
}


def _decide_with(order: Order, ledger: list[Grant]) -> Compensation:
    facts = ledger_facts(ledger)
    status = Status(granted_type=facts.granted_type, granted_jpy=facts.granted_jpy)
    return net_of_ledger(decide(order.model_copy(update={"status": status}))).compensation


def test_coupon_granted_once_and_bonus_once_over_three_eta_changes():
    order = Order.model_validate(BASE)  # 15 days late: a 1,000 yen coupon
    ledger: list[Grant] = []
    stated: list[Compensation] = []
    for change in range(4):  # the first notice, then three ETA changes (each later)
        if change:
            later = order.eta.latest + timedelta(days=1)
            order = order.model_copy(update={
                "eta": order.eta.model_copy(update={"latest": later}),
                "reschedule_count": change, "as_of": date(2026, 11, 25) + timedelta(days=change),
            })
        comp = _decide_with(order, ledger)
        stated.append(comp)
        line = grant_for(comp, decision_id=change, rule_id=None, draft_id=change,
                         granted_at=None)
        if line is not None:  # the notice stating it was sent
            ledger.append(line)
    assert [(g.type, g.amount_jpy) for g in ledger] == [("coupon", 1000), ("coupon", 500)]
    assert [c.type for c in stated] == ["coupon", "none", "coupon", "none"]


def test_free_shipping_once_then_the_coupon_when_the_delay_grows():
    order = Order.model_validate({**BASE, "eta": {"earliest": "2026-11-21",
                                                  "latest": "2026-11-22"}})
    first = _decide_with(order, [])
    assert first.type == "free_shipping"
    ledger = [Grant("free_shipping", None)]
    assert _decide_with(order, ledger).type == "none"
    longer = order.model_copy(update={"eta": order.eta.model_copy(
        update={"latest": date(2026, 12, 10)})})
    assert _decide_with(longer, ledger) == Compensation(type="coupon", amount_jpy=1000)


def test_overdue_order_escalates_to_a_person():
    order = Order.model_validate({**BASE, "as_of": "2026-12-06"})
    decision = decide(order.model_copy(update={"status": Status()}))
    assert decision.escalation == "person" and decision.human_followup
    assert decision.approval == "required"
    shipped = decide(order.model_copy(update={"status": Status(state="shipped")}))
    assert shipped.escalation == "none"
