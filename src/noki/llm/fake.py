"""A scripted in-process LLM for tests and demos (no HTTP)."""

from __future__ import annotations

from collections.abc import Callable

from noki.llm.base import LLMError, LLMReply, LLMRequest

Script = str | LLMError | Callable[[LLMRequest], str]


class FakeLLM:
    """Replies with scripted texts (or raises scripted errors) in order; the last one repeats."""

    def __init__(self, *script: Script, model: str = "fake-model") -> None:
        if not script:
            raise ValueError("FakeLLM needs at least one scripted reply")
        self.model = model
        self.script = list(script)
        self.requests: list[LLMRequest] = []

    async def complete(self, request: LLMRequest) -> LLMReply:
        """Record the request and play the next scripted step."""
        self.requests.append(request)
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(step, LLMError):
            raise step
        content = step(request) if callable(step) else step
        usage = {"prompt_tokens": len(request.user), "completion_tokens": len(content)}
        return LLMReply(content=content, model=self.model, usage=usage, request_id="fake")
