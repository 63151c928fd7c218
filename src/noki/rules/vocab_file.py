"""The vocabulary declared in the rule files: output values with labels, input value lists.

A `vocabulary:` section (usually rules/00_vocabulary.yaml) maps a field to its values and
their Japanese labels. For a decision field (segment, lane, compensation.type, options, channel,
approval) it is the list of values the rules may set; for an order fact (customer.rank ...) it
is the list of values conditions may name. A compensation type also says whether it carries an
amount. Adding `gold` to segment here is all a new segment needs.
"""

from __future__ import annotations

from typing import Any

from pydantic import StrictBool, StrictStr

from noki.rules.parse_fields import Errors, line_of_key
from noki.rules.schema import _Strict, validate_spec
from noki.rules.suggest import did_you_mean
from noki.rules.vocabulary import (
    LISTED_OUTPUTS,
    ORDER_SCHEMA,
    FactType,
    RuleSchema,
    Term,
    Vocabulary,
)
from noki.rules.yaml_lines import LineDict

__all__ = ["LISTED_OUTPUTS", "apply_vocabulary", "parse_vocabulary"]


class ValueSpec(_Strict):
    """One value's label, and for a compensation type whether it carries an amount."""

    label: StrictStr
    amount: StrictBool | None = None


def parse_vocabulary(docs: dict[str, Any], errors: Errors | None = None,
                     schema: RuleSchema = ORDER_SCHEMA) -> tuple[Vocabulary, list[Errors]]:
    """Collect every file's `vocabulary:` section; errors per file (never across files)."""
    FACTS, DECISION_OUTPUTS, LISTED = schema.facts, schema.outputs, schema.listed  # noqa: N806
    terms: dict[str, tuple[Term, ...]] = {}
    where: dict[str, str] = {}
    reports: list[Errors] = []
    for name, doc in docs.items():
        section = doc.get("vocabulary")
        if not isinstance(section, LineDict):
            continue
        err = Errors(name)
        reports.append(err)
        for fname, entry in section.items():
            line = line_of_key(section, fname)
            if fname not in FACTS and fname not in DECISION_OUTPUTS:
                err.add(line, f"vocabulary: unknown field {fname!r}"
                        + did_you_mean(fname, [*FACTS, *DECISION_OUTPUTS]))
                continue
            if fname in DECISION_OUTPUTS and fname not in LISTED:
                err.add(line, f"vocabulary: {fname} is a {DECISION_OUTPUTS[fname].kind}; "
                        "only fields with named values take a vocabulary")
                continue
            if fname in where:
                err.add(line, f"vocabulary: {fname} is already declared in {where[fname]}")
                continue
            if not isinstance(entry, LineDict) or not entry:
                err.add(line, f"vocabulary {fname}: expected a mapping value -> label")
                continue
            found = [t for t in (_term(fname, v, entry, err) for v in entry) if t is not None]
            where[fname] = f"{name}:{line}"
            terms[fname] = tuple(found)
    return Vocabulary(terms), reports


def _term(fname: str, value: str, entry: LineDict, err: Errors) -> Term | None:
    line = line_of_key(entry, value)
    raw = entry[value]
    if isinstance(raw, str):
        raw = {"label": raw}
    spec = validate_spec(ValueSpec, raw, f"vocabulary {fname}.{value}", err.add)
    if spec is None:
        return None
    if fname == "compensation.type" and spec.amount is None:
        err.add(line, f"vocabulary compensation.type.{value}: say whether it carries an amount "
                "(amount: true or false)")
        return None
    return Term(value, spec.label, spec.amount)


def apply_vocabulary(vocab: Vocabulary, err: Errors, *, lenient: bool = False,
                     schema: RuleSchema = ORDER_SCHEMA) -> tuple[
        dict[str, FactType], dict[str, FactType]]:
    """(facts, decision outputs) with the declared values; a listed output needs values.

    lenient (a rule file could not be read, perhaps the vocabulary itself): a field without
    values accepts any value instead of failing every table in the other files.
    """
    facts = dict(schema.facts)
    for name, ftype in schema.facts.items():
        values = vocab.values(schema.fact_values_from.get(name, name))
        if values:
            facts[name] = FactType("enum", values, ftype.nullable)
        elif lenient and ftype.kind == "enum" and not ftype.values:
            facts[name] = FactType("string", (), ftype.nullable)  # values unknown: accept any
    outputs = dict(schema.outputs)
    for name in schema.listed:
        values = vocab.values(name)
        base = schema.outputs[name]
        if not values and lenient:
            outputs[name] = FactType("string" if base.kind == "enum" else base.kind)
            continue
        if not values:
            err.add(1, f"vocabulary: no values declared for the decision field {name!r}; "
                    f"list them under vocabulary: {name}: (value: label)")
        outputs[name] = FactType(base.kind, values, base.nullable)
    return facts, outputs
