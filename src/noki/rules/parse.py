"""Turn one parsed rule file into Tables, collecting every error with its line."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from noki.rules.expressions import check_expression, expression_refs
from noki.rules.model import Condition, Example, InputDomain, Rule, Table
from noki.rules.parse_fields import (
    Errors,
    expected,
    line_of_key,
    parse_condition,
    parse_inputs,
    parse_outputs,
    unknown_keys,
    value_fits,
)
from noki.rules.vocabulary import FactType
from noki.rules.yaml_lines import LineDict, LineList

FILE_KEYS = {"description", "tables"}
TABLE_KEYS = {"name", "description", "hit_policy", "complete", "inputs", "outputs", "rules",
              "examples"}
RULE_KEYS = {"id", "when", "then", "why"}
EXAMPLE_KEYS = {"name", "given", "expect"}


def _rule_hash(raw: dict[str, Any]) -> str:
    canon = json.dumps({k: raw.get(k) for k in ("id", "when", "then")}, sort_keys=True,
                       ensure_ascii=False, default=str)
    return hashlib.sha256(canon.encode()).hexdigest()[:12]


def _parse_then(
    node: Any, outputs: dict[str, FactType], known: dict[str, FactType], line: int,
    err: Errors,
) -> tuple[tuple[str, Any], ...]:
    if not isinstance(node, LineDict) or not node:
        err.add(line, "then: expected a mapping of output -> value")
        return ()
    result = []
    for name, value in node.items():
        vline = line_of_key(node, name)
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
        elif not value_fits(otype, value):
            err.add(vline, f"then {name}: unknown value {value!r}; expected {expected(otype)}")
        result.append((name, value))
    return tuple(result)


def _parse_rule(
    raw: Any, index: int, line: int, table: str, inputs: dict[str, InputDomain],
    outputs: dict[str, FactType], known: dict[str, FactType], err: Errors,
) -> Rule | None:
    if not isinstance(raw, LineDict):
        err.add(line, f"table {table}: each rule must be a mapping with id, when, then, why")
        return None
    unknown_keys(raw, RULE_KEYS, f"rule of table {table}", err)
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        err.add(line, f"table {table}: rule #{index + 1} needs an 'id' (text)")
        return None
    when = raw.get("when") or LineDict()
    conditions: list[Condition] = []
    if not isinstance(when, LineDict):
        err.add(line_of_key(raw, "when"),
                f"rule {rule_id}: when must be a mapping of input -> test")
    else:
        for field, test in when.items():
            fline = line_of_key(when, field)
            if field not in inputs:
                err.add(fline, f"rule {rule_id}: {field!r} is not a declared input of table "
                        f"{table} (inputs: {', '.join(inputs)})")
                continue
            conditions.extend(parse_condition(field, test, inputs[field].type, fline, err))
    if "then" not in raw:
        err.add(line, f"rule {rule_id}: missing 'then'")
    then = _parse_then(raw.get("then"), outputs, known, line_of_key(raw, "then", line), err)
    why = raw.get("why") or ""
    if not isinstance(why, str):
        err.add(line_of_key(raw, "why"), f"rule {rule_id}: why must be text")
        why = str(why)
    return Rule(rule_id, tuple(conditions), then, why, err.file, line, index, _rule_hash(raw))


def _parse_example(raw: Any, line: int, table: str, err: Errors) -> Example | None:
    if not isinstance(raw, LineDict) or "given" not in raw or "expect" not in raw:
        err.add(line, f"table {table}: an example needs 'given' and 'expect' mappings")
        return None
    unknown_keys(raw, EXAMPLE_KEYS, f"example of table {table}", err)
    given, expect = raw["given"], raw["expect"]
    if not isinstance(given, dict) or not isinstance(expect, dict):
        err.add(line, f"table {table}: example given/expect must be mappings")
        return None
    name = str(raw.get("name") or f"line {line}")
    return Example(name, dict(given), dict(expect), err.file, line)


def parse_table(
    raw: Any, line: int, known: dict[str, FactType], err: Errors
) -> Table | None:
    """Validate one table mapping; errors go to err, None when it cannot be built."""
    if not isinstance(raw, LineDict):
        err.add(line, "each entry of 'tables' must be a mapping")
        return None
    unknown_keys(raw, TABLE_KEYS, "table", err)
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        err.add(raw.line, "table needs a 'name'")
        return None
    policy = raw.get("hit_policy")
    if policy not in ("first", "collect"):
        err.add(line_of_key(raw, "hit_policy"), f"table {name}: hit_policy must be 'first' or "
                f"'collect', got {policy!r}")
    inputs = parse_inputs(raw.get("inputs") or LineDict(), raw.line, known, err)
    outputs = parse_outputs(raw.get("outputs"), raw.line, err)
    rules_node = raw.get("rules")
    if not isinstance(rules_node, LineList) or not rules_node:
        err.add(line_of_key(raw, "rules"), f"table {name}: 'rules' must be a non-empty list")
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
