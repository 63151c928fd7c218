"""What `noki tick` asks before writing to a customer again: waiting work, news, the weekly cap."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from noki.db.models import DraftJob, DraftRow, OrderRow, OutboxMessage
from noki.db.models_lifecycle import TimelineEntry
from noki.domain.order import TOKYO
from noki.services import draft_jobs
from noki.services.drafts import OPEN

# Timeline kinds that are news for the customer (a follow-up after them is not "nothing new").
NEWS = ("event", "state", "choice", "grant")


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), TOKYO).astimezone(UTC)


def work_waiting(s: Session, order_id: str) -> bool:
    """A draft or a draft job of the order is still open: nothing new is written meanwhile."""
    drafts = s.exec(select(func.count()).where(
        DraftRow.order_id == order_id, col(DraftRow.status).in_(OPEN))).one()
    jobs = s.exec(select(func.count()).where(
        DraftJob.order_id == order_id, col(DraftJob.status).in_(draft_jobs.ACTIVE))).one()
    return bool(drafts or jobs)


def sent_since(s: Session, order_id: str, day: date) -> bool:
    """A notice of the order was sent on or after this day."""
    return bool(s.exec(select(func.count()).where(
        OutboxMessage.order_id == order_id, OutboxMessage.status == "sent",
        col(OutboxMessage.sent_at) >= _start_of(day))).one())


def notices_this_week(s: Session, customer_id: str, now: datetime) -> int:
    """Notices (one per draft, e-mail and SMS together) sent to the customer in 7 days."""
    return int(s.exec(
        select(func.count(func.distinct(OutboxMessage.draft_id)))
        .join(OrderRow, col(OrderRow.order_id) == col(OutboxMessage.order_id))
        .where(OrderRow.customer_id == customer_id, OutboxMessage.status == "sent",
               col(OutboxMessage.sent_at) > now - timedelta(days=7))
    ).one())


def last_sent_at(s: Session, order_id: str) -> datetime | None:
    """When the order's customer was last written to."""
    return s.exec(select(func.max(OutboxMessage.sent_at)).where(
        OutboxMessage.order_id == order_id, OutboxMessage.status == "sent")).one()


def news_since(s: Session, order_id: str, since: datetime | None) -> bool:
    """An event, a state change, a choice or a grant since the last notice (or ever)."""
    query = select(func.count()).where(
        TimelineEntry.order_id == order_id, col(TimelineEntry.kind).in_(NEWS))
    if since is not None:
        query = query.where(col(TimelineEntry.at) > since)
    return bool(s.exec(query).one())


def held_by_rejection(s: Session, order_id: str, today: date) -> str | None:
    """The next step of the order's latest rejection when it still holds follow-ups back.

    hand_to_person holds until news arrives; not_this_time holds for the rest of its day.
    (hold_until_next_update moved the order's next update date when it was recorded.)
    """
    latest = s.exec(
        select(TimelineEntry).where(TimelineEntry.order_id == order_id,
                                    TimelineEntry.kind == "review")
        .order_by(col(TimelineEntry.at).desc(), col(TimelineEntry.id).desc()).limit(1)
    ).first()
    if latest is None:
        return None
    step = str(latest.detail.get("next_step", ""))
    at = latest.at if latest.at.tzinfo else latest.at.replace(tzinfo=UTC)
    if step == "hand_to_person" and not news_since(s, order_id, at):
        return step
    if step == "not_this_time" and at.astimezone(TOKYO).date() == today:
        return step
    return None
