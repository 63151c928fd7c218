"""Decide a SKU's sales-control recommendation with a sales_control rule set (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from noki.domain.decision import TraceEntry
from noki.rules.engine import Engine
from noki.rules.model import RuleSet


@dataclass(frozen=True)
class Recommendation:
    """What the rules recommend for one SKU, the rule that fired and why."""

    sku_id: str
    recommendation: str
    rule_id: str
    reason: str
    rules_version: str
    facts: dict[str, Any] = field(default_factory=dict)
    trace: tuple[TraceEntry, ...] = ()


class SalesControlEngine:
    """A sales_control rule set compiled once; close() frees it."""

    def __init__(self, ruleset: RuleSet):
        if ruleset.kind != "sales_control":
            raise ValueError(f"rule set kind {ruleset.kind!r}: expected sales_control "
                             "(a file with `ruleset: sales_control`)")
        self.ruleset = ruleset
        self.engine = Engine(ruleset)

    def recommend(self, facts: dict[str, Any]) -> Recommendation:
        """The recommendation for one SKU's facts (the last table that set it wins)."""
        out, trace = self.engine.evaluate(facts)
        decided = [t for t in trace if any(
            n == "recommendation" for n, _ in self._rule(t).outputs)]
        last = decided[-1] if decided else trace[-1]
        reason = last.why.split(" [", 1)[0]
        return Recommendation(str(facts["sku_id"]), str(out["recommendation"]), last.rule,
                              reason, self.ruleset.version, _plain(facts), tuple(trace))

    def recommend_all(self, skus: Iterable[dict[str, Any]]) -> list[Recommendation]:
        """One recommendation per SKU, in the order given."""
        return [self.recommend(f) for f in skus]

    def _rule(self, entry: TraceEntry) -> Any:
        table = self.ruleset.table(entry.ruleset)
        return next(r for r in table.rules if r.id == entry.rule)

    def close(self) -> None:
        """Free durable's rulesets."""
        self.engine.close()


def _plain(facts: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in facts.items()}
