"""FAQ proposals on the console (SQLite and PostgreSQL): reviewed by marketing, accepted as a
versioned, audited entry that answer drafting uses at once, exported as data/faq.yaml."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from noki.cli.main import app
from noki.db.models import AuditEvent, FaqEntryRow, FaqProposalRow, InquiryRow
from noki.faq.store import load_faq
from noki.inbound.records import InquiryIn
from noki.services.demo import sample_records
from noki.services.faq_review import import_proposals
from noki.services.inquiries import receive_record
from noki.services.orders import ingest
from noki.voc.models import FaqProposal, Quote

QUOTE = "領収書の宛名を会社名に変えてもらえるのか分からない"
PROPOSAL = FaqProposal(
    id="faq-receipt-name", code="receipt", question="領収書の宛名は変えられますか？",
    answer="領収書の宛名は、マイページの注文履歴から変更できます。",
    quotes=[Quote(id="v1", date=dt.date(2026, 11, 30), channel="email", text=QUOTE)],
    evidence=["テンプレート「領収書」"], reason="flagged")


def _proposal_id(engine: Engine) -> int:
    assert import_proposals(engine, [PROPOSAL]) == 1
    assert import_proposals(engine, [PROPOSAL]) == 0  # proposed once
    with Session(engine) as s:
        row = s.exec(select(FaqProposalRow)).one()
        assert row.id is not None
        return row.id


def test_marketing_reviews_and_accepts_a_proposal_used_by_answers_at_once(
        client: TestClient, login, csrf, app_engine: Engine, app_ctx, tmp_path: Path,
        monkeypatch, database_url: str) -> None:
    ingest(app_ctx, sample_records(3), actor="test")
    pid = _proposal_id(app_engine)
    before = app_ctx.faq.index()
    assert all(e.id != PROPOSAL.id for e in before.entries)
    market = login("marketing")
    assert "faq-receipt-name" in market.get("/faq").text
    page = market.get(f"/faq/proposals/{pid}").text
    assert QUOTE in page and 'id="accept-faq"' in page
    token = csrf(market, f"/faq/proposals/{pid}")
    # A date in a general answer is refused, naming the field; nothing is accepted.
    r = market.post(f"/faq/proposals/{pid}/accept", data={
        "csrf_token": token, "question": PROPOSAL.question, "answer": "12月5日までに変更します"})
    assert "answer: FAQ の回答に日付" in market.get(r.headers["location"]).text
    edited = "領収書の宛名は、注文履歴の「領収書」画面で会社名に変更していただけます。"
    r = market.post(f"/faq/proposals/{pid}/accept", data={
        "csrf_token": token, "question": PROPOSAL.question, "answer": edited})
    assert "採用しました" in market.get(r.headers["location"]).text
    with Session(app_engine) as s:
        entry = s.exec(select(FaqEntryRow)).one()
        assert (entry.entry_id, entry.version, entry.answer) == (PROPOSAL.id, 1, edited)
        assert entry.author == "marketing"
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "faq_accepted")).one()
    # Answer drafting uses it at once (same context, no restart).
    got = receive_record(app_engine, InquiryIn.model_validate(
        {"id": "w-1", "channel": "web_form", "received_at": "2026-12-01T10:00:00",
         "text": "領収書の宛名を会社名に変更できますか", "order_id": "EC-000001"}),
        faq=app_ctx.faq.index())
    with Session(app_engine) as s:
        inq = s.get(InquiryRow, got.inquiry_id)
        assert inq is not None and inq.answer is not None
        assert PROPOSAL.id in inq.answer["faq_ids"] and edited in inq.answer["body"]
    # Exported in data/faq.yaml format, beside the shipped entries.
    monkeypatch.setenv("NOKI_DATABASE_URL", database_url)
    out = tmp_path / "faq.yaml"
    result = CliRunner().invoke(app, ["faq", "export", "--output", str(out)])
    assert result.exit_code == 0, result.output
    exported = {e.id: e for e in load_faq(out)}
    assert exported[PROPOSAL.id].answer == edited and "faq-eta-when" in exported


def test_reject_needs_a_reason_and_agents_cannot_review(
        client: TestClient, login, csrf, app_engine: Engine) -> None:
    pid = _proposal_id(app_engine)
    assert login("agent").get("/faq").status_code == 403
    sup = login("supervisor")
    token = csrf(sup, f"/faq/proposals/{pid}")
    r = sup.post(f"/faq/proposals/{pid}/reject", data={"csrf_token": token, "reason": " "})
    assert "却下の理由" in sup.get(r.headers["location"]).text
    sup.post(f"/faq/proposals/{pid}/reject", data={"csrf_token": token, "reason": "対象外"})
    with Session(app_engine) as s:
        row = s.get(FaqProposalRow, pid)
        assert row is not None and row.status == "rejected" and row.review_reason == "対象外"
        assert s.exec(select(FaqEntryRow)).first() is None
