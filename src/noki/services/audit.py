"""Append-only audit log writes (inside the caller's transaction)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

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
