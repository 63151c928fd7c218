"""The backorder lifecycle: states, events, transitions and the compensation ledger (pure)."""

from noki.domain.lifecycle.events import (
    CLOSING_KINDS,
    AllocatedEvent,
    CancelledEvent,
    ChoiceEvent,
    EtaEvent,
    Event,
    EventError,
    PartiallyShippedEvent,
    ShippedEvent,
    parse_event,
    parse_events,
)
from noki.domain.lifecycle.ledger import Grant, LedgerFacts, grant_for, ledger_facts
from noki.domain.lifecycle.states import (
    CLOSED_STATES,
    OPEN_STATES,
    STATE_LABELS,
    TRANSITIONS,
    EventKind,
    OrderState,
    is_open,
)
from noki.domain.lifecycle.transitions import EventRejected, Snapshot, Transition, apply_event

__all__ = [
    "CLOSED_STATES",
    "CLOSING_KINDS",
    "OPEN_STATES",
    "STATE_LABELS",
    "TRANSITIONS",
    "AllocatedEvent",
    "CancelledEvent",
    "ChoiceEvent",
    "EtaEvent",
    "Event",
    "EventError",
    "EventKind",
    "EventRejected",
    "Grant",
    "LedgerFacts",
    "OrderState",
    "PartiallyShippedEvent",
    "ShippedEvent",
    "Snapshot",
    "Transition",
    "apply_event",
    "grant_for",
    "is_open",
    "ledger_facts",
    "parse_event",
    "parse_events",
]
