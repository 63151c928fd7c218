"""Rows that can never fire: empty conditions, identical conditions, and first-hit shadowing."""

from __future__ import annotations

from noki.rules.lint.cells import Space
from noki.rules.lint.findings import ERROR, Finding, example_in, narrowed
from noki.rules.lint.sweep import Box, contains, intersects, is_empty, uncovered
from noki.rules.model import Table


def never_matches(table: Table, space: Space) -> list[Finding]:
    """Rules whose own conditions exclude every input of the declared domain (any hit policy)."""
    found = []
    for rule, box in zip(table.rules, space.boxes, strict=True):
        if is_empty(box):
            empty = [n for n, m in zip(space.inputs, box, strict=True) if m == 0]
            found.append(Finding(
                "never_matches", ERROR, rule.file, rule.line, table.name, (rule.id,),
                f"rule {rule.id} can never fire: no value of {', '.join(empty)} in the "
                "declared domain satisfies its conditions"))
    return found


def shadowed(table: Table, space: Space) -> list[Finding]:
    """In a first-hit table: rows whose whole condition space earlier rows already take."""
    found: list[Finding] = []
    rules, boxes = table.rules, space.boxes
    for i, (rule, box) in enumerate(zip(rules, boxes, strict=True)):
        if is_empty(box):
            continue  # reported by never_matches
        same = next((j for j in range(i) if boxes[j] == box), None)
        if same is not None:
            earlier = rules[same]
            found.append(Finding(
                "identical", ERROR, rule.file, rule.line, table.name, (rule.id, earlier.id),
                f"rule {rule.id} has the same conditions as rule {earlier.id} (line "
                f"{earlier.line}), so it can never fire",
                example_in(space, box, narrowed(space, box))))
            continue
        earlier_boxes = [(j, b) for j, b in enumerate(boxes[:i]) if intersects(b, box)]
        if not earlier_boxes or uncovered(box, [b for _, b in earlier_boxes], limit=1):
            continue  # some input reaches this row: a partial overlap is what first-hit is for
        cover = _irredundant(box, earlier_boxes)
        names = ", ".join(rules[j].id for j in cover)
        who = f"earlier rule {names} covers" if len(cover) == 1 else f"earlier rules {names} cover"
        found.append(Finding(
            "shadowed", ERROR, rule.file, rule.line, table.name,
            (rule.id, *(rules[j].id for j in cover)),
            f"rule {rule.id} can never fire: {who} every input it matches",
            example_in(space, box, narrowed(space, box, *(boxes[j] for j in cover)))))
    return found


def _irredundant(box: Box, earlier: list[tuple[int, Box]]) -> list[int]:
    """Indexes of earlier rows that still cover box once every unneeded row is dropped."""
    single = next((j for j, b in earlier if contains(b, box)), None)
    if single is not None:
        return [single]
    keep = list(earlier)
    # Drop the latest rows first, so the rows named are the earliest that do the covering.
    for item in reversed(earlier):
        rest = [b for b in keep if b is not item]
        if not uncovered(box, [b for _, b in rest], limit=1):
            keep = rest
    return [j for j, _ in keep]
