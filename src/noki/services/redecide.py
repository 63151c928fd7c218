"""Re-deciding an order inside the caller's transaction: lifecycle facts first, then the rules."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session

from noki.app import AppContext
from noki.db.models import DecisionRow, EtaHistory, OrderRow
from noki.domain.decision import Decision
from noki.domain.lifecycle.ledger import net_of_ledger
from noki.domain.order import Eta, Order
from noki.services import audit, draft_jobs, timeline
from noki.services.draft_jobs import NewJob
from noki.services.drafts import store_decision, supersede_open
from noki.services.lifecycle_state import with_status


@dataclass
class IngestReport:
    """What an ingest or ETA event did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    drafted: int = 0
    superseded: int = 0
    order_ids: list[str] = field(default_factory=list)
    job_ids: list[int] = field(default_factory=list)  # draft jobs queued

    def add(self, other: IngestReport) -> None:
        """Count another chunk's work in."""
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.drafted += other.drafted
        self.superseded += other.superseded
        self.order_ids += other.order_ids
        self.job_ids += other.job_ids


def payload_digest(doc: dict[str, Any]) -> str:
    """The hash ingest compares: whoever rewrites an order's payload stores its new digest."""
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def decide(ctx: AppContext, s: Session, row: OrderRow, order: Order) -> Decision:
    """Decide with the lifecycle facts (state, choice, ledger) read from the database.

    The rules see what was already granted and decide only an additional amount; a 0 yen
    top-up is shown as no compensation (net_of_ledger).
    """
    return net_of_ledger(ctx.rules.decide(with_status(s, row, order)))


def decide_and_store(
    ctx: AppContext, s: Session, row: OrderRow, order: Order, *, actor: str
) -> tuple[Decision, DecisionRow]:
    """Decide and keep the decision (and its next update date) on the order."""
    decision = decide(ctx, s, row, order)
    drow = store_decision(s, row, decision, actor=actor)
    return decision, drow


def decide_and_draft(
    ctx: AppContext,
    s: Session,
    row: OrderRow,
    order: Order,
    *,
    kind: str,
    actor: str,
    auto_send: bool,
    report: IngestReport,
    event_id: str | None = None,
) -> None:
    """Re-decide the order and queue its notice (none when it is on time)."""
    decision, drow = decide_and_store(ctx, s, row, order, actor=actor)
    assert drow.id is not None
    report.order_ids.append(order.order_id)
    if decision.notice_purpose == "none":  # on time: no delay notice to write
        audit.record(s, actor=actor, action="no_notice_needed", order_id=order.order_id)
        return
    report.job_ids += draft_jobs.enqueue(
        s, [NewJob(order.order_id, drow.id, kind, auto_send=auto_send, actor=actor,
                   event_id=event_id)]
    )


def apply_eta(
    ctx: AppContext,
    s: Session,
    row: OrderRow,
    eta: Eta,
    *,
    as_of: date | None,
    actor: str,
    auto_send: bool,
    report: IngestReport,
    event_id: str | None = None,
    source: str | None = None,
) -> bool:
    """Give one order (locked by the caller) a new ETA; re-decide and re-draft. False: same ETA."""
    old = Order.model_validate(row.payload)
    if old.eta == eta:
        report.unchanged += 1
        return False
    later = eta.latest > old.eta.latest
    order = old.model_copy(
        update={
            "eta": eta,
            "previous_eta": old.eta,  # the notice says what changed since then
            "as_of": max(old.as_of, as_of or ctx.clock.today()),
            "reschedule_count": old.reschedule_count + int(later),
        }
    )
    order = Order.model_validate(order.model_dump())
    draft_jobs.drop_for_orders(s, [row.order_id])  # before superseding: see drop_for_orders
    report.superseded += supersede_open(s, row.order_id, actor=actor, reason="eta changed")
    row.payload = order.model_dump(mode="json")
    row.payload_hash = payload_digest(row.payload)  # re-posting the original restores it
    row.overdue_escalated_on = None  # a new window: overdue is judged again against it
    s.add(row)
    s.add(EtaHistory(order_id=row.order_id, earliest=eta.earliest, latest=eta.latest,
                     confidence=eta.confidence, source=f"event:{actor}",
                     recorded_at=ctx.clock.now()))  # a simulated day records on that day
    audit.record(s, actor=actor, action="eta_changed", order_id=row.order_id,
                 earliest=eta.earliest.isoformat(), latest=eta.latest.isoformat())
    timeline.add(
        s, row.order_id, "event",
        f"入荷予定の変更: {eta.earliest.isoformat()}〜{eta.latest.isoformat()}"
        f"（前回 {old.eta.earliest.isoformat()}〜{old.eta.latest.isoformat()}）",
        at=ctx.clock.now(), actor=actor, source=source, ref=event_id,
        detail={"earliest": eta.earliest.isoformat(), "latest": eta.latest.isoformat(),
                "confidence": eta.confidence},
    )
    report.updated += 1
    decide_and_draft(ctx, s, row, order, kind="eta_change", actor=actor, auto_send=auto_send,
                     report=report, event_id=event_id)
    return True
