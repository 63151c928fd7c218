"""The FAQ file (data/faq.yaml): a YAML list of {id, question, answer}, validated on load."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from noki.paths import shipped

FAQ_PATH = shipped("data", "faq.yaml")


class FaqEntry(BaseModel):
    """One question and its general answer (exactly these keys: VOC reads the same file)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    answer: str = Field(min_length=1)


class FaqError(ValueError):
    """The FAQ file is malformed (message names the entry)."""


def load_faq(path: Path = FAQ_PATH) -> list[FaqEntry]:
    """Load and validate the FAQ; duplicate ids and unknown keys are errors."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise FaqError(f"{path}: expected a YAML list of {{id, question, answer}}")
    entries: list[FaqEntry] = []
    seen: set[str] = set()
    for index, item in enumerate(data, start=1):
        try:
            entry = FaqEntry.model_validate(item)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
            )
            raise FaqError(f"{path}: entry {index}: {problems}") from exc
        if entry.id in seen:
            raise FaqError(f"{path}: entry {index}: duplicate id {entry.id!r}")
        seen.add(entry.id)
        entries.append(entry)
    return entries
