"""The explanation-gap taxonomy (codes fixed by issue 6), with labels and suggestions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GapCode:
    """One gap: stable code, Japanese label, and what marketing could add to close it."""

    code: str
    label: str
    suggestion: str


GAP_CODES: tuple[GapCode, ...] = (
    GapCode(
        "delay_reason_unclear",
        "遅延理由が分からない・納得できない",
        "遅延の理由(メーカー欠品・需要急増・物流など)を類型ごとに説明するFAQを追加し、"
        "お知らせに商品ごとの理由を一文で入れる。",
    ),
    GapCode(
        "eta_vague",
        "納期・入荷予定の表現が曖昧",
        "「未定」「順次」だけで終わらせず、目安の時期(上旬・中旬など)と確定の連絡時期を"
        "FAQとお知らせに明記する。",
    ),
    GapCode(
        "no_update",
        "連絡・状況更新がない",
        "状況に変化がなくても定期的(例: 週1回)に連絡することと、確認できる場所(マイページ等)を"
        "FAQとお知らせで約束する。",
    ),
    GapCode(
        "no_alternative",
        "代替案・選択肢の提示がない",
        "代替品・色違い・分納・キャンセルなど選べる選択肢と申し込み方法をFAQにまとめ、"
        "お知らせからリンクする。",
    ),
    GapCode(
        "compensation",
        "補償・お詫びへの不満",
        "遅延時のお詫びと補償(送料負担・クーポン等)の方針をFAQに明記し、"
        "お知らせのお詫び文を定型一行から具体的なものにする。",
    ),
    GapCode(
        "cancel_refund_process",
        "キャンセル・返金の手続きが分かりにくい",
        "キャンセルの手順・期限・手数料と返金の時期・方法を手順付きでFAQに載せ、"
        "お知らせにキャンセル窓口を記載する。",
    ),
    GapCode(
        "repeated_delay",
        "再延期・度重なる遅延",
        "再延期のときは理由・新しい予定日・次の連絡日を必ず伝える方針をFAQに書き、"
        "再延期用のお知らせテンプレートを用意する。",
    ),
    GapCode(
        "inconsistent_info",
        "窓口・チャネル間で情報が食い違う",
        "どの表示が最新か(例: マイページ)をFAQで明示し、窓口・メール・サイトの納期情報を"
        "同じ情報源から出す。",
    ),
)

CODES: tuple[str, ...] = tuple(g.code for g in GAP_CODES)
BY_CODE: dict[str, GapCode] = {g.code: g for g in GAP_CODES}
