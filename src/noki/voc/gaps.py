"""Weekly series, trend direction, spike detection and the flagging rule."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence

from noki.voc.models import Spike, Trend, WeekPoint

MIN_COUNT = 5
MIN_SHARE = 0.03
RECENT_WEEKS = 2
EARLIER_WEEKS = 6
BASELINE_WEEKS = 4
SPIKE_MIN_COUNT = 5
SPIKE_RATIO = 2.0
SPIKE_Z = 3.0


def week_of(day: dt.date) -> dt.date:
    """Monday of the ISO week containing day."""
    return day - dt.timedelta(days=day.weekday())


def all_weeks(dates: Sequence[dt.date]) -> list[dt.date]:
    """Every week from the first to the last voice, gaps filled."""
    if not dates:
        return []
    first, last = week_of(min(dates)), week_of(max(dates))
    return [first + dt.timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]


def weekly(member_weeks: Sequence[dt.date], weeks: Sequence[dt.date],
           totals: Counter[dt.date]) -> list[WeekPoint]:
    """Counts per week, normalised by that week's volume (weeks of unequal size compare)."""
    counts = Counter(member_weeks)
    return [WeekPoint(week=w, count=counts[w], share=round(counts[w] / totals[w], 4)
                      if totals[w] else 0.0) for w in weeks]


def _share(points: Sequence[WeekPoint], totals: Counter[dt.date]) -> tuple[int, int]:
    return sum(p.count for p in points), sum(totals[p.week] for p in points)


def trend(points: list[WeekPoint], totals: Counter[dt.date]) -> Trend:
    """Direction of the last two weeks' share against the six weeks before."""
    if len(points) < RECENT_WEEKS + 1:
        return Trend(direction="insufficient", weekly=points)
    recent_n, recent_tot = _share(points[-RECENT_WEEKS:], totals)
    early_n, early_tot = _share(points[-RECENT_WEEKS - EARLIER_WEEKS:-RECENT_WEEKS], totals)
    recent = recent_n / recent_tot if recent_tot else 0.0
    earlier = early_n / early_tot if early_tot else 0.0
    if recent_n + early_n < MIN_COUNT:
        return Trend(direction="stable", weekly=points)
    if earlier == 0:
        return Trend(direction="new", weekly=points)
    change = recent / earlier
    direction = "rising" if change >= 1.3 else "falling" if change <= 0.7 else "stable"
    return Trend(direction=direction, change=round(change, 2), weekly=points)


def spikes(points: Sequence[WeekPoint], totals: Counter[dt.date], *, kind: str, key: str,
           label: str) -> list[Spike]:
    """Weeks whose count is at least double the volume-adjusted recent baseline (and z >= 3)."""
    out = []
    for i in range(3, len(points)):  # at least three weeks of history
        base = points[max(0, i - BASELINE_WEEKS):i]
        base_n, base_tot = _share(base, totals)
        point = points[i]
        expected = base_n / base_tot * totals[point.week] if base_tot else 0.0
        floor = max(expected, 1.0)
        if (point.count >= SPIKE_MIN_COUNT and point.count >= SPIKE_RATIO * floor
                and (point.count - expected) / math.sqrt(floor) >= SPIKE_Z):
            out.append(Spike(kind=kind, key=key, label=label, week=point.week, count=point.count,
                             baseline=round(expected, 2), ratio=round(point.count / floor, 2)))
    return out


def is_flagged(count: int, n_voices: int, covered_by: Sequence[str], *,
               min_count: int = MIN_COUNT, min_share: float = MIN_SHARE) -> bool:
    """Frequent enough (>= 5 voices and >= 3%) and explained by nothing we publish."""
    share = count / n_voices if n_voices else 0.0
    return count >= min_count and share >= min_share and not covered_by


def is_explained_not_working(count: int, n_voices: int, covered_by: Sequence[str], direction: str,
                             *, min_count: int = MIN_COUNT, min_share: float = MIN_SHARE) -> bool:
    """Frequent, explained by something we publish, and still rising: the explanation fails."""
    share = count / n_voices if n_voices else 0.0
    return (count >= min_count and share >= min_share and bool(covered_by)
            and direction in ("rising", "new"))
