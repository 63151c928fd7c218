"""The console's order page: header facts, the timeline, the ledger, webhooks; agent actions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import col, select

from noki.app import AppContext
from noki.db import session_scope
from noki.db.models import DecisionRow, OrderRow
from noki.db.models_lifecycle import CompensationGrantRow, TimelineEntry
from noki.db.models_webhooks import WebhookMessage
from noki.domain.lifecycle.states import STATE_LABELS
from noki.services import timeline
from noki.services.roles import Actor, require

# Who may record what on the order page (docs/lifecycle.md): a choice the customer gave by
# phone or e-mail is the agent's daily work; shipments and cancellations (money leaves with a
# refund) come from the OMS/WMS and are entered by hand only by a supervisor or admin.
EVENT_PERMISSION = {"choice": "draft.write", "allocated": "orders.events",
                    "partially_shipped": "orders.events", "shipped": "orders.events",
                    "cancelled": "orders.events"}
EVENT_FIELDS = {"allocated": (), "partially_shipped": ("quantity", "tracking_number", "carrier"),
                "shipped": ("tracking_number", "carrier"),
                "cancelled": ("reason", "refund_jpy", "refund_by"), "choice": ("option", "note")}


@dataclass
class OrderPage:
    """One order as the console shows it."""

    order_id: str
    customer: str
    product: str
    quantity: int
    industry: str
    state: str
    state_label: str
    status: str
    eta: dict[str, Any]
    next_update_date: Any
    choice: str | None
    shipped_qty: int
    options: list[str]
    entries: list[TimelineEntry] = field(default_factory=list)
    grants: list[CompensationGrantRow] = field(default_factory=list)
    webhooks: list[WebhookMessage] = field(default_factory=list)

    @property
    def granted_total_jpy(self) -> int:
        """Yen stated to the customer so far (ledger)."""
        return sum(g.amount_jpy or 0 for g in self.grants)


def order_page(ctx: AppContext, order_id: str) -> OrderPage | None:
    """The header, timeline, ledger and webhooks of one order (None when unknown)."""
    with session_scope(ctx.engine) as s:
        row = s.get(OrderRow, order_id)
        if row is None:
            return None
        decision = s.exec(select(DecisionRow).where(DecisionRow.order_id == order_id)
                          .order_by(col(DecisionRow.id).desc())).first()
        doc = row.payload
        return OrderPage(
            order_id=order_id,
            customer=str(doc.get("customer", {}).get("name", "")),
            product=str(doc.get("sku", {}).get("name", "")),
            quantity=int(doc.get("quantity", 1)),
            industry=row.industry,
            state=row.state,
            state_label=STATE_LABELS.get(row.state, row.state),  # type: ignore[call-overload]
            status=row.status,
            eta=dict(doc.get("eta") or {}),
            next_update_date=row.next_update_date,
            choice=row.choice,
            shipped_qty=row.shipped_qty,
            options=list(decision.payload.get("options", [])) if decision else [],
            entries=timeline.for_order(s, order_id),
            grants=list(s.exec(select(CompensationGrantRow)
                               .where(CompensationGrantRow.order_id == order_id)
                               .order_by(col(CompensationGrantRow.id))).all()),
            webhooks=list(s.exec(select(WebhookMessage)
                                 .where(WebhookMessage.order_id == order_id)
                                 .order_by(col(WebhookMessage.id))).all()),
        )


def event_from_form(kind: str, order_id: str, form: dict[str, str],
                    *, now: datetime) -> dict[str, Any]:
    """The event an agent's form describes (empty fields left out; the core validates)."""
    event: dict[str, Any] = {"kind": kind, "order_id": order_id,
                             "event_id": f"console-{kind}-{order_id}-{uuid.uuid4().hex[:10]}",
                             "occurred_at": now.isoformat()}
    for name in EVENT_FIELDS.get(kind, ()):
        value = (form.get(name) or "").strip()
        if value:
            event[name] = value
    if kind == "choice":
        event["chosen_by"] = "agent"
    return event


def record_event(ctx: AppContext, actor: Actor, order_id: str, kind: str,
                 form: dict[str, str]) -> list[str]:
    """Apply one event an agent entered; returns the errors (field: message), empty when done."""
    from noki.services.lifecycle_events import apply_events

    if kind not in EVENT_PERMISSION:
        return [f"kind: {kind!r} is not one of {', '.join(EVENT_PERMISSION)}"]
    require(actor, EVENT_PERMISSION[kind])
    event = event_from_form(kind, order_id, form, now=ctx.clock.now())
    result = apply_events(ctx, [event], actor=actor.name, source="console")
    if result.applied or result.duplicates:
        return []
    return [f"{e.field}: {e.message}" for e in result.errors] or ["the event was not applied"]
