"""Versioned prompt files (prompts/<name>/: prompt.yaml, system.j2, user.j2) and the output."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from noki.paths import shipped

PROMPT_DIR = shipped("prompts")
NAME_PLACEHOLDER = "{{customer_name}}"
_FILES = ("prompt.yaml", "system.j2", "user.j2")
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")


class NoticeOutput(BaseModel):
    """What the model must return; anything else is unparsable."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    subject: str
    body: str


# Written by hand because strict structured output wants exactly this shape.
NOTICE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"subject": {"type": "string"}, "body": {"type": "string"}},
    "required": ["subject", "body"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Prompt:
    """A loaded prompt: identity (name, version, hash) and its two templates."""

    name: str
    version: str
    hash: str
    system: jinja2.Template
    user: jinja2.Template

    def render(self, facts: dict[str, Any], **extra: Any) -> tuple[str, str]:
        """(system, user) messages rendered from the facts."""
        ctx = {**facts, "name_placeholder": NAME_PLACEHOLDER, "violations": [], **extra}
        return self.system.render(ctx).strip(), self.user.render(ctx).strip()


def load_prompt(name: str = "notice_draft", root: Path = PROMPT_DIR) -> Prompt:
    """Load prompts/<name>/; the hash covers all three files, so any edit shows in drafts."""
    folder = root / name
    sources = {f: (folder / f).read_text(encoding="utf-8") for f in _FILES}
    meta = yaml.safe_load(sources["prompt.yaml"]) or {}
    if meta.get("name") != name or not meta.get("version"):
        raise ValueError(f"{folder / 'prompt.yaml'}: needs name: {name} and a version")
    digest = hashlib.sha256("\0".join(sources[f] for f in _FILES).encode()).hexdigest()[:16]
    env = jinja2.Environment(
        autoescape=False,  # plain text sent to a model, not HTML
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return Prompt(
        name=name,
        version=str(meta["version"]),
        hash=digest,
        system=env.from_string(sources["system.j2"]),
        user=env.from_string(sources["user.j2"]),
    )


def parse_output(content: str) -> NoticeOutput:
    """The model's JSON reply as a NoticeOutput; ValueError when it is not one."""
    text = _FENCE.sub("", content.strip())
    start, end = text.find("{"), text.rfind("}")
    if start < 0:
        raise ValueError("no JSON object in the reply")
    try:
        data = json.loads(text[start : end + 1] if end > start else text[start:])
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc.msg}") from exc
    try:
        return NoticeOutput.model_validate(data)
    except ValidationError as exc:
        fields = ", ".join(".".join(map(str, e["loc"])) or "(reply)" for e in exc.errors())
        raise ValueError(f"reply does not match the schema ({fields})") from exc
