"""One order, one story: the order timeline with every draft, review and message of the order.

Entries written to `order_timeline` are shown as they are; draft versions, reviews (with their
reasons) and messages are added from their own tables for the kinds the timeline does not hold
yet, so a rejection's reason stays visible after the next follow-up is drafted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from noki.db.models import DraftRow, OutboxMessage, Review, TimelineEntry

LIMIT = 500  # entries shown; an order with more has a story too long for one page


@dataclass(frozen=True)
class StoryEntry:
    """One line of the story."""

    at: datetime
    kind: str  # order_timeline kinds
    actor: str
    summary: str
    reason: str = ""
    draft_id: int | None = None
    state_from: str | None = None
    state_to: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def story(engine: Engine, order_id: str) -> list[StoryEntry]:
    """The order's story, oldest first."""
    with Session(engine) as s:
        timeline = s.exec(
            select(TimelineEntry).where(col(TimelineEntry.order_id) == order_id)
            .order_by(col(TimelineEntry.at), col(TimelineEntry.id)).limit(LIMIT)
        ).all()
        out = [StoryEntry(t.at, t.kind, t.actor, t.summary, str((t.detail or {}).get(
            "reason", "")), _ref_id(t.ref), t.state_from, t.state_to, dict(t.detail or {}))
            for t in timeline]
        held = {t.kind for t in timeline}
        drafts = s.exec(select(DraftRow).where(col(DraftRow.order_id) == order_id)
                        .order_by(col(DraftRow.id))).all()
        if "draft" not in held:
            out += [StoryEntry(d.created_at, "draft", d.author, _drafted(d), draft_id=d.id,
                               detail={"kind": d.kind, "version": d.version})
                    for d in drafts]
        ids = [d.id for d in drafts]
        if "review" not in held and ids:
            for r in s.exec(select(Review).where(col(Review.draft_id).in_(ids))).all():
                out.append(StoryEntry(r.created_at, "review", r.actor, _reviewed(r.action),
                                      r.reason or "", r.draft_id, detail={"action": r.action}))
        if "message" not in held:
            for m in s.exec(select(OutboxMessage).where(col(OutboxMessage.order_id) == order_id)
                            ).all():
                out.append(StoryEntry(m.sent_at or m.created_at, "message", "system",
                                      _messaged(m), "", m.draft_id,
                                      detail={"status": m.status, "channel": m.channel}))
    out.sort(key=lambda e: (e.at.replace(tzinfo=None), e.kind))
    return out[-LIMIT:]


def _ref_id(ref: str | None) -> int | None:
    return int(ref) if ref and ref.isdigit() else None


KINDS = {"initial": "初回", "eta_change": "入荷予定変更", "followup": "定期連絡",
         "overdue": "予定超過", "shipped": "出荷", "cancelled": "取消・返金",
         "partially_shipped": "部分出荷", "choice_confirmation": "ご選択内容の確認",
         "answer": "回答"}
ACTIONS = {"approve": "承認しました", "bulk_approve": "一括承認しました", "reject": "却下しました",
           "edit": "編集しました", "edited": "編集しました", "regenerate": "再作成しました",
           "regenerated": "再作成しました", "auto_send": "自動送信しました"}
STATUSES = {"pending": "送信待ち", "sending": "送信中", "sent": "送信しました",
            "dead": "送信できませんでした", "cancelled": "送信を取り消しました"}


def _drafted(d: DraftRow) -> str:
    who = {"template": "テンプレートで", "llm": "LLM で", "agent": "担当者が編集して"}
    return f"{KINDS.get(d.kind, '連絡')}の下書き（版 {d.version}）を{who.get(d.drafter, '')}作成"


def _reviewed(action: str) -> str:
    return ACTIONS.get(action, "確認しました")


def _messaged(m: OutboxMessage) -> str:
    channel = "メール" if m.channel == "email" else "SMS"
    return f"{channel}を{STATUSES.get(m.status, '処理')}"
