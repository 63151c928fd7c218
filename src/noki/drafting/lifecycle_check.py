"""Checks of a lifecycle notice against its step: tracking number, refund, choice, no ETA.

Hooked into the grounding checker (check_text(..., notice=...)). The delay notice's presence
rules (ETA, options, compensation) do not apply to a step notice; what applies instead:
- shipped / partially_shipped: the tracking number, exactly (`missing_tracking_number`,
  `wrong_tracking_number`), the carrier (`missing_carrier`, e-mail), and for a partial
  shipment the quantity sent (`missing_quantity`);
- cancelled: the refund amount in a 返金 sentence and its timing (`missing_refund`,
  `missing_refund_timing`);
- shipped / cancelled: no arrival date promised any more (`eta_after_close`);
- choice_confirmation: the chosen option stated as chosen (`missing_chosen_option`), not a menu
  of options to pick from (`chosen_option_as_menu`);
- overdue: an apology (`missing_apology`), the new window when one is known, the next contact;
- a follow-up with nothing new: says that nothing changed (`missing_no_change`), stays short
  (`nothing_new_too_long`), and says when the next one comes.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from noki.domain.decision import OPTION_ORDER, Decision
from noki.domain.order import Order
from noki.drafting import lexicon as lx
from noki.drafting import meaning
from noki.drafting.lifecycle_notice import NO_ETA_KINDS, LifecycleNotice

if TYPE_CHECKING:
    from noki.drafting.checker import _Part, _Report

# A tracking number as written: 8+ digits/letters with hyphens, after a tracking word.
_TRACKING = re.compile(
    r"(?:お問い合わせ番号|お問合せ番号|追跡番号|伝票番号|送り状番号|配送番号|輸送番号|管理番号)"
    r"[^0-9A-Za-z\n]{0,6}(?P<no>[0-9A-Za-z][0-9A-Za-z\-]{5,40})"
)
_ETA_WORDS = re.compile(r"入荷予定|お届け予定|納品予定|納車予定|お渡し予定|見込み|頃に?お届け")
_MENU = re.compile(r"お選びください|お選びいただけます|お選びいただける|いずれか|ご希望の対応を")
_NO_CHANGE = re.compile(r"変更はございません|変わりはございません|変わりありません|変更はありません"
                        r"|変更なし|新しい情報はございません|進展はございません|動きはございません")
_QTY_UNIT = r"(?:点|個|台|本|セット|枚|箱|ケース|式|冊|組)"
NOTHING_NEW_MAX = 300  # characters of an e-mail body with nothing new to say


def extra_dates(notice: LifecycleNotice) -> dict[date, str]:
    """Dates a step notice may state beside the decision's."""
    named: dict[date, str] = {}
    if notice.refund_by is not None:
        named[notice.refund_by] = "返金期日"
    if notice.previous_eta is not None:
        named[notice.previous_eta[0]] = named[notice.previous_eta[1]] = "前回の入荷予定"
    return named


def extra_amounts(notice: LifecycleNotice) -> set[int]:
    """Amounts a step notice may state: the refund and what the ledger already granted."""
    out = {v for v in notice.granted.values() if v}
    if notice.refund_jpy:
        out.add(notice.refund_jpy)
    return out


def extra_options(notice: LifecycleNotice) -> set[str]:
    """Option words that are facts in this notice, not offers (a cancellation that happened)."""
    out = {notice.chosen_option} if notice.chosen_option else set()
    if notice.kind == "cancelled":
        out.add("cancel_refund")
    if notice.kind == "partially_shipped":
        out.add("partial_shipment")
    return out


def refund_allowed(notice: LifecycleNotice | None) -> bool:
    """A refund is a fact of a cancellation notice or of a chosen cancellation."""
    return notice is not None and (notice.kind == "cancelled"
                                   or notice.chosen_option == "cancel_refund")


def required(notice: LifecycleNotice) -> tuple[bool, bool]:
    """(ETA required, next update required) for a step notice (options/compensation never)."""
    if notice.kind == "overdue":
        return True, True
    if notice.nothing_new and not notice.is_lifecycle:
        return False, True
    return False, False


def check_step(parts: list[_Part], order: Order, decision: Decision, notice: LifecycleNotice,
               channel: str, options_seen: set[str], report: _Report) -> None:
    """Add the step-specific findings of a lifecycle notice to the report."""
    body = next(p for p in parts if p.name == "body")
    whole = "\n".join(p.norm.text for p in parts)
    if notice.kind in ("shipped", "partially_shipped"):
        _tracking(parts, whole, notice, channel, report)
    if notice.kind == "partially_shipped" and notice.quantity:
        if not re.search(rf"(?<![0-9]){notice.quantity}\s*{_QTY_UNIT}", whole):
            report.add("missing_quantity",
                       f"今回お送りした数量 {notice.quantity} が書かれていません")
    if notice.kind == "cancelled":
        _refund(parts, notice, channel, report)
    if notice.kind in NO_ETA_KINDS:
        _no_eta(parts, order, report)
    if notice.kind == "choice_confirmation" and notice.chosen_option:
        _choice(parts, notice, options_seen, report)
    if notice.kind == "overdue":
        if not any(meaning._APOLOGY.search(p.terms) for p in parts):
            report.add("missing_apology", "入荷予定を過ぎたお詫びがありません")
    if notice.nothing_new and not notice.is_lifecycle:
        if not _NO_CHANGE.search(whole):
            report.add("missing_no_change", "前回のご案内から変更がないことを書いてください")
        if channel == "email" and len(body.norm.text) > NOTHING_NEW_MAX:
            report.add("nothing_new_too_long",
                       f"新しい情報のないご連絡が{len(body.norm.text)}文字です"
                       f"(上限{NOTHING_NEW_MAX}文字)")


def _tracking(parts: list[_Part], whole: str, notice: LifecycleNotice, channel: str,
              report: _Report) -> None:
    number = notice.tracking_number
    if number and number not in whole:
        report.add("missing_tracking_number", f"お問い合わせ番号 {number} が書かれていません")
    for part in parts:
        for m in _TRACKING.finditer(part.masked):
            if number and m.group("no") != number:
                report.add("wrong_tracking_number",
                           f"お問い合わせ番号「{m.group('no')}」は出荷の番号 {number} と違います",
                           part, m.span("no"))
    if notice.carrier and channel == "email" and notice.carrier not in whole:
        report.add("missing_carrier", f"配送業者 {notice.carrier} が書かれていません")


def _refund(parts: list[_Part], notice: LifecycleNotice, channel: str, report: _Report) -> None:
    if notice.refund_jpy:
        stated = False
        for part in parts:
            for m in lx.COMPENSATION_WORDS[4][1].finditer(part.terms):  # 返金
                first, last = part.sentence_span(m.start())
                if any(a.value == notice.refund_jpy and first <= a.start < last
                       for a in part.amounts):
                    stated = True
        if not stated:
            report.add("missing_refund",
                       f"返金額 {notice.refund_jpy:,}円 が返金の文に書かれていません")
    if notice.refund_by is not None and notice.refund_jpy:
        if not any(d.value == notice.refund_by for p in parts for d in p.dates):
            report.add("missing_refund_timing", f"返金の時期 ({notice.refund_by}まで) がありません")


def _no_eta(parts: list[_Part], order: Order, report: _Report) -> None:
    for part in parts:
        text = part.terms
        for d in part.dates:
            first, last = part.sentence_span(d.start)
            sentence = text[first:last]
            if _ETA_WORDS.search(sentence) and not meaning._PAST.search(text[d.end:last]):
                report.add("eta_after_close",
                           "出荷・取消のご連絡で入荷・お届けの予定日を案内しています",
                           part, (d.start, d.end))
                break


def _choice(parts: list[_Part], notice: LifecycleNotice, options_seen: set[str],
            report: _Report) -> None:
    chosen = notice.chosen_option
    if chosen not in options_seen:
        report.add("missing_chosen_option", f"ご選択の対応 ({chosen}) が書かれていません")
    others = [o for o in OPTION_ORDER if o in options_seen and o != chosen]
    for part in parts:
        m = _MENU.search(part.terms)
        if m:
            report.add("chosen_option_as_menu",
                       "ご選択済みの対応を、選択肢として案内しています", part, m.span())
            return
    if others:
        report.add("chosen_option_as_menu",
                   f"ご選択の対応のほかに {', '.join(others)} を案内しています")


