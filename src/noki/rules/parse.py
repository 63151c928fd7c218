"""Turn one parsed rule file into Tables, collecting every error with its line."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from noki.rules.expressions import (
    ExpressionTypeError,
    check_expression,
    describe_kind,
    expression_refs,
    infer_type,
    type_fits,
)
from noki.rules.model import Condition, Example, InputDomain, Rule, Table
from noki.rules.parse_fields import (
    Errors,
    as_date,
    expected,
    line_of_key,
    parse_condition,
    parse_inputs,
    parse_outputs,
    value_fits,
)
from noki.rules.schema import ExampleSpec, RuleSpec, TableSpec, validate_spec
from noki.rules.suggest import did_you_mean, value_hint
from noki.rules.vocabulary import ORDER_SCHEMA, FactType, RuleSchema
from noki.rules.yaml_lines import LineDict, LineList


def _rule_hash(raw: dict[str, Any]) -> str:
    keys = ("id", "when", "then", *(k for k in ("valid_from", "valid_to") if k in raw))
    canon = json.dumps({k: raw.get(k) for k in keys}, sort_keys=True,
                       ensure_ascii=False, default=str)
    return hashlib.sha256(canon.encode()).hexdigest()[:12]


def _parse_then(
    node: LineDict, outputs: dict[str, FactType], known: dict[str, FactType], rule_id: str,
    err: Errors,
) -> tuple[tuple[str, Any], ...]:
    result: list[tuple[str, Any]] = []
    previous: Any = None
    for name, value in node.items():
        vline = line_of_key(node, name)
        if name.isdigit() and isinstance(previous, int) and not isinstance(previous, bool):
            # YAML reads `amount: 3,000` in {...} as `amount: 3` plus a key `000`.
            amount = previous * 1000 + int(name)
            err.add(vline, f"then: amount written with a comma: write {amount}")
            # Keep the meant amount, so the one slip is not reported again as a missing amount.
            result = [(n, amount if v is previous else v) for n, v in result]
            continue
        previous = value
        if name not in outputs:
            err.add(vline, f"then: {name!r} is not an output of this table; declare it under "
                    "outputs (known: " + ", ".join(outputs) + ")" + did_you_mean(name, outputs))
            continue
        otype = outputs[name]
        if isinstance(value, dict):
            problems = check_expression(value, known)
            for problem in problems:
                err.add(vline, f"then {name}: {problem}")
            if not problems:
                try:
                    computed = infer_type(value, known)
                except ExpressionTypeError as exc:
                    err.add(exc.line or vline, f"rule {rule_id}: then {name}: {exc}")
                else:
                    if not type_fits(otype, computed):
                        err.add(vline, f"rule {rule_id}: then {name}: this expression computes "
                                f"{describe_kind(computed)}, but {name} must be "
                                f"{expected(otype)}")
        elif otype.kind == "list":
            if otype.values and value not in otype.values:
                err.add(vline, f"then {name}: unknown value {value!r}; expected one of: "
                        + ", ".join(otype.values) + did_you_mean(value, otype.values))
        elif not value_fits(otype, value):
            hint = value_hint(value) or did_you_mean(value, otype.values)
            err.add(vline, f"then {name}: unknown value {value!r}; expected {expected(otype)}"
                    + hint)
        result.append((name, value))
    return tuple(result)


def validity(node: LineDict, owner: str, err: Errors) -> list[Condition]:
    """valid_from / valid_to as conditions on the decision date (as_of), both days included."""
    out = []
    for key, op in (("valid_from", "gte"), ("valid_to", "lte")):
        if node.get(key) is None:
            continue
        day = as_date(node[key])
        if day is None:
            err.add(line_of_key(node, key), f"{owner}: {key} must be a date (YYYY-MM-DD), got "
                    f"{node[key]!r}{value_hint(node[key])}")
            continue
        out.append(Condition("as_of", op, day))
    return out


def _parse_rule(
    raw: Any, index: int, line: int, table: str, inputs: dict[str, InputDomain],
    outputs: dict[str, FactType], known: dict[str, FactType], err: Errors,
    table_validity: tuple[Condition, ...] = (),
) -> Rule | None:
    if not isinstance(raw, LineDict):
        err.add(line, f"table {table}: each rule must be a mapping with id, when, then, why")
        return None
    rid = raw.get("id")
    where = f"rule {rid}" if isinstance(rid, str) and rid else f"rule #{index + 1} of {table}"
    spec = validate_spec(RuleSpec, raw, where, err.add)
    if spec is None:
        return None
    when = raw.get("when") or LineDict()
    conditions: list[Condition] = [*table_validity, *validity(raw, f"rule {spec.id}", err)]
    for field, test in when.items():
        fline = line_of_key(when, field)
        if field not in inputs:
            err.add(fline, f"rule {spec.id}: {field!r} is not a declared input of table "
                    f"{table} (inputs: {', '.join(inputs)})" + did_you_mean(field, inputs))
            continue
        conditions.extend(parse_condition(field, test, inputs[field].type, fline, err))
    then = _parse_then(raw["then"], outputs, known, spec.id, err)
    return Rule(spec.id, tuple(conditions), then, spec.why, err.file, line, index,
                _rule_hash(raw))


def _parse_example(raw: Any, line: int, table: str, err: Errors) -> Example | None:
    if not isinstance(raw, LineDict):
        err.add(line, f"table {table}: an example needs 'given' and 'expect' mappings")
        return None
    spec = validate_spec(ExampleSpec, raw, f"example of table {table}", err.add)
    if spec is None:
        return None
    return Example(spec.name or f"line {line}", dict(spec.given), dict(spec.expect), err.file,
                   line)


def _once_per_field(err: Errors, start: int) -> None:
    """One "not a declared input" error per field and table, not one per row using it."""
    seen: set[str] = set()
    kept = []
    for item in err.items[start:]:
        if "is not a declared input of table" in item.message:
            field = item.message.split("'")[1]
            if field in seen:
                continue
            seen.add(field)
        kept.append(item)
    err.items[start:] = kept


def parse_table(
    raw: Any, line: int, known: dict[str, FactType], err: Errors,
    schema: RuleSchema = ORDER_SCHEMA,
) -> Table | None:
    """Validate one table mapping; errors go to err, None when it cannot be built."""
    if not isinstance(raw, LineDict):
        err.add(line, "each entry of 'tables' must be a mapping")
        return None
    label = raw.get("name")
    spec = validate_spec(TableSpec, raw, f"table {label}" if isinstance(label, str) else "table",
                         err.add)
    if spec is None:
        return None
    name = spec.name
    inputs = parse_inputs(raw.get("inputs") or LineDict(), raw.line, known, err)
    outputs = parse_outputs(raw["outputs"], known, err, schema)
    rules_node: LineList = raw["rules"]
    table_validity = tuple(validity(raw, f"table {name}", err))
    dated = table_validity or any(isinstance(r, dict) and (r.get("valid_from") is not None or
                                                           r.get("valid_to") is not None)
                                  for r in rules_node)
    if dated and "as_of" not in inputs:
        # Effective dates test the decision date, so the table reads it.
        inputs["as_of"] = InputDomain("as_of", known["as_of"])
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    reported = len(err.items)
    for i, item in enumerate(rules_node):
        rule = _parse_rule(item, i, rules_node.item_lines[i], name, inputs, outputs, known, err,
                           table_validity)
        if rule is None:
            continue
        if rule.id in seen:
            err.add(rule.line, f"duplicate rule id {rule.id!r} in table {name} "
                    f"(first at line {seen[rule.id]})")
            continue
        seen[rule.id] = rule.line
        rules.append(rule)
    _once_per_field(err, reported)
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
        name=name, file=err.file, line=raw.line, hit_policy=spec.hit_policy,
        complete=spec.complete, description=spec.description,
        inputs=inputs, outputs=outputs, rules=tuple(rules), examples=tuple(examples),
        reads=frozenset(reads),
    )
