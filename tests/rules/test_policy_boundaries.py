"""Every boundary of the sample company's policy, decided by the shipped rule files."""

from __future__ import annotations

from typing import Any

import pytest

from noki.rules.engine import Engine
from tests.rules.conftest import make_order

PROMISED = "2026-11-20"


def _eta_for_delay(days: int) -> dict[str, str]:
    from datetime import date, timedelta

    latest = date.fromisoformat(PROMISED) + timedelta(days=days)
    return {"earliest": str(latest - timedelta(days=2)), "latest": str(latest),
            "confidence": "medium"}


def decide(engine: Engine, **changes: Any) -> Any:
    """Decide BASE_ORDER with changes, via the cache-free engine path too."""
    return engine.decide(make_order(**changes))


@pytest.mark.parametrize(
    ("delay", "segment_changes", "expected"),
    [
        (0, {}, ("none", None)),
        (1, {}, ("free_shipping", None)),
        (7, {}, ("free_shipping", None)),
        (8, {}, ("coupon", 500)),
        (13, {}, ("coupon", 500)),
        (14, {}, ("coupon", 1000)),
        (8, {"customer.rank": "vip"}, ("coupon", 1000)),
        (14, {"customer.rank": "vip"}, ("coupon", 2000)),
    ],
    ids=["0d-none", "1d-shipping", "7d-shipping", "8d-500", "13d-500", "14d-1000",
         "8d-vip-1000", "14d-vip-2000"],
)
def test_ec_compensation_steps_at_day_boundaries(engine, delay, segment_changes, expected):
    decision = decide(engine, eta=_eta_for_delay(delay), reschedule_count=0, **segment_changes)
    assert (decision.compensation.type, decision.compensation.amount_jpy) == expected
    assert decision.delay_days == delay


@pytest.mark.parametrize(("reschedules", "amount"), [(1, 1000), (2, 1500), (3, 1500)],
                         ids=["1-no-bonus", "2-bonus", "3-bonus"])
def test_coupon_bonus_from_second_reschedule(engine, reschedules, amount):
    decision = decide(engine, eta=_eta_for_delay(14), reschedule_count=reschedules)
    assert decision.compensation.amount_jpy == amount


@pytest.mark.parametrize(
    ("ltv", "orders", "rank", "segment"),
    [(299999, 5, "standard", "standard"), (300000, 5, "standard", "vip"),
     (0, 1, "standard", "new"), (0, 2, "standard", "standard"), (0, 0, "vip", "vip")],
    ids=["ltv-299999", "ltv-300000", "orders-1-new", "orders-2-standard", "rank-vip"],
)
def test_ec_segment_boundaries(engine, ltv, orders, rank, segment):
    decision = decide(engine, **{"customer.ltv_jpy": ltv, "customer.orders_count": orders,
                                 "customer.rank": rank})
    assert decision.segment == segment
    assert decision.lane == ("priority" if segment == "vip" else "standard")


@pytest.mark.parametrize(("need_by", "missed", "comp"),
                         [("2026-12-05", False, "coupon"), ("2026-12-04", True, "refund_full")],
                         ids=["need-by-equals-latest", "need-by-day-before"])
def test_deadline_missed_only_when_latest_after_need_by(engine, need_by, missed, comp):
    decision = decide(engine, need_by=need_by, purpose="gift", eta=_eta_for_delay(15))
    assert decision.deadline_missed is missed
    assert decision.compensation.type == comp
    assert decision.lane == "expedite"
    if missed:
        assert decision.compensation.amount_jpy == 2 * 12800
        assert decision.approval == "required"


def _btob(sla: int | None, delay: int, tier: str = "C", **more: Any) -> dict[str, Any]:
    contract = {"tier": tier, "sla_days": sla, "penalty_rate_per_day": 0.002,
                "penalty_cap_rate": 0.1}
    return {"industry": "btob", "customer.contract": contract, "eta": _eta_for_delay(delay),
            "quantity": 10, "unit_price_jpy": 18400, **more}


@pytest.mark.parametrize(
    ("sla", "delay", "comp", "amount", "cancel"),
    [(7, 7, "none", None, False), (7, 8, "sla_credit", 368, True),
     (7, 100, "sla_credit", 18400, True), (None, 30, "none", None, True)],
    ids=["sla-equals-delay", "sla-plus-1", "capped", "no-sla-days"],
)
def test_btob_sla_credit_and_cancel_option(engine, sla, delay, comp, amount, cancel):
    decision = decide(engine, **_btob(sla, delay))
    assert decision.compensation.type == comp
    assert decision.compensation.amount_jpy == amount
    assert ("cancel_refund" in decision.options) is cancel
    assert "reschedule" in decision.options


def test_btob_without_contract_offers_cancel_and_is_standard(engine):
    decision = decide(engine, industry="btob", **{"customer.contract": None})
    assert decision.segment == "standard"
    assert decision.options[-1] == "cancel_refund"


@pytest.mark.parametrize(("tier", "segment", "lane"),
                         [("A", "strategic", "priority"), ("B", "key", "expedite"),
                          ("C", "standard", "standard")], ids=["A", "B", "C"])
def test_btob_tiers(engine, tier, segment, lane):
    decision = decide(engine, **_btob(10, 3, tier=tier))
    assert (decision.segment, decision.lane) == (segment, lane)


@pytest.mark.parametrize(
    ("category", "purpose", "delay", "comp"),
    [("parts", "vehicle_off_road", 1, "loaner_car"), ("parts", "vehicle_off_road", 0, "none"),
     ("vehicle", None, 29, "none"), ("vehicle", None, 30, "accessory_coupon"),
     ("parts", None, 6, "none"), ("parts", None, 7, "service_coupon")],
    ids=["loaner-1d", "off-road-on-time", "car-29d", "car-30d", "parts-6d", "parts-7d"],
)
def test_auto_compensation(engine, category, purpose, delay, comp):
    decision = decide(engine, industry="auto", purpose=purpose, eta=_eta_for_delay(delay),
                      **{"sku.category": category})
    assert decision.compensation.type == comp
    assert decision.human_followup is (delay >= 30 or purpose == "vehicle_off_road")


@pytest.mark.parametrize(
    ("email", "phone", "preferred", "channel"),
    [("a@example.jp", "0901", "email", "email"), ("a@example.jp", "0901", "sms", "sms"),
     ("a@example.jp", None, "sms", "email"), (None, "0901", "email", "sms"),
     (None, None, "email", "none"), ("", "", "sms", "none")],
    ids=["email", "sms", "sms-without-phone", "email-without-address", "no-contact",
         "blank-contact"],
)
def test_channel_fallbacks(engine, email, phone, preferred, channel):
    decision = decide(engine, **{"customer.contact": {"email": email, "phone": phone,
                                                      "preferred_channel": preferred}})
    assert decision.channel == channel
    assert decision.human_followup is (channel == "none")
    assert decision.approval == ("required" if channel == "none" else "auto")


@pytest.mark.parametrize(("delay", "followup"), [(29, False), (30, True)], ids=["29d", "30d"])
def test_followup_from_30_days(engine, delay, followup):
    assert decide(engine, eta=_eta_for_delay(delay)).human_followup is followup


@pytest.mark.parametrize(
    ("confidence", "earliest", "expected"),
    [("high", "2026-12-10", "2026-12-02"), ("high", "2026-11-28", "2026-11-28"),
     ("medium", "2026-12-10", "2026-11-28"), ("low", "2026-12-10", "2026-11-26"),
     ("medium", "2026-11-01", "2026-11-26")],
    ids=["high-7d", "high-eta-first", "medium-3d", "low-1d", "eta-past-next-day"],
)
def test_next_update_date(engine, confidence, earliest, expected):
    eta = {"earliest": earliest, "latest": "2026-12-20", "confidence": confidence}
    assert str(decide(engine, eta=eta).next_update_date) == expected


def test_partial_shipment_needs_stock_consent_and_two_units(engine):
    on = decide(engine, partial_available=True, partial_allowed=True, quantity=2)
    one = decide(engine, partial_available=True, partial_allowed=True, quantity=1)
    refused = decide(engine, partial_available=True, partial_allowed=False, quantity=2)
    assert on.options == ["wait", "substitute", "partial_shipment", "cancel_refund"]
    assert "partial_shipment" not in one.options
    assert "partial_shipment" not in refused.options


def test_issue_example_decision(engine):
    decision = decide(engine, eta=_eta_for_delay(15), reschedule_count=1)
    assert decision.to_json_dict() | {"trace": [], "rules_version": ""} == {
        "order_id": "EC-000123", "segment": "standard", "lane": "standard",
        "human_followup": False, "compensation": {"type": "coupon", "amount_jpy": 1000},
        "options": ["wait", "substitute", "cancel_refund"], "approval": "auto",
        "channel": "email", "next_update_date": "2026-11-28", "delay_days": 15,
        "deadline_missed": False, "rules_version": "", "notice_purpose": "delay",
            "trace": []}
    assert {t.ruleset for t in decision.trace} >= {"segment", "lane", "compensation",
                                                  "options", "channel", "approval"}
