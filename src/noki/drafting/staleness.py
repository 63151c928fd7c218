"""Drafts age in the queue: what in a draft is no longer true on the day it would be sent."""

from __future__ import annotations

from datetime import date

from noki.domain.decision import Decision
from noki.domain.draft import NoticeChannel
from noki.domain.order import Order
from noki.drafting.checker import check_text
from noki.drafting.lifecycle_notice import LifecycleNotice
from noki.drafting.settings import DEFAULT_SETTINGS, NoticeSettings

# Checker codes that only appear because days have passed since the draft was written.
AGEING_CODES = frozenset({"past_date_as_future", "range_starts_in_past", "missing_eta",
                          "missing_next_update", "eta_after_close"})


def stale_reasons(
    order: Order, decision: Decision, *, channel: NoticeChannel, subject: str | None, body: str,
    today: date, settings: NoticeSettings = DEFAULT_SETTINGS,
    notice: LifecycleNotice | None = None,
) -> list[str]:
    """Why a draft written on order.as_of must be re-decided before it is sent on `today`.

    A step notice (shipped, cancelled, a confirmed choice) promises no next contact or window
    of its own: only what its text says is judged; an overdue notice is about a past window.
    """
    reasons = []
    step = notice.kind if notice is not None and notice.is_lifecycle else None
    if step in (None, "overdue") and decision.next_update_date < today:
        reasons.append(f"次回連絡日 {decision.next_update_date} が過ぎています")
    if step is None and order.eta.latest < today:
        reasons.append(f"入荷予定の幅 ({order.eta.earliest}～{order.eta.latest}) が終わっています")
    if today > order.as_of:
        result = check_text(order, decision, channel=channel, subject=subject, body=body,
                            settings=settings, today=today, notice=notice)
        aged = sorted({v.code for v in result.violations} & AGEING_CODES)
        if aged:
            reasons.append(f"{today} に読むと: " + ", ".join(aged))
    return reasons
