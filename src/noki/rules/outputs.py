"""What can go wrong turning fired rows into decision values, shared by both decide paths."""

from __future__ import annotations

from decimal import Decimal
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
# BaseModel's slot descriptors, called directly: the cheapest way to make a model instance
# from values that are already valid (what model_construct does, minus its per-field work).
_slots = BaseModel.__dict__
_set_dict = _slots["__dict__"].__set__
_set_fields = _slots["__pydantic_fields_set__"].__set__
_set_extra = _slots["__pydantic_extra__"].__set__
_set_private = _slots["__pydantic_private__"].__set__
_new = Decision.__new__


def construct_decision(values: dict[str, Any]) -> Decision:
    """A Decision from values already valid (every field set, in field order)."""
    # Outputs were type-checked against the vocabulary when the rules loaded.
    decision = _new(Decision)
    _set_dict(decision, values)
    _set_fields(decision, _DECISION_FIELDS)
    _set_extra(decision, None)
    _set_private(decision, None)
    return decision


def construct_decisions(values: list[dict[str, Any]]) -> list[Decision]:
    """construct_decision for many value dicts (inlined: this runs once per order)."""
    decisions: list[Decision] = []
    append, fields = decisions.append, _DECISION_FIELDS
    for v in values:
        decision = _new(Decision)
        _set_dict(decision, v)
        _set_fields(decision, fields)
        _set_extra(decision, None)
        _set_private(decision, None)
        append(decision)
    return decisions
