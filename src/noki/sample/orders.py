"""Realistic sample backorders for all three industries (deterministic per seed)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from noki.sample.catalog import (
    AUTO_ITEMS,
    BTOB_ITEMS,
    COMPANIES,
    EC_ITEMS,
    FAMILY_NAMES,
    FLEETS,
    GIVEN_NAMES,
)

REASONS = (
    "supplier_delay", "demand_surge", "production_issue", "logistics", "disaster", "quality_hold",
)
DEFAULT_AS_OF = date(2026, 11, 25)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY_NAMES)} {rng.choice(GIVEN_NAMES)}"


def _contact(rng: random.Random, idx: int) -> dict[str, Any]:
    roll = rng.random()
    email = f"customer{idx:06d}@example.jp" if roll > 0.04 else None
    phone = f"090{rng.randrange(10**8):08d}" if roll < 0.04 or rng.random() < 0.7 else None
    if roll < 0.015:
        phone = None  # no contact at all: a person must follow up
    preferred = "sms" if rng.random() < 0.25 else "email"
    return {"email": email, "phone": phone, "preferred_channel": preferred}


def _dates(rng: random.Random, as_of: date) -> dict[str, Any]:
    ordered = as_of - timedelta(days=rng.randint(1, 25))
    promised = ordered + timedelta(days=rng.randint(7, 30))
    # Most delays are short; some cross the 7/8, 13/14 and 29/30 day boundaries.
    delay = rng.choice([0, 0, 1, 3, 5, 7, 8, 10, 13, 14, 20, 29, 30, 45, 60, -3])
    latest = promised + timedelta(days=delay)
    if latest <= as_of:
        latest = as_of + timedelta(days=rng.randint(1, 10))
    earliest = latest - timedelta(days=rng.randint(0, 6))
    return {
        "ordered_at": ordered.isoformat(),
        "promised_date": promised.isoformat(),
        "eta": {
            "earliest": earliest.isoformat(),
            "latest": latest.isoformat(),
            "confidence": rng.choice(["high", "medium", "medium", "low"]),
        },
    }


def _ec(rng: random.Random, idx: int, base: dict[str, Any]) -> dict[str, Any]:
    sku_id, name, category, price, subs = rng.choice(EC_ITEMS)
    rank = "vip" if rng.random() < 0.08 else "standard"
    need_by = None
    purpose = None
    if rng.random() < 0.15:
        purpose = rng.choice(["gift", "event"])
        latest = date.fromisoformat(base["eta"]["latest"])
        need_by = (latest + timedelta(days=rng.randint(-5, 5))).isoformat()
    return {
        "industry": "ec", "channel": rng.choice(["web", "app", "web", "marketplace"]),
        "need_by": need_by, "purpose": purpose,
        "quantity": rng.choice([1, 1, 1, 2, 3]), "unit_price_jpy": price,
        "sku": {"sku_id": sku_id, "name": name, "category": category, "substitutes": list(subs)},
        "customer": {
            "customer_id": f"C-{idx:06d}", "name": _person(rng), "rank": rank,
            # About 7% reach the 300,000 yen VIP line; the values around it stay represented.
            "ltv_jpy": rng.choices(
                [0, 15000, 48000, 120000, 210000, 299999, 300000, 450000, rng.randrange(300000)],
                weights=[10, 15, 20, 20, 10, 3, 3, 4, 15],
            )[0],
            "orders_count": rng.choices([0, 1, 2, 5, 12, 40], weights=[5, 15, 15, 30, 25, 10])[0],
            "fleet": False, "contract": None,
            "contact": _contact(rng, idx),
        },
    }


def _btob(rng: random.Random, idx: int, base: dict[str, Any]) -> dict[str, Any]:
    sku_id, name, category, price, subs = rng.choice(BTOB_ITEMS)
    contract = None
    if rng.random() < 0.8:
        contract = {
            "tier": rng.choice(["A", "B", "B", "C"]),
            "sla_days": rng.choice([None, 3, 5, 7, 10, 14]),
            "penalty_rate_per_day": rng.choice([0.001, 0.002, 0.005]),
            "penalty_cap_rate": rng.choice([0.05, 0.1]),
        }
    need_by = None
    purpose = None
    if rng.random() < 0.2:
        purpose = "construction"
        latest = date.fromisoformat(base["eta"]["latest"])
        need_by = (latest + timedelta(days=rng.randint(-7, 7))).isoformat()
    return {
        "industry": "btob", "channel": rng.choice(["edi", "portal", "sales"]),
        "need_by": need_by, "purpose": purpose,
        "quantity": rng.choice([1, 5, 10, 20, 50, 100]), "unit_price_jpy": price,
        "sku": {"sku_id": sku_id, "name": name, "category": category, "substitutes": list(subs)},
        "customer": {
            "customer_id": f"B-{idx:06d}", "name": rng.choice(COMPANIES), "rank": "standard",
            "ltv_jpy": rng.randrange(1_000_000, 90_000_000), "orders_count": rng.randint(1, 300),
            "fleet": False, "contract": contract, "contact": _contact(rng, idx),
        },
    }


def _auto(rng: random.Random, idx: int, base: dict[str, Any]) -> dict[str, Any]:
    sku_id, name, category, price, subs = rng.choice(AUTO_ITEMS)
    fleet = rng.random() < 0.2
    purpose = None
    need_by = None
    if category == "parts" and rng.random() < 0.3:
        purpose = "vehicle_off_road"
    if rng.random() < 0.1:
        latest = date.fromisoformat(base["eta"]["latest"])
        need_by = (latest + timedelta(days=rng.randint(-10, 10))).isoformat()
    return {
        "industry": "auto", "channel": rng.choice(["dealer", "web"]),
        "need_by": need_by, "purpose": purpose,
        "quantity": 1 if category == "vehicle" else rng.choice([1, 1, 2, 4]),
        "unit_price_jpy": price,
        "sku": {"sku_id": sku_id, "name": name, "category": category, "substitutes": list(subs)},
        "customer": {
            "customer_id": f"A-{idx:06d}",
            "name": rng.choice(FLEETS) if fleet else _person(rng),
            "rank": "standard", "ltv_jpy": rng.randrange(0, 8_000_000),
            "orders_count": rng.randint(0, 20), "fleet": fleet, "contract": None,
            "contact": _contact(rng, idx),
        },
    }


_MAKERS = {"ec": _ec, "btob": _btob, "auto": _auto}
_PREFIX = {"ec": "EC", "btob": "BB", "auto": "AU"}


def _previous_eta(rng: random.Random, eta: dict[str, Any]) -> dict[str, Any]:
    """The ETA of the previous notice: mostly earlier than now (a re-delay), sometimes later."""
    shift = rng.randint(3, 14) * (1 if rng.random() < 0.3 else -1)
    return {
        "earliest": (date.fromisoformat(eta["earliest"]) + timedelta(days=shift)).isoformat(),
        "latest": (date.fromisoformat(eta["latest"]) + timedelta(days=shift)).isoformat(),
        "confidence": rng.choice(["high", "medium", "low"]),
    }


def sample_orders(n: int, seed: int = 0, as_of: date = DEFAULT_AS_OF) -> Iterator[dict[str, Any]]:
    """Yield n order documents (JSON-ready dicts) mixing EC, BtoB and automotive."""
    rng = random.Random(seed)
    # A second stream, so adding previous ETAs left every other sampled value as it was.
    history = random.Random(f"previous-eta:{seed}")
    for idx in range(1, n + 1):
        industry = rng.choices(("ec", "btob", "auto"), weights=(6, 2, 2))[0]
        base: dict[str, Any] = {
            "order_id": f"{_PREFIX[industry]}-{idx:06d}",
            "as_of": as_of.isoformat(),
            "reschedule_count": rng.choices([0, 1, 2, 3], weights=[60, 25, 10, 5])[0],
            "delay_reason": rng.choice(REASONS),
            "partial_available": rng.random() < 0.3,
            "partial_allowed": rng.random() < 0.7,
        }
        base.update(_dates(rng, as_of))
        base.update(_MAKERS[industry](rng, idx, base))
        if base["reschedule_count"] > 0:
            base["previous_eta"] = _previous_eta(history, base["eta"])
        yield base
