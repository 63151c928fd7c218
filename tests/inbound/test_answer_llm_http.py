"""The answer model path over real HTTP (openai SDK -> local OpenAI-compatible stub)."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "drafting"))

from llm_stub_server import StubReply, StubServer  # noqa: E402

from noki.inbound import Inquiry, classify_intent, draft_answer_with_llm  # noqa: E402
from noki.llm.openai_compat import OpenAICompatibleLLM  # noqa: E402
from noki.llm.settings import LLMSettings  # noqa: E402

GOOD = ("{{customer_name}} 様\nお問い合わせいただき、ありがとうございます。新しい入荷予定は、"
        "仕入先からの回答をもとに日付の幅でご案内しています。")
BAD = "{{customer_name}} 様\n本日発送いたしました。必ず明日お届けします。"


def _run(stub: StubServer, pair, faq, text: str):
    order, decision = pair
    intent = classify_intent(text, offered=decision.options)
    settings = LLMSettings(base_url=stub.url, api_key="sk-test", model="stub-model",
                           timeout_s=5.0, max_retries=1)

    async def go():
        async with OpenAICompatibleLLM(settings) as llm:
            return await draft_answer_with_llm(Inquiry(text=text), intent, order, decision, faq,
                                               llm=llm)

    return asyncio.run(go())


def _reply(body: str) -> StubReply:
    return StubReply(content=json.dumps({"subject": "Re", "body": body}, ensure_ascii=False))


def test_checked_model_answer_is_used(pairs, faq):
    with StubServer() as stub:
        stub.queue(_reply(GOOD))
        answer = _run(stub, pairs[0], faq, "いつ届きますか？")
        sent = stub.requests[0]
    assert answer.drafter == "llm" and pairs[0][0].customer.name in answer.body
    user = json.loads(sent["messages"][-1]["content"])
    assert user["customer_text"] == "いつ届きますか？"
    assert pairs[0][0].customer.name not in sent["messages"][-1]["content"]  # no name to the model


def test_promise_is_retried_once_then_the_template_answer_is_kept(pairs, faq):
    with StubServer() as stub:
        stub.queue(_reply(BAD), _reply(BAD))
        answer = _run(stub, pairs[0], faq, "いつ届きますか？")
        assert len(stub.requests) == 2
    assert answer.drafter == "template" and answer.check.ok
    assert answer.fallback_reason.startswith("llm_checker_failed:")
    assert "unauthorised_promise" in answer.fallback_reason


def test_server_error_falls_back_with_the_reason(pairs, faq):
    with StubServer() as stub:
        stub.queue(*[StubReply(status=500, raw=b'{"error": {"message": "boom"}}')] * 3)
        answer = _run(stub, pairs[0], faq, "補償はありますか")
    assert answer.drafter == "template" and answer.fallback_reason.startswith("llm_")


def test_violations_go_back_to_the_model_and_a_clean_retry_is_used(pairs, faq):
    with StubServer() as stub:
        stub.queue(_reply(BAD), _reply(GOOD))
        answer = _run(stub, pairs[0], faq, "いつ届きますか？")
        first, second = (json.loads(r["messages"][-1]["content"]) for r in stub.requests)
    assert first["previous_violations"] == []
    assert "unauthorised_promise" in {v["code"] for v in second["previous_violations"]}
    assert answer.drafter == "llm" and answer.fallback_reason is None and answer.check.ok
