"""Storing drafted jobs: draft rows, their root ids and audit events, in the caller's session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from noki.db import table
from noki.db.bulk import insert_rows
from noki.db.models import DecisionRow, DraftRow
from noki.domain.draft import Draft
from noki.services import audit
from noki.services.drafts import bulk_eligible_values, draft_row_values

if TYPE_CHECKING:
    from noki.services.draft_jobs import ClaimedJob


@dataclass(frozen=True)
class StoredDraft:
    """A draft row just inserted: its id and whether a bulk approve may take it."""

    id: int
    eligible: bool


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
) -> list[StoredDraft]:
    """Insert one draft per job (version = the order's next) with its audit events."""
    if not jobs:
        return []
    versions = draft_versions(s, [j.order_id for j in jobs])
    rows: list[dict[str, Any]] = []
    for job in jobs:
        draft = made[job.id]
        assert isinstance(draft, Draft)
        values = draft_row_values(
            draft, order=job.order, decision_id=job.decision_id, decision=job.decision,
            kind=job.kind,
        )
        values.update(version=versions.get(job.order_id, 0) + 1, created_at=now)
        if job.decision.channel == "none":  # approval=required: the queue shows it, never sent
            values["meta"] = {**values["meta"], "no_contact": True}
        rows.append(values)
    # One COPY (PostgreSQL) with ids taken first: a new draft is its own root.
    ids = insert_rows(s, table(DraftRow), rows, same_as_id=("root_id",))
    stored = [StoredDraft(i, bulk_eligible_values(r)) for i, r in zip(ids, rows, strict=True)]
    events: list[dict[str, Any]] = []
    for job, row, draft_id in zip(jobs, rows, ids, strict=True):
        if job.decision.channel == "none":
            events.append(audit.event(actor=job.actor, action="no_channel", order_id=job.order_id,
                                      at=now))
        events.append(
            audit.event(
                actor=job.actor,
                action="drafted",
                order_id=job.order_id,
                draft_id=draft_id,
                at=now,
                kind=job.kind,
                drafter=row["drafter"],
                check_ok=row["check_ok"],
                version=row["version"],
            )
        )
    audit.record_many(s, events)
    return stored
