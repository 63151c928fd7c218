"""Bulk approve as set-based statements per page of drafts, still audited per draft."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, bindparam, update
from sqlmodel import col, select

from noki.db import session_scope, table
from noki.db.bulk import insert_rows
from noki.db.clock import utcnow
from noki.db.models import DraftRow, OrderRow, OutboxMessage, Review
from noki.services import audit
from noki.services.transitions import lock_orders, retrying


def _recipient(payload: dict[str, Any], channel: str) -> str | None:
    contact = payload.get("customer", {}).get("contact", {})
    value = contact.get("email") if channel == "email" else contact.get("phone")
    return value or None


def approve_page(engine: Engine, draft_ids: list[int], *, actor: str) -> tuple[int, int]:
    """Approve the eligible drafts (template, checker-clean, approval=auto, pending, a contact).

    One UPDATE ... WHERE id IN (...) AND status = 'pending' AND <eligible> RETURNING (the
    compare-and-set for the whole page), then one INSERT each for reviews, messages and audit
    events. Returns (approved, skipped).
    """
    wanted = sorted(set(draft_ids))

    def run() -> tuple[int, int]:
        with session_scope(engine) as s:
            owners = s.execute(
                select(DraftRow.id, DraftRow.order_id).where(col(DraftRow.id).in_(wanted))
            ).all()
            lock_orders(s, [r[1] for r in owners])
            payloads = dict(
                s.execute(
                    select(OrderRow.order_id, OrderRow.payload).where(
                        col(OrderRow.order_id).in_({r[1] for r in owners})
                    )
                ).all()
            )
            now = utcnow()
            moved = s.execute(
                update(DraftRow)
                .where(
                    col(DraftRow.id).in_(wanted),
                    col(DraftRow.status) == "pending",
                    col(DraftRow.drafter) == "template",
                    col(DraftRow.check_ok),
                    col(DraftRow.approval) == "auto",
                )
                .values(status="approved", decided_at=now,
                        row_version=col(DraftRow.row_version) + 1)
                .returning(
                    col(DraftRow.id), col(DraftRow.order_id), col(DraftRow.channel),
                    col(DraftRow.subject), col(DraftRow.body),
                )
                .execution_options(synchronize_session=False)
            ).all()
            ready = [m for m in moved if _recipient(payloads.get(m[1], {}), m[2])]
            unreachable = [m[0] for m in moved if m not in ready]
            if unreachable:  # no contact for the channel: back to the queue for a person
                s.execute(
                    update(DraftRow)
                    .where(col(DraftRow.id).in_(bindparam("ids", expanding=True)))
                    .values(status="pending", decided_at=None)
                    .execution_options(synchronize_session=False),
                    {"ids": unreachable},
                )
            if ready:
                _record(s, ready, payloads, actor=actor, now=now)
        return len(ready), len(wanted) - len(ready)

    return retrying(run)


def _record(s: Any, ready: list[Any], payloads: dict[str, Any], *, actor: str, now: Any) -> None:
    insert_rows(s, table(Review), [
        {"draft_id": m[0], "actor": actor, "action": "bulk_approve", "reason": None,
         "created_at": now}
        for m in ready
    ])
    message_ids = insert_rows(
        s,
        table(OutboxMessage),
        [
            {
                "draft_id": m[0],
                "order_id": m[1],
                "channel": m[2],
                "recipient": _recipient(payloads[m[1]], m[2]),
                "subject": m[3],
                "body": m[4],
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for m in ready
        ],
        ids=True,
    )
    message_of = {m[0]: i for m, i in zip(ready, message_ids, strict=True)}
    events = []
    for m in ready:
        events.append(audit.event(actor=actor, action="bulk_approved", order_id=m[1],
                                  draft_id=m[0], at=now, override_reason=None))
        events.append(audit.event(actor=actor, action="enqueued", order_id=m[1], draft_id=m[0],
                                  message_id=message_of[m[0]], at=now, channel=m[2]))
    audit.record_many(s, events)
