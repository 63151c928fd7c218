"""One validated event applied to one locked order: state, timeline, notice job, webhook."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from noki.app import AppContext
from noki.db.models import OrderRow
from noki.domain.lifecycle import (
    CancelledEvent,
    ChoiceEvent,
    EtaEvent,
    Event,
    PartiallyShippedEvent,
    ShippedEvent,
    Transition,
    apply_event,
)
from noki.domain.lifecycle.states import CLOSED_STATES, EVENT_LABELS, STATE_LABELS
from noki.drafting.wording import OPTION_SHORT
from noki.services import audit, draft_jobs, timeline, webhooks
from noki.services.draft_jobs import NewJob
from noki.services.drafts import supersede_open
from noki.services.lifecycle_state import (
    cas_order,
    latest_decision,
    lifecycle_values,
    snapshot_of,
    stop_open_work,
)
from noki.services.redecide import IngestReport, apply_eta

# The notice each applied event drafts (a completing partial shipment is `shipped`).
NOTICE_KINDS = {"choice": "choice_confirmation", "partially_shipped": "partially_shipped",
                "shipped": "shipped", "cancelled": "cancelled"}


@dataclass
class Outcome:
    """What one applied event did."""

    order_id: str | None
    orders_affected: int
    state_from: str | None = None
    state_to: str | None = None
    job_ids: list[int] = field(default_factory=list)


def apply_to_order(
    ctx: AppContext, s: Session, row: OrderRow, event: Event, *, actor: str, auto_send: bool
) -> Outcome:
    """Validate against the transition table, then write everything the event changes.

    The caller holds the order's lock and read `row` after it; EventRejected leaves nothing.
    """
    move = apply_event(snapshot_of(s, row), event)
    now = ctx.clock.now()
    outcome = Outcome(row.order_id, 1, move.source, move.target)
    if isinstance(event, EtaEvent):
        report = IngestReport()
        apply_eta(ctx, s, row, event.eta, as_of=event.as_of, actor=actor, auto_send=auto_send,
                  report=report, event_id=event.event_id, source=event.source)
        cas_order(s, row)
        outcome.job_ids = report.job_ids
        return outcome
    values = lifecycle_values(move.target, shipped_qty=move.after.shipped_quantity,
                              choice=move.after.choice, now=now)
    closing = move.target in CLOSED_STATES
    # A closed order, or one changed to the substitute, gets no more ETA follow-ups.
    stops = closing or move.target == "substituted" and move.source != "substituted"
    reason = f"{event.kind} ({event.event_id})"
    if stops:
        stop_open_work(s, row.order_id, actor=actor, reason=reason)
        values["next_update_date"] = None
    elif event.kind in NOTICE_KINDS:
        # The step's notice replaces what was not sent yet (it would tell the old story).
        draft_jobs.drop_for_orders(s, [row.order_id])
        supersede_open(s, row.order_id, actor=actor, reason=reason)
    cas_order(s, row, **values)
    _record(s, row, event, move, actor=actor, now=now)
    outcome.job_ids = _notice(s, row, event, move, actor=actor, auto_send=auto_send)
    if isinstance(event, ChoiceEvent):
        # The OMS learns the choice through the signed-webhook outbox, in this transaction.
        webhooks.enqueue(s, "oms.choice", event.event_id, {
            "event_id": event.event_id, "order_id": row.order_id, "option": event.option,
            "chosen_by": event.chosen_by, "note": event.note, "chosen_at": now.isoformat(),
            "state": move.target,
        }, order_id=row.order_id)
    return outcome


def _record(s: Session, row: OrderRow, event: Event, move: Transition, *, actor: str,
            now: object) -> None:
    """Timeline (the event, the state change) and audit, in the event's transaction."""
    at = now  # the clock's time: a simulated day writes simulated entries
    detail = event.model_dump(mode="json", exclude_none=True)
    kind = "choice" if isinstance(event, ChoiceEvent) else "event"
    timeline.add(s, row.order_id, kind, _summary(event), at=at, actor=actor,  # type: ignore[arg-type]
                 source=event.source, ref=event.event_id, detail=detail)
    if move.source != move.target:
        timeline.add(
            s, row.order_id, "state",
            f"状態: {STATE_LABELS[move.source]} → {STATE_LABELS[move.target]}",
            at=at, actor=actor, source=event.source, state_from=move.source,  # type: ignore[arg-type]
            state_to=move.target, ref=event.event_id,
        )
    audit.record(s, actor=actor, action=f"event_{event.kind}", order_id=row.order_id,
                 event_id=event.event_id, state_from=move.source, state_to=move.target)


def _summary(event: Event) -> str:
    """One Japanese line for people reading the order's timeline."""
    label = EVENT_LABELS[event.kind]
    if isinstance(event, PartiallyShippedEvent):
        return f"{label}: {event.quantity}点（追跡番号 {event.tracking_number}）"
    if isinstance(event, ShippedEvent):
        return f"{label}: {event.carrier} 追跡番号 {event.tracking_number}"
    if isinstance(event, CancelledEvent):
        return f"{label}: 返金 {event.refund_jpy:,}円（理由: {event.reason}）"
    if isinstance(event, ChoiceEvent):
        who = "お客様" if event.chosen_by == "customer" else "担当者が記録"
        return f"{label}: {OPTION_SHORT[event.option]}（{who}）"
    return label


def _notice(s: Session, row: OrderRow, event: Event, move: Transition, *, actor: str,
            auto_send: bool) -> list[int]:
    """Queue the notice this step deserves, under the order's newest decision."""
    kind = NOTICE_KINDS.get(event.kind)
    if kind == "partially_shipped" and move.target == "shipped":
        kind = "shipped"  # the last units left: the order is complete
    decision = latest_decision(s, row.order_id)
    if kind is None or decision is None or decision.id is None:
        return []
    return draft_jobs.enqueue(s, [NewJob(row.order_id, decision.id, kind, auto_send=auto_send,
                                         actor=actor, event_id=event.event_id)])

