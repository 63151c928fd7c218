"""Due work for open orders: one overdue escalation, or a follow-up when its date comes.

Only open orders are looked at (a shipped or cancelled order is never written to again).
An order past its latest ETA without news goes to a person once (rules/70_escalation.yaml),
never as a daily repeat of the old window. A follow-up respects rejections (their next step)
and the weekly cap per customer unless something changed; with nothing new it is marked so
the drafter writes the short text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from noki.app import AppContext
from noki.db import session_scope
from noki.db.models import EtaHistory, OrderRow
from noki.domain.decision import Decision
from noki.domain.lifecycle.states import WAITING_STATES
from noki.domain.order import Order
from noki.services import audit, draft_jobs, tick_checks, timeline
from noki.services.draft_jobs import NewJob
from noki.services.draft_worker import draft_inline
from noki.services.drafts import SYSTEM, store_decision, supersede_open
from noki.services.redecide import decide, payload_digest
from noki.services.transitions import lock_orders


@dataclass
class TickReport:
    """What one tick did."""

    followups: int = 0
    escalated: int = 0
    capped: int = 0
    held: int = 0
    job_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the CLI."""
        return (f"follow-ups drafted: {self.followups}, overdue escalated: {self.escalated}, "
                f"held by the weekly cap: {self.capped}, held by a rejection: {self.held}")


def tick(ctx: AppContext, *, today: date | None = None, auto_send: bool = False) -> int:
    """Queue follow-ups and escalations (drafted inline with templates); returns how many."""
    report = tick_report(ctx, today=today, auto_send=auto_send)
    return len(report.job_ids)


def tick_report(ctx: AppContext, *, today: date | None = None,
                auto_send: bool = False) -> TickReport:
    """One pass over the open orders whose next update date has come."""
    today = today or ctx.clock.today()
    report = TickReport()
    with session_scope(ctx.engine) as s:
        due = s.exec(
            select(OrderRow.order_id).where(
                OrderRow.status == "open",
                or_(col(OrderRow.next_update_date) <= today,
                    col(OrderRow.order_id).in_(_past_their_window(today))))
            .order_by(col(OrderRow.order_id))
        ).all()
    for order_id in due:
        with session_scope(ctx.engine) as s:
            lock_orders(s, [order_id])
            row = s.get(OrderRow, order_id, populate_existing=True)
            if row is None or row.status != "open":
                continue  # closed meanwhile
            followup_due = row.next_update_date is not None and row.next_update_date <= today
            if not followup_due and not _overdue_unescalated(row, today):
                continue  # another ticker got here first
            _one(ctx, s, row, today, auto_send, report, followup_due=followup_due)
    draft_inline(ctx, report.job_ids)
    return report


def _past_their_window(today: date) -> Any:
    """Open waiting orders never escalated whose current ETA window ended before today."""
    # Found whatever the next update date says: a rule author's long interval, or a rejection
    # holding the follow-up, must not hide an order whose window has passed.
    newest = select(func.max(EtaHistory.id)).group_by(col(EtaHistory.order_id))
    return (select(EtaHistory.order_id)
            .join(OrderRow, col(OrderRow.order_id) == col(EtaHistory.order_id))
            .where(col(EtaHistory.id).in_(newest), col(EtaHistory.latest) < today,
                   col(OrderRow.overdue_escalated_on).is_(None),
                   col(OrderRow.state).in_(sorted(WAITING_STATES))))


def _overdue_unescalated(row: OrderRow, today: date) -> bool:
    """The row (read under its lock) is waiting, past its window and not escalated yet."""
    latest = Order.model_validate(row.payload).eta.latest
    return (row.state in WAITING_STATES and row.overdue_escalated_on is None
            and latest < today)


def _one(ctx: AppContext, s: Session, row: OrderRow, today: date, auto_send: bool,
         report: TickReport, *, followup_due: bool = True) -> None:
    order = Order.model_validate(row.payload).model_copy(update={"as_of": today})
    decision = decide(ctx, s, row, order)
    if decision.escalation == "person":
        if row.overdue_escalated_on is None:
            _escalate(ctx, s, row, order, decision, today, auto_send, report)
        return  # escalated once: a person follows up, not a daily repeat of the old window
    if not followup_due:
        return  # looked at for its passed window only; the rules did not escalate it
    if row.state not in WAITING_STATES:
        # Allocated (shipment comes next) or substituted (no ETA follow-ups): nothing to repeat.
        row.next_update_date = None
        s.add(row)
        return
    assert row.next_update_date is not None
    if tick_checks.work_waiting(s, row.order_id) or tick_checks.sent_since(
            s, row.order_id, row.next_update_date):
        return
    if tick_checks.held_by_rejection(s, row.order_id, today):
        report.held += 1
        return
    news = tick_checks.news_since(s, row.order_id, tick_checks.last_sent_at(s, row.order_id))
    changed = news or decision.compensation.type != "none"
    week = tick_checks.notices_this_week(s, row.customer_id, ctx.clock.now())
    if not changed and week >= ctx.settings.notice_max_per_customer_week:
        report.capped += 1
        audit.record(s, actor=SYSTEM, action="follow_up_capped", order_id=row.order_id,
                     sent_this_week=week)
        return
    _keep(row, order)
    drow = store_decision(s, row, decision, actor=SYSTEM)
    audit.record(s, actor=SYSTEM, action="follow_up_due", order_id=row.order_id)
    assert drow.id is not None
    if decision.notice_purpose == "none":
        return  # on time again: no follow-up notice to write
    report.followups += 1
    report.job_ids += draft_jobs.enqueue(s, [NewJob(row.order_id, drow.id, "followup",
                                                    auto_send=auto_send, nothing_new=not changed)])


def _escalate(ctx: AppContext, s: Session, row: OrderRow, order: Order, decision: Decision,
              today: date, auto_send: bool, report: TickReport) -> None:
    """The one overdue escalation: a draft for a person, recorded on the order."""
    draft_jobs.drop_for_orders(s, [row.order_id])
    supersede_open(s, row.order_id, actor=SYSTEM, reason="overdue: escalated to a person")
    _keep(row, order)
    drow = store_decision(s, row, decision, actor=SYSTEM)
    assert drow.id is not None
    row.overdue_escalated_on = today
    row.next_update_date = None  # a person follows up now; the next event re-decides
    s.add(row)
    latest = order.eta.latest.isoformat()
    timeline.add(s, row.order_id, "escalation",
                 f"入荷予定の最終日（{latest}）を過ぎても知らせがないため、担当者へ回しました",
                 at=ctx.clock.now(), ref=drow.id, detail={"eta_latest": latest,
                                                        "day": today.isoformat()})
    audit.record(s, actor=SYSTEM, action="overdue_escalated", order_id=row.order_id,
                 eta_latest=latest)
    report.escalated += 1
    report.job_ids += draft_jobs.enqueue(s, [NewJob(row.order_id, drow.id, "overdue",
                                                    auto_send=auto_send)])


def _keep(row: OrderRow, order: Order) -> None:
    """Store the order as of the tick's day (the decision was made on it)."""
    row.payload = order.model_dump(mode="json")
    row.payload_hash = payload_digest(row.payload)
