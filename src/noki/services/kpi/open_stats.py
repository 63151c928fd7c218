"""Each group's open backorders in one row (kpi_open_stats), for today's days waiting.

Days waiting on day T are T - ordered_on, so their order is the order days' reversed and the
ranks percentile_cont interpolates between do not depend on T: the refresh stores, per group,
the order days at those ranks (from the backlog rollup, orders not closed), and a report turns
them into days. That holds when the orders open on T are exactly the orders not closed: none
closed after T (a report on a past day) and none ordered after T. `usable` checks both with
two index probes; otherwise the callers take the histogram path over the backlog rollup.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from noki.domain.kpi.figures import interpolate
from noki.services.kpi.dialect import Dialect
from noki.services.kpi.percentiles import FRACTIONS

SUMS = ("n", "value_jpy", "slipped", "n_low", "n_medium")


def _insert(d: Dialect, where: str) -> str:
    picks = []
    for _name, num, den in FRACTIONS:
        low = f"((tot - 1) * {num}) / {den}"
        picks += [f"MAX(CASE WHEN cum > {low} THEN ordered_on END)",
                  f"MAX(CASE WHEN cum > {low} + 1 THEN ordered_on END)",
                  f"MAX(((tot - 1) * {num}) % {den})"]
    cols = [f"{name}_{part}" for name, _, _ in FRACTIONS for part in ("lo", "hi", "rem")]
    return (
        f"INSERT INTO kpi_open_stats (dim, key, {', '.join(SUMS)}, oldest, {', '.join(cols)}) "
        "SELECT dim, key, " + ", ".join(f"SUM({c})" for c in SUMS) + ", MIN(ordered_on), "
        + ", ".join(picks) + " FROM (SELECT b.*, "
        "CAST(SUM(n) OVER (PARTITION BY dim, key ORDER BY ordered_on DESC ROWS BETWEEN "
        "UNBOUNDED PRECEDING AND CURRENT ROW) AS BIGINT) AS cum, "
        "CAST(SUM(n) OVER (PARTITION BY dim, key) AS BIGINT) AS tot "
        f"FROM kpi_rollup_backlog b WHERE dim <> 'all' AND closed_on = {d.open_day()} "
        f"AND n > 0 AND {where}) r GROUP BY dim, key")


def rebuild(s: Session) -> None:
    """Every group's row again from the backlog rollup."""
    d = Dialect(s.get_bind().dialect.name)
    s.execute(text("DELETE FROM kpi_open_stats"))
    s.execute(text(_insert(d, "1 = 1")))


def restat(s: Session, touched: dict[str, set[str]]) -> None:
    """The rows of the groups whose orders a refresh re-projected, again."""
    d = Dialect(s.get_bind().dialect.name)
    for dim, keys in touched.items():
        if dim == "all" or not keys:
            continue
        params = {"dim": dim, "keys": sorted(keys)}
        s.execute(text("DELETE FROM kpi_open_stats WHERE dim = :dim AND key IN :keys")
                  .bindparams(bindparam("keys", expanding=True)), params)
        s.execute(text(_insert(d, "dim = :dim AND key IN :keys"))
                  .bindparams(bindparam("keys", expanding=True)), params)


def usable(s: Session, d: Dialect, today_sql: str, params: dict[str, Any]) -> bool:
    """No order closed after the report day, none open with a later order day."""
    later = s.execute(text(
        f"SELECT 1 FROM kpi_order_facts WHERE closed_on > {today_sql}"), params).first()
    ahead = s.execute(text(
        "SELECT 1 FROM kpi_rollup_backlog WHERE dim = 'all' AND key = 'all' "
        f"AND closed_on = {d.open_day()} AND ordered_on > {today_sql} AND n > 0"),
        params).first()
    return later is None and ahead is None


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def read(s: Session, dim: str, today: date) -> dict[str, dict[str, Any]]:
    """{key: {n, value, slipped, n_low, n_medium, max, median, p90}} (days waiting on today)."""
    out: dict[str, dict[str, Any]] = {}
    for r in s.execute(text("SELECT * FROM kpi_open_stats WHERE dim = :dim AND n > 0"),
                       {"dim": dim}).mappings():
        oldest = _day(r["oldest"])
        assert oldest is not None
        found: dict[str, Any] = {c: int(r[c]) for c in SUMS}
        found["value"] = found["value_jpy"]
        found["max"] = (today - oldest).days
        for name, _, den in FRACTIONS:
            lo, hi = _day(r[f"{name}_lo"]), _day(r[f"{name}_hi"])
            found[name] = interpolate(None if lo is None else (today - lo).days,
                                      None if hi is None else (today - hi).days,
                                      int(r[f"{name}_rem"]) / den)
        out[r["key"]] = found
    return out
