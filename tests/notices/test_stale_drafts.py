"""Drafts age in the queue: judged against the day they are approved, re-decided when stale."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from noki.db.models import AuditEvent, DecisionRow, DraftRow, OutboxMessage
from noki.db.models_lifecycle import CompensationGrantRow
from noki.services import review, stale_drafts
from noki.services.roles import Actor
from noki.services.stale_drafts import StaleDraft
from tests.notices.stale_support import SENT, WRITTEN, ctx_on, draft_promising_1126

AGENT = Actor("aoki", "agent")


def test_a_draft_from_1125_is_marked_stale_in_the_queue_on_1202(database_url, engine, tmp_path):
    with ctx_on(WRITTEN, database_url, engine, tmp_path) as ctx:
        row = draft_promising_1126(ctx, engine)
        assert row.id not in stale_drafts.stale_for_page(ctx, [row])  # true on its own day
    with ctx_on(SENT, database_url, engine, tmp_path) as late:
        marks = stale_drafts.stale_for_page(late, [row])
    assert any("次回連絡日 2026-11-26 が過ぎています" in r for r in marks[row.id])


def test_the_queue_remembers_a_verdict_for_its_day_only(database_url, engine, tmp_path):
    with ctx_on(WRITTEN, database_url, engine, tmp_path) as ctx:
        row = draft_promising_1126(ctx, engine)
        assert row.id not in stale_drafts.stale_for_page(ctx, [row])
        assert row.id not in stale_drafts.stale_for_page(ctx, [row])  # from memory
        assert len(ctx.stale_memo) == 1
        # The same context a week later (a console left running): judged again, stale.
        marks = stale_drafts.stale_for_page(ctx, [row], today=SENT)
        assert any("2026-11-26" in r for r in marks[row.id])
        # Another version of the draft is not served the old verdict either.
        newer = row.model_copy(update={"row_version": row.row_version + 1})
        stale_drafts.stale_for_page(ctx, [newer], today=SENT)
        assert len(ctx.stale_memo) == 3


def test_approving_on_1202_re_decides_first_and_the_agent_sees_why(database_url, engine,
                                                                   tmp_path):
    with ctx_on(WRITTEN, database_url, engine, tmp_path) as ctx:
        row = draft_promising_1126(ctx, engine)
    with ctx_on(SENT, database_url, engine, tmp_path) as late:
        with pytest.raises(StaleDraft) as caught:
            review.approve(engine, draft_id=row.id, actor=AGENT, ctx=late)  # type: ignore[arg-type]
        new_id = caught.value.draft_id
        with Session(engine) as s:
            old, new = s.get(DraftRow, row.id), s.get(DraftRow, new_id)
            assert old is not None and new is not None
            assert old.status == "replaced" and new.status == "pending"
            assert new.decision_id != row.decision_id and new.parent_id == row.id
            assert new.meta["stale_on"] == "2026-12-02"
            assert any("11-26" in r for r in new.meta["stale_reasons"])
            assert "11月26日" not in new.body  # no contact date that has passed
            assert not s.exec(select(OutboxMessage)).all()  # nothing queued for sending
            assert s.exec(select(AuditEvent).where(AuditEvent.action == "stale_redecided")).one()
        assert "12月2日に送ると内容が古くなっていた" in str(caught.value)
        # The new version is true on 12/2: it is approved as it is.
        assert new.check_ok, new.violations
        assert review.approve(engine, draft_id=new_id, actor=AGENT, ctx=late) is not None


def test_opening_is_harmless_for_a_fresh_draft(database_url, engine, tmp_path):
    with ctx_on(WRITTEN, database_url, engine, tmp_path) as ctx:
        row = draft_promising_1126(ctx, engine)
        assert stale_drafts.refresh_if_stale(ctx, row.id, actor="aoki") is None  # type: ignore[arg-type]
        assert review.approve(engine, draft_id=row.id, actor=AGENT, ctx=ctx) is not None  # type: ignore[arg-type]


def test_a_re_decided_draft_does_not_grant_again_what_the_ledger_holds(database_url, engine,
                                                                        tmp_path):
    with ctx_on(WRITTEN, database_url, engine, tmp_path) as ctx:
        row = draft_promising_1126(ctx, engine)
    assert row.compensation == "free_shipping"  # granted once, never again (rules' ledger)
    with Session(engine) as s:  # an earlier notice of this order was sent: it is on the ledger
        s.add(CompensationGrantRow(order_id=row.order_id, type="free_shipping",
                                   decision_id=row.decision_id))
        s.commit()
    with ctx_on(SENT, database_url, engine, tmp_path) as late:
        refresh = stale_drafts.refresh_if_stale(late, row.id, actor="aoki")  # type: ignore[arg-type]
    assert refresh is not None
    with Session(engine) as s:
        new = s.get(DraftRow, refresh.new_id)
        assert new is not None and new.compensation == "none"
        decision = s.get(DecisionRow, new.decision_id)
        assert decision is not None
        assert decision.payload["compensation"]["type"] == "none"
