"""Ingest orders and ETA events: decide each new or changed order and draft its notice."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from noki.app import AppContext
from noki.db import session_scope
from noki.db.models import EtaHistory, OrderRow
from noki.domain.order import Eta, Order
from noki.services import audit, draft_jobs
from noki.services.draft_jobs import NewJob
from noki.services.draft_worker import draft_inline
from noki.services.drafts import store_decision, supersede_open
from noki.services.eta_scope import ETA_SCOPE_LIMIT, EtaScope, ScopeTooLarge, event_key
from noki.services.ingest_bulk import store_chunk
from noki.services.order_input import OrderIn
from noki.services.transitions import lock_orders, retrying

CHUNK = 1000


@dataclass
class IngestReport:
    """What an ingest or ETA event did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    drafted: int = 0
    superseded: int = 0
    order_ids: list[str] = field(default_factory=list)
    job_ids: list[int] = field(default_factory=list)  # draft jobs queued

    def add(self, other: IngestReport) -> None:
        """Count another chunk's work in."""
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.drafted += other.drafted
        self.superseded += other.superseded
        self.order_ids += other.order_ids
        self.job_ids += other.job_ids


@dataclass
class EtaReport(IngestReport):
    """What an ETA event did, and the scope it matched."""

    scope: EtaScope = field(default_factory=lambda: EtaScope("", ""))


def payload_digest(doc: dict[str, Any]) -> str:
    """The hash ingest compares: whoever rewrites an order's payload stores its new digest."""
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def ingest(
    ctx: AppContext,
    orders: list[OrderIn],
    *,
    actor: str,
    auto_send: bool = False,
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Upsert orders: decide each new or changed one, store in bulk, queue its draft job.

    One transaction per chunk. An order_id repeated in the input is applied in input order
    (the last one wins). Template drafts are then made inline (settings.draft_inline);
    model drafts are left to the draft workers (`noki work`, the console).
    """
    report = IngestReport()
    for start in range(0, len(orders), CHUNK):
        chunk = orders[start : start + CHUNK]
        report.add(
            retrying(lambda chunk=chunk: _ingest_chunk(ctx, chunk, actor, auto_send))  # type: ignore[misc]
        )
        if progress is not None:
            progress(len(chunk))
    report.drafted = draft_inline(ctx, report.job_ids)
    return report


def _ingest_chunk(
    ctx: AppContext, chunk: list[OrderIn], actor: str, auto_send: bool
) -> IngestReport:
    """One chunk in one transaction, its orders locked before they are read."""
    with session_scope(ctx.engine) as s:
        lock_orders(s, [item.order_id for item in chunk])
        done = store_chunk(ctx, s, chunk, actor=actor, auto_send=auto_send,
                           digest_of=payload_digest)
    return IngestReport(
        created=done.created,
        updated=done.updated,
        unchanged=done.unchanged,
        superseded=done.superseded,
        order_ids=done.order_ids or [],
        job_ids=done.job_ids or [],
    )


def _decide_and_draft(
    ctx: AppContext,
    s: Session,
    row: OrderRow,
    order: Order,
    *,
    kind: str,
    actor: str,
    auto_send: bool,
    report: IngestReport,
) -> None:
    decision = ctx.rules.decide(order)
    drow = store_decision(s, row, decision, actor=actor)
    assert drow.id is not None
    report.order_ids.append(order.order_id)
    if decision.notice_purpose == "none":  # on time: no delay notice to write
        audit.record(s, actor=actor, action="no_notice_needed", order_id=order.order_id)
        return
    report.job_ids += draft_jobs.enqueue(
        s, [NewJob(order.order_id, drow.id, kind, auto_send=auto_send, actor=actor)]
    )


def eta_event(
    ctx: AppContext,
    *,
    eta: Eta,
    sku_id: str | None = None,
    po_ref: str | None = None,
    as_of: date | None = None,
    actor: str,
    auto_send: bool = False,
    confirm_scope: bool = False,
    max_scope: int = ETA_SCOPE_LIMIT,
) -> EtaReport:
    """Apply a new ETA to every open order of a SKU or purchase order; re-decide and re-draft.

    More than `max_scope` open orders are touched only with `confirm_scope` (ScopeTooLarge).
    """
    key, value = event_key(sku_id=sku_id, po_ref=po_ref)
    report = EtaReport(scope=EtaScope(key, value))
    match = OrderRow.sku_id == value if key == "sku_id" else OrderRow.po_ref == value
    query = (
        select(OrderRow)
        .where(OrderRow.status == "open", match)
        .order_by(col(OrderRow.order_id))
        .execution_options(populate_existing=True)
    )
    with session_scope(ctx.engine) as s:
        ids = list(s.exec(select(OrderRow.order_id).where(OrderRow.status == "open", match)))
        report.scope.matched = len(ids)
        if len(ids) > max_scope and not confirm_scope:
            raise ScopeTooLarge(report.scope, max_scope)
        lock_orders(s, ids)
        rows = s.exec(query).all()  # read again inside the write: the state we act on
        report.scope.matched = len(rows)
        for row in rows:
            _apply_eta(
                ctx, s, row, eta, as_of=as_of, actor=actor, auto_send=auto_send, report=report
            )
    report.drafted = draft_inline(ctx, report.job_ids)
    return report


def _apply_eta(
    ctx: AppContext,
    s: Session,
    row: OrderRow,
    eta: Eta,
    *,
    as_of: date | None,
    actor: str,
    auto_send: bool,
    report: IngestReport,
) -> None:
    old = Order.model_validate(row.payload)
    if old.eta == eta:
        report.unchanged += 1
        return
    later = eta.latest > old.eta.latest
    order = old.model_copy(
        update={
            "eta": eta,
            "previous_eta": old.eta,  # the notice says what changed since then
            "as_of": max(old.as_of, as_of or ctx.clock.today()),
            "reschedule_count": old.reschedule_count + int(later),
        }
    )
    order = Order.model_validate(order.model_dump())
    draft_jobs.drop_for_orders(s, [row.order_id])  # before superseding: see drop_for_orders
    report.superseded += supersede_open(s, row.order_id, actor=actor, reason="eta changed")
    row.payload = order.model_dump(mode="json")
    row.payload_hash = payload_digest(row.payload)  # re-posting the original restores it
    s.add(row)
    _eta_history(s, row.order_id, eta, source=f"event:{actor}")
    audit.record(
        s,
        actor=actor,
        action="eta_changed",
        order_id=row.order_id,
        earliest=eta.earliest.isoformat(),
        latest=eta.latest.isoformat(),
    )
    report.updated += 1
    _decide_and_draft(
        ctx, s, row, order, kind="eta_change", actor=actor, auto_send=auto_send, report=report
    )


def _eta_history(s: Session, order_id: str, eta: Eta, *, source: str) -> None:
    s.add(
        EtaHistory(
            order_id=order_id,
            earliest=eta.earliest,
            latest=eta.latest,
            confidence=eta.confidence,
            source=source,
        )
    )
