"""Facts derived from an order before the rules run (pure functions)."""

from __future__ import annotations

from typing import Any

from noki.domain.order import Order, Status

# States in which the customer still waits for an arrival (an ETA can pass without news).
_WAITING = frozenset({"backordered", "partially_shipped", "substituted"})


def delay_days(order: Order) -> int:
    """Days the latest ETA lies beyond the promised date, never negative."""
    return max(0, (order.eta.latest - order.promised_date).days)


def deadline_missed(order: Order) -> bool:
    """True when the customer's need-by date falls before the latest ETA."""
    return order.need_by is not None and order.eta.latest > order.need_by


def days_over_sla(order: Order) -> int | None:
    """Delay beyond the contract's SLA days (negative when within it); None without an SLA."""
    # Rules compare only with constants, so this cross-field difference is derived here.
    contract = order.customer.contract
    if contract is None or contract.sla_days is None:
        return None
    return delay_days(order) - contract.sla_days


_NEW = Status()


def flat_facts(order: Order) -> dict[str, Any]:
    """The facts the rule tables read, keyed by dotted path (hot path: no serialisation)."""
    eta, sku, customer = order.eta, order.sku, order.customer
    status = order.status or _NEW
    contract, contact = customer.contract, customer.contact
    return {
        "order_id": order.order_id,
        "industry": order.industry,
        # The order's sales channel; `channel` is the contact channel the rules decide.
        "sales_channel": order.channel,
        "as_of": order.as_of,
        "ordered_at": order.ordered_at,
        "promised_date": order.promised_date,
        "eta.earliest": eta.earliest,
        "eta.latest": eta.latest,
        "eta.confidence": eta.confidence,
        "reschedule_count": order.reschedule_count,
        "delay_reason": order.delay_reason,
        "need_by": order.need_by,
        "purpose": order.purpose,
        "quantity": order.quantity,
        "unit_price_jpy": order.unit_price_jpy,
        "partial_available": order.partial_available,
        "partial_allowed": order.partial_allowed,
        "sku.sku_id": sku.sku_id,
        "sku.name": sku.name,
        "sku.category": sku.category,
        "sku.substitutes": sku.substitutes,
        "customer.customer_id": customer.customer_id,
        "customer.rank": customer.rank,
        "customer.ltv_jpy": customer.ltv_jpy,
        "customer.orders_count": customer.orders_count,
        "customer.fleet": customer.fleet,
        "customer.contract.tier": contract.tier if contract else None,
        "customer.contract.sla_days": contract.sla_days if contract else None,
        "customer.contract.penalty_rate_per_day": (
            contract.penalty_rate_per_day if contract else None
        ),
        "customer.contract.penalty_cap_rate": contract.penalty_cap_rate if contract else None,
        "customer.contact.email": contact.email,
        "customer.contact.phone": contact.phone,
        "customer.contact.preferred_channel": contact.preferred_channel,
        "delay_days": delay_days(order),
        "deadline_missed": deadline_missed(order),
        "order_value_jpy": order.order_value_jpy,
        "days_over_sla": days_over_sla(order),
        # The lifecycle (issue 11): state, the customer's choice, the ledger, overdue.
        "state": status.state,
        "choice": status.choice,
        "compensation.granted_type": status.granted_type,
        "compensation.granted_jpy": status.granted_jpy,
        "overdue": status.state in _WAITING and order.as_of > eta.latest,
    }
