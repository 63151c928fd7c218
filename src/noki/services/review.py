"""Review actions on drafts: approve, reject, edit, regenerate, bulk approve."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session

from noki.app import AppContext
from noki.app.context import Clock
from noki.db import session_scope
from noki.db.clock import utcnow
from noki.db.models import DecisionRow, DraftRow, OrderRow, Review
from noki.domain.decision import Decision
from noki.domain.draft import CheckResult
from noki.domain.order import Order
from noki.drafting import check_text
from noki.drafting.safety import DEFAULT_DOMAINS
from noki.services import audit, rejections
from noki.services.bulk_approve import approve_page
from noki.services.drafts import approve_row, new_version
from noki.services.errors import Conflict, Invalid, NotFound
from noki.services.roles import Actor, require
from noki.services.stale_drafts import StaleDraft, notice_of, refresh_if_stale
from noki.services.transitions import load_draft, lock_orders, move_draft, retrying


def _load(s: Session, draft_id: int) -> DraftRow:
    """Read a draft (before any lock: to check early and to find its order)."""
    row = s.get(DraftRow, draft_id)
    if row is None:
        raise NotFound(f"draft {draft_id} not found")
    return row


def _locked(s: Session, draft_id: int) -> DraftRow:
    """Lock the draft's order, then read the draft as committed now (inside the write)."""
    lock_orders(s, [_load(s, draft_id).order_id])
    row = load_draft(s, draft_id)
    assert row is not None  # drafts are never deleted
    return row


def _facts(s: Session, row: DraftRow) -> tuple[Order, Decision]:
    order = s.get(OrderRow, row.order_id)
    drow = s.get(DecisionRow, row.decision_id)
    assert order is not None and drow is not None
    return Order.model_validate(order.payload), Decision.model_validate(drow.payload)


def approve(
    engine: Engine, *, draft_id: int, actor: Actor, override_reason: str | None = None,
    ctx: AppContext | None = None,
) -> int | None:
    """Approve a draft; returns the outbox message id (None when it was already approved).

    With `ctx`, the draft is first judged on ctx's day (the sending day): a stale draft is
    re-decided into a new version and StaleDraft is raised (the agent reviews that version).
    """
    require(actor, "draft.write")
    if ctx is not None:
        _refresh_or_raise(ctx, draft_id, actor)

    def run() -> int | None:
        with session_scope(engine) as s:
            row = _locked(s, draft_id)
            msg = approve_row(
                s, row, actor=actor.name, role=actor.role, override_reason=override_reason
            )
            return msg.id if msg is not None else None

    return retrying(run)


@dataclass(frozen=True)
class Approval:
    """What approving the text on screen did: the version it saved, and whether it is queued."""

    draft_id: int
    approved: bool
    message_id: int | None
    saved: bool  # a changed text was stored as a new version (approved only if it passed)


def approve_as_shown(
    engine: Engine,
    *,
    draft_id: int,
    actor: Actor,
    body: str,
    subject: str | None = None,
    override_reason: str | None = None,
    allowed_domains: tuple[str, ...] = DEFAULT_DOMAINS,
    ctx: AppContext | None = None,
) -> Approval:
    """Approve exactly the text the agent sees: save it, re-check it, approve it in one step.

    Unchanged text is approved as stored. Changed text becomes a new version in the same
    transaction as its approval; when the change fails the checker it is saved, not approved
    (an override is given on the version that shows the marks).
    """
    require(actor, "draft.write")
    edited = checked_edit(
        engine, draft_id=draft_id, body=body, subject=subject, allowed_domains=allowed_domains,
        today=ctx.clock.today() if ctx is not None else None,  # read on the sending day
    )
    if edited is None:
        message_id = approve(
            engine, draft_id=draft_id, actor=actor, override_reason=override_reason, ctx=ctx
        )
        return Approval(draft_id, True, message_id, saved=False)
    subject, body, check = edited

    def run() -> Approval:
        with session_scope(engine) as s:
            row = _locked(s, draft_id)
            _still_pending(row, "edited")
            new = new_version(
                s, row, subject=subject, body=body, check=check, actor=actor.name, action="edited"
            )
            assert new.id is not None
            if not new.check_ok:
                return Approval(new.id, False, None, saved=True)
            msg = approve_row(s, new, actor=actor.name, role=actor.role)
            return Approval(new.id, True, msg.id if msg else None, saved=True)

    return retrying(run)


def reject(
    engine: Engine, *, draft_id: int, actor: Actor, reason: str,
    next_step: str = "not_this_time", clock: Clock | None = None,
) -> None:
    """Reject a pending draft with a reason and what happens next (kept on the timeline)."""
    require(actor, "draft.write")
    if not reason.strip():
        raise Invalid("a rejection needs a reason")
    step = rejections.check(next_step)
    clock = clock or Clock()
    with session_scope(engine) as s:
        row = _locked(s, draft_id)
        if row.status != "pending":
            raise Conflict(f"draft {draft_id} is {row.status}")
        move_draft(s, row, to="rejected", decided_at=utcnow())
        s.add(Review(draft_id=draft_id, actor=actor.name, action="reject", reason=reason.strip()))
        audit.record(
            s,
            actor=actor.name,
            action="rejected",
            order_id=row.order_id,
            draft_id=draft_id,
            reason=reason.strip(),
            next_step=step,
        )
        rejections.record(s, row, next_step=step, reason=reason.strip(), actor=actor.name,
                          today=clock.today(), now=clock.now())


def edit(
    engine: Engine,
    *,
    draft_id: int,
    actor: Actor,
    body: str,
    subject: str | None = None,
    allowed_domains: tuple[str, ...] = DEFAULT_DOMAINS,
) -> DraftRow:
    """Save an agent's edit as a new version, re-checked against the decision."""
    require(actor, "draft.write")
    edited = checked_edit(
        engine, draft_id=draft_id, body=body, subject=subject, allowed_domains=allowed_domains
    )
    if edited is None:
        with session_scope(engine) as s:
            row = _load(s, draft_id)
        _still_pending(row, "edited")
        return row
    subject, body, check = edited

    def run() -> DraftRow:
        with session_scope(engine) as s:
            row = _locked(s, draft_id)
            _still_pending(row, "edited")
            return new_version(
                s, row, subject=subject, body=body, check=check, actor=actor.name, action="edited"
            )

    return retrying(run)


def checked_edit(
    engine: Engine,
    *,
    draft_id: int,
    body: str,
    subject: str | None,
    allowed_domains: tuple[str, ...] = DEFAULT_DOMAINS,
    today: date | None = None,
) -> tuple[str | None, str, CheckResult] | None:
    """The edited text (newlines as stored) and its check; None when nothing changed.

    Runs before the write transaction: checking is pure work and must not hold the lock.
    A changed text for a draft that is no longer pending is a Conflict (the edit would be lost).
    """
    body = body.replace("\r\n", "\n")
    if not body.strip():
        raise Invalid("the notice text is empty")
    with session_scope(engine) as s:
        row = _load(s, draft_id)
        subject = subject.replace("\r\n", "\n") if subject is not None else None
        subject = subject if row.channel == "email" else None
        if row.body == body and row.subject == subject:
            return None
        _still_pending(row, "edited")
        if row.kind == "answer":  # replies are checked as answers (state, promises)
            from noki.services.answers import check_answer_edit

            return subject, body, check_answer_edit(s, row, subject=subject, body=body)
        order, decision = _facts(s, row)
    check = check_text(
        order,
        decision,
        channel=row.channel,  # type: ignore[arg-type]
        subject=subject,
        body=body,
        allowed_domains=allowed_domains,
        notice=notice_of(row),  # a step notice (shipped, cancelled...) keeps its own checks
        today=max(today, order.as_of) if today else None,
    )
    return subject, body, check


def regenerate(ctx: AppContext, *, draft_id: int, actor: Actor) -> DraftRow:
    """Replace a pending draft by a freshly drafted one from the same decision."""
    require(actor, "draft.write")
    engine = ctx.engine
    with session_scope(engine) as s:  # drafting (maybe a model call) happens outside the write
        row = _load(s, draft_id)
        _still_pending(row, "regenerated")
        order, decision = _facts(s, row)
    if row.kind == "answer":
        from noki.services.answers import regenerated

        made = regenerated(engine, row, ctx.faq.index())
    else:
        made = ctx.drafter.draft(order, decision, channel=row.channel,  # type: ignore[arg-type]
                                 notice=notice_of(row))

    def run() -> DraftRow:
        with session_scope(engine) as s:
            current = _locked(s, draft_id)
            _still_pending(current, "regenerated")
            return new_version(s, current, made=made, actor=actor.name, action="regenerated")

    return retrying(run)


def bulk_approve(engine: Engine, *, draft_ids: list[int], actor: Actor) -> tuple[int, int]:
    """Approve every eligible draft of the list (set-based, audited per draft)."""
    require(actor, "draft.bulk")
    return approve_page(engine, draft_ids, actor=actor.name)


def _refresh_or_raise(ctx: AppContext, draft_id: int, actor: Actor) -> None:
    """Re-decide a draft that became untrue by today; the agent then reviews the new version."""
    done = refresh_if_stale(ctx, draft_id, actor=actor.name)
    if done is not None:
        raise StaleDraft(done.new_id, done.reasons, ctx.clock.today())


def _still_pending(row: DraftRow, verb: str) -> None:
    if row.status != "pending":
        raise Conflict(f"draft {row.id} is {row.status} and cannot be {verb}")
