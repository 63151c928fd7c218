"""Business days: Japanese public holidays plus the company's closing days declared in rules/.

A rule file may hold one `calendar:` section (rules/05_calendar.yaml):

    calendar:
      public_holidays: japan          # 日本の祝日 (jpholiday), or none
      closed_weekdays: [sat, sun]     # 定休日
      closed_days:                    # 会社の休業日
        - 2026-08-14
        - {between: [2026-12-29, 2027-01-03]}
        - {month_day: [12-29, 01-03]}  # 毎年
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import jpholiday

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SEARCH_LIMIT = 400  # a calendar closed for more than a year is an error, not a loop


class CalendarError(ValueError):
    """No business day within a year: the calendar closes everything."""


@dataclass(frozen=True)
class BusinessCalendar:
    """Which days are business days."""

    public_holidays: bool = True
    closed_weekdays: frozenset[int] = frozenset({5, 6})
    closed_days: frozenset[date] = frozenset()
    closed_spans: tuple[tuple[date, date], ...] = ()
    closed_month_days: tuple[tuple[int, int], ...] = ()
    source: str = field(default="", compare=False)

    def is_business_day(self, day: date) -> bool:
        """Open: not a closed weekday, public holiday or company closing day."""
        if day.weekday() in self.closed_weekdays or day in self.closed_days:
            return False
        if self.public_holidays and jpholiday.is_holiday(day):
            return False
        if any(low <= day <= high for low, high in self.closed_spans):
            return False
        md = day.month * 100 + day.day
        return not any(lo <= md <= hi if lo <= hi else (md >= lo or md <= hi)
                       for lo, hi in self.closed_month_days)

    def on_or_after(self, day: date) -> date:
        """The first business day on or after day."""
        for _ in range(_SEARCH_LIMIT):
            if self.is_business_day(day):
                return day
            day += timedelta(days=1)
        raise CalendarError(f"no business day within {_SEARCH_LIMIT} days ({self.source})")

    def add_business_days(self, day: date, count: int) -> date:
        """The count-th business day after day (count 0: day itself if open, else the next)."""
        if count <= 0:
            return self.on_or_after(day)
        for _ in range(count):
            day = self.on_or_after(day + timedelta(days=1))
        return day
