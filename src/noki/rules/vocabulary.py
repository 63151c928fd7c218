"""The words rule files may use: facts they can read, outputs they can set, operators.

The facts an order offers and the kinds of the decision fields are code (they follow the order
and decision models); the named values of decision fields and the value lists of text inputs
are data in the rule files (noki.rules.vocab_file). An unknown name fails loudly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, get_args

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
    "choice": FactType("enum", nullable=True),  # values: the vocabulary's options
    "compensation.granted_type": FactType("enum"),  # values: the vocabulary's compensation.type
    "compensation.granted_jpy": FactType("int"),
    "overdue": FactType("bool"),
    "eta_change": FactType("enum", ("earlier", "later", "same"), nullable=True),
    "promised_passed": FactType("bool"),
}

# Outputs that become decision fields; tables may also declare intermediate outputs. The values
# of segment, lane, compensation.type, options, channel and approval are not listed here: they
# come from the vocabulary in the rule files (noki.rules.vocab_file).
DECISION_OUTPUTS: dict[str, FactType] = {
    "segment": FactType("enum"),
    "lane": FactType("enum"),
    "compensation.type": FactType("enum"),
    "compensation.amount_jpy": FactType("int", nullable=True),
    "options": FactType("list"),
    "channel": FactType("enum"),
    "human_followup": FactType("bool"),
    "approval": FactType("enum"),
    "next_update_date": FactType("date"),
    "escalation": _enum(d.Escalation),
    "notice_purpose": _enum(d.NoticePurpose),
}

# Facts whose values are a decision field's vocabulary.
FACT_VALUES_FROM = {"choice": "options", "compensation.granted_type": "compensation.type"}

# Decision fields whose values come from the vocabulary (the others are numbers, dates, bools).
LISTED_OUTPUTS = ("segment", "lane", "compensation.type", "options", "channel", "approval")


@dataclass(frozen=True)
class RuleSchema:
    """What one kind of rule set reads and decides (orders; SKUs for sales control)."""

    kind: str
    facts: dict[str, FactType]
    outputs: dict[str, FactType]
    listed: tuple[str, ...]
    fact_values_from: dict[str, str] = field(default_factory=dict)
    subject: str = "order"  # how errors name what the facts describe


ORDER_SCHEMA = RuleSchema("orders", FACTS, DECISION_OUTPUTS, LISTED_OUTPUTS, FACT_VALUES_FROM)

INTERMEDIATE_KINDS = ("enum", "int", "number", "bool", "string", "date")

# Condition operators by the kinds they apply to.
ORDER_OPS = ("lt", "lte", "gt", "gte")
CONDITION_OPS: dict[str, tuple[str, ...]] = {
    "eq": ("enum", "string", "int", "number", "bool", "date"),
    "ne": ("enum", "string", "int", "number", "bool", "date"),
    "in": ("enum", "string", "int"),
    "not_in": ("enum", "string", "int"),
    "lt": ("int", "number", "date"),
    "lte": ("int", "number", "date"),
    "gt": ("int", "number", "date"),
    "gte": ("int", "number", "date"),
    "between": ("int", "number", "date"),  # [low, high], both included: gte low and lte high
    "month_day": ("date",),  # [MM-DD, MM-DD] every year, both included; may wrap the year end
    "is_set": ("enum", "string", "int", "number", "bool", "date"),
    "not_empty": ("list",),
}

# Expression operators usable in `then` values.
EXPRESSION_OPS = ("ref", "add", "sub", "mul", "min", "max", "floor", "add_days",
                  "add_business_days", "next_business_day", "business_day_on_or_after")


@dataclass(frozen=True)
class Term:
    """A value of a field, its label, and (compensation types) whether it has an amount."""

    value: str
    label: str
    amount: bool | None = None


@dataclass(frozen=True)
class Vocabulary:
    """Every declared field's values in declaration order (the order options are shown in)."""

    terms: dict[str, tuple[Term, ...]] = field(default_factory=dict)

    def values(self, name: str) -> tuple[str, ...]:
        """The declared values of a field (empty when it declares none)."""
        return tuple(t.value for t in self.terms.get(name, ()))

    def label(self, name: str, value: Any) -> str:
        """The Japanese label of a value (the value itself when it has none)."""
        for term in self.terms.get(name, ()):
            if term.value == value:
                return term.label
        return "" if value is None else str(value)

    def has_amount(self, compensation_type: str) -> bool:
        """Whether a compensation type carries an amount in yen."""
        for term in self.terms.get("compensation.type", ()):
            if term.value == compensation_type:
                return bool(term.amount)
        return False

    @property
    def option_order(self) -> tuple[str, ...]:
        """Options in the order they are presented."""
        return self.values("options")
