"""Decision tables as readable grids for the console: one row per rule, one column per input
and output, Japanese labels from the vocabulary instead of JSON in cells."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from noki.rules.model import Condition, RuleSet, Table

# Column headings for the facts and decision fields most tables use (others show their name).
FIELD_LABELS = {
    "industry": "業種", "segment": "セグメント", "lane": "レーン", "delay_days": "遅延日数",
    "deadline_missed": "使用期日に間に合わない", "days_over_sla": "SLA 超過日数",
    "purpose": "用途", "sku.category": "商品カテゴリ", "customer.rank": "会員ランク",
    "customer.ltv_jpy": "累計購入額 (円)", "customer.orders_count": "注文回数",
    "customer.fleet": "フリート", "customer.contract.tier": "契約ランク",
    "eta.confidence": "入荷見込みの確度", "reschedule_count": "再調整の回数",
    "delay_reason": "遅延理由", "need_by": "使用期日", "as_of": "判断日",
    "order_value_jpy": "注文金額 (円)", "partial_available": "一部在庫あり",
    "partial_allowed": "分納可", "sku.substitutes": "代替品",
    "compensation.type": "補償", "compensation.amount_jpy": "補償額 (円)", "options": "選択肢",
    "channel": "連絡チャネル", "human_followup": "担当者の対応", "approval": "承認",
    "next_update_date": "次回連絡日", "escalation": "エスカレーション",
    "notice_purpose": "通知の目的", "state": "状態", "choice": "お客様の選択",
}
_OPS = {"lt": "未満", "lte": "以下", "gt": "より大きい", "gte": "以上"}
_EXPR = {"add": " + ", "sub": " − ", "mul": " × "}
_FUNCS = {"min": "小さい方", "max": "大きい方", "floor": "切り捨て",
          "next_business_day": "翌営業日", "business_day_on_or_after": "その日以降の最初の営業日"}


@dataclass
class Grid:
    """One table as headings and rows of display text."""

    name: str
    description: str
    file: str
    hit_policy: str
    inputs: list[tuple[str, str]]  # (label, field)
    outputs: list[tuple[str, str]]
    rows: list[dict[str, Any]]


def label(field: str) -> str:
    """A field's Japanese heading."""
    return FIELD_LABELS.get(field, field)


def grids(ruleset: RuleSet) -> list[Grid]:
    """Every table of the rule set as a grid, in evaluation order."""
    return [_grid(ruleset, t) for t in ruleset.tables]


def _grid(ruleset: RuleSet, table: Table) -> Grid:
    inputs = list(table.inputs)
    rows = []
    for rule in table.rules:
        by_field: dict[str, list[str]] = {}
        for cond in rule.conditions:
            by_field.setdefault(cond.field, []).append(_condition(ruleset, cond))
        if any(f not in inputs for f in by_field):
            inputs += [f for f in by_field if f not in inputs]
        rows.append({"id": rule.id, "why": rule.why, "line": rule.line,
                     "when": {f: "、".join(v) for f, v in by_field.items()},
                     "then": {n: _output(ruleset, n, v) for n, v in rule.outputs}})
    return Grid(table.name, table.description, table.file, table.hit_policy,
                [(label(f), f) for f in inputs], [(label(f), f) for f in table.outputs], rows)


def _value(ruleset: RuleSet, field: str, value: Any) -> str:
    if value is None:
        return "なし"
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, int) and field.endswith("_jpy"):
        return f"{value:,} 円"
    return ruleset.vocabulary.label(field, value) if isinstance(value, str) else str(value)


def _condition(ruleset: RuleSet, cond: Condition) -> str:
    f, v = cond.field, cond.value
    if cond.op == "eq":
        return _value(ruleset, f, v)
    if cond.op == "ne":
        return f"{_value(ruleset, f, v)} 以外"
    if cond.op in ("in", "not_in"):
        text = "・".join(_value(ruleset, f, x) for x in v)
        return text if cond.op == "in" else f"{text} 以外"
    if cond.op in _OPS:
        return f"{_value(ruleset, f, v)} {_OPS[cond.op]}"
    if cond.op == "is_set":
        return "あり" if v else "なし"
    if cond.op == "not_empty":
        return "あり" if v else "なし"
    if cond.op == "month_day":
        low, high = v
        return f"毎年 {low // 100}/{low % 100}〜{high // 100}/{high % 100}"
    return cond.describe()


def _output(ruleset: RuleSet, field: str, value: Any) -> str:
    if isinstance(value, dict):
        return _expression(value)
    if isinstance(value, list):
        return "・".join(_value(ruleset, field, v) for v in value)
    return _value(ruleset, field, value)


def _expression(node: Any) -> str:
    """A computed value in words: `切り捨て(注文金額 (円) × 0.1)`."""
    if not isinstance(node, dict) or len(node) != 1:
        return "null" if node is None else str(node)
    op, arg = next(iter(node.items()))
    args = arg if isinstance(arg, list) else [arg]
    if op == "ref":
        return label(str(arg))
    if op in _EXPR:
        return "(" + _EXPR[op].join(_expression(a) for a in args) + ")"
    if op == "add_days":
        return f"{_expression(args[0])} の {_expression(args[1])} 日後"
    if op == "add_business_days":
        return f"{_expression(args[0])} の {_expression(args[1])} 営業日後"
    return f"{_FUNCS.get(op, op)}(" + ", ".join(_expression(a) for a in args) + ")"
