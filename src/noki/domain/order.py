"""A backordered order line as it reaches noki (validated input)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

Industry = Literal["ec", "btob", "auto"]
Confidence = Literal["high", "medium", "low"]
Purpose = Literal["gift", "event", "construction", "vehicle_off_road"]
DelayReason = Literal[
    "supplier_delay", "demand_surge", "production_issue", "logistics", "disaster", "quality_hold"
]
ChannelName = Literal["email", "sms"]
ContractTier = Literal["A", "B", "C"]

TOKYO = ZoneInfo("Asia/Tokyo")
# Dates are added to (next update, SLA, penalty days): far-off years would overflow that
# arithmetic, so an order's dates must lie in a range where every computation stays valid.
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2199, 12, 31)
# NUL cannot be stored in PostgreSQL text; other C0 controls are never part of a real field.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _in_range(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"date {value} is out of range; expected {FIRST_DAY} to {LAST_DAY}")
    return value


Day = Annotated[date, AfterValidator(_in_range)]


def today_in_tokyo() -> date:
    """The current calendar date in Japan (the default evaluation date)."""
    return datetime.now(TOKYO).date()


class _Strict(BaseModel):
    """Unknown fields are errors: a typo in an ERP export must not pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: object) -> object:
        for text in value if isinstance(value, tuple) else (value,):
            if isinstance(text, str) and (hit := _CONTROL.search(text)):
                raise ValueError(
                    f"contains the control character U+{ord(hit.group()):04X}; remove it"
                )
        return value


class Eta(_Strict):
    """Expected arrival window (入荷予定日レンジ) and how sure it is."""

    earliest: Day
    latest: Day
    confidence: Confidence = "medium"

    @model_validator(mode="after")
    def _ordered(self) -> Eta:
        if self.latest < self.earliest:
            raise ValueError(
                f"eta.latest ({self.latest}) is before eta.earliest ({self.earliest})"
            )
        return self


class Sku(_Strict):
    """The backordered item."""

    sku_id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    category: str = ""
    substitutes: tuple[str, ...] = ()


class Contract(_Strict):
    """A BtoB supply contract (SLA and delay penalty)."""

    tier: ContractTier
    sla_days: int | None = Field(default=None, ge=0)
    penalty_rate_per_day: float = Field(default=0.0, ge=0)
    penalty_cap_rate: float = Field(default=0.0, ge=0)


class Contact(_Strict):
    """How to reach the customer; empty strings count as absent."""

    email: str | None = None
    phone: str | None = None
    preferred_channel: ChannelName = "email"

    @field_validator("email", "phone", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("email")
    @classmethod
    def _looks_like_email(cls, value: str | None) -> str | None:
        if value is not None and ("@" not in value or value.startswith("@")):
            raise ValueError(f"not an e-mail address: {value!r}")
        return value


class Customer(_Strict):
    """The customer (a person, a company, or a fleet operator)."""

    customer_id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    rank: str = "standard"
    ltv_jpy: int = Field(default=0, ge=0)
    orders_count: int = Field(default=0, ge=0)
    fleet: bool = False
    contract: Contract | None = None
    contact: Contact = Contact()


LifecycleState = Literal[
    "backordered", "allocated", "partially_shipped", "shipped", "cancelled", "substituted"
]


class Status(_Strict):
    """Where the order stands in its lifecycle and what was granted (set by noki, not the ERP)."""

    state: LifecycleState = "backordered"
    choice: str | None = None
    granted_type: str = "none"  # the compensation kind granted last (ledger)
    granted_jpy: int = Field(default=0, ge=0)  # yen granted under that kind so far


class Order(_Strict):
    """One backordered order line."""

    order_id: str = Field(min_length=1)
    industry: Industry
    channel: str = "web"
    as_of: Day = Field(default_factory=today_in_tokyo)
    ordered_at: Day
    promised_date: Day
    eta: Eta
    # The ETA told in the previous notice, when there was one (says what changed).
    previous_eta: Eta | None = None
    reschedule_count: int = Field(default=0, ge=0)
    delay_reason: DelayReason
    need_by: Day | None = None
    purpose: Purpose | None = None
    quantity: int = Field(ge=1)
    unit_price_jpy: int = Field(ge=0)
    partial_available: bool = False
    partial_allowed: bool = False
    sku: Sku
    customer: Customer
    # Filled in from the database before deciding; the ERP's document leaves it out.
    status: Status | None = None

    @property
    def order_value_jpy(self) -> int:
        """Quantity times unit price."""
        return self.quantity * self.unit_price_jpy
