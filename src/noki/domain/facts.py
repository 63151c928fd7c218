"""Facts derived from an order before the rules run (pure functions)."""

from __future__ import annotations

from typing import Any

from noki.domain.order import Order


def delay_days(order: Order) -> int:
    """Days the latest ETA lies beyond the promised date, never negative."""
    return max(0, (order.eta.latest - order.promised_date).days)


def deadline_missed(order: Order) -> bool:
    """True when the customer's need-by date falls before the latest ETA."""
    return order.need_by is not None and order.eta.latest > order.need_by


def derive_facts(order: Order) -> dict[str, Any]:
    """The nested fact document the rule tables read (order fields + derived facts)."""
    facts: dict[str, Any] = order.model_dump()
    days = delay_days(order)
    facts["delay_days"] = days
    facts["deadline_missed"] = deadline_missed(order)
    facts["order_value_jpy"] = order.order_value_jpy
    contract = order.customer.contract
    # Cross-field comparisons are not expressible as constant thresholds, so the
    # difference is derived here and rules compare it against 0.
    facts["days_over_sla"] = (
        days - contract.sla_days if contract is not None and contract.sla_days is not None else None
    )
    return facts
