"""`noki rules check/diff` on a sales_control rule set: SKUs instead of orders."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import typer

from noki.rules.model import RuleSet


def _stored_skus(today: date) -> list[dict[str, Any]]:
    """The SKUs' facts from the database (empty when it has none)."""
    from noki.cli.context import app_context
    from noki.db import session_scope
    from noki.services.kpi.projection import refresh
    from noki.services.sales_control.facts import sku_facts

    with app_context() as ctx:
        with session_scope(ctx.engine) as s:
            refresh(s)
        with session_scope(ctx.engine) as s:
            found = sku_facts(s, today)
    return [found[k] for k in sorted(found)]


def smoke(ruleset: RuleSet) -> str:
    """Recommend for every stored SKU; a SKU the rules cannot decide fails the check."""
    from noki.domain.order import today_in_tokyo
    from noki.rules.sales_engine import SalesControlEngine

    skus = _stored_skus(today_in_tokyo())
    engine = SalesControlEngine(ruleset)
    try:
        recs = engine.recommend_all(skus)
    finally:
        engine.close()
    fired = sum(r.recommendation != "none" for r in recs)
    return f"smoke: {len(recs)} stored SKUs recommended, {fired} with a control"


def diff(base: RuleSet, head: RuleSet, as_json: bool) -> None:
    """Which stored SKUs change recommendation between base and working rules."""
    from noki.domain.order import today_in_tokyo
    from noki.rules.sales_engine import SalesControlEngine

    skus = _stored_skus(today_in_tokyo())
    before, after = SalesControlEngine(base), SalesControlEngine(head)
    try:
        pairs = [(before.recommend(f), after.recommend(f)) for f in skus]
    finally:
        before.close()
        after.close()
    changed = [(b, a) for b, a in pairs if b.recommendation != a.recommendation]
    if as_json:
        typer.echo(json.dumps({
            "base_version": base.version, "head_version": head.version, "skus": len(pairs),
            "changed": [{"sku_id": b.sku_id, "before": b.recommendation,
                         "after": a.recommendation, "before_rule": b.rule_id,
                         "after_rule": a.rule_id} for b, a in changed]},
            ensure_ascii=False, indent=2))
        return
    typer.echo(f"base {base.version} -> working {head.version}: {len(pairs)} stored SKUs, "
               f"{len(changed)} change recommendation")
    for b, a in changed:
        typer.echo(f"  {b.sku_id:16} {b.recommendation} ({b.rule_id}) -> "
                   f"{a.recommendation} ({a.rule_id}: {a.reason})")
