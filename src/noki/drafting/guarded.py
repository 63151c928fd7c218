"""Guarded generation: model draft -> checker -> one retry with the findings -> template."""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from collections.abc import Iterable

from noki.domain.decision import Decision
from noki.domain.draft import Draft, NoticeChannel, Violation
from noki.domain.order import Order
from noki.drafting import wording
from noki.drafting.checker import check_text
from noki.drafting.context import notice_facts
from noki.drafting.lifecycle_notice import LifecycleNotice
from noki.drafting.prompts import NAME_PLACEHOLDER, NOTICE_SCHEMA, Prompt, load_prompt, parse_output
from noki.drafting.templates import TemplateDrafter, default_channel
from noki.llm.base import LLM, LLMError, LLMRequest

MAX_ATTEMPTS = 2  # the first draft plus one retry with the checker's findings
_PLACEHOLDER = re.compile(r"\{\{\s*customer_name\s*\}\}")


def _fill_name(text: str, order: Order, channel: NoticeChannel) -> str:
    name = order.customer.name if channel == "email" else wording.short_name(order.customer.name)
    return _PLACEHOLDER.sub(name, text)


def _redact(violations: list[Violation], order: Order) -> list[dict[str, str]]:
    """Violations fed back to the model, with the customer's name replaced by the placeholder."""
    name = order.customer.name
    names = sorted({name, wording.short_name(name), name.replace(" ", "")}, key=len, reverse=True)
    out = []
    for v in violations:
        detail = v.detail
        for n in names:
            detail = detail.replace(n, NAME_PLACEHOLDER)
        out.append({"code": v.code, "detail": detail})
    return out


def _usage_total(usages: Iterable[dict[str, int]]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for usage in usages:
        total.update(usage)
    return dict(total)


async def draft_with_llm(
    order: Order,
    decision: Decision,
    *,
    llm: LLM,
    channel: NoticeChannel | None = None,
    prompts: Prompt | None = None,
    template: TemplateDrafter | None = None,
    notice: LifecycleNotice | None = None,
) -> Draft:
    """A model-written notice that passed the checker, or the template notice with the reason."""
    template = template or TemplateDrafter()  # the service passes its own (no module default)
    channel = channel or default_channel(decision)
    prompt = prompts or load_prompt()
    # No name, e-mail or phone in here; the same settings as the template drafter's.
    facts = notice_facts(order, decision, channel=channel, settings=template.settings,
                         notice=notice)
    provenance = {
        "order_id": order.order_id, "channel": channel, "rules_version": decision.rules_version,
        "model": llm.model, "prompt_name": prompt.name, "prompt_version": prompt.version,
        "prompt_hash": prompt.hash,
        "notice": notice.to_dict() if notice is not None else None,
    }
    usages: list[dict[str, int]] = []
    latency = 0.0
    request_id: str | None = None
    feedback: list[dict[str, str]] = []
    rejected: tuple[str | None, str, list[Violation]] | None = None

    def fallback(reason: str) -> Draft:
        base = template.draft(order, decision, channel, notice)
        extra = {}
        if rejected is not None:
            extra = {"rejected_subject": rejected[0], "rejected_body": rejected[1],
                     "rejected_violations": rejected[2]}
        return base.model_copy(update={
            **provenance, **extra, "drafter": "template", "fallback_reason": reason,
            "token_usage": _usage_total(usages) or None, "latency_ms": round(latency, 1),
            "request_id": request_id,
        })

    for _attempt in range(MAX_ATTEMPTS):
        system, user = prompt.render(facts, violations=feedback)
        request = LLMRequest(system=system, user=user, schema_name="delay_notice",
                             json_schema=NOTICE_SCHEMA)
        started = time.perf_counter()
        try:
            reply = await llm.complete(request)
        except LLMError as exc:
            latency += (time.perf_counter() - started) * 1000  # time lost waiting counts too
            return fallback(f"llm_{exc.kind}: {exc.message[:300]}")
        latency += (time.perf_counter() - started) * 1000
        usages.append(reply.usage)
        request_id = reply.request_id or request_id
        try:
            output = parse_output(reply.content)
        except ValueError as exc:
            rejected = (None, reply.content, [])
            return fallback(f"llm_unparsable: {exc}")
        subject = _fill_name(output.subject, order, channel) if channel == "email" else None
        body = _fill_name(output.body, order, channel)
        check = check_text(order, decision, channel=channel, subject=subject, body=body,
                           settings=template.settings, notice=notice)
        if check.ok:
            return Draft(**provenance, subject=subject, body=body, drafter="llm", check=check,
                         token_usage=_usage_total(usages), latency_ms=round(latency, 1),
                         request_id=request_id)
        rejected = (subject, body, check.violations)
        feedback = _redact(check.violations, order)
    codes = sorted({v.code for v in rejected[2]}) if rejected else []
    return fallback(f"llm_checker_failed: {', '.join(codes)} (after {MAX_ATTEMPTS} attempts)")


async def draft_many_with_llm(
    pairs: Iterable[tuple[Order, Decision]],
    *,
    llm: LLM,
    channel: NoticeChannel | None = None,
    prompts: Prompt | None = None,
) -> list[Draft]:
    """Draft many notices concurrently (the adapter bounds concurrency), in input order."""
    prompt = prompts or load_prompt()
    return list(await asyncio.gather(*(
        draft_with_llm(o, d, llm=llm, channel=channel, prompts=prompt) for o, d in pairs
    )))
