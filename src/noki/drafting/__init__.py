"""Drafting grounded Japanese delay notices: template drafter, LLM drafter guard, checker."""

from noki.drafting.checker import check_text
from noki.drafting.templates import TemplateDrafter, default_channel, draft_notice

__all__ = ["TemplateDrafter", "check_text", "default_channel", "draft_notice"]
