"""The shape of a rule file as pydantic models (extra="forbid"); errors map back to file:line.

Shape only: which keys exist and what kind of value each holds. Names, values and types that
depend on the vocabulary are checked afterwards by noki.rules.parse.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, ValidationError

from noki.rules.suggest import did_you_mean
from noki.rules.yaml_lines import line_of

IntermediateKind = Literal["enum", "int", "number", "bool", "string", "date"]


class _Strict(BaseModel):
    """Unknown keys are errors; no silent coercion of text to numbers or booleans."""

    model_config = ConfigDict(extra="forbid", strict=True)


class InputSpec(_Strict):
    """An input's declared domain: listed values, or numeric bounds."""

    values: list[Any] | None = None
    min: int | float | None = None
    max: int | float | None = None


class OutputSpec(_Strict):
    """An intermediate output's type (decision fields take theirs from the vocabulary)."""

    type: IntermediateKind | None = None
    values: list[StrictStr] | None = None
    nullable: StrictBool = False


class RuleSpec(_Strict):
    """One row: when (input -> test), then (output -> value), why, optional validity dates."""

    id: StrictStr = Field(min_length=1)
    when: dict[StrictStr, Any] | None = None
    then: dict[StrictStr, Any] = Field(min_length=1)
    why: StrictStr = ""
    valid_from: Any = None
    valid_to: Any = None


class ExampleSpec(_Strict):
    """A given/expect case run by `noki rules test`."""

    name: StrictStr | None = None
    given: dict[StrictStr, Any]
    expect: dict[StrictStr, Any]


class TableSpec(_Strict):
    """A decision table."""

    name: StrictStr = Field(min_length=1)
    description: StrictStr = ""
    hit_policy: Literal["first", "collect"]
    complete: StrictBool = False
    inputs: dict[StrictStr, InputSpec | None] | None = None
    outputs: dict[StrictStr, OutputSpec | None] = Field(min_length=1)
    rules: list[Any] = Field(min_length=1, max_length=65535)
    examples: list[Any] | None = None
    valid_from: Any = None
    valid_to: Any = None


class FileSpec(_Strict):
    """A rule file: a description, tables, and optionally vocabulary and calendar."""

    description: StrictStr = ""
    ruleset: Literal["orders", "sales_control"] = "orders"  # what the tables decide about
    tables: list[Any] = []
    vocabulary: dict[StrictStr, Any] | None = None
    calendar: dict[StrictStr, Any] | None = None


SpecT = type[_Strict]

_KIND_WORDS = {
    "string_type": "text", "bool_type": "true or false", "int_type": "a whole number",
    "float_type": "a number", "dict_type": "a mapping (key: value)", "list_type": "a list",
}


def _describe(model: SpecT, err: dict[str, Any], where: str) -> str:
    """A rule author's sentence for one pydantic error."""
    loc = err["loc"]
    field = next((p for p in reversed(loc) if isinstance(p, str)), "")
    kind = err["type"]
    if kind == "extra_forbidden":
        owner = _owner(model, loc)
        allowed = ", ".join(owner.model_fields) if owner else ""
        close = did_you_mean(field, owner.model_fields) if owner else ""
        return f"unknown field {field!r} in {where}; expected one of: {allowed}{close}"
    if kind == "missing":
        return f"{where}: missing {field!r}"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"{where}: {field} must be {expected}, got {err['input']!r}"
    if kind in _KIND_WORDS:
        return f"{where}: {field} must be {_KIND_WORDS[kind]}, got {err['input']!r}"
    if kind == "too_short":
        return f"{where}: {field} must not be empty"
    if kind == "too_long":
        most = err.get("ctx", {}).get("max_length")
        return f"{where}: at most {most} {field} (the durable priority range)"
    return f"{where}: {field}: {err['msg']}"


def _owner(model: SpecT, loc: tuple[Any, ...]) -> SpecT | None:
    """The model whose field list an extra key was checked against."""
    current: SpecT | None = model
    for part in loc[:-1]:
        if current is None or not isinstance(part, str):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _model_in(info.annotation)
    return current


def _model_in(annotation: Any) -> SpecT | None:
    if isinstance(annotation, type) and issubclass(annotation, _Strict):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def validate_spec(
    model: type[Any], node: Any, where: str, add: Any
) -> Any | None:
    """Validate node against model; report each error at its line via add(line, msg)."""
    try:
        return model.model_validate(node)
    except ValidationError as exc:
        for err in exc.errors():
            add(line_of(node, tuple(err["loc"])), _describe(model, dict(err), where))
        return None
