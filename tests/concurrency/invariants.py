"""What must hold after any interleaving: one open draft, no stale send, nothing stuck."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from noki.db.models import AuditEvent, DraftRow, OutboxMessage, Review
from noki.messaging import build_channels
from noki.outbox import Worker, policy_from
from noki.settings import Settings

OPEN = ("pending", "approved")
DEAD_DRAFT = ("superseded", "replaced", "rejected")


def drain(engine: Engine, settings: Settings) -> int:
    """Send everything due through the file sink, as the server's sender would."""
    worker = Worker(engine, build_channels(settings), name="test", policy=policy_from(settings))
    try:
        return worker.drain()
    finally:
        worker.close()


def violations(engine: Engine) -> list[str]:
    """Every broken invariant, in words (empty when the database is consistent)."""
    with Session(engine) as s:
        drafts = {d.id: d for d in s.exec(select(DraftRow)).all()}
        messages = s.exec(select(OutboxMessage)).all()
        reviews = s.exec(select(Review)).all()
        events = s.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
    found: list[str] = []
    open_by = Counter((d.order_id, d.channel) for d in drafts.values() if d.status in OPEN)
    found += [f"{k}: {n} open drafts" for k, n in open_by.items() if n > 1]
    for m in messages:
        draft = drafts[m.draft_id]
        if m.status in ("pending", "sending") and draft.status != "approved":
            found.append(f"message {m.id} is {m.status} but its draft {draft.id} is {draft.status}")
        if m.status == "sent" and draft.status != "sent":
            found.append(f"message {m.id} was sent for a {draft.status} draft {draft.id}")
    approvals = Counter(r.draft_id for r in reviews if r.action in ("approve", "override"))
    found += [f"draft {d}: {n} approval reviews" for d, n in approvals.items() if n > 1]
    history: dict[int, list[str]] = defaultdict(list)
    for e in events:
        if e.draft_id is not None:
            history[e.draft_id].append(e.action)
    for draft_id, actions in history.items():
        if actions.count("approved") > 1:
            found.append(f"draft {draft_id}: approved {actions.count('approved')} times")
        if actions.count("enqueued") > 1:
            found.append(f"draft {draft_id}: enqueued {actions.count('enqueued')} times")
        ended = [i for i, a in enumerate(actions) if a in ("superseded", "replaced", "rejected")]
        later = actions[ended[0] + 1 :] if ended else []
        if {"approved", "sent", "enqueued"} & set(later):
            found.append(f"draft {draft_id}: {actions} (acted on after it ended)")
    return found


def sent_per_order(engine: Engine) -> Counter[str]:
    """How many notices left for each order."""
    with Session(engine) as s:
        rows = s.exec(select(OutboxMessage.order_id).where(OutboxMessage.status == "sent")).all()
    return Counter(rows)


def stale_sent(engine: Engine) -> list[int]:
    """Messages sent for a draft that was superseded, replaced or rejected."""
    with Session(engine) as s:
        rows = s.exec(
            select(OutboxMessage.id)
            .join(DraftRow, col(DraftRow.id) == col(OutboxMessage.draft_id))
            .where(OutboxMessage.status == "sent", col(DraftRow.status).in_(DEAD_DRAFT))
        ).all()
    return [int(r) for r in rows if r is not None]
