"""Benchmark drafting: template drafts+checks per second, and the LLM path's concurrency.

    .venv/bin/python bench/draft.py [--n 10000] [--llm-n 200] [--latency-ms 100]

1. Template path: decide 10,000 sample orders (not timed), then draft each notice on its
   decision's channel and run the grounding checker on it (timed). Target: >= 2,000/s.
2. LLM path: the real openai SDK against the local OpenAI-compatible stub server
   (tests/drafting/llm_stub_server.py) that answers after a fixed artificial latency with a
   correct draft; same drafts at concurrency 1 and 8 show that concurrency hides latency.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "drafting"))

from llm_stub_server import StubReply, StubServer  # noqa: E402

from noki.domain.order import Order  # noqa: E402
from noki.drafting import draft_many_with_llm, draft_notice  # noqa: E402
from noki.llm.openai_compat import OpenAICompatibleLLM  # noqa: E402
from noki.llm.settings import LLMSettings  # noqa: E402
from noki.rules.store import RuleStore  # noqa: E402
from noki.sample.orders import sample_orders  # noqa: E402

ORDER_ID = re.compile(r"ご注文番号: (\S+)")


def decided(n: int, seed: int):
    """Sample orders that get a notice (an on-time order gets none), with their decisions."""
    decide = RuleStore().decide
    pairs = [(o, decide(o)) for o in (Order.model_validate(d) for d in sample_orders(n, seed=seed))]
    return [(o, d) for o, d in pairs if d.notice_purpose != "none"]


def bench_template(pairs) -> None:
    started, cpu_started = time.perf_counter(), time.process_time()
    drafts = [draft_notice(o, d) for o, d in pairs]
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started  # one core's work; the wall clock is shared
    ok = sum(d.check.ok for d in drafts)
    sms = sum(d.channel == "sms" for d in drafts)
    print(f"template drafts + checks: {len(drafts):,} in {elapsed:.2f} s wall = "
          f"{len(drafts) / elapsed:,.0f}/s ({len(drafts) / cpu:,.0f}/s per CPU-second)  "
          f"checker ok: {ok:,}/{len(drafts):,}; sms: {sms:,}")


def correct_reply(order, decision) -> str:
    draft = draft_notice(order, decision, channel="email")
    body = draft.body.replace(order.customer.name, "{{customer_name}}")
    return json.dumps({"subject": draft.subject, "body": body}, ensure_ascii=False)


def bench_llm(pairs, latency_s: float, concurrencies: list[int]) -> None:
    replies = {o.order_id: correct_reply(o, d) for o, d in pairs}  # prepared, not timed

    def responder(body):
        order_id = ORDER_ID.search(body["messages"][1]["content"]).group(1)
        return StubReply(content=replies[order_id], delay_s=latency_s)

    with StubServer(responder) as stub:
        for concurrency in concurrencies:
            settings = LLMSettings(base_url=stub.url, api_key="bench", model="stub-model",
                                   timeout_s=30, max_retries=0, max_concurrency=concurrency)

            async def run(settings=settings):
                async with OpenAICompatibleLLM(settings) as llm:
                    return await draft_many_with_llm(pairs, llm=llm, channel="email")

            started = time.perf_counter()
            drafts = asyncio.run(run())
            elapsed = time.perf_counter() - started
            used = sum(d.drafter == "llm" for d in drafts)
            print(f"llm path, concurrency {concurrency}: {len(drafts)} drafts in {elapsed:.2f} s = "
                  f"{len(drafts) / elapsed:,.1f}/s  (model drafts accepted: {used}/{len(drafts)}; "
                  f"stub latency {latency_s * 1000:.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--llm-n", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    pairs = decided(args.n, args.seed)
    draft_notice(*pairs[0])  # load templates before timing
    bench_template(pairs)
    bench_llm(pairs[: args.llm_n], args.latency_ms / 1000, args.concurrency)


if __name__ == "__main__":
    main()
