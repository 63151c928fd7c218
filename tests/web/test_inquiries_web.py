"""`POST /api/inquiries` and the console's inquiry list (SQLite and PostgreSQL)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from noki.services import users
from noki.services.demo import sample_records
from noki.services.inquiries import seed_demo_inquiries
from noki.services.orders import ingest


def test_api_stores_good_items_reports_bad_ones_and_is_idempotent(client: TestClient,
                                                                   app_engine: Engine,
                                                                   app_ctx) -> None:
    ingest(app_ctx, sample_records(3), actor="test")
    token = users.create_token(app_engine, username="agent", name="phone")
    auth = {"Authorization": f"Bearer {token}"}
    items = [
        {"id": "call-1", "channel": "phone", "received_at": "2026-12-01T10:00:00",
         "text": "入電。EC-000001 の件、いつ届くのかとのこと"},
        {"channel": "fax", "received_at": "2026-12-01T10:00:00", "text": "x"},
    ]
    r = client.post("/api/inquiries", json=items, headers=auth)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["stored"][0]["created"] is True
    assert body["errors"][0]["index"] == 1 and body["errors"][0]["field"] == "channel"
    again = client.post("/api/inquiries", json=items[0], headers=auth).json()
    assert again["stored"] == [{"id": body["stored"][0]["id"], "created": False}]
    assert client.post("/api/inquiries", json=items[1], headers=auth).status_code == 422
    assert client.post("/api/inquiries", json=items[0]).status_code == 401


def test_marketing_cannot_post_inquiries(client: TestClient, app_engine: Engine) -> None:
    token = users.create_token(app_engine, username="marketing", name="t")
    r = client.post("/api/inquiries", json=[], headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403


def test_console_lists_inquiries_with_intent_choice_and_sla(client: TestClient, login,
                                                            app_engine: Engine, app_ctx,
                                                            settings) -> None:
    from noki.faq import FaqIndex, load_faq

    ingest(app_ctx, sample_records(8), actor="test")
    seed_demo_inquiries(app_engine, faq=FaqIndex(load_faq(settings.faq_path)))
    page = login("agent").get("/inquiries")
    assert page.status_code == 200
    html = page.text
    for label in ("納期の問い合わせ", "対応の選択", "キャンセル", "補償・お詫び", "苦情", "その他"):
        assert label in html
    assert "自動では反映しません" in html and "未応答" in html
    held = client.get("/inquiries?state=held").text
    assert "納期の問い合わせ" not in held


def test_marketing_reads_inquiries_without_the_senders_contact(client: TestClient, login,
                                                               app_engine: Engine, app_ctx,
                                                               settings) -> None:
    from sqlmodel import Session, select

    from noki.db.models import InquiryRow
    from noki.faq import FaqIndex, load_faq

    ingest(app_ctx, sample_records(8), actor="test")
    seed_demo_inquiries(app_engine, faq=FaqIndex(load_faq(settings.faq_path)))
    with Session(app_engine) as s:
        senders = {r.from_addr for r in s.exec(select(InquiryRow)).all() if r.from_addr}
    assert senders, "the demo replies come from e-mail addresses"
    marketing = login("marketing").get("/inquiries")
    assert marketing.status_code == 200 and "納期の問い合わせ" in marketing.text
    for address in senders:
        assert address not in marketing.text, address
    agent = login("agent").get("/inquiries").text
    assert any(address in agent for address in senders)
    with Session(app_engine) as s:  # masking the page never writes to the rows
        assert senders == {r.from_addr for r in s.exec(select(InquiryRow)).all() if r.from_addr}
