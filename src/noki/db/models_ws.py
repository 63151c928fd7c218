"""The agent's workspace: queue sort indexes over pending drafts and draft presence."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from noki.db.clock import utcnow

_PENDING: dict[str, Any] = {
    "postgresql_where": text("status = 'pending'"),
    "sqlite_where": text("status = 'pending'"),
}
# One partial index per queue sort, so a sorted page is an ordered index scan + LIMIT, never a
# sort of the whole queue (100,000 pending drafts: docs/performance.md).
QUEUE_SORT_INDEXES = (
    Index("ix_drafts_q_urgency", "urgency", "need_by", "queued_at", "id", **_PENDING),
    Index("ix_drafts_q_need_by", "need_by", "id", **_PENDING),
    Index("ix_drafts_q_delay", "delay_days", "id", **_PENDING),
    Index("ix_drafts_q_next_contact", "next_contact", "id", **_PENDING),
    Index("ix_drafts_q_waiting", "queued_at", "id", **_PENDING),
    Index("ix_drafts_assigned_to", "assigned_to", **_PENDING),
)


class DraftPresence(SQLModel, table=True):
    """Who has a draft open (viewing or editing), refreshed by a heartbeat from the page."""

    __tablename__ = "draft_presence"
    __table_args__ = (UniqueConstraint("root_id", "username", name="uq_presence_root_user"),)
    id: int | None = Field(default=None, primary_key=True)
    root_id: int = Field(index=True)  # every version of one notice shares its presence
    username: str = Field(max_length=80)
    display_name: str = Field(default="", max_length=120)
    mode: str = Field(default="view", max_length=8)  # view | edit
    seen_at: datetime = Field(default_factory=utcnow)
