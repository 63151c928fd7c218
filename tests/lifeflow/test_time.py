"""A simulated month with `tick --today`: one overdue escalation, closed orders stay quiet."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from noki.app.context import Clock
from noki.db.models import DraftJob, DraftRow, OrderRow, OutboxMessage
from noki.db.models_lifecycle import TimelineEntry
from noki.services import review
from noki.services.lifecycle_events import apply_events
from noki.services.orders import ingest
from noki.services.roles import Actor
from noki.services.tick import tick, tick_report
from tests.lifeflow.support import approve_pending, count, order_in, order_row, smtp_worker

START = date(2026, 11, 26)


def _month(ctx: Any, engine: Engine, smtp: Any, *, send: bool = True) -> dict[date, int]:
    """30 simulated days: tick, an agent approves what is clean, the sender sends."""
    drafted: dict[date, int] = {}
    for n in range(30):
        day = START + timedelta(days=n)
        ctx.clock = Clock.on_day(day)
        drafted[day] = tick(ctx, today=day)
        if send:
            approve_pending(engine)
            worker: Any = smtp_worker(engine, smtp.port, clock=ctx.clock)
            worker.drain()
    return drafted


def test_an_overdue_order_escalates_once_not_daily(
    engine: Engine, app_ctx: Any, smtp_server: Any
) -> None:
    ingest(app_ctx, [order_in()], actor="test")  # eta.latest 2026-12-05
    _month(app_ctx, engine, smtp_server)
    row = order_row(engine, "EC-L1")
    assert row.overdue_escalated_on == date(2026, 12, 6)
    assert count(engine, TimelineEntry, TimelineEntry.kind == "escalation") == 1
    with Session(engine) as s:
        kinds = [j.kind for j in s.exec(select(DraftJob).order_by(col(DraftJob.id)))]
        sent = s.exec(select(OutboxMessage.sent_at, DraftRow.kind)
                      .join(DraftRow, col(DraftRow.id) == col(OutboxMessage.draft_id))
                      .where(OutboxMessage.status == "sent")
                      .order_by(col(OutboxMessage.sent_at))).all()
    assert kinds.count("overdue") == 1 and kinds[-1] == "overdue"
    assert [k for _, k in sent][-1] == "overdue"  # the person's notice went out, once
    # Never more than two routine notices (nothing new) to the customer in any 7 days.
    days = [at.date() for at, kind in sent if kind in ("initial", "followup")]
    for d in days:
        assert sum(1 for x in days if d <= x < d + timedelta(days=7)) <= 2, days


def test_a_closed_order_gets_nothing_over_thirty_days(
    engine: Engine, app_ctx: Any, smtp_server: Any
) -> None:
    ingest(app_ctx, [order_in()], actor="test")
    r = apply_events(app_ctx, [{"event_id": "s1", "kind": "shipped", "order_id": "EC-L1",
                                "tracking_number": "1", "carrier": "佐川急便"}],
                     actor="wms", source="api")
    assert r.errors == []
    jobs_before = count(engine, DraftJob)
    drafted = _month(app_ctx, engine, smtp_server, send=False)
    assert sum(drafted.values()) == 0 and count(engine, DraftJob) == jobs_before
    assert order_row(engine, "EC-L1").status == "closed"


def _reject_followup(engine: Engine, day: date, step: str) -> None:
    with Session(engine) as s:
        draft = s.exec(select(DraftRow).where(DraftRow.status == "pending",
                                              DraftRow.kind == "followup")).one()
    review.reject(engine, draft_id=draft.id, actor=Actor("aoki", "agent"),  # type: ignore[arg-type]
                  reason="お客様に電話で説明済み", next_step=step, clock=Clock.on_day(day))


def test_a_rejection_says_what_happens_next_and_tick_respects_it(
    engine: Engine, app_ctx: Any
) -> None:
    ingest(app_ctx, [order_in()], actor="test")
    with Session(engine) as s:
        for d in s.exec(select(DraftRow)).all():
            d.status = "rejected"  # the first notice is out of the way
            s.add(d)
        s.commit()
    due = order_row(engine, "EC-L1").next_update_date
    assert due is not None
    assert tick(app_ctx, today=due) == 1
    _reject_followup(engine, due, "not_this_time")
    assert tick(app_ctx, today=due) == 0  # not a minute later
    with Session(engine) as s:
        story = list(s.exec(select(TimelineEntry)
                                   .where(TimelineEntry.kind == "review")).all())
    assert "お客様に電話で説明済み" in story[0].summary and "今回は送らない" in story[0].summary
    later = order_row(engine, "EC-L1").next_update_date
    assert later is not None and later > due
    assert tick(app_ctx, today=later) == 1  # the schedule goes on
    _reject_followup(engine, later, "hand_to_person")
    assert order_row(engine, "EC-L1").next_update_date is None
    for n in range(1, 10):
        assert tick_report(app_ctx, today=later + timedelta(days=n)).followups == 0
    # News (a new ETA) brings the automatic notices back.
    r = apply_events(app_ctx, [{"event_id": "e1", "kind": "eta", "order_id": "EC-L1",
                                "eta": {"earliest": "2026-12-20", "latest": "2026-12-26"}}],
                     actor="erp", source="api")
    assert r.errors == [] and len(r.job_ids) == 1


def test_an_order_past_its_window_escalates_even_when_its_next_update_is_later(
    engine: Engine, app_ctx: Any
) -> None:
    # A long follow-up interval (a rule author's choice) or a held follow-up must not hide it.
    ingest(app_ctx, [order_in()], actor="test")  # eta.latest 2026-12-05
    with Session(engine) as s:
        row = s.get(OrderRow, "EC-L1")
        assert row is not None
        row.next_update_date = date(2026, 12, 31)
        s.add(row)
        s.commit()
    assert tick_report(app_ctx, today=date(2026, 12, 5)).escalated == 0  # last day of window
    report = tick_report(app_ctx, today=date(2026, 12, 6))
    assert report.escalated == 1 and report.followups == 0
    assert order_row(engine, "EC-L1").overdue_escalated_on == date(2026, 12, 6)
    for n in range(7, 20):  # once, not daily
        assert tick_report(app_ctx, today=date(2026, 12, n)).escalated == 0
    assert count(engine, TimelineEntry, TimelineEntry.kind == "escalation") == 1
