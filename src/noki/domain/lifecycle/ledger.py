"""The compensation ledger: what was granted, once per order, and what the rules may see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from noki.domain.decision import Compensation, Decision

# Kinds that have no yen amount: granted once, never topped up.
NO_AMOUNT = frozenset({"free_shipping", "loaner_car"})


@dataclass(frozen=True)
class Grant:
    """One line of the ledger: recorded when the notice that states it is sent."""

    type: str
    amount_jpy: int | None
    decision_id: int | None = None
    rule_id: str | None = None
    draft_id: int | None = None
    granted_at: datetime | None = None


@dataclass(frozen=True)
class LedgerFacts:
    """What the rules read: the kind granted last and the yen granted under that kind."""

    granted_type: str = "none"
    granted_jpy: int = 0
    granted_types: tuple[str, ...] = ()


def ledger_facts(grants: Iterable[Grant]) -> LedgerFacts:
    """Facts for the rules from the ledger lines (oldest first)."""
    lines = [g for g in grants if g.type != "none"]
    if not lines:
        return LedgerFacts()
    last = lines[-1].type
    total = sum(g.amount_jpy or 0 for g in lines if g.type == last)
    kinds = tuple(dict.fromkeys(g.type for g in lines))
    return LedgerFacts(granted_type=last, granted_jpy=total, granted_types=kinds)


def grant_for(
    compensation: Compensation, *, decision_id: int | None, rule_id: str | None,
    draft_id: int | None, granted_at: datetime | None,
) -> Grant | None:
    """The ledger line a sent notice adds (None when it states no compensation)."""
    if compensation.type == "none":
        return None
    return Grant(compensation.type, compensation.amount_jpy, decision_id, rule_id, draft_id,
                 granted_at)


def totals_by_type(grants: Iterable[Grant]) -> dict[str, int | None]:
    """Yen granted per kind (None for kinds without an amount), in first-granted order."""
    out: dict[str, int | None] = {}
    for g in grants:
        if g.type == "none":
            continue
        if g.amount_jpy is None:
            out.setdefault(g.type, None)
        else:
            out[g.type] = (out.get(g.type) or 0) + g.amount_jpy
    return out


_NOTHING = Compensation(type="none")


def net_of_ledger(decision: Decision) -> Decision:
    """The decision with a top-up of 0 yen shown as no compensation (nothing more to grant)."""
    # The rules subtract what was granted (compensation_adjustments); a 0 yen difference
    # means the earlier notice already covered it. Kept out of the rules so no table has to
    # test a computed amount (the batch decider decides column-wise only without those).
    comp = decision.compensation
    if comp.type != "none" and comp.type not in NO_AMOUNT and comp.amount_jpy == 0 and (
        decision.trace and any(t.rule.startswith("ledger-") for t in decision.trace)
    ):
        return Decision.model_construct(**{**decision.__dict__, "compensation": _NOTHING})
    return decision
