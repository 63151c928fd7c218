"""Run the given/expect examples embedded in rule tables (`noki rules test`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from noki.domain.decision import OPTION_ORDER
from noki.rules.engine import DecisionError, Engine, EngineError
from noki.rules.model import Example, RuleSet, Table
from noki.rules.vocabulary import FACTS


@dataclass(frozen=True)
class ExampleResult:
    """One example's outcome; `problems` is empty when it passed."""

    table: str
    example: Example
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when every expected output matched."""
        return not self.problems

    def location(self) -> str:
        """`rules/FILE.yaml:LINE`."""
        return f"{self.example.file}:{self.example.line}"


def _coerce(name: str, value: Any, table: Table) -> Any:
    if name in table.inputs:
        kind: Any = table.inputs[name].type.kind
    else:
        kind = FACTS[name].kind if name in FACTS else table.outputs.get(name, None)
    kind = kind if isinstance(kind, str) else getattr(kind, "kind", None)
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _comparable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def run_example(engine: Engine, table: Table, example: Example) -> ExampleResult:
    """Evaluate one table on the example's facts and compare every expected output."""
    facts = {name: _coerce(name, value, table) for name, value in example.given.items()}
    try:
        got, _ = engine.evaluate(facts, only=table.name)
    except (DecisionError, EngineError) as exc:
        return ExampleResult(table.name, example, (str(exc),))
    problems = []
    for name, want in example.expect.items():
        have = _comparable(got.get(name))
        if name == "options":
            order = engine.ruleset.vocabulary.option_order or OPTION_ORDER
            have = [o for o in order if o in (have or [])]
        if have != want:
            problems.append(f"{name}: expected {want!r}, got {have!r}")
    return ExampleResult(table.name, example, tuple(problems))


def run_examples(ruleset: RuleSet, engine: Engine | None = None) -> list[ExampleResult]:
    """Run every example of every table; builds a throwaway engine when none is given."""
    own = engine is None
    engine = engine or Engine(ruleset, cache=False)
    try:
        return [run_example(engine, t, ex) for t in ruleset.tables for ex in t.examples]
    finally:
        if own:
            engine.close()
