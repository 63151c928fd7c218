"""Drafts age in the queue (issue 12 item 12): judged against the day they are sent.

A draft written on 11/25 that promises contact by 11/26 is untrue when approved on 12/2. The
queue marks such drafts (`stale_for_page`), opening or approving one re-decides it first as of
today (`refresh_if_stale`: a new decision and a new draft version carrying the reasons), and the
sender refuses one at hand-off (`handoff_reasons`, see noki.outbox.worker).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlmodel import Session, col, select

from noki.app import AppContext
from noki.db import session_scope
from noki.db.models import DecisionRow, DraftRow, OrderRow
from noki.domain.decision import Decision
from noki.domain.order import Order
from noki.drafting.lifecycle_notice import LifecycleNotice
from noki.drafting.staleness import stale_reasons
from noki.outbox.claim import Claimed
from noki.services import audit, notice_facts
from noki.services.drafts import new_version, store_decision
from noki.services.errors import Conflict
from noki.services.redecide import decide, payload_digest
from noki.services.transitions import load_draft, lock_orders, retrying


class StaleDraft(Conflict):
    """The draft was out of date on the sending day and was re-decided into a new version."""

    def __init__(self, draft_id: int, reasons: list[str], today: date) -> None:
        self.draft_id, self.reasons, self.today = draft_id, reasons, today
        super().__init__(
            f"{today.month}月{today.day}日に送ると内容が古くなっていたため、判断をやり直して"
            f"新しい版を作りました（理由: {'; '.join(reasons)}）。"
            "内容を確認してから承認してください。"
        )


@dataclass(frozen=True)
class Refresh:
    """A stale draft replaced by a re-decided version."""

    old_id: int
    new_id: int
    reasons: list[str]


def notice_of(row: DraftRow | Any) -> LifecycleNotice | None:
    """The lifecycle facts the draft was written from (None for a plain delay notice)."""
    data = (row.meta or {}).get("notice")
    return LifecycleNotice.from_dict(data) if isinstance(data, dict) else None


def reasons_for(ctx: AppContext, row: DraftRow | Any, order: Order, decision: Decision,
                today: date) -> list[str]:
    """Why this draft's text is untrue on `today` (empty: it may be sent as is)."""
    return stale_reasons(order, decision, channel=row.channel,  # type: ignore[arg-type]
                         subject=row.subject,
                         body=row.body, today=today, settings=ctx.drafter.template.settings,
                         notice=notice_of(row))


def _facts(s: Session, row: DraftRow) -> tuple[OrderRow, Order, Decision]:
    orow = s.get(OrderRow, row.order_id)
    drow = s.get(DecisionRow, row.decision_id)
    assert orow is not None and drow is not None
    return orow, Order.model_validate(orow.payload), Decision.model_validate(drow.payload)


def stale_for_page(ctx: AppContext, rows: Sequence[DraftRow],
                   today: date | None = None) -> dict[int, list[str]]:
    """{draft id: reasons} for the queue rows that have gone stale (one read for the page)."""
    today = today or ctx.clock.today()
    if not rows:
        return {}
    with session_scope(ctx.engine) as s:
        digests = dict(s.execute(select(OrderRow.order_id, OrderRow.payload_hash).where(
            col(OrderRow.order_id).in_({r.order_id for r in rows}))).all())
    # The verdict reads only the draft version, its decision, the order and the day, so an
    # agent paging through the queue re-checks each text once a day, not on every page.
    by_id = {r.id: r for r in rows if r.id is not None and r.order_id in digests}
    keys = {rid: (rid, r.row_version, r.decision_id, digests[r.order_id], today)
            for rid, r in by_id.items()}
    verdicts = {rid: ctx.stale_memo.peek(key) for rid, key in keys.items()}
    unknown = {rid: r for rid, r in by_id.items() if verdicts[rid] is None}
    if unknown:
        with session_scope(ctx.engine) as s:
            orders = dict(s.execute(select(OrderRow.order_id, OrderRow.payload).where(
                col(OrderRow.order_id).in_({r.order_id for r in unknown.values()}))).all())
            decisions = dict(s.execute(select(DecisionRow.id, DecisionRow.payload).where(
                col(DecisionRow.id).in_({r.decision_id for r in unknown.values()}))).all())
        for rid, row in unknown.items():
            if row.order_id in orders and row.decision_id in decisions:
                verdicts[rid] = reasons_for(
                    ctx, row, Order.model_validate(orders[row.order_id]),
                    Decision.model_validate(decisions[row.decision_id]), today)
                ctx.stale_memo.put(keys[rid], verdicts[rid] or [])
    return {rid: reasons for rid, reasons in verdicts.items() if reasons}


def refresh_if_stale(ctx: AppContext, draft_id: int, *, actor: str,
                     today: date | None = None) -> Refresh | None:
    """Re-decide a pending draft that is untrue today; None when it is still true."""
    today = today or ctx.clock.today()
    with session_scope(ctx.engine) as s:
        row = s.get(DraftRow, draft_id)
        if row is None or row.status != "pending":
            return None
        orow, order, decision = _facts(s, row)
        reasons = reasons_for(ctx, row, order, decision, today)
        if not reasons:
            return None
        kind, old_notice = row.kind, notice_of(row)
        order = order.model_copy(update={"as_of": today})
        # As every re-decision: with the order's state, choice and ledger (nothing granted twice).
        decision = decide(ctx, s, orow, order)
    if old_notice is None and order.eta.latest < today:
        kind = "overdue"  # the window is over with no news: say so, not the old window
    notice = notice_facts.notice_for(ctx, order, kind, old=old_notice)
    made = ctx.drafter.draft(order, decision, channel=row.channel,  # type: ignore[arg-type]
                             notice=notice)

    def write() -> Refresh:
        with session_scope(ctx.engine) as s:
            lock_orders(s, [order.order_id])
            current = load_draft(s, draft_id)
            if current is None or current.status != "pending":
                raise Conflict(f"draft {draft_id} changed while it was re-decided")
            orow = s.get(OrderRow, order.order_id, populate_existing=True)
            assert orow is not None
            orow.payload = order.model_dump(mode="json")
            orow.payload_hash = payload_digest(orow.payload)
            drow = store_decision(s, orow, decision, actor=actor)
            new = new_version(s, current, made=made, actor=actor, action="redecided")
            new.decision_id, new.kind = drow.id, kind  # type: ignore[assignment]
            new.lane, new.approval = decision.lane, decision.approval
            new.compensation = decision.compensation.type
            new.meta = {**new.meta, "stale_reasons": reasons, "stale_on": today.isoformat(),
                        "replaced_draft": draft_id,
                        "compensation_amount": decision.compensation.amount_jpy}
            s.add(new)
            s.flush()
            audit.record(s, actor=actor, action="stale_redecided", order_id=order.order_id,
                         draft_id=new.id, previous=draft_id, reasons=reasons)
            assert new.id is not None
            return Refresh(draft_id, new.id, reasons)

    return retrying(write)


def handoff_check(ctx: AppContext) -> Callable[[Claimed], list[str]]:
    """The sender's last look: why a claimed message is untrue on ctx's day (empty: send)."""

    def check(msg: Claimed) -> list[str]:
        with session_scope(ctx.engine) as s:
            row = s.get(DraftRow, msg.draft_id)
            if row is None:
                return []
            _orow, order, decision = _facts(s, row)
            # The text going out is the message's (the draft's, unless it was changed since).
            text = SimpleNamespace(channel=msg.channel, subject=msg.subject, body=msg.body,
                                   meta=row.meta)
        return reasons_for(ctx, text, order, decision, ctx.clock.today())

    return check
