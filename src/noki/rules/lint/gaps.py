"""Completeness: input combinations of a `complete: true` table that no row covers."""

from __future__ import annotations

from noki.rules.lint.cells import Space
from noki.rules.lint.findings import ERROR, Finding, describe_box, example_in, narrowed
from noki.rules.lint.sweep import uncovered
from noki.rules.model import Table

MAX_GAPS = 20  # per table; past this the table is mostly holes and a list stops helping


def gaps(table: Table, space: Space) -> list[Finding]:
    """One error per uncovered region of the declared domain, with an input inside it."""
    holes = uncovered(space.full(), space.boxes, limit=MAX_GAPS)
    found = []
    for box in holes:
        example = example_in(space, box, narrowed(space, box) or None)
        found.append(Finding(
            "gap", ERROR, table.file, table.line, table.name, (),
            f"table {table.name} is declared complete but no rule covers "
            f"{describe_box(space, box)}", example))
    if len(holes) >= MAX_GAPS:
        found.append(Finding(
            "gap", ERROR, table.file, table.line, table.name, (),
            f"table {table.name}: stopped after {MAX_GAPS} gaps; there may be more"))
    return found
