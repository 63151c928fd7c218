"""The facts of a lifecycle notice (choice, shipment, cancellation, overdue, a quiet follow-up)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any, Literal

NoticeKind = Literal[
    "initial", "eta_change", "followup", "choice_confirmation", "partially_shipped", "shipped",
    "cancelled", "overdue", "answer",
]
KINDS: tuple[str, ...] = ("initial", "eta_change", "followup", "choice_confirmation",
                          "partially_shipped", "shipped", "cancelled", "overdue", "answer")
# Kinds whose text is about a step of the order's life, not a (new) delay.
LIFECYCLE_KINDS: frozenset[str] = frozenset(
    {"choice_confirmation", "partially_shipped", "shipped", "cancelled", "overdue"}
)
# Kinds after which nothing is promised about an arrival date any more.
NO_ETA_KINDS: frozenset[str] = frozenset({"shipped", "cancelled"})


@dataclass(frozen=True)
class LifecycleNotice:
    """What a lifecycle notice states beside the decision: built by the services, pure here.

    `granted` is the compensation ledger ({type: yen or None}) of what earlier notices already
    granted; `nothing_new` marks a follow-up that has nothing new to say; `self_service_url`
    is the customer's signed link (the drafter never signs anything).
    """

    kind: str = "followup"
    state: str = "backordered"
    chosen_option: str | None = None
    quantity: int | None = None  # units in this shipment (partially_shipped)
    shipped_qty: int = 0  # units shipped so far, this shipment included
    ordered_qty: int | None = None
    tracking_number: str | None = None
    carrier: str | None = None
    refund_jpy: int | None = None
    refund_by: date | None = None
    cancel_reason: str | None = None
    previous_eta: tuple[date, date] | None = None  # the window the last notice gave
    granted: dict[str, int | None] = field(default_factory=dict)
    nothing_new: bool = False
    self_service_url: str | None = None

    @property
    def is_lifecycle(self) -> bool:
        """True for the step notices (choice, shipments, cancellation, overdue)."""
        return self.kind in LIFECYCLE_KINDS

    @property
    def remaining_qty(self) -> int | None:
        """Units still to ship (None when the ordered quantity is unknown)."""
        if self.ordered_qty is None:
            return None
        return max(self.ordered_qty - self.shipped_qty, 0)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready facts (kept on the draft so it can be re-checked on the sending day)."""
        out = asdict(self)
        out["refund_by"] = self.refund_by.isoformat() if self.refund_by else None
        out["previous_eta"] = ([d.isoformat() for d in self.previous_eta]
                               if self.previous_eta else None)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LifecycleNotice:
        """The notice back from to_dict(); unknown keys are ignored."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("kind", "followup") not in KINDS:
            raise ValueError(f"kind: expected one of {', '.join(KINDS)}, got {values['kind']!r}")
        try:
            if values.get("refund_by"):
                values["refund_by"] = date.fromisoformat(str(values["refund_by"]))
        except ValueError as exc:
            raise ValueError(
                f"refund_by: expected YYYY-MM-DD, got {values['refund_by']!r}") from exc
        try:
            if values.get("previous_eta"):
                first, last = values["previous_eta"]
                values["previous_eta"] = (date.fromisoformat(str(first)),
                                          date.fromisoformat(str(last)))
        except ValueError as exc:
            raise ValueError("previous_eta: expected [YYYY-MM-DD, YYYY-MM-DD], got "
                             f"{values['previous_eta']!r}") from exc
        values["granted"] = dict(values.get("granted") or {})
        return cls(**values)
