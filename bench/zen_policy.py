"""The shipped policy on zen-engine: our validated RuleSet translated into ONE JDM graph.

Bench code, not product code. The graph is generated from the tables (never written by
hand), so it cannot drift from rules/:

- each FIRST table becomes a `decisionTableNode` with hitPolicy "first"; every condition
  becomes a unary-test cell (`"ec"`, `>= 14`, `!= null`, `len($) > 0` ...), every literal
  output an output cell, every computed output (`ref`, `add`, `sub`, `mul`, `min`, `max`,
  `floor`, `add_days`) a ZEN expression cell (`floor(order_value_jpy * ...)`,
  `min([d(as_of).add(update_interval_days, "d"), ...])`);
- a COLLECT table whose outputs are lists (options) becomes a "collect" node writing its
  rows to `__rows_<table>`, followed by an expressionNode that turns the rows into the list
  (in the declared value order: wait, substitute, partial_shipment, reschedule, cancel_refund);
- a COLLECT table with scalar outputs (compensation_adjustments) becomes one single-row
  "first" node per row, chained, so each row sees the amount the previous one set (our
  engine's semantics; a zen collect node would evaluate every row on the same input and return
  an array);
- nodes are chained in table order with passThrough, so later tables read earlier outputs
  (nested output names such as `compensation.type` merge into one object);
- a final expressionNode (passThrough off) returns just the decision fields.

The context is our flat facts (`flat_facts(order)`, including the derived delay_days,
deadline_missed, order_value_jpy, days_over_sla), nested at the dots, dates as ISO strings.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from noki.domain.facts import flat_facts
from noki.domain.order import Order
from noki.rules.model import Condition, RuleSet, Table
from noki.rules.reference import decide_reference
from noki.rules.vocabulary import DECISION_OUTPUTS, FACTS, FactType

GRAPH_KEY = "noki-policy"
# Decision fields that come straight from the facts rather than from a table.
PASSED_FIELDS = ("order_id", "delay_days", "deadline_missed")
_ORDERED_OPS = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}


class NotExpressible(ValueError):
    """A rule construct this translator cannot put into a JDM graph faithfully."""


# --- cells ------------------------------------------------------------------------------


def literal(value: Any) -> str:
    """A Python value as a ZEN literal."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return json.dumps(value.isoformat())
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    raise NotExpressible(f"no ZEN literal for {value!r}")


def unary_cell(c: Condition, nullable: bool) -> str:
    """One condition as a unary test on its column, with our null semantics.

    Ours: null never compares (eq, in, lt ... are false on null); ne / not_in hold on null.
    ZEN: `"ec"` and `"ec", "auto"` are false on null, `!= x` true; but `> 0` on null is a
    VM error, so ordered comparisons on nullable inputs are guarded with `!= null and`.
    """
    op, v = c.op, c.value
    if op == "eq":
        return "null" if v is None else literal(v)
    if op == "ne":
        return f"!= {literal(v)}"
    if op == "in":
        return ", ".join(literal(x) for x in v)
    if op == "not_in":
        return f"not($ in {literal(list(v))})"
    if op in _ORDERED_OPS:
        test = f"{_ORDERED_OPS[op]} {literal(v)}"
        return f"!= null and {test}" if nullable else test
    if op == "is_set":
        return "!= null" if v else "null"
    if op == "not_empty":
        return "$ != null and len($) > 0" if v else "$ == null or len($) == 0"
    raise NotExpressible(f"condition operator {op!r} ({c.describe()})")


def _dollar_form(c: Condition, nullable: bool) -> str:
    """A condition as a `$` expression (when several conditions share one cell)."""
    op, v = c.op, c.value
    if op == "eq":
        return "$ == null" if v is None else f"$ == {literal(v)}"
    if op == "ne":
        return f"$ != {literal(v)}"
    if op == "in":
        return f"$ in {literal(list(v))}"
    if op in _ORDERED_OPS:
        test = f"$ {_ORDERED_OPS[op]} {literal(v)}"
        return f"($ != null and {test})" if nullable else test
    if op == "is_set":
        return "$ != null" if v else "$ == null"
    if op in ("not_in", "not_empty"):
        return f"({unary_cell(c, nullable)})"  # already written with `$`
    raise NotExpressible(f"condition operator {op!r} ({c.describe()})")


def input_cell(conditions: Sequence[Condition], nullable: bool) -> str:
    """The cell for one column: empty (any value), one unary test, or several ANDed."""
    if not conditions:
        return ""
    if len(conditions) == 1:
        return unary_cell(conditions[0], nullable)
    return " and ".join(_dollar_form(c, nullable) for c in conditions)


# --- computed outputs -------------------------------------------------------------------


def expression(expr: Any, types: Mapping[str, FactType]) -> tuple[str, str]:
    """A rule-file expression as ZEN source, with its kind ("date" or "value")."""
    if not isinstance(expr, dict):
        return literal(expr), "value"
    op, arg = next(iter(expr.items()))
    if op == "ref":
        ftype = types.get(arg)
        if ftype is not None and ftype.kind == "date":
            return f"d({arg})", "date"
        return arg, "value"
    if op == "floor":
        inner, _ = expression(arg, types)
        return f"floor({inner})", "value"
    parts = [expression(a, types) for a in arg]
    if op == "add_days":
        (start, kind), (days, _) = parts
        if kind != "date":
            start = f"d({start})"
        return f'{start}.add({days}, "d")', "date"
    if op in ("min", "max"):
        kinds = {k for _, k in parts}
        srcs = [s if k == "date" or kinds == {"value"} else f"d({s})" for s, k in parts]
        return f"{op}([{', '.join(srcs)}])", "date" if "date" in kinds else "value"
    symbol = {"add": " + ", "sub": " - ", "mul": " * "}.get(op)
    if symbol is None:
        raise NotExpressible(f"expression operator {op!r}")
    return "(" + symbol.join(s for s, _ in parts) + ")", "value"


def output_cell(value: Any, ftype: FactType | None, types: Mapping[str, FactType]) -> str:
    """An output cell: a literal, or a ZEN expression (dates leave as ISO strings)."""
    src, kind = expression(value, types)
    if kind == "date":
        return f'{src}.format("%Y-%m-%d")'
    if ftype is not None and ftype.kind == "date" and isinstance(value, dict):
        return f'd({src}).format("%Y-%m-%d")'
    return src


# --- nodes ------------------------------------------------------------------------------


def _node(node_id: str, name: str, kind: str, x: int, content: dict[str, Any] | None) -> dict:
    node: dict[str, Any] = {"id": node_id, "name": name, "type": kind,
                            "position": {"x": x, "y": 100}}
    if content is not None:
        node["content"] = content
    return node


def _transform(pass_through: bool, output_path: str | None = None) -> dict[str, Any]:
    return {"passThrough": pass_through, "inputField": None, "outputPath": output_path,
            "executionMode": "single"}


def table_node(
    node_id: str,
    table: Table,
    rules: Sequence[Any],
    hit_policy: str,
    types: Mapping[str, FactType],
    x: int,
    output_path: str | None = None,
) -> dict[str, Any]:
    """A decisionTableNode for (some rows of) one of our tables."""
    fields = list(table.inputs)
    for rule in rules:  # conditions on undeclared inputs still get a column
        fields.extend(c.field for c in rule.conditions if c.field not in fields)
    inputs = [{"id": f"{node_id}:in{i}", "name": f, "field": f} for i, f in enumerate(fields)]
    out_names = list(table.outputs)
    outputs = [{"id": f"{node_id}:out{i}", "name": f, "field": f}
               for i, f in enumerate(out_names)]
    rows = []
    for rule in rules:
        row: dict[str, str] = {"_id": rule.id, "_description": rule.why}
        for i, f in enumerate(fields):
            conds = [c for c in rule.conditions if c.field == f]
            domain = table.inputs.get(f)
            ftype = domain.type if domain is not None else types.get(f)
            row[f"{node_id}:in{i}"] = input_cell(conds, bool(ftype and ftype.nullable))
        given = dict(rule.outputs)
        for i, f in enumerate(out_names):
            # A row that does not set an output leaves it null in zen (JDM has no "keep").
            if f not in given and hit_policy == "first":
                raise NotExpressible(f"{table.name}/{rule.id} does not set {f}")
            row[f"{node_id}:out{i}"] = output_cell(given.get(f), table.outputs[f], types)
        rows.append(row)
    content = {"hitPolicy": hit_policy, "inputs": inputs, "outputs": outputs, "rules": rows,
               **_transform(True, output_path)}
    return _node(node_id, table.name, "decisionTableNode", x, content)


def expression_node(node_id: str, name: str, pairs: Iterable[tuple[str, str]], x: int,
                    pass_through: bool) -> dict[str, Any]:
    """An expressionNode setting key = ZEN expression, row by row."""
    expressions = [{"id": f"{node_id}:{i}", "key": k, "value": v}
                   for i, (k, v) in enumerate(pairs)]
    content = {"expressions": expressions, **_transform(pass_through)}
    return _node(node_id, name, "expressionNode", x, content)


def _table_nodes(table: Table, types: Mapping[str, FactType], x: int) -> list[dict[str, Any]]:
    if table.hit_policy == "first":
        return [table_node(table.name, table, table.rules, "first", types, x)]
    if table.hit_policy != "collect":
        raise NotExpressible(f"hit policy {table.hit_policy!r} (zen has first and collect)")
    lists = [n for n, t in table.outputs.items() if t.kind == "list"]
    if lists and len(lists) == len(table.outputs):
        rows_key = f"__rows_{table.name}"
        pairs = []
        for name in lists:
            picked = f"map({rows_key}, #.{name})"
            values = table.outputs[name].values
            # Our engine hands lists out in their declared value order (OPTION_ORDER).
            pairs.append((name, f"filter({literal(list(values))}, # in {picked})"
                          if values else picked))
        return [
            table_node(f"{table.name}:rows", table, table.rules, "collect", types, x, rows_key),
            expression_node(f"{table.name}:list", table.name, pairs, x + 50, True),
        ]
    if lists:
        raise NotExpressible(f"collect table {table.name} mixes list and scalar outputs")
    if len(table.rules) > 1 and set(table.outputs) & set(table.inputs) and not _exclusive(table):
        # Ours tests every row on the facts before the table, then applies them in order;
        # chaining single-row nodes would let a later row test an earlier row's output.
        raise NotExpressible(f"collect table {table.name} reads its own outputs")
    return [table_node(f"{table.name}:{rule.id}", table, [rule], "first", types, x + 10 * i)
            for i, rule in enumerate(table.rules)]


def _accepted(rule: Any, field: str) -> set[Any] | None:
    """The values a row accepts for a field (eq / in), None when it does not pin them."""
    for c in rule.conditions:
        if c.field == field and c.op == "eq":
            return {c.value}
        if c.field == field and c.op == "in":
            return set(c.value)
    return None


def _exclusive(table: Table) -> bool:
    """No row tests a field that an earlier row may have changed to a value it accepts.

    Then chaining single-row nodes equals testing every row on the facts before the table.
    """
    for j, later in enumerate(table.rules):
        tested = {c.field for c in later.conditions}
        for earlier in table.rules[:j]:
            for name, value in earlier.outputs:
                if name not in tested or _accepted(earlier, name) == {value}:
                    continue  # untested, or rewritten to the only value it could have had
                accepted = _accepted(later, name)
                if isinstance(value, dict) or accepted is None or value in accepted:
                    return False
    return True


def build_graph(ruleset: RuleSet) -> dict[str, Any]:
    """The whole policy as one JDM decision graph (a JSON-ready dict)."""
    types: dict[str, FactType] = dict(FACTS)
    nodes = [_node("request", "request", "inputNode", 0, None)]
    for i, table in enumerate(ruleset.tables):
        nodes.extend(_table_nodes(table, types, 200 * (i + 1)))
        types.update(table.outputs)
    missing = [f for f in DECISION_OUTPUTS if f not in types]
    if missing:
        raise NotExpressible(f"no table decides {missing}")
    final = [(f, f) for f in (*PASSED_FIELDS, *DECISION_OUTPUTS)]
    x = 200 * (len(ruleset.tables) + 1)
    nodes.append(expression_node("decision", "decision", final, x, False))
    nodes.append(_node("response", "response", "outputNode", x + 200, None))
    edges = [{"id": f"e{i}", "sourceId": a["id"], "targetId": b["id"], "type": "edge"}
             for i, (a, b) in enumerate(zip(nodes, nodes[1:], strict=False))]
    return {"contentType": "application/vnd.gorules.decision", "nodes": nodes, "edges": edges}


# --- running ----------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _path(key: str) -> tuple[str, ...]:
    return tuple(key.split("."))


def zen_context(facts: Mapping[str, Any]) -> dict[str, Any]:
    """Flat dotted facts as the nested JSON document zen reads (dates as ISO strings)."""
    doc: dict[str, Any] = {}
    for key, value in facts.items():
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        *parents, leaf = _path(key)
        node = doc
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
    return doc


def _whole(value: Any, name: str) -> int | None:
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ValueError(f"zen computed {name} = {value!r}, not a whole number")


def to_decision(result: Mapping[str, Any]) -> dict[str, Any]:
    """zen's result as a decision dict with our Decision's fields (JSON types)."""
    comp = result["compensation"]
    return {
        "order_id": result["order_id"],
        "segment": result["segment"],
        "lane": result["lane"],
        "human_followup": result["human_followup"],
        "compensation": {"type": comp["type"],
                         "amount_jpy": _whole(comp.get("amount_jpy"), "amount_jpy")},
        "options": list(result["options"]),
        "approval": result["approval"],
        "channel": result["channel"],
        "next_update_date": result["next_update_date"],
        "delay_days": _whole(result["delay_days"], "delay_days"),
        "deadline_missed": result["deadline_missed"],
        "escalation": result["escalation"],
        "notice_purpose": result["notice_purpose"],
    }


def zen_trace(trace: Mapping[str, Any]) -> list[dict[str, str]]:
    """The rows zen fired, as {ruleset, rule} entries in evaluation order."""
    entries: list[tuple[int, str, str]] = []
    for node in trace.values():
        data = node.get("traceData")
        hits = data if isinstance(data, list) else [data]
        for hit in hits:
            if isinstance(hit, dict) and isinstance(hit.get("rule"), dict):
                entries.append((node["order"], node["name"], hit["rule"].get("_id", "")))
    entries.sort(key=lambda e: e[0])
    return [{"ruleset": name, "rule": rule} for _, name, rule in entries]


def check_cells(graph: Mapping[str, Any]) -> None:
    """Compile every cell: zen silently skips a row whose cell does not parse."""
    import zen

    for node in graph["nodes"]:
        content = node.get("content") or {}
        cells: list[tuple[str, str, bool]] = []
        unary = {i["id"] for i in content.get("inputs", ())}
        for row in content.get("rules", ()):
            cells.extend((row["_id"], v, k in unary) for k, v in row.items()
                         if not k.startswith("_") and v)
        cells.extend((e["key"], e["value"], False) for e in content.get("expressions", ()))
        for where, src, is_unary in cells:
            try:
                (zen.compile_unary_expression if is_unary else zen.compile_expression)(src)
            except Exception as exc:  # zen raises a bare RuntimeError with JSON details
                detail = str(exc).splitlines()[0]
                raise NotExpressible(f"{node['name']}/{where}: {src!r}: {detail}") from exc


def make_engine(ruleset: RuleSet) -> Any:
    """A ZenEngine whose loader serves the translated graph under GRAPH_KEY."""
    import zen  # dev dependency: imported here so the translator works without it

    graph = build_graph(ruleset)
    check_cells(graph)
    # A static loader: a Python callback loader is called on every evaluate (~20% slower).
    engine = zen.ZenEngine({"loader": {"type": "static", "content": {GRAPH_KEY: graph}}})
    engine.evaluate(GRAPH_KEY, zen_context(_PROBE))  # fail early on a broken graph
    return engine


def zen_decider(ruleset: RuleSet, trace: bool = False) -> Callable[[Order], dict[str, Any]]:
    """Build the engine once; return order -> decision dict (with `trace` when trace is on)."""
    engine = make_engine(ruleset)
    evaluate = engine.evaluate
    if not trace:
        def decide(order: Order) -> dict[str, Any]:
            return to_decision(evaluate(GRAPH_KEY, zen_context(flat_facts(order)))["result"])
        return decide

    options = {"trace": True}

    def decide_traced(order: Order) -> dict[str, Any]:
        response = evaluate(GRAPH_KEY, zen_context(flat_facts(order)), options)
        decision = to_decision(response["result"])
        decision["trace"] = zen_trace(response["trace"])
        return decision

    return decide_traced


def reference_dict(order: Order) -> dict[str, Any]:
    """decide_reference as a comparable dict (no trace, no rules_version)."""
    doc = decide_reference(order).model_dump(mode="json")
    doc.pop("trace", None)
    doc.pop("rules_version", None)
    return doc


def mismatches(orders: Sequence[Order], decisions: Sequence[Mapping[str, Any]]) -> list[str]:
    """Orders where zen's decision differs from the plain-Python reference."""
    problems = []
    for order, got in zip(orders, decisions, strict=True):
        want = reference_dict(order)
        mine = {k: v for k, v in got.items() if k != "trace"}
        if mine != want:
            diff = {k: (mine.get(k), want.get(k)) for k in want if mine.get(k) != want.get(k)}
            problems.append(f"{order.order_id}: zen vs reference {diff}")
    return problems


def run_zen(orders: Sequence[Order], ruleset: RuleSet,
            trace: bool) -> tuple[list[dict[str, Any]], float]:
    """Decide every order on zen-engine; seconds spent deciding (engine build excluded).

    Then checks every decision against decide_reference (outside the timing) and raises
    AssertionError when any differs.
    """
    decide = zen_decider(ruleset, trace)
    start = time.perf_counter()
    decisions = [decide(order) for order in orders]
    seconds = time.perf_counter() - start
    problems = mismatches(orders, decisions)
    if problems:
        raise AssertionError(f"zen-engine differs from the reference on {len(problems)} of "
                             f"{len(orders)} orders, e.g.\n" + "\n".join(problems[:5]))
    return decisions, seconds


_PROBE: dict[str, Any] = {
    "order_id": "PROBE", "industry": "ec", "as_of": "2026-11-25", "eta.earliest": "2026-12-01",
    "eta.latest": "2026-12-05", "eta.confidence": "medium", "reschedule_count": 0,
    "quantity": 1, "delay_days": 0, "deadline_missed": False, "order_value_jpy": 0,
    "sku.substitutes": [], "customer.contact.preferred_channel": "email",
}


def main(argv: Sequence[str] | None = None) -> None:
    """`python bench/zen_policy.py --n 20000`: zen decisions/s with trace off and on."""
    import argparse
    from pathlib import Path

    from noki.rules.loader import load_ruleset
    from noki.sample.orders import sample_orders

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--rules", type=Path, default=Path(__file__).resolve().parents[1] / "rules")
    args = parser.parse_args(argv)
    ruleset = load_ruleset(args.rules)
    orders = [Order.model_validate(d) for d in sample_orders(args.n, args.seed)]
    for trace in (False, True):
        decide = zen_decider(ruleset, trace)
        wall, cpu = time.perf_counter(), time.process_time()
        decisions = [decide(order) for order in orders]
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        problems = mismatches(orders, decisions)
        print(f"zen-engine JDM graph, trace {'on ' if trace else 'off'}: {len(orders):,} orders "
              f"in {wall:.2f} s = {len(orders) / wall:,.0f} decisions/s "
              f"({len(orders) / cpu:,.0f} per CPU-second); "
              f"{len(problems)} differ from decide_reference")
        if problems:
            raise SystemExit("\n".join(problems[:5]))

if __name__ == "__main__":
    main()
