"""The scope of an ETA event: which key it matches, how many open orders, and when to refuse."""

from __future__ import annotations

from dataclasses import dataclass

from noki.services.errors import Invalid

# Default for Settings.eta_event_max_orders: a larger event needs confirm_scope=true.
ETA_SCOPE_LIMIT = 100


@dataclass
class EtaScope:
    """What an event touches: `key` = `value` over `matched` open orders."""

    key: str
    value: str
    matched: int = 0

    def as_json(self) -> dict[str, object]:
        """The scope as the API reports it."""
        return {"key": self.key, "value": self.value, "open_orders": self.matched}


class ScopeTooLarge(Invalid):
    """The event would rewrite more open orders than allowed without confirmation."""

    def __init__(self, scope: EtaScope, limit: int) -> None:
        super().__init__(
            f"{scope.key}={scope.value!r} matches {scope.matched} open orders, more than "
            f"{limit}; send confirm_scope=true to apply the event to all of them"
        )
        self.scope, self.limit = scope, limit


def event_key(*, sku_id: str | None, po_ref: str | None) -> tuple[str, str]:
    """The one non-empty key of an event: ("sku_id" | "po_ref", value); Invalid otherwise."""
    given = {
        k: v.strip() for k, v in (("sku_id", sku_id), ("po_ref", po_ref)) if v is not None
    }
    if len(given) != 1:
        raise Invalid("give exactly one of sku_id or po_ref")
    (key, value), = given.items()
    if not value:
        raise Invalid(f"{key} is empty; give the SKU or purchase order the new ETA is for")
    return key, value
