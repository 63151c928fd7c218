"""Compare-and-set transitions and approve-what-you-see at the use-case level (both databases)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from noki.db import session_scope
from noki.db.models import DraftRow, OutboxMessage, Review
from noki.services import review
from noki.services.demo import sample_records
from noki.services.errors import Conflict
from noki.services.orders import ingest
from noki.services.roles import Actor
from noki.services.transitions import Stale, lock_orders, move_draft


def _clean_email(engine: Engine) -> DraftRow:
    with Session(engine) as s:
        rows = s.exec(
            select(DraftRow)
            .where(DraftRow.status == "pending", DraftRow.check_ok, DraftRow.channel == "email")
            .order_by(col(DraftRow.id))
        ).all()
    return next(r for r in rows if not r.meta.get("no_contact"))


def test_approve_as_shown_saves_rechecks_and_sends_the_edited_text(
    engine: Engine, app_ctx, agent: Actor
) -> None:
    ingest(app_ctx, sample_records(5), actor="test")
    draft = _clean_email(engine)
    edited = draft.body + "\r\n今後ともよろしくお願いいたします。"  # as a browser sends it
    done = review.approve_as_shown(
        engine, draft_id=draft.id, actor=agent, body=edited, subject=draft.subject,  # type: ignore[arg-type]
        allowed_domains=app_ctx.settings.company_domain_list,  # as the console passes
    )
    assert done.approved and done.saved and done.draft_id != draft.id
    with Session(engine) as s:
        msg = s.exec(select(OutboxMessage).where(OutboxMessage.order_id == draft.order_id)).one()
        new = s.get(DraftRow, done.draft_id)
        old = s.get(DraftRow, draft.id)
    assert msg.body == edited.replace("\r\n", "\n") and msg.draft_id == done.draft_id
    assert new is not None and new.status == "approved" and new.parent_id == draft.id
    assert old is not None and old.status == "replaced"


def test_approve_as_shown_refuses_a_changed_text_that_fails_the_check(
    engine: Engine, app_ctx, supervisor: Actor
) -> None:
    ingest(app_ctx, sample_records(5), actor="test")
    draft = _clean_email(engine)
    done = review.approve_as_shown(
        engine,
        draft_id=draft.id,  # type: ignore[arg-type]
        actor=supervisor,
        body=draft.body + "\n〇〇様",
        subject=draft.subject,
        override_reason="急ぎ",  # an override is given on the version that shows the marks
    )
    assert not done.approved and done.saved and done.message_id is None
    with Session(engine) as s:
        assert s.exec(select(OutboxMessage)).all() == []
        new = s.get(DraftRow, done.draft_id)
    assert new is not None and new.status == "pending" and not new.check_ok


def test_approve_as_shown_unchanged_text_is_a_plain_approval(
    engine: Engine, app_ctx, agent: Actor
) -> None:
    ingest(app_ctx, sample_records(5), actor="test")
    draft = _clean_email(engine)
    done = review.approve_as_shown(
        engine, draft_id=draft.id, actor=agent, body=draft.body, subject=draft.subject  # type: ignore[arg-type]
    )
    assert done.approved and not done.saved and done.draft_id == draft.id
    again = review.approve_as_shown(
        engine, draft_id=draft.id, actor=agent, body=draft.body, subject=draft.subject  # type: ignore[arg-type]
    )
    assert again.approved and again.message_id is None  # approving twice sends once
    with Session(engine) as s:
        reviews = s.exec(select(Review).where(Review.draft_id == draft.id)).all()
    assert [r.action for r in reviews] == ["approve"]


def test_edit_of_a_replaced_draft_is_a_conflict(engine: Engine, app_ctx, agent: Actor) -> None:
    ingest(app_ctx, sample_records(5), actor="test")
    draft = _clean_email(engine)
    draft_id: int = draft.id  # type: ignore[assignment]
    subject = draft.subject
    review.edit(engine, draft_id=draft_id, actor=agent, body=draft.body + "\nA", subject=subject)
    with pytest.raises(Conflict):
        review.edit(engine, draft_id=draft_id, actor=agent, body=draft.body + "B", subject=subject)
    with pytest.raises(Conflict):
        review.approve_as_shown(engine, draft_id=draft_id, actor=agent, body=draft.body + "\nC")


def test_move_draft_refuses_a_stale_read(engine: Engine, app_ctx) -> None:
    ingest(app_ctx, sample_records(3), actor="test")
    draft = _clean_email(engine)
    with session_scope(engine) as s:  # someone else approves after we read
        lock_orders(s, [draft.order_id])
        fresh = s.get(DraftRow, draft.id)
        assert fresh is not None
        move_draft(s, fresh, to="approved")
    with session_scope(engine) as s, pytest.raises(Stale):
        lock_orders(s, [draft.order_id])
        s.add(draft)  # our copy still says pending, row_version 1
        move_draft(s, draft, to="rejected")


def test_the_database_refuses_a_second_open_draft_per_order_and_channel(
    engine: Engine, app_ctx
) -> None:
    ingest(app_ctx, sample_records(3), actor="test")
    draft = _clean_email(engine)
    twin = draft.model_copy(update={"id": None, "version": draft.version + 10})
    with pytest.raises(IntegrityError), session_scope(engine) as s:
        s.add(DraftRow.model_validate(twin.model_dump()))
