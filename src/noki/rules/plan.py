"""A decision plan: what every order whose tables fired the same rows gets, built once.

decide_many (noki.rules.batch) groups orders by the rows each table fired for them. One plan
per group holds the constant decision fields, the trace and the chosen options; per order only
the values rows compute (next update date, SLA credit ...) and the raw facts that are decision
fields (delay_days ...) remain.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any

from noki.domain.decision import OPTION_ORDER, Decision
from noki.domain.facts import FACT_SOURCES
from noki.rules.expressions import ExpressionError
from noki.rules.model import Rule
from noki.rules.outputs import DecisionError, to_output

if TYPE_CHECKING:
    from noki.rules.engine import Engine, _Effect

_MEMO_LIMIT = 20_000
_MISSING = object()

# Where a value comes from in one plan: a constant, a raw fact column, or a value computed
# per order (held in the order's small fact environment).
CONST, RAW, COMPUTED = 0, 1, 2
Source = tuple[int, Any]

# Decision fields that are the fact of the same name.
SAME_NAME = ("segment", "lane", "human_followup", "approval", "channel", "next_update_date",
             "delay_days", "deadline_missed", "notice_purpose", "escalation")


class Step:
    """One computed value of one fired row, run per order on just the facts it reads."""

    __slots__ = ("name", "fn", "varying", "consts", "rule", "memo")

    def __init__(self, name: str, fn: Callable[[Any], Any], varying: tuple[str, ...],
                 consts: dict[str, Any], rule: Rule):
        self.name, self.fn, self.varying, self.consts, self.rule = name, fn, varying, consts, rule
        # An expression is a pure function of the facts it reads: memoise on their values.
        self.memo: dict[tuple[Any, ...], Any] = {}

    def value(self, key: tuple[Any, ...]) -> Any:
        """The value for facts with these values of `varying` (memoised)."""
        value = self.memo.get(key, _MISSING)
        if value is _MISSING:
            try:
                value = to_output(self.fn({**dict(zip(self.varying, key, strict=True)),
                                           **self.consts}))
            except ExpressionError as exc:
                rule = self.rule
                raise DecisionError(f"{rule.file}:{rule.line}: rule {rule.id}: {exc}") from exc
            if len(self.memo) >= _MEMO_LIMIT:
                self.memo.clear()
            self.memo[key] = value
        return value


class KeyColumns(dict[tuple[str, ...], list[tuple[Any, ...]]]):
    """Per tuple of fact names, the tuple of their values for each order of a batch (lazily)."""

    def __init__(self, columns: dict[str, Sequence[Any]], size: int):
        super().__init__()
        self.columns, self.size = columns, size

    def __missing__(self, names: tuple[str, ...]) -> list[tuple[Any, ...]]:
        keys = self[names] = (list(zip(*[self.columns[n] for n in names], strict=True))
                              if names else [()] * self.size)
        return keys


class State:
    """What the tables decided so far for a group of orders: outputs and pending values."""

    __slots__ = ("outputs", "options", "computed", "steps", "key")

    def __init__(self) -> None:
        self.outputs: dict[str, Any] = {}  # literal outputs so far
        self.options: tuple[str, ...] = ()
        self.computed: frozenset[str] = frozenset()  # outputs computed per order
        self.steps: tuple[Step, ...] = ()
        self.key: Hashable = ()

    def facts(self) -> dict[str, Any]:
        """The outputs later tables can read (computed values are never read: see batch)."""
        if self.options:
            return {**self.outputs, "options": self.options}
        return self.outputs

    def after(self, effect: _Effect, steps: dict[Hashable, Step]) -> State:
        """The state once these rows applied; replays Engine._apply_rows on constants."""
        new = State()
        outputs, options = dict(self.outputs), list(self.options)
        computed, added = set(self.computed), list(self.steps)
        for row in effect.rows:
            for name, value in row.literals.items():
                outputs[name] = value
                computed.discard(name)
            options.extend(row.options)
            for k, ((name, fn), refs) in enumerate(zip(row.computed, row.refs, strict=True)):
                consts = {r: outputs[r] for r in refs if r in outputs}
                varying = tuple(r for r in refs if r not in consts)
                key = (row.rule.id, k, varying, frozenset(consts.items()))
                step = steps.get(key)
                if step is None:
                    step = steps[key] = Step(name, fn, varying, consts, row.rule)
                added.append(step)
                computed.add(name)
                outputs.pop(name, None)
        new.outputs, new.options, new.steps = outputs, tuple(options), tuple(added)
        new.computed = frozenset(computed)
        new.key = (frozenset(outputs.items()), new.options, tuple(map(id, added)))
        return new

    @staticmethod
    def merged(parts: Sequence[State]) -> State:
        """One state from the states of independent groups of tables (none reads another's)."""
        if len(parts) == 1:
            return parts[0]
        new = State()
        for part in parts:
            new.outputs.update(part.outputs)
            new.options += part.options
            new.computed |= part.computed
            new.steps += part.steps
        return new


class Plan:
    """Constant decision fields in a template, plus the per-order work."""

    __slots__ = ("template", "options", "raw_fields", "calls", "computed_fields", "compensation",
                 "per_order")

    def __init__(self) -> None:
        self.template: dict[str, Any] = {}
        self.options: list[str] = []
        self.raw_fields: tuple[tuple[str, str], ...] = ()  # (decision field, fact column)
        # Each step, and whether it reads only the order's facts (none computed before it).
        self.calls: tuple[tuple[Step, bool], ...] = ()
        self.computed_fields: list[tuple[str, str]] = []  # (decision field, computed fact)
        self.compensation: tuple[Source, Source] | None = None  # None: in the template
        self.per_order = False  # whether finish() has work to do

    def finish(self, engine: Engine, values: dict[str, Any], keys: KeyColumns, i: int) -> None:
        """Fill the fields computed for order i (the plan's steps run on its facts)."""
        env: dict[str, Any] = {}
        columns = keys.columns
        for step, raw in self.calls:
            if raw:  # every fact the step reads is the order's own: its key is precomputed
                key = keys[step.varying][i]
            else:
                key = tuple([env[r] if r in env else columns[r][i] for r in step.varying])
            value = step.memo.get(key, _MISSING)
            env[step.name] = step.value(key) if value is _MISSING else value
        for field, name in self.computed_fields:
            values[field] = env[name]
        if self.compensation is not None:
            kind, amount = (v if s == CONST else columns[v][i] if s == RAW else env[v]
                            for s, v in self.compensation)
            values["compensation"] = engine.compensation(kind, amount)


def build_plan(engine: Engine, state: State) -> Plan:
    """The plan for orders that reached this state after the last table."""
    plan = Plan()
    calls: list[tuple[Step, bool]] = []
    earlier: set[str] = set()
    for step in state.steps:
        calls.append((step, not earlier.intersection(step.varying)))
        earlier.add(step.name)
    plan.calls = tuple(calls)
    chosen = set(state.options)
    order = engine.ruleset.vocabulary.option_order or OPTION_ORDER  # the vocabulary's order
    plan.options = [o for o in order if o in chosen]
    const, computed = state.outputs, state.computed

    def source(name: str, required: bool = True) -> Source:
        if name in computed:
            return COMPUTED, name
        if name in const:
            return CONST, const[name]
        if name in FACT_SOURCES:
            return RAW, name
        if required:
            raise DecisionError(f"the rules left {name!r} undecided")
        return CONST, None

    fixed: dict[str, Any] = {"rules_version": engine.version}
    raw_fields: list[tuple[str, str]] = []
    for field in SAME_NAME:
        kind, value = source(field)
        if kind == CONST:
            fixed[field] = value
        else:
            (raw_fields if kind == RAW else plan.computed_fields).append((field, value))
    plan.raw_fields = tuple(raw_fields)
    comp = (source("compensation.type"), source("compensation.amount_jpy", False))
    if comp[0][0] == CONST and comp[1][0] == CONST:
        fixed["compensation"] = engine.compensation(comp[0][1], comp[1][1])
    else:
        plan.compensation = comp
    plan.per_order = bool(plan.calls) or plan.compensation is not None
    # Keys in Decision field order, as decide() builds them.
    plan.template = {f: fixed.get(f) for f in Decision.model_fields}
    return plan
