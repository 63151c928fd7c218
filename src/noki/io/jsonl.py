"""Parse JSON/JSONL documents into models, keeping every good line and naming every bad one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class LineError:
    """One rejected input line: where, which field, what was expected."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


@dataclass(frozen=True)
class Parsed(Generic[M]):
    """A successfully parsed line."""

    line: int
    value: M


def format_validation_error(err: ValidationError) -> list[tuple[str, str]]:
    """(field path, message) pairs for a pydantic error, in a reader's words."""
    out = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"] if not isinstance(p, int)) or "(document)"
        kind = e["type"]
        if kind == "missing":
            msg = "required field is missing"
        elif kind == "extra_forbidden":
            msg = "unknown field"
        elif kind == "literal_error":
            expected = e.get("ctx", {}).get("expected", "")
            msg = f"unknown value {e.get('input')!r}, expected one of {expected}"
        else:
            msg = e["msg"].removeprefix("Value error, ")
        out.append((loc, msg))
    return out


def _documents(text: str) -> Iterator[tuple[int, str]]:
    """(line number, text) per document: a whole-file JSON object counts as one."""
    stripped = text.strip()
    if stripped.startswith("{") and "\n" in stripped:
        try:
            json.loads(stripped)
        except json.JSONDecodeError:
            pass  # not a single pretty-printed object: treat as JSONL
        else:
            yield text[: len(text) - len(text.lstrip())].count("\n") + 1, stripped
            return
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, line


def parse_models(
    text: str, model: type[M]
) -> Iterator[Parsed[M] | LineError]:
    """Yield a Parsed per valid document and a LineError per problem, in input order."""
    for number, raw in _documents(text):
        try:
            doc = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield LineError(number, "(json)", f"invalid JSON: {exc.msg} at column {exc.colno}")
            continue
        if not isinstance(doc, dict):
            yield LineError(number, "(document)", "expected a JSON object")
            continue
        try:
            yield Parsed(number, model.model_validate(doc))
        except ValidationError as exc:
            for field, message in format_validation_error(exc):
                yield LineError(number, field, message)
