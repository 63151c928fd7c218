"""Sales-control use cases: evaluate every SKU, keep one row per SKU, approve, push, lift.

A changed recommendation waits for a supervisor (status pending). Approving makes it active
and queues a signed webhook to the storefront (topic storefront.sales_control) in the same
transaction; the sender delivers it later, outside any transaction. When the rules stop firing
for an active SKU (recommendation none), the lift is pushed at once: loosening needs no
approval. Every status change is a compare-and-set on row_version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from noki.db import session_scope, table
from noki.db.bulk import insert_rows
from noki.db.clock import utcnow
from noki.db.models_kpi import SalesControlRow
from noki.rules.loader import load_ruleset
from noki.rules.sales_engine import Recommendation, SalesControlEngine
from noki.services import audit
from noki.services.errors import Conflict, NotFound
from noki.services.kpi.projection import refresh
from noki.services.roles import Actor, require
from noki.services.sales_control.facts import sku_facts
from noki.services.webhooks import enqueue

if TYPE_CHECKING:
    from noki.app.context import AppContext

TOPIC = "storefront.sales_control"


@dataclass
class EvaluationReport:
    """What one evaluation found and changed."""

    today: date
    rules_version: str = ""
    recommendations: list[Recommendation] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # SKUs newly awaiting approval
    lifted: list[str] = field(default_factory=list)  # SKUs whose active control was lifted


def recommend(ctx: AppContext, s: Session, today: date) -> list[Recommendation]:
    """Every relevant SKU's recommendation (SKUs with rows are re-evaluated too)."""
    known = list(s.exec(select(SalesControlRow.sku_id)))
    facts = sku_facts(s, today, also=known)
    engine = SalesControlEngine(load_ruleset(ctx.settings.sales_control_rules_dir))
    try:
        return engine.recommend_all(facts[k] for k in sorted(facts))
    finally:
        engine.close()


def _push(s: Session, row: SalesControlRow, action: str) -> None:
    payload = {"sku_id": row.sku_id, "recommendation": row.active, "action": action,
               "reason": row.reason, "rule_id": row.rule_id, "rules_version": row.rules_version,
               "decided_by": row.decided_by, "version": row.row_version}
    enqueue(s, TOPIC, f"{row.sku_id}:{row.row_version}", payload)


def _cas(s: Session, row: SalesControlRow, **values: Any) -> None:
    hit = s.execute(
        update(SalesControlRow)
        .where(col(SalesControlRow.id) == row.id,
               col(SalesControlRow.row_version) == row.row_version)
        .values(row_version=row.row_version + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False))
    if hit.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"sales control of {row.sku_id} changed meanwhile; reload and retry")
    s.refresh(row)


def _apply(s: Session, rec: Recommendation, today: date, report: EvaluationReport) -> None:
    row = s.exec(select(SalesControlRow).where(SalesControlRow.sku_id == rec.sku_id)).first()
    fields: dict[str, Any] = {"reason": rec.reason, "rule_id": rec.rule_id,
                              "rules_version": rec.rules_version, "facts": rec.facts,
                              "evaluated_on": today}
    if row is None:
        if rec.recommendation != "none":
            s.add(SalesControlRow(sku_id=rec.sku_id, recommendation=rec.recommendation,
                                  status="pending", **fields))
            report.pending.append(rec.sku_id)
        return
    if rec.recommendation == row.recommendation:
        _cas(s, row, **fields)
        return
    if rec.recommendation == "none" and row.active != "none":
        _cas(s, row, recommendation="none", status="lifted", active="none",
             decided_by="system", decided_at=utcnow(), **fields)
        _push(s, row, "lift")
        audit.record(s, actor="system", action="sales_control_lifted", sku_id=row.sku_id,
                     rule_id=rec.rule_id)
        report.lifted.append(rec.sku_id)
        return
    # Never active (pending or rejected) and the rules no longer fire: nothing to lift.
    status = "cleared" if rec.recommendation == "none" else "pending"
    _cas(s, row, recommendation=rec.recommendation, status=status, **fields)
    if status == "pending":
        report.pending.append(rec.sku_id)


def evaluate(ctx: AppContext, today: date | None = None, *, store: bool = True
             ) -> EvaluationReport:
    """Refresh the KPI projection, recommend for every SKU, record changes (one transaction)."""
    day = today or ctx.clock.today()
    report = EvaluationReport(day)
    with session_scope(ctx.engine) as s:
        refresh(s)
    with session_scope(ctx.engine) as s:
        report.recommendations = recommend(ctx, s, day)
        if report.recommendations:
            report.rules_version = report.recommendations[0].rules_version
        if store:
            _store(s, report.recommendations, day, report)
    return report


def _fields(rec: Recommendation, today: date) -> dict[str, Any]:
    return {"reason": rec.reason, "rule_id": rec.rule_id, "rules_version": rec.rules_version,
            "facts": rec.facts, "evaluated_on": today}


def _store(s: Session, recs: list[Recommendation], today: date,
           report: EvaluationReport) -> None:
    """Record every SKU's recommendation: new rows and unchanged recommendations set-based
    (10,000 SKUs), the few changes of status one by one (audit, webhooks)."""
    t = table(SalesControlRow)
    have = {r.sku_id: r for r in s.execute(
        select(t.c.id, t.c.sku_id, t.c.recommendation, t.c.row_version))}
    now = utcnow()
    new: list[dict[str, Any]] = []
    same: list[dict[str, Any]] = []
    for rec in recs:
        row = have.get(rec.sku_id)
        if row is None:
            if rec.recommendation != "none":
                new.append({"sku_id": rec.sku_id, "recommendation": rec.recommendation,
                            "status": "pending", "active": "none", "row_version": 1,
                            "created_at": now, "updated_at": now, **_fields(rec, today)})
                report.pending.append(rec.sku_id)
        elif rec.recommendation == row.recommendation:
            same.append({"b_id": row.id, "b_version": row.row_version, "updated_at": now,
                         **_fields(rec, today)})
        else:
            _apply(s, rec, today, report)
    insert_rows(s, t, new)
    if same:  # compare-and-set on row_version, every row or none
        hit = s.execute(update(t).where(t.c.id == bindparam("b_id"),
                                        t.c.row_version == bindparam("b_version"))
                        .values(row_version=t.c.row_version + 1), same)
        if hit.rowcount != len(same):  # type: ignore[attr-defined]
            raise Conflict("sales control changed meanwhile; evaluate again")
    report.pending.sort()
    report.lifted.sort()


def decide(ctx: AppContext, actor: Actor, sku_id: str, *, approve: bool, seen_version: int,
           note: str = "") -> SalesControlRow:
    """A supervisor approves (active + storefront push) or rejects a pending recommendation."""
    require(actor, "sales_control.approve")
    with session_scope(ctx.engine) as s:
        row = s.exec(select(SalesControlRow).where(SalesControlRow.sku_id == sku_id)).first()
        if row is None:
            raise NotFound(f"no sales-control recommendation for SKU {sku_id}")
        if row.status != "pending" or row.row_version != seen_version:
            raise Conflict(f"sales control of {sku_id} is {row.status} (version "
                           f"{row.row_version}); reload and decide again")
        if approve:
            _cas(s, row, status="approved", active=row.recommendation, decided_by=actor.name,
                 decided_at=utcnow())
            _push(s, row, "apply")
        else:
            _cas(s, row, status="rejected", decided_by=actor.name, decided_at=utcnow())
        audit.record(s, actor=actor.name, action="sales_control_" + (
            "approved" if approve else "rejected"), sku_id=sku_id,
            recommendation=row.recommendation, note=note)
        return row


def rows(ctx: AppContext) -> list[SalesControlRow]:
    """Every SKU's sales-control row, pending first."""
    with session_scope(ctx.engine) as s:
        found = list(s.exec(select(SalesControlRow)))
    order = {"pending": 0, "approved": 1, "rejected": 2, "lifted": 3, "cleared": 4}
    return sorted(found, key=lambda r: (order.get(r.status, 9), r.sku_id))
