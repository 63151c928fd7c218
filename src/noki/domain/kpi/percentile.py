"""percentile_cont over a histogram (value, count): what PostgreSQL's percentile_cont returns."""

from __future__ import annotations

import math
from collections.abc import Iterable


def percentile_cont(histogram: Iterable[tuple[float, int]], fraction: float) -> float | None:
    """Linear interpolation between the values at ranks floor/ceil of fraction * (n - 1)."""
    rows = sorted((v, c) for v, c in histogram if c > 0)
    n = sum(c for _, c in rows)
    if n == 0:
        return None
    position = fraction * (n - 1)
    low, high = math.floor(position), math.ceil(position)

    def at(rank: int) -> float:
        seen = 0
        for value, count in rows:
            seen += count
            if rank < seen:
                return value
        return rows[-1][0]

    lo = at(low)
    return lo + (position - low) * (at(high) - lo)
