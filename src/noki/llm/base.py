"""The one seam to a language model: a request, a reply, typed failures, and the interface."""

from __future__ import annotations

from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict

OutputMode = Literal["json_schema", "json_object", "prompt"]
FailureKind = Literal[
    "timeout", "rate_limited", "server_error", "connection", "api_error", "refusal", "truncated"
]


class LLMRequest(BaseModel):
    """Chat messages plus the JSON shape we want back."""

    model_config = ConfigDict(frozen=True)

    system: str
    user: str
    schema_name: str
    json_schema: dict[str, Any]


class LLMReply(BaseModel):
    """What the model said (raw text: the caller parses and validates it)."""

    model_config = ConfigDict(frozen=True)

    content: str
    model: str
    usage: dict[str, int] = {}
    request_id: str | None = None
    latency_ms: float = 0.0


class LLMError(Exception):
    """A model call that produced no usable text; kind says why (shown to the agent)."""

    def __init__(self, kind: FailureKind, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


class LLM(Protocol):
    """Anything that turns an LLMRequest into an LLMReply or raises LLMError."""

    model: str

    async def complete(self, request: LLMRequest) -> LLMReply:
        """One chat completion."""
        ...
