"""A fixed simulated clock and a draft written on 11/25 that promises contact by 11/26."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from noki.app import AppContext
from noki.db.models import DecisionRow, DraftRow
from noki.services.demo import sample_records
from noki.services.orders import ingest
from tests.support import SAMPLE_DAY, clock_on, make_settings

WRITTEN = SAMPLE_DAY
SENT = date(2026, 12, 2)


def ctx_on(day: date, database_url: str, engine: Engine, tmp_path: Path) -> AppContext:
    """The application context as it runs on `day` (a simulated day)."""
    return AppContext(make_settings(database_url, tmp_path), engine=engine, clock=clock_on(day))


def draft_promising_1126(ctx: AppContext, engine: Engine, channel: str = "email") -> DraftRow:
    """Ingest sample orders (as of 11/25); a clean pending draft whose next contact is 11/26."""
    ingest(ctx, sample_records(60), actor="test")
    with Session(engine) as s:
        rows = s.exec(select(DraftRow, DecisionRow)
                      .join(DecisionRow, col(DecisionRow.id) == col(DraftRow.decision_id))
                      .where(DraftRow.status == "pending", DraftRow.channel == channel,
                             col(DraftRow.check_ok))
                      .order_by(col(DraftRow.id))).all()
    for row, decision in rows:
        if decision.payload["next_update_date"] == "2026-11-26" and "11月26日" in row.body \
                and not row.meta.get("no_contact"):
            return row
    raise AssertionError("no draft promising 11/26")
