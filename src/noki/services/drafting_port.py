"""The one place the services reach the drafting package and its model: the DraftingPort."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from noki.domain.decision import Decision
from noki.domain.draft import CheckResult, Draft, NoticeChannel
from noki.domain.order import Order
from noki.drafting import Prompt, TemplateDrafter, check_text, draft_with_llm, load_prompt
from noki.drafting.lifecycle_notice import LifecycleNotice
from noki.drafting.safety import DEFAULT_DOMAINS
from noki.drafting.templates import default_channel
from noki.faq.retrieve import FaqIndex
from noki.inbound.answer import AnswerDraft, Inquiry, draft_answer
from noki.inbound.answer_llm import draft_answer_with_llm
from noki.inbound.models import IntentResult
from noki.llm.base import LLM
from noki.llm.settings import LLMSettings

T = TypeVar("T")


class DraftingPort:
    """Template drafter, or the guarded model through ONE reused async client on one event loop.

    The model's client lives on a private loop thread, so sync callers (routes, CLI) and the
    draft workers share its connection pool and its concurrency bound (NOKI_LLM_MAX_CONCURRENCY).
    """

    def __init__(
        self,
        *,
        templates: TemplateDrafter,
        prompts_dir: Path,
        llm_settings: LLMSettings | None = None,
        llm: LLM | None = None,
        allowed_domains: tuple[str, ...] = DEFAULT_DOMAINS,
    ) -> None:
        self.template = templates
        self.allowed_domains = allowed_domains  # links elsewhere are flagged (drafting/safety)
        self.prompts_dir = prompts_dir
        self.llm_settings = llm_settings if llm_settings and llm_settings.configured else None
        self._llm = llm
        self._prompt: Prompt | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def uses_model(self) -> bool:
        """True when notices are written by a model (else the template drafter, inline)."""
        return self._llm is not None or self.llm_settings is not None

    @property
    def concurrency(self) -> int:
        """How many model calls may run at once."""
        return self.llm_settings.max_concurrency if self.llm_settings else 4

    def draft(
        self, order: Order, decision: Decision, *, channel: NoticeChannel | None = None,
        notice: LifecycleNotice | None = None,
    ) -> Draft:
        """Draft a notice now (blocking); with a model, the call runs on the port's loop.

        `notice` carries the facts of a lifecycle step (shipped, cancelled, ...) or a quiet
        follow-up; without it the notice is the delay notice of the decision.
        """
        if not self.uses_model:
            return self.template.draft(order, decision, channel or default_channel(decision),
                                       notice)
        return self.submit(order, decision, channel=channel, notice=notice).result()

    def submit(
        self, order: Order, decision: Decision, *, channel: NoticeChannel | None = None,
        notice: LifecycleNotice | None = None,
    ) -> concurrent.futures.Future[Draft]:
        """Start drafting on the port's loop; the future resolves to the checked draft."""
        if not self.uses_model:
            done: concurrent.futures.Future[Draft] = concurrent.futures.Future()
            done.set_result(self.draft(order, decision, channel=channel, notice=notice))
            return done
        return self._run(self.adraft(order, decision, channel=channel, notice=notice))

    async def adraft(
        self, order: Order, decision: Decision, *, channel: NoticeChannel | None = None,
        notice: LifecycleNotice | None = None,
    ) -> Draft:
        """Draft on the port's loop (model with checker and template fallback)."""
        return await draft_with_llm(
            order,
            decision,
            llm=self._model(),
            channel=channel,
            prompts=self._prompts(),
            template=self.template,
            notice=notice,
        )

    def answer(self, inquiry: Inquiry, intent: IntentResult, order: Order | None,
               decision: Decision | None, faq: FaqIndex, *, state: str | None = None
               ) -> AnswerDraft:
        """An inquiry's answer: the template answer, or - with a model configured - the guarded
        model answer (checked, retried once with its violations, else the template answer with
        the reason kept). Blocking; the call runs on the port's loop, never in a transaction."""
        if not self.uses_model:
            return draft_answer(inquiry, intent, order, decision, faq, state=state)
        return self._run(draft_answer_with_llm(inquiry, intent, order, decision, faq,
                                               llm=self._model(), state=state)).result()

    def check(
        self,
        order: Order,
        decision: Decision,
        *,
        channel: NoticeChannel,
        subject: str | None,
        body: str,
        notice: LifecycleNotice | None = None,
        today: date | None = None,
    ) -> CheckResult:
        """Run the grounding checker on a (possibly edited) text, as read on `today`."""
        return check_text(
            order,
            decision,
            channel=channel,
            subject=subject,
            body=body,
            settings=self.template.settings,
            allowed_domains=self.allowed_domains,
            notice=notice,
            today=today,
        )

    def close(self) -> None:
        """Close the model client and stop the loop thread."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        aclose = getattr(self._llm, "aclose", None)
        if aclose is not None:
            asyncio.run_coroutine_threadsafe(aclose(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()

    def _prompts(self) -> Prompt:
        if self._prompt is None:
            self._prompt = load_prompt(root=self.prompts_dir)
        return self._prompt

    def _model(self) -> LLM:
        if self._llm is None:
            from noki.llm.openai_compat import OpenAICompatibleLLM

            assert self.llm_settings is not None
            self._llm = OpenAICompatibleLLM(self.llm_settings)
        return self._llm

    def _run(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(
                    target=self._loop.run_forever, name="noki-llm-loop", daemon=True
                )
                self._thread.start()
            loop = self._loop
        return asyncio.run_coroutine_threadsafe(coro, loop)
