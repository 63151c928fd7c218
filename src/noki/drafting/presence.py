"""Presence rules of a notice: the ETA, the next update, the options and the compensation."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from noki.domain.decision import Decision
from noki.domain.draft import NoticeChannel
from noki.domain.order import Order
from noki.drafting import lexicon as lx
from noki.drafting import meaning
from noki.drafting.dates import customer_window, effective_eta
from noki.drafting.settings import NoticeSettings

if TYPE_CHECKING:
    from noki.drafting.checker import _Part, _Report


def stated(parts: list[_Part]) -> tuple[set[date], set[date]]:
    """(dates stated as facts, dates stated as the next contact) read per sentence."""
    facts: set[date] = set()
    nexts: set[date] = set()
    for part in parts:
        text = part.terms
        for item in meaning.items(text, part.dates):
            start, end = part.sentence_span(item.first.start)
            sentence = text[start:end]
            values = {item.first.value, item.last.value} - {None}
            if lx.NEXT_CONTACT.search(sentence):
                nexts |= values  # type: ignore[arg-type]
                continue
            facts |= values  # type: ignore[arg-type]
            if item.is_range and item.first.value and item.first.value < part.today:
                facts.add(part.today + timedelta(days=1))  # reported as range_starts_in_past
    return facts, nexts


def required(order: Order, decision: Decision, channel: NoticeChannel, report: _Report,
              seen: tuple[set[date], set[date]], options_seen: set[str],
              kinds_seen: dict[str, list[tuple[_Part, tuple[int, int]]]], has_link: bool,
              settings: NoticeSettings, today: date,
              need: tuple[bool, bool, bool, bool] = (True, True, True, True)) -> None:
    """Presence rules; `need` = (ETA, next update, options, compensation) for step notices."""
    facts, nexts = seen
    arrival = effective_eta(order, today)
    window = customer_window(order, settings, today)
    if need[0] and not (set(arrival) <= facts or set(window) <= facts):
        report.add("missing_eta", "入荷予定またはお届け予定の幅を日付で明記してください: "
                   f"入荷 {arrival[0]}～{arrival[1]} / お届け {window[0]}～{window[1]}")
    link_covers = channel == "sms" and has_link  # an SMS may point to the self-service page
    if need[1] and decision.next_update_date not in nexts and not link_covers:
        report.add("missing_next_update",
                   f"次回連絡日 {decision.next_update_date} を「次回のご連絡」として書いてください")
    if need[2] and not link_covers:
        for option in decision.options:
            if option not in options_seen:
                report.add("missing_option", f"選択肢 {option} が案内されていません")
    comp = decision.compensation
    if comp.type == "none" or link_covers or not need[3]:
        return
    kind = lx.DECIDED_KIND[comp.type]
    kinds = (kind, *lx.ALSO_STATES.get(comp.type, ()))
    mentions = [m for k in kinds for m in kinds_seen.get(k, [])]
    if not mentions:
        report.add("missing_compensation", f"決定した補償({comp.type})が記載されていません")
        return
    if comp.amount_jpy is None:
        return
    for part, (start, _end) in mentions:
        first, last = part.sentence_span(start)
        if any(a.value == comp.amount_jpy and first <= a.start < last for a in part.amounts):
            return
    report.add("missing_compensation",
               f"補償({comp.type})の金額 {comp.amount_jpy:,}円 が補償の文に記載されていません")
