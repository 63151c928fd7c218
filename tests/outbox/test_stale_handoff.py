"""The sender refuses a message whose text became untrue on the sending day (issue 12 item 12)."""

from __future__ import annotations

from sqlmodel import Session, select
from tests.notices.stale_support import SENT, WRITTEN, ctx_on, draft_promising_1126

from noki.db.models import AuditEvent, DraftRow, OutboxMessage
from noki.messaging import Channels, FakeSender, SmtpConfig, SmtpSender
from noki.outbox import Policy, Worker
from noki.services import review
from noki.services.roles import Actor
from noki.services.stale_drafts import handoff_check

FAST = Policy(max_attempts=2, backoff_seconds=0, lease_seconds=30)


def _worker(ctx, port: int) -> Worker:
    email = SmtpSender(SmtpConfig(host="127.0.0.1", port=port, sender="cs@noki.example"))
    return Worker(ctx.engine, Channels(email=email, sms=FakeSender()), name="w", policy=FAST,
                  verify=handoff_check(ctx))


def test_approved_on_1125_but_handed_over_on_1202_goes_back_to_review(
        database_url, engine, tmp_path, smtp_server):
    with ctx_on(WRITTEN, database_url, engine, tmp_path) as ctx:
        row = draft_promising_1126(ctx, engine)
        review.approve(engine, draft_id=row.id, actor=Actor("aoki", "agent"), ctx=ctx)  # type: ignore[arg-type]
    with ctx_on(SENT, database_url, engine, tmp_path) as late:
        assert _worker(late, smtp_server.port).drain() == 1
    assert smtp_server.messages == []  # never silently sent
    with Session(engine) as s:
        msg = s.exec(select(OutboxMessage)).one()
        draft = s.get(DraftRow, row.id)
        held = s.exec(select(AuditEvent).where(AuditEvent.action == "held_stale")).one()
    assert msg.status == "cancelled" and "11-26" in (msg.last_error or "")
    assert draft is not None and draft.status == "pending" and not draft.check_ok
    assert draft.violations[-1]["code"] == "stale_on_send_day"
    assert held.draft_id == row.id


def test_the_same_message_on_its_own_day_is_sent(database_url, engine, tmp_path, smtp_server):
    with ctx_on(WRITTEN, database_url, engine, tmp_path) as ctx:
        row = draft_promising_1126(ctx, engine)
        review.approve(engine, draft_id=row.id, actor=Actor("aoki", "agent"), ctx=ctx)  # type: ignore[arg-type]
        assert _worker(ctx, smtp_server.port).drain() == 1
    assert len(smtp_server.messages) == 1
