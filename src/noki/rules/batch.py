"""decide_many: a batch decided over columns, durable-rules deciding each table cell once.

decide() keys each table by the cell of its inputs and asks durable-rules once per cell. Here
the same happens for many orders at once (docs/rules.md, "Batches"). Facts are read in one
pass per order and cut into cells a column at a time. Per group of tables (noki.rules.learned)
each order has a state (the outputs its tables decided so far); each stage maps (state, cells)
to the next state and the stage's trace entries with one lookup per order. A key not seen
before is worked out table by table through the engine's per-table cell cache, i.e. durable
decides every new cell (Engine.table_effect). The final states pick a Plan built once
(noki.rules.plan), so per order what remains is the values rows compute and the Decision.
Exact only while no table reads a computed value; for other rule sets, and for engines
without the cell cache, decide_many calls decide() for each order.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterator, Sequence
from itertools import chain
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from noki.domain.decision import Decision, TraceEntry
from noki.domain.facts import FACT_SOURCES, fact_columns, flat_facts
from noki.domain.order import Order
from noki.rules.cells import Cells, column_cells
from noki.rules.learned import Learned, Move, table_groups
from noki.rules.outputs import DecisionError, construct_decisions
from noki.rules.plan import SAME_NAME, KeyColumns, Plan, State, build_plan

if TYPE_CHECKING:
    from noki.rules.engine import Engine, _CompiledTable, _Effect

_STATE_LIMIT = 50_000
# Orders per pass: their facts stay in the CPU cache from one table to the next.
_CHUNK = 512
_UNSET = object()
_template = attrgetter("template")
_raw_fields = attrgetter("raw_fields")


class BatchDecider:
    """Decides batches for one Engine."""

    def __init__(self, engine: Engine):
        self.engine = engine
        tables = engine.ruleset.tables
        inputs = {n: t.inputs[n] for t in tables for n in t.inputs}
        computed = {n for t in tables for r in t.rules for n, v in r.outputs
                    if isinstance(v, dict)}
        # A table reading a computed value would need it per order, not per state.
        self.supported = not computed & {*inputs, "options"}
        # Per raw input, the union of the cells all tables draw on it (a finer partition
        # than any one table's, so one cell column serves every table).
        self.cells: dict[str, Cells] = {
            name: column_cells([c for t in tables for r in t.rules for c in r.conditions
                                if c.field == name], domain.type.kind)
            for name, domain in inputs.items() if name in FACT_SOURCES
        }
        outputs = {n for t in tables for n in t.outputs} | {"options"}
        self.tables: list[tuple[_CompiledTable, tuple[str, ...], tuple[str, ...]]] = [
            (ct, tuple(n for n in ct.table.inputs if n in self.cells),
             tuple(n for n in ct.table.inputs if n in outputs)) for ct in engine.tables
        ]
        # A stage: a table with raw inputs, then the following tables of its group that read
        # only earlier outputs (their rows follow from the state), one lookup per order.
        self.groups = table_groups(tables)
        self.stages: list[tuple[int, tuple[str, ...], tuple[int, ...]]] = []
        for t, (_, raw, _) in enumerate(self.tables):
            last = self.stages[-1] if self.stages else None
            if raw or last is None or last[0] != self.groups[t]:
                self.stages.append((self.groups[t], raw, (t,)))
            else:
                self.stages[-1] = (last[0], last[1], (*last[2], t))
        # A group's first stage (with raw inputs) needs no state in its key: it is always 0.
        self.first_stage: list[bool] = []
        started: set[int] = set()
        for group, raw, _ in self.stages:
            self.first_stage.append(bool(raw) and group not in started)
            started.add(group)
        refs = {r for ct in engine.tables for row in ct.rows.values() for rs in row.refs
                for r in rs}
        self.columns = tuple(sorted({*self.cells, *refs, "order_id",
                                     *(n for n in SAME_NAME if n in FACT_SOURCES)}))
        self._lock = threading.Lock()  # for learning only; lookups need none
        self._learned = self._fresh()

    def _fresh(self) -> Learned:
        return Learned(len(self.tables), len(self.stages), max(self.groups, default=0) + 1)

    def decide_many(self, orders: Sequence[Order]) -> list[Decision]:
        """The decisions of decide() on each order, in order, worked out column-wise."""
        engine = self.engine
        if not self.supported or not engine.use_cache:
            return [engine.decide(o) for o in orders]
        decisions: list[Decision] = []
        for start in range(0, len(orders), _CHUNK):
            learned = self._learned
            if learned.size() > _STATE_LIMIT:
                learned = self._learned = self._fresh()
            decisions += self._decide_chunk(learned, orders[start:start + _CHUNK])
        return decisions

    def _decide_chunk(self, learned: Learned, orders: Sequence[Order]) -> list[Decision]:
        columns = fact_columns(orders, self.columns)
        order_ids = columns["order_id"]
        states, traces = self._final_states(learned, orders, columns)
        try:
            plans = list(map(learned.plans.__getitem__, states))
        except KeyError:
            plans = [learned.plans.get(s) or self._plan(learned, s, order_ids[i])
                     for i, s in enumerate(states)]
        # Each Decision's values: its plan's template, then what differs per order.
        values = list(map(dict.copy, map(_template, plans)))
        keys = KeyColumns(columns, len(orders))
        engine = self.engine
        for i, (v, plan, trace) in enumerate(zip(values, plans, traces, strict=True)):
            v["order_id"] = order_ids[i]
            v["options"] = plan.options.copy()
            v["trace"] = trace
            if plan.per_order:
                try:
                    plan.finish(engine, v, keys, i)
                except DecisionError as exc:
                    raise DecisionError(f"order {order_ids[i]}: {exc}") from exc
        raw_fields = set(map(_raw_fields, plans))
        if len(raw_fields) == 1:
            for field, name in raw_fields.pop():
                for v, value in zip(values, columns[name], strict=True):
                    v[field] = value
        else:
            for i, plan in enumerate(plans):
                for field, name in plan.raw_fields:
                    values[i][field] = columns[name][i]
        return construct_decisions(values)

    def _final_states(self, learned: Learned, orders: Sequence[Order],
                      columns: dict[str, Sequence[Any]]) -> tuple[list[Hashable], list[Any]]:
        """Each order's final state (of every group), and its trace: a lookup per stage."""
        cells = {name: cell(columns[name]) for name, cell in self.cells.items()}
        groups: list[Sequence[int]] = [[0] * len(orders) for _ in learned.spaces]
        traces = []
        facts: dict[int, dict[str, Any]] = {}  # flat facts of orders that reached a new cell
        first = self.first_stage
        for g, (group, raw, tables) in enumerate(self.stages):
            moves, states = learned.moves[g], groups[group]
            columns_of_stage = [c for n in raw for c in cells[n]]
            keys: Sequence[Hashable]
            if first[g]:  # a group's first stage starts every order in state 0
                keys = (columns_of_stage[0] if len(columns_of_stage) == 1 else
                        list(zip(*columns_of_stage, strict=True)))
            else:
                keys = list(zip(states, *columns_of_stage, strict=True)) if raw else states
            try:
                after: list[Move] = list(map(moves.__getitem__, keys))
            except KeyError:  # a key not seen before: learn it (rare once warm)
                found: list[Move | None] = [moves.get(key) for key in keys]
                with self._lock:
                    for i in _nones(found):
                        key = keys[i]
                        found[i] = moves.get(key) or self._learn(
                            moves, key, learned, group, tables, states[i], orders, cells, i,
                            facts)
                after = found  # type: ignore[assignment]  # no None is left
            groups[group], trace = zip(*after, strict=True)
            traces.append(trace)
        finals: list[Hashable] = (list(zip(*groups, strict=True)) if len(groups) > 1
                                  else list(groups[0]))
        return finals, list(map(list, map(chain, *traces)))

    def _learn(self, moves: dict[Hashable, Move], key: Hashable, *args: Any) -> Move:
        move = moves[key] = self._move(*args)
        return move

    def _move(self, learned: Learned, group: int, tables: tuple[int, ...], state: int,
              orders: Sequence[Order], cells: dict[str, list[Sequence[Any]]], i: int,
              facts: dict[int, dict[str, Any]]) -> Move:
        """A stage's state and trace for order i, table by table (a new key for the stage)."""
        space = learned.spaces[group]
        trace: tuple[TraceEntry, ...] = ()
        for t in tables:
            ct, raw, read = self.tables[t]
            outputs = space.states[state].facts()
            key = (tuple(outputs.get(n, _UNSET) for n in read),
                   *[c[i] for n in raw for c in cells[n]])
            effect = learned.effects[t].get(key)
            if effect is None:
                if i not in facts:
                    facts[i] = flat_facts(orders[i])
                effect = learned.effects[t][key] = self._effect(ct, {**facts[i], **outputs},
                                                                orders[i])
            state = space.child(state, effect, learned.steps)
            trace += effect.trace
        return state, trace

    def _effect(self, ct: _CompiledTable, facts: dict[str, Any], order: Order) -> _Effect:
        """Table ct's rows for an order in a new cell: the engine (durable) decides."""
        try:
            return self.engine.table_effect(ct, facts)
        except DecisionError as exc:
            raise DecisionError(f"order {order.order_id}: {exc}") from exc

    def _plan(self, learned: Learned, final: Hashable, order_id: str) -> Plan:
        with self._lock:
            plan = learned.plans.get(final)
            if plan is None:
                ids = final if isinstance(final, tuple) else (final,)
                state = State.merged([space.states[sid]
                                      for space, sid in zip(learned.spaces, ids, strict=True)])
                try:
                    plan = build_plan(self.engine, state)
                except DecisionError as exc:
                    raise DecisionError(f"order {order_id}: {exc}") from exc
                learned.plans[final] = plan
            return plan


def _nones(values: list[Any]) -> Iterator[int]:
    """The indexes of None in values, each found by list.index (in C)."""
    i = -1
    while True:
        try:
            i = values.index(None, i + 1)
        except ValueError:
            return
        yield i
