"""The one place the services reach the drafting package (issue 4) and its LLM path."""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache

from pydantic import ValidationError

from noki.domain.decision import Decision
from noki.domain.draft import CheckResult, Draft, NoticeChannel
from noki.domain.order import Order
from noki.drafting import check_text, draft_notice, draft_with_llm
from noki.drafting.safety import DEFAULT_DOMAINS
from noki.llm.settings import LLMSettings

log = logging.getLogger(__name__)


def draft(order: Order, decision: Decision, *, channel: NoticeChannel | None = None) -> Draft:
    """Draft a notice: the guarded model when NOKI_LLM_MODEL is set, else the template drafter."""
    settings = llm_settings()
    if settings is None:
        return draft_notice(order, decision, channel=channel)
    return asyncio.run(_draft_llm(order, decision, channel, settings))


def check(
    order: Order,
    decision: Decision,
    *,
    channel: NoticeChannel,
    subject: str | None,
    body: str,
    allowed_domains: tuple[str, ...] = DEFAULT_DOMAINS,
) -> CheckResult:
    """Run the grounding checker on a (possibly edited) text."""
    return check_text(
        order,
        decision,
        channel=channel,
        subject=subject,
        body=body,
        allowed_domains=allowed_domains,
    )


@lru_cache(maxsize=1)
def llm_settings() -> LLMSettings | None:
    """The LLM settings when a model is configured (a broken configuration is logged, not fatal)."""
    try:
        settings = LLMSettings()
    except ValidationError as exc:
        log.error("LLM settings ignored, drafting with templates: %s", exc)
        return None
    return settings if settings.configured else None


async def _draft_llm(
    order: Order, decision: Decision, channel: NoticeChannel | None, settings: LLMSettings
) -> Draft:
    from noki.llm.openai_compat import OpenAICompatibleLLM

    async with OpenAICompatibleLLM(settings) as llm:
        return await draft_with_llm(order, decision, llm=llm, channel=channel)
