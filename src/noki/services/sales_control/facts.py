"""Each SKU's facts for the sales-control rules, from the KPI rollups and projection (SQL).

Today's backorders per SKU come from the SKU backlog rollup; the last 28 days' closed orders
from kpi_order_facts through its ordered_on / closed_on indexes; the ETA slips of the last 14
days from kpi_eta_slips (one row per eta_history row whose eta.latest is later than the
order's row before it, kept at projection refresh).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from noki.domain.order import TOKYO
from noki.services.kpi import open_stats, percentiles
from noki.services.kpi.dialect import Dialect, roomy
from noki.services.kpi.rollups import flag

_LOW, _MEDIUM = "eta_confidence = 'low'", "eta_confidence = 'medium'"

WINDOW_DAYS = 28  # rates over the last four weeks
SLIP_DAYS = 14
F = "kpi_order_facts"


def _dates(d: Dialect, values: dict[str, date]) -> dict[str, Any]:
    return {k: (v if d.postgres else v.isoformat()) for k, v in values.items()}


def sku_facts(s: Session, today: date, also: Iterable[str] = ()) -> dict[str, dict[str, Any]]:
    """{sku_id: facts} for SKUs with backorders open or active in the window (and `also`)."""
    d = Dialect(s.get_bind().dialect.name)
    roomy(s)
    p = _dates(d, {"today": today, "from": today - timedelta(days=WINDOW_DAYS - 1),
                   "new_from": today - timedelta(days=SLIP_DAYS - 1)})
    today_sql, from_sql, new_sql = (d.date_param(n) for n in ("today", "from", "new_from"))
    facts: dict[str, dict[str, Any]] = {}

    def row(sku: str) -> dict[str, Any]:
        return facts.setdefault(sku, _empty(sku, today))

    for sku in also:
        row(sku)
    # Today's backorders: the SKU backlog rollup (orders not closed) plus, for a past day,
    # the orders closed after it.
    open_rows = (
        "SELECT key AS sku, ordered_on, n, value_jpy AS v, slipped AS sl, n_low AS lo, "
        f"n_medium AS med FROM kpi_rollup_backlog WHERE dim = 'sku' AND closed_on = "
        f"{d.open_day()} AND ordered_on <= {today_sql} UNION ALL SELECT sku_id, ordered_on, 1, "
        f"value_jpy, {flag('eta_slips > 0')}, {flag(_LOW)}, {flag(_MEDIUM)} FROM {F} "
        f"WHERE closed_on > {today_sql} AND ordered_on <= {today_sql}")
    redelay: dict[str, list[int]] = {}
    fast = open_stats.usable(s, d, today_sql, p)
    if fast:  # one stored row per SKU (services.kpi.open_stats)
        found_open = open_stats.read(s, "sku", today)
        new = {r["key"]: int(r["c"]) for r in s.execute(text(
            "SELECT key, SUM(n) AS c FROM kpi_rollup_backlog WHERE dim = 'sku' AND closed_on = "
            f"{d.open_day()} AND ordered_on >= {new_sql} GROUP BY key"), p).mappings()}
    else:
        found_open = _open_histogram(s, d, open_rows, p)
        new = {k: v.pop("new") for k, v in found_open.items()}
    for sku, o in found_open.items():
        f = row(sku)
        conf = "low" if o["n_low"] else "medium" if o["n_medium"] else "high"
        f.update(open_backorders=o["n"], open_value_jpy=o["value"],
                 new_backorders_14d=new.get(sku, 0), eta_confidence=conf,
                 days_waiting_p90=round(float(o["p90"]), 1), days_waiting_max=int(o["max"]))
        redelay[sku] = [o["n"], o["slipped"]]
    # Closed by today: ordered in the last 28 days (re-delay) or closed in them (cancel).
    recent = f"ordered_on >= {from_sql} AND ordered_on <= {today_sql} AND closed_on <= {today_sql}"
    closed = f"closed_on >= {from_sql} AND closed_on <= {today_sql}"
    for r in s.execute(text(
            f"SELECT sku_id, SUM({flag(recent)}) AS n, SUM({flag(recent + ' AND eta_slips > 0')}) "
            f"AS sl, SUM({flag(closed)}) AS closed, "
            f"SUM({flag(closed + ' AND state = ' + repr('cancelled'))}) AS c "
            f"FROM {F} WHERE ({recent}) OR ({closed}) GROUP BY sku_id"), p).mappings():
        got = redelay.setdefault(r["sku_id"], [0, 0])
        got[0] += int(r["n"])
        got[1] += int(r["sl"])
        if int(r["closed"]):
            f = row(r["sku_id"])
            f["cancel_rate"] = round(100.0 * int(r["c"]) / int(r["closed"]), 1)
            f["closed_28d"] = int(r["closed"])
    for sku, (n, slipped) in redelay.items():
        if n:
            row(sku)["redelay_rate"] = round(100.0 * slipped / n, 1)
    for sku, slips in _slips(s, d, today).items():
        row(sku)["eta_slips_14d"] = slips
    return facts


def _open_histogram(s: Session, d: Dialect, open_rows: str, p: dict[str, Any]
                    ) -> dict[str, dict[str, Any]]:
    """Today's backorders per SKU from their rows (a report day with orders closed after it)."""
    today_sql, new_sql = d.date_param("today"), d.date_param("new_from")
    hist = (f"SELECT sku AS key, {d.days(today_sql, 'ordered_on')} AS val, SUM(n) AS c "
            f"FROM ({open_rows}) u GROUP BY 1, 2 HAVING SUM(n) > 0")
    found = percentiles.run(s, hist, p)
    for r in s.execute(text(
            "SELECT sku, SUM(n) AS n, SUM(v) AS v, SUM(sl) AS sl, SUM(lo) AS lo, "
            f"SUM(med) AS med, SUM(CASE WHEN ordered_on >= {new_sql} THEN n ELSE 0 END) AS new "
            f"FROM ({open_rows}) u GROUP BY sku HAVING SUM(n) > 0"), p).mappings():
        found[r["sku"]].update(n=int(r["n"]), value=int(r["v"]), slipped=int(r["sl"]),
                               n_low=int(r["lo"]), n_medium=int(r["med"]), new=int(r["new"]))
    return found


def _slips(s: Session, d: Dialect, today: date) -> dict[str, int]:
    """ETA slips recorded in the last 14 days (Japan days), per SKU (the order's current SKU).

    kpi_eta_slips holds one row per slip, written when the order is projected.
    """
    start = datetime.combine(today - timedelta(days=SLIP_DAYS - 1), time(), TOKYO)
    end = datetime.combine(today + timedelta(days=1), time(), TOKYO)
    bounds = [t.astimezone(UTC) for t in (start, end)]
    params: dict[str, Any] = {"start": bounds[0], "end": bounds[1]} if d.postgres else {
        "start": bounds[0].strftime("%Y-%m-%d %H:%M:%S"),
        "end": bounds[1].strftime("%Y-%m-%d %H:%M:%S")}
    sql = ("SELECT sku_id AS sku, COUNT(*) AS n FROM kpi_eta_slips "
           "WHERE recorded_at >= :start AND recorded_at < :end GROUP BY sku_id")
    return {r["sku"]: int(r["n"]) for r in s.execute(text(sql), params).mappings()}


def _empty(sku: str, today: date) -> dict[str, Any]:
    return {"sku_id": sku, "as_of": today, "open_backorders": 0, "open_value_jpy": 0,
            "new_backorders_14d": 0, "eta_slips_14d": 0, "redelay_rate": 0.0,
            "cancel_rate": 0.0, "closed_28d": 0, "days_waiting_p90": 0.0, "days_waiting_max": 0,
            "eta_confidence": "none"}
