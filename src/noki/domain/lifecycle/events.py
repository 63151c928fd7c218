"""Events from the OMS / WMS / suppliers / customers, validated one by one."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from noki.domain.decision import OptionName
from noki.domain.order import Eta


class _Event(BaseModel):
    """Fields every event has; unknown fields are errors (a typo must not pass)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    event_id: str = Field(min_length=1, max_length=100)
    occurred_at: datetime | None = None
    source: str = Field(default="oms", min_length=1, max_length=40)


class _OrderEvent(_Event):
    order_id: str = Field(min_length=1, max_length=64)


class EtaEvent(_Event):
    """A new arrival window for one order, a SKU or a purchase order."""

    kind: Literal["eta"]
    order_id: str | None = Field(default=None, min_length=1, max_length=64)
    sku_id: str | None = Field(default=None, min_length=1, max_length=64)
    po_ref: str | None = Field(default=None, min_length=1, max_length=64)
    eta: Eta
    as_of: date | None = None

    @model_validator(mode="after")
    def _one_target(self) -> EtaEvent:
        given = [n for n in ("order_id", "sku_id", "po_ref") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of order_id, sku_id or po_ref")
        return self


class AllocatedEvent(_OrderEvent):
    """Stock was reserved for the order (引当)."""

    kind: Literal["allocated"]


class PartiallyShippedEvent(_OrderEvent):
    """Part of the order left the warehouse."""

    kind: Literal["partially_shipped"]
    quantity: int = Field(ge=1)
    tracking_number: str = Field(min_length=1, max_length=60)
    carrier: str | None = Field(default=None, min_length=1, max_length=60)


class ShippedEvent(_OrderEvent):
    """The (rest of the) order left the warehouse."""

    kind: Literal["shipped"]
    tracking_number: str = Field(min_length=1, max_length=60)
    carrier: str = Field(min_length=1, max_length=60)


class CancelledEvent(_OrderEvent):
    """The order was cancelled; the refund (0 when nothing was paid) and when it is paid."""

    kind: Literal["cancelled"]
    reason: str = Field(min_length=1, max_length=200)
    refund_jpy: int = Field(ge=0)
    refund_by: date | None = None


class ChoiceEvent(_OrderEvent):
    """The customer's choice among the options offered (self-service page, phone, e-mail)."""

    kind: Literal["choice"]
    option: OptionName
    chosen_by: Literal["customer", "agent"] = "customer"
    note: str | None = Field(default=None, max_length=500)


Event = Annotated[
    EtaEvent | AllocatedEvent | PartiallyShippedEvent | ShippedEvent | CancelledEvent
    | ChoiceEvent,
    Field(discriminator="kind"),
]
CLOSING_KINDS = frozenset({"shipped", "cancelled"})
_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


class EventError(BaseModel):
    """Why one event was rejected: which one (position and id) and which field."""

    model_config = ConfigDict(frozen=True)

    index: int
    event_id: str | None
    field: str
    message: str

    def __str__(self) -> str:
        who = f"event {self.event_id!r}" if self.event_id else f"event #{self.index + 1}"
        return f"{who}: {self.field}: {self.message}"


def parse_event(raw: Any, index: int = 0) -> Event | list[EventError]:
    """One event, or the errors naming its fields."""
    event_id = raw.get("event_id") if isinstance(raw, dict) else None
    event_id = str(event_id) if event_id is not None else None
    if not isinstance(raw, dict):
        return [EventError(index=index, event_id=None, field="(event)",
                           message="expected a JSON object")]
    try:
        return _ADAPTER.validate_python(raw)
    except ValidationError as exc:
        return [_error(index, event_id, e) for e in exc.errors(include_url=False)]


def parse_events(raws: list[Any]) -> tuple[list[tuple[int, Event]], list[EventError]]:
    """Valid events with their positions, and the errors of the others."""
    good: list[tuple[int, Event]] = []
    bad: list[EventError] = []
    for i, raw in enumerate(raws):
        parsed = parse_event(raw, i)
        if isinstance(parsed, list):
            bad.extend(parsed)
        else:
            good.append((i, parsed))
    return good, bad


def _error(index: int, event_id: str | None, err: Any) -> EventError:
    loc = [str(p) for p in err.get("loc", ())]
    # The discriminated union puts the kind first in the location: drop it.
    if loc and loc[0] in {"eta", "allocated", "partially_shipped", "shipped", "cancelled",
                          "choice"}:
        loc = loc[1:]
    field = ".".join(loc) or "(event)"
    message = err.get("msg", "invalid")
    if err.get("type") == "union_tag_invalid" or err.get("type") == "union_tag_not_found":
        field = "kind"
        message = ("expected one of eta, allocated, partially_shipped, shipped, cancelled, "
                   "choice")
    return EventError(index=index, event_id=event_id, field=field, message=message)
