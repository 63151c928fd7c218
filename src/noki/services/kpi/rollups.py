"""Keep the KPI rollups (noki.db.models_kpi_rollups) equal to sums over kpi_order_facts.

One SQL statement per rollup adds (sign +1) or subtracts (sign -1) the projection rows of some
orders (and their ledger lines, copied to kpi_order_grants): the refresh subtracts an order's
old rows before replacing them and adds the new ones, in its transaction and under its lock;
`rebuild` empties the rollups and adds every row. The column expressions here are the KPI
definitions (docs/kpi.md); queries.py reuses them for the part of the window the rollups do
not cover (the current week).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, text
from sqlalchemy.orm import Session

from noki.db import table
from noki.db.clock import utcnow
from noki.db.models_kpi import KpiRefreshMark
from noki.db.models_kpi_rollups import ZERO, KpiEtaSlip
from noki.domain.kpi.definitions import OPTIONS
from noki.services.kpi import open_stats
from noki.services.kpi.dialect import Dialect

F = "kpi_order_facts"
MARK = "rollups"  # kpi_refresh_marks row: the rollups were built (last_id = VERSION)
VERSION = 1
DIMS = ("all", "sku", "supplier", "industry", "segment", "channel")
COLUMNS = {"sku": "sku_id", "supplier": "supplier", "industry": "industry",
           "segment": "segment", "channel": "channel"}
_KEY = "CASE d.dim " + " ".join(f"WHEN '{k}' THEN f.{c}" for k, c in COLUMNS.items()) + \
    " ELSE 'all' END"
_DIMS = "(" + " UNION ALL ".join(f"SELECT '{d}' AS dim" for d in DIMS) + ")"


def flag(cond: str) -> str:
    return f"CASE WHEN {cond} THEN 1 ELSE 0 END"


def _offered(o: str) -> str:
    return f"f.offered LIKE '%,{o},%'"


_SHIPPED = "f.state = 'shipped'"
_PROMISED = f"{_SHIPPED} AND f.communicated_latest IS NOT NULL"
# What one order adds to the cohort of the week it was ordered in ...
ORDERED = {"ordered": "1", "slipped": flag("f.eta_slips > 0"),
           "contacted": flag("f.first_sent_at IS NOT NULL"),
           **{f"{k}_{o}": flag(_offered(o) + (f" AND f.choice = '{o}'" if k == "chosen" else ""))
              for o in OPTIONS for k in ("offered", "chosen")}}
# ... and to the cohort of the week it closed in.
CLOSED = {"closed": "1", "cancelled": flag("f.state = 'cancelled'"), "partial": flag("f.partial"),
          "shipped": flag(_SHIPPED), "promised": flag(_PROMISED),
          "on_time": flag(f"{_PROMISED} AND f.closed_on <= f.communicated_latest")}
# ... and to the week (Japan) each of its ledger lines was granted in (kpi_order_grants g).
GRANTED = {"grants": "1", "compensation_jpy": "COALESCE(g.amount_jpy, 0)"}
COHORTS = (*ORDERED, *CLOSED)
COUNTS = (*COHORTS, *GRANTED)
BACKLOG = ("n", "value_jpy", "slipped", "n_low", "n_medium")
_LOW, _MEDIUM = flag("f.eta_confidence = 'low'"), flag("f.eta_confidence = 'medium'")


def _upsert(tbl: str, keys: Sequence[str], cols: Sequence[str], select_sql: str) -> str:
    sets = ", ".join(f"{c} = {tbl}.{c} + excluded.{c}" for c in cols)
    return (f"INSERT INTO {tbl} ({', '.join((*keys, *cols))}) SELECT * FROM ({select_sql}) x "
            f"WHERE true ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets}")


def _statements(d: Dialect, where: str, sign: int) -> list[str]:
    src = f"FROM {F} f CROSS JOIN {_DIMS} d WHERE {where}"

    def only(family: dict[str, str]) -> str:
        return ", ".join(f"{family[c] if c in family else 0} AS {c}" for c in COUNTS)

    sums = ", ".join(f"{sign} * SUM({c})" for c in COUNTS)
    counts = (f"SELECT dim, key, week, {sums} FROM ("
              f"SELECT d.dim AS dim, {_KEY} AS key, f.ordered_week AS week, {only(ORDERED)} "
              f"{src} UNION ALL SELECT d.dim AS dim, {_KEY} AS key, f.closed_week AS week, "
              f"{only(CLOSED)} {src} AND f.closed_week IS NOT NULL UNION ALL "
              f"SELECT d.dim AS dim, {_KEY} AS key, g.week AS week, {only(GRANTED)} "
              f"FROM {F} f JOIN kpi_order_grants g ON g.order_id = f.order_id "
              f"CROSS JOIN {_DIMS} d WHERE {where}) u GROUP BY dim, key, week")
    backlog = (f"SELECT d.dim, {_KEY}, COALESCE(f.closed_on, {d.open_day()}), f.ordered_on, "
               f"{sign} * COUNT(*), {sign} * SUM(f.value_jpy), "
               f"{sign} * SUM({flag('f.eta_slips > 0')}), "
               f"{sign} * SUM({_LOW}), {sign} * SUM({_MEDIUM}) "
               f"{src} AND (d.dim = 'all' OR f.closed_on IS NULL) GROUP BY 1, 2, 3, 4")
    minutes = d.minutes("f.first_sent_at", "f.created_at")
    contact = (f"SELECT d.dim, {_KEY}, f.ordered_week, CAST({minutes} AS BIGINT), "
               f"{sign} * COUNT(*) {src} AND f.first_sent_at IS NOT NULL GROUP BY 1, 2, 3, 4")
    return [_upsert("kpi_rollup_counts", ("dim", "key", "week"), COUNTS, counts),
            _upsert("kpi_rollup_backlog", ("dim", "key", "closed_on", "ordered_on"), BACKLOG,
                    backlog),
            _upsert("kpi_rollup_contact", ("dim", "key", "week", "minutes"), ("n",), contact)]


def groups(rows: Iterable[Any]) -> dict[str, set[str]]:
    """{dim: keys} of projection rows (mappings with sku_id, supplier, ... columns)."""
    out: dict[str, set[str]] = {dim: set() for dim in COLUMNS}
    for r in rows:
        for dim, column in COLUMNS.items():
            out[dim].add(r[column])
    return out


def apply(s: Session, ids: Sequence[str], sign: int) -> None:
    """Add (sign 1) or subtract (-1) the projection rows of these orders to the rollups."""
    if not ids:
        return
    d = Dialect(s.get_bind().dialect.name)
    for sql in _statements(d, "f.order_id IN :ids", sign):
        s.execute(text(sql).bindparams(bindparam("ids", expanding=True)), {"ids": list(ids)})


def copy_grants(s: Session, ids: Sequence[str] | None) -> None:
    """These orders' ledger lines (None: every projected order's) with their week in Japan."""
    d = Dialect(s.get_bind().dialect.name)
    where = "1 = 1" if ids is None else "g.order_id IN :ids"
    params = {} if ids is None else {"ids": list(ids)}
    if ids is not None:
        s.execute(text("DELETE FROM kpi_order_grants WHERE order_id IN :ids")
                  .bindparams(bindparam("ids", expanding=True)), params)
    sql = text("INSERT INTO kpi_order_grants (grant_id, order_id, week, amount_jpy) "
               f"SELECT g.id, g.order_id, {d.tokyo_week('g.granted_at')}, g.amount_jpy "
               f"FROM compensation_grants g JOIN {F} f ON f.order_id = g.order_id "
               f"WHERE {where}")
    s.execute(sql.bindparams(bindparam("ids", expanding=True)) if ids is not None else sql,
              params)


def sweep(s: Session) -> None:
    """Drop rollup rows that came down to zero (a partial index finds them)."""
    s.execute(text(f"DELETE FROM kpi_rollup_counts WHERE {ZERO}"))
    s.execute(text("DELETE FROM kpi_rollup_backlog WHERE n = 0"))
    s.execute(text("DELETE FROM kpi_rollup_contact WHERE n = 0"))


def write_slips(s: Session, ids: Sequence[str],
                slips: Sequence[tuple[str, str, Sequence[datetime]]]) -> None:
    """Replace these orders' ETA slips: (order_id, sku_id, recorded_at of each slip)."""
    s.execute(delete(KpiEtaSlip).where(KpiEtaSlip.order_id.in_(ids)))  # type: ignore[attr-defined]
    rows = [{"order_id": oid, "seq": i, "sku_id": sku, "recorded_at": at}
            for oid, sku, times in slips for i, at in enumerate(times, 1)]
    if rows:
        s.execute(insert(table(KpiEtaSlip)), rows)


SLIPS_SQL = (
    "INSERT INTO kpi_eta_slips (order_id, seq, sku_id, recorded_at) "
    "SELECT order_id, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY id), sku_id, "
    "recorded_at FROM (SELECT h.id, h.order_id, h.recorded_at, h.latest, f.sku_id, "
    "LAG(h.latest) OVER (PARTITION BY h.order_id ORDER BY h.id) AS before "
    f"FROM eta_history h JOIN {F} f ON f.order_id = h.order_id) s "
    "WHERE before IS NOT NULL AND latest > before")


def rebuild(s: Session) -> None:
    """Every rollup from scratch: the whole projection, the slips from eta_history."""
    for tbl in ("kpi_rollup_counts", "kpi_rollup_backlog", "kpi_rollup_contact",
                "kpi_eta_slips", "kpi_order_grants"):  # (open_stats.rebuild: kpi_open_stats)
        s.execute(text(f"DELETE FROM {tbl}"))  # a fixed table name
    copy_grants(s, None)
    d = Dialect(s.get_bind().dialect.name)
    for sql in _statements(d, "1 = 1", 1):
        s.execute(text(sql))
    s.execute(text(SLIPS_SQL))
    open_stats.rebuild(s)
    mark = s.get(KpiRefreshMark, MARK)
    if mark is None:
        s.add(KpiRefreshMark(source=MARK, last_id=VERSION, updated_at=utcnow()))
    else:
        mark.last_id, mark.updated_at = VERSION, utcnow()
    if s.get(KpiRefreshMark, "grants") is None:
        # Every projected order's ledger was copied just now, and an order projected later
        # copies its own: the refresh follows the ledger from here on.
        top = s.execute(text("SELECT MAX(id) FROM compensation_grants")).scalar()
        s.add(KpiRefreshMark(source="grants", last_id=top or 0, updated_at=utcnow()))
    s.flush()


def built(marks: dict[str, Any]) -> bool:
    """Whether the rollups were built (at this VERSION) and are kept by each refresh."""
    return marks.get(MARK) == VERSION
