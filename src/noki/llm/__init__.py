"""Language-model adapters behind one small interface (noki.llm.base.LLM)."""

from noki.llm.base import LLM, LLMError, LLMReply, LLMRequest
from noki.llm.fake import FakeLLM
from noki.llm.settings import LLMSettings

__all__ = ["LLM", "FakeLLM", "LLMError", "LLMReply", "LLMRequest", "LLMSettings"]
