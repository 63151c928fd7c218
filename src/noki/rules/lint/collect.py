"""Collect tables: rows that can fire together but set one scalar output to different values."""

from __future__ import annotations

from typing import Any

from noki.rules.lint.cells import Space
from noki.rules.lint.findings import ERROR, WARNING, Finding, example_in, narrowed
from noki.rules.lint.sweep import intersection, intersects, is_empty
from noki.rules.model import Table


def _literal(value: Any) -> bool:
    # A mapping is an expression ({ref: ...}, {add: ...}); its value depends on the order.
    return not isinstance(value, dict)


def contradictions(table: Table, space: Space) -> list[Finding]:
    """Pairs of rows that both fire on some input and disagree on a scalar output."""
    found: list[Finding] = []
    rules, boxes = table.rules, space.boxes
    for i, (a, box_a) in enumerate(zip(rules, boxes, strict=True)):
        for b, box_b in zip(rules[i + 1:], boxes[i + 1:], strict=True):
            if is_empty(box_a) or is_empty(box_b) or not intersects(box_a, box_b):
                continue
            outs_a, outs_b = dict(a.outputs), dict(b.outputs)
            shared = [o for o in outs_a if o in outs_b and table.outputs[o].kind != "list"]
            clash = [o for o in shared if _literal(outs_a[o]) and _literal(outs_b[o])
                     and outs_a[o] != outs_b[o]]
            duplicate = box_a == box_b and outs_a == outs_b
            if not clash and not duplicate:
                continue
            both = intersection(box_a, box_b)
            example = example_in(space, both, narrowed(space, box_a, box_b))
            for out in clash:
                found.append(Finding(
                    "contradiction", ERROR, b.file, b.line, table.name, (b.id, a.id),
                    f"rules {a.id} (line {a.line}) and {b.id} both fire on the same input "
                    f"and set {out} to {outs_a[out]!r} and {outs_b[out]!r}", example))
            if duplicate:
                found.append(Finding(
                    "duplicate", WARNING, b.file, b.line, table.name, (b.id, a.id),
                    f"rule {b.id} repeats rule {a.id} (line {a.line}): same conditions, "
                    "same outputs", example))
    return found
