"""Apply lifecycle events (OMS, WMS, suppliers, customers): once per event_id, all or nothing.

Each event is validated by the pure core (`parse_events`, `apply_event`) and applied in its own
transaction: the order's lock, the duplicate check, the compare-and-set on the order's
row_version, the stored event, its timeline entries, audit, the notice's draft job and the
webhook commit together or not at all. A bad event is reported by position, id and field;
the good ones beside it are kept.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, select

from noki.app import AppContext
from noki.db import session_scope
from noki.db.models import OrderRow
from noki.db.models_lifecycle import OrderEventRow
from noki.domain.lifecycle import Event, EventError, EventRejected, parse_events
from noki.domain.lifecycle.events import EtaEvent
from noki.services.draft_worker import draft_inline
from noki.services.eta_scope import ScopeTooLarge
from noki.services.lifecycle_apply import Outcome, apply_to_order
from noki.services.orders import scoped_eta
from noki.services.transitions import Stale, _retryable, lock_orders

ATTEMPTS = 5


@dataclass(frozen=True)
class Applied:
    """One event that changed noki's view of its order(s)."""

    index: int
    event_id: str
    kind: str
    order_id: str | None
    orders_affected: int
    state_from: str | None = None
    state_to: str | None = None


@dataclass(frozen=True)
class Duplicate:
    """An event whose event_id was applied before (now or in an earlier request)."""

    index: int
    event_id: str


@dataclass
class ApplyResult:
    """What a batch of events did: applied, duplicates, and errors by index/event_id/field."""

    applied: list[Applied] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    errors: list[EventError] = field(default_factory=list)
    job_ids: list[int] = field(default_factory=list)
    drafted: int = 0

    def as_json(self) -> dict[str, Any]:
        """The API's answer body."""
        return {
            "applied": [a.__dict__ for a in self.applied],
            "duplicates": [d.__dict__ for d in self.duplicates],
            "errors": [e.model_dump() for e in self.errors],
            "drafted": self.drafted,
        }


def apply_events(
    ctx: AppContext,
    events: list[Any],
    *,
    actor: str,
    source: str,
    auto_send: bool | None = None,
) -> ApplyResult:
    """Validate and apply events in order; each one applied once per event_id.

    `source` is how they reached noki (api, cli, self_service, console); an event without its
    own `source` field gets it. Template notices are drafted inline afterwards.
    """
    send = ctx.settings.auto_send if auto_send is None else auto_send
    raws = [
        {**raw, "source": source} if isinstance(raw, dict) and "source" not in raw else raw
        for raw in events
    ]
    good, errors = parse_events(raws)
    result = ApplyResult(errors=list(errors))
    for index, event in good:
        try:
            outcome = _apply_with_retries(ctx, event, actor=actor, auto_send=send)
        except EventRejected as exc:
            result.errors.append(EventError(index=index, event_id=exc.event_id,
                                            field=exc.field, message=exc.message))
            continue
        if outcome is None:
            result.duplicates.append(Duplicate(index, event.event_id))
            continue
        result.applied.append(Applied(index, event.event_id, event.kind, outcome.order_id,
                                      outcome.orders_affected, outcome.state_from,
                                      outcome.state_to))
        result.job_ids += outcome.job_ids
    result.errors.sort(key=lambda e: e.index)
    result.drafted = draft_inline(ctx, result.job_ids)
    return result


def _apply_with_retries(
    ctx: AppContext, event: Event, *, actor: str, auto_send: bool
) -> Outcome | None:
    """One event's transaction, run again when a concurrent writer got in between."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _apply_one(ctx, event, actor=actor, auto_send=auto_send)
        except (Stale, IntegrityError, DBAPIError) as exc:
            # The same event_id posted at the same moment: the other one committed first.
            if _seen_committed(ctx, event.event_id):
                return None
            if attempt == ATTEMPTS or (
                isinstance(exc, DBAPIError) and not _retryable(exc)
            ):
                raise
            time.sleep(0.01 * attempt)
    raise AssertionError("unreachable")


def _apply_one(
    ctx: AppContext, event: Event, *, actor: str, auto_send: bool
) -> Outcome | None:
    """None when the event_id was applied before."""
    with session_scope(ctx.engine) as s:
        if isinstance(event, EtaEvent) and event.order_id is None:
            return _apply_scoped(ctx, s, event, actor=actor, auto_send=auto_send)
        order_id = event.order_id
        assert order_id is not None
        lock_orders(s, [order_id])
        if _seen(s, event.event_id):  # read after the lock: a concurrent twin has committed
            return None
        row = s.get(OrderRow, order_id, populate_existing=True)
        if row is None:
            raise EventRejected(event.event_id, "order_id", f"no order {order_id} in noki")
        outcome = apply_to_order(ctx, s, row, event, actor=actor, auto_send=auto_send)
        _store(s, event, actor=actor, ctx=ctx, affected=1)
        return outcome


def _apply_scoped(
    ctx: AppContext, s: Session, event: EtaEvent, *, actor: str, auto_send: bool
) -> Outcome | None:
    """An ETA for every open, waiting order of a SKU or purchase order."""
    key = "sku_id" if event.sku_id is not None else "po_ref"
    value = event.sku_id if event.sku_id is not None else event.po_ref
    assert value is not None
    if _seen(s, event.event_id):
        return None
    try:
        report = scoped_eta(
            ctx, s, key, value, event.eta, as_of=event.as_of, actor=actor, auto_send=auto_send,
            max_scope=ctx.settings.eta_event_max_orders, event_id=event.event_id,
            source=event.source,
        )
    except ScopeTooLarge as exc:
        raise EventRejected(event.event_id, key, f"{exc}; POST /api/events/eta with "
                            "confirm_scope=true applies it") from exc
    if _seen(s, event.event_id):  # the locks were taken in scoped_eta: check again
        s.rollback()
        return None
    _store(s, event, actor=actor, ctx=ctx, affected=report.updated)
    return Outcome(order_id=None, orders_affected=report.updated, job_ids=report.job_ids)


def _seen(s: Session, event_id: str) -> bool:
    return s.exec(
        select(OrderEventRow.id).where(OrderEventRow.event_id == event_id)
    ).first() is not None


def _seen_committed(ctx: AppContext, event_id: str) -> bool:
    with session_scope(ctx.engine) as s:
        return _seen(s, event_id)


def _store(s: Session, event: Event, *, actor: str, ctx: AppContext, affected: int) -> None:
    """The event row; its unique event_id makes a concurrent twin fail at commit."""
    s.add(OrderEventRow(
        event_id=event.event_id,
        kind=event.kind,
        order_id=getattr(event, "order_id", None),
        payload=event.model_dump(mode="json", exclude_none=True),
        source=event.source,
        actor=actor[:80],
        occurred_at=event.occurred_at,
        received_at=ctx.clock.now(),
        orders_affected=affected,
    ))
    s.flush()
