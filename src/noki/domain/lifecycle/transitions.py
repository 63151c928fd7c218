"""Apply one event to an order's lifecycle snapshot: the new state or a clear rejection."""

from __future__ import annotations

from dataclasses import dataclass, replace

from noki.domain.lifecycle.events import (
    CLOSING_KINDS,
    CancelledEvent,
    ChoiceEvent,
    EtaEvent,
    Event,
    PartiallyShippedEvent,
)
from noki.domain.lifecycle.states import (
    CHOICE_TARGETS,
    CLOSED_STATES,
    STATE_LABELS,
    TRANSITIONS,
    OrderState,
    allowed_kinds,
)


@dataclass(frozen=True)
class Snapshot:
    """What the rules of the lifecycle need to know about one order."""

    order_id: str
    state: OrderState
    quantity: int
    order_value_jpy: int
    shipped_quantity: int = 0
    offered_options: tuple[str, ...] = ()
    choice: str | None = None


@dataclass(frozen=True)
class Transition:
    """The result of an accepted event."""

    event_id: str
    kind: str
    source: OrderState
    target: OrderState
    after: Snapshot
    closing: bool


class EventRejected(ValueError):
    """An event that makes no sense for the order, naming the event and the field."""

    def __init__(self, event_id: str, field: str, message: str):
        super().__init__(f"event {event_id!r}: {field}: {message}")
        self.event_id, self.field, self.message = event_id, field, message


def apply_event(snap: Snapshot, event: Event) -> Transition:
    """Validate the event against the declared table and the order; return the transition."""
    kind = event.kind
    target = TRANSITIONS.get((snap.state, kind))
    if target is None:
        allowed = ", ".join(allowed_kinds(snap.state)) or "none (the order is closed)"
        closed = " is closed" if snap.state in CLOSED_STATES else ""
        raise EventRejected(
            event.event_id, "kind",
            f"{kind} is not allowed: order {snap.order_id} is {snap.state} "
            f"({STATE_LABELS[snap.state]}){closed}; allowed: {allowed}",
        )
    after = snap
    if isinstance(event, PartiallyShippedEvent):
        after, target = _partial(snap, event)
    elif isinstance(event, CancelledEvent):
        if event.refund_jpy > snap.order_value_jpy:
            raise EventRejected(event.event_id, "refund_jpy",
                                f"{event.refund_jpy} yen is more than the order value "
                                f"{snap.order_value_jpy} yen")
    elif isinstance(event, ChoiceEvent):
        after, target = _choice(snap, event)
    elif kind == "shipped":
        after = replace(snap, shipped_quantity=snap.quantity)
    elif isinstance(event, EtaEvent) and event.order_id not in (None, snap.order_id):
        raise EventRejected(event.event_id, "order_id", f"not order {snap.order_id}")
    after = replace(after, state=target)
    return Transition(event.event_id, kind, snap.state, target, after, kind in CLOSING_KINDS)


def _partial(snap: Snapshot, event: PartiallyShippedEvent) -> tuple[Snapshot, OrderState]:
    still_open = snap.quantity - snap.shipped_quantity
    if event.quantity > still_open:
        raise EventRejected(
            event.event_id, "quantity",
            f"a shipment of {event.quantity} is larger than the {still_open} still open "
            f"(ordered {snap.quantity}, shipped {snap.shipped_quantity})",
        )
    shipped = snap.shipped_quantity + event.quantity
    # The last part completes the order: it is shipped, not partially.
    target: OrderState = "shipped" if shipped == snap.quantity else "partially_shipped"
    return replace(snap, shipped_quantity=shipped), target


def _choice(snap: Snapshot, event: ChoiceEvent) -> tuple[Snapshot, OrderState]:
    if snap.choice is not None:
        raise EventRejected(event.event_id, "option",
                            f"order {snap.order_id} already has a choice ({snap.choice})")
    if event.option not in snap.offered_options:
        offered = ", ".join(snap.offered_options) or "none"
        raise EventRejected(event.event_id, "option",
                            f"{event.option} was not offered for order {snap.order_id} "
                            f"(offered: {offered})")
    target = CHOICE_TARGETS.get(event.option, snap.state)
    return replace(snap, choice=event.option), target
