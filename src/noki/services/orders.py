"""Ingest orders and ETA events: decide each new or changed order and draft its notice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from noki.app import AppContext
from noki.db import session_scope
from noki.db.models import OrderRow
from noki.domain.lifecycle.states import TRANSITIONS
from noki.domain.order import Eta
from noki.services.draft_worker import draft_inline
from noki.services.eta_scope import ETA_SCOPE_LIMIT, EtaScope, ScopeTooLarge, event_key
from noki.services.ingest_bulk import store_chunk
from noki.services.lifecycle_state import cas_order
from noki.services.order_input import OrderIn
from noki.services.redecide import IngestReport, apply_eta, payload_digest
from noki.services.transitions import lock_orders, retrying

CHUNK = 1000
__all__ = ["EtaReport", "IngestReport", "eta_event", "ingest", "payload_digest", "scoped_eta"]


@dataclass
class EtaReport(IngestReport):
    """What an ETA event did, and the scope it matched."""

    scope: EtaScope = field(default_factory=lambda: EtaScope("", ""))


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
    with session_scope(ctx.engine) as s:
        report = scoped_eta(ctx, s, key, value, eta, as_of=as_of, actor=actor,
                            auto_send=auto_send, max_scope=None if confirm_scope else max_scope)
    report.drafted = draft_inline(ctx, report.job_ids)
    return report


def scoped_eta(
    ctx: AppContext,
    s: Session,
    key: str,
    value: str,
    eta: Eta,
    *,
    as_of: date | None,
    actor: str,
    auto_send: bool,
    max_scope: int | None,
    event_id: str | None = None,
    source: str | None = None,
) -> EtaReport:
    """The ETA of every open, waiting order of a SKU or PO, in the caller's transaction.

    The orders are locked before they are read; more than `max_scope` raise ScopeTooLarge.
    An allocated order is skipped: its stock is reserved, a supplier's new window is not news.
    """
    report = EtaReport(scope=EtaScope(key, value))
    match = OrderRow.sku_id == value if key == "sku_id" else OrderRow.po_ref == value
    ids = list(s.exec(select(OrderRow.order_id).where(OrderRow.status == "open", match)))
    report.scope.matched = len(ids)
    if max_scope is not None and len(ids) > max_scope:
        raise ScopeTooLarge(report.scope, max_scope)
    lock_orders(s, ids)
    rows = s.exec(  # read again inside the write: the state we act on
        select(OrderRow)
        .where(OrderRow.status == "open", match)
        .order_by(col(OrderRow.order_id))
        .execution_options(populate_existing=True)
    ).all()
    report.scope.matched = len(rows)
    for row in rows:
        if (row.state, "eta") not in TRANSITIONS:
            continue
        if apply_eta(ctx, s, row, eta, as_of=as_of, actor=actor, auto_send=auto_send,
                     report=report, event_id=event_id, source=source):
            cas_order(s, row)  # the lifecycle version moves with every applied event
    return report
