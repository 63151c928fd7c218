"""Compile validated tables into durable-rules rulesets, and key inputs into condition cells.

durable edges handled here (see docs/rules.md): `$nex` on an absent field spins forever, and
`$neq` matches an absent field, so every nullable input travels with a `<field>__set` flag and
absent values are never compared; priorities are row indexes (0..65535, never negative).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Hashable
from datetime import date
from operator import itemgetter
from typing import Any

from noki.rules.model import Condition, Table

TABLE_FIELD = "noki_table"
_OTHER = "\0other"


def field_key(name: str) -> str:
    """The flat message key durable sees for a dotted fact name."""
    return name.replace(".", "__")


def to_date(value: Any) -> date:
    """A fact's date (facts built from JSON examples may still hold the ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def month_day(value: date) -> int:
    """A date's month and day as MMDD (1228)."""
    return value.month * 100 + value.day


def in_month_days(md: int, span: tuple[int, int]) -> bool:
    """Whether MMDD falls in [from, to], a span that may wrap the year end (1228..0104)."""
    low, high = span
    return low <= md <= high if low <= high else (md >= low or md <= high)


def _date_condition(c: Condition, key: str) -> dict[str, Any]:
    if c.op == "month_day":
        low, high = c.value
        md = key + "__md"
        parts = [{"$gte": {md: low}}, {"$lte": {md: high}}]
        return {"$and": parts} if low <= high else {"$or": parts}
    ordinal = key + "__ord"
    if c.op == "eq":
        return {ordinal: c.value.toordinal()}
    if c.op == "ne":
        return {"$neq": {ordinal: c.value.toordinal()}}
    return {"$" + c.op: {ordinal: c.value.toordinal()}}


def _compile_condition(c: Condition, nullable: bool, kind: str = "") -> dict[str, Any]:
    key = field_key(c.field)
    if c.op == "is_set":
        return {key + "__set": c.value}
    if c.op == "not_empty":
        return {"$gt": {key: 0}} if c.value else {key: 0}
    if kind == "date":
        base: dict[str, Any] = _date_condition(c, key)
    elif c.op == "eq":
        base = {key: c.value}
    elif c.op == "ne":
        base = {"$neq": {key: c.value}}
    elif c.op == "in":
        base = {"$or": [{key: v} for v in c.value]} if len(c.value) > 1 else {key: c.value[0]}
    elif c.op == "not_in":
        base = {"$and": [{"$neq": {key: v}} for v in c.value]}
    else:
        base = {"$" + c.op: {key: c.value}}
    if not nullable:
        return base
    if c.op in ("ne", "not_in"):
        return {"$or": [{key + "__set": False}, base]}  # null is "not x"
    return {"$and": [{key + "__set": True}, base]}  # null never compares


def compile_table(table: Table, action_prefix: str) -> dict[str, Any]:
    """The durable ruleset definition for one table (rule name = rule id)."""
    rules: dict[str, Any] = {}
    for rule in table.rules:
        tests: list[dict[str, Any]] = [{TABLE_FIELD: table.name}]
        for c in rule.conditions:
            ftype = table.inputs[c.field].type
            tests.append(_compile_condition(c, ftype.nullable, ftype.kind))
        rules[rule.id] = {
            "all": [{"m": {"$and": tests}}],
            "pri": rule.index,
            "run": f"{action_prefix}{rule.id}",
        }
    return rules


def thresholds(conditions: list[Condition]) -> list[Any]:
    """Every constant a numeric input is compared with, sorted (the cell boundaries)."""
    return sorted({c.value for c in conditions if c.op not in ("is_set", "in", "not_in")}
                  | {v for c in conditions if c.op in ("in", "not_in") for v in c.value})


def named_values(conditions: list[Condition]) -> set[Any]:
    """Every value an enum or string input is compared with (other values share one cell)."""
    named: set[Any] = set()
    for c in conditions:
        if c.op in ("eq", "ne"):
            named.add(c.value)
        elif c.op in ("in", "not_in"):
            named.update(c.value)
    return named


def cell_function(field: str, conditions: list[Condition], kind: str) -> Callable[[Any], Any]:
    """Map a value to the cell of the input space where every condition has the same truth."""
    if kind in ("int", "number"):
        bounds = thresholds(conditions)
        exact = frozenset(bounds)
        return lambda x: None if x is None else (bisect_left(bounds, x), x in exact)
    if kind in ("enum", "string"):
        named = named_values(conditions)
        return lambda x: None if x is None else (x if x in named else _OTHER)
    if kind == "date":
        return lambda x: None if x is None else _date_cell(conditions, to_date(x))
    if kind == "list":
        return lambda x: bool(x)
    if kind == "bool":
        return lambda x: x
    return lambda x: x is not None


def date_holds(c: Condition, value: date) -> bool:
    """Whether a date satisfies a (non-null) date condition."""
    if c.op == "month_day":
        return in_month_days(month_day(value), c.value)
    if c.op == "is_set":
        return bool(c.value)
    ops = {"eq": value == c.value, "ne": value != c.value, "lt": value < c.value,
           "lte": value <= c.value, "gt": value > c.value, "gte": value >= c.value}
    return ops[c.op]


def _date_cell(conditions: list[Condition], value: date) -> tuple[bool, ...]:
    # The truth of every condition on the date is its cell (exact, whatever the operators).
    return tuple(date_holds(c, value) for c in conditions)


class MessageBuilder:
    """Turns flat facts into a table's cell key (cheap) and its durable message (on a miss)."""

    def __init__(self, table: Table):
        self.table_name = table.name
        self.fields: list[tuple[str, str, bool, str]] = []
        self.cells: list[tuple[str, Callable[[Any], Any]]] = []
        raw: list[str] = []
        for name, domain in table.inputs.items():
            conds = [c for r in table.rules for c in r.conditions if c.field == name]
            kind = domain.type.kind
            self.fields.append((name, field_key(name), domain.type.nullable, kind))
            if kind in ("enum", "bool"):
                raw.append(name)  # few values: the value itself is a (finer) cell
            else:
                self.cells.append((name, cell_function(name, conds, kind)))
        self._raw = raw
        # itemgetter returns a scalar for one name: wrap so the key shape stays a tuple.
        self._get_raw: Callable[[dict[str, Any]], Any]
        if not raw:
            self._get_raw = lambda facts: ()
        elif len(raw) == 1:
            one = itemgetter(raw[0])
            self._get_raw = lambda facts: (one(facts),)
        else:
            self._get_raw = itemgetter(*raw)

        self.key: Callable[[dict[str, Any]], Hashable] = (
            self._raw_key if not self.cells else self._cell_key
        )

    def _raw_key(self, facts: dict[str, Any]) -> Hashable:
        try:
            return self._get_raw(facts)
        except KeyError:  # a fact missing from a hand-built example: treat it as null
            return tuple(facts.get(name) for name in self._raw)

    def _cell_key(self, facts: dict[str, Any]) -> Hashable:
        get = facts.get
        return (self._raw_key(facts), *[cell(get(name)) for name, cell in self.cells])

    def message(self, facts: dict[str, Any]) -> dict[str, Any]:
        """The durable message carrying this table's inputs (nulls as `__set: false`)."""
        message: dict[str, Any] = {TABLE_FIELD: self.table_name}
        for name, flat, nullable, kind in self.fields:
            value = facts.get(name)
            if nullable:
                message[flat + "__set"] = value is not None
            if value is None:
                continue
            if kind == "list":
                value = len(value)
            elif kind == "date":
                day = to_date(value)
                message[flat + "__ord"] = day.toordinal()
                message[flat + "__md"] = month_day(day)
                value = day.isoformat()
            message[flat] = value
        return message
