"""Ingest, ETA events and re-notification against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, func, text
from sqlmodel import Session, select

from noki.db.models import AuditEvent, DecisionRow, DraftRow, EtaHistory, OrderRow
from noki.domain.order import Eta
from noki.rules.store import RuleStore
from noki.services.demo import sample_records
from noki.services.orders import eta_event, ingest
from noki.services.tick import tick


def count(engine: Engine, model: type, *where: object) -> int:
    with Session(engine) as s:
        return int(s.exec(select(func.count()).select_from(model).where(*where)).one())


def test_ingest_decides_and_drafts_every_new_order(engine: Engine, app_ctx) -> None:
    records = sample_records(40)
    report = ingest(app_ctx, records, actor="test")
    assert report.created == 40 and report.unchanged == 0
    assert count(engine, DecisionRow) == 40
    assert count(engine, DraftRow, DraftRow.status == "pending") == report.drafted
    # Every late order is drafted (without any contact the draft is a script for a person);
    # an order that is on time gets no delay notice (notice_purpose none).
    decide = RuleStore().decide  # the shipped rules
    late = [r for r in records if decide(r.order()).notice_purpose != "none"]
    assert 0 < len(late) < 40 and report.drafted == len(late)
    assert count(engine, AuditEvent, AuditEvent.action == "no_notice_needed") == 40 - len(late)
    assert count(engine, EtaHistory) == 40


def test_reingesting_the_same_orders_changes_nothing(engine: Engine, app_ctx) -> None:
    ingest(app_ctx, sample_records(10), actor="test")
    again = ingest(app_ctx, sample_records(10), actor="test")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10)
    assert count(engine, DecisionRow) == 10


def test_a_changed_order_supersedes_its_pending_draft(engine: Engine, app_ctx) -> None:
    first = sample_records(1)[0]
    ingest(app_ctx, [first], actor="test")
    changed = first.model_copy(update={"quantity": first.quantity + 1})
    report = ingest(app_ctx, [changed], actor="test")
    assert report.updated == 1 and report.superseded == 1
    with Session(engine) as s:
        statuses = sorted(d.status for d in s.exec(select(DraftRow)).all())
    assert statuses == ["pending", "superseded"]


def test_eta_event_redecides_only_open_orders_of_that_sku(engine: Engine, app_ctx) -> None:
    records = sample_records(60)
    ingest(app_ctx, records, actor="test")
    sku = records[0].sku.sku_id
    affected = [r for r in records if r.sku.sku_id == sku]
    new_eta = Eta(earliest=date(2026, 12, 20), latest=date(2026, 12, 24), confidence="low")
    report = eta_event(app_ctx, eta=new_eta, sku_id=sku, actor="erp", as_of=date(2026, 11, 25))
    assert report.updated == len(affected)
    with Session(engine) as s:
        for r in affected:
            row = s.get(OrderRow, r.order_id)
            assert row is not None and row.payload["eta"]["latest"] == "2026-12-24"
            drafts = s.exec(select(DraftRow).where(DraftRow.order_id == r.order_id)).all()
            assert [d.status for d in drafts if d.kind == "initial"] in (["superseded"], [])
            assert all(d.status == "pending" for d in drafts if d.kind == "eta_change")
    assert count(engine, AuditEvent, AuditEvent.action == "eta_changed") == len(affected)


def test_eta_event_by_purchase_order_reference(engine: Engine, app_ctx) -> None:
    records = [r.model_copy(update={"po_ref": "PO-77"}) for r in sample_records(3)]
    ingest(app_ctx, records, actor="test")
    eta = Eta(earliest=date(2027, 1, 5), latest=date(2027, 1, 9))
    assert eta_event(app_ctx, eta=eta, po_ref="PO-77", actor="erp").updated == 3
    assert eta_event(app_ctx, eta=eta, po_ref="PO-77", actor="erp").unchanged == 3


def test_tick_drafts_one_follow_up_when_the_update_date_comes(engine: Engine, app_ctx) -> None:
    ingest(app_ctx, sample_records(5), actor="test")
    with Session(engine) as s:
        for d in s.exec(select(DraftRow)).all():
            d.status = "rejected"  # nothing waiting, nothing sent
            s.add(d)
        s.commit()
        latest = max(r.next_update_date for r in s.exec(select(OrderRow)).all())
    assert latest is not None
    assert tick(app_ctx, today=latest - timedelta(days=30)) == 0
    drafted = tick(app_ctx, today=latest)
    assert drafted >= 4
    assert tick(app_ctx, today=latest) == 0  # not twice
    assert count(engine, DraftRow, DraftRow.kind == "followup") == drafted


def test_audit_log_is_append_only(engine: Engine, app_ctx) -> None:
    ingest(app_ctx, sample_records(1), actor="test")
    with pytest.raises(Exception, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text("UPDATE audit_events SET actor = 'mallory'"))
    with pytest.raises(Exception, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_events"))


def test_migrations_match_the_models(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    from noki.db.search_indexes import include_object

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_queue_pages_walk_every_pending_draft_once(engine: Engine, app_ctx) -> None:
    from noki.services import queries

    ingest(app_ctx, sample_records(130), actor="test")
    first = queries.queue(engine, queries.QueueFilter())
    ids: list[int] = []
    for page in range(1, first.total // queries.PAGE + 2):
        got = queries.queue(engine, queries.QueueFilter(page=page))
        ids += [d.id for d in got.rows]
        assert got.total == first.total
    assert len(ids) == len(set(ids)) == first.total
    ec = queries.queue(engine, queries.QueueFilter(industry="ec", violations="no"))
    assert ec.total == count(
        engine, DraftRow, DraftRow.status == "pending", DraftRow.industry == "ec", DraftRow.check_ok
    )


def test_a_customer_without_contact_gets_a_draft_that_cannot_be_sent(
    engine: Engine, app_ctx
) -> None:
    from noki.services import review
    from noki.services.errors import Conflict
    from noki.services.roles import Actor

    record = sample_records(1)[0]
    contact = record.customer.contact.model_copy(update={"email": None, "phone": None})
    customer = record.customer.model_copy(update={"contact": contact})
    ingest(app_ctx, [record.model_copy(update={"customer": customer})], actor="test")
    with Session(engine) as s:
        draft = s.exec(select(DraftRow)).one()
    assert draft.meta["no_contact"] and draft.approval == "required"
    with pytest.raises(Conflict, match="no email contact"):
        review.approve(
            engine, draft_id=draft.id, actor=Actor("sato", "supervisor"), override_reason="x"
        )
