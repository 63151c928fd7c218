"""Review actions: approve, reject, edit, override, regenerate, bulk approve, auto-send."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from noki.db.models import DraftRow, OutboxMessage, Review
from noki.services import review
from noki.services.demo import sample_records
from noki.services.errors import Conflict, Forbidden, Invalid
from noki.services.orders import ingest
from noki.services.roles import Actor


def pending(engine: Engine, **where: object) -> list[DraftRow]:
    with Session(engine) as s:
        q = select(DraftRow).where(DraftRow.status == "pending").order_by(DraftRow.id)  # type: ignore[arg-type]
        rows = s.exec(q).all()
    return [r for r in rows if all(getattr(r, k) == v for k, v in where.items())]


def messages(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as s:
        return list(s.exec(select(OutboxMessage)).all())


def test_approving_twice_enqueues_one_message(engine: Engine, app_ctx, agent: Actor) -> None:
    ingest(app_ctx, sample_records(3), actor="test")
    draft = pending(engine, check_ok=True)[0]
    first = review.approve(engine, draft_id=draft.id, actor=agent)
    second = review.approve(engine, draft_id=draft.id, actor=agent)
    assert first is not None and second is None
    assert len(messages(engine)) == 1
    assert messages(engine)[0].body == draft.body


def test_reject_needs_a_reason_and_blocks_approval(engine: Engine, app_ctx, agent: Actor) -> None:
    ingest(app_ctx, sample_records(2), actor="test")
    draft = pending(engine)[0]
    with pytest.raises(Invalid):
        review.reject(engine, draft_id=draft.id, actor=agent, reason="  ")
    review.reject(engine, draft_id=draft.id, actor=agent, reason="顧客から電話で連絡済み")
    with pytest.raises(Conflict):
        review.approve(engine, draft_id=draft.id, actor=agent)
    assert messages(engine) == []


def test_failing_edit_needs_a_supervisor_override_with_reason(
    engine: Engine, app_ctx, agent: Actor, supervisor: Actor
) -> None:
    ingest(app_ctx, sample_records(2), actor="test")
    draft = pending(engine, check_ok=True)[0]
    broken = draft.body + "\n〇〇様には必ず明日お届けします。"
    edited = review.edit(engine, draft_id=draft.id, actor=agent, body=broken, subject=draft.subject)
    assert edited.version == draft.version + 1 and edited.drafter == "agent"
    assert not edited.check_ok and edited.violations
    with pytest.raises(Forbidden):
        review.approve(engine, draft_id=edited.id, actor=agent, override_reason="急ぎ")
    with pytest.raises(Invalid):
        review.approve(engine, draft_id=edited.id, actor=supervisor)
    review.approve(engine, draft_id=edited.id, actor=supervisor, override_reason="電話で確認済み")
    with Session(engine) as s:
        row = s.get(DraftRow, edited.id)
        assert row is not None and row.override_reason == "電話で確認済み"
        actions = [r.action for r in s.exec(select(Review)).all()]
    assert actions == ["edited", "override"]


def test_fixed_edit_is_clean_and_the_old_version_cannot_be_approved(
    engine: Engine, app_ctx, agent: Actor
) -> None:
    ingest(app_ctx, sample_records(6), actor="test")
    # An e-mail: a closing line appended to an SMS could exceed its 140 characters.
    draft = next(d for d in pending(engine, check_ok=True) if d.channel == "email")
    ours = app_ctx.settings.company_domain_list  # as the console passes (the link's host too)
    bad = review.edit(engine, draft_id=draft.id, actor=agent, body=draft.body + "〇〇",
                      subject=draft.subject, allowed_domains=ours)
    good = review.edit(
        engine,
        draft_id=bad.id,
        actor=agent,
        body=draft.body + "\nよろしくお願いいたします。",
        subject=draft.subject,
        allowed_domains=ours,
    )
    assert good.check_ok and good.root_id == draft.id
    with pytest.raises(Conflict):
        review.approve(engine, draft_id=draft.id, actor=agent)
    assert review.approve(engine, draft_id=good.id, actor=agent) is not None


def test_regenerate_makes_a_new_version(engine: Engine, app_ctx, agent: Actor) -> None:
    ingest(app_ctx, sample_records(1), actor="test")
    draft = pending(engine)[0]
    again = review.regenerate(app_ctx, draft_id=draft.id, actor=agent)
    assert again.version == draft.version + 1 and again.drafter != "agent"


def test_bulk_approve_takes_only_eligible_drafts(
    engine: Engine, app_ctx, agent: Actor, supervisor: Actor
) -> None:
    ingest(app_ctx, sample_records(40), actor="test")
    drafts = pending(engine)
    with pytest.raises(Forbidden):
        review.bulk_approve(engine, draft_ids=[d.id for d in drafts], actor=agent)
    approved, skipped = review.bulk_approve(
        engine, draft_ids=[d.id for d in drafts], actor=supervisor
    )
    eligible = [
        d for d in drafts if d.approval == "auto" and d.check_ok and d.drafter == "template"
    ]
    assert approved == len(eligible) > 0 and skipped == len(drafts) - approved
    assert {m.draft_id for m in messages(engine)} == {d.id for d in eligible}


def test_auto_send_enqueues_auto_drafts_and_never_required_ones(engine: Engine, app_ctx) -> None:
    ingest(app_ctx, sample_records(40), actor="test", auto_send=True)
    with Session(engine) as s:
        drafts = {d.id: d for d in s.exec(select(DraftRow)).all()}
    sent = [drafts[m.draft_id] for m in messages(engine)]
    assert sent and all(d.approval == "auto" and d.author == "system" for d in sent)
    assert all(d.status == "pending" for d in drafts.values() if d.approval == "required")
