"""Drafting grounded Japanese delay notices: template drafter, guarded LLM drafter, checker."""

from noki.drafting.checker import check_text
from noki.drafting.guarded import draft_many_with_llm, draft_with_llm
from noki.drafting.prompts import Prompt, load_prompt
from noki.drafting.templates import TemplateDrafter, default_channel, draft_notice

__all__ = [
    "Prompt",
    "TemplateDrafter",
    "check_text",
    "default_channel",
    "draft_many_with_llm",
    "draft_notice",
    "draft_with_llm",
    "load_prompt",
]
