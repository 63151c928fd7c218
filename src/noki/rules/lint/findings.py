"""What the linter reports, and how a finding reads on a terminal, in JSON and as a RuleError."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from noki.rules.lint.cells import Space
from noki.rules.lint.sweep import Box, first_bit
from noki.rules.model import RuleError

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One lint finding, located at a rule (or at the table, for gaps)."""

    kind: str  # shadowed | identical | never_matches | gap | contradiction | duplicate
    severity: str  # error | warning
    file: str
    line: int
    table: str
    rules: tuple[str, ...]
    message: str
    example: Mapping[str, Any] = field(default_factory=dict)

    def location(self) -> str:
        """`rules/FILE.yaml:LINE`."""
        return f"{self.file}:{self.line}"

    def __str__(self) -> str:
        text = f"{self.location()}: {self.severity}: {self.kind}: {self.message}"
        if self.example:
            text += f" (example: {show_example(self.example)})"
        return text

    def to_dict(self) -> dict[str, Any]:
        """A plain mapping for `--json`."""
        return {"file": self.file, "line": self.line, "severity": self.severity,
                "kind": self.kind, "table": self.table, "rules": list(self.rules),
                "message": self.message, "example": dict(self.example)}

    def to_error(self) -> RuleError:
        """The finding as a RuleError, for RuleStore gates."""
        return RuleError(self.file, self.line, f"lint {self.kind}: {self.message}")


def _value(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return v
    return json.dumps(v, ensure_ascii=False)


def show_example(example: Mapping[str, Any]) -> str:
    """`industry=ec, delay_days=20` for a reader."""
    return ", ".join(f"{k}={_value(v)}" for k, v in example.items())


def example_in(space: Space, box: Box, only: Iterable[str] | None = None) -> dict[str, Any]:
    """One concrete input inside box: the lowest cell of each input (limited to `only`)."""
    wanted = set(space.inputs if only is None else only)
    return {name: space.cells[k][first_bit(box[k])].value
            for k, name in enumerate(space.inputs) if name in wanted and box[k]}


def describe_box(space: Space, box: Box) -> str:
    """`industry=auto, delay_days in {0, 1..6}`: only the inputs the box narrows."""
    parts = []
    full = space.full()
    for k, name in enumerate(space.inputs):
        if box[k] == full[k]:
            continue
        labels = [c.label for bit, c in enumerate(space.cells[k]) if box[k] >> bit & 1]
        parts.append(f"{name}={labels[0]}" if len(labels) == 1
                     else f"{name} in {{{', '.join(labels)}}}")
    return ", ".join(parts) or "any input"


def narrowed(space: Space, *boxes: Box) -> list[str]:
    """The inputs any of the boxes actually tests (narrower than the full domain)."""
    full = space.full()
    return [name for k, name in enumerate(space.inputs)
            if any(b[k] != full[k] for b in boxes)]


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """In file and line order, so the list reads like the rule files."""
    return sorted(findings, key=lambda f: (f.file, f.line, f.severity != ERROR, f.kind))
