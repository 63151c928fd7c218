"""Stored inquiries are answered by the guarded model when one is configured (local stub server):
the checked model answer reaches the review queue, a rejected one leaves the template answer
with the reason beside it. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "drafting"))

from llm_stub_server import StubReply, StubServer  # noqa: E402

from noki.db.models import DraftRow, InquiryRow, OrderRow  # noqa: E402
from noki.drafting import TemplateDrafter  # noqa: E402
from noki.faq import FaqIndex, load_faq  # noqa: E402
from noki.inbound.records import InquiryIn  # noqa: E402
from noki.llm.settings import LLMSettings  # noqa: E402
from noki.paths import shipped  # noqa: E402
from noki.services.demo import sample_records  # noqa: E402
from noki.services.drafting_port import DraftingPort  # noqa: E402
from noki.services.inquiries import receive_record  # noqa: E402
from noki.services.orders import ingest  # noqa: E402

FAQ = FaqIndex(load_faq())
GOOD = ("{{customer_name}} 様\nお問い合わせいただき、ありがとうございます。新しい入荷予定は、"
        "仕入先からの回答をもとに日付の幅でご案内しています。")
BAD = "{{customer_name}} 様\n本日発送いたしました。必ず明日お届けします。"


def _reply(body: str) -> StubReply:
    return StubReply(content=json.dumps({"subject": "Re", "body": body}, ensure_ascii=False))


@pytest.fixture
def order_id(engine: Engine, app_ctx) -> str:
    ingest(app_ctx, sample_records(5), actor="test")
    with Session(engine) as s:
        first = s.exec(select(OrderRow.order_id).order_by(OrderRow.order_id)).first()
    assert first is not None
    return first


def _ask(engine: Engine, stub: StubServer, order_id: str, key: str) -> tuple[InquiryRow, DraftRow]:
    port = DraftingPort(templates=TemplateDrafter(),
                        prompts_dir=shipped("prompts"),
                        llm_settings=LLMSettings(base_url=stub.url, api_key="sk-test",
                                                 model="stub-model", timeout_s=5.0,
                                                 max_retries=0))
    try:
        got = receive_record(engine, InquiryIn(
            id=key, channel="chat", text="いつ届きますか？", order_id=order_id,
            received_at=dt.datetime(2026, 12, 1, 10, 0)), faq=FAQ, answerer=port.answer)
    finally:
        port.close()
    with Session(engine) as s:
        inq = s.get(InquiryRow, got.inquiry_id)
        assert inq is not None and inq.answer_draft_id is not None
        draft = s.get(DraftRow, inq.answer_draft_id)
        assert draft is not None
        return inq, draft


def test_checked_model_answer_goes_to_the_review_queue(engine: Engine, order_id: str) -> None:
    with StubServer() as stub:
        stub.queue(_reply(GOOD))
        inq, draft = _ask(engine, stub, order_id, "chat-llm-1")
        assert len(stub.requests) == 1
    assert inq.answer is not None and inq.answer["drafter"] == "llm"
    assert draft.kind == "answer" and draft.drafter == "llm" and draft.check_ok
    assert "仕入先からの回答" in draft.body and "{{" not in draft.body


def test_rejected_model_answer_keeps_the_template_and_the_reason(engine: Engine,
                                                                 order_id: str) -> None:
    with StubServer() as stub:
        stub.queue(_reply(BAD), _reply(BAD))
        inq, draft = _ask(engine, stub, order_id, "chat-llm-2")
        assert len(stub.requests) == 2  # one retry, with the violations
    assert draft.drafter == "template" and draft.check_ok and "必ず" not in draft.body
    reason = draft.meta["fallback_reason"]
    assert reason.startswith("llm_checker_failed:") and "unauthorised_promise" in reason
    assert inq.answer is not None and inq.answer["fallback_reason"] == reason
