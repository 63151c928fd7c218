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

from noki.rules.calendar import BusinessCalendar
from noki.rules.vocabulary import EXPRESSION_OPS, FactType

_NARY = ("add", "mul", "min", "max")
_UNARY = ("floor", "next_business_day", "business_day_on_or_after")


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
    if op in ("floor", "next_business_day", "business_day_on_or_after"):
        return check_expression(arg, known)
    if not isinstance(arg, list):
        return [f"{op} expects a list of values"]
    if op in ("sub", "add_days", "add_business_days") and len(arg) != 2:
        return [f"{op} expects exactly two values"]
    if op in _NARY and len(arg) < 2:
        return [f"{op} expects at least two values"]
    problems: list[str] = []
    for item in arg:
        problems.extend(check_expression(item, known))
    return problems


_KIND_OF_FACT = {"int": "number", "number": "number", "date": "date", "enum": "text",
                 "string": "text", "bool": "bool", "list": "list"}
_KIND_WORDS = {"number": "a number", "date": "a date", "text": "a text", "bool": "true/false",
               "list": "a list", "null": "null"}


class ExpressionTypeError(ValueError):
    """An expression whose operands have the wrong type (found when the rules load)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def describe_kind(kind: str) -> str:
    """A computed kind in words."""
    return _KIND_WORDS.get(kind, kind)


def _literal_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        try:
            date.fromisoformat(value)
            return "date"
        except ValueError:
            return "text"
    return "list"


def infer_type(expr: Any, known: Mapping[str, FactType]) -> str:
    """The kind an expression computes (number, date, text, bool); raises on a mismatch.

    Run on every computed output when the rules load, so `{add: [{ref: n}, 1]}` written
    for a date output is refused with its line instead of returning a number at decision time.
    """
    if not isinstance(expr, dict):
        return _literal_kind(expr)
    op, arg = next(iter(expr.items()))
    if op == "ref":
        return _KIND_OF_FACT.get(known[arg].kind, "text")
    args = [arg] if op in _UNARY else list(arg)
    kinds = [infer_type(a, known) for a in args]
    line = getattr(expr, "line", None)
    if op in ("next_business_day", "business_day_on_or_after"):
        if kinds[0] != "date":
            raise ExpressionTypeError(f"{op}: expects a date, got {describe_kind(kinds[0])}",
                                      line)
        return "date"
    if op in ("add_days", "add_business_days"):
        if kinds[0] != "date":
            raise ExpressionTypeError(f"{op}: the first value must be a date, got "
                                      f"{describe_kind(kinds[0])}", line)
        if kinds[1] != "number":
            raise ExpressionTypeError(f"{op}: the second value must be a number of days, "
                                      f"got {describe_kind(kinds[1])}", line)
        return "date"
    if op in ("min", "max") and all(k == "date" for k in kinds):
        return "date"
    bad = [k for k in kinds if k != "number"]
    if bad:
        raise ExpressionTypeError(f"{op} works on numbers" + (" or on dates only"
                                  if op in ("min", "max") else "") + ", got "
                                  + ", ".join(describe_kind(k) for k in kinds), line)
    return "number"


def type_fits(target: FactType, kind: str) -> bool:
    """True when a computed kind may be stored in an output of type target."""
    if kind == "null":
        return target.nullable
    return _KIND_OF_FACT.get(target.kind) == kind and target.kind != "enum"


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


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def compile_expression(expr: Any, calendar: BusinessCalendar | None = None) -> Compiled:
    """Turn an expression into a function of the facts (built once per rule, run per order)."""
    if not isinstance(expr, dict):
        return lambda _facts: expr
    cal = calendar or BusinessCalendar()
    op, arg = next(iter(expr.items()))
    if op in ("next_business_day", "business_day_on_or_after"):
        day_fn = compile_expression(arg, cal)
        if op == "next_business_day":
            return lambda f: cal.add_business_days(_date(day_fn(f)), 1)
        return lambda f: cal.on_or_after(_date(day_fn(f)))
    if op == "add_business_days":
        start_fn, count_fn = (compile_expression(a, cal) for a in arg)
        return lambda f: cal.add_business_days(_date(start_fn(f)), int(_num(count_fn(f))))
    if op == "ref":
        name = arg

        def ref(facts: Mapping[str, Any]) -> Any:
            value = facts.get(name)
            if value is None:
                raise ExpressionError(f"fact {name!r} has no value")
            return value

        return ref
    if op == "floor":
        inner = compile_expression(arg, cal)
        return lambda f: int(_num(inner(f)).to_integral_value(rounding=ROUND_FLOOR))
    parts = [compile_expression(a, cal) for a in arg]
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
