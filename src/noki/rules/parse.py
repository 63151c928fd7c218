"""Turn one parsed rule file into Tables, collecting every error with its line."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from noki.rules.expressions import check_expression, expression_refs
from noki.rules.model import Condition, Example, InputDomain, Rule, RuleError, Table
from noki.rules.vocabulary import (
    CONDITION_OPS,
    DECISION_OUTPUTS,
    FACTS,
    INTERMEDIATE_KINDS,
    FactType,
)
from noki.rules.yaml_lines import LineDict, LineList

FILE_KEYS = {"description", "tables"}
TABLE_KEYS = {"name", "description", "hit_policy", "complete", "inputs", "outputs", "rules",
              "examples"}
RULE_KEYS = {"id", "when", "then", "why"}
EXAMPLE_KEYS = {"name", "given", "expect"}
DOMAIN_KEYS = {"values", "min", "max"}
OUTPUT_KEYS = {"type", "values", "nullable"}


class _Errors:
    """Collects errors for one file."""

    def __init__(self, file: str):
        self.file = file
        self.items: list[RuleError] = []

    def add(self, line: int, message: str) -> None:
        self.items.append(RuleError(self.file, line, message))


def _line(node: Any, key: str | None = None, default: int = 1) -> int:
    if isinstance(node, LineDict):
        return node.key_lines.get(key, node.line) if key else node.line
    return getattr(node, "line", default)


def _unknown_keys(node: LineDict, allowed: set[str], where: str, err: _Errors) -> None:
    for key in node:
        if key not in allowed:
            err.add(_line(node, key), f"unknown field {key!r} in {where}; expected one of: "
                    + ", ".join(sorted(allowed)))


def _value_fits(ftype: FactType, value: Any) -> bool:
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
    if kind in ("string", "date"):
        return isinstance(value, str)
    if kind == "list":
        return isinstance(value, list)
    return False


def _expected(ftype: FactType) -> str:
    if ftype.kind == "enum":
        return "one of " + ", ".join(ftype.values) + (" or null" if ftype.nullable else "")
    return f"a {ftype.kind}" + (" or null" if ftype.nullable else "")


def _parse_condition(
    field: str, raw: Any, ftype: FactType, line: int, err: _Errors
) -> list[Condition]:
    if isinstance(raw, list):
        raw = {"in": raw}  # a plain list reads as "one of these"
    if not isinstance(raw, dict):
        if raw is None:
            return [Condition(field, "is_set", False)]
        if not _value_fits(ftype, raw):
            err.add(line, f"{field}: value {raw!r} is not {_expected(ftype)}")
        return [Condition(field, "eq", raw)]
    out = []
    for op, value in raw.items():
        if op not in CONDITION_OPS:
            err.add(line, f"{field}: unknown operator {op!r}; expected one of: "
                    + ", ".join(CONDITION_OPS))
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
            bad = [v for v in value if v is None or not _value_fits(ftype, v)]
            if bad:
                err.add(line, f"{field}: {op} values {bad!r} are not {_expected(ftype)}")
                continue
            value = tuple(value)
        elif value is None or not _value_fits(ftype, value):
            err.add(line, f"{field}: {op} expects {_expected(ftype)}, got {value!r}")
            continue
        out.append(Condition(field, op, value))
    return out


def _rule_hash(raw: dict[str, Any]) -> str:
    canon = json.dumps({k: raw.get(k) for k in ("id", "when", "then")}, sort_keys=True,
                       ensure_ascii=False, default=str)
    return hashlib.sha256(canon.encode()).hexdigest()[:12]


def _parse_inputs(
    node: Any, table_line: int, known: dict[str, FactType], err: _Errors
) -> dict[str, InputDomain]:
    if not isinstance(node, LineDict):
        err.add(table_line, "inputs: expected a mapping of fact name -> domain")
        return {}
    out: dict[str, InputDomain] = {}
    for name, spec in node.items():
        line = _line(node, name)
        if name not in known:
            err.add(line, f"unknown input {name!r}; inputs are facts of the order such as "
                    "industry, delay_days, customer.rank, or outputs of other tables "
                    "(see docs/rules.md)")
            continue
        ftype = known[name]
        spec = spec or LineDict()
        if not isinstance(spec, LineDict):
            err.add(line, f"input {name}: expected a mapping (values/min/max) or nothing")
            continue
        _unknown_keys(spec, DOMAIN_KEYS, f"input {name}", err)
        values = tuple(spec.get("values") or ())
        for v in values:
            if v is not None and ftype.kind not in ("string",) and not _value_fits(ftype, v):
                err.add(line, f"input {name}: value {v!r} is not {_expected(ftype)}")
        if ftype.kind == "enum" and not values:
            values = ftype.values + ((None,) if ftype.nullable else ())
        out[name] = InputDomain(name, ftype, values, spec.get("min"), spec.get("max"))
    return out


def _parse_outputs(node: Any, table_line: int, err: _Errors) -> dict[str, FactType]:
    if not isinstance(node, LineDict) or not node:
        err.add(table_line, "outputs: expected a mapping of output name -> type")
        return {}
    out: dict[str, FactType] = {}
    for name, spec in node.items():
        line = _line(node, name)
        if name in DECISION_OUTPUTS:
            out[name] = DECISION_OUTPUTS[name]
            continue
        if name in FACTS:
            err.add(line, f"output {name!r} is an order fact; rules may not overwrite inputs")
            continue
        if not isinstance(spec, LineDict) or spec.get("type") not in INTERMEDIATE_KINDS:
            err.add(line, f"output {name!r} is not a decision field ("
                    + ", ".join(DECISION_OUTPUTS) + "); an intermediate output needs "
                    "'type: " + "|".join(INTERMEDIATE_KINDS) + "'")
            continue
        _unknown_keys(spec, OUTPUT_KEYS, f"output {name}", err)
        out[name] = FactType(spec["type"], tuple(spec.get("values") or ()),
                             bool(spec.get("nullable", False)))
    return out


def _parse_then(
    node: Any, outputs: dict[str, FactType], known: dict[str, FactType], line: int,
    err: _Errors,
) -> tuple[tuple[str, Any], ...]:
    if not isinstance(node, LineDict) or not node:
        err.add(line, "then: expected a mapping of output -> value")
        return ()
    result = []
    for name, value in node.items():
        vline = _line(node, name)
        if name not in outputs:
            err.add(vline, f"then: {name!r} is not an output of this table; declare it under "
                    "outputs (known: " + ", ".join(outputs) + ")")
            continue
        otype = outputs[name]
        if isinstance(value, dict):
            for problem in check_expression(value, known):
                err.add(vline, f"then {name}: {problem}")
        elif otype.kind == "list":
            if value not in otype.values:
                err.add(vline, f"then {name}: unknown value {value!r}; expected one of: "
                        + ", ".join(otype.values))
        elif not _value_fits(otype, value):
            err.add(vline, f"then {name}: unknown value {value!r}; expected {_expected(otype)}")
        result.append((name, value))
    return tuple(result)


def _parse_rule(
    raw: Any, index: int, line: int, table: str, inputs: dict[str, InputDomain],
    outputs: dict[str, FactType], known: dict[str, FactType], err: _Errors,
) -> Rule | None:
    if not isinstance(raw, LineDict):
        err.add(line, f"table {table}: each rule must be a mapping with id, when, then, why")
        return None
    _unknown_keys(raw, RULE_KEYS, f"rule of table {table}", err)
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        err.add(line, f"table {table}: rule #{index + 1} needs an 'id' (text)")
        return None
    when = raw.get("when") or LineDict()
    conditions: list[Condition] = []
    if not isinstance(when, LineDict):
        err.add(_line(raw, "when"), f"rule {rule_id}: when must be a mapping of input -> test")
    else:
        for field, test in when.items():
            fline = _line(when, field)
            if field not in inputs:
                err.add(fline, f"rule {rule_id}: {field!r} is not a declared input of table "
                        f"{table} (inputs: {', '.join(inputs)})")
                continue
            conditions.extend(_parse_condition(field, test, inputs[field].type, fline, err))
    if "then" not in raw:
        err.add(line, f"rule {rule_id}: missing 'then'")
    then = _parse_then(raw.get("then"), outputs, known, _line(raw, "then", line), err)
    why = raw.get("why") or ""
    if not isinstance(why, str):
        err.add(_line(raw, "why"), f"rule {rule_id}: why must be text")
        why = str(why)
    return Rule(rule_id, tuple(conditions), then, why, err.file, line, index, _rule_hash(raw))


def _parse_example(raw: Any, line: int, table: str, err: _Errors) -> Example | None:
    if not isinstance(raw, LineDict) or "given" not in raw or "expect" not in raw:
        err.add(line, f"table {table}: an example needs 'given' and 'expect' mappings")
        return None
    _unknown_keys(raw, EXAMPLE_KEYS, f"example of table {table}", err)
    given, expect = raw["given"], raw["expect"]
    if not isinstance(given, dict) or not isinstance(expect, dict):
        err.add(line, f"table {table}: example given/expect must be mappings")
        return None
    name = str(raw.get("name") or f"line {line}")
    return Example(name, dict(given), dict(expect), err.file, line)


def parse_table(
    raw: Any, line: int, known: dict[str, FactType], err: _Errors
) -> Table | None:
    """Validate one table mapping; errors go to err, None when it cannot be built."""
    if not isinstance(raw, LineDict):
        err.add(line, "each entry of 'tables' must be a mapping")
        return None
    _unknown_keys(raw, TABLE_KEYS, "table", err)
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        err.add(raw.line, "table needs a 'name'")
        return None
    policy = raw.get("hit_policy")
    if policy not in ("first", "collect"):
        err.add(_line(raw, "hit_policy"), f"table {name}: hit_policy must be 'first' or "
                f"'collect', got {policy!r}")
    inputs = _parse_inputs(raw.get("inputs") or LineDict(), raw.line, known, err)
    outputs = _parse_outputs(raw.get("outputs"), raw.line, err)
    rules_node = raw.get("rules")
    if not isinstance(rules_node, LineList) or not rules_node:
        err.add(_line(raw, "rules"), f"table {name}: 'rules' must be a non-empty list")
        rules_node = LineList()
        rules_node.item_lines = []
    if len(rules_node) > 65535:
        err.add(raw.line, f"table {name}: at most 65535 rules (durable priority range)")
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(rules_node):
        rule = _parse_rule(item, i, rules_node.item_lines[i], name, inputs, outputs, known, err)
        if rule is None:
            continue
        if rule.id in seen:
            err.add(rule.line, f"duplicate rule id {rule.id!r} in table {name} "
                    f"(first at line {seen[rule.id]})")
            continue
        seen[rule.id] = rule.line
        rules.append(rule)
    examples_node = raw.get("examples") or LineList()
    examples = []
    for i, item in enumerate(examples_node):
        ex = _parse_example(item, examples_node.item_lines[i], name, err)
        if ex is None:
            continue
        unknown = [k for k in [*ex.given, *ex.expect] if k not in known]
        if unknown:
            err.add(ex.line, f"example {ex.name}: unknown fact(s) {', '.join(unknown)}")
            continue
        examples.append(ex)
    reads = set(inputs)
    for rule in rules:
        for _, value in rule.outputs:
            reads |= expression_refs(value)
    return Table(
        name=name, file=err.file, line=raw.line, hit_policy=str(policy),
        complete=bool(raw.get("complete", False)), description=str(raw.get("description", "")),
        inputs=inputs, outputs=outputs, rules=tuple(rules), examples=tuple(examples),
        reads=frozenset(reads),
    )
