"""Customer words for the decision's facts, shared by templates and prompts."""

from __future__ import annotations

import re

from noki.domain.decision import Compensation, OptionName
from noki.domain.order import DelayReason, Industry
from noki.drafting.jatext import format_yen

# The delay reason as a customer would say it; BtoB customers get the supply-chain wording.
REASONS: dict[DelayReason, dict[str, str]] = {
    "supplier_delay": {
        "default": "仕入先からの入荷が予定より遅れているため",
        "btob": "メーカーからの納入が予定より遅れているため",
    },
    "demand_surge": {
        "default": "ご注文が想定を大きく上回り、在庫が不足しているため",
        "btob": "需要の急増により、メーカーの供給が追いついていないため",
    },
    "production_issue": {
        "default": "製造工程で不具合が見つかり、生産が遅れているため",
        "auto": "製造工場での生産に遅れが生じているため",
    },
    "logistics": {
        "default": "輸送網の混雑により、物流センターへの到着が遅れているため",
    },
    "disaster": {
        "default": "自然災害の影響で、製造元や輸送の一部が止まっているため",
    },
    "quality_hold": {
        "default": "品質の最終確認を念入りに行っており、出荷を一時止めているため",
    },
}

# What each option means and how the customer chooses it.
OPTION_LABELS: dict[OptionName, str] = {
    "wait": "このまま入荷をお待ちいただく（お手続きは不要です）",
    "substitute": "同等の仕様の代替品に変更する",
    "partial_shipment": "在庫分を先にお届けする部分出荷（残りは入荷後にお届け）",
    "reschedule": "ご都合に合わせた納期再設定のご相談",
    "cancel_refund": "ご注文をキャンセルする（お支払い済みの代金は返金いたします）",
}
OPTION_LABELS_BTOB: dict[OptionName, str] = {
    "wait": "現行のご注文のまま入荷をお待ちいただく",
    "substitute": "同等仕様の代替品（互換品）への切り替え",
    "partial_shipment": "在庫分を先に納品する分納",
    "reschedule": "貴社工程に合わせた納期再設定のご相談",
    "cancel_refund": "ご注文のキャンセル",
}
OPTION_LABELS_AUTO: dict[OptionName, str] = {
    "wait": "このまま入荷をお待ちいただく",
    "substitute": "適合を確認済みの互換部品・代替仕様へ変更する",
    "partial_shipment": "在庫分を先にお渡しする部分出荷",
    "reschedule": "納期変更のご相談",
    "cancel_refund": "ご注文をキャンセルする（代金は返金いたします）",
}
OPTION_LABELS_VEHICLE: dict[OptionName, str] = {
    "wait": "このまま納車をお待ちいただく",
    "substitute": "別グレード・別仕様へのご変更（納期を改めてご案内いたします）",
    "partial_shipment": "ご注文の一部を先にお渡しする",
    "reschedule": "納車日のご相談",
    "cancel_refund": "ご契約の解除（申込金・お支払い済みの代金は返金いたします）",
}
OPTION_SHORT: dict[OptionName, str] = {
    "wait": "お待ちいただく",
    "substitute": "代替品",
    "partial_shipment": "部分出荷",
    "reschedule": "納期再設定",
    "cancel_refund": "キャンセル",
}

HOW_TO_CHOOSE = {
    "ec": "ご希望の対応を、本メールへのご返信またはマイページからお知らせください。",
    "btob": "ご希望の対応を、担当営業または本メールへのご返信にてお知らせください。",
    "auto": "ご希望の対応を、ご購入の販売店または本メールへのご返信にてお知らせください。",
}
SENDER = {"ec": "のきストア", "btob": "のき商事 法人営業部", "auto": "のきモータース"}
SENDER_SHORT = {"ec": "のきストア", "btob": "のき商事", "auto": "のきモータース"}
CONTACT = {
    "ec": "のきストア カスタマーサポート support@noki-store.example.jp（平日10時～18時）",
    "btob": "のき商事 法人営業部 sales@noki-shoji.example.jp / 03-1234-5678（平日9時～17時）",
    "auto": "のきモータース サービス窓口 service@noki-motors.example.jp / 0120-345-678",
}

_COMPANY = re.compile(
    r"株式会社|有限会社|合同会社|合資会社|合名会社|法人|組合|協会|\(株\)|\(有\)|（株）|（有）"
)


def reason_text(reason: DelayReason, industry: Industry) -> str:
    """Why the item is late, in the customer's words."""
    phrases = REASONS[reason]
    return phrases.get(industry, phrases["default"])


def option_label(option: OptionName, industry: Industry, kind: str = "") -> str:
    """An option with what it means for the customer (a new car has its own words)."""
    if kind == "vehicle":
        return OPTION_LABELS_VEHICLE[option]
    table = {"btob": OPTION_LABELS_BTOB, "auto": OPTION_LABELS_AUTO}.get(industry, OPTION_LABELS)
    return table[option]


def is_company(name: str) -> bool:
    """A company or other organisation (addressed with 御中)."""
    return bool(_COMPANY.search(name))


def honorific(name: str) -> str:
    """御中 for an organisation, 様 for a person."""
    return "御中" if is_company(name) else "様"


def short_name(name: str) -> str:
    """The family name of a person (SMS), the whole name of a company."""
    if is_company(name):
        return name
    return name.replace("　", " ").split(" ")[0]


def compensation_text(
    comp: Compensation, *, need_by: str | None = None, need_by_past: bool = False
) -> str:
    """The decided compensation as one sentence (empty for none); wording fixed by policy."""
    amount = format_yen(comp.amount_jpy) if comp.amount_jpy is not None else ""
    match comp.type:
        case "free_shipping":
            return "お詫びとして、今回のご注文の送料を無料といたします。"
        case "coupon":
            return (
                f"お詫びとして、次回のお買い物にご利用いただける{amount}分のクーポンを"
                "お送りいたします。"
            )
        case "refund_full":
            when = f"ご指定の期日である{need_by}" if need_by else "ご指定の期日"
            could_not = "お届けできなかったため" if need_by_past else "お届けできないため"
            return (f"{when}までに{could_not}、ご注文をキャンセルとし、"
                    f"お支払いいただいた代金の全額{amount}を返金いたします。")
        case "sla_credit":
            return (
                f"ご契約の納期条件に基づき、納期遅延クレジットとして{amount}を"
                "次回のご請求額から差し引きいたします。"
            )
        case "loaner_car":
            return "部品の入荷までの間、代車をご用意いたします。"
        case "accessory_coupon":
            return f"お詫びとして、{amount}分のアクセサリークーポンをお贈りいたします。"
        case "service_coupon":
            return (
                f"お詫びとして、次回の点検・整備にご利用いただける{amount}分の整備クーポンを"
                "お贈りいたします。"
            )
    return ""


# The uncertainty caveat names the order's own cause (a quality hold is not up to a supplier).
_CAVEAT_CAUSE = {
    "supplier_delay": "仕入先の状況", "demand_surge": "メーカーからの入荷数",
    "production_issue": "生産の進み具合", "logistics": "輸送の状況",
    "disaster": "被災地域の復旧状況", "quality_hold": "品質確認の結果",
}
_CONFIRMED = {
    "supplier_delay": "仕入先から出荷日の回答を得ており",
    "demand_surge": "メーカーから出荷日の回答を得ており",
    "production_issue": "製造元から出荷日の回答を得ており",
    "logistics": "輸送業者から到着日の回答を得ており",
    "disaster": "製造元から出荷再開日の回答を得ており",
    "quality_hold": "品質確認の完了日が決まっており",
}


def caveat(reason: DelayReason, confidence: str) -> str:
    """How sure the new date is, in words that match the delay reason."""
    if confidence == "high":
        return f"{_CONFIRMED[reason]}、この予定で進む見込みです。"
    if confidence == "medium":
        return f"{_CAVEAT_CAUSE[reason]}により前後する可能性があります。"
    return ("現時点では見通しが立ちにくく、変わる可能性があります。"
            "変更があれば速やかにお知らせいたします。")


_VERB = {"ec": "お届け", "btob": "納品", "vehicle": "納車", "parts": "入荷"}


def promised_clause(promised: str, kind: str, *, past: bool) -> str:
    """The promised date as past (できませんでした) or still ahead (できない見込み)."""
    verb = _VERB[kind]
    if past:
        return f"当初ご案内の{promised}までに{verb}できませんでした。"
    return f"当初ご案内した{promised}には{verb}できない見込みとなりました。"


def compensation_short(comp: Compensation) -> str:
    """The decided compensation in a few words (SMS); empty for none."""
    amount = format_yen(comp.amount_jpy) if comp.amount_jpy is not None else ""
    return {
        "none": "",
        "free_shipping": "送料無料",
        "coupon": f"{amount}クーポン",
        "refund_full": f"全額返金{amount}",
        "sla_credit": f"遅延クレジット{amount}",
        "loaner_car": "代車をご用意",
        "accessory_coupon": f"{amount}アクセサリークーポン",
        "service_coupon": f"{amount}整備クーポン",
    }[comp.type]
