"""Real parallel HTTP requests against a running server, on SQLite and PostgreSQL (issue 9 #1)."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from noki.db.models import AuditEvent, DraftRow, OutboxMessage, Review
from noki.services.demo import sample_records
from noki.services.order_input import OrderIn
from noki.services.orders import ingest
from tests.concurrency.conftest import Live, parallel
from tests.concurrency.invariants import drain, sent_per_order, stale_sent, violations

SKU = "RACE-SKU-1"


def _orders(n: int, *, sku: str | None = None) -> list[OrderIn]:
    """n sample orders that can be e-mailed; with `sku`, all of them wait for that item."""
    picked = [r for r in sample_records(4 * n, seed=7) if r.customer.contact.email][:n]
    assert len(picked) == n
    if sku is None:
        return picked
    return [r.model_copy(update={"sku": r.sku.model_copy(update={"sku_id": sku})}) for r in picked]


def _approvable(engine: Engine, order_ids: list[str]) -> list[DraftRow]:
    """Pending, checker-clean e-mail drafts of these orders (an agent may approve them)."""
    with Session(engine) as s:
        return list(
            s.exec(
                select(DraftRow)
                .where(
                    col(DraftRow.order_id).in_(order_ids),
                    DraftRow.status == "pending",
                    DraftRow.channel == "email",
                    DraftRow.check_ok,
                )
                .order_by(col(DraftRow.id))
            ).all()
        )


def test_ten_parallel_approves_make_one_message_one_review_one_event(live: Live) -> None:
    ingest(live.ctx, _orders(3), actor="test")
    draft = _approvable(live.engine, [r.order_id for r in _orders(3)])[0]
    agent = live.login("agent")
    answers = parallel([lambda: agent.post(f"/drafts/{draft.id}/approve", {})] * 10)
    assert all(r.status_code == 303 for r in answers)
    with Session(live.engine) as s:
        messages = s.exec(select(OutboxMessage).where(OutboxMessage.draft_id == draft.id)).all()
        reviews = s.exec(select(Review).where(Review.draft_id == draft.id)).all()
        approved = s.exec(
            select(func.count()).where(
                AuditEvent.draft_id == draft.id, AuditEvent.action == "approved"
            )
        ).one()
    assert len(messages) == 1
    assert [r.action for r in reviews] == ["approve"]
    assert approved == 1
    assert violations(live.engine) == []


def test_six_parallel_edits_leave_one_open_version_and_one_email(live: Live) -> None:
    orders = _orders(3)
    ingest(live.ctx, orders, actor="test")
    draft = _approvable(live.engine, [r.order_id for r in orders])[0]
    agent = live.login("agent")

    def edit(i: int) -> object:
        body = draft.body + f"\nご不明な点がございましたらお問い合わせください。（担当{i}）"
        return lambda: agent.post(
            f"/drafts/{draft.id}/edit", {"body": body, "subject": draft.subject or ""}
        )

    answers = parallel([edit(i) for i in range(6)])  # type: ignore[misc]
    places = [r.headers["location"] for r in answers]
    moved = [p for p in places if p != f"/drafts/{draft.id}"]  # a saved edit opens its version
    assert len(moved) == 1, places
    with Session(live.engine) as s:
        open_rows = s.exec(
            select(DraftRow).where(
                DraftRow.order_id == draft.order_id,
                col(DraftRow.status).in_(("pending", "approved")),
            )
        ).all()
    assert [f"/drafts/{d.id}" for d in open_rows] == moved
    for d in open_rows:  # approving what is left sends one notice
        live.login("agent").post(f"/drafts/{d.id}/approve", {})
    drain(live.engine, live.settings)
    assert sent_per_order(live.engine)[draft.order_id] == 1
    assert violations(live.engine) == []


def test_approve_and_edit_at_once_never_send_both_or_leave_a_message_stuck(live: Live) -> None:
    orders = _orders(10)
    ingest(live.ctx, orders, actor="test")
    drafts = _approvable(live.engine, [r.order_id for r in orders])[:5]
    assert len(drafts) == 5
    agent, other = live.login("agent"), live.login("supervisor")
    calls = []
    for d in drafts:
        body = d.body + "\n引き続きよろしくお願いいたします。"
        calls.append(lambda d=d: agent.post(f"/drafts/{d.id}/approve", {}))
        calls.append(
            lambda d=d, body=body: other.post(
                f"/drafts/{d.id}/edit", {"body": body, "subject": d.subject or ""}
            )
        )
    assert all(r.status_code == 303 for r in parallel(calls))
    assert violations(live.engine) == []
    with Session(live.engine) as s:  # approve what the edits left open: still one notice each
        left = s.exec(
            select(DraftRow.id).where(
                col(DraftRow.order_id).in_([d.order_id for d in drafts]),
                DraftRow.status == "pending",
            )
        ).all()
    for draft_id in left:
        agent.post(f"/drafts/{draft_id}/approve", {})
    drain(live.engine, live.settings)
    sent = sent_per_order(live.engine)
    assert {d.order_id: sent[d.order_id] for d in drafts} == {d.order_id: 1 for d in drafts}
    assert stale_sent(live.engine) == []
    assert violations(live.engine) == []


def test_eight_approvals_during_an_eta_event_never_send_the_old_eta(live: Live) -> None:
    orders = _orders(24, sku=SKU)
    ingest(live.ctx, orders, actor="test")
    drafts = _approvable(live.engine, [r.order_id for r in orders])[:8]
    assert len(drafts) == 8
    agent = live.login("agent")
    event = {"sku_id": SKU, "eta": {"earliest": "2027-03-01", "latest": "2027-03-05"}}
    calls = [lambda: live.api("/api/events/eta", {**event, "confirm_scope": True})]
    calls += [lambda d=d: agent.post(f"/drafts/{d.id}/approve", {}) for d in drafts]
    answers = parallel(calls, stagger=0.01)
    assert answers[0].status_code == 200, answers[0].text
    assert violations(live.engine) == []
    drain(live.engine, live.settings)
    assert stale_sent(live.engine) == []
    # An approval that committed first was superseded with its queued message; one that came
    # later was refused: nothing with the old ETA leaves, every order has its fresh draft.
    assert sum(sent_per_order(live.engine).values()) == 0
    with Session(live.engine) as s:
        fresh = s.exec(
            select(func.count()).where(
                col(DraftRow.order_id).in_([r.order_id for r in orders]),
                DraftRow.kind == "eta_change",
                col(DraftRow.status).in_(("pending", "approved")),
            )
        ).one()
    assert fresh == 24
    assert violations(live.engine) == []
