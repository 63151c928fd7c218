"""Keep kpi_order_facts in step with the orders: re-project only orders that changed.

Changed orders are found by the ids the sources added since the last refresh (decisions,
timeline, events, ETA history, sent notices, ledger lines). Ids are handed out before their
transaction commits, so a refresh remembers how many rows the last MARGIN ids below its mark
had; when that count has changed, the next refresh reads those ids again: a slow transaction
that commits a lower id after a refresh is still seen by the next one. A new order is found by its
decision (ingest stores one with every order, in the same transaction); only the first refresh
(no marks yet) also looks for orders without any projection row, which reads every order id.

The rollups (services.kpi.rollups, open_stats) and the ETA slips follow each re-projected
order in the same transaction: its old row is subtracted, its new row added.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, text
from sqlmodel import Session, col, select

from noki.db import table
from noki.db.clock import utcnow
from noki.db.models import DecisionRow, EtaHistory, OrderRow, OutboxMessage
from noki.db.models_kpi import KpiOrderFact, KpiRefreshMark
from noki.db.models_lifecycle import CompensationGrantRow, OrderEventRow, TimelineEntry
from noki.domain.kpi.project import EtaSeen, OrderSources, project, slip_times
from noki.services.kpi import open_stats, rollups

MARGIN = 100
CHUNK = 500
_SOURCES = {
    "decisions": (col(DecisionRow.id), col(DecisionRow.order_id)),
    "timeline": (col(TimelineEntry.id), col(TimelineEntry.order_id)),
    "events": (col(OrderEventRow.id), col(OrderEventRow.order_id)),
    "eta_history": (col(EtaHistory.id), col(EtaHistory.order_id)),
    "outbox": (col(OutboxMessage.id), col(OutboxMessage.order_id)),
    "grants": (col(CompensationGrantRow.id), col(CompensationGrantRow.order_id)),
}


@dataclass
class RefreshReport:
    """How many orders were projected again."""

    projected: int = 0
    removed: int = 0


Marks = dict[str, tuple[int, int]]  # source: (last id read, rows in the margin below it)


def _marks(s: Session) -> Marks:
    return {m.source: (m.last_id, m.margin_rows) for m in s.exec(select(KpiRefreshMark))}


def _count(s: Session, id_col: Any, above: int, upto: int) -> int:
    return int(s.exec(select(func.count()).where(id_col > above, id_col <= upto)).one())


def _dirty(s: Session, marks: Marks) -> tuple[set[str], Marks]:
    dirty: set[str] = set()
    new_marks: Marks = {}
    for source, (id_col, order_col) in _SOURCES.items():
        last, seen = marks.get(source, (0, 0))
        top = s.exec(select(func.max(id_col))).one() or 0
        low = last - MARGIN
        if last and _count(s, id_col, low, last) == seen:
            low = last  # no transaction committed late below the mark: read on from it
        if top > low:
            dirty.update(o for o in s.exec(
                select(order_col).where(id_col > low).distinct()) if o)
        new_marks[source] = (top, _count(s, id_col, top - MARGIN, top))
    # A message's id is old when it is finally sent: sent notices are found by time as well.
    since = s.exec(select(func.max(col(KpiRefreshMark.updated_at)))).one()
    if since is not None:
        since -= timedelta(minutes=10)  # a send that committed just after the last refresh
        dirty.update(s.exec(select(OutboxMessage.order_id).where(
            OutboxMessage.status == "sent", col(OutboxMessage.sent_at) >= since).distinct()))
    if "decisions" not in marks:  # the first refresh (every refresh writes the marks)
        missing = select(OrderRow.order_id).where(
            ~select(KpiOrderFact.order_id).where(
                KpiOrderFact.order_id == OrderRow.order_id).exists())
        dirty.update(s.exec(missing))
    return dirty, new_marks


def _sources(s: Session, ids: list[str]) -> list[OrderSources]:
    decisions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for oid, payload in s.exec(select(DecisionRow.order_id, DecisionRow.payload).where(
            col(DecisionRow.order_id).in_(ids)).order_by(col(DecisionRow.id))):
        decisions[oid].append(dict(payload))
    etas: dict[str, list[EtaSeen]] = defaultdict(list)
    for h in s.exec(select(EtaHistory).where(col(EtaHistory.order_id).in_(ids))
                       .order_by(col(EtaHistory.id))):
        etas[h.order_id].append(EtaSeen(h.earliest, h.latest, h.confidence, h.recorded_at))
    sent: dict[str, list[datetime]] = defaultdict(list)
    for oid, at in s.exec(select(OutboxMessage.order_id, OutboxMessage.sent_at).where(
            col(OutboxMessage.order_id).in_(ids), OutboxMessage.status == "sent",
            col(OutboxMessage.sent_at).is_not(None))):
        if at is not None:
            sent[oid].append(at)
    partial = {o for o in s.exec(select(OrderEventRow.order_id).where(
        col(OrderEventRow.order_id).in_(ids), OrderEventRow.kind == "partially_shipped")) if o}
    partial.update(s.exec(select(TimelineEntry.order_id).where(  # noqa: C416 - typed
        col(TimelineEntry.order_id).in_(ids), TimelineEntry.state_to == "partially_shipped")))
    out = []
    for row in s.exec(select(OrderRow).where(col(OrderRow.order_id).in_(ids))):
        out.append(OrderSources(
            order_id=row.order_id, sku_id=row.sku_id, po_ref=row.po_ref,
            industry=row.industry, state=row.state, choice=row.choice,
            created_at=row.created_at, closed_at=row.closed_at, payload=row.payload,
            decisions=decisions[row.order_id], etas=etas[row.order_id],
            sent_at=sent[row.order_id], partial=row.order_id in partial))
    return out


def _write(s: Session, ids: list[str], sources: list[OrderSources],
           touched: dict[str, set[str]]) -> int:
    old = s.execute(select(*(getattr(KpiOrderFact, c) for c in rollups.COLUMNS.values()))
                    .where(col(KpiOrderFact.order_id).in_(ids))).mappings().all()
    rollups.apply(s, ids, -1)  # the rows being replaced leave the rollups ...
    s.execute(delete(KpiOrderFact).where(col(KpiOrderFact.order_id).in_(ids)))
    now = utcnow()
    values = [{**project(src), "refreshed_at": now} for src in sources]
    if values:
        s.execute(insert(table(KpiOrderFact)), values)
    rollups.copy_grants(s, ids)
    rollups.apply(s, ids, 1)  # ... and the new ones enter
    for rows in (old, values):
        for dim, keys in rollups.groups(rows).items():
            touched.setdefault(dim, set()).update(keys)
    rollups.write_slips(s, ids, [(src.order_id, src.sku_id, slip_times(src.etas))
                                 for src in sources])
    return len(values)


def _serialise(s: Session) -> None:
    """One refresh at a time: two would insert the same orders' rows."""
    conn = s.connection()
    if conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        return
    s.execute(text("SELECT pg_advisory_xact_lock(160016)"))


def refresh(s: Session) -> RefreshReport:
    """Re-project every order that changed since the last refresh (in the caller's txn)."""
    _serialise(s)
    marks = _marks(s)
    if not rollups.built({k: v[0] for k, v in marks.items()}):
        rollups.rebuild(s)  # first refresh after the rollups' migration (or a new VERSION)
        marks = _marks(s)
    dirty, new_marks = _dirty(s, marks)
    report = RefreshReport()
    ordered = sorted(dirty)
    touched: dict[str, set[str]] = {}
    for start in range(0, len(ordered), CHUNK):
        ids = ordered[start:start + CHUNK]
        sources = _sources(s, ids)
        report.projected += _write(s, ids, sources, touched)
        report.removed += len(ids) - len(sources)
    if ordered:
        rollups.sweep(s)
        open_stats.restat(s, touched)
    now = utcnow()
    for source, (top, rows) in new_marks.items():
        mark = s.get(KpiRefreshMark, source)
        if mark is None:
            s.add(KpiRefreshMark(source=source, last_id=top, margin_rows=rows, updated_at=now))
        else:
            mark.last_id, mark.margin_rows, mark.updated_at = top, rows, now
    s.flush()
    return report
