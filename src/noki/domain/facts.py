"""Facts derived from an order before the rules run (pure functions).

Every fact the rule tables may read is one Python expression over the order below
(FACT_SOURCES). flat_facts (one order, a dict) and fact_columns (many orders, a column per
fact) are compiled from that one table, like dataclasses compiles its __init__, so the two
can never disagree and each reads an order in a single pass (reading many orders is bound by
memory, not by arithmetic: touch each order once).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from noki.domain.order import Order


def delay_days(order: Order) -> int:
    """Days the latest ETA lies beyond the promised date, never negative."""
    return max(0, (order.eta.latest - order.promised_date).days)


def deadline_missed(order: Order) -> bool:
    """True when the customer's need-by date falls before the latest ETA."""
    return order.need_by is not None and order.eta.latest > order.need_by


def eta_change(order: Order) -> str | None:
    """How the ETA moved since the previous notice: earlier, later, same; None without one."""
    previous = order.previous_eta
    if previous is None:
        return None
    now = (order.eta.latest, order.eta.earliest)
    before = (previous.latest, previous.earliest)
    if now == before:
        return "same"
    return "earlier" if now < before else "later"


def days_over_sla(order: Order) -> int | None:
    """Delay beyond the contract's SLA days (negative when within it); None without an SLA."""
    # Rules compare only with constants, so this cross-field difference is derived here.
    contract = order.customer.contract
    if contract is None or contract.sla_days is None:
        return None
    return delay_days(order) - contract.sla_days


# The parts of an order the expressions below name, each bound once per order.
_PARTS = (("st", "o.status"), ("eta", "o.eta"), ("sku", "o.sku"), ("c", "o.customer"),
          ("k", "c.contract"), ("ct", "c.contact"),
          ("delay", "max(0, (eta.latest - o.promised_date).days)"))

# Each fact the rules may read, keyed by its dotted name (must match delay_days ... above).
FACT_SOURCES: dict[str, str] = {
    "order_id": "o.order_id",
    "industry": "o.industry",
    # The order's sales channel; `channel` is the contact channel the rules decide.
    "sales_channel": "o.channel",
    "as_of": "o.as_of",
    "ordered_at": "o.ordered_at",
    "promised_date": "o.promised_date",
    "eta.earliest": "eta.earliest",
    "eta.latest": "eta.latest",
    "eta.confidence": "eta.confidence",
    "reschedule_count": "o.reschedule_count",
    "delay_reason": "o.delay_reason",
    "need_by": "o.need_by",
    "purpose": "o.purpose",
    "quantity": "o.quantity",
    "unit_price_jpy": "o.unit_price_jpy",
    "partial_available": "o.partial_available",
    "partial_allowed": "o.partial_allowed",
    "sku.sku_id": "sku.sku_id",
    "sku.name": "sku.name",
    "sku.category": "sku.category",
    "sku.substitutes": "sku.substitutes",
    "customer.customer_id": "c.customer_id",
    "customer.rank": "c.rank",
    "customer.ltv_jpy": "c.ltv_jpy",
    "customer.orders_count": "c.orders_count",
    "customer.fleet": "c.fleet",
    "customer.contract.tier": "None if k is None else k.tier",
    "customer.contract.sla_days": "None if k is None else k.sla_days",
    "customer.contract.penalty_rate_per_day": "None if k is None else k.penalty_rate_per_day",
    "customer.contract.penalty_cap_rate": "None if k is None else k.penalty_cap_rate",
    "customer.contact.email": "ct.email",
    "customer.contact.phone": "ct.phone",
    "customer.contact.preferred_channel": "ct.preferred_channel",
    "delay_days": "delay",
    "deadline_missed": "o.need_by is not None and eta.latest > o.need_by",
    "order_value_jpy": "o.quantity * o.unit_price_jpy",
    "days_over_sla": "None if k is None or k.sla_days is None else delay - k.sla_days",
    # The lifecycle (noki.domain.lifecycle), filled in by noki: state, the customer's choice,
    # the compensation ledger, and overdue (the latest ETA passed while the customer waits).
    "state": "'backordered' if st is None else st.state",
    "choice": "None if st is None else st.choice",
    "compensation.granted_type": "'none' if st is None else st.granted_type",
    "compensation.granted_jpy": "0 if st is None else st.granted_jpy",
    "overdue": ("o.as_of > eta.latest and (st is None or st.state in "
                "('backordered', 'partially_shipped', 'substituted'))"),
    "eta_change": "None if o.previous_eta is None else _eta_change(o)",
    "promised_passed": "o.promised_date < o.as_of",
}


def _parts(sources: list[str], indent: str) -> str:
    """Bind only the parts the sources (or parts they need) name."""
    text = " ".join(sources)
    needed = []
    for name, source in reversed(_PARTS):
        if re.search(rf"\b{name}\b", text):
            needed.append(f"{indent}{name} = {source}\n")
            text += " " + source
    return "".join(reversed(needed))


def _compile(source: str, name: str) -> Any:
    namespace: dict[str, Any] = {"_eta_change": eta_change}
    exec(compile(source, f"<noki.domain.facts {name}>", "exec"), namespace)  # noqa: S102
    return namespace[name]


def _compile_flat_facts() -> Callable[[Order], dict[str, Any]]:
    items = "".join(f"        {name!r}: {src},\n" for name, src in FACT_SOURCES.items())
    return _compile(f"def flat_facts(o):\n{_parts(list(FACT_SOURCES.values()), '    ')}"
                    f"    return {{\n{items}    }}\n", "flat_facts")


flat_facts: Callable[[Order], dict[str, Any]] = _compile_flat_facts()
flat_facts.__doc__ = "The facts the rule tables read, keyed by dotted path (one order)."


@lru_cache(maxsize=64)
def _row_reader(names: tuple[str, ...]) -> Callable[[Sequence[Order]], list[tuple[Any, ...]]]:
    sources = [FACT_SOURCES.get(n, "None") for n in names]
    row = "".join(f"{s}, " for s in sources)
    return _compile(f"def rows(orders):\n    out = []\n    append = out.append\n"
                    f"    for o in orders:\n{_parts(sources, '        ')}"
                    f"        append(({row}))\n    return out\n", "rows")


def fact_columns(orders: Sequence[Order], names: Sequence[str]) -> dict[str, Sequence[Any]]:
    """The named facts of many orders, one sequence per fact (a name no fact has is null)."""
    names = tuple(names)
    if not orders:
        return dict.fromkeys(names, ())
    return dict(zip(names, zip(*_row_reader(names)(orders), strict=True), strict=True))
