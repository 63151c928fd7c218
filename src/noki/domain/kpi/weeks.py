"""ISO weeks (Monday to Sunday) and the window of weeks a report covers."""

from __future__ import annotations

from datetime import date, timedelta

DEFAULT_WEEKS = 12


def week_of(day: date) -> date:
    """The Monday of the ISO week that contains day."""
    return day - timedelta(days=day.weekday())


def week_end(week: date, today: date) -> date:
    """The last day a week's snapshot is taken on: its Sunday, or today for the current week."""
    return min(week + timedelta(days=6), today)


def window(today: date, since: date | None = None, weeks: int = DEFAULT_WEEKS) -> list[date]:
    """The Mondays from since's week (default: weeks-1 weeks back) up to today's week."""
    last = week_of(today)
    first = week_of(since) if since is not None else last - timedelta(weeks=weeks - 1)
    if first > last:
        raise ValueError(f"--since {since} lies after today ({today})")
    return [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]


def iso_label(week: date) -> str:
    """2026-W48 for a Monday."""
    year, number, _ = week.isocalendar()
    return f"{year}-W{number:02d}"
