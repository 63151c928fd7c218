"""What can go wrong turning fired rows into decision values, shared by both decide paths."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from decimal import Decimal
from itertools import repeat
from typing import Any

from pydantic import BaseModel

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


_set_attribute = object.__setattr__
_set_fields = BaseModel.__dict__["__pydantic_fields_set__"].__set__


def construct_decisions(values: list[dict[str, Any]]) -> list[Decision]:
    """construct_decision for many value dicts, with the per-object work done by map()."""
    decisions = list(map(Decision.__new__, repeat(Decision, len(values))))
    consume(map(_set_attribute, decisions, repeat("__dict__"), values))
    consume(map(_set_fields, decisions, repeat(_DECISION_FIELDS)))
    consume(map(_set_attribute, decisions, repeat("__pydantic_extra__"), repeat(None)))
    consume(map(_set_attribute, decisions, repeat("__pydantic_private__"), repeat(None)))
    return decisions


def consume(iterator: Iterable[Any]) -> None:
    """Run an iterator to its end for its side effects (in C)."""
    deque(iterator, maxlen=0)
