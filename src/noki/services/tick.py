"""Due work: a follow-up notice when an order's next update date comes and nothing was sent."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import func
from sqlmodel import col, select

from noki.app import AppContext
from noki.db import session_scope
from noki.db.models import DraftJob, DraftRow, OrderRow, OutboxMessage
from noki.domain.order import TOKYO, Order
from noki.services import audit, draft_jobs
from noki.services.draft_jobs import NewJob
from noki.services.draft_worker import draft_inline
from noki.services.drafts import OPEN, SYSTEM, store_decision
from noki.services.orders import payload_digest
from noki.services.transitions import lock_orders


def tick(ctx: AppContext, *, today: date | None = None, auto_send: bool = False) -> int:
    """Queue a follow-up for every due order (drafted inline with templates); returns how many."""
    engine = ctx.engine
    today = today or ctx.clock.today()
    job_ids: list[int] = []
    with session_scope(engine) as s:
        due = s.exec(
            select(OrderRow.order_id).where(
                OrderRow.status == "open", col(OrderRow.next_update_date) <= today
            )
        ).all()
    for order_id in due:
        with session_scope(engine) as s:
            lock_orders(s, [order_id])
            row = s.get(OrderRow, order_id, populate_existing=True)
            if row is None or row.next_update_date is None or row.next_update_date > today:
                continue  # another ticker got here first
            waiting = s.exec(
                select(func.count()).where(
                    DraftRow.order_id == order_id, col(DraftRow.status).in_(OPEN)
                )
            ).one() + s.exec(
                select(func.count()).where(
                    DraftJob.order_id == order_id, col(DraftJob.status).in_(draft_jobs.ACTIVE)
                )
            ).one()
            since = datetime.combine(row.next_update_date, time(0), TOKYO).astimezone(UTC)
            sent = s.exec(
                select(func.count()).where(
                    OutboxMessage.order_id == order_id,
                    OutboxMessage.status == "sent",
                    col(OutboxMessage.sent_at) >= since,
                )
            ).one()
            if waiting or sent:
                continue
            order = Order.model_validate(row.payload).model_copy(update={"as_of": today})
            row.payload = order.model_dump(mode="json")
            row.payload_hash = payload_digest(row.payload)
            decision = ctx.rules.decide(order)
            drow = store_decision(s, row, decision, actor=SYSTEM)
            audit.record(s, actor=SYSTEM, action="follow_up_due", order_id=order_id)
            assert drow.id is not None
            if decision.notice_purpose == "none":
                continue  # on time again: no follow-up notice to write
            job_ids += draft_jobs.enqueue(
                s, [NewJob(order_id, drow.id, "followup", auto_send=auto_send)]
            )
    draft_inline(ctx, job_ids)
    return len(job_ids)
