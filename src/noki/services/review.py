"""Review actions on drafts: approve, reject, edit, regenerate, bulk approve."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from noki.app import AppContext
from noki.db import session_scope
from noki.db.clock import utcnow
from noki.db.models import DecisionRow, DraftRow, OrderRow, Review
from noki.domain.decision import Decision
from noki.domain.order import Order
from noki.drafting import check_text
from noki.services import audit
from noki.services.drafts import approve_row, bulk_eligible, new_version
from noki.services.errors import Conflict, Invalid, NotFound
from noki.services.roles import Actor, require


def _load(s: Session, draft_id: int) -> DraftRow:
    row = s.get(DraftRow, draft_id, with_for_update=True)
    if row is None:
        raise NotFound(f"draft {draft_id} not found")
    return row


def _facts(s: Session, row: DraftRow) -> tuple[Order, Decision]:
    order = s.get(OrderRow, row.order_id)
    drow = s.get(DecisionRow, row.decision_id)
    assert order is not None and drow is not None
    return Order.model_validate(order.payload), Decision.model_validate(drow.payload)


def approve(
    engine: Engine, *, draft_id: int, actor: Actor, override_reason: str | None = None
) -> int | None:
    """Approve a draft; returns the outbox message id (None when it was already approved)."""
    require(actor, "draft.write")
    try:
        with session_scope(engine) as s:
            row = _load(s, draft_id)
            msg = approve_row(
                s, row, actor=actor.name, role=actor.role, override_reason=override_reason
            )
            return msg.id if msg is not None else None
    except IntegrityError:
        return None  # a concurrent approval enqueued the one message first


def reject(engine: Engine, *, draft_id: int, actor: Actor, reason: str) -> None:
    """Reject a pending draft; the reason is required and recorded."""
    require(actor, "draft.write")
    if not reason.strip():
        raise Invalid("a rejection needs a reason")
    with session_scope(engine) as s:
        row = _load(s, draft_id)
        if row.status != "pending":
            raise Conflict(f"draft {draft_id} is {row.status}")
        row.status, row.decided_at = "rejected", utcnow()
        s.add(row)
        s.add(Review(draft_id=draft_id, actor=actor.name, action="reject", reason=reason.strip()))
        audit.record(
            s,
            actor=actor.name,
            action="rejected",
            order_id=row.order_id,
            draft_id=draft_id,
            reason=reason.strip(),
        )


def edit(
    engine: Engine, *, draft_id: int, actor: Actor, body: str, subject: str | None = None
) -> DraftRow:
    """Save an agent's edit as a new version, re-checked against the decision."""
    require(actor, "draft.write")
    body = body.replace("\r\n", "\n")
    if not body.strip():
        raise Invalid("the notice text is empty")
    with session_scope(engine) as s:
        row = _load(s, draft_id)
        if row.status != "pending":
            raise Conflict(f"draft {draft_id} is {row.status} and cannot be edited")
        subject = subject if row.channel == "email" else None
        if row.body == body and row.subject == subject:
            return row
        order, decision = _facts(s, row)
        check = check_text(
            order,
            decision,
            channel=row.channel,  # type: ignore[arg-type]
            subject=subject,
            body=body,
        )
        return new_version(
            s, row, subject=subject, body=body, check=check, actor=actor.name, action="edited"
        )


def regenerate(ctx: AppContext, *, draft_id: int, actor: Actor) -> DraftRow:
    """Replace a pending draft by a freshly drafted one from the same decision.

    The model is called with no transaction open; the new version is stored only if the draft
    is still the pending one that was read (a concurrent change wins, the regeneration reports it).
    """
    require(actor, "draft.write")
    with session_scope(ctx.engine) as s:
        seen = s.get(DraftRow, draft_id)
        if seen is None:
            raise NotFound(f"draft {draft_id} not found")
        if seen.status != "pending":
            raise Conflict(f"draft {draft_id} is {seen.status} and cannot be regenerated")
        order, decision = _facts(s, seen)
        channel, version = seen.channel, seen.version
    made = ctx.drafter.draft(order, decision, channel=channel)  # type: ignore[arg-type]
    with session_scope(ctx.engine) as s:
        row = _load(s, draft_id)
        if row.status != "pending" or row.version != version:
            raise Conflict(f"draft {draft_id} changed while it was being regenerated")
        return new_version(s, row, made=made, actor=actor.name, action="regenerated")


def bulk_approve(engine: Engine, *, draft_ids: list[int], actor: Actor) -> tuple[int, int]:
    """Approve every eligible draft of the list; returns (approved, skipped)."""
    require(actor, "draft.bulk")
    approved = skipped = 0
    with session_scope(engine) as s:
        rows = s.exec(
            select(DraftRow).where(col(DraftRow.id).in_(draft_ids)).with_for_update()
        ).all()
        for row in rows:
            if not bulk_eligible(row):
                skipped += 1
                continue
            approve_row(s, row, actor=actor.name, role=actor.role, action="bulk_approved")
            approved += 1
    return approved, skipped + len(draft_ids) - len(rows)
