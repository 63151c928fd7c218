"""Words the checker looks for: options, compensations, guarantees, placeholders, addressees."""

from __future__ import annotations

import re

from noki.domain.decision import CompensationType, Decision, OptionName

OPTION_WORDS: dict[OptionName, re.Pattern[str]] = {
    "wait": re.compile(r"お待ち|待機"),
    "substitute": re.compile(
        r"代替品|代替商品|代わりの商品|互換品|互換部品|代替仕様|同等品|別グレード|別仕様"
    ),
    "partial_shipment": re.compile(
        r"部分出荷|分納|一部先行出荷|在庫分を先に|分割(?:出荷|発送|納品)|先行(?:出荷|発送|納品)"
    ),
    "reschedule": re.compile(r"納期再設定|納期の再調整|納期再調整|納期の再設定|納期変更のご相談"),
    "cancel_refund": re.compile(
        r"キャンセル(?!リング)|注文の取り?消し?|契約の解除|ご契約を解除|解約"
    ),
}

# Specific kinds come first: their spans are consumed before the generic クーポン is looked for.
COMPENSATION_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("free_shipping", re.compile(r"送料[^。\n]{0,8}(?:無料|無償|いただきません|負担いた)")),
    ("accessory_coupon", re.compile(r"アクセサリー[^。\n]{0,4}クーポン|用品クーポン")),
    ("service_coupon", re.compile(r"(?:整備|点検|車検|サービス)[^。\n]{0,4}クーポン|整備券")),
    ("coupon", re.compile(r"クーポン|割引券|ギフト券|商品券|金券")),
    ("refund", re.compile(r"返金|払い戻し|払戻")),
    ("sla_credit", re.compile(
        r"クレジット(?!カード)|違約金|ペナルティ|遅延損害金|差し引[きかく]|差引|控除"
    )),
    ("loaner_car", re.compile(r"代車|代替車|レンタカー")),
    ("discount", re.compile(r"割引|値引|割り引|減額|[0-9]+\s*%\s*(?:オフ|OFF|off)")),
    ("points", re.compile(r"ポイント")),
    (
        "free_service",
        re.compile(r"(?:無償|無料)(?:で|の)?(?:点検|交換|修理|提供|整備|サービス|進呈|お届け)"),
    ),
    ("gift", re.compile(r"プレゼント|粗品|記念品")),
)
# Literal words without which a pattern cannot match: a cheap `in` test skips most regex scans.
TRIGGERS: dict[str, tuple[str, ...]] = {
    "wait": ("お待ち", "待機"), "substitute": ("代", "互換", "同等品", "別グレード", "別仕様"),
    "partial_shipment": ("部分出荷", "分納", "先行", "在庫分", "分割"), "reschedule": ("納期",),
    "cancel_refund": ("キャンセル", "消", "解除", "解約"),
    "free_shipping": ("送料",), "accessory_coupon": ("アクセサリー", "用品クーポン"),
    "service_coupon": ("クーポン", "整備券"), "coupon": ("クーポン", "券"),
    "refund": ("返金", "払"),
    "sla_credit": ("クレジット", "違約金", "ペナルティ", "損害金", "差し引", "差引", "控除"),
    "loaner_car": ("代車", "代替車", "レンタカー"),
    "discount": ("割引", "値引", "割り引", "減額", "%"),
    "points": ("ポイント",), "free_service": ("無償", "無料"),
    "gift": ("プレゼント", "粗品", "記念品"),
}


_TRIGGER_WORDS = sorted({w for words in TRIGGERS.values() for w in words}, key=len, reverse=True)
_TRIGGER_RE = re.compile("|".join(map(re.escape, _TRIGGER_WORDS)))
_KEYS_OF: dict[str, set[str]] = {}
for _key, _words in TRIGGERS.items():
    for _word in _words:
        _KEYS_OF.setdefault(_word, set()).add(_key)


def present_keys(text: str) -> set[str]:
    """Option/compensation keys whose trigger words occur in the text (one regex scan)."""
    keys: set[str] = set()
    for word in set(_TRIGGER_RE.findall(text)):
        keys |= _KEYS_OF[word]
    return keys


KIND_LABEL = {
    "free_shipping": "送料無料", "accessory_coupon": "アクセサリークーポン",
    "service_coupon": "整備クーポン", "coupon": "クーポン", "refund": "返金",
    "sla_credit": "遅延クレジット", "loaner_car": "代車", "discount": "割引・値引き",
    "points": "ポイント", "free_service": "無償サービス", "gift": "プレゼント",
}
# Which mention kind states each decided compensation.
DECIDED_KIND: dict[CompensationType, str] = {
    "free_shipping": "free_shipping", "coupon": "coupon", "refund_full": "refund",
    "sla_credit": "sla_credit", "loaner_car": "loaner_car",
    "accessory_coupon": "accessory_coupon", "service_coupon": "service_coupon",
}
_COUPONS = {"coupon", "accessory_coupon", "service_coupon"}
# Other ways Japanese companies write a decided compensation (an SLA credit as 減額, 値引き).
ALSO_STATES: dict[str, tuple[str, ...]] = {"sla_credit": ("discount",)}


def kind_allowed(kind: str, decision: Decision) -> bool:
    """Whether mentioning this compensation kind is covered by the decision."""
    decided = decision.compensation.type
    if kind == "coupon":
        return decided in _COUPONS
    if kind == "refund":
        return decided == "refund_full" or "cancel_refund" in decision.options
    if kind in ALSO_STATES.get(decided, ()):
        return True
    return DECIDED_KIND.get(decided) == kind


# A sentence that declines something does not offer it (「送料無料の対象外です」).
NEGATION = re.compile(
    r"ございません|できません|できかねます|いたしかねます|対象外|しておりません|ありません"
    r"|承れません|お受けできません|不可"
)
# 「お約束の12月4日」 names the promised date; it promises nothing new.
GUARANTEE = re.compile(r"必ず(?!しも)|確実に|絶対|保証|確約|お約束(?!の|して(?:い|おり)|した)")
# A sentence that tells when we contact the customer next (次回のご連絡, 改めてご報告 ...).
NEXT_CONTACT = re.compile(
    r"ご連絡|ご報告|お知らせ(?:します|いたします|しますね|申し上げ)|ご案内(?:します|いたします)"
)
DELIVERY = re.compile(r"お届け|入荷|出荷|発送|納品|到着|納期|納車")
PLACEHOLDER = re.compile(
    r"\{\{[^{}]*\}\}|\{[A-Za-z_][A-Za-z0-9_]*\}|〇〇|○○|●●|◯◯|××|XX月|XX日|\[[^\[\]\n]{1,30}\]"
    r"|<[^<>\n]{1,30}>|\$\{[^}]*\}"
)
_HONORIFIC = re.compile(r"様(?![々子式相態])|御中")
_SEP = r"[^\s、。,.!?「」()『』【】:;・/]"
# Anchored at the end of a short window before 様/御中: scanning the whole text this way is fast.
ADDRESSEE = re.compile(rf"(?P<name>{_SEP}+(?:[ \u3000]{_SEP}+)?)[ \u3000]?(?P<h>様|御中)")
ADDRESSEE_WINDOW = 40
# Words before 様 that are not a name (お客様, 皆様, 代替仕様, ご担当者様 ...).
NOT_A_NAME = (
    "お客", "皆", "同", "仕", "模", "多", "異", "各", "者", "担当", "奥", "神", "殿", "お子",
    "家族",
    "一同", "王", "有り", "在り", "左", "斯", "如何", "いかが",
    # Titles (部長様) are a form error (wrong_addressee_form), not a wrong name.
    "部長", "課長", "社長", "係長", "主任", "専務", "常務", "店長", "所長", "次長", "取締役",
)
PLACEHOLDER_CHARS = re.compile(r"[{}\[\]<>〇○●◯]")


def addressees(text: str) -> list[re.Match[str]]:
    """Every 「name 様」 / 「name 御中」 (name = up to two words before the honorific)."""
    found = []
    for h in _HONORIFIC.finditer(text):
        start = max(0, h.start() - ADDRESSEE_WINDOW)
        m = ADDRESSEE.search(text, start, h.end())
        while m is not None and m.end() != h.end():
            m = ADDRESSEE.search(text, m.end(), h.end())
        if m is not None:
            found.append(m)
    return found
