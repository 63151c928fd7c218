"""Elementary cells per input, and each rule's condition space as one cell mask per input.

Every threshold or value named by any condition on an input splits that input's declared domain
into cells inside which every condition of the table has the same truth value (jDMN's interval
sweep). A rule then becomes a box: for each input, the bit mask of cells it matches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from noki.rules.compiler import in_month_days, month_day
from noki.rules.model import Condition, InputDomain, Rule, Table

_DATE_SET = "2026-01-01"  # a concrete stand-in: dates are only ever tested with is_set
_LIST_ITEM = "item"


@dataclass(frozen=True)
class Cell:
    """One elementary cell: a concrete representative value and a reader's label for the cell."""

    value: Any
    label: str


@dataclass(frozen=True)
class Space:
    """A table's input space: inputs in order, their cells, and each rule's box."""

    inputs: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]
    boxes: tuple[tuple[int, ...], ...]  # per rule (table order): per input, a cell bit mask

    def full(self) -> tuple[int, ...]:
        """The box covering the whole declared domain."""
        return tuple((1 << len(c)) - 1 for c in self.cells)


def matches(c: Condition, value: Any) -> bool:
    """Does value satisfy c? The runtime semantics, including null handling."""
    op = c.op
    if op == "is_set":
        return (value is not None) == bool(c.value)
    if op == "month_day":
        return value is not None and in_month_days(month_day(value), c.value)
    if op == "not_empty":
        return bool(value) == bool(c.value)
    if op == "ne":
        return value is None or value != c.value
    if op == "not_in":
        return value is None or value not in c.value
    if value is None:
        return False  # null never matches eq, in or an order comparison
    if op == "eq":
        return bool(value == c.value)
    if op == "in":
        return value in c.value
    if op == "lt":
        return bool(value < c.value)
    if op == "lte":
        return bool(value <= c.value)
    if op == "gt":
        return bool(value > c.value)
    if op == "gte":
        return bool(value >= c.value)
    raise ValueError(f"unknown operator {op!r}")


def _named(conditions: list[Condition]) -> list[Any]:
    out: list[Any] = []
    for c in conditions:
        if c.op in ("in", "not_in"):
            out.extend(c.value)
        elif c.op not in ("is_set", "not_empty"):
            out.append(c.value)
    return out


def _show(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _int_cells(points: list[float], lo: float, hi: float) -> list[Cell]:
    # Integer ranges [start, end]: each threshold alone, and the runs between thresholds.
    cells: list[Cell] = []
    prev = -math.inf
    for t in [*points, math.inf]:
        start = lo if prev == -math.inf else max(lo, prev + 1)
        end = hi if t == math.inf else min(hi, t - 1)
        if start <= end:
            if start == end:
                cells.append(Cell(int(start), _show(start)))
            elif start == -math.inf and end == math.inf:
                cells.append(Cell(0, "any"))
            elif start == -math.inf:
                cells.append(Cell(int(end), f"≤ {_show(end)}"))
            elif end == math.inf:
                cells.append(Cell(int(start), f"≥ {_show(start)}"))
            else:
                cells.append(Cell(int(start), f"{_show(start)}..{_show(end)}"))
        if t != math.inf:
            cells.append(Cell(int(t), _show(t)))
        prev = t
    return cells


def _number_cells(points: list[float], lo: float, hi: float) -> list[Cell]:
    # Open intervals between thresholds, closed at the declared bounds when those are finite.
    cells: list[Cell] = []
    prev = -math.inf
    for t in [*points, math.inf]:
        a, b = max(prev, lo), min(t, hi)
        a_open, b_open = prev >= lo, t <= hi
        if a < b or (a == b and not a_open and not b_open):
            if a == -math.inf and b == math.inf:
                rep: float = 0.0
            elif a == -math.inf:
                rep = b - 1 if b_open else b
            elif b == math.inf:
                rep = a + 1 if a_open else a
            else:
                rep = (a + b) / 2
            if a == -math.inf and b == math.inf:
                label = "any"
            elif a == -math.inf:
                label = f"{'<' if b_open else '≤'} {_show(b)}"
            elif b == math.inf:
                label = f"{'>' if a_open else '≥'} {_show(a)}"
            else:
                label = f"{'(' if a_open else '['}{_show(a)}, {_show(b)}{')' if b_open else ']'}"
            cells.append(Cell(rep, label))
        if t != math.inf:
            cells.append(Cell(t, _show(t)))
        prev = t
    return cells


def domain_cells(domain: InputDomain, conditions: list[Condition]) -> list[Cell]:
    """The elementary cells of one input, given every condition the table puts on it."""
    kind, nullable = domain.type.kind, domain.type.nullable
    null = [Cell(None, "null")] if nullable else []
    if kind in ("int", "number"):
        lo = -math.inf if domain.min is None else float(domain.min)
        hi = math.inf if domain.max is None else float(domain.max)
        points = sorted({float(v) for v in _named(conditions)} | {float(v) for v in domain.values
                                                               if v is not None})
        points = [p for p in points if lo <= p <= hi]
        if kind == "int":
            points = [p for p in points if p.is_integer()]  # 7.5 on an int splits nothing new
            lo = math.ceil(lo) if math.isfinite(lo) else lo
            hi = math.floor(hi) if math.isfinite(hi) else hi
            return _int_cells(points, lo, hi) + null
        return _number_cells(points, lo, hi) + null
    if kind == "enum":
        values = list(domain.values) or list(domain.type.values)
        if nullable and None not in values and not domain.values:
            values.append(None)
        return [Cell(v, "null" if v is None else str(v)) for v in values]
    if kind == "string":
        named = list(dict.fromkeys([*domain.values, *_named(conditions)]))
        other = "other"
        while other in named:
            other += "_"
        # Declared string values name the interesting ones; the runtime accepts any string.
        rest = Cell(other, "any other" if named else "any")
        return [Cell(v, str(v)) for v in named if v is not None] + [rest] + null
    if kind == "bool":
        return [Cell(True, "true"), Cell(False, "false")] + null
    if kind == "list":
        return [Cell([], "empty"), Cell([_LIST_ITEM], "non-empty")] + null
    if kind == "date":
        return _date_cells(conditions) + null
    return [Cell(_DATE_SET, "set")] + null


def _date_cells(conditions: list[Condition]) -> list[Cell]:
    """One cell per distinct truth of the date conditions, found on every boundary day.

    Conditions on a date compare with fixed days or recurring month-day spans; the truth of
    all of them can only change at those days, so the days around each boundary (in two
    consecutive years, for the month-day spans) reach every combination that can occur.
    """
    tests = [c for c in conditions if c.op not in ("is_set", "not_empty")]
    if not tests:
        return [Cell(date.fromisoformat(_DATE_SET), "set")]
    days: set[date] = {date(2000, 1, 1), date(2099, 12, 31)}
    for c in tests:
        if c.op == "month_day":
            years = {d.year for t in tests if t.op != "month_day" for d in [t.value]} or {2026}
            for year in {y + k for y in years for k in (-1, 0, 1)}:
                for md in c.value:
                    try:
                        anchor = date(year, md // 100, md % 100)
                    except ValueError:
                        continue
                    days |= {anchor + timedelta(days=k) for k in (-1, 0, 1)}
        else:
            days |= {c.value + timedelta(days=k) for k in (-1, 0, 1)}
    seen: dict[tuple[bool, ...], date] = {}
    for day in sorted(days):
        seen.setdefault(tuple(matches(c, day) for c in tests), day)
    return [Cell(day, day.isoformat()) for day in seen.values()]


def rule_box(rule: Rule, inputs: tuple[str, ...], cells: tuple[tuple[Cell, ...], ...]
             ) -> tuple[int, ...]:
    """Per input, the mask of cells where all of the rule's conditions on it hold."""
    box = []
    for name, row in zip(inputs, cells, strict=True):
        conds = [c for c in rule.conditions if c.field == name]
        mask = 0
        for bit, cell in enumerate(row):
            if all(matches(c, cell.value) for c in conds):
                mask |= 1 << bit
        box.append(mask)
    return tuple(box)


def build_space(table: Table) -> Space:
    """Cells for every declared input of table, and the box of every rule."""
    inputs = tuple(table.inputs)
    cells = tuple(
        tuple(domain_cells(table.inputs[name],
                           [c for r in table.rules for c in r.conditions if c.field == name]))
        for name in inputs)
    boxes = tuple(rule_box(r, inputs, cells) for r in table.rules)
    return Space(inputs, cells, boxes)
