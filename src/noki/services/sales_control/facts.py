"""Each SKU's facts for the sales-control rules, from the KPI projection and ETA history (SQL).

One GROUP BY per fact family over kpi_order_facts; the ETA slips of the last 14 days come
from eta_history (a slip is a row whose eta.latest is later than the order's row before it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from noki.domain.order import TOKYO
from noki.services.kpi import percentiles
from noki.services.kpi.dialect import Dialect

WINDOW_DAYS = 28  # rates over the last four weeks
SLIP_DAYS = 14
F = "kpi_order_facts"


def _dates(d: Dialect, values: dict[str, date]) -> dict[str, Any]:
    return {k: (v if d.postgres else v.isoformat()) for k, v in values.items()}


def sku_facts(s: Session, today: date, also: Iterable[str] = ()) -> dict[str, dict[str, Any]]:
    """{sku_id: facts} for SKUs with backorders open or active in the window (and `also`)."""
    d = Dialect(s.get_bind().dialect.name)
    p = _dates(d, {"today": today, "from": today - timedelta(days=WINDOW_DAYS - 1),
                   "new_from": today - timedelta(days=SLIP_DAYS - 1)})
    today_sql, from_sql, new_sql = (d.date_param(n) for n in ("today", "from", "new_from"))
    open_rows = f"ordered_on <= {today_sql} AND (closed_on IS NULL OR closed_on > {today_sql})"
    facts: dict[str, dict[str, Any]] = {}

    def row(sku: str) -> dict[str, Any]:
        return facts.setdefault(sku, _empty(sku, today))

    for sku in also:
        row(sku)
    for r in s.execute(text(
            f"SELECT sku_id, COUNT(*) AS n, SUM(value_jpy) AS v, MIN(CASE eta_confidence "
            "WHEN 'low' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END) AS conf, "
            f"SUM(CASE WHEN ordered_on >= {new_sql} THEN 1 ELSE 0 END) AS new "
            f"FROM {F} WHERE {open_rows} GROUP BY sku_id"), p).mappings():
        f = row(r["sku_id"])
        f.update(open_backorders=int(r["n"]), open_value_jpy=int(r["v"]),
                 new_backorders_14d=int(r["new"]),
                 eta_confidence=("low", "medium", "high")[int(r["conf"])])
    for r in s.execute(text(
            f"SELECT sku_id, COUNT(*) AS n, SUM(CASE WHEN eta_slips > 0 THEN 1 ELSE 0 END) AS sl "
            f"FROM {F} WHERE ordered_on <= {today_sql} AND (ordered_on >= {from_sql} OR "
            f"closed_on IS NULL OR closed_on > {today_sql}) GROUP BY sku_id"), p).mappings():
        row(r["sku_id"])["redelay_rate"] = round(100.0 * int(r["sl"]) / int(r["n"]), 1)
    for r in s.execute(text(
            "SELECT sku_id, COUNT(*) AS n, "
            "SUM(CASE WHEN state = 'cancelled' THEN 1 ELSE 0 END) AS c "
            f"FROM {F} WHERE closed_on >= {from_sql} AND closed_on <= {today_sql} "
            "GROUP BY sku_id"), p).mappings():
        f = row(r["sku_id"])
        f["cancel_rate"] = round(100.0 * int(r["c"]) / int(r["n"]), 1)
        f["closed_28d"] = int(r["n"])
    hist = (f"SELECT sku_id AS key, {d.days(today_sql, 'ordered_on')} AS val, COUNT(*) AS c "
            f"FROM {F} WHERE {open_rows} GROUP BY 1, 2")
    for sku, found in percentiles.run(s, hist, p).items():
        f = row(sku)
        f["days_waiting_p90"] = round(float(found["p90"]), 1)
        f["days_waiting_max"] = int(found["max"])
    for sku, slips in _slips(s, d, today).items():
        row(sku)["eta_slips_14d"] = slips
    return facts


def _slips(s: Session, d: Dialect, today: date) -> dict[str, int]:
    """ETA slips recorded in the last 14 days, per SKU (the order's current SKU)."""
    start = datetime.combine(today - timedelta(days=SLIP_DAYS - 1), time(), TOKYO)
    end = datetime.combine(today + timedelta(days=1), time(), TOKYO)
    bounds = [t.astimezone(UTC) for t in (start, end)]
    params: dict[str, Any] = {"start": bounds[0], "end": bounds[1]} if d.postgres else {
        "start": bounds[0].strftime("%Y-%m-%d %H:%M:%S"),
        "end": bounds[1].strftime("%Y-%m-%d %H:%M:%S")}
    sql = (
        "WITH recent AS (SELECT DISTINCT order_id FROM eta_history "
        "WHERE recorded_at >= :start AND recorded_at < :end), "
        "seq AS (SELECT h.order_id, h.recorded_at, h.latest, LAG(h.latest) OVER "
        "(PARTITION BY h.order_id ORDER BY h.id) AS before FROM eta_history h "
        "JOIN recent r ON r.order_id = h.order_id) "
        f"SELECT f.sku_id AS sku, COUNT(*) AS n FROM seq JOIN {F} f ON f.order_id = seq.order_id "
        "WHERE seq.before IS NOT NULL AND seq.latest > seq.before "
        "AND seq.recorded_at >= :start AND seq.recorded_at < :end GROUP BY f.sku_id")
    return {r["sku"]: int(r["n"]) for r in s.execute(text(sql), params).mappings()}


def _empty(sku: str, today: date) -> dict[str, Any]:
    return {"sku_id": sku, "as_of": today, "open_backorders": 0, "open_value_jpy": 0,
            "new_backorders_14d": 0, "eta_slips_14d": 0, "redelay_rate": 0.0,
            "cancel_rate": 0.0, "closed_28d": 0, "days_waiting_p90": 0.0, "days_waiting_max": 0,
            "eta_confidence": "none"}
