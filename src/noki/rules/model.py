"""The frozen, validated form of the rule files (what the engine and linter read)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from noki.rules.calendar import BusinessCalendar
from noki.rules.vocabulary import FactType, Vocabulary


@dataclass(frozen=True)
class RuleError:
    """A problem in a rule file, located for the rule author."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class RuleFileError(Exception):
    """Raised when rule files do not validate; carries every error found."""

    def __init__(self, errors: list[RuleError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Condition:
    """One test on one input: `field op value` (op eq, ne, in, not_in, lt ... is_set)."""

    field: str
    op: str
    value: Any

    def describe(self) -> str:
        """The condition in a rule author's words."""
        symbols = {"eq": "=", "ne": "≠", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥"}
        if self.op in symbols:
            return f"{self.field} {symbols[self.op]} {_show(self.value)}"
        if self.op in ("in", "not_in"):
            word = "in" if self.op == "in" else "not in"
            return f"{self.field} {word} [{', '.join(_show(v) for v in self.value)}]"
        if self.op == "is_set":
            return f"{self.field} is {'set' if self.value else 'not set'}"
        if self.op == "month_day":
            low, high = self.value
            return f"{self.field} (毎年) {low // 100:02d}-{low % 100:02d}..{high // 100:02d}-" \
                   f"{high % 100:02d}"
        if self.op == "not_empty":
            return f"{self.field} {'has items' if self.value else 'is empty'}"
        return f"{self.field} {self.op} {_show(self.value)}"


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class Rule:
    """One row of a decision table."""

    id: str
    conditions: tuple[Condition, ...]
    outputs: tuple[tuple[str, Any], ...]
    why: str
    file: str
    line: int
    index: int
    hash: str


@dataclass(frozen=True)
class Example:
    """A given/expect case embedded in a table (run by `noki rules test`)."""

    name: str
    given: Mapping[str, Any]
    expect: Mapping[str, Any]
    file: str
    line: int


@dataclass(frozen=True)
class InputDomain:
    """The declared domain of one input: its type, narrowed by values or bounds."""

    name: str
    type: FactType
    values: tuple[Any, ...] = ()
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Table:
    """A decision table: hit policy, inputs, outputs, rows and examples."""

    name: str
    file: str
    line: int
    hit_policy: str  # first | collect
    complete: bool
    description: str
    inputs: Mapping[str, InputDomain]
    outputs: Mapping[str, FactType]
    rules: tuple[Rule, ...]
    examples: tuple[Example, ...]
    reads: frozenset[str] = field(default_factory=frozenset)  # inputs + expression refs


@dataclass(frozen=True)
class RuleSet:
    """All tables, in evaluation order, with the hash of the files they came from."""

    tables: tuple[Table, ...]
    version: str
    files: tuple[str, ...]
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    calendar: BusinessCalendar = field(default_factory=BusinessCalendar)
    kind: str = "orders"  # orders | sales_control (noki.rules.schemas)

    def table(self, name: str) -> Table:
        """The table called name."""
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)
