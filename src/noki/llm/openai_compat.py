"""LLM adapter for any OpenAI-compatible chat endpoint (OpenAI, Azure, vLLM, Ollama ...)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import openai

from noki.llm.base import FailureKind, LLMError, LLMReply, LLMRequest, OutputMode
from noki.llm.settings import LLMSettings

PROMPT_ONLY_HINT = (
    "\n\n出力は次のキーを持つJSONオブジェクト1つだけにしてください(前後に文章を付けない): {keys}"
)


class OpenAICompatibleLLM:
    """Chat completions through the official SDK; concurrency bounded by a semaphore."""

    def __init__(self, settings: LLMSettings, *, client: openai.AsyncOpenAI | None = None) -> None:
        if not settings.model:
            raise ValueError("LLM not configured: set NOKI_LLM_MODEL (and NOKI_LLM_BASE_URL)")
        self.model = settings.model
        self.mode: OutputMode = settings.output_mode
        self.temperature = settings.temperature
        self.client = client or openai.AsyncOpenAI(
            api_key=settings.key(),
            base_url=settings.base_url,
            timeout=settings.timeout_s,
            max_retries=settings.max_retries,
        )
        self._slots = asyncio.Semaphore(settings.max_concurrency)

    async def aclose(self) -> None:
        """Close the HTTP connections (before the event loop ends)."""
        await self.client.close()

    async def __aenter__(self) -> OpenAICompatibleLLM:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def _response_format(self, request: LLMRequest) -> dict[str, Any] | None:
        if self.mode == "json_schema":
            return {
                "type": "json_schema",
                "json_schema": {
                    "name": request.schema_name, "schema": request.json_schema, "strict": True,
                },
            }
        if self.mode == "json_object":
            return {"type": "json_object"}
        return None

    def _messages(self, request: LLMRequest) -> list[dict[str, str]]:
        system = request.system
        if self.mode != "json_schema":
            # Without a schema the only contract is the prompt, so spell the keys out.
            keys = ", ".join(request.json_schema.get("properties", {}))
            system += PROMPT_ONLY_HINT.format(keys=keys)
        return [{"role": "system", "content": system}, {"role": "user", "content": request.user}]

    async def complete(self, request: LLMRequest) -> LLMReply:
        """One completion; SDK retries 429/5xx/timeouts, then failures become LLMError."""
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": self._messages(request),
            "temperature": self.temperature,
            "store": False,  # no copy of customer facts kept on the provider side
        }
        response_format = self._response_format(request)
        if response_format is not None:
            kwargs["response_format"] = response_format
        async with self._slots:
            started = time.perf_counter()
            try:
                completion = await self.client.chat.completions.create(**kwargs)
            except openai.APITimeoutError as exc:
                raise LLMError("timeout", str(exc)) from exc
            except openai.RateLimitError as exc:
                raise LLMError("rate_limited", str(exc)) from exc
            except openai.InternalServerError as exc:
                raise LLMError("server_error", str(exc)) from exc
            except openai.APIConnectionError as exc:
                raise LLMError("connection", str(exc)) from exc
            except openai.APIStatusError as exc:
                kind: FailureKind = "server_error" if exc.status_code >= 500 else "api_error"
                raise LLMError(kind, f"HTTP {exc.status_code}: {exc.message}") from exc
            latency_ms = (time.perf_counter() - started) * 1000
        return _reply(completion, self.model, latency_ms)


def _reply(completion: Any, model: str, latency_ms: float) -> LLMReply:
    if not getattr(completion, "choices", None):
        raise LLMError("api_error", "the response has no choices")
    choice = completion.choices[0]
    message = choice.message
    if getattr(message, "refusal", None):
        raise LLMError("refusal", str(message.refusal))
    if choice.finish_reason == "content_filter":
        raise LLMError("refusal", "the provider's content filter stopped the reply")
    if choice.finish_reason == "length":
        raise LLMError("truncated", "the reply hit the token limit")
    usage = completion.usage.model_dump(include={"prompt_tokens", "completion_tokens",
                                                 "total_tokens"}) if completion.usage else {}
    return LLMReply(
        content=message.content or "",
        model=completion.model or model,
        usage={k: int(v) for k, v in usage.items() if isinstance(v, int)},
        request_id=getattr(completion, "_request_id", None),
        latency_ms=latency_ms,
    )
