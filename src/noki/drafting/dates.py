"""The dates a notice states: the arrival window from today on, and the customer's own date."""

from __future__ import annotations

from datetime import date, timedelta

from noki.domain.order import Order
from noki.drafting.settings import NoticeSettings


def effective_eta(order: Order, today: date | None = None) -> tuple[date, date]:
    """The arrival window as it may be written today: it never starts before tomorrow."""
    day = today or order.as_of
    tomorrow = day + timedelta(days=1)
    first = max(order.eta.earliest, tomorrow)
    last = max(order.eta.latest, first)
    return first, last


def eta_overdue(order: Order, today: date | None = None) -> bool:
    """The whole arrival window lies before tomorrow (overdue: the lifecycle issue's case)."""
    return order.eta.latest <= (today or order.as_of)


def lead_kind(order: Order) -> str:
    """Which lead time applies: vehicle, parts (auto), btob or ec."""
    if order.industry == "auto":
        return "vehicle" if order.sku.category == "vehicle" else "parts"
    return order.industry


def _add(day: date, days: int, business: bool) -> date:
    if not business:
        return day + timedelta(days=days)
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def customer_window(
    order: Order, settings: NoticeSettings, today: date | None = None
) -> tuple[date, date]:
    """お届け予定 (EC), 納品予定日 (BtoB), 納車予定 / お渡し予定 (auto) from the arrival window."""
    first, last = effective_eta(order, today)
    kind = lead_kind(order)
    days = settings.lead_days.get(kind, 0)
    business = settings.btob_business_days and kind == "btob"
    return _add(first, days, business), _add(last, days, business)
