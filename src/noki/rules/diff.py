"""Impact of a rule change: decide the same orders with two rule sets and compare (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from noki.domain.decision import Decision
from noki.domain.order import Order
from noki.rules.calendar import CalendarError
from noki.rules.engine import DecisionError, Engine, EngineError

FIELDS = ("segment", "lane", "compensation.type", "compensation.amount_jpy", "options",
          "approval", "channel", "human_followup", "next_update_date",
          "notice_purpose")


def _value(decision: Decision, name: str) -> Any:
    if name == "compensation.type":
        return decision.compensation.type
    if name == "compensation.amount_jpy":
        return decision.compensation.amount_jpy
    value = getattr(decision, name)
    return list(value) if isinstance(value, list) else value


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    return "null" if value is None else str(value)


@dataclass
class ChangeExample:
    """One order whose decision changed, with both decisions and the deciding trace lines."""

    order_id: str
    before: dict[str, Any]
    after: dict[str, Any]
    before_trace: list[str]
    after_trace: list[str]


@dataclass
class RuleDiff:
    """What a rule change does to a set of orders and to money."""

    base_version: str
    head_version: str
    orders: int = 0
    changed_orders: int = 0
    per_field: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[ChangeExample]] = field(default_factory=dict)
    compensation_before_jpy: int = 0
    compensation_after_jpy: int = 0
    errors: list[str] = field(default_factory=list)
    yen_before: Counter[str] = field(default_factory=Counter)  # per compensation type
    yen_after: Counter[str] = field(default_factory=Counter)

    @property
    def compensation_change_jpy(self) -> int:
        """After minus before, in yen."""
        return self.compensation_after_jpy - self.compensation_before_jpy

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready summary for machines."""
        return {
            "base_version": self.base_version, "head_version": self.head_version,
            "orders": self.orders, "changed_orders": self.changed_orders,
            "changed_by_field": {f: self.per_field.get(f, 0) for f in FIELDS},
            "compensation_jpy": {"before": self.compensation_before_jpy,
                                 "after": self.compensation_after_jpy,
                                 "change": self.compensation_change_jpy,
                                 "by_type": {k: {"before": self.yen_before.get(k, 0),
                                                 "after": self.yen_after.get(k, 0)}
                                             for k in sorted({*self.yen_before,
                                                              *self.yen_after})}},
            "changes": [{"kind": k, "count": n,
                         "examples": [vars(e) for e in self.examples.get(k, [])]}
                        for k, n in self.kinds.most_common()],
            "errors": self.errors,
        }


def _deciding(decision: Decision, tables: set[str]) -> list[str]:
    """Trace lines of the tables that set the changed field, with the rule and why."""
    return [f"{t.ruleset}/{t.rule} ({t.file}:{t.line}): {t.why}" for t in decision.trace
            if t.ruleset in tables]


def _writers(engine: Engine) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for table in engine.ruleset.tables:
        for name in table.outputs:
            out.setdefault(name, set()).add(table.name)
    return out


def diff_rules(
    orders: Iterable[Order], base: Engine, head: Engine, examples_per_kind: int = 3
) -> RuleDiff:
    """Decide every order with base and head and count what changed, field by field."""
    result = RuleDiff(base.version, head.version)
    writers = _writers(base)
    for name, tables in _writers(head).items():
        writers.setdefault(name, set()).update(tables)
    for order in orders:
        result.orders += 1
        try:
            before = base.decide(order)
        except (DecisionError, EngineError, CalendarError) as exc:
            result.errors.append(f"base: order {order.order_id}: {exc}")
            continue
        try:
            after = head.decide(order)
        except (DecisionError, EngineError, CalendarError) as exc:
            result.errors.append(f"order {order.order_id}: {exc}")
            continue
        result.compensation_before_jpy += before.compensation.amount_jpy or 0
        result.compensation_after_jpy += after.compensation.amount_jpy or 0
        result.yen_before[before.compensation.type] += before.compensation.amount_jpy or 0
        result.yen_after[after.compensation.type] += after.compensation.amount_jpy or 0
        changed = False
        for name in FIELDS:
            old, new = _value(before, name), _value(after, name)
            if old == new:
                continue
            changed = True
            result.per_field[name] += 1
            kind = f"{name}: {_show(old)} -> {_show(new)}"
            result.kinds[kind] += 1
            bucket = result.examples.setdefault(kind, [])
            if len(bucket) < examples_per_kind:
                tables = writers.get(name, set())
                bucket.append(ChangeExample(
                    order.order_id,
                    before.model_dump(mode="json", exclude={"trace", "rules_version"}),
                    after.model_dump(mode="json", exclude={"trace", "rules_version"}),
                    _deciding(before, tables), _deciding(after, tables)))
        result.changed_orders += changed
    return result
