"""The one entry point the rest of noki uses to decide an order."""

from __future__ import annotations

from noki.domain.decision import Decision
from noki.domain.order import Order


def decide(order: Order) -> Decision:
    """Decide one order with the current rule set."""
    # Interim: backed by the reference policy until the durable-rules engine lands.
    from noki.rules.reference import decide_reference

    return decide_reference(order)
