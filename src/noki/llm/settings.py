"""LLM settings from the environment (NOKI_LLM_*, falling back to the SDK's OPENAI_*)."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from noki.llm.base import OutputMode


class LLMSettings(BaseSettings):
    """Where the model lives and how hard to try; unset model means "no LLM configured"."""

    model_config = SettingsConfigDict(env_prefix="NOKI_LLM_", extra="ignore", populate_by_name=True)

    base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("NOKI_LLM_BASE_URL", "OPENAI_BASE_URL")
    )
    api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("NOKI_LLM_API_KEY", "OPENAI_API_KEY")
    )
    model: str | None = None
    output_mode: OutputMode = "json_schema"
    timeout_s: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=2, ge=0, le=10)
    max_concurrency: int = Field(default=4, ge=1, le=256)
    temperature: float = Field(default=0.2, ge=0, le=2)

    @model_validator(mode="after")
    def _key_or_local(self) -> LLMSettings:
        # A local server (vLLM, Ollama) ignores the key; api.openai.com without one would only 401.
        if self.model and self.api_key is None and self.base_url is None:
            raise ValueError("NOKI_LLM_MODEL is set but neither NOKI_LLM_API_KEY nor a base URL is")
        return self

    @property
    def configured(self) -> bool:
        """True when a model name is set."""
        return bool(self.model)

    def key(self) -> str:
        """The API key, or a dummy for keyless local servers."""
        return self.api_key.get_secret_value() if self.api_key else "unused-local"
