"""What each KPI means: its key, Japanese label, unit and one-line definition (docs/kpi.md)."""

from __future__ import annotations

from dataclasses import dataclass

BREAKDOWNS = ("sku", "supplier", "industry", "segment", "channel")
BREAKDOWN_LABELS = {"sku": "SKU", "supplier": "仕入先 (PO)", "industry": "業界",
                    "segment": "セグメント", "channel": "販売チャネル"}
OPTIONS = ("wait", "substitute", "partial_shipment", "reschedule", "cancel_refund")
OPTION_LABELS = {"wait": "入荷待ち", "substitute": "代替品", "partial_shipment": "分納",
                 "reschedule": "納期再設定", "cancel_refund": "キャンセル・返金"}
CLOSED_STATES = ("shipped", "cancelled")


@dataclass(frozen=True)
class Kpi:
    """One KPI as people read it."""

    key: str
    label: str
    unit: str  # 件 | 円 | 日 | % | 時間
    definition: str


KPIS: tuple[Kpi, ...] = (
    Kpi("open_count", "受注残件数", "件",
        "週末 (日曜、当週は集計日) の時点で、注文日を過ぎていて"
        "出荷済み・取消になっていない注文の数"),
    Kpi("open_value_jpy", "受注残金額", "円",
        "その注文の注文金額 (数量 × 単価) の合計。部分出荷済みの注文も閉じるまでは全額を含む"),
    Kpi("days_waiting_median", "滞留日数 (中央値)", "日",
        "週末時点の受注残について、注文日から週末までの日数の中央値 (percentile_cont 0.5)"),
    Kpi("days_waiting_p90", "滞留日数 (p90)", "日", "同じ日数の 90 パーセンタイル (線形補間)"),
    Kpi("days_waiting_max", "滞留日数 (最大)", "日", "同じ日数の最大値"),
    Kpi("redelay_rate", "再延期率", "%",
        "その週に注文された受注残のうち、最初の入荷予定より後ろへ入荷予定が動いた注文の割合"),
    Kpi("on_time_rate", "納期回答遵守率", "%",
        "その週に出荷した注文のうち、最後にお知らせした入荷予定の最終日までに出荷した割合"
        " (お知らせ前に出荷した注文は分母に入れない)"),
    Kpi("cancel_rate", "キャンセル率", "%", "その週に閉じた注文 (出荷・取消) のうち取消の割合"),
    Kpi("substitute_rate", "代替受入率", "%",
        "その週に注文され代替品を提案された注文のうち、代替品を選んだ割合"),
    Kpi("partial_rate", "部分出荷率", "%",
        "その週に閉じた注文のうち、一度でも部分出荷した割合 (部分出荷後の取消を含む)"),
    Kpi("compensation_jpy", "補償額", "円",
        "その週に補償台帳へ記録された金額の合計 (送料無料など金額のない補償は件数のみ)"),
    Kpi("first_contact_hours", "初回連絡までの時間 (中央値)", "時間",
        "その週に注文された受注残について、noki が受注残を知ってから最初のお知らせが"
        "送信されるまでの時間の中央値 (未送信の注文は含めない)"),
)
KPI_BY_KEY = {k.key: k for k in KPIS}
