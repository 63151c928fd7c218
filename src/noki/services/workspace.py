"""The agent's workspace: internal notes, assignment and presence on drafts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from noki.db import session_scope
from noki.db.clock import utcnow
from noki.db.models import DraftPresence, DraftRow, OrderRow, TimelineEntry
from noki.services import audit
from noki.services.errors import Conflict, Invalid, NotFound
from noki.services.roles import Actor, require

NOTE_MAX = 2000
PRESENCE_SECONDS = 45  # a page beats every 15 s; three missed beats and it is gone


def add_note(engine: Engine, *, order_id: str, actor: Actor, text: str) -> int:
    """An internal note on the order's timeline (kind note), audited; returns its id."""
    require(actor, "draft.write")
    text = text.strip()
    if not text:
        raise Invalid("メモが空です。内容を入力してください。")
    if len(text) > NOTE_MAX:
        raise Invalid(f"メモは {NOTE_MAX} 文字以内で入力してください（{len(text)} 文字）。")
    with session_scope(engine) as s:
        if s.get(OrderRow, order_id) is None:
            raise NotFound(f"order {order_id} not found")
        row = TimelineEntry(order_id=order_id, kind="note", actor=actor.name, source="console",
                            summary=text[:200], detail={"text": text})
        s.add(row)
        s.flush()
        audit.record(s, actor=actor.name, action="note_added", order_id=order_id, note_id=row.id)
        assert row.id is not None
        return row.id


def assign(engine: Engine, *, draft_id: int, actor: Actor, to: str | None) -> int:
    """Assign the pending versions of a notice to a user (None: unassign); compare-and-set."""
    require(actor, "draft.write")
    with session_scope(engine) as s:
        row = s.get(DraftRow, draft_id)
        if row is None:
            raise NotFound(f"draft {draft_id} not found")
        moved = s.execute(
            update(DraftRow)
            .where(col(DraftRow.root_id) == row.root_id, col(DraftRow.status) == "pending")
            .values(assigned_to=to)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        if not moved:
            raise Conflict(f"draft {draft_id} is {row.status}")
        audit.record(s, actor=actor.name, action="assigned", order_id=row.order_id,
                     draft_id=draft_id, assigned_to=to)
        return int(moved)


@dataclass(frozen=True)
class Presence:
    """Someone else who has this notice open."""

    username: str
    display_name: str
    mode: str
    seen_at: datetime


def beat(engine: Engine, *, root_id: int, username: str, display_name: str, mode: str
         ) -> list[Presence]:
    """Record that this user has the notice open; return the others who do (any process)."""
    mode = "edit" if mode == "edit" else "view"
    now = utcnow()
    for _ in range(2):  # a concurrent first beat of the same user: the second try updates
        try:
            with session_scope(engine) as s:
                moved = s.execute(
                    update(DraftPresence)
                    .where(col(DraftPresence.root_id) == root_id,
                           col(DraftPresence.username) == username)
                    .values(mode=mode, seen_at=now, display_name=display_name)
                    .execution_options(synchronize_session=False)
                ).rowcount  # type: ignore[attr-defined]
                if not moved:
                    s.add(DraftPresence(root_id=root_id, username=username, mode=mode,
                                        display_name=display_name, seen_at=now))
            break
        except IntegrityError:
            continue
    return others(engine, root_id=root_id, username=username)


def others(engine: Engine, *, root_id: int, username: str) -> list[Presence]:
    """Other users whose page of this notice beat within the window."""
    since = utcnow() - timedelta(seconds=PRESENCE_SECONDS)
    with Session(engine) as s:
        rows = s.exec(
            select(DraftPresence).where(col(DraftPresence.root_id) == root_id,
                                        col(DraftPresence.username) != username,
                                        col(DraftPresence.seen_at) >= since)
            .order_by(col(DraftPresence.username))
        ).all()
        return [Presence(r.username, r.display_name or r.username, r.mode, r.seen_at)
                for r in rows]


def leave(engine: Engine, *, root_id: int, username: str) -> None:
    """The page was closed: forget this user's presence at once."""
    with session_scope(engine) as s:
        s.execute(delete(DraftPresence).where(col(DraftPresence.root_id) == root_id,
                                              col(DraftPresence.username) == username))
