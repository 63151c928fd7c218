"""Append-only audit log writes (inside the caller's transaction)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from noki.db import table
from noki.db.bulk import insert_rows
from noki.db.clock import utcnow
from noki.db.models import AuditEvent


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    order_id: str | None = None,
    draft_id: int | None = None,
    message_id: int | None = None,
    **detail: Any,
) -> None:
    """Add one audit event; it commits or rolls back with the use case."""
    session.add(
        AuditEvent(
            actor=actor,
            action=action,
            order_id=order_id,
            draft_id=draft_id,
            message_id=message_id,
            detail=detail,
        )
    )


def event(
    *,
    actor: str,
    action: str,
    order_id: str | None = None,
    draft_id: int | None = None,
    message_id: int | None = None,
    at: datetime | None = None,
    **detail: Any,
) -> dict[str, Any]:
    """One audit event as a row for a bulk INSERT (same columns as record())."""
    return {
        "at": at or utcnow(),
        "actor": actor,
        "action": action,
        "order_id": order_id,
        "draft_id": draft_id,
        "message_id": message_id,
        "detail": detail,
    }


def record_many(session: Session, events: list[dict[str, Any]]) -> None:
    """Add many audit events in one statement (rows from event())."""
    insert_rows(session, table(AuditEvent), events)
