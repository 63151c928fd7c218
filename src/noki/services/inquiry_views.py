"""What the console shows beside an answer draft and in the queue: the customer's message, the
thread of the order (notices sent, other inquiries) and the first-response (SLA) clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from noki.db.models import DraftRow, InquiryRow, OutboxMessage


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite returns naive UTC


@dataclass(frozen=True)
class Sla:
    """Minutes from receipt to the first response (or to now), against the target."""

    minutes: int
    target: int
    answered: bool

    @property
    def over(self) -> bool:
        """The target passed (answered late, or still waiting past it)."""
        return self.minutes > self.target

    @property
    def text(self) -> str:
        """「2時間05分」."""
        return f"{self.minutes // 60}時間{self.minutes % 60:02d}分"


def sla(row: InquiryRow, *, now: dt.datetime, target: int) -> Sla:
    """The inquiry's SLA clock: it stops at the first response."""
    end = _aware(row.first_response_at or now)
    minutes = max(0, int((end - _aware(row.received_at)).total_seconds() // 60))
    return Sla(minutes, target, row.first_response_at is not None)


@dataclass(frozen=True)
class ThreadItem:
    """One mail of the order's conversation, oldest first."""

    at: dt.datetime
    direction: str  # out (noki sent) | in (the customer wrote)
    subject: str
    text: str
    ref: str  # draft or inquiry link
    current: bool = False


@dataclass(frozen=True)
class InquiryPanel:
    """The inquiry beside its answer draft."""

    inquiry: InquiryRow
    sla: Sla
    thread: list[ThreadItem]


def panel(engine: Engine, draft: DraftRow, *, now: dt.datetime, target: int,
          ) -> InquiryPanel | None:
    """The customer's message, the order's thread and the SLA clock for an answer draft."""
    with Session(engine) as s:
        inq = s.exec(select(InquiryRow).where(InquiryRow.answer_draft_id == draft.root_id)).first()
        if inq is None:
            return None
        sent = s.exec(select(OutboxMessage).where(
            OutboxMessage.order_id == draft.order_id, OutboxMessage.status == "sent",
            OutboxMessage.channel == "email")).all()
        others = s.exec(select(InquiryRow).where(InquiryRow.order_id == draft.order_id)).all()
    items = [ThreadItem(_aware(m.sent_at or m.created_at), "out", m.subject or "", m.body,
                        f"/drafts/{m.draft_id}") for m in sent]
    items += [ThreadItem(_aware(i.received_at), "in", i.subject, i.text,
                         f"/inquiries#inquiry-{i.id}", current=i.id == inq.id) for i in others]
    return InquiryPanel(inq, sla(inq, now=now, target=target), sorted(items, key=lambda x: x.at))


def queue_slas(engine: Engine, drafts: Iterable[DraftRow], *, now: dt.datetime,
               target: int) -> dict[int, Sla]:
    """The SLA clock of each answer draft on a queue page (by draft id)."""
    roots = {d.root_id: d.id for d in drafts if d.kind == "answer" and d.id is not None}
    if not roots:
        return {}
    with Session(engine) as s:
        rows = s.exec(select(InquiryRow).where(col(InquiryRow.answer_draft_id).in_(roots))).all()
    return {int(roots[r.answer_draft_id] or 0): sla(r, now=now, target=target)
            for r in rows if r.answer_draft_id in roots}


def unmatched_count(engine: Engine) -> int:
    """Inquiries waiting for a person to match them to an order."""
    from sqlalchemy import func

    with Session(engine) as s:
        return int(s.exec(select(func.count()).select_from(InquiryRow)
                          .where(InquiryRow.state == "unlinked")).one())
