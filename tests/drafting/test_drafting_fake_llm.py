"""Guarded generation with the in-process fake (no HTTP): the seam other modules test with."""

from __future__ import annotations

import asyncio

from draft_helpers import model_reply_for

from noki.drafting import draft_with_llm
from noki.llm import FakeLLM, LLMError, LLMSettings


def test_fake_llm_scripted_success_then_error(ec_pair):
    order, decision = ec_pair
    llm = FakeLLM(model_reply_for(order, decision), LLMError("timeout", "slow"))
    first = asyncio.run(draft_with_llm(order, decision, llm=llm, channel="email"))
    second = asyncio.run(draft_with_llm(order, decision, llm=llm, channel="email"))
    assert first.drafter == "llm" and second.drafter == "template"
    assert second.fallback_reason == "llm_timeout: slow"


def test_prompt_carries_only_decision_facts(ec_pair):
    order, decision = ec_pair
    llm = FakeLLM(model_reply_for(order, decision))
    asyncio.run(draft_with_llm(order, decision, llm=llm, channel="email"))
    sent = llm.requests[0].system + llm.requests[0].user
    assert "{{customer_name}}" in sent
    assert f"{decision.compensation.amount_jpy:,}円" in sent
    assert order.customer.name not in sent and str(order.customer.contact.email) not in sent


def test_settings_fall_back_to_openai_variables(monkeypatch):
    for var in ("NOKI_LLM_BASE_URL", "NOKI_LLM_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-openai")
    monkeypatch.setenv("NOKI_LLM_MODEL", "m")
    monkeypatch.setenv("NOKI_LLM_OUTPUT_MODE", "json_object")
    settings = LLMSettings()
    assert settings.base_url == "http://127.0.0.1:9/v1" and settings.key() == "sk-from-openai"
    assert settings.output_mode == "json_object" and settings.configured
    monkeypatch.setenv("NOKI_LLM_BASE_URL", "http://127.0.0.1:8/v1")
    assert LLMSettings().base_url == "http://127.0.0.1:8/v1"  # noki's own variable wins
