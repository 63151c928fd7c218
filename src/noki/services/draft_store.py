"""Storing drafted jobs: draft rows, their root ids and audit events, in the caller's session."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from noki.db.models import DecisionRow, DraftRow
from noki.domain.draft import Draft
from noki.services import audit
from noki.services.drafts import draft_row_values

if TYPE_CHECKING:
    from noki.services.draft_jobs import ClaimedJob


def latest_decisions(s: Session, order_ids: set[str]) -> dict[str, int]:
    """The newest decision id of each order."""
    if not order_ids:
        return {}
    rows = s.execute(
        select(DecisionRow.order_id, func.max(DecisionRow.id))
        .where(col(DecisionRow.order_id).in_(order_ids))
        .group_by(col(DecisionRow.order_id))
    ).all()
    return {r[0]: r[1] for r in rows}


def draft_versions(s: Session, order_ids: list[str]) -> dict[str, int]:
    """The highest draft version of each order (0 when none)."""
    rows = s.execute(
        select(DraftRow.order_id, func.max(DraftRow.version))
        .where(col(DraftRow.order_id).in_(order_ids))
        .group_by(col(DraftRow.order_id))
    ).all()
    return {r[0]: int(r[1] or 0) for r in rows}


def insert_drafts(
    s: Session, jobs: list[ClaimedJob], made: dict[int, Draft | BaseException], now: datetime
) -> list[DraftRow]:
    """Insert one draft per job (version = the order's next) with its audit events."""
    if not jobs:
        return []
    versions = draft_versions(s, [j.order_id for j in jobs])
    rows: list[DraftRow] = []
    for job in jobs:
        draft = made[job.id]
        assert isinstance(draft, Draft)
        values = draft_row_values(
            draft, order=job.order, decision_id=job.decision_id, decision=job.decision,
            kind=job.kind,
        )
        row = DraftRow(**values, version=versions.get(job.order_id, 0) + 1, created_at=now)
        if job.decision.channel == "none":  # approval=required: the queue shows it, never sent
            row.meta = {**row.meta, "no_contact": True}
        rows.append(row)
    s.add_all(rows)
    s.flush()  # one multi-row INSERT ... RETURNING id
    ids = [r.id for r in rows]
    s.execute(
        update(DraftRow)
        .where(col(DraftRow.id).in_(ids))
        .values(root_id=DraftRow.id)
        .execution_options(synchronize_session=False)
    )
    for r in rows:
        set_committed_value(r, "root_id", r.id)  # already written by the UPDATE above
    events: list[dict[str, Any]] = []
    for job, row in zip(jobs, rows, strict=True):
        if job.decision.channel == "none":
            events.append(audit.event(actor=job.actor, action="no_channel", order_id=job.order_id,
                                      at=now))
        events.append(
            audit.event(
                actor=job.actor,
                action="drafted",
                order_id=job.order_id,
                draft_id=row.id,
                at=now,
                kind=job.kind,
                drafter=row.drafter,
                check_ok=row.check_ok,
                version=row.version,
            )
        )
    audit.record_many(s, events)
    return rows
