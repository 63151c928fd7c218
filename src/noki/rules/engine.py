"""Decide orders by running the rule tables on durable-rules, in dependency order."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from noki.domain.decision import OPTION_ORDER, Compensation, Decision, TraceEntry
from noki.domain.facts import flat_facts
from noki.domain.order import Order
from noki.rules.batch import BatchDecider
from noki.rules.calendar import BusinessCalendar, CalendarError
from noki.rules.compiler import MessageBuilder, compile_table
from noki.rules.durable_host import EngineError, RecordingHost
from noki.rules.expressions import ExpressionError, compile_expression, expression_refs
from noki.rules.model import Rule, RuleSet, Table
from noki.rules.outputs import DecisionError, construct_decision, to_output

_CACHE_LIMIT = 50_000


class _Row:
    """A rule prepared for the hot path: its trace entry and outputs, built once."""

    def __init__(self, rule: Rule, table: Table, calendar: BusinessCalendar | None = None):
        self.rule = rule
        self.literals = {n: v for n, v in rule.outputs
                         if not isinstance(v, dict) and n != "options"}
        self.options = tuple(v for n, v in rule.outputs if n == "options")
        self.computed = [(n, compile_expression(v, calendar)) for n, v in rule.outputs
                         if isinstance(v, dict)]
        # The facts each computed value reads (decide_many runs it on just those).
        self.refs = [tuple(sorted(expression_refs(v))) for n, v in rule.outputs
                     if isinstance(v, dict)]
        tests = "; ".join(c.describe() for c in rule.conditions)
        if not tests:
            tests = "no earlier row applied" if table.hit_policy == "first" else "every order"
        # The why names the rule's reason and the conditions that held; the values they
        # held for are in the decision itself (delay_days ...) or the order.
        self.trace = TraceEntry(table.name, rule.id, f"{rule.why or rule.id} [{tests}]",
                                rule.file, rule.line)


class _Effect:
    """What the rows fired in one cell do to the facts, merged once for the hot path."""

    __slots__ = ("rows", "trace", "literals", "options", "computed")

    def __init__(self, rows: tuple[_Row, ...]):
        self.rows = rows
        self.trace = tuple(r.trace for r in rows)
        self.options = tuple(o for r in rows for o in r.options)
        # Merging literals across rows is only safe when no row computes a value.
        self.computed = any(r.computed for r in rows)
        self.literals: dict[str, Any] = {}
        if not self.computed:
            for r in rows:
                self.literals.update(r.literals)


class _CompiledTable:
    """One table bound to its durable ruleset, with a cache of fired rows per input cell."""

    def __init__(self, table: Table, ruleset_name: str, host: RecordingHost,
                 calendar: BusinessCalendar | None = None):
        self.table = table
        self.name = table.name
        self.first = table.hit_policy == "first"
        self.ruleset_name = ruleset_name
        self.builder = MessageBuilder(table)
        self.key = self.builder.key
        self.rows = {r.id: _Row(r, table, calendar) for r in table.rules}
        self.fire = host.fire_first if self.first else host.fire_all
        # Every condition compares an input with a constant, so facts in the same cell of
        # the input space fire the same rows: durable decides each cell once.
        self.cache: dict[Hashable, _Effect] = {}

    def matching(self, facts: dict[str, Any], use_cache: bool) -> _Effect:
        """The effect of the rows durable fires for these facts (once per cell when cached)."""
        if use_cache:
            key = self.key(facts)
            hit = self.cache.get(key)
            if hit is not None:
                return hit
        fired = self.fire(self.ruleset_name, self.builder.message(facts))
        if not fired and self.first:
            raise DecisionError(f"no rule of table {self.name} ({self.table.file}) matched")
        effect = _Effect(tuple(self.rows[i] for i in fired))
        if use_cache:
            if len(self.cache) >= _CACHE_LIMIT:
                self.cache.clear()
            self.cache[key] = effect
        return effect


class Engine:
    """A rule set compiled into one durable host; thread-safe; close() frees it."""

    def __init__(self, ruleset: RuleSet, *, cache: bool = True):
        self.ruleset = ruleset
        self.use_cache = cache
        tag = ruleset.version[:12]
        names = {t.name: f"{t.name}@{tag}" for t in ruleset.tables}
        definitions = {
            names[t.name]: compile_table(t, RecordingHost.action_prefix(names[t.name]))
            for t in ruleset.tables
        }
        self.host = RecordingHost(definitions)
        self.tables = [_CompiledTable(t, names[t.name], self.host, ruleset.calendar)
                       for t in ruleset.tables]
        self._compensations: dict[tuple[str, int | None], Compensation] = {}
        # Options are presented in the order the rule files' vocabulary lists them.
        self._option_order = ruleset.vocabulary.option_order or OPTION_ORDER
        self._batch = BatchDecider(self)

    @property
    def version(self) -> str:
        """The rules_version this engine decides with."""
        return self.ruleset.version

    @staticmethod
    def _apply_rows(effect: _Effect, facts: dict[str, Any]) -> None:
        """Apply rows one by one (a row computes a value that later rows may read)."""
        for row in effect.rows:
            facts.update(row.literals)
            if row.options:
                facts["options"] = (*facts.get("options", ()), *row.options)
            for name, fn in row.computed:
                try:
                    facts[name] = to_output(fn(facts))
                except (ExpressionError, CalendarError) as exc:
                    rule = row.rule
                    raise DecisionError(f"{rule.file}:{rule.line}: rule {rule.id}: "
                                        f"{exc}") from exc

    def evaluate(
        self, facts: dict[str, Any], only: str | None = None, *, in_place: bool = False
    ) -> tuple[dict[str, Any], list[TraceEntry]]:
        """Run the tables (or just one) over flat facts; returns facts + outputs and trace."""
        if not in_place:
            facts = dict(facts)
        trace: list[TraceEntry] = []
        use_cache = self.use_cache
        tables = self.tables if only is None else [t for t in self.tables if t.name == only]
        for ct in tables:
            # The cache lookup is inlined: it is most of the work per table per order.
            effect = ct.cache.get(ct.key(facts)) if use_cache else None
            if effect is None:
                effect = ct.matching(facts, use_cache)
            trace.extend(effect.trace)
            if effect.computed:
                self._apply_rows(effect, facts)
                continue
            facts.update(effect.literals)
            if effect.options:
                facts["options"] = (*facts.get("options", ()), *effect.options)
        return facts, trace

    @staticmethod
    def table_effect(ct: _CompiledTable, facts: dict[str, Any]) -> _Effect:
        """The effect of one table on these facts, through its cell cache (decide_many)."""
        return ct.cache.get(ct.key(facts)) or ct.matching(facts, True)

    def decide_many(self, orders: Sequence[Order]) -> list[Decision]:
        """Decide many orders at once; the same decisions, in order, as decide() on each."""
        return self._batch.decide_many(orders)

    def decide(self, order: Order) -> Decision:
        """Decide one order: derived facts -> every table -> a Decision with its trace."""
        facts, trace = self.evaluate(flat_facts(order), in_place=True)
        chosen = set(facts.get("options", ()))
        try:
            values = {
                "order_id": order.order_id,
                "segment": facts["segment"],
                "lane": facts["lane"],
                "human_followup": facts["human_followup"],
                "compensation": self.compensation(facts["compensation.type"],
                                                   facts.get("compensation.amount_jpy")),
                "options": [o for o in self._option_order if o in chosen],
                "approval": facts["approval"],
                "channel": facts["channel"],
                "next_update_date": facts["next_update_date"],
                "delay_days": facts["delay_days"],
                "deadline_missed": facts["deadline_missed"],
                "rules_version": self.ruleset.version,
                "notice_purpose": facts["notice_purpose"],
                "trace": trace,
                "escalation": facts.get("escalation", "none"),
            }
        except KeyError as exc:
            raise DecisionError(f"the rules left {exc.args[0]!r} undecided") from exc
        # Outputs were type-checked against the vocabulary when the rules loaded.
        return construct_decision(values)

    def compensation(self, kind: str, amount: int | None) -> Compensation:
        """The shared Compensation for a kind and amount."""
        # Frozen and few distinct values: share instances instead of building one per order.
        key = (kind, amount)
        found = self._compensations.get(key)
        if found is None:
            if len(self._compensations) >= _CACHE_LIMIT:
                self._compensations.clear()
            found = self._compensations[key] = Compensation(type=kind, amount_jpy=amount)
        return found

    def close(self) -> None:
        """Free durable's rulesets for this version."""
        self.host.close()


__all__ = ["DecisionError", "Engine", "EngineError"]
