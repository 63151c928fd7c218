"""The words rule files may use: facts they can read, outputs they can set, operators.

Following venmo/business-rules: the vocabulary is code, the combinations are data, and an
unknown name fails loudly with the list of known ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from noki.domain import decision as d
from noki.domain import order as o


@dataclass(frozen=True)
class FactType:
    """The type of a fact or output, and its allowed values when it is an enum."""

    kind: str  # enum | string | int | number | bool | date | list
    values: tuple[str, ...] = ()
    nullable: bool = False


def _enum(literal: object, nullable: bool = False) -> FactType:
    return FactType("enum", tuple(get_args(literal)), nullable)


# Facts a table may read (dotted paths into the order document plus derived facts).
FACTS: dict[str, FactType] = {
    "order_id": FactType("string"),
    "industry": _enum(o.Industry),
    "sales_channel": FactType("string"),  # the order's `channel` (web, edi, dealer ...)
    "as_of": FactType("date"),
    "ordered_at": FactType("date"),
    "promised_date": FactType("date"),
    "eta.earliest": FactType("date"),
    "eta.latest": FactType("date"),
    "eta.confidence": _enum(o.Confidence),
    "reschedule_count": FactType("int"),
    "delay_reason": _enum(o.DelayReason),
    "need_by": FactType("date", nullable=True),
    "purpose": _enum(o.Purpose, nullable=True),
    "quantity": FactType("int"),
    "unit_price_jpy": FactType("int"),
    "partial_available": FactType("bool"),
    "partial_allowed": FactType("bool"),
    "sku.sku_id": FactType("string"),
    "sku.name": FactType("string"),
    "sku.category": FactType("string"),
    "sku.substitutes": FactType("list"),
    "customer.customer_id": FactType("string"),
    "customer.rank": FactType("string"),
    "customer.ltv_jpy": FactType("int"),
    "customer.orders_count": FactType("int"),
    "customer.fleet": FactType("bool"),
    "customer.contract.tier": _enum(o.ContractTier, nullable=True),
    "customer.contract.sla_days": FactType("int", nullable=True),
    "customer.contract.penalty_rate_per_day": FactType("number", nullable=True),
    "customer.contract.penalty_cap_rate": FactType("number", nullable=True),
    "customer.contact.email": FactType("string", nullable=True),
    "customer.contact.phone": FactType("string", nullable=True),
    "customer.contact.preferred_channel": _enum(o.ChannelName),
    # Derived in code before the rules run (noki.domain.facts).
    "delay_days": FactType("int"),
    "deadline_missed": FactType("bool"),
    "order_value_jpy": FactType("int"),
    "days_over_sla": FactType("int", nullable=True),
    # The lifecycle (noki.domain.lifecycle): state, choice, compensation ledger, overdue.
    "state": _enum(o.LifecycleState),
    "choice": FactType("enum", tuple(get_args(d.OptionName)), nullable=True),
    "compensation.granted_type": _enum(d.CompensationType),
    "compensation.granted_jpy": FactType("int"),
    "overdue": FactType("bool"),
    "eta_change": FactType("enum", ("earlier", "later", "same"), nullable=True),
    "promised_passed": FactType("bool"),
}

# Outputs that become decision fields; tables may also declare intermediate outputs.
DECISION_OUTPUTS: dict[str, FactType] = {
    "segment": _enum(d.Segment),
    "lane": _enum(d.Lane),
    "compensation.type": _enum(d.CompensationType),
    "compensation.amount_jpy": FactType("int", nullable=True),
    "options": FactType("list", tuple(get_args(d.OptionName))),
    "channel": _enum(d.DecidedChannel),
    "human_followup": FactType("bool"),
    "approval": _enum(d.Approval),
    "next_update_date": FactType("date"),
    "escalation": _enum(d.Escalation),
    "notice_purpose": _enum(d.NoticePurpose),
}

INTERMEDIATE_KINDS = ("enum", "int", "number", "bool", "string", "date")

# Condition operators by the kinds they apply to.
ORDER_OPS = ("lt", "lte", "gt", "gte")
CONDITION_OPS: dict[str, tuple[str, ...]] = {
    "eq": ("enum", "string", "int", "number", "bool"),
    "ne": ("enum", "string", "int", "number", "bool"),
    "in": ("enum", "string", "int"),
    "not_in": ("enum", "string", "int"),
    "lt": ("int", "number"),
    "lte": ("int", "number"),
    "gt": ("int", "number"),
    "gte": ("int", "number"),
    "is_set": ("enum", "string", "int", "number", "bool", "date"),
    "not_empty": ("list",),
}

# Expression operators usable in `then` values.
EXPRESSION_OPS = ("ref", "add", "sub", "mul", "min", "max", "floor", "add_days")
