"""Output values that are computed: a tiny, closed expression language for rule files.

`{ref: order_value_jpy}`, `{add: [a, b]}`, `{sub: [a, b]}`, `{mul: [...]}`, `{min: [...]}`,
`{max: [...]}`, `{floor: x}`, `{add_days: [date, n]}`. Numbers are exact decimals (money is
never a float); dates stay dates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from noki.rules.vocabulary import EXPRESSION_OPS, FactType

_NARY = ("add", "mul", "min", "max")


class ExpressionError(ValueError):
    """An expression that cannot be evaluated on these facts."""


def expression_refs(expr: Any) -> set[str]:
    """Every fact name an expression reads."""
    if isinstance(expr, dict):
        refs: set[str] = set()
        for op, arg in expr.items():
            if op == "ref" and isinstance(arg, str):
                refs.add(arg)
            else:
                refs |= expression_refs(arg)
        return refs
    if isinstance(expr, list):
        return set().union(*(expression_refs(a) for a in expr)) if expr else set()
    return set()


def check_expression(expr: Any, known: Mapping[str, FactType]) -> list[str]:
    """Problems with an expression's shape and names (empty when it is fine)."""
    if not isinstance(expr, dict):
        if isinstance(expr, list):
            return [f"a list is not a value: {expr!r}"]
        return []
    if len(expr) != 1:
        return [f"an expression has exactly one operator, got {sorted(expr)}"]
    op, arg = next(iter(expr.items()))
    if op not in EXPRESSION_OPS:
        return [f"unknown expression operator {op!r}; expected one of: "
                + ", ".join(EXPRESSION_OPS)]
    if op == "ref":
        if arg not in known:
            return [f"ref to unknown fact {arg!r}"]
        return []
    if op == "floor":
        return check_expression(arg, known)
    if not isinstance(arg, list):
        return [f"{op} expects a list of values"]
    if op in ("sub", "add_days") and len(arg) != 2:
        return [f"{op} expects exactly two values"]
    if op in _NARY and len(arg) < 2:
        return [f"{op} expects at least two values"]
    problems: list[str] = []
    for item in arg:
        problems.extend(check_expression(item, known))
    return problems


def _num(value: Any) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise ExpressionError(f"expected a number, got {value!r}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))  # the written value, not the binary approximation
    raise ExpressionError(f"expected a number, got {value!r}")


Compiled = Callable[[Mapping[str, Any]], Any]


def compile_expression(expr: Any) -> Compiled:
    """Turn an expression into a function of the facts (built once per rule, run per order)."""
    if not isinstance(expr, dict):
        return lambda _facts: expr
    op, arg = next(iter(expr.items()))
    if op == "ref":
        name = arg

        def ref(facts: Mapping[str, Any]) -> Any:
            value = facts.get(name)
            if value is None:
                raise ExpressionError(f"fact {name!r} has no value")
            return value

        return ref
    if op == "floor":
        inner = compile_expression(arg)
        return lambda f: int(_num(inner(f)).to_integral_value(rounding=ROUND_FLOOR))
    parts = [compile_expression(a) for a in arg]
    if op == "add_days":
        start_fn, days_fn = parts

        def add_days(f: Mapping[str, Any]) -> date:
            start = start_fn(f)
            if not isinstance(start, date):
                start = date.fromisoformat(str(start))
            days = days_fn(f)
            return start + timedelta(days=days if type(days) is int else int(_num(days)))

        return add_days
    return lambda f: _apply(op, [p(f) for p in parts])


def _apply(op: str, values: list[Any]) -> Any:
    if op in ("min", "max") and all(isinstance(v, date) for v in values):
        return min(values) if op == "min" else max(values)
    nums = [_num(v) for v in values]
    if op == "add":
        return sum(nums, Decimal(0))
    if op == "sub":
        return nums[0] - nums[1]
    if op == "mul":
        result = Decimal(1)
        for n in nums:
            result *= n
        return result
    return min(nums) if op == "min" else max(nums)
