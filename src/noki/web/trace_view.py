"""A decision trace's conditions in Japanese: fact names and values by their labels."""

from __future__ import annotations

import re

from noki.web.labels import Labels

FACTS = {
    "order_id": "注文番号", "industry": "業種", "sales_channel": "販売チャネル", "as_of": "評価日",
    "ordered_at": "注文日", "promised_date": "お約束日", "eta.earliest": "入荷予定の最短日",
    "eta.latest": "入荷予定の最終日", "eta.confidence": "入荷確度",
    "reschedule_count": "再延期の回数", "delay_reason": "遅延理由", "need_by": "必要日",
    "purpose": "用途", "quantity": "数量", "unit_price_jpy": "単価", "partial_available":
    "在庫分の先行出荷", "partial_allowed": "分納の承諾", "sku.sku_id": "SKU",
    "sku.name": "商品名", "sku.category": "商品カテゴリ", "sku.substitutes": "代替品",
    "customer.customer_id": "顧客番号", "customer.rank": "会員ランク",
    "customer.ltv_jpy": "累計購入額", "customer.orders_count": "購入回数",
    "customer.fleet": "フリート台数", "customer.contract.tier": "契約ランク",
    "customer.contract.sla_days": "契約の SLA 日数",
    "customer.contract.penalty_rate_per_day": "遅延ペナルティ率（日）",
    "customer.contract.penalty_cap_rate": "遅延ペナルティ上限率",
    "customer.contact.email": "メールアドレス", "customer.contact.phone": "電話番号",
    "customer.contact.preferred_channel": "希望の連絡方法", "delay_days": "遅延日数",
    "deadline_missed": "期日に間に合わない", "order_value_jpy": "注文金額",
    "days_over_sla": "SLA 超過日数", "state": "注文の状態", "choice": "お客様の選択",
    "compensation.granted_type": "付与済みの補償", "compensation.granted_jpy": "付与済みの補償額",
    "overdue": "予定超過", "eta_change": "入荷予定の変化", "promised_passed": "お約束日の経過",
    "lane": "レーン", "segment": "セグメント", "human_followup": "担当者フォロー",
    "approval": "承認", "channel": "連絡方法", "options": "選択肢",
    "compensation.type": "補償", "compensation.amount_jpy": "補償額",
    "notice_purpose": "連絡の目的", "escalation": "エスカレーション",
    "next_update_date": "次回連絡日",
}
VALUE_GROUP = {
    "industry": "industry", "eta.confidence": "confidence", "purpose": "purpose",
    "delay_reason": "delay_reason", "customer.rank": "rank", "lane": "lane",
    "segment": "segment", "approval": "approval", "channel": "channel",
    "customer.contact.preferred_channel": "channel", "state": "state", "choice": "option",
    "compensation.granted_type": "compensation", "compensation.type": "compensation",
    "notice_purpose": "notice_purpose", "escalation": "escalation",
}
PHRASES = {
    "no earlier row applied": "上の行はどれも当てはまらない", "is not set": "なし",
    "is set": "あり", "has items": "あり", "is empty": "なし", "true": "はい", "false": "いいえ",
    "earlier": "早まった", "later": "遅れた", "parts": "部品",
}
CONDITION = re.compile(r"^([a-z_.]+)(.*)$")


def conditions_ja(why: str, labels: Labels) -> tuple[str, str]:
    """(sentence, conditions in Japanese) of a trace line like '文 [delay_days ≥ 7; ...]'."""
    text, _, rest = why.partition(" [")
    if not rest:
        return why, ""
    parts = []
    for cond in rest.rstrip("]").split("; "):
        m = CONDITION.match(cond.strip())
        if not m or m[1] not in FACTS:
            parts.append(_phrase(cond, labels, ""))
            continue
        parts.append(FACTS[m[1]] + _phrase(m[2], labels, VALUE_GROUP.get(m[1], "")))
    return text, "・".join(parts)


def _phrase(s: str, labels: Labels, group: str) -> str:
    for en, ja in PHRASES.items():
        s = re.sub(rf"(?<![\w]){re.escape(en)}(?![\w])", ja, s)
    if group:
        s = re.sub(r"[a-z][a-z_]*", lambda m: labels(m[0], group), s)
    return s.replace(" in [", " が [").replace(" = ", "：").replace(" ≥ ", " ≥ ")


PYDANTIC = {
    "missing": "必須の項目がありません",
    "extra_forbidden": "この項目は使えません（項目名を確認してください）",
    "string_type": "文字列で入力してください",
    "int_type": "整数で入力してください", "int_parsing": "整数で入力してください",
    "int_from_float": "整数で入力してください",
    "float_type": "数値で入力してください", "float_parsing": "数値で入力してください",
    "bool_type": "true か false で入力してください",
    "bool_parsing": "true か false で入力してください",
    "date_type": "日付（YYYY-MM-DD）で入力してください",
    "date_parsing": "日付（YYYY-MM-DD）で入力してください",
    "date_from_datetime_parsing": "日付（YYYY-MM-DD）で入力してください",
    "literal_error": "決められた値のどれかを指定してください",
    "enum": "決められた値のどれかを指定してください",
    "greater_than_equal": "小さすぎます", "greater_than": "小さすぎます",
    "less_than_equal": "大きすぎます", "less_than": "大きすぎます",
    "string_too_long": "長すぎます", "string_too_short": "短すぎます",
    "list_type": "リスト（[...]）で入力してください",
    "dict_type": "オブジェクト（{...}）で入力してください",
    "model_type": "オブジェクト（{...}）で入力してください",
    "value_error": "値が正しくありません", "assertion_error": "値が正しくありません",
}


def validation_ja(exc: Exception) -> list[tuple[str, str, str]]:
    """(field, field label, Japanese message) for each problem of a pasted order."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError):
        return [("", "", "注文として読めません。JSON の形式を確認してください。")]
    out = []
    for e in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in e.get("loc", ()))
        kind = str(e.get("type", ""))
        if kind == "json_invalid":
            out.append(("", "", "JSON として読めません。括弧・引用符・カンマを確認してください。"))
            continue
        said = PYDANTIC.get(kind, "値が正しくありません")
        expected = (e.get("ctx") or {}).get("expected")
        if kind == "literal_error" and expected:
            said += f"（{expected}）"
        out.append((loc, FACTS.get(loc, ""), said))
    return out
