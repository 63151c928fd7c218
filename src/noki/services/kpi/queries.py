"""The KPI aggregates: one GROUP BY per question over kpi_order_facts and the ledger.

Every query groups by a key: the ISO week (the trend) or a breakdown column over the whole
window (the table). Nothing here loops over orders in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from noki.domain.kpi.definitions import OPTIONS
from noki.domain.kpi.weeks import week_end
from noki.domain.order import TOKYO
from noki.services.kpi import percentiles
from noki.services.kpi.dialect import Dialect

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
    """The SQL expression a breakdown groups by (a fixed column: never user text)."""
    return GROUP_COLUMNS[by] if by else "'all'"


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
        start = datetime.combine(window.first, time(), TOKYO).astimezone(UTC)
        end = datetime.combine(window.today + timedelta(days=1), time(), TOKYO).astimezone(UTC)
        self.params: dict[str, Any] = {
            "first": window.first if pg else window.first.isoformat(),
            "today": window.today if pg else window.today.isoformat(),
            "t_start": start if pg else start.strftime("%Y-%m-%d %H:%M:%S"),
            "t_end": end if pg else end.strftime("%Y-%m-%d %H:%M:%S"),
        }
        self.first, self.today = self.d.date_param("first"), self.d.date_param("today")

    def _rows(self, sql: str, extra: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        params = {**self.params, **(extra or {})}
        return [{k: _norm(v) for k, v in r.items()}
                for r in self.s.execute(text(sql), params).mappings()]

    def _weeks_cte(self) -> tuple[str, dict[str, Any]]:
        parts, params = [], {}
        for i, wk in enumerate(self.w.weeks):
            end = week_end(wk, self.w.today)
            params[f"w{i}"] = wk if self.d.postgres else wk.isoformat()
            params[f"e{i}"] = end if self.d.postgres else end.isoformat()
            parts.append(f"SELECT {self.d.date_param(f'w{i}')} AS wk, "
                         f"{self.d.date_param(f'e{i}')} AS wend")
        return " UNION ALL ".join(parts), params

    # -- the trend: one row per week -------------------------------------------------------

    def weekly_backlog(self) -> dict[Any, dict[str, Any]]:
        """The backorders open at each week's end: count, yen, days waiting (median, p90, max).

        One scan: the orders collapse to (ordered_on, closed_on) pairs first (a few thousand),
        which are then laid against each week's end.
        """
        weeks, params = self._weeks_cte()
        hist = (
            f"SELECT w.wk AS key, {self.d.days('w.wend', 'h.ordered_on')} AS val, "
            "SUM(h.c) AS c, SUM(h.v) AS v FROM (" + weeks + ") w JOIN ("
            f"SELECT ordered_on, closed_on, COUNT(*) AS c, SUM(value_jpy) AS v FROM {F} "
            f"WHERE ordered_on <= {self.today} AND (closed_on IS NULL OR closed_on >= {self.first})"
            " GROUP BY ordered_on, closed_on) h ON h.ordered_on <= w.wend "
            "AND (h.closed_on IS NULL OR h.closed_on > w.wend) GROUP BY 1, 2")
        found = percentiles.run(self.s, hist, {**self.params, **params}, value=True)
        return {_norm(k): v for k, v in found.items()}

    def group_counts(self, by: str) -> list[dict[str, Any]]:
        """Per group in one scan: today's backlog, the window's ordered and closed cohorts."""
        today, first = self.today, self.first
        ordered = f"(ordered_week >= {first} AND ordered_on <= {today})"
        closed = f"(closed_week >= {first} AND closed_on <= {today})"
        is_open = f"(ordered_on <= {today} AND (closed_on IS NULL OR closed_on > {today}))"
        shipped = f"{closed} AND state = 'shipped'"
        promised = f"{shipped} AND communicated_latest IS NOT NULL"

        def n(cond: str) -> str:
            return f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)"

        options = []
        for o in OPTIONS:
            offer = f"{ordered} AND offered LIKE '%,{o},%'"
            options.append(f"{n(offer)} AS offered_{o}, {n(offer + f' AND choice = {o!r}')} "
                           f"AS chosen_{o}")
        return self._rows(
            f"SELECT {_key(by)} AS key, {n(is_open)} AS open_count, "
            f"SUM(CASE WHEN {is_open} THEN value_jpy ELSE 0 END) AS open_value_jpy, "
            f"{n(ordered)} AS ordered, {n(ordered + ' AND eta_slips > 0')} AS slipped, "
            f"{n(ordered + ' AND first_sent_at IS NOT NULL')} AS contacted, "
            f"{n(closed)} AS closed, {n(closed + ' AND state = ' + repr('cancelled'))} AS "
            f"cancelled, {n(closed + ' AND partial')} AS partial, {n(shipped)} AS shipped, "
            f"{n(promised)} AS promised, "
            f"{n(promised + ' AND closed_on <= communicated_latest')} AS on_time, "
            + ", ".join(options) +
            f" FROM {F} WHERE {ordered} OR {closed} OR {is_open} GROUP BY 1")

    def ordered_cohort(self, by: str | None) -> list[dict[str, Any]]:
        """Per week ordered (or per group over the window): slips, substitutes, options."""
        key = "ordered_week" if by is None else _key(by)
        offered = [
            f"SUM(CASE WHEN offered LIKE '%,{o},%' THEN 1 ELSE 0 END) AS offered_{o}, "
            f"SUM(CASE WHEN offered LIKE '%,{o},%' AND choice = '{o}' THEN 1 ELSE 0 END) "
            f"AS chosen_{o}" for o in OPTIONS]
        return self._rows(
            f"SELECT {key} AS key, COUNT(*) AS ordered, "
            "SUM(CASE WHEN eta_slips > 0 THEN 1 ELSE 0 END) AS slipped, "
            "SUM(CASE WHEN first_sent_at IS NOT NULL THEN 1 ELSE 0 END) AS contacted, "
            + ", ".join(offered) +
            f" FROM {F} WHERE ordered_week >= {self.first} AND ordered_on <= {self.today} "
            "GROUP BY 1")

    def first_contact(self, by: str | None) -> dict[Any, dict[str, Any]]:
        """Median minutes from noki learning of a backorder to its first notice sent."""
        key = "ordered_week" if by is None else _key(by)
        hist = (f"SELECT {key} AS key, {self.d.minutes('first_sent_at', 'created_at')} AS val, "
                f"COUNT(*) AS c FROM {F} WHERE first_sent_at IS NOT NULL "
                f"AND ordered_week >= {self.first} AND ordered_on <= {self.today} GROUP BY 1, 2")
        return {_norm(k): v for k, v in percentiles.run(self.s, hist, self.params).items()}

    def closed_cohort(self, by: str | None) -> list[dict[str, Any]]:
        """Per week closed (or per group): cancelled, partial, shipped within the told ETA."""
        key = "closed_week" if by is None else _key(by)
        shipped = "state = 'shipped'"
        promised = f"{shipped} AND communicated_latest IS NOT NULL"
        return self._rows(
            f"SELECT {key} AS key, COUNT(*) AS closed, "
            "SUM(CASE WHEN state = 'cancelled' THEN 1 ELSE 0 END) AS cancelled, "
            "SUM(CASE WHEN partial THEN 1 ELSE 0 END) AS partial, "
            f"SUM(CASE WHEN {shipped} THEN 1 ELSE 0 END) AS shipped, "
            f"SUM(CASE WHEN {promised} THEN 1 ELSE 0 END) AS promised, "
            f"SUM(CASE WHEN {promised} AND closed_on <= communicated_latest THEN 1 ELSE 0 END)"
            f" AS on_time FROM {F} WHERE closed_week >= {self.first} "
            f"AND closed_on <= {self.today} GROUP BY 1")

    def compensation(self, by: str | None) -> list[dict[str, Any]]:
        """Yen granted (the ledger) per week granted, or per group over the window."""
        key = self.d.tokyo_week("g.granted_at") if by is None else "f." + _key(by)
        join = "" if by is None else f" JOIN {F} f ON f.order_id = g.order_id"
        t_start = "CAST(:t_start AS TIMESTAMPTZ)" if self.d.postgres else ":t_start"
        t_end = "CAST(:t_end AS TIMESTAMPTZ)" if self.d.postgres else ":t_end"
        return self._rows(
            f"SELECT {key} AS key, COUNT(*) AS grants, "
            "COALESCE(SUM(g.amount_jpy), 0) AS compensation_jpy "
            f"FROM compensation_grants g{join} WHERE g.granted_at >= {t_start} "
            f"AND g.granted_at < {t_end} GROUP BY 1")

    # -- the table: one row per group, the backlog as of today --------------------------------

    def waiting_now(self, by: str | None) -> dict[Any, dict[str, Any]]:
        """Days waiting of today's backorders per group: percentile_cont on PostgreSQL."""
        days = self.d.days(self.today, "ordered_on")
        where = (f"FROM {F} WHERE ordered_on <= {self.today} "
                 f"AND (closed_on IS NULL OR closed_on > {self.today})")
        if not self.d.postgres:
            hist = f"SELECT {_key(by)} AS key, {days} AS val, COUNT(*) AS c {where} GROUP BY 1, 2"
            return percentiles.run(self.s, hist, self.params)
        rows = self._rows(
            f"SELECT {_key(by)} AS key, COUNT(*) AS n, MAX({days}) AS mx, "
            f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {days}) AS median, "
            f"percentile_cont(0.9) WITHIN GROUP (ORDER BY {days}) AS p90 {where} GROUP BY 1")
        return {r["key"]: {"n": r["n"], "max": r["mx"], "median": r["median"], "p90": r["p90"]}
                for r in rows}
