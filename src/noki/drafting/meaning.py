"""Checks that read what a sentence says: tense of dates, apologies, caveats, addressing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from noki.domain.decision import Decision
from noki.domain.draft import NoticeChannel
from noki.domain.order import DelayReason, Order
from noki.drafting import jatext
from noki.drafting.dates import customer_window, effective_eta
from noki.drafting.names import company_core
from noki.drafting.settings import NoticeSettings
from noki.drafting.wording import is_company

if TYPE_CHECKING:
    from noki.drafting.checker import _Part, _Report

Span = tuple[int, int]
Finding = tuple[str, str, Span | None]

_RANGE_GAP = re.compile(r"\s*(?:~|〜|から|-|–|—)\s*")
# What the words after a date say about it: still to come, or already over.
_FUTURE = re.compile(r"見込み|予定(?!でした)|いたします|いたしかねます|できない"
                     r"|できません(?!でした)|になります|となります|させていただきます|お知らせします|ご連絡します")
_PAST = re.compile(r"できず|できませんでした|でした|過ぎ|いただいた|いただき|おりました"
                   r"|済み|かなわず|間に合わず|しました|いたしました|ませんで")
_LATE = re.compile(r"遅れ|遅延|間に合わな|間に合わず|お届けできな|納品できな|納車できな|お待たせ")
_NOT = re.compile(r"(?:遅れ|遅延)(?:は|も)?(?:ございません|ありません|なく)|ことなく")
_APOLOGY = re.compile(r"申し訳|お詫び|すみません|ごめんなさい")
_REPEAT = re.compile(r"たびたび|度々|重ねて|再度の|再延期|再び")
_CAVEAT = re.compile(r"前後する|変わる可能性|変動する|前後いたします|前後の可能性")
_CAVEAT_CUES: tuple[tuple[re.Pattern[str], frozenset[DelayReason]], ...] = (
    (re.compile(r"仕入先|メーカー|入荷数"),
     frozenset({"supplier_delay", "demand_surge", "production_issue"})),
    (re.compile(r"輸送|配送|物流|交通|運送"), frozenset({"logistics", "disaster"})),
    (re.compile(r"品質|確認の結果|検査"), frozenset({"quality_hold"})),
    (re.compile(r"生産|製造|工場"),
     frozenset({"production_issue", "supplier_delay", "demand_surge"})),
    (re.compile(r"被災|災害|復旧"), frozenset({"disaster"})),
)
_ABOUT_ARRIVAL = re.compile(r"お届け|入荷|納品|納車|お渡し|到着|発送|出荷")
_APPROX = re.compile(r"^\s*(?:\([^)]*\))?\s*(?:ごろ|頃|前後|以降|まで)")
_TITLE_SAMA = re.compile(r"(?:部長|課長|社長|係長|主任|専務|常務|店長|所長|支店長|取締役|次長)様")
_DOUBLE_GO = re.compile(r"ご購買|ご[^\s、。ご]{1,6}ご担当者")
# 仕様/模様/同様 are not an addressee's 様.
_ONCHU_SAMA = re.compile(r"御中[ \u3000]*\n?[^\n。]{0,20}(?<![仕模同多異各])様")
_PRIORITY = re.compile(r"最優先")
_EXPEDITE = re.compile(r"優先して|優先的に")
_PHONE_PROMISE = re.compile(
    r"お?電話(?:また|や|か|で|にて)[^。\n]*?(?:ご連絡|お知らせ|差し上げ|お伝え)"
)
_REPLY = re.compile(r"返信で|ご返信|返信にて|返信ください")
_VEHICLE_WRONG = re.compile(r"互換部品|適合を確認|ご注文をキャンセル|注文のキャンセル|部品の入荷")
_DUP_STRIP = re.compile(r"[\s、。,.!?「」()・:~0-9年月日]")  # dates alone do not make a repeat
_DUP_TAIL = re.compile(r"(?:ております|いたします|ございます|申し上げます|ます|です)$")


@dataclass(frozen=True)
class Item:
    """A date or a range of two dates written in the text."""

    first: jatext.DateMention
    last: jatext.DateMention

    @property
    def is_range(self) -> bool:
        """Two dates joined by ～/から."""
        return self.first is not self.last


def items(text: str, dates: list[jatext.DateMention]) -> list[Item]:
    """Date mentions grouped into single dates and ranges."""
    out: list[Item] = []
    i = 0
    while i < len(dates):
        d = dates[i]
        if i + 1 < len(dates) and _RANGE_GAP.fullmatch(text[d.end:dates[i + 1].start]):
            out.append(Item(d, dates[i + 1]))
            i += 2
            continue
        out.append(Item(d, d))
        i += 1
    return out


def _tail(text: str, item: Item, nxt: int | None, ends: list[int]) -> str:
    start = item.last.end
    _s, end = jatext.sentence_bounds(ends, start, len(text))
    if nxt is not None and nxt < end:
        end = nxt
    return text[start:end]


def tense_findings(text: str, dates: list[jatext.DateMention], today: date) -> Iterator[Finding]:
    """past_date_as_future and range_starts_in_past."""
    ends = jatext.sentence_ends(text)
    grouped = items(text, dates)
    for n, item in enumerate(grouped):
        first, last = item.first.value, item.last.value
        if first is None or last is None or first >= today:
            continue
        nxt = grouped[n + 1].first.start if n + 1 < len(grouped) else None
        tail = _tail(text, item, nxt, ends)
        if _PAST.search(tail) or tail.lstrip().startswith(("から、", "より")):
            continue  # over, or the ETA a change started from (前回ご案内の…から、)
        span = (item.first.start, item.last.end)
        if item.is_range and last >= today:
            yield ("range_starts_in_past",
                   f"「{text[span[0]:span[1]]}」は本日({today})より前から始まる幅です", span)
        elif _FUTURE.search(tail):
            yield ("past_date_as_future",
                   f"{first} は本日({today})より前の日付ですが、"
                   "これからのことのように書かれています",
                   span)


def sentences(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, sentence) for each sentence."""
    for start, end in jatext.sentences(text):
        yield start, end, text[start:end]


def apology_findings(text: str, order: Order, decision: Decision) -> Iterator[Finding]:
    """not_delayed_but_apologises: lateness when on time, a re-delay apology for good news."""
    on_time = decision.delay_days == 0 and not decision.deadline_missed  # need-by counts too
    improved = decision.notice_purpose == "improved"
    if not (on_time or improved):
        return
    for start, _end, s in sentences(text):
        if on_time:
            m = _LATE.search(s)
            if m and not _NOT.search(s):
                yield ("not_delayed_but_apologises",
                       "約束納期に間に合う注文なのに、遅れ・お詫びを書いています",
                       (start + m.start(), start + m.end()))
                return
        if improved:
            m = _REPEAT.search(s)
            if m and _APOLOGY.search(s):
                yield ("not_delayed_but_apologises",
                       "入荷予定が早まった良いお知らせなのに、再度の遅れのお詫びを書いています",
                       (start + m.start(), start + m.end()))
                return


def caveat_findings(text: str, reason: DelayReason) -> Iterator[Finding]:
    """wrong_caveat: 「…により前後する」 naming a cause that is not the order's delay reason."""
    for start, _end, s in sentences(text):
        if not _CAVEAT.search(s):
            continue
        for cue, reasons in _CAVEAT_CUES:
            m = cue.search(s)
            if m and reason not in reasons:
                yield ("wrong_caveat",
                       f"注意書きの「{m.group()}」は遅れの理由({reason})と合いません",
                       (start + m.start(), start + m.end()))
                break


def exact_day_findings(
    text: str, dates: list[jatext.DateMention], window_days: set[date]
) -> Iterator[Finding]:
    """uncertain_exact_day: a single arrival/delivery day when the ETA is uncertain."""
    ends = jatext.sentence_ends(text)
    for item in items(text, dates):
        if item.is_range or item.first.value not in window_days:
            continue
        s0, s1 = jatext.sentence_bounds(ends, item.first.start, len(text))
        if not _ABOUT_ARRIVAL.search(text[s0:s1]) or _APPROX.match(text[item.last.end:s1]):
            continue
        yield ("uncertain_exact_day",
               "見通しが立ちにくい(確度: 低)のに、入荷・お届けを1日で書いています"
               "(幅で書いてください)",
               (item.first.start, item.first.end))


def addressee_findings(text: str, company: bool, name_core: str) -> Iterator[Finding]:
    """wrong_addressee_form: 御中 with 様, 役職+様, doubled ご, a company addressed with 様."""
    for pattern, why in ((_ONCHU_SAMA, "御中と様は併記しません"),
                         (_TITLE_SAMA, "役職名に様は付けません(購買ご担当者様 など)"),
                         (_DOUBLE_GO, "「ご」が重なっています(購買ご担当者様)")):
        m = pattern.search(text)
        if m:
            yield ("wrong_addressee_form", why, m.span())
    if company and name_core:
        m = re.search(re.escape(name_core) + r"[ \u3000]*様", text)
        if m:
            yield ("wrong_addressee_form", "会社・団体宛ては「御中」です", m.span())


def _dup_key(sentence: str) -> str:
    return _DUP_TAIL.sub("", _DUP_STRIP.sub("", sentence))


def _bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)}


def duplicate_findings(text: str) -> Iterator[Finding]:
    """duplicate_sentence: the same sentence (or the same point) written twice."""
    seen: list[tuple[str, set[str]]] = []
    for start, end, s in sentences(text):
        key = _dup_key(s)
        if len(key) < 12 or s.lstrip().startswith(("■", "・", "件名")):
            continue
        grams = _bigrams(key)
        for other, other_grams in seen:
            small, big = (grams, other_grams) if len(grams) <= len(other_grams) else (
                other_grams, grams)
            if key == other or len(small & big) >= 0.75 * len(small):
                yield ("duplicate_sentence", f"同じ内容の文が繰り返されています「{s.strip()}」",
                       (start, end))
                return
        seen.append((key, grams))


def promise_findings(text: str, order: Order, decision: Decision,
                     replies_handled: bool, channel: str) -> Iterator[Finding]:
    """Promises the decision or the customer record does not support."""
    m = _PRIORITY.search(text)
    if m and decision.lane != "priority":
        yield ("unauthorized_priority", "最優先の手配は判断(レーン)にありません", m.span())
    m = _EXPEDITE.search(text)
    if m and decision.lane == "standard":
        yield ("unauthorized_priority", "優先手配は判断(レーン: standard)にありません", m.span())
    m = _PHONE_PROMISE.search(text)
    if m and not order.customer.contact.phone:
        yield ("no_phone_on_file", "電話番号が登録されていないお客様に電話での連絡を約束しています",
               m.span())
    m = _REPLY.search(text)
    if m and channel == "sms" and not replies_handled:
        yield ("reply_not_handled", "SMS の返信は受け付けていません(リンクからお選びいただく)",
               m.span())
    if order.sku.category == "vehicle":
        m = _VEHICLE_WRONG.search(text)
        if m:
            yield ("wrong_industry_wording",
                   f"新車のお知らせに部品・通販の言葉「{m.group()}」(別グレード・別仕様、ご契約の解除)",
                   m.span())


def report_meaning(part: _Part, order: Order, decision: Decision, channel: NoticeChannel,
             settings: NoticeSettings, today: date, report: _Report, *,
             notice: bool = True) -> None:
    """Run the meaning checks on one part and add what they find to the report."""
    text = part.terms
    found = list(tense_findings(text, part.dates, today))
    if part.name == "body":
        if notice:  # a reply may explain delays in general (FAQ), a notice speaks of this order
            found += apology_findings(text, order, decision)
        found += caveat_findings(text, order.delay_reason)
        found += duplicate_findings(text)
        found += promise_findings(text, order, decision, settings.replies_handled, channel)
        if order.eta.confidence == "low":
            days = {*effective_eta(order, today), *customer_window(order, settings, today),
                    order.eta.earliest, order.eta.latest}
            # The same day may also be the promised date or the next contact: those are single.
            days -= {order.promised_date, order.need_by, order.ordered_at,
                     decision.next_update_date}
            found += exact_day_findings(text, part.dates, days)
        company = is_company(order.customer.name)
        core = company_core(order.customer.name) if company else ""
        found += addressee_findings(part.masked, company, core)
    for code, detail, span in found:
        report.add(code, detail, part, span)
