"""Draft transitions inside a caller's transaction: create, supersede, approve."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_, update
from sqlmodel import Session, col, select

from noki.db.clock import utcnow
from noki.db.models import DecisionRow, DraftRow, OrderRow, OutboxMessage, Review
from noki.domain.decision import Decision
from noki.domain.draft import CheckResult, Draft
from noki.domain.order import Order
from noki.services import audit, outbox
from noki.services.errors import Conflict, Forbidden, Invalid
from noki.services.roles import can
from noki.services.safety_gate import require_second_person
from noki.services.transitions import move_draft, try_move_draft

OPEN = ("pending", "approved")
SYSTEM = "system"
AUTO_SENDER = "system:auto-send"


def store_decision(
    session: Session, row: OrderRow, decision: Decision, *, actor: str
) -> DecisionRow:
    """Keep the order's decision and its next update date."""
    drow = DecisionRow(
        order_id=row.order_id,
        rules_version=decision.rules_version,
        payload=decision.to_json_dict(),
    )
    session.add(drow)
    row.next_update_date = decision.next_update_date
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="decided",
        order_id=row.order_id,
        lane=decision.lane,
        compensation=decision.compensation.type,
        approval=decision.approval,
        rules_version=decision.rules_version,
    )
    return drow


def new_version(
    session: Session,
    prev: DraftRow,
    *,
    made: Draft | None = None,
    subject: str | None = None,
    body: str = "",
    check: CheckResult | None = None,
    actor: str,
    action: str,
) -> DraftRow:
    """Replace a pending draft by a new version (an agent's edit or a regenerated draft).

    The caller holds the order's lock (transitions.lock_orders) and read `prev` after it.
    """
    move_draft(session, prev, to="replaced", decided_at=utcnow())
    if made is None:
        assert check is not None
        made = Draft(
            order_id=prev.order_id,
            channel=prev.channel,
            subject=subject,
            body=body,
            drafter="agent",
            check=check,
            rules_version=str(prev.meta.get("rules_version", "")),
            notice=prev.meta.get("notice"),  # an edited step notice keeps its facts
        )
    row = DraftRow(
        **_text_fields(made),
        order_id=prev.order_id,
        decision_id=prev.decision_id,
        version=_next_version(session, prev.order_id),
        parent_id=prev.id,
        root_id=prev.root_id,
        kind=prev.kind,
        author=actor,
        industry=prev.industry,
        lane=prev.lane,
        compensation=prev.compensation,
        approval=prev.approval,
        # A new version keeps its place in the queue and its assignee.
        queued_at=prev.queued_at,
        urgency=prev.urgency,
        need_by=prev.need_by,
        delay_days=prev.delay_days,
        next_contact=prev.next_contact,
        assigned_to=prev.assigned_to,
    )
    session.add(row)
    session.flush()
    session.add(Review(draft_id=row.id, actor=actor, action=action))  # type: ignore[arg-type]
    audit.record(
        session,
        actor=actor,
        action=action,
        order_id=row.order_id,
        draft_id=row.id,
        previous=prev.id,
        check_ok=row.check_ok,
        codes=[v["code"] for v in row.violations],
    )
    return row


def supersede_open(session: Session, order_id: str, *, actor: str, reason: str) -> int:
    """Mark every unsent draft of an order stale and cancel its queued messages.

    The caller holds the order's lock, so no draft of this order is approved, edited or
    created meanwhile; only the sender may still move an approved draft to sent.
    """
    rows = session.exec(
        select(DraftRow)
        .where(DraftRow.order_id == order_id, col(DraftRow.status).in_(OPEN))
        .execution_options(populate_existing=True)
    ).all()
    superseded = 0
    for row in rows:
        if not try_move_draft(session, row, to="superseded", decided_at=utcnow()):
            continue  # the sender delivered it a moment ago: it is history, not stale
        superseded += 1
        now = utcnow()
        session.execute(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.draft_id) == row.id,
                or_(
                    col(OutboxMessage.status) == "pending",
                    and_(  # leased by a worker that died: it must not be retried either
                        col(OutboxMessage.status) == "sending",
                        col(OutboxMessage.lease_until) < now,
                    ),
                ),
            )
            .values(status="cancelled", last_error=f"superseded: {reason}")
            .execution_options(synchronize_session=False)
        )
        audit.record(
            session,
            actor=actor,
            action="superseded",
            order_id=order_id,
            draft_id=row.id,
            reason=reason,
        )
    return superseded


def bulk_eligible(row: DraftRow) -> bool:
    """Template-made, checker-clean, approval=auto and still pending."""
    return bulk_eligible_values(
        {"status": row.status, "drafter": row.drafter, "check_ok": row.check_ok,
         "approval": row.approval})


def bulk_eligible_values(values: dict[str, Any]) -> bool:
    """bulk_eligible() of a row's column values (a row being inserted)."""
    return bool(
        values.get("status", "pending") == "pending"
        and values["drafter"] == "template"
        and values["check_ok"]
        and values["approval"] == "auto"
    )


def approve_row(
    session: Session,
    row: DraftRow,
    *,
    actor: str,
    role: str,
    override_reason: str | None = None,
    action: str = "approved",
) -> OutboxMessage | None:
    """Approve a pending draft and enqueue its message in the same transaction.

    The caller holds the order's lock and read `row` after it; the change itself is a
    compare-and-set, so a second approval finds the draft approved and does nothing.
    """
    if row.status in ("approved", "sent"):
        return None  # approving twice sends once, with one review and one audit event
    if row.status != "pending":
        raise Conflict(f"draft {row.id} is {row.status} and can no longer be approved")
    reason = (override_reason or "").strip() or None
    require_second_person(session, row, actor=actor)
    if not row.check_ok:
        if not can(role, "draft.override"):
            raise Forbidden("this draft fails the checker; only a supervisor can override")
        if reason is None:
            raise Invalid("a draft that fails the checker needs an override reason")
    move_draft(
        session,
        row,
        to="approved",
        decided_at=utcnow(),
        override_reason=reason if not row.check_ok else row.override_reason,
    )
    verb = "override" if not row.check_ok else action.removesuffix("d")
    session.add(Review(draft_id=row.id, actor=actor, action=verb, reason=reason))  # type: ignore[arg-type]
    audit.record(
        session,
        actor=actor,
        action=action,
        order_id=row.order_id,
        draft_id=row.id,
        override_reason=reason,
    )
    return outbox.enqueue(session, row, actor=actor)


def _next_version(session: Session, order_id: str) -> int:
    top = session.exec(
        select(func.max(DraftRow.version)).where(DraftRow.order_id == order_id)
    ).one()
    return int(top or 0) + 1


def draft_row_values(
    made: Draft, *, order: Order, decision_id: int, decision: Decision, kind: str
) -> dict[str, Any]:
    """The columns of a new system-made draft row (version and root set by the caller)."""
    fields = _text_fields(made)
    # The queue shows 「クーポン 1,000円」, not the bare code: keep the amount beside the type.
    fields["meta"] = {**fields["meta"], "compensation_amount": decision.compensation.amount_jpy}
    return {
        **fields,
        "order_id": order.order_id,
        "decision_id": decision_id,
        "kind": kind,
        "author": SYSTEM,
        "industry": order.industry,
        "lane": decision.lane,
        "compensation": decision.compensation.type,
        "approval": decision.approval,
        # Queue sort keys (issue 14): what must be done first, without reading the documents.
        "urgency": urgency_rank(kind, decision.lane),
        "need_by": order.need_by,
        "delay_days": decision.delay_days,
        "next_contact": decision.next_update_date,
    }


def urgency_rank(kind: str, lane: str) -> int:
    """0 an overdue escalation, then the lanes (1 priority, 2 expedite, 3 standard)."""
    return 0 if kind == "overdue" else {"priority": 1, "expedite": 2}.get(lane, 3)


def _text_fields(made: Draft) -> dict[str, Any]:
    """The columns a draft row takes from the drafted text and its check."""
    return {
        "channel": made.channel,
        "subject": made.subject,
        "body": made.body,
        "drafter": made.drafter,
        "check_ok": made.check.ok,
        "violations": _violations(made.check),
        "meta": _meta(made),
    }


def _violations(check: CheckResult) -> list[dict[str, object]]:
    return [v.model_dump() for v in check.violations]


def _meta(made: Draft) -> dict[str, object]:
    meta = made.model_dump(
        exclude={"order_id", "channel", "subject", "body", "drafter", "check"}, exclude_none=True
    )
    meta["warnings"] = [w.model_dump() for w in made.check.warnings]
    return meta
