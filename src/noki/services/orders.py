"""Ingest orders and ETA events: decide each new or changed order and draft its notice."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from noki.app import AppContext
from noki.db import session_scope
from noki.db.clock import utcnow
from noki.db.models import Customer, EtaHistory, OrderRow
from noki.domain.order import Eta, Order
from noki.services import audit
from noki.services.drafts import create_draft, store_decision, supersede_open
from noki.services.eta_scope import ETA_SCOPE_LIMIT, EtaScope, ScopeTooLarge, event_key
from noki.services.order_input import OrderIn
from noki.services.transitions import lock_orders, retrying

CHUNK = 200


@dataclass
class IngestReport:
    """What an ingest or ETA event did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    drafted: int = 0
    superseded: int = 0
    order_ids: list[str] = field(default_factory=list)

    def add(self, other: IngestReport) -> None:
        """Count another chunk's work in."""
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.drafted += other.drafted
        self.superseded += other.superseded
        self.order_ids += other.order_ids


@dataclass
class EtaReport(IngestReport):
    """What an ETA event did, and the scope it matched."""

    scope: EtaScope = field(default_factory=lambda: EtaScope("", ""))


def payload_digest(doc: dict[str, Any]) -> str:
    """The hash ingest compares: whoever rewrites an order's payload stores its new digest."""
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def ingest(
    ctx: AppContext, orders: list[OrderIn], *, actor: str, auto_send: bool = False
) -> IngestReport:
    """Upsert orders; each new or changed one is decided and drafted (one transaction per chunk).

    An order_id repeated in the input is applied in input order (the last one wins).
    """
    report = IngestReport()
    for start in range(0, len(orders), CHUNK):
        chunk = orders[start : start + CHUNK]
        report.add(
            retrying(lambda chunk=chunk: _ingest_chunk(ctx, chunk, actor, auto_send))  # type: ignore[misc]
        )
    return report


def _ingest_chunk(
    ctx: AppContext, chunk: list[OrderIn], actor: str, auto_send: bool
) -> IngestReport:
    """One chunk in one transaction, its orders locked before they are read."""
    report = IngestReport()
    with session_scope(ctx.engine) as s:
        lock_orders(s, [item.order_id for item in chunk])
        rows, customers = _prefetch(s, chunk)
        for item in chunk:
            customer = customers.get(item.customer.customer_id)
            row, customers[item.customer.customer_id] = _upsert(
                ctx,
                s,
                item,
                rows.get(item.order_id),
                customer,
                actor=actor,
                auto_send=auto_send,
                report=report,
            )
            rows[item.order_id] = row
    return report


def _prefetch(
    s: Session, chunk: list[OrderIn]
) -> tuple[dict[str, OrderRow], dict[str, Customer | None]]:
    """Load the chunk's orders and customers in two queries instead of two per row."""
    ids = [item.order_id for item in chunk]
    rows = s.exec(
        select(OrderRow)
        .where(col(OrderRow.order_id).in_(ids))
        .execution_options(populate_existing=True)
    )
    wanted = [item.customer.customer_id for item in chunk]
    customers = s.exec(select(Customer).where(col(Customer.customer_id).in_(wanted)))
    return {r.order_id: r for r in rows}, {c.customer_id: c for c in customers}


def _upsert(
    ctx: AppContext,
    s: Session,
    item: OrderIn,
    row: OrderRow | None,
    customer: Customer | None,
    *,
    actor: str,
    auto_send: bool,
    report: IngestReport,
) -> tuple[OrderRow, Customer | None]:
    order = item.order()
    doc = order.model_dump(mode="json")
    digest = payload_digest(doc)
    if row is not None and row.payload_hash == digest and row.po_ref == item.po_ref:
        report.unchanged += 1
        return row, customer
    customer = _save_customer(s, order, customer)
    eta_changed = row is None or row.payload.get("eta") != doc["eta"]
    if row is None:
        row = OrderRow(
            order_id=order.order_id,
            customer_id=order.customer.customer_id,
            industry=order.industry,
            sku_id=order.sku.sku_id,
            po_ref=item.po_ref,
            payload=doc,
            payload_hash=digest,
        )
        report.created += 1
        action = "order_created"
    else:
        report.superseded += supersede_open(s, row.order_id, actor=actor, reason="order changed")
        row.payload, row.payload_hash, row.po_ref = doc, digest, item.po_ref
        row.customer_id, row.sku_id, row.status = (
            order.customer.customer_id,
            order.sku.sku_id,
            "open",
        )
        report.updated += 1
        action = "order_updated"
    s.add(row)
    s.flush()  # the order row must exist before its decision, drafts and messages
    if eta_changed:
        _eta_history(s, row.order_id, order.eta, source=f"ingest:{actor}")
    audit.record(s, actor=actor, action=action, order_id=order.order_id)
    _decide_and_draft(
        ctx,
        s,
        row,
        order,
        kind="initial",
        actor=actor,
        auto_send=auto_send,
        report=report,
        new_order=action == "order_created",
    )
    return row, customer


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
    new_order: bool = False,
) -> None:
    decision = ctx.rules.decide(order)
    drow = store_decision(s, row, decision, actor=actor)
    draft = create_draft(
        s,
        drafter=ctx.drafter,
        order=order,
        drow=drow,
        decision=decision,
        kind=kind,
        auto_send=auto_send,
        first=new_order,
    )
    report.drafted += draft is not None
    report.order_ids.append(order.order_id)


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
            "as_of": max(old.as_of, as_of or ctx.clock.today()),
            "reschedule_count": old.reschedule_count + int(later),
        }
    )
    order = Order.model_validate(order.model_dump())
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


def _save_customer(s: Session, order: Order, row: Customer | None) -> Customer:
    c = order.customer
    row = row or Customer(customer_id=c.customer_id, name=c.name)
    row.name, row.email, row.phone = c.name, c.contact.email, c.contact.phone
    row.updated_at = utcnow()
    s.add(row)
    return row


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
