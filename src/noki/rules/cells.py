"""Cells of the input space for a whole column of values at once (decide_many).

The same partition as compiler.cell_function (values in one cell make every condition on the
input equally true), computed with C-level map() where the kind allows, and always with the
same shape for a field, so equal cells give equal keys from one batch to the next.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from itertools import repeat
from operator import is_
from typing import Any

from noki.rules.compiler import cell_function, named_values, thresholds
from noki.rules.model import Condition

_OTHER = "\0other"

Cells = Callable[[Sequence[Any]], list[Sequence[Any]]]


def column_cells(conditions: list[Condition], kind: str) -> Cells:
    """A function from a column of values to one or more columns that together key its cells."""
    if kind in ("enum", "bool"):
        return lambda column: [column]  # few values: the value itself is a (finer) cell
    if kind in ("int", "number"):
        bounds = thresholds(conditions)
        if kind == "int" and all(type(b) is int for b in bounds):
            # Integers: with edges at t and t + 1 one bisect tells x < t, x == t and x > t apart.
            edges = sorted({*bounds, *(b + 1 for b in bounds)})

            def integers(column: Sequence[Any]) -> list[Sequence[Any]]:
                if None in column:
                    return [[None if x is None else bisect_right(edges, x) for x in column]]
                return [list(map(bisect_right, repeat(edges), column))]

            return integers
        exact = frozenset(bounds)

        def numbers(column: Sequence[Any]) -> list[Sequence[Any]]:
            if None in column:
                return [[None if x is None else bisect_left(bounds, x) for x in column],
                        list(map(exact.__contains__, column))]
            return [list(map(bisect_left, repeat(bounds), column)),
                    list(map(exact.__contains__, column))]

        return numbers
    if kind == "string":
        named = named_values(conditions)
        if named:
            def strings(column: Sequence[Any]) -> list[Sequence[Any]]:
                cell = {v: v if v in named or v is None else _OTHER for v in set(column)}
                return [list(map(cell.__getitem__, column))]

            return strings
    if kind == "list":
        return lambda column: [list(map(bool, column))]
    if kind == "date" and any(c.op not in ("is_set",) for c in conditions):
        cell = cell_function("", conditions, "date")  # truth of every date condition
        return lambda column: [list(map(cell, column))]
    # Strings nobody names, dates only tested for being set: only whether they are set counts.
    return lambda column: [list(map(is_, column, repeat(None)))]
