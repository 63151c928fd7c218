"""Fixtures for the rule engine tests: the shipped rule set and order builders."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from noki.domain.order import Order
from noki.rules.engine import Engine
from noki.rules.loader import load_ruleset
from noki.rules.model import RuleSet

# The sample policy as a fixture: rule authors change rules/, tests pin this copy.
RULES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "rules"
SHIPPED_RULES_DIR = Path(__file__).resolve().parents[2] / "rules"

BASE_ORDER: dict[str, Any] = {
    "order_id": "EC-000123", "industry": "ec", "channel": "web", "as_of": "2026-11-25",
    "ordered_at": "2026-11-01", "promised_date": "2026-11-20",
    "eta": {"earliest": "2026-12-01", "latest": "2026-12-05", "confidence": "medium"},
    "reschedule_count": 1, "delay_reason": "supplier_delay", "need_by": None, "purpose": None,
    "quantity": 2, "unit_price_jpy": 12800, "partial_available": False, "partial_allowed": True,
    "sku": {"sku_id": "SKU-1", "name": "ワイヤレスイヤホン", "category": "audio",
            "substitutes": ["SKU-2"]},
    "customer": {"customer_id": "C-1", "name": "山田 太郎", "rank": "standard",
                 "ltv_jpy": 120000, "orders_count": 5, "fleet": False, "contract": None,
                 "contact": {"email": "yamada@example.jp", "phone": "09012345678",
                             "preferred_channel": "email"}},
}


def make_order(**changes: Any) -> Order:
    """BASE_ORDER with dotted-path changes, e.g. make_order(**{"customer.rank": "vip"})."""
    doc = copy.deepcopy(BASE_ORDER)
    for path, value in changes.items():
        node = doc
        *parents, leaf = path.split("__") if "__" in path else path.split(".")
        for p in parents:
            node = node[p]
        node[leaf] = value
    return Order.model_validate(doc)


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    """The shipped rules/ directory, validated."""
    return load_ruleset(RULES_DIR)


@pytest.fixture(scope="session")
def engine(ruleset: RuleSet) -> Iterator[Engine]:
    """An engine on the shipped rules (shared: engines are thread-safe)."""
    eng = Engine(ruleset)
    yield eng
    eng.close()


@pytest.fixture(scope="session")
def uncached_engine(ruleset: RuleSet) -> Iterator[Engine]:
    """An engine that asks durable-rules for every table of every order."""
    eng = Engine(ruleset, cache=False)
    yield eng
    eng.close()
