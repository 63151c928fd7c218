"""One ingest chunk in one transaction: decide every changed order, store with bulk statements.

Orders, customers, ETA history, decisions, audit events and draft jobs are each written with
one multi-row statement per chunk; the drafts themselves are made later by draft workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from noki.app import AppContext
from noki.db import table
from noki.db.bulk import insert_rows
from noki.db.clock import utcnow
from noki.db.models import Customer, DecisionRow, EtaHistory, OrderRow
from noki.domain.decision import Decision
from noki.domain.order import Order
from noki.services import audit, draft_jobs
from noki.services.draft_jobs import NewJob
from noki.services.drafts import supersede_open
from noki.services.order_input import OrderIn


@dataclass
class Change:
    """The final state of one order in the chunk, and what it was before."""

    item: OrderIn
    order: Order
    doc: dict[str, Any]
    digest: str
    existed: bool
    eta_changed: bool
    decision: Decision | None = None


@dataclass
class ChunkResult:
    """Counts and the draft jobs queued by one chunk."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    superseded: int = 0
    order_ids: list[str] | None = None
    job_ids: list[int] | None = None


def _known(s: Session, ids: list[str]) -> dict[str, tuple[str, str | None, Any]]:
    rows = s.execute(
        select(OrderRow.order_id, OrderRow.payload_hash, OrderRow.po_ref, OrderRow.payload)
        .where(col(OrderRow.order_id).in_(ids))
    ).all()
    return {r[0]: (r[1], r[2], r[3].get("eta")) for r in rows}


def plan(
    chunk: list[OrderIn], known: dict[str, tuple[str, str | None, Any]], digest_of: Any
) -> tuple[dict[str, Change], ChunkResult]:
    """Apply the chunk in input order in memory: the last version of each order wins."""
    result = ChunkResult()
    state = dict(known)
    changes: dict[str, Change] = {}
    for item in chunk:
        order = item.order()
        doc = order.model_dump(mode="json")
        digest = digest_of(doc)
        before = state.get(item.order_id)
        if before is not None and before[0] == digest and before[1] == item.po_ref:
            result.unchanged += 1
            continue
        if before is None:
            result.created += 1
        else:
            result.updated += 1
        prior = changes.get(item.order_id)
        changes[item.order_id] = Change(
            item=item,
            order=order,
            doc=doc,
            digest=digest,
            existed=item.order_id in known,
            eta_changed=(prior.eta_changed if prior else False)
            or before is None
            or before[2] != doc["eta"],
        )
        state[item.order_id] = (digest, item.po_ref, doc["eta"])
    return changes, result


def store_chunk(
    ctx: AppContext,
    s: Session,
    chunk: list[OrderIn],
    *,
    actor: str,
    auto_send: bool,
    digest_of: Any,
) -> ChunkResult:
    """Decide and store one chunk (the caller holds the orders' locks and the transaction)."""
    changes, result = plan(chunk, _known(s, [i.order_id for i in chunk]), digest_of)
    result.order_ids, result.job_ids = [], []
    if not changes:
        return result
    # Pure, no I/O while the chunk is decided; the batch path equals decide() (tests/rules).
    pending = list(changes.values())
    decisions = ctx.rules.decide_many([c.order for c in pending])
    for change, decision in zip(pending, decisions, strict=True):
        change.decision = decision
    now = utcnow()
    updated = [c for c in changes.values() if c.existed]
    draft_jobs.drop_for_orders(s, [c.order.order_id for c in updated])
    for change in updated:
        result.superseded += supersede_open(
            s, change.order.order_id, actor=actor, reason="order changed"
        )
    _save_customers(s, list(changes.values()), now)
    _save_orders(s, list(changes.values()), now)
    recorded = ctx.clock.now()  # the clock's day (a simulated one too), as events record it
    history = [
        {
            "order_id": c.order.order_id,
            "earliest": c.order.eta.earliest,
            "latest": c.order.eta.latest,
            "confidence": c.order.eta.confidence,
            "source": f"ingest:{actor}",
            "recorded_at": recorded,
        }
        for c in changes.values()
        if c.eta_changed
    ]
    insert_rows(s, table(EtaHistory), history)
    decision_ids = _save_decisions(s, list(changes.values()), now)
    events = []
    for c in changes.values():
        assert c.decision is not None
        action = "order_updated" if c.existed else "order_created"
        events.append(audit.event(actor=actor, action=action, order_id=c.order.order_id, at=now))
        events.append(
            audit.event(
                actor=actor,
                action="decided",
                order_id=c.order.order_id,
                at=now,
                lane=c.decision.lane,
                compensation=c.decision.compensation.type,
                approval=c.decision.approval,
                rules_version=c.decision.rules_version,
            )
        )
    # An order that is on time gets no delay notice (notice_purpose none).
    quiet = {oid for oid, c in changes.items()
             if c.decision is not None and c.decision.notice_purpose == "none"}
    events += [audit.event(actor=actor, action="no_notice_needed", order_id=oid, at=now)
               for oid in quiet]
    audit.record_many(s, events)
    jobs = [
        NewJob(order_id=oid, decision_id=decision_ids[oid], kind="initial",
               auto_send=auto_send, actor=actor)
        for oid in changes if oid not in quiet
    ]
    result.job_ids = draft_jobs.enqueue(s, jobs)
    result.order_ids = list(changes)
    return result


def _save_customers(s: Session, changes: list[Change], now: Any) -> None:
    latest = {c.order.customer.customer_id: c.order.customer for c in changes}
    have = set(
        s.execute(
            select(Customer.customer_id).where(col(Customer.customer_id).in_(list(latest)))
        ).scalars()
    )
    rows = [
        {
            "customer_id": cid,
            "name": cust.name,
            "email": cust.contact.email,
            "phone": cust.contact.phone,
            "updated_at": now,
        }
        for cid, cust in latest.items()
    ]
    new = [r for r in rows if r["customer_id"] not in have]
    old = [r for r in rows if r["customer_id"] in have]
    t = table(Customer)
    insert_rows(s, t, new)
    if old:
        s.execute(
            t.update().where(t.c.customer_id == bindparam("key")),
            [{**r, "key": r.pop("customer_id")} for r in old],
        )


def _save_orders(s: Session, changes: list[Change], now: Any) -> None:
    rows = []
    for c in changes:
        assert c.decision is not None
        rows.append(
            {
                "order_id": c.order.order_id,
                "customer_id": c.order.customer.customer_id,
                "industry": c.order.industry,
                "sku_id": c.order.sku.sku_id,
                "po_ref": c.item.po_ref,
                "status": "open",
                "payload": c.doc,
                "payload_hash": c.digest,
                "next_update_date": c.decision.next_update_date,
                "updated_at": now,
            }
        )
    new = [
        {**r, "created_at": now} for r, c in zip(rows, changes, strict=True) if not c.existed
    ]
    old = [r for r, c in zip(rows, changes, strict=True) if c.existed]
    t = table(OrderRow)
    insert_rows(s, t, new)
    if old:
        s.execute(
            t.update().where(t.c.order_id == bindparam("key")),
            [{**r, "key": r.pop("order_id")} for r in old],
        )


def _save_decisions(s: Session, changes: list[Change], now: Any) -> dict[str, int]:
    rows = []
    for c in changes:
        assert c.decision is not None
        rows.append(
            {
                "order_id": c.order.order_id,
                "rules_version": c.decision.rules_version,
                "payload": c.decision.to_json_dict(),
                "created_at": now,
            }
        )
    ids = insert_rows(s, table(DecisionRow), rows, ids=True)
    return {r["order_id"]: i for r, i in zip(rows, ids, strict=True)}
