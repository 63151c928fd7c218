"""Median and p90 in SQL on both databases, from a histogram (key, value, count).

PostgreSQL has percentile_cont; SQLite has none. Both have window functions, so the ranks
percentile_cont interpolates between (floor and floor + 1 of fraction * (n - 1)) are found
with a running sum over the histogram, in integer arithmetic; the two neighbouring values come
back and figures.interpolate takes the last step. The numbers equal percentile_cont's (a test
compares them on PostgreSQL).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from noki.domain.kpi.figures import interpolate

# (name, numerator, denominator) of each fraction
FRACTIONS = (("median", 1, 2), ("p90", 9, 10))


def percentiles_sql(histogram_cte: str, value: bool = False) -> str:
    """SELECT key, n, max, and the neighbouring values per fraction, over CTE `hist`.

    value: the histogram also carries a column v (yen) whose sum per key comes back as vsum.
    """
    picks = []
    for name, num, den in FRACTIONS:
        low = f"((n - 1) * {num}) / {den}"
        picks.append(f"MIN(CASE WHEN cum > {low} THEN val END) AS {name}_lo")
        picks.append(f"MIN(CASE WHEN cum > {low} + 1 THEN val END) AS {name}_hi")
        picks.append(f"MAX(((n - 1) * {num}) % {den}) AS {name}_rem")
    return (
        f"WITH hist AS ({histogram_cte}), "
        f"ranked AS (SELECT key, val, c, {'v, ' if value else ''}"
        "CAST(SUM(c) OVER (PARTITION BY key ORDER BY val ROWS BETWEEN UNBOUNDED PRECEDING "
        "AND CURRENT ROW) AS BIGINT) AS cum, "
        "CAST(SUM(c) OVER (PARTITION BY key) AS BIGINT) AS n FROM hist) "
        f"SELECT key, MAX(n) AS n, MAX(val) AS mx, {'SUM(v) AS vsum, ' if value else ''}"
        f"{', '.join(picks)} FROM ranked GROUP BY key"
    )


def run(s: Session, histogram_cte: str, params: dict[str, Any], *, value: bool = False
        ) -> dict[Any, dict[str, Any]]:
    """{key: {n, max, median, p90[, value]}} for every key the histogram has."""
    out: dict[Any, dict[str, Any]] = {}
    for row in s.execute(text(percentiles_sql(histogram_cte, value)), params).mappings():
        found: dict[str, Any] = {"n": int(row["n"]), "max": row["mx"]}
        if value:
            found["value"] = int(row["vsum"] or 0)
        for name, _, den in FRACTIONS:
            found[name] = interpolate(row[f"{name}_lo"], row[f"{name}_hi"],
                                      int(row[f"{name}_rem"]) / den)
        out[row["key"]] = found
    return out
