"""The KPI aggregates: one GROUP BY per question over the rollups, the projection and the ledger.

Every query groups by a key: the ISO week (the trend) or a breakdown column over the whole
window (the table). The weeks before the current one come from the rollups
(services.kpi.rollups: sums per group and week kept at each refresh); the current week, cut at
the report day, from kpi_order_facts through its indexes. Nothing here loops over orders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from noki.domain.kpi.weeks import week_end, week_of
from noki.domain.order import TOKYO
from noki.services.kpi import open_stats, percentiles
from noki.services.kpi.dialect import Dialect
from noki.services.kpi.rollups import CLOSED, COHORTS, ORDERED

GROUP_COLUMNS = {"sku": "sku_id", "supplier": "supplier", "industry": "industry",
                 "segment": "segment", "channel": "channel"}
F = "kpi_order_facts"


@dataclass(frozen=True)
class Window:
    """The weeks a report covers and the day it is taken on."""

    weeks: tuple[date, ...]
    today: date

    @property
    def first(self) -> date:
        return self.weeks[0]


def _key(by: str | None) -> str:
    """The projection column a breakdown groups by (a fixed column: never user text)."""
    return "f." + GROUP_COLUMNS[by] if by else "'all'"


def _merge_sums(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with the same key added up (the rollups' weeks and the current week)."""
    out: dict[Any, dict[str, Any]] = {}
    for r in rows:
        got = out.setdefault(r["key"], {"key": r["key"]})
        for k, v in r.items():
            if k != "key":
                got[k] = got.get(k, 0) + int(v or 0)
    return list(out.values())


def _norm(value: Any) -> Any:
    """Dates come back as dates on PostgreSQL and as text on SQLite."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        return date.fromisoformat(value)
    return value


class KpiQueries:
    """The SQL for one database and one window."""

    def __init__(self, s: Session, window: Window):
        self.s = s
        self.w = window
        self.d = Dialect(s.get_bind().dialect.name)
        pg = self.d.postgres
        cur = week_of(window.today)
        start = datetime.combine(window.first, time(), TOKYO).astimezone(UTC)
        monday = datetime.combine(cur, time(), TOKYO).astimezone(UTC)
        end = datetime.combine(window.today + timedelta(days=1), time(), TOKYO).astimezone(UTC)
        self.params: dict[str, Any] = {
            "first": window.first if pg else window.first.isoformat(),
            "today": window.today if pg else window.today.isoformat(),
            "cur": cur if pg else cur.isoformat(),
            "t_start": start if pg else start.strftime("%Y-%m-%d %H:%M:%S"),
            "t_end": end if pg else end.strftime("%Y-%m-%d %H:%M:%S"),
            "t_cur": monday if pg else monday.strftime("%Y-%m-%d %H:%M:%S"),
        }
        self.first, self.today = self.d.date_param("first"), self.d.date_param("today")
        self.cur = self.d.date_param("cur")  # Monday of the report day's week

    def _rows(self, sql: str, extra: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The rows as dicts; a key that is a week comes back as a date on both databases."""
        params = {**self.params, **(extra or {})}
        out = []
        for r in self.s.execute(text(sql), params).mappings():
            row = dict(r)
            row["key"] = _norm(row["key"])
            out.append(row)
        return out

    def _weeks_cte(self) -> tuple[str, dict[str, Any]]:
        parts, params = [], {}
        for i, wk in enumerate(self.w.weeks):
            end = week_end(wk, self.w.today)
            params[f"w{i}"] = wk if self.d.postgres else wk.isoformat()
            params[f"e{i}"] = end if self.d.postgres else end.isoformat()
            parts.append(f"SELECT {self.d.date_param(f'w{i}')} AS wk, "
                         f"{self.d.date_param(f'e{i}')} AS wend")
        return " UNION ALL ".join(parts), params

    # -- the trend: one row per week; the table: one row per group over the window ---------

    def weekly_backlog(self) -> dict[Any, dict[str, Any]]:
        """The backorders open at each week's end: count, yen, days waiting (median, p90, max).

        From the "all" backlog rollup (orders per (ordered_on, closed_on), a few thousand rows)
        laid against each week's end.
        """
        weeks, params = self._weeks_cte()
        hist = (
            f"SELECT w.wk AS key, {self.d.days('w.wend', 'h.ordered_on')} AS val, "
            "SUM(h.c) AS c, SUM(h.v) AS v FROM (" + weeks + ") w JOIN ("
            "SELECT ordered_on, closed_on, SUM(n) AS c, SUM(value_jpy) AS v "
            f"FROM kpi_rollup_backlog WHERE dim = 'all' AND ordered_on <= {self.today} "
            f"AND closed_on >= {self.first} GROUP BY ordered_on, closed_on HAVING SUM(n) > 0"
            ") h ON h.ordered_on <= w.wend AND h.closed_on > w.wend GROUP BY 1, 2")
        found = percentiles.run(self.s, hist, {**self.params, **params}, value=True)
        return {_norm(k): v for k, v in found.items()}

    def cohorts(self, by: str | None) -> list[dict[str, Any]]:
        """Per week (or group over the window): the ordered and the closed cohorts' counts."""
        key = "week" if by is None else "key"
        sums = ", ".join(f"CAST(SUM({c}) AS BIGINT) AS {c}" for c in COHORTS)
        past = self._rows(
            f"SELECT {key} AS key, {sums} FROM kpi_rollup_counts WHERE dim = :dim "
            f"AND week >= {self.first} AND week < {self.cur} GROUP BY {key} "
            "HAVING SUM(ordered) > 0 OR SUM(closed) > 0", {"dim": by or "all"})
        ordered = f"f.ordered_week = {self.cur} AND f.ordered_on <= {self.today}"
        closed = f"f.closed_week = {self.cur} AND f.closed_on <= {self.today}"
        cols = [*(f"SUM(CASE WHEN {ordered} THEN {e} ELSE 0 END) AS {c}"
                  for c, e in ORDERED.items()),
                *(f"SUM(CASE WHEN {closed} THEN {e} ELSE 0 END) AS {c}"
                  for c, e in CLOSED.items())]
        now = self._rows(
            f"SELECT {self.cur if by is None else _key(by)} AS key, {', '.join(cols)} "
            f"FROM {F} f WHERE ({ordered}) OR ({closed}) GROUP BY 1")
        return _merge_sums(past + now)

    def first_contact(self, by: str | None) -> dict[Any, dict[str, Any]]:
        """Median minutes from noki learning of a backorder to its first notice sent."""
        minutes = self.d.minutes("f.first_sent_at", "f.created_at")
        hist = (
            "SELECT key, val, SUM(c) AS c FROM ("
            f"SELECT {'week' if by is None else 'key'} AS key, minutes AS val, n AS c "
            f"FROM kpi_rollup_contact WHERE dim = :dim AND week >= {self.first} "
            f"AND week < {self.cur} UNION ALL "
            f"SELECT {'f.ordered_week' if by is None else _key(by)}, CAST({minutes} AS BIGINT), "
            f"1 FROM {F} f WHERE f.first_sent_at IS NOT NULL AND f.ordered_week = {self.cur} "
            f"AND f.ordered_on <= {self.today}) u GROUP BY key, val HAVING SUM(c) > 0")
        found = percentiles.run(self.s, hist, {**self.params, "dim": by or "all"})
        return {_norm(k): v for k, v in found.items()}

    def compensation(self, by: str | None) -> list[dict[str, Any]]:
        """Yen granted (the ledger) per week granted, or per group over the window.

        The trend reads the ledger (by granted_at); a breakdown the rollups' grants for the
        weeks before the current one and the ledger joined to the projection for this week.
        """
        key = self.d.tokyo_week("g.granted_at") if by is None else _key(by)
        join = "" if by is None else f" JOIN {F} f ON f.order_id = g.order_id"
        t_start = "CAST(:t_start AS TIMESTAMPTZ)" if self.d.postgres else ":t_start"
        t_cur = "CAST(:t_cur AS TIMESTAMPTZ)" if self.d.postgres else ":t_cur"
        t_end = "CAST(:t_end AS TIMESTAMPTZ)" if self.d.postgres else ":t_end"
        now = self._rows(
            f"SELECT {key} AS key, COUNT(*) AS grants, "
            "COALESCE(SUM(g.amount_jpy), 0) AS compensation_jpy "
            f"FROM compensation_grants g{join} WHERE g.granted_at >= "
            f"{t_start if by is None else t_cur} AND g.granted_at < {t_end} GROUP BY 1")
        if by is None:
            return now
        past = self._rows(
            "SELECT key, CAST(SUM(grants) AS BIGINT) AS grants, "
            "SUM(compensation_jpy) AS compensation_jpy FROM kpi_rollup_counts "
            f"WHERE dim = :dim AND week >= {self.first} AND week < {self.cur} "
            "GROUP BY key HAVING SUM(grants) > 0", {"dim": by})
        return _merge_sums(past + now)

    def open_now(self, by: str, *, stats: bool = True) -> dict[Any, dict[str, Any]]:
        """Today's backorders per group: n, yen (value), days waiting median, p90, max.

        From kpi_open_stats (one row per group) when it applies to the report day
        (services.kpi.open_stats), else a histogram: the group's backlog rollup holds the
        orders not closed; orders closed after the report day come from the projection.
        """
        if stats and open_stats.usable(self.s, self.d, self.today, self.params):
            return dict(open_stats.read(self.s, by, self.w.today))
        days = self.d.days(self.today, "ordered_on")
        hist = (
            f"SELECT key, {days} AS val, SUM(c) AS c, SUM(v) AS v FROM ("
            "SELECT key, ordered_on, n AS c, value_jpy AS v FROM kpi_rollup_backlog "
            f"WHERE dim = :dim AND closed_on = {self.d.open_day()} "
            f"AND ordered_on <= {self.today} UNION ALL "
            f"SELECT {_key(by)}, f.ordered_on, 1, f.value_jpy FROM {F} f "
            f"WHERE f.closed_on > {self.today} AND f.ordered_on <= {self.today}) u "
            "GROUP BY 1, 2 HAVING SUM(c) > 0")
        return percentiles.run(self.s, hist, {**self.params, "dim": by}, value=True)
