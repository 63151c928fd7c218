"""Read side for the console: the queue, one draft with its context, audit, outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from noki.db.clock import utcnow
from noki.db.models import (
    AuditEvent,
    DecisionRow,
    DeliveryAttempt,
    DraftRow,
    OrderRow,
    OutboxMessage,
    Review,
)

PAGE = 50
MAX_PAGE = 100_000  # a page number beyond this is a typo or a probe, not a queue
AGES = {
    "1h": timedelta(hours=1),
    "1d": timedelta(days=1),
    "3d": timedelta(days=3),
    "7d": timedelta(days=7),
}


@dataclass
class QueueFilter:
    """Queue filters as they come from the query string ('' = any)."""

    lane: str = ""
    industry: str = ""
    compensation: str = ""
    violations: str = ""  # "yes" | "no" | ""
    age: str = ""  # older than one of AGES
    page: int = 1

    def __post_init__(self) -> None:
        # An offset past any real queue (or below 1) would only cost a scan or overflow a bigint.
        self.page = min(max(self.page, 1), MAX_PAGE)

    def matches(self, facts: dict[str, Any]) -> bool:
        """The filter applied to one group of facet values (age aside)."""
        for name in ("lane", "industry", "compensation"):
            if (value := getattr(self, name)) and facts[name] != value:
                return False
        if self.violations in ("yes", "no") and bool(facts["check_ok"]) != (
            self.violations == "no"
        ):
            return False
        return True

    def where(self) -> list[Any]:
        """SQL conditions for the pending drafts this filter selects."""
        conds: list[Any] = [col(DraftRow.status) == "pending"]
        for name in ("lane", "industry", "compensation"):
            if value := getattr(self, name):
                conds.append(getattr(DraftRow, name) == value)
        if self.violations in ("yes", "no"):
            conds.append(col(DraftRow.check_ok) == (self.violations == "no"))
        if self.age in AGES:
            conds.append(col(DraftRow.created_at) <= utcnow() - AGES[self.age])
        return conds


@dataclass
class QueuePage:
    """One page of the queue with counts for the filters."""

    rows: list[DraftRow]
    total: int
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    eligible: int = 0


FACETS = ("lane", "industry", "compensation", "check_ok", "drafter", "approval")


def queue(engine: Engine, f: QueueFilter) -> QueuePage:
    """Pending drafts, priority lane first, oldest first within a lane."""
    with Session(engine) as s:
        # One grouped pass over the narrow partial index gives every count the page shows.
        facets = [col(getattr(DraftRow, n)) for n in FACETS]
        groups = (
            s.connection()
            .execute(
                sa_select(*facets, func.count())
                .where(col(DraftRow.status) == "pending")
                .group_by(*facets)
            )
            .all()
        )
        counts: dict[str, dict[str, int]] = {n: {} for n in FACETS[:4]}
        per_lane: dict[str, int] = {}
        total = eligible = 0
        for *key, n in groups:
            facts = dict(zip(FACETS, key, strict=True))
            for name in FACETS[:4]:
                counts[name][str(facts[name])] = counts[name].get(str(facts[name]), 0) + n
            if f.matches(facts):
                per_lane[facts["lane"]] = per_lane.get(facts["lane"], 0) + n
                total += n
                eligible += n if _eligible(facts) else 0
        if f.age in AGES:  # age is not a facet: count it in the database
            conds = f.where()
            lanes = s.exec(
                select(DraftRow.lane, func.count()).where(*conds).group_by(col(DraftRow.lane))
            ).all()
            per_lane = {str(lane): int(n) for lane, n in lanes}
            total = sum(per_lane.values())
            eligible = s.exec(
                select(func.count())
                .select_from(DraftRow)
                .where(
                    *conds,
                    col(DraftRow.drafter) == "template",
                    col(DraftRow.check_ok),
                    col(DraftRow.approval) == "auto",
                )
            ).one()
        rows = _page(s, f, per_lane)
        return QueuePage(rows, int(total), counts, int(eligible))


LANES = ("priority", "expedite", "standard")


def _page(s: Session, f: QueueFilter, per_lane: dict[str, int]) -> list[DraftRow]:
    """One page in lane order: each lane is an index range scan, never a sort of the queue."""
    skip, want = (max(f.page, 1) - 1) * PAGE, PAGE
    out: list[DraftRow] = []
    for lane in LANES:
        available = per_lane.get(lane, 0)
        if skip >= available:
            skip -= available
            continue
        out.extend(
            s.exec(
                select(DraftRow)
                .where(*f.where(), col(DraftRow.lane) == lane)
                .order_by(col(DraftRow.created_at), col(DraftRow.id))
                .offset(skip)
                .limit(want)
            ).all()
        )
        want, skip = PAGE - len(out), 0
        if want <= 0:
            break
    return out


def _eligible(facts: dict[str, Any]) -> bool:
    return bool(
        facts["drafter"] == "template" and facts["check_ok"] and facts["approval"] == "auto"
    )


@dataclass
class DraftView:
    """A draft with everything the draft page shows beside it."""

    draft: DraftRow
    order: OrderRow
    decision: dict[str, Any]
    versions: list[DraftRow]
    reviews: list[Review]
    messages: list[OutboxMessage]
    attempts: list[DeliveryAttempt]
    current_id: int | None


def draft_view(engine: Engine, draft_id: int) -> DraftView | None:
    """The draft page's data, or None."""
    with Session(engine) as s:
        draft = s.get(DraftRow, draft_id)
        if draft is None:
            return None
        order = s.get(OrderRow, draft.order_id)
        decision = s.get(DecisionRow, draft.decision_id)
        assert order is not None and decision is not None
        versions = s.exec(
            select(DraftRow)
            .where(DraftRow.root_id == draft.root_id)
            .order_by(col(DraftRow.version))
        ).all()
        ids = [v.id for v in versions]
        reviews = s.exec(
            select(Review).where(col(Review.draft_id).in_(ids)).order_by(col(Review.id))
        ).all()
        messages = s.exec(select(OutboxMessage).where(col(OutboxMessage.draft_id).in_(ids))).all()
        attempts = s.exec(
            select(DeliveryAttempt)
            .where(col(DeliveryAttempt.message_id).in_([m.id for m in messages]))
            .order_by(col(DeliveryAttempt.id))
        ).all()
        live = [v for v in versions if v.status != "replaced"]
        return DraftView(
            draft,
            order,
            decision.payload,
            list(versions),
            list(reviews),
            list(messages),
            list(attempts),
            live[-1].id if live else None,
        )


def audit_events(
    engine: Engine, *, order_id: str = "", action: str = "", limit: int = 200, offset: int = 0
) -> list[AuditEvent]:
    """Newest audit events first, optionally for one order or action."""
    with Session(engine) as s:
        q = select(AuditEvent)
        if order_id:
            q = q.where(AuditEvent.order_id == order_id)
        if action:
            q = q.where(AuditEvent.action == action)
        q = q.order_by(col(AuditEvent.id).desc()).offset(offset).limit(limit)
        return list(s.exec(q).all())


def outbox_messages(
    engine: Engine, *, status: str = "", limit: int = 200, offset: int = 0
) -> list[OutboxMessage]:
    """Newest outbox messages first, optionally of one status (e.g. dead letters)."""
    with Session(engine) as s:
        q = select(OutboxMessage)
        if status:
            q = q.where(OutboxMessage.status == status)
        q = q.order_by(col(OutboxMessage.id).desc()).offset(offset).limit(limit)
        return list(s.exec(q).all())


def outbox_counts(engine: Engine) -> dict[str, int]:
    """Messages per status."""
    with Session(engine) as s:
        rows = s.exec(
            select(OutboxMessage.status, func.count()).group_by(col(OutboxMessage.status))
        ).all()
        return {str(k): int(v) for k, v in rows}


def stored_order_documents(engine: Engine, *, limit: int = 100_000) -> list[dict[str, Any]]:
    """The validated order documents of stored orders (for `noki rules diff`)."""
    with Session(engine) as session:
        rows = session.exec(select(OrderRow.payload).order_by(OrderRow.order_id).limit(limit))
        return [dict(r) for r in rows]
