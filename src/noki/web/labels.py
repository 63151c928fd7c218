"""Japanese for every code the console shows: the rule vocabulary first, this table for the rest.

The rule vocabulary (rules/00_vocabulary.yaml) owns the decision values it declares (segment,
lane, compensation.type, options, channel, approval, customer.rank ...); everything else a page
shows (statuses, kinds, checker codes, audit actions, states, reasons ...) is labelled here.
"""

from __future__ import annotations

from typing import Any

from noki.rules.vocabulary import Vocabulary

# group -> code -> label. A group named like a vocabulary field is looked up there first.
LABELS: dict[str, dict[str, str]] = {
    "industry": {"ec": "EC", "btob": "BtoB", "auto": "自動車"},
    "lane": {"priority": "優先", "expedite": "迅速", "standard": "通常"},
    "draft_status": {
        "pending": "承認待ち", "approved": "承認済み", "sent": "送信済み", "rejected": "却下",
        "superseded": "失効", "replaced": "改版済み",
    },
    "message_status": {
        "pending": "送信待ち", "sending": "送信中", "sent": "送信済み", "dead": "送信不能",
        "cancelled": "取消",
    },
    "approval": {"required": "要承認", "auto": "自動可"},
    "channel": {"email": "メール", "sms": "SMS", "none": "連絡しない"},
    "kind": {
        "initial": "初回", "eta_change": "入荷予定変更", "followup": "定期連絡",
        "choice_confirmation": "ご選択内容の確認", "partially_shipped": "部分出荷",
        "shipped": "出荷", "cancelled": "取消・返金", "overdue": "予定超過",
        "answer": "問い合わせ回答",
    },
    "drafter": {"template": "テンプレート", "llm": "LLM", "agent": "担当者編集"},
    "confidence": {"high": "高", "medium": "中", "low": "低"},
    "purpose": {
        "gift": "贈答", "event": "イベント", "construction": "工事",
        "vehicle_off_road": "車両停止中",
    },
    "delay_reason": {
        "supplier_delay": "仕入先の遅れ", "demand_surge": "需要の急増",
        "production_issue": "生産の問題", "logistics": "物流の遅れ", "disaster": "災害",
        "quality_hold": "品質確認のための保留",
    },
    "state": {
        "backordered": "受注残", "allocated": "引当済み", "partially_shipped": "部分出荷",
        "shipped": "出荷済み", "cancelled": "取消・返金", "substituted": "代替品へ変更",
    },
    "escalation": {"none": "なし", "person": "担当者へ"},
    "notice_purpose": {
        "delay": "遅延のお知らせ", "improved": "前倒しのお知らせ", "none": "連絡不要",
    },
    "role": {
        "agent": "担当者", "supervisor": "スーパーバイザー", "rule_author": "ルール作成者",
        "marketing": "マーケティング", "admin": "管理者",
    },
    "review_action": {
        "approve": "承認", "bulk_approve": "一括承認", "reject": "却下", "edit": "編集",
        "edited": "編集", "regenerate": "再作成", "regenerated": "再作成",
        "override": "上書き承認", "auto_send": "自動送信",
    },
    "audit_action": {
        "order_created": "注文登録", "order_updated": "注文更新", "eta_changed": "入荷予定変更",
        "decided": "判定", "drafted": "下書き作成", "edited": "編集", "regenerated": "再作成",
        "approved": "承認", "bulk_approved": "一括承認", "rejected": "却下",
        "superseded": "失効", "enqueued": "送信キュー登録", "sent": "送信", "failed": "送信失敗",
        "retried": "再送", "no_channel": "連絡先なし", "follow_up_due": "定期連絡の期日",
        "user_saved": "ユーザー保存", "user_activated": "ユーザー有効化",
        "token_issued": "トークン発行", "token_revoked": "トークン失効",
        "inquiry_received": "問い合わせ受信", "no_notice_needed": "連絡不要",
        "note_added": "メモ追加", "assigned": "担当割り当て",
    },
    "timeline": {
        "event": "イベント", "state": "状態", "decision": "判定", "draft": "下書き",
        "review": "確認", "message": "送信", "choice": "お客様の選択", "grant": "補償の付与",
        "escalation": "エスカレーション", "webhook": "連携", "note": "メモ",
    },
    "check": {
        "guarantee_wording": "保証と受け取れる表現", "missing_compensation": "補償の記載漏れ",
        "missing_eta": "入荷予定の記載漏れ", "missing_next_update": "次回連絡日の記載漏れ",
        "missing_option": "選択肢の記載漏れ", "placeholder_left": "差し込み文字の残り",
        "sms_segments": "SMS の長さ超過", "too_long": "長すぎる本文",
        "unauthorized_compensation": "判定にない補償", "unoffered_option": "判定にない選択肢",
        "wrong_amount": "金額の誤り", "wrong_date": "日付の誤り", "wrong_name": "宛名の誤り",
        "wrong_weekday": "曜日の誤り", "duplicate_compensation": "補償の二重付与",
        "duplicate_sentence": "同じ文の繰り返し", "no_phone_on_file": "電話番号の登録なし",
        "not_delayed_but_apologises": "遅延でないのにお詫び",
        "past_date_as_future": "過去の日付を未来として記載",
        "range_starts_in_past": "過去から始まる期間", "reply_not_handled": "返信を受け付けない窓口",
        "unauthorized_priority": "判定にない優先対応", "uncertain_exact_day": "不確かな日付の断定",
        "wrong_addressee_form": "宛名の形式の誤り", "wrong_caveat": "注意書きの誤り",
        "wrong_industry_wording": "業種に合わない表現", "keigo_double": "二重敬語",
        "keigo_baito": "バイト敬語", "keigo_sasete_overuse": "「させていただく」の多用",
        "stale_fact": "古い情報",
    },
    "sort": {
        "urgency": "急ぎの順", "need_by": "お客様の必要日", "delay": "遅延日数",
        "next_contact": "次回連絡日", "waiting": "待ち時間",
    },
    "bool": {"True": "はい", "False": "いいえ", "true": "はい", "false": "いいえ"},
}
# Groups whose values the rule vocabulary declares (with the vocabulary field's name).
FROM_VOCABULARY = {
    "segment": "segment", "lane": "lane", "compensation": "compensation.type",
    "option": "options", "channel": "channel", "rank": "customer.rank",
}
STATUS_FALLBACK = ("draft_status", "message_status", "kind", "drafter", "industry", "channel",
                   "approval")


class Labels:
    """label(code, group) in templates: the vocabulary's label, then this table's."""

    def __init__(self, vocabulary: Vocabulary | None = None) -> None:
        self.vocabulary = vocabulary or Vocabulary()

    def __call__(self, code: Any, group: str = "") -> str:
        value = "" if code is None else str(code)
        if not value:
            return "—"
        if group in FROM_VOCABULARY and value in self.vocabulary.values(FROM_VOCABULARY[group]):
            return self.vocabulary.label(FROM_VOCABULARY[group], value)
        if group:
            return LABELS.get(group, {}).get(value, value)
        for name in STATUS_FALLBACK:  # the old one-argument label(): statuses, kinds, ...
            if value in LABELS[name]:
                return LABELS[name][value]
        return LABELS["lane"].get(value, value)

    def many(self, codes: Any, group: str) -> str:
        """Several codes joined with 、 (options offered)."""
        return "、".join(self(c, group) for c in codes or [])

    def compensation(self, kind: Any, amount: Any = None) -> str:
        """送料無料, クーポン 1,000円, 補償なし."""
        text = self(kind, "compensation")
        return f"{text} {amount:,}円" if isinstance(amount, int) and amount else text


def known_codes(vocabulary: Vocabulary | None = None) -> set[str]:
    """Every code this module or the vocabulary labels (for the untranslated-code test)."""
    out = {c for group in LABELS.values() for c in group if c not in ("True", "False")}
    for fname in FROM_VOCABULARY.values():
        out.update((vocabulary or Vocabulary()).values(fname))
    return out


# Audit detail keys in Japanese, and the label group of their values.
AUDIT_KEYS: dict[str, tuple[str, str]] = {
    "lane": ("レーン", "lane"), "compensation": ("補償", "compensation"),
    "approval": ("承認", "approval"), "rules_version": ("ルールの版", ""),
    "check_ok": ("チェック合格", "bool"), "codes": ("チェックの指摘", "check"),
    "previous": ("前の版", ""), "channel": ("チャネル", "channel"),
    "override_reason": ("上書きの理由", ""), "reason": ("理由", ""), "role": ("役割", "role"),
    "dead": ("送信不能", "bool"), "error": ("エラー", ""), "kind": ("種別", "kind"),
    "note_id": ("メモ", ""), "assigned_to": ("担当", ""), "username": ("ユーザー", ""),
    "count": ("件数", ""), "segments": ("通数", ""), "state": ("状態", "state"),
    "superseded": ("失効した下書き", ""), "attempt": ("試行", ""), "status": ("状態", ""),
}


def audit_detail(words: Labels, detail: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(key label, value label, translated?) for an audit event's detail."""
    out = []
    for key, value in detail.items():
        if value in (None, "", []):
            continue
        name, group = AUDIT_KEYS.get(key, (key, ""))
        if isinstance(value, list):
            text = "、".join(words(v, group) if group else str(v) for v in value)
        else:
            text = words(value, group) if group else str(value)
        out.append((name, text, key in AUDIT_KEYS and bool(group)))
    return out
