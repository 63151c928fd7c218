"""Compare-and-set state changes, per-order write locks and bounded retries for use cases.

Every draft or message state change goes through `move_draft` / `move_message`: one
`UPDATE ... WHERE id = :id AND status = :seen [AND row_version = :v]` whose row count is
checked, so two requests that read the same state can never both act on it. `lock_orders`
starts a writing transaction the same way on both databases (the order rows locked on
PostgreSQL, the write lock taken up front on SQLite), so the status a use case checks is read
inside the transaction that changes it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, col, select

from noki.db.models import DraftRow, OrderRow, OutboxMessage
from noki.services.errors import Conflict

T = TypeVar("T")
RETRIES = 4
# PostgreSQL's deadlock_detected and serialization_failure: safe to run the use case again.
_RETRYABLE_SQLSTATES = {"40P01", "40001"}


class Stale(Conflict):
    """The row changed after it was read: someone else acted first."""


def lock_orders(session: Session, order_ids: Iterable[str]) -> None:
    """Serialise every draft change of these orders until the transaction ends.

    Call it before reading the state a decision depends on. PostgreSQL: the order rows are
    locked in order_id order (two events never deadlock on each other). SQLite: the
    transaction takes the database's write lock now (BEGIN IMMEDIATE), so every read after
    this sees the newest commit and no other writer can slip in between read and write.
    """
    ids = sorted(set(order_ids))
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        return
    if ids:
        session.execute(
            select(OrderRow.order_id)
            .where(col(OrderRow.order_id).in_(ids))
            .order_by(col(OrderRow.order_id))
            .with_for_update()
        )


def load_draft(session: Session, draft_id: int) -> DraftRow | None:
    """The draft as committed now (not a copy the session read before the lock)."""
    return session.get(DraftRow, draft_id, populate_existing=True)


def try_move_draft(session: Session, row: DraftRow, *, to: str, **values: Any) -> bool:
    """Change the draft's status from the one read to `to`; False when it changed meanwhile.

    One UPDATE ... WHERE id AND status = seen AND row_version = seen; the row is refreshed
    either way, so the caller sees what the draft is now.
    """
    assert row.id is not None
    hit = session.execute(
        update(DraftRow)
        .where(
            col(DraftRow.id) == row.id,
            col(DraftRow.status) == row.status,
            col(DraftRow.row_version) == row.row_version,
        )
        .values(status=to, row_version=col(DraftRow.row_version) + 1, **values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(row)
    return bool(hit.rowcount == 1)  # type: ignore[attr-defined]


def move_draft(session: Session, row: DraftRow, *, to: str, **values: Any) -> None:
    """Like try_move_draft, but a lost race is a Conflict for the caller."""
    if not try_move_draft(session, row, to=to, **values):
        raise Stale(f"draft {row.id} is now {row.status}; reload the page and try again")


def move_message(
    session: Session, message_id: int, *, seen: tuple[str, ...], to: str, **values: Any
) -> bool:
    """Change a message's status if it is still one of `seen`; False when it was not."""
    hit = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.status).in_(seen))
        .values(status=to, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(hit.rowcount == 1)  # type: ignore[attr-defined]


def retrying(run: Callable[[], T], *, attempts: int = RETRIES) -> T:
    """Run a use case again when a concurrent writer made it fail (unique index, deadlock).

    The use case re-reads everything on each try; a Stale or other ServiceError is final.
    """
    for attempt in range(1, attempts + 1):
        try:
            return run()
        except (IntegrityError, DBAPIError) as exc:
            if attempt == attempts or not _retryable(exc):
                raise
            time.sleep(0.01 * attempt)
    raise AssertionError("unreachable")


def _retryable(exc: DBAPIError) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    code = getattr(exc.orig, "sqlstate", None)
    return code in _RETRYABLE_SQLSTATES
