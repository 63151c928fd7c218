"""Read the `calendar:` section of the rule files into a BusinessCalendar (see calendar.py)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from noki.rules.calendar import WEEKDAYS, BusinessCalendar
from noki.rules.parse_fields import Errors, as_date, as_month_day, line_of_key
from noki.rules.schema import _Strict, validate_spec
from noki.rules.yaml_lines import LineDict, LineList

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _weekend() -> list[Weekday]:
    return ["sat", "sun"]


class CalendarSpec(_Strict):
    """The shape of a `calendar:` section."""

    public_holidays: Literal["japan", "none"] = "japan"
    closed_weekdays: list[Weekday] = Field(default_factory=_weekend)
    closed_days: list[Any] = Field(default_factory=list)



def parse_calendar(docs: dict[str, Any]) -> tuple[BusinessCalendar, list[Errors]]:
    """The calendar declared in the rule files (default: public holidays, Sat and Sun)."""
    reports: list[Errors] = []
    found: BusinessCalendar | None = None
    for name, doc in docs.items():
        section = doc.get("calendar")
        if section is None:
            continue
        err = Errors(name)
        reports.append(err)
        line = line_of_key(doc, "calendar")
        if found is not None:
            err.add(line, f"calendar: already declared in {found.source}")
            continue
        spec = validate_spec(CalendarSpec, section, "calendar", err.add)
        if spec is None:
            continue
        days, spans, month_days = _closed(section.get("closed_days"), err)
        found = BusinessCalendar(
            spec.public_holidays == "japan",
            frozenset(WEEKDAYS.index(w) for w in spec.closed_weekdays),
            frozenset(days), tuple(spans), tuple(month_days), f"{name}:{line}")
        if len(found.closed_weekdays) == 7:
            err.add(line, "calendar: every weekday is closed")
    return found or BusinessCalendar(source="default"), reports


def _closed(node: Any, err: Errors) -> tuple[list[date], list[tuple[date, date]],
                                              list[tuple[int, int]]]:
    days: list[date] = []
    spans: list[tuple[date, date]] = []
    month_days: list[tuple[int, int]] = []
    items = node if isinstance(node, LineList) else LineList()
    for i, item in enumerate(items):
        line = items.item_lines[i]
        day = as_date(item)
        if day is not None:
            days.append(day)
            continue
        if isinstance(item, LineDict) and len(item) == 1:
            op, pair = next(iter(item.items()))
            if op == "between" and isinstance(pair, list) and len(pair) == 2:
                low, high = as_date(pair[0]), as_date(pair[1])
                if low and high and low <= high:
                    spans.append((low, high))
                    continue
            if op == "month_day" and isinstance(pair, list) and len(pair) == 2:
                lo, hi = as_month_day(pair[0]), as_month_day(pair[1])
                if lo and hi:
                    month_days.append((lo, hi))
                    continue
        err.add(line, f"calendar closed_days: expected a date (2026-12-31), "
                f"{{between: [2026-12-29, 2027-01-03]}} or {{month_day: [12-29, 01-03]}}, "
                f"got {item!r}")
    return days, spans, month_days
