"""Answers on the console (SQLite and PostgreSQL): the answer draft beside the customer's
message and thread in the queue, SLA clocks, matching an unlinked inquiry, recording a choice."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from noki.db.models import DraftRow, InquiryRow, OrderRow
from noki.services.demo import sample_records
from noki.services.inquiries import seed_demo_inquiries
from noki.services.orders import ingest


def _seed(app_ctx, app_engine: Engine) -> None:
    ingest(app_ctx, sample_records(8), actor="test")
    seed_demo_inquiries(app_engine, faq=app_ctx.faq.index())


def _inquiry(app_engine: Engine, intent: str) -> InquiryRow:
    with Session(app_engine) as s:
        row = s.exec(select(InquiryRow).where(InquiryRow.intent == intent)).first()
        assert row is not None
        return row


def test_answer_drafts_wait_in_the_queue_beside_the_customers_message(
        client: TestClient, login, app_engine: Engine, app_ctx) -> None:
    _seed(app_ctx, app_engine)
    agent = login("agent")
    queue = agent.get("/queue").text
    assert "問い合わせ回答" in queue and "経過 " in queue
    inq = _inquiry(app_engine, "eta_question")
    assert inq.answer_draft_id and inq.state == "queued"
    page = agent.get(f"/drafts/{inq.answer_draft_id}")
    assert page.status_code == 200
    html = page.text
    assert 'id="inquiry"' in html and "結局いつ頃届きますか" in html
    assert 'id="sla"' in html and "目標 4時間00分" in html
    assert "回答案" in html and 'id="thread"' in html
    # Marketing reads the message but not who wrote it, and no thread.
    client.post("/logout", data={"csrf_token": ""})
    market = login("marketing").get(f"/drafts/{inq.answer_draft_id}").text
    assert "結局いつ頃届きますか" in market and 'id="thread"' not in market
    assert inq.from_addr not in market


def test_unlinked_inquiry_is_matched_by_a_person_then_queued(
        client: TestClient, login, csrf, app_engine: Engine, app_ctx) -> None:
    _seed(app_ctx, app_engine)
    from noki.inbound.records import InquiryIn
    from noki.services.inquiries import receive_record

    got = receive_record(app_engine, InquiryIn.model_validate(
        {"id": "form-9", "channel": "web_form", "received_at": "2026-12-01T10:00:00",
         "text": "注文した商品はいつ届きますか", "customer_email": "k@example.jp"}),
        faq=app_ctx.faq.index())
    agent = login("agent")
    assert "注文が特定できていない問い合わせが 1 件" in agent.get("/queue").text
    with Session(app_engine) as s:
        order_id = s.exec(select(OrderRow.order_id).order_by(OrderRow.order_id)).first()
    token = csrf(agent, "/inquiries?state=unlinked")
    bad = agent.post(f"/inquiries/{got.inquiry_id}/match",
                     data={"csrf_token": token, "order_id": "EC-999999"})
    assert "見つかりません" in agent.get(bad.headers["location"]).text
    r = agent.post(f"/inquiries/{got.inquiry_id}/match",
                   data={"csrf_token": token, "order_id": order_id})
    assert r.status_code == 303 and r.headers["location"].startswith("/drafts/")
    with Session(app_engine) as s:
        inq = s.get(InquiryRow, got.inquiry_id)
        assert inq is not None and inq.order_id == order_id and inq.state == "queued"
        draft = s.get(DraftRow, inq.answer_draft_id)
        assert draft is not None and draft.kind == "answer" and draft.status == "pending"
    assert "注文が特定できていない" not in agent.get("/queue").text


def test_a_choice_in_a_reply_is_recorded_only_by_an_agent(
        client: TestClient, login, csrf, app_engine: Engine, app_ctx) -> None:
    from noki.db.models_lifecycle import OrderEventRow
    from noki.inbound.records import InquiryIn
    from noki.services.inquiries import receive_record

    _seed(app_ctx, app_engine)
    demo = _inquiry(app_engine, "option_choice")  # 代替品 for an order that did not offer it
    got = receive_record(app_engine, InquiryIn.model_validate(
        {"id": "chat-7", "channel": "chat", "received_at": "2026-12-01T10:00:00",
         "text": "このまま待つことにします。", "order_id": demo.order_id,
         "customer_email": "c7@example.jp"}), faq=app_ctx.faq.index())
    with Session(app_engine) as s:
        inq = s.get(InquiryRow, got.inquiry_id)
        order = s.get(OrderRow, demo.order_id)
        assert inq is not None and inq.choice and inq.choice["offered"]
        assert order is not None and order.choice is None  # never applied by itself
    agent = login("agent")
    page = agent.get(f"/drafts/{inq.answer_draft_id}").text
    assert 'id="record-choice"' in page
    token = csrf(agent, f"/drafts/{inq.answer_draft_id}")
    # An option the decision did not offer is refused with the reason; nothing is applied.
    r = agent.post(f"/inquiries/{demo.id}/choice", data={"csrf_token": token})
    assert "was not offered" in agent.get(r.headers["location"]).text
    for _ in range(2):  # a second click is a duplicate, applied once
        r = agent.post(f"/inquiries/{inq.id}/choice",
                       data={"csrf_token": token, "back": f"/drafts/{inq.answer_draft_id}"})
        assert r.status_code == 303 and r.headers["location"] == f"/drafts/{inq.answer_draft_id}"
        shown = agent.get(r.headers["location"]).text
        assert "選択を記録できませんでした" not in shown
    with Session(app_engine) as s:
        order = s.get(OrderRow, demo.order_id)
        assert order is not None and order.choice == "wait"
        events = s.exec(select(OrderEventRow).where(OrderEventRow.kind == "choice")).all()
        assert len(events) == 1
        assert events[0].payload["chosen_by"] == "agent"
        assert f"問い合わせ #{inq.id}" in events[0].payload["note"]
        row = s.get(InquiryRow, inq.id)
        assert row is not None and row.choice and row.choice["recorded_by"] == "agent"
