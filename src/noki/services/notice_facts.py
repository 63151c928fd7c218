"""The facts of each notice to draft: order row, the event it is about, the ledger, the link.

Read in one short transaction before drafting (no transaction is open while drafting); the
drafter receives a pure `LifecycleNotice` and never reads the database or signs a link.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from noki.app import AppContext
from noki.db import session_scope
from noki.db.models import OrderRow
from noki.db.models_lifecycle import CompensationGrantRow, OrderEventRow
from noki.domain.order import Order
from noki.drafting.lifecycle_notice import LIFECYCLE_KINDS, LifecycleNotice
from noki.services import short_links
from noki.services.draft_jobs import ClaimedJob
from noki.services.self_service import link_url

# Which event kind carries the facts of each notice kind.
EVENT_OF = {"choice_confirmation": "choice", "partially_shipped": "partially_shipped",
            "shipped": "shipped", "cancelled": "cancelled"}


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def notice_from(
    kind: str, row: Any, event: dict[str, Any] | None, granted: dict[str, int | None],
    *, ordered_qty: int, nothing_new: bool = False, url: str | None = None,
) -> LifecycleNotice:
    """One notice's facts from the order row, its latest event of that kind and the ledger."""
    ev = event or {}
    return LifecycleNotice(
        kind=kind,
        state=row.state,
        chosen_option=ev.get("option") or row.choice,
        quantity=ev.get("quantity"),
        shipped_qty=row.shipped_qty,
        ordered_qty=ordered_qty,
        tracking_number=ev.get("tracking_number"),
        carrier=ev.get("carrier"),
        refund_jpy=ev.get("refund_jpy"),
        refund_by=_date(ev.get("refund_by")),
        cancel_reason=ev.get("reason"),
        granted=granted,
        nothing_new=nothing_new,
        self_service_url=url,
    )


def notices_for(ctx: AppContext, jobs: Sequence[ClaimedJob]) -> dict[int, LifecycleNotice]:
    """The LifecycleNotice of every job (every kind carries the ledger and the link)."""
    if not jobs:
        return {}
    order_ids = sorted({j.order_id for j in jobs})
    facts = _read(ctx, order_ids, {EVENT_OF[j.kind] for j in jobs if j.kind in EVENT_OF},
                  {j.event_id for j in jobs if j.event_id and j.kind in EVENT_OF})
    rows, ledger, links = facts.rows, facts.ledger, facts.links
    out: dict[int, LifecycleNotice] = {}
    for job in jobs:
        row = rows.get(job.order_id)
        if row is None:
            continue
        out[job.id] = notice_from(
            job.kind, row, facts.event_of(job.order_id, job.kind, job.event_id),
            ledger.get(job.order_id, {}),
            ordered_qty=job.order.quantity,
            nothing_new=bool(getattr(job, "nothing_new", False)) and job.kind not in
            LIFECYCLE_KINDS,
            url=link_url(ctx.settings, links[job.order_id]),
        )
    return out


def notice_for(ctx: AppContext, order: Order, kind: str,
               old: LifecycleNotice | None = None) -> LifecycleNotice:
    """The notice of one order now (re-drafting a stale draft): ledger and link re-read."""
    kinds = {EVENT_OF[kind]} if kind in EVENT_OF else set()
    facts = _read(ctx, [order.order_id], kinds)
    rows, granted = facts.rows, facts.ledger.get(order.order_id, {})
    url = link_url(ctx.settings, facts.links[order.order_id])
    if old is not None and old.kind == kind:
        return replace(old, granted=granted, self_service_url=url)
    row = rows.get(order.order_id)
    if row is None:
        return LifecycleNotice(kind=kind, granted=granted, self_service_url=url)
    return notice_from(kind, row, facts.event_of(order.order_id, kind), granted,
                       ordered_qty=order.quantity, url=url)


@dataclass
class _Facts:
    """What the notices of a batch read: order rows, events, ledger totals, links."""

    rows: dict[str, Any]
    latest: dict[tuple[str, str], dict[str, Any]]  # (order, event kind) -> newest payload
    by_id: dict[str, tuple[str, str, dict[str, Any]]]  # event_id -> (order, kind, payload)
    ledger: dict[str, dict[str, int | None]]
    links: dict[str, str]

    def event_of(self, order_id: str, kind: str, event_id: str | None = None) -> dict[str, Any]:
        """The event a notice is about: the job's own event, else the newest of its kind."""
        # Two partial shipments drafted late must each tell their own quantity and tracking.
        want = EVENT_OF.get(kind, "")
        found = self.by_id.get(event_id or "")
        if found is not None and found[:2] == (order_id, want):
            return found[2]
        return self.latest.get((order_id, want), {})


def _read(ctx: AppContext, order_ids: list[str], kinds: set[str],
          event_ids: set[str] | None = None) -> _Facts:
    """Order rows, events (by id and newest per kind), ledger totals and link per order."""
    with session_scope(ctx.engine) as s:
        links = short_links.links_for(s, order_ids, today=ctx.clock.today(),
                                      valid_days=ctx.settings.self_service_valid_days)
        rows = {r.order_id: r for r in s.execute(
            select(OrderRow.order_id, OrderRow.state, OrderRow.shipped_qty, OrderRow.choice)
            .where(col(OrderRow.order_id).in_(order_ids))).all()}
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        if kinds:
            newest = (select(func.max(OrderEventRow.id))
                      .where(col(OrderEventRow.order_id).in_(order_ids),
                             col(OrderEventRow.kind).in_(sorted(kinds)))
                      .group_by(col(OrderEventRow.order_id), col(OrderEventRow.kind)))
            for oid, kind, payload in s.execute(
                    select(OrderEventRow.order_id, OrderEventRow.kind, OrderEventRow.payload)
                    .where(col(OrderEventRow.id).in_(newest))).all():
                latest[(str(oid), kind)] = dict(payload or {})
        by_id: dict[str, tuple[str, str, dict[str, Any]]] = {}
        if event_ids:
            for eid, oid, kind, payload in s.execute(
                    select(OrderEventRow.event_id, OrderEventRow.order_id, OrderEventRow.kind,
                           OrderEventRow.payload)
                    .where(col(OrderEventRow.event_id).in_(sorted(event_ids)))).all():
                by_id[eid] = (str(oid), kind, dict(payload or {}))
        ledger: dict[str, dict[str, int | None]] = {}
        for oid, typ, total, count in s.execute(
                select(CompensationGrantRow.order_id, CompensationGrantRow.type,
                       func.sum(CompensationGrantRow.amount_jpy),
                       func.count(col(CompensationGrantRow.id)))
                .where(col(CompensationGrantRow.order_id).in_(order_ids))
                .group_by(col(CompensationGrantRow.order_id), col(CompensationGrantRow.type))
        ).all():
            if count:
                ledger.setdefault(oid, {})[typ] = int(total) if total is not None else None
    return _Facts(rows, latest, by_id, ledger, links)
