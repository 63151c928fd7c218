"""Shared parsing pieces for rule files: error collection, value types, inputs, outputs."""

from __future__ import annotations

from datetime import date
from typing import Any

from noki.rules.model import Condition, InputDomain, RuleError
from noki.rules.suggest import did_you_mean, value_hint
from noki.rules.vocabulary import (
    CONDITION_OPS,
    INTERMEDIATE_KINDS,
    ORDER_SCHEMA,
    FactType,
    RuleSchema,
)
from noki.rules.yaml_lines import LineDict


class Errors:
    """Collects errors for one file."""

    def __init__(self, file: str):
        self.file = file
        self.items: list[RuleError] = []

    def add(self, line: int, message: str) -> None:
        self.items.append(RuleError(self.file, line, message))


def line_of_key(node: Any, key: str | None = None, default: int = 1) -> int:
    if isinstance(node, LineDict):
        return node.key_lines.get(key, node.line) if key else node.line
    return getattr(node, "line", default)


def as_date(value: Any) -> date | None:
    """A date written in a rule file (YYYY-MM-DD), or None when it is not one."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def as_month_day(value: Any) -> int | None:
    """MM-DD as the number MMDD (1228), or None."""
    if not isinstance(value, str) or len(value.strip()) != 5 or value.strip()[2] != "-":
        return None
    try:
        month, day = int(value[:2]), int(value[3:])
        date(2024, month, day)  # a leap year, so 02-29 is a valid recurring day
    except ValueError:
        return None
    return month * 100 + day


def value_fits(ftype: FactType, value: Any) -> bool:
    if value is None:
        return ftype.nullable
    kind = ftype.kind
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "enum":
        return value in ftype.values
    if kind == "date":
        return as_date(value) is not None
    if kind == "string":
        return isinstance(value, str)
    if kind == "list":
        return isinstance(value, list)
    return False


def expected(ftype: FactType) -> str:
    if ftype.kind == "enum":
        return "one of " + ", ".join(ftype.values) + (" or null" if ftype.nullable else "")
    if ftype.kind == "date":
        return "a date (YYYY-MM-DD)" + (" or null" if ftype.nullable else "")
    return f"a {ftype.kind}" + (" or null" if ftype.nullable else "")


def _bad_value(field: str, what: str, ftype: FactType, value: Any) -> str:
    hint = value_hint(value)
    if ftype.kind == "enum" and not hint:
        hint = did_you_mean(value, ftype.values)
    return f"{field}: {what} {value!r} is not {expected(ftype)}{hint}"


def _const(ftype: FactType, value: Any) -> Any:
    """The constant a condition compares with (dates become dates)."""
    return as_date(value) if ftype.kind == "date" else value


def parse_condition(
    field: str, raw: Any, ftype: FactType, line: int, err: Errors
) -> list[Condition]:
    if isinstance(raw, list):
        raw = {"in": raw}  # a plain list reads as "one of these"
    if not isinstance(raw, dict):
        if raw is None:
            return [Condition(field, "is_set", False)]
        if not value_fits(ftype, raw):
            err.add(line, _bad_value(field, "value", ftype, raw))
        return [Condition(field, "eq", _const(ftype, raw))]
    out = []
    for op, value in raw.items():
        if op not in CONDITION_OPS:
            err.add(line, f"{field}: unknown operator {op!r}; expected one of: "
                    + ", ".join(CONDITION_OPS) + did_you_mean(op, CONDITION_OPS))
            continue
        if ftype.kind not in CONDITION_OPS[op]:
            err.add(line, f"{field}: operator {op!r} does not apply to a {ftype.kind}")
            continue
        if op in ("is_set", "not_empty"):
            if not isinstance(value, bool):
                err.add(line, f"{field}: {op} expects true or false, got {value!r}")
                continue
            if op == "is_set" and not ftype.nullable and value is False:
                err.add(line, f"{field} is never null, so 'is_set: false' can never match")
        elif op in ("in", "not_in"):
            if not isinstance(value, list) or not value:
                err.add(line, f"{field}: {op} expects a non-empty list")
                continue
            bad = [v for v in value if v is None or not value_fits(ftype, v)]
            if bad:
                err.add(line, _bad_value(field, f"{op} value", ftype, bad[0]))
                continue
            value = tuple(value)
        elif op == "between":
            pair = _pair(field, op, value, line, err)
            if pair is None:
                continue
            if any(v is None or not value_fits(ftype, v) for v in pair):
                bad_one = next(v for v in pair if v is None or not value_fits(ftype, v))
                err.add(line, _bad_value(field, "between value", ftype, bad_one))
                continue
            low, high = (_const(ftype, v) for v in pair)
            if low > high:
                err.add(line, f"{field}: between [{pair[0]}, {pair[1]}]: the first value must "
                        "not be after the second")
                continue
            out += [Condition(field, "gte", low), Condition(field, "lte", high)]
            continue
        elif op == "month_day":
            pair = _pair(field, op, value, line, err)
            if pair is None:
                continue
            days = tuple(as_month_day(v) for v in pair)
            if None in days:
                err.add(line, f"{field}: month_day expects [MM-DD, MM-DD] such as "
                        f"[12-28, 01-04], got {value!r}")
                continue
            value = days
        elif value is None or not value_fits(ftype, value):
            err.add(line, _bad_value(field, op, ftype, value))
            continue
        else:
            value = _const(ftype, value)
        out.append(Condition(field, op, value))
    return out


def _pair(field: str, op: str, value: Any, line: int, err: Errors) -> list[Any] | None:
    if not isinstance(value, list) or len(value) != 2:
        err.add(line, f"{field}: {op} expects two values [from, to], got {value!r}")
        return None
    return list(value)


def parse_inputs(
    node: LineDict, table_line: int, known: dict[str, FactType], err: Errors
) -> dict[str, InputDomain]:
    """Input domains of a table whose shape TableSpec has already validated."""
    out: dict[str, InputDomain] = {}
    for name, spec in node.items():
        line = line_of_key(node, name)
        if name not in known:
            err.add(line, f"unknown input {name!r}; inputs are facts of the order such as "
                    "industry, delay_days, customer.rank, or outputs of other tables "
                    "(see docs/rules.md)" + did_you_mean(name, known))
            continue
        ftype = known[name]
        spec = spec or {}
        values = tuple(spec.get("values") or ())
        for v in values:
            if v is not None and ftype.kind not in ("string",) and not value_fits(ftype, v):
                err.add(line, f"input {name}: value {v!r} is not {expected(ftype)}")
        if ftype.kind == "enum" and not values:
            values = ftype.values + ((None,) if ftype.nullable else ())
        out[name] = InputDomain(name, ftype, values, spec.get("min"), spec.get("max"))
    return out


def parse_outputs(
    node: LineDict, known: dict[str, FactType], err: Errors, schema: RuleSchema = ORDER_SCHEMA
) -> dict[str, FactType]:
    """Output types of a table whose shape TableSpec has already validated."""
    FACTS, DECISION_OUTPUTS = schema.facts, schema.outputs  # noqa: N806
    out: dict[str, FactType] = {}
    for name, spec in node.items():
        line = line_of_key(node, name)
        if name in DECISION_OUTPUTS:
            out[name] = known[name]  # with the values the vocabulary declares
            continue
        if name in FACTS:
            err.add(line, f"output {name!r} is an {schema.subject} fact; rules may not "
                    "overwrite inputs")
            continue
        if not spec or spec.get("type") is None:
            err.add(line, f"output {name!r} is not a decision field ("
                    + ", ".join(DECISION_OUTPUTS) + "); an intermediate output needs "
                    "'type: " + "|".join(INTERMEDIATE_KINDS) + "'")
            continue
        out[name] = FactType(spec["type"], tuple(spec.get("values") or ()),
                             bool(spec.get("nullable", False)))
    return out
