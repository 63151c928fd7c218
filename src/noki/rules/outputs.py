"""What can go wrong turning fired rows into decision values, shared by both decide paths."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from noki.domain.decision import Decision


class DecisionError(ValueError):
    """The rules could not decide this order (no row matched, bad computed value ...)."""


def to_output(value: Any) -> Any:
    """A computed value as a decision field holds it (whole yen amounts become int)."""
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise DecisionError(f"computed amount {value} is not a whole number; use floor")
        return int(value)
    return value


_DECISION_FIELDS = frozenset(Decision.model_fields)


def construct_decision(values: dict[str, Any]) -> Decision:
    """Decision.model_construct without its per-field default handling (every field is set)."""
    # Outputs were type-checked against the vocabulary when the rules loaded.
    decision = Decision.__new__(Decision)
    object.__setattr__(decision, "__dict__", values)
    object.__setattr__(decision, "__pydantic_fields_set__", _DECISION_FIELDS)
    object.__setattr__(decision, "__pydantic_extra__", None)
    object.__setattr__(decision, "__pydantic_private__", None)
    return decision
