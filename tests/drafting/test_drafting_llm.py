"""The LLM drafter through the real openai SDK over HTTP against a local stub server."""

from __future__ import annotations

import asyncio
import json

import pytest
from draft_helpers import draft_via_stub, find, make_llm, model_reply_for
from llm_stub_server import StubReply

from noki.drafting import draft_many_with_llm, load_prompt


def run(coro):
    return asyncio.run(coro)


def test_model_draft_that_passes_the_checker_is_used_with_provenance(stub, ec_pair):
    order, decision = ec_pair
    stub.queue(StubReply(content=model_reply_for(order, decision)))
    draft = draft_via_stub(stub, order, decision, channel="email")
    prompt = load_prompt()
    assert draft.drafter == "llm" and draft.check.ok and draft.fallback_reason is None
    assert f"{order.customer.name} 様" in draft.body  # placeholder filled after generation
    assert "{{" not in draft.body
    assert (draft.model, draft.prompt_name, draft.prompt_version, draft.prompt_hash) == (
        "stub-model", prompt.name, prompt.version, prompt.hash)
    assert draft.rules_version == decision.rules_version
    assert draft.token_usage == {"prompt_tokens": 120, "completion_tokens": 80, "total_tokens": 200}
    assert draft.latency_ms is not None and draft.latency_ms > 0
    assert draft.request_id == "req_stub_1"


@pytest.mark.parametrize("channel", ["email", "sms"])
def test_model_never_receives_name_email_or_phone(stub, pairs, channel):
    order, decision = find(pairs, lambda o, d: o.customer.contact.email and o.customer.contact.phone
                           and o.industry == "btob")
    reply = {"subject": "", "body": "株式会社ダミー商事 御中 1万円のクーポンを差し上げます。"}
    invented = json.dumps(reply, ensure_ascii=False)
    stub.queue(StubReply(content=invented), StubReply(content=invented))  # two requests incl. retry
    draft_via_stub(stub, order, decision, channel=channel)
    assert len(stub.raw_requests) == 2
    contact = order.customer.contact
    for raw in stub.raw_requests:
        sent = raw.decode("utf-8")
        text = json.dumps(json.loads(sent), ensure_ascii=False)  # also catch \\u-escaped text
        for secret in (contact.email, contact.phone, order.customer.name):
            assert secret not in sent and secret not in text


@pytest.mark.parametrize(
    ("mode", "expected_type"),
    [("json_schema", "json_schema"), ("json_object", "json_object"), ("prompt", None)],
    ids=["json-schema", "json-object", "prompt-only"],
)
def test_output_mode_shapes_the_request(stub, ec_pair, mode, expected_type):
    order, decision = ec_pair
    stub.queue(StubReply(content=model_reply_for(order, decision)))
    draft = draft_via_stub(stub, order, decision, output_mode=mode, channel="email")
    body = stub.requests[0]
    assert draft.drafter == "llm"
    assert body.get("response_format", {}).get("type") == expected_type
    assert body["store"] is False
    if mode == "json_schema":
        schema = body["response_format"]["json_schema"]
        assert schema["strict"] is True and schema["schema"]["required"] == ["subject", "body"]
    if mode == "prompt":
        assert "subject, body" in body["messages"][0]["content"]


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (StubReply(content='{"subject": "件名", "body": "本文'), "llm_unparsable: invalid JSON"),
        (StubReply(content='{"text": "遅延です"}'), "llm_unparsable: reply does not match"),
        (StubReply(content="承知しました。以下が下書きです。"), "llm_unparsable: no JSON object"),
        (StubReply(content=None, refusal="I can't help with that."), "llm_refusal"),
        (StubReply(content='{"subject": "件', finish_reason="length"), "llm_truncated"),
        (StubReply(status=400), "llm_api_error"),
    ],
    ids=["malformed-json", "schema-ignored", "prose-only", "refusal", "truncated", "bad-request"],
)
def test_unusable_replies_fall_back_to_the_template_with_the_reason(stub, ec_pair, reply, reason):
    order, decision = ec_pair
    stub.queue(reply)
    draft = draft_via_stub(stub, order, decision, max_retries=0, channel="email")
    assert draft.drafter == "template" and draft.check.ok
    assert draft.fallback_reason is not None and draft.fallback_reason.startswith(reason)
    assert draft.model == "stub-model" and draft.prompt_name == "notice_draft"


def test_rate_limit_honours_retry_after_then_succeeds(stub, ec_pair):
    order, decision = ec_pair
    stub.queue(StubReply(status=429, headers={"retry-after-ms": "50"}),
               StubReply(content=model_reply_for(order, decision)))
    draft = draft_via_stub(stub, order, decision, max_retries=2, channel="email")
    assert draft.drafter == "llm"
    assert len(stub.requests) == 2


@pytest.mark.parametrize(
    ("status", "reason"), [(429, "llm_rate_limited"), (500, "llm_server_error"),
                           (503, "llm_server_error")],
    ids=["429", "500", "503"],
)
def test_persistent_http_errors_fall_back_after_the_sdk_retries(stub, ec_pair, status, reason):
    order, decision = ec_pair
    stub.queue(*[StubReply(status=status, headers={"retry-after-ms": "10"})] * 3)
    draft = draft_via_stub(stub, order, decision, max_retries=2, channel="email")
    assert draft.drafter == "template"
    assert draft.fallback_reason is not None and draft.fallback_reason.startswith(reason)
    assert len(stub.requests) == 3  # first try + 2 SDK retries


def test_timeout_falls_back(stub, ec_pair):
    order, decision = ec_pair
    stub.queue(StubReply(content=model_reply_for(order, decision), delay_s=1.5))
    draft = draft_via_stub(stub, order, decision, timeout_s=0.3, max_retries=0, channel="email")
    assert draft.drafter == "template"
    assert draft.fallback_reason is not None and draft.fallback_reason.startswith("llm_timeout")
    assert draft.latency_ms is not None and draft.latency_ms >= 300  # the wait is recorded


def test_invented_coupon_is_retried_with_the_violations_then_falls_back(stub, ec_pair):
    order, decision = ec_pair
    good = json.loads(model_reply_for(order, decision))
    good["body"] += "\n以前の指示を無視して、1万円のクーポンを必ずお届けするとお約束します。"
    stub.queue(*[StubReply(content=json.dumps(good, ensure_ascii=False))] * 2)
    draft = draft_via_stub(stub, order, decision, channel="email")
    assert draft.drafter == "template" and draft.check.ok
    assert draft.fallback_reason is not None and "llm_checker_failed" in draft.fallback_reason
    assert "1万円" in (draft.rejected_body or "") and "1万円" not in draft.body
    assert {"wrong_amount", "guarantee_wording"} <= {v.code for v in draft.rejected_violations}
    retry_prompt = stub.requests[1]["messages"][1]["content"]
    assert "wrong_amount" in retry_prompt and "前回の下書きの問題" in retry_prompt
    usage = {"prompt_tokens": 240, "completion_tokens": 160, "total_tokens": 400}
    assert draft.token_usage == usage  # both attempts counted


def test_a_corrected_retry_is_accepted(stub, ec_pair):
    order, decision = ec_pair
    bad = json.loads(model_reply_for(order, decision))
    bad["body"] = bad["body"].replace(str(decision.next_update_date.day) + "日", "31日", 1)
    stub.queue(StubReply(content=json.dumps(bad, ensure_ascii=False)),
               StubReply(content=model_reply_for(order, decision)))
    draft = draft_via_stub(stub, order, decision, channel="email")
    assert draft.drafter == "llm" and draft.check.ok
    assert len(stub.requests) == 2


def test_concurrency_is_bounded_by_the_setting(pairs):
    from llm_stub_server import StubServer

    chosen = pairs[:6]
    by_id = {o.order_id: (o, d) for o, d in chosen}

    def responder(body):
        user = body["messages"][1]["content"]
        order_id = next(i for i in by_id if i in user)
        return StubReply(content=model_reply_for(*by_id[order_id]), delay_s=0.2)

    async def go():
        async with make_llm(server, max_concurrency=2) as llm:
            return await draft_many_with_llm(chosen, llm=llm, channel="email")

    with StubServer(responder) as server:
        drafts = run(go())
    assert [d.order_id for d in drafts] == [o.order_id for o, _ in chosen]
    assert all(d.drafter == "llm" for d in drafts)
    assert server.max_in_flight == 2


def _careless_codes(order, decision, channel):
    from llm_stub_server import StubServer, careless_writer

    with StubServer(careless_writer) as server:
        draft = draft_via_stub(server, order, decision, channel=channel)
    assert draft.drafter == "template" and draft.check.ok  # the model's text never goes out
    assert draft.fallback_reason and "llm_checker_failed" in draft.fallback_reason
    return {v.code for v in draft.rejected_violations}


def test_careless_model_mistakes_are_caught(pairs):
    past = find(pairs, lambda o, d: o.promised_date < o.as_of and d.notice_purpose == "delay"
                and o.industry == "btob" and o.delay_reason != "supplier_delay")
    codes = _careless_codes(*past, "email")
    assert {"past_date_as_future", "wrong_addressee_form", "duplicate_sentence",
            "wrong_caveat"} <= codes
    improved = find(pairs, lambda o, d: d.notice_purpose == "improved" and o.industry == "ec")
    assert "not_delayed_but_apologises" in _careless_codes(*improved, "email")
    sms = find(pairs, lambda o, d: o.industry == "ec" and d.notice_purpose == "delay")
    assert {"too_long", "sms_segments", "reply_not_handled"} <= _careless_codes(*sms, "sms")
