"""Helpers shared by the drafting tests (sample pairs, correct model replies, the real adapter)."""

from __future__ import annotations

import asyncio
import json

from llm_stub_server import StubServer

from noki.domain.decision import Decision
from noki.domain.draft import Draft
from noki.domain.order import Order
from noki.drafting import draft_notice, draft_with_llm
from noki.llm.openai_compat import OpenAICompatibleLLM
from noki.llm.settings import LLMSettings
from noki.rules.store import RuleStore
from noki.sample.orders import sample_orders

decide = RuleStore().decide  # the shipped rules


def decided(n: int, seed: int) -> list[tuple[Order, Decision]]:
    """n sample orders with their decisions."""
    pairs = []
    for doc in sample_orders(n, seed=seed):
        order = Order.model_validate(doc)
        pairs.append((order, decide(order)))
    return pairs


def find(pairs: list[tuple[Order, Decision]], predicate) -> tuple[Order, Decision]:
    """The first (order, decision) matching predicate(order, decision)."""
    return next(p for p in pairs if predicate(*p))


def model_reply_for(order: Order, decision: Decision, channel: str = "email") -> str:
    """A correct model reply: the template draft with the name replaced by the placeholder."""
    draft = draft_notice(order, decision, channel=channel)
    name = order.customer.name
    short = name.split(" ")[0]
    body = draft.body.replace(name, "{{customer_name}}")
    if channel == "sms":
        body = body.replace(short, "{{customer_name}}", 1)
    return json.dumps({"subject": draft.subject or "", "body": body}, ensure_ascii=False)


def make_llm(stub: StubServer, **overrides) -> OpenAICompatibleLLM:
    """The real adapter (real SDK, real HTTP) pointed at the stub."""
    settings = LLMSettings(
        base_url=stub.url, api_key="sk-test", model="stub-model",
        **{"timeout_s": 5.0, "max_retries": 1, **overrides},
    )
    return OpenAICompatibleLLM(settings)


def draft_via_stub(stub: StubServer, order: Order, decision: Decision, *,
                   channel: str = "email", notice=None, **settings) -> Draft:
    """Run the guarded LLM drafter once against the stub, closing the client in its loop."""

    async def go() -> Draft:
        async with make_llm(stub, **settings) as llm:
            return await draft_with_llm(order, decision, llm=llm, channel=channel,
                                        notice=notice)

    return asyncio.run(go())
