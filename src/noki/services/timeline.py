"""The order timeline: an append-only story per order, written inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlmodel import Session, col, select

from noki.db.clock import utcnow
from noki.db.models_lifecycle import TimelineEntry

TimelineKind = Literal[
    "event", "state", "decision", "draft", "review", "message", "choice", "grant", "escalation",
    "webhook", "note",
]
KINDS: frozenset[str] = frozenset(TimelineKind.__args__)  # type: ignore[attr-defined]


def add(
    session: Session,
    order_id: str,
    kind: TimelineKind | str,
    summary: str,
    *,
    at: datetime | None = None,
    actor: str = "system",
    source: str | None = None,
    state_from: str | None = None,
    state_to: str | None = None,
    ref: str | int | None = None,
    detail: dict[str, Any] | None = None,
) -> TimelineEntry:
    """Append one entry (summary: one Japanese line for people); commits with the use case."""
    if kind not in KINDS:
        raise ValueError(f"timeline kind {kind!r}; expected one of {', '.join(sorted(KINDS))}")
    entry = TimelineEntry(
        order_id=order_id,
        at=at or utcnow(),
        kind=kind,
        actor=actor[:80],
        source=source,
        state_from=state_from,
        state_to=state_to,
        ref=None if ref is None else str(ref)[:100],
        summary=summary,
        detail=detail or {},
    )
    session.add(entry)
    return entry


def for_order(session: Session, order_id: str) -> list[TimelineEntry]:
    """The order's entries, oldest first (insertion order breaks ties of the same instant)."""
    return list(
        session.exec(
            select(TimelineEntry)
            .where(TimelineEntry.order_id == order_id)
            .order_by(col(TimelineEntry.at), col(TimelineEntry.id))
        ).all()
    )
