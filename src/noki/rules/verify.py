"""The safety gate: run rules on real (or sample) orders, and find changed rows no example runs.

Pure: orders come in as Order objects; the CLI and the console choose stored orders when there
are some, else the sample orders, and say which.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from noki.domain.order import Order
from noki.rules.calendar import CalendarError
from noki.rules.engine import DecisionError, Engine, EngineError
from noki.rules.examples import _coerce
from noki.rules.model import RuleError, RuleSet
from noki.rules.store import Gate

SMOKE_SAMPLE = 500  # sample orders a reload decides when no stored orders are given
MAX_REPORTED = 20


@dataclass(frozen=True)
class SmokeResult:
    """How many orders were decided, from where, and which failed (order + rule + why)."""

    orders: int
    source: str
    errors: tuple[RuleError, ...]


def smoke_run(ruleset: RuleSet, orders: Iterable[Order], source: str) -> SmokeResult:
    """Decide every order with the rule set; each failure names the order and the rule."""
    engine = Engine(ruleset)
    errors: list[RuleError] = []
    count = 0
    failed = 0
    try:
        for order in orders:
            count += 1
            try:
                engine.decide(order)
            except (DecisionError, EngineError, CalendarError) as exc:
                failed += 1
                if len(errors) < MAX_REPORTED:
                    errors.append(_located(order, exc, ruleset))
    finally:
        engine.close()
    if failed > len(errors):
        errors.append(RuleError(ruleset.files[0] if ruleset.files else "rules", 1,
                                f"... and {failed - len(errors)} more orders fail"))
    return SmokeResult(count, source, tuple(errors))


def _located(order: Order, exc: Exception, ruleset: RuleSet) -> RuleError:
    text = str(exc)
    head, sep, rest = text.partition(": ")
    file, colon, line = head.rpartition(":")
    if sep and colon and line.isdigit():  # "rules/60_x.yaml:41: rule r: ..." from the engine
        return RuleError(file, int(line), f"order {order.order_id}: {rest}")
    for table in ruleset.tables:
        if f"table {table.name} " in text:
            return RuleError(table.file, table.line, f"order {order.order_id}: {text}")
    return RuleError(ruleset.files[0] if ruleset.files else "rules", 1,
                     f"order {order.order_id}: {text}")


def sample_orders_for_smoke(n: int = SMOKE_SAMPLE) -> list[Order]:
    """The deterministic sample orders (when no stored orders are at hand)."""
    from noki.sample.orders import sample_orders

    return [Order.model_validate(d) for d in sample_orders(n, seed=7)]


def smoke_gate(orders: Callable[[], tuple[Sequence[Order], str]] | None = None) -> Gate:
    """A RuleStore gate refusing a version that fails on any of the given orders."""
    def gate(ruleset: RuleSet) -> list[RuleError]:
        found, source = orders() if orders else (sample_orders_for_smoke(), "sample orders")
        result = smoke_run(ruleset, found, source)
        return [RuleError(e.file, e.line, f"{e.message} ({result.source})")
                for e in result.errors]

    return gate


def unexampled_changes(base: RuleSet | None, head: RuleSet) -> list[RuleError]:
    """Rows that are new or changed since base and that no example of their table fires."""
    old = {r.id: r.hash for t in (base.tables if base else ()) for r in t.rules}
    changed = [(t, r) for t in head.tables for r in t.rules if old.get(r.id) != r.hash]
    if not changed:
        return []
    engine = Engine(head, cache=False)
    fired: set[str] = set()
    try:
        for table in head.tables:
            for ex in table.examples:
                facts = {n: _coerce(n, v, table) for n, v in ex.given.items()}
                try:
                    _, trace = engine.evaluate(facts, only=table.name)
                except (DecisionError, EngineError, CalendarError):
                    continue
                fired |= {t.rule for t in trace}
    finally:
        engine.close()
    return [RuleError(r.file, r.line, f"rule {r.id} is new or changed but no example of table "
                      f"{t.name} runs it; add one under examples")
            for t, r in changed if r.id not in fired]
