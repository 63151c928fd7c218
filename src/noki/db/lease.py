"""Leased claims, the one mechanism every work queue uses (draft jobs, outbox messages).

A worker leases a batch of rows: on PostgreSQL it picks their ids with FOR UPDATE SKIP LOCKED
(workers on many machines skip each other's rows instead of waiting), on SQLite BEGIN IMMEDIATE
takes the single write lock before the pick; then one UPDATE ... RETURNING marks them leased to
its token. A lease that runs out (a killed worker) makes its rows claimable again, and every
later write of the worker re-checks its token (`held`), so a row is never finished twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, Engine, Select, and_, bindparam, update
from sqlmodel import col

from noki.db.clock import utcnow
from noki.db.engine import is_postgres

T = TypeVar("T")


@dataclass(frozen=True)
class Lease:
    """Who holds the rows of one claim (a token unique to the claim), since when, until when."""

    token: str
    now: datetime
    until: datetime


def new_lease(worker: str, seconds: float) -> Lease:
    """A fresh lease token for `worker`, valid `seconds` from now."""
    now = utcnow()
    return Lease(f"{worker}:{uuid.uuid4().hex[:12]}", now, now + timedelta(seconds=seconds))


@dataclass(frozen=True)
class LeasedTable:
    """A queue table: its model (id, status, lease_until, claimed_by, attempts) and states."""

    model: Any
    leased: str  # the status of a row under lease ("running", "sending")
    due: Callable[[datetime], ColumnElement[bool]]  # claimable now (incl. expired leases)

    def expired(self, now: datetime) -> ColumnElement[bool]:
        """Leased by a worker that never came back (its lease ran out)."""
        m = self.model
        return and_(col(m.status) == self.leased, col(m.lease_until) < now)

    def held(self, token: str) -> ColumnElement[bool]:
        """Still leased to this claim: the compare-and-set every result write carries."""
        m = self.model
        return and_(col(m.claimed_by) == token, col(m.status) == self.leased)


def claim(
    engine: Engine,
    queue: LeasedTable,
    lease: Lease,
    *,
    pick: Select[Any],
    returning: Sequence[Any],
    build: Callable[[Connection, Sequence[Any]], T],
) -> T | None:
    """Lease the rows `pick` selects (ids, already limited and ordered); None when none.

    `build` turns the leased rows into the worker's objects inside the same short transaction
    (it may read more, e.g. the orders of draft jobs).
    """
    m = queue.model
    if is_postgres(engine):
        pick = pick.with_for_update(skip_locked=True, of=m)
    stmt = (
        update(m)
        .where(col(m.id).in_(bindparam("ids", expanding=True)), queue.due(lease.now))
        .values(status=queue.leased, lease_until=lease.until, claimed_by=lease.token,
                attempts=col(m.attempts) + 1)
        .returning(col(m.id), *returning)
    )
    with engine.begin() as conn:
        raw = conn.connection.dbapi_connection
        if not is_postgres(engine) and raw is not None and not raw.in_transaction:
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # SQLite: the write lock before the pick
        # Pick first, then update the picked ids: an IN (subquery ... SKIP LOCKED) may be
        # re-run by PostgreSQL per row and would then claim more than the limit.
        picked = list(conn.execute(pick).scalars())
        if not picked:
            return None
        rows = sorted(conn.execute(stmt, {"ids": picked}).all(), key=lambda r: r[0])
        if not rows:
            return None
        return build(conn, rows)


def renew(engine: Engine, queue: LeasedTable, row_id: int, token: str, seconds: float) -> bool:
    """Extend this claim's lease on one row right before its hand-off; False when it was lost.

    A batch is leased at once but handled row by row: renewing each row as its turn comes keeps
    a slow batch's last rows from expiring while they wait and being handled twice.
    """
    m = queue.model
    with engine.begin() as conn:
        hit = conn.execute(
            update(m)
            .where(col(m.id) == row_id, queue.held(token))
            .values(lease_until=utcnow() + timedelta(seconds=seconds))
        )
    return hit.rowcount == 1
