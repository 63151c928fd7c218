"""A drafted notice and the grounding checker's verdict (shared by drafting, console, outbox)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

NoticeChannel = Literal["email", "sms"]
DrafterName = Literal["template", "llm", "agent"]


class Violation(BaseModel):
    """One thing the checker found wrong, with a contract code (see issue 4)."""

    model_config = ConfigDict(frozen=True)

    code: str
    detail: str
    start: int | None = None  # character span in the checked text, for highlighting
    end: int | None = None
    part: Literal["subject", "body"] | None = None  # which text the span is in (body when None)


class CheckResult(BaseModel):
    """The grounding checker's verdict; warnings (keigo lint) never block."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    violations: list[Violation] = []
    warnings: list[Violation] = []


class Draft(BaseModel):
    """A notice for one order and channel, with where it came from."""

    model_config = ConfigDict(frozen=True)

    order_id: str
    channel: NoticeChannel
    subject: str | None = None
    body: str
    drafter: DrafterName
    check: CheckResult
    rules_version: str
    model: str | None = None
    prompt_name: str | None = None
    prompt_version: str | None = None
    prompt_hash: str | None = None
    token_usage: dict[str, int] | None = None
    latency_ms: float | None = None
    fallback_reason: str | None = None  # why a model draft was replaced by the template draft
    # Optional provenance added by drafting (issue 4); absent for drafts that never met a model.
    request_id: str | None = None
    rejected_subject: str | None = None  # the model's draft that was rejected, kept for the agent
    rejected_body: str | None = None
    rejected_violations: list[Violation] = []
    # The lifecycle facts the text was drafted from (LifecycleNotice.to_dict), for re-checks.
    notice: dict[str, Any] | None = None
