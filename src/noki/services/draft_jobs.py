"""Draft jobs: queued with each decision, claimed by draft workers, stored in short transactions.

Nothing here calls the model: claim() and store() are each one short transaction, and the
worker drafts in between with no transaction open.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, func, or_, update
from sqlmodel import Session, col, select

from noki.db import session_scope, table
from noki.db.bulk import insert_rows
from noki.db.clock import utcnow
from noki.db.lease import LeasedTable, new_lease
from noki.db.lease import claim as lease_claim
from noki.db.models import DecisionRow, DraftJob, DraftRow, OrderRow
from noki.domain.decision import Decision
from noki.domain.draft import Draft
from noki.domain.order import Order
from noki.services import draft_store
from noki.services.drafts import AUTO_SENDER, approve_row
from noki.services.transitions import lock_orders

ACTIVE = ("queued", "running")
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class NewJob:
    """What to draft: the order's decision, why, and whether to send it without review."""

    order_id: str
    decision_id: int
    kind: str
    auto_send: bool = False
    actor: str = "system"
    event_id: str | None = None  # the lifecycle event the notice is about
    nothing_new: bool = False  # a follow-up with nothing new to say (short text)


@dataclass(frozen=True)
class ClaimedJob:
    """A job this worker holds a lease on, with the facts to draft from."""

    id: int
    order_id: str
    decision_id: int
    kind: str
    auto_send: bool
    actor: str
    attempts: int
    token: str
    order: Order
    decision: Decision
    event_id: str | None = None
    nothing_new: bool = False


@dataclass
class StoreReport:
    """What storing a batch did."""

    stored: int = 0
    dropped: int = 0
    failed: int = 0
    retried: int = 0
    draft_ids: list[int] | None = None


def enqueue(session: Session, jobs: Sequence[NewJob]) -> list[int]:
    """Queue draft jobs inside the caller's transaction (one statement); returns their ids."""
    if not jobs:
        return []
    now = utcnow()
    return insert_rows(
        session,
        table(DraftJob),
        [
            {
                "order_id": j.order_id,
                "decision_id": j.decision_id,
                "kind": j.kind,
                "first": False,
                "auto_send": j.auto_send,
                "actor": j.actor,
                "event_id": j.event_id,
                "nothing_new": j.nothing_new,
                "status": "queued",
                "attempts": 0,
                "created_at": now,
            }
            for j in jobs
        ],
        ids=True,
    )


def drop_for_orders(session: Session, order_ids: Iterable[str]) -> int:
    """Drop the queued or running jobs of orders that are being re-decided.

    Runs BEFORE the open drafts are superseded: a worker that already stored its draft has
    committed it (superseded next); one that has not will find its job dropped and store nothing.
    """
    ids = list(order_ids)
    if not ids:
        return 0
    result = session.execute(
        update(DraftJob)
        .where(col(DraftJob.order_id).in_(ids), col(DraftJob.status).in_(ACTIVE))
        .values(status="dropped", error="superseded by a newer decision", finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _claimable(now: datetime) -> ColumnElement[bool]:
    """Queued, or leased by a worker that never came back."""
    return or_(col(DraftJob.status) == "queued", JOBS.expired(now))


JOBS = LeasedTable(DraftJob, "running", _claimable)


def claim(
    engine: Engine,
    *,
    worker: str,
    limit: int,
    lease_seconds: float,
    only: Sequence[int] | None = None,
) -> list[ClaimedJob]:
    """Lease up to `limit` jobs (noki.db.lease: SKIP LOCKED on PostgreSQL, BEGIN IMMEDIATE on
    SQLite) with their orders and decisions; `only` restricts the claim to given job ids (an
    ingest drafting its own jobs inline)."""
    lease = new_lease(worker, lease_seconds)
    pick = select(DraftJob.id).where(_claimable(lease.now))
    if only is not None:
        pick = pick.where(col(DraftJob.id).in_(list(only)))
    pick = pick.order_by(col(DraftJob.id)).limit(limit)
    j = DraftJob
    returning = (col(j.order_id), col(j.decision_id), col(j.kind), col(j.auto_send),
                 col(j.actor), col(j.attempts), col(j.event_id), col(j.nothing_new))
    return lease_claim(engine, JOBS, lease, pick=pick, returning=returning,
                       build=lambda conn, rows: _with_facts(conn, rows, lease.token)) or []


def _with_facts(conn: Connection, rows: Sequence[Any], token: str) -> list[ClaimedJob]:
    """The claimed jobs with their orders and decisions (read in the claim's transaction)."""
    orders: dict[str, Any] = dict(
        conn.execute(
            select(OrderRow.order_id, OrderRow.payload).where(
                col(OrderRow.order_id).in_({r[1] for r in rows})
            )
        ).all()
    )
    decisions: dict[int, Any] = dict(
        conn.execute(
            select(DecisionRow.id, DecisionRow.payload).where(
                col(DecisionRow.id).in_({r[2] for r in rows})
            )
        ).all()
    )
    return [
        ClaimedJob(
            id=int(r[0]), order_id=r[1], decision_id=r[2], kind=r[3], auto_send=r[4],
            actor=r[5], attempts=r[6], token=token,
            order=Order.model_validate(orders[r[1]]),
            decision=Decision.model_validate(decisions[r[2]]),
            event_id=r[7], nothing_new=bool(r[8]),
        )
        for r in rows
    ]


def store(
    engine: Engine, jobs: Sequence[ClaimedJob], made: dict[int, Draft | BaseException]
) -> StoreReport:
    """Store the drafts of the jobs this worker still holds, in one short transaction.

    A job that was dropped meanwhile (its order re-decided) or whose decision is no longer the
    order's newest stores nothing: a draft for a superseded decision never reaches the queue.
    """
    report = StoreReport(draft_ids=[])
    if not jobs:
        return report
    now = utcnow()
    ok = [j for j in jobs if isinstance(made.get(j.id), Draft)]
    bad = [j for j in jobs if not isinstance(made.get(j.id), Draft)]
    with session_scope(engine) as s:
        # Same lock order as ingest and ETA events (orders, then jobs): a re-decision of these
        # orders either committed before (the job is dropped) or waits until this is stored.
        lock_orders(s, [j.order_id for j in ok])
        held = _finish(s, ok, now)  # compare-and-set first: it takes the write lock
        latest = draft_store.latest_decisions(s, {j.order_id for j in ok if j.id in held})
        keep = [j for j in ok if j.id in held and latest.get(j.order_id) == j.decision_id]
        kept = {j.id for j in keep}
        stale = [j.id for j in ok if j.id in held and j.id not in kept]
        if stale:
            s.execute(
                update(DraftJob)
                .where(col(DraftJob.id).in_(stale))
                .values(status="dropped", error="a newer decision exists")
                .execution_options(synchronize_session=False)
            )
        report.dropped = len(ok) - len(keep)
        stored = draft_store.insert_drafts(s, keep, made, now)
        report.stored = len(stored)
        report.draft_ids = [d.id for d in stored]
        auto = [d.id for job, d in zip(keep, stored, strict=True) if job.auto_send and d.eligible]
        if auto:  # auto-send jobs (API with auto_send): approved in the same transaction
            for row in s.exec(select(DraftRow).where(col(DraftRow.id).in_(auto))
                              .order_by(col(DraftRow.id))).all():
                approve_row(s, row, actor=AUTO_SENDER, role="admin")
        for job in bad:
            failed = job.attempts >= MAX_ATTEMPTS
            hit = s.execute(
                update(DraftJob)
                .where(col(DraftJob.id) == job.id, JOBS.held(job.token))
                .values(status="failed" if failed else "queued", lease_until=None,
                        error=_error(made.get(job.id)))
                .execution_options(synchronize_session=False)
            )
            if hit.rowcount == 1:  # type: ignore[attr-defined]
                report.failed += failed
                report.retried += not failed
    return report


def _error(outcome: object) -> str:
    if isinstance(outcome, BaseException):
        return f"{type(outcome).__name__}: {outcome}"[:2000]
    return "not drafted"


def _finish(s: Session, jobs: list[ClaimedJob], now: datetime) -> set[int]:
    """Mark done the jobs still leased to this worker; returns their ids."""
    if not jobs:
        return set()
    token = jobs[0].token
    rows = s.execute(
        update(DraftJob)
        .where(
            col(DraftJob.id).in_([j.id for j in jobs]), JOBS.held(token)
        )
        .values(status="done", lease_until=None, finished_at=now)
        .returning(col(DraftJob.id))
        .execution_options(synchronize_session=False)
    ).all()
    return {r[0] for r in rows}


def pending_count(engine: Engine) -> int:
    """Jobs waiting or running (for progress and `noki work --drain`)."""
    with Session(engine) as s:
        return int(
            s.exec(select(func.count()).where(col(DraftJob.status).in_(ACTIVE))).one()
        )
