"""zen-engine running our rule tables (bench/zen_policy.py) decides exactly like the reference."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from noki.domain.order import Order
from noki.rules.model import Condition, RuleSet
from noki.sample.orders import sample_orders
from tests.rules.conftest import make_order

zen = pytest.importorskip(
    "zen", reason="zen-engine is not installed (dev dependency: pip install zen-engine==2.1.3)"
)

from bench.zen_policy import (  # noqa: E402
    build_graph,
    mismatches,
    run_zen,
    unary_cell,
    zen_decider,
)

SEEDS = (1, 7, 2026)


@pytest.fixture(scope="module")
def orders() -> list[Order]:
    return [Order.model_validate(d) for seed in SEEDS for d in sample_orders(1000, seed)]


def test_zen_matches_reference_on_3000_sample_orders(ruleset: RuleSet, orders: list[Order]):
    decide = zen_decider(ruleset, trace=False)
    decisions = [decide(o) for o in orders]
    assert mismatches(orders, decisions) == []
    # The sample exercises every branch that has money or a null in it.
    kinds = Counter(d["compensation"]["type"] for d in decisions)
    assert {"coupon", "free_shipping", "refund_full", "sla_credit", "none"} <= set(kinds)
    assert {"accessory_coupon", "service_coupon", "loaner_car"} <= set(kinds)


def test_zen_with_trace_matches_and_names_every_table(ruleset: RuleSet, orders: list[Order]):
    decisions, seconds = run_zen(orders[:500], ruleset, trace=True)
    assert seconds > 0
    fired = {(e["ruleset"], e["rule"]) for d in decisions for e in d["trace"]}
    assert {t for t, _ in fired} == {t.name for t in ruleset.tables}
    first = decisions[0]["trace"]
    assert [e["ruleset"] for e in first][:3] == ["segment", "lane", "compensation"]


BOUNDARIES = [
    {"eta.latest": "2026-11-27"},  # 7 days late
    {"eta.latest": "2026-11-28"},  # 8
    {"eta.latest": "2026-12-03"},  # 13
    {"eta.latest": "2026-12-04"},  # 14
    {"reschedule_count": 2, "eta.latest": "2026-12-04"},
    {"customer.ltv_jpy": 300000, "eta.latest": "2026-12-04"},
    {"customer.orders_count": 1},
    {"need_by": "2026-12-05"},  # equal to eta.latest: not missed
    {"need_by": "2026-12-04", "purpose": "gift"},  # missed: full refund
    {"customer.contact": {"email": None, "phone": None, "preferred_channel": "sms"}},
    {"customer.contact": {"email": None, "phone": "09000000000", "preferred_channel": "email"}},
    {"eta.confidence": "high", "eta.earliest": "2026-11-20"},
    {"eta.confidence": "low", "eta.earliest": "2026-12-20", "eta.latest": "2026-12-24"},
    {"industry": "btob", "customer.contract": None},
    {"industry": "btob", "customer.contract": {"tier": "A", "sla_days": 15,
                                               "penalty_rate_per_day": 0.002,
                                               "penalty_cap_rate": 0.1}},  # delay = sla
    {"industry": "btob", "customer.contract": {"tier": "B", "sla_days": 10,
                                               "penalty_rate_per_day": 0.003,
                                               "penalty_cap_rate": 0.05},
     "quantity": 7, "unit_price_jpy": 99999},
    {"industry": "btob", "customer.contract": {"tier": "C", "sla_days": None}},
    {"industry": "auto", "sku.category": "vehicle", "eta.latest": "2026-12-20"},  # 30 days
    {"industry": "auto", "sku.category": "parts", "eta.latest": "2026-11-26"},  # 6 days
    {"industry": "auto", "purpose": "vehicle_off_road", "eta.latest": "2026-11-21"},
    {"industry": "auto", "customer.fleet": True, "partial_available": True},
    {"sku.substitutes": [], "partial_available": True, "quantity": 1},
]


@pytest.mark.parametrize("changes", BOUNDARIES, ids=[f"case{i}" for i in range(len(BOUNDARIES))])
def test_zen_matches_reference_on_policy_boundaries(ruleset: RuleSet, changes: dict):
    if "eta.latest" in changes and "eta.earliest" not in changes:
        changes = {**changes, "eta.earliest": changes["eta.latest"]}
    order = make_order(**changes)
    assert mismatches([order], [zen_decider(ruleset)(order)]) == []


def test_graph_is_generated_from_the_tables(ruleset: RuleSet):
    """Edit a rule and zen follows (so it cannot drift), and run_zen's parity check fires."""
    table = ruleset.table("compensation")
    rules = tuple(
        dataclasses.replace(r, outputs=(("compensation.type", "coupon"),
                                        ("compensation.amount_jpy", 1200)))
        if r.id == "ec-coupon-14d" else r
        for r in table.rules
    )
    edited = dataclasses.replace(ruleset, tables=tuple(
        dataclasses.replace(t, rules=rules) if t.name == "compensation" else t
        for t in ruleset.tables))
    nodes = {n["id"]: n for n in build_graph(edited)["nodes"]}
    assert nodes["compensation"]["content"]["hitPolicy"] == "first"
    assert nodes["options:rows"]["content"]["hitPolicy"] == "collect"
    order = make_order(**{"eta.latest": "2026-12-04"})  # 14 days late, standard customer
    assert zen_decider(edited)(order)["compensation"] == {"type": "coupon", "amount_jpy": 1200}
    with pytest.raises(AssertionError, match="differs from the reference on 1 of 1"):
        run_zen([order], edited, trace=False)


@pytest.mark.parametrize(
    ("condition", "nullable", "value", "expected"),
    [
        (Condition("x", "eq", "ec"), True, None, False),
        (Condition("x", "ne", "ec"), True, None, True),  # null is "not ec", as in noki
        (Condition("x", "in", ("ec", "auto")), True, "auto", True),
        (Condition("x", "in", ("ec", "auto")), True, None, False),
        (Condition("x", "not_in", ("ec",)), True, None, True),
        (Condition("x", "gt", 0), True, None, False),  # plain `> 0` is a VM error on null
        (Condition("x", "gt", 0), True, 0, False),
        (Condition("x", "gte", 14), False, 14, True),
        (Condition("x", "lte", 1), False, 2, False),
        (Condition("x", "is_set", True), True, None, False),
        (Condition("x", "is_set", False), True, None, True),
        (Condition("x", "not_empty", True), False, [], False),
        (Condition("x", "not_empty", True), False, ["SKU-2"], True),
    ],
)
def test_unary_cells_keep_noki_null_semantics(condition, nullable, value, expected):
    cell = unary_cell(condition, nullable)
    assert zen.evaluate_unary_expression(cell, {"$": value}) is expected
