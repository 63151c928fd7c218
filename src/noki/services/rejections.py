"""What a rejection says happens next, kept on the order's timeline and read by `noki tick`."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from sqlmodel import Session

from noki.db.models import DecisionRow, DraftRow, OrderRow
from noki.services import timeline
from noki.services.errors import Invalid

NextStep = Literal["not_this_time", "hold_until_next_update", "hand_to_person"]
NEXT_STEPS: dict[str, str] = {
    "not_this_time": "今回は送らない（次回の予定日に改めて作成）",
    "hold_until_next_update": "次回の連絡予定日まで保留",
    "hand_to_person": "担当者が対応（自動の連絡を止める）",
}
HOLD_DAYS = 7  # a hold without a later decided date waits a week


def check(next_step: str) -> NextStep:
    """The next step, or Invalid naming the ones allowed."""
    if next_step not in NEXT_STEPS:
        raise Invalid(f"next_step: {next_step!r}; expected one of {', '.join(NEXT_STEPS)}")
    return next_step  # type: ignore[return-value]


def record(
    s: Session, draft: DraftRow, *, next_step: NextStep, reason: str, actor: str, today: date,
    now: datetime,
) -> None:
    """Move the order's next update date as the step says and put it on the timeline.

    The caller holds the order's lock. not_this_time: not again today; hold: until the
    decided next update date (or a week); hand_to_person: no automatic follow-up until news.
    """
    order = s.get(OrderRow, draft.order_id, populate_existing=True)
    if order is None:
        return
    if next_step == "not_this_time":
        if order.next_update_date is None or order.next_update_date <= today:
            order.next_update_date = today + timedelta(days=1)
    elif next_step == "hold_until_next_update":
        decision = s.get(DecisionRow, draft.decision_id)
        decided = decision.payload.get("next_update_date") if decision is not None else None
        day = date.fromisoformat(decided) if decided else None
        order.next_update_date = day if day is not None and day > today else (
            today + timedelta(days=HOLD_DAYS))
    else:
        order.next_update_date = None
    s.add(order)
    when = order.next_update_date.isoformat() if order.next_update_date else "なし"
    timeline.add(
        s, draft.order_id, "review",
        f"下書きを却下: {reason}（次の対応: {NEXT_STEPS[next_step]}、次回予定 {when}）",
        at=now, actor=actor, ref=draft.id,
        detail={"action": "reject", "reason": reason, "next_step": next_step,
                "next_update_date": order.next_update_date.isoformat()
                if order.next_update_date else None, "draft_kind": draft.kind},
    )
