"""An order's lifecycle as the database holds it: snapshot, rule facts, CAS, closing its work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from noki.db.clock import utcnow
from noki.db.models import DecisionRow, OrderRow, OutboxMessage
from noki.db.models_lifecycle import CompensationGrantRow
from noki.domain.lifecycle import CLOSED_STATES, Grant, Snapshot, ledger_facts
from noki.domain.order import Order, Status
from noki.services import audit, draft_jobs
from noki.services.drafts import supersede_open
from noki.services.transitions import Stale


def grants_of(session: Session, order_id: str) -> list[Grant]:
    """The order's ledger lines, oldest first."""
    rows = session.exec(
        select(CompensationGrantRow)
        .where(CompensationGrantRow.order_id == order_id)
        .order_by(col(CompensationGrantRow.granted_at), col(CompensationGrantRow.id))
    ).all()
    return [Grant(r.type, r.amount_jpy, r.decision_id, r.rule_id, r.draft_id, r.granted_at)
            for r in rows]


def status_of(session: Session, row: OrderRow) -> Status:
    """The lifecycle facts the rules read: state, choice and the ledger, from the database."""
    facts = ledger_facts(grants_of(session, row.order_id))
    return Status(state=row.state, choice=row.choice,
                  granted_type=facts.granted_type, granted_jpy=facts.granted_jpy)


def with_status(session: Session, row: OrderRow, order: Order | None = None) -> Order:
    """The order document with its lifecycle facts filled in (before every decision)."""
    base = order or Order.model_validate(row.payload)
    return base.model_copy(update={"status": status_of(session, row)})


def latest_decision(session: Session, order_id: str) -> DecisionRow | None:
    """The order's newest decision."""
    return session.exec(
        select(DecisionRow).where(DecisionRow.order_id == order_id)
        .order_by(col(DecisionRow.id).desc()).limit(1)
    ).first()


def snapshot_of(session: Session, row: OrderRow) -> Snapshot:
    """What the pure transition table needs to judge an event for this order."""
    order = row.payload
    decision = latest_decision(session, row.order_id)
    offered = tuple(decision.payload.get("options", ())) if decision is not None else ()
    return Snapshot(
        order_id=row.order_id,
        state=row.state,  # type: ignore[arg-type]
        quantity=int(order["quantity"]),
        order_value_jpy=int(order["quantity"]) * int(order["unit_price_jpy"]),
        shipped_quantity=row.shipped_qty,
        offered_options=offered,
        choice=row.choice,
    )


def cas_order(session: Session, row: OrderRow, **values: Any) -> None:
    """Change the order's lifecycle columns if row_version is still the one read (else Stale)."""
    session.flush()  # the row's other pending changes first: refresh() below reloads it
    hit = session.execute(
        update(OrderRow)
        .where(col(OrderRow.order_id) == row.order_id,
               col(OrderRow.row_version) == row.row_version)
        .values(row_version=col(OrderRow.row_version) + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if hit.rowcount != 1:  # type: ignore[attr-defined]
        raise Stale(f"order {row.order_id} changed meanwhile")
    session.refresh(row)


def lifecycle_values(state: str, *, shipped_qty: int, choice: str | None,
                     now: datetime) -> dict[str, Any]:
    """The columns a transition to `state` writes (status follows the state)."""
    closed = state in CLOSED_STATES
    return {
        "state": state,
        "status": "closed" if closed else "open",
        "shipped_qty": shipped_qty,
        "choice": choice,
        "closed_at": now if closed else None,
    }


def stop_open_work(session: Session, order_id: str, *, actor: str, reason: str) -> int:
    """Drop queued draft jobs, supersede open drafts, cancel unsent messages (claimed too).

    The caller holds the order's lock. A message a sender already claimed is cancelled here
    as well; the sender's compare-and-set at hand-off then finds it cancelled and sends nothing.
    """
    draft_jobs.drop_for_orders(session, [order_id])
    superseded = supersede_open(session, order_id, actor=actor, reason=reason)
    # handed_at: the sender passed the compare-and-set at hand-off; that one is in flight.
    cancelled = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.order_id) == order_id,
               col(OutboxMessage.status).in_(("pending", "sending")),
               col(OutboxMessage.handed_at).is_(None))
        .values(status="cancelled", last_error=f"cancelled: {reason}")
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if cancelled:
        audit.record(session, actor=actor, action="messages_cancelled", order_id=order_id,
                     count=int(cancelled or 0), reason=reason)
    return superseded
