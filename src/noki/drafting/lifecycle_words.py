"""Display facts of a lifecycle notice: what templates and the prompt may state about a step."""

from __future__ import annotations

from typing import Any

from noki.domain.decision import Decision
from noki.domain.order import Order
from noki.drafting import wording
from noki.drafting.dates import lead_kind
from noki.drafting.jatext import format_date, format_range, format_yen
from noki.drafting.lifecycle_notice import LifecycleNotice

# Words per kind of delivery: the customer's verb, what "shipping" is, who receives.
SHIP_VERB = {"ec": "発送", "btob": "出荷", "vehicle": "出庫", "parts": "発送"}
ARRIVE_VERB = {"ec": "お届け", "btob": "納品", "vehicle": "納車", "parts": "お渡し"}
CANCEL_WORD = {"ec": "ご注文のキャンセル", "btob": "ご注文のキャンセル",
               "vehicle": "ご契約の解除", "parts": "ご注文のキャンセル"}
REFUND_WHAT = {"ec": "お支払いいただいた代金", "btob": "お支払いいただいた代金",
               "vehicle": "申込金・お支払い済みの代金", "parts": "お支払いいただいた代金"}
# The chosen option as done (「…で承りました」), per kind of delivery.
CHOSEN: dict[str, dict[str, str]] = {
    "default": {
        "wait": "このまま入荷をお待ちいただく",
        "substitute": "同等の仕様の代替品への変更",
        "partial_shipment": "在庫分を先にお届けする部分出荷",
        "reschedule": "納期再設定のご相談",
        "cancel_refund": "ご注文のキャンセルと返金",
    },
    "btob": {
        "wait": "現行のご注文のまま入荷をお待ちいただく",
        "substitute": "同等仕様の代替品（互換品）への切り替え",
        "partial_shipment": "在庫分を先に納品する分納",
        "reschedule": "貴社工程に合わせた納期再設定のご相談",
        "cancel_refund": "ご注文のキャンセル",
    },
    "vehicle": {
        "wait": "このまま納車をお待ちいただく",
        "substitute": "別グレード・別仕様へのご変更",
        "partial_shipment": "ご注文の一部を先にお渡しする",
        "reschedule": "納車日のご相談",
        "cancel_refund": "ご契約の解除と申込金の返金",
    },
}
# SMS words for the chosen option; each still reads as that option (lexicon.OPTION_WORDS).
CHOSEN_SHORT = {"wait": "このままお待ちいただく", "substitute": "代替品へ変更",
                "partial_shipment": "部分出荷", "reschedule": "納期再設定",
                "cancel_refund": "キャンセル"}
CHOSEN_SHORT_VEHICLE = {**CHOSEN_SHORT, "substitute": "別仕様へ変更",
                        "cancel_refund": "ご契約の解除"}
GRANT_LABEL = {
    "free_shipping": "送料無料", "coupon": "クーポン", "refund_full": "返金",
    "sla_credit": "納期遅延クレジット", "loaner_car": "代車のご用意",
    "accessory_coupon": "アクセサリークーポン", "service_coupon": "整備クーポン",
}


def chosen_label(option: str, order: Order) -> str:
    """The option the customer chose, in their industry's words."""
    kind = lead_kind(order)
    table = CHOSEN.get("vehicle" if kind == "vehicle" else order.industry, CHOSEN["default"])
    return table.get(option, CHOSEN["default"].get(option, option))


def granted_text(granted: dict[str, int | None]) -> str:
    """「前回ご案内の1,000円分のクーポン」: what earlier notices granted, told as earlier."""
    parts = []
    for kind, amount in granted.items():
        label = GRANT_LABEL.get(kind)
        if label is None:
            continue
        if amount and kind not in ("free_shipping", "loaner_car"):
            parts.append(f"{format_yen(amount)}分の{label}" if "クーポン" in label
                         else f"{label}（{format_yen(amount)}）")
        else:
            parts.append(label)
    return "前回ご案内の" + "・".join(parts) if parts else ""


def granted_line(granted: dict[str, int | None]) -> str:
    """What earlier notices granted still holds (coupons stay usable, a credit is deducted)."""
    coupons = {k: v for k, v in granted.items() if k.endswith("coupon")}
    lines = []
    if coupons:
        lines.append(f"{granted_text(coupons)}は、そのままご利用いただけます。")
    if "sla_credit" in granted:
        lines.append(f"{granted_text({'sla_credit': granted['sla_credit']})}は、"
                     "ご案内のとおり次回のご請求額から差し引きいたします。")
    return "".join(lines)


def with_ledger(text: str, granted: dict[str, int | None], refund: bool) -> str:
    """The compensation sentence with what was granted before told as earlier (issue 11)."""
    earlier = granted_text(granted)
    if not earlier or refund:
        return text
    if not text:
        return granted_line(granted)
    return f"{earlier}に加えて、{text.removeprefix('お詫びとして、')}"


def lifecycle_facts(order: Order, decision: Decision, notice: LifecycleNotice) -> dict[str, Any]:
    """Facts of the step, as display strings (no personal data: safe for the prompt)."""
    as_of = order.as_of
    kind = lead_kind(order)
    vehicle = kind == "vehicle"
    option = notice.chosen_option
    shorts = CHOSEN_SHORT_VEHICLE if vehicle else CHOSEN_SHORT
    overdue_known = order.eta.latest > as_of  # a new window that is still ahead
    return {
        "notice_kind": notice.kind,
        "state": notice.state,
        "nothing_new": notice.nothing_new,
        "chosen_option": option,
        "chosen": chosen_label(option, order) if option else None,
        "chosen_short": shorts.get(option, option) if option else None,
        "tracking_number": notice.tracking_number,
        "carrier": notice.carrier,
        "ship_qty": notice.quantity,
        "shipped_qty": notice.shipped_qty,
        "ordered_qty": notice.ordered_qty if notice.ordered_qty is not None else order.quantity,
        "remaining_qty": (notice.remaining_qty if notice.ordered_qty is not None
                          else max(order.quantity - notice.shipped_qty, 0)),
        "refund_jpy": notice.refund_jpy,
        "refund_amount": format_yen(notice.refund_jpy) if notice.refund_jpy else None,
        "refund_by": format_date(notice.refund_by, as_of) if notice.refund_by else None,
        "refund_by_short": (f"{notice.refund_by.month}月{notice.refund_by.day}日"
                            if notice.refund_by else None),
        "customer_cancel": option == "cancel_refund",
        "previous_window": _previous_window(order, notice),
        "overdue_new_range": overdue_known,
        "ship_verb": SHIP_VERB[kind],
        "arrive_verb": ARRIVE_VERB[kind],
        "cancel_word": CANCEL_WORD[kind],
        "refund_what": REFUND_WHAT[kind],
        "granted": dict(notice.granted),
        "granted_text": granted_text(notice.granted),
        "granted_line": granted_line(notice.granted),
        "reason_words": wording.reason_text(order.delay_reason, order.industry),
    }


def _previous_window(order: Order, notice: LifecycleNotice) -> str | None:
    """The window the customer was last given (for overdue: the one that has passed)."""
    if notice.previous_eta is not None:
        return format_range(*notice.previous_eta, order.as_of)
    if notice.kind == "overdue" and order.eta.latest <= order.as_of:
        return format_range(order.eta.earliest, order.eta.latest, order.as_of)
    return None
