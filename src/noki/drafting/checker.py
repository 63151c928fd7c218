"""The grounding checker: every date, amount, option and promise in a text against the decision."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Literal

from noki.domain.decision import OPTION_ORDER, Decision
from noki.domain.draft import CheckResult, NoticeChannel, Violation
from noki.domain.order import Order
from noki.drafting import jatext, keigo, lifecycle_check, meaning, presence, safety
from noki.drafting import lexicon as lx
from noki.drafting.dates import customer_window, effective_eta
from noki.drafting.ledger_check import apply_ledger
from noki.drafting.lifecycle_notice import LifecycleNotice
from noki.drafting.names import known_names, placeholders_and_names
from noki.drafting.settings import DEFAULT_SETTINGS, NoticeSettings, sms_segments

SMS_LIMIT = DEFAULT_SETTINGS.sms_limit  # the default; NoticeSettings.sms_max_segments sets it


@dataclass
class _Part:
    """One checked part (subject or body): normalised text and what was found in it."""

    name: Literal["subject", "body"]
    norm: jatext.Normalised
    masked: str = ""  # URLs blanked: for addressees and placeholders
    terms: str = ""  # URLs, customer and item names blanked: for dates, amounts and wording
    dates: list[jatext.DateMention] = field(default_factory=list)
    amounts: list[jatext.AmountMention] = field(default_factory=list)
    today: date = date.min

    @cached_property
    def ends(self) -> list[int]:
        """Sentence-end offsets (computed on first use)."""
        return jatext.sentence_ends(self.norm.text)

    def sentence_span(self, pos: int) -> tuple[int, int]:
        """(start, end) of the sentence around pos."""
        return jatext.sentence_bounds(self.ends, pos, len(self.norm.text))

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """Sentence spans, computed only when a mention needs its sentence."""
        return jatext.sentences(self.norm.text)


class _Report:
    """Collects violations with spans mapped back to the original text."""

    def __init__(self) -> None:
        self.violations: list[Violation] = []
        self.warnings: list[Violation] = []

    def add(
        self, code: str, detail: str, part: _Part | None = None,
        span: tuple[int, int] | None = None, *, warning: bool = False,
    ) -> None:
        start = end = None
        if part is not None and span is not None:
            start, end = part.norm.span(*span)
        where = part.name if part else None
        v = Violation(code=code, detail=detail, start=start, end=end, part=where)
        (self.warnings if warning else self.violations).append(v)


def _allowed_dates(
    order: Order, decision: Decision, settings: NoticeSettings, today: date
) -> dict[date, str]:
    first, last = effective_eta(order, today)
    win_first, win_last = customer_window(order, settings, today)
    named = [
        (decision.next_update_date, "次回連絡日"), (order.eta.earliest, "入荷予定(最短)"),
        (order.eta.latest, "入荷予定(最長)"), (first, "入荷予定(最短)"),
        (win_first, "お届け予定(最短)"), (win_last, "お届け予定(最長)"),
        (order.promised_date, "当初の納期"),
        (order.need_by, "ご指定の期日"), (order.ordered_at, "ご注文日"), (order.as_of, "本日"),
        (today, "本日"),
    ]
    if order.previous_eta is not None:
        named += [(order.previous_eta.earliest, "前回の入荷予定"),
                  (order.previous_eta.latest, "前回の入荷予定")]
    return {d: label for d, label in named if d is not None}


def _sentence_at(part: _Part, pos: int) -> str:
    start, end = part.sentence_span(pos)
    return part.norm.text[start:end]


def _mentions(part: _Part, decision: Decision, report: _Report, *, require_all: bool,
              facts: set[str] = frozenset(), refund_ok: bool = False):  # type: ignore[assignment]
    """Option and compensation mentions; reports unoffered/unauthorized ones.

    `facts` are options that happened (a chosen option, a cancellation) and `refund_ok` a refund
    that is a fact of the step: neither is an unoffered offer.
    """
    text = part.terms
    present = lx.present_keys(text)
    options_seen: set[str] = set()
    for option in OPTION_ORDER:
        if option not in present:
            continue
        for m in lx.OPTION_WORDS[option].finditer(text):
            if lx.NEGATION.search(_sentence_at(part, m.start())):
                continue
            options_seen.add(option)
            if option not in decision.options and option not in facts:
                report.add("unoffered_option", f"判断に含まれない選択肢「{m.group()}」({option})",
                           part, m.span())
    kinds_seen: dict[str, list[tuple[int, int]]] = {}
    consumed: list[tuple[int, int]] = []
    for kind, pattern in lx.COMPENSATION_WORDS:
        if kind not in present:
            continue
        for m in pattern.finditer(text):
            if any(s <= m.start() < e for s, e in consumed):
                continue
            consumed.append(m.span())
            if lx.NEGATION.search(_sentence_at(part, m.start())):
                continue
            kinds_seen.setdefault(kind, []).append(m.span())
            if not lx.kind_allowed(kind, decision) and not (refund_ok and kind == "refund"):
                report.add("unauthorized_compensation",
                           f"判断にない補償「{m.group()}」({lx.KIND_LABEL[kind]})", part, m.span())
    return options_seen, kinds_seen


def check_text(
    order: Order,
    decision: Decision,
    *,
    channel: NoticeChannel,
    subject: str | None = None,
    body: str,
    require_all: bool = True,
    settings: NoticeSettings = DEFAULT_SETTINGS,
    today: date | None = None,
    granted: Mapping[str, int | None] | None = None,
    allowed_domains: tuple[str, ...] = safety.DEFAULT_DOMAINS,
    notice: LifecycleNotice | None = None,
) -> CheckResult:
    """Check a notice (or, with require_all=False, a reply) against the order's decision.

    today is the day the text reaches the customer (the sending day); it defaults to as_of.
    `notice` makes it a lifecycle notice: its step's facts are checked (lifecycle_check) and its
    ledger (`notice.granted`) applies when `granted` is not given.
    """
    report = _Report()
    today = today or order.as_of
    step = notice if notice is not None and (notice.is_lifecycle or notice.nothing_new) else None
    if granted is None and notice is not None:
        granted = notice.granted
    facts = lifecycle_check.extra_options(notice) if notice is not None else set()
    refund_ok = lifecycle_check.refund_allowed(notice)
    parts = [_Part("body", jatext.normalise(body), today=today)]
    if subject:
        parts.insert(0, _Part("subject", jatext.normalise(subject), today=today))
    allowed = _allowed_dates(order, decision, settings, today)
    amounts_ok = {order.order_value_jpy, order.unit_price_jpy}
    if notice is not None:
        allowed = {**lifecycle_check.extra_dates(notice), **allowed}
        amounts_ok |= lifecycle_check.extra_amounts(notice)
    comp = decision.compensation
    if comp.amount_jpy is not None:
        amounts_ok.add(comp.amount_jpy)
    dates_seen: set[date] = set()
    options_seen: set[str] = set()
    kinds_seen: dict[str, list[tuple[_Part, tuple[int, int]]]] = {}
    has_link = False
    # A fleet called 東都レンタカー or an item called ノイズキャンセリング... offers nothing.
    names = known_names(order)
    for part in parts:
        text = part.norm.text
        if "http" in text:
            # Any link counts here; a foreign host is flagged by the safety check (foreign_url).
            has_link = has_link or any(
                u.startswith(("https://", "http://")) for u in jatext.find_urls(text)
            )
            part.masked = jatext.mask_urls(text)
        else:
            part.masked = text
        part.terms = part.masked
        for known in names:
            if known in part.terms:
                part.terms = part.terms.replace(known, " " * len(known))
        part.dates = jatext.find_dates(part.terms, order.as_of)
        part.amounts = jatext.find_amounts(part.terms)
        for d in part.dates:
            if d.value is None:
                report.add("wrong_date", f"存在しない日付「{d.raw}」", part, (d.start, d.end))
                continue
            dates_seen.add(d.value)
            if d.value not in allowed:
                report.add("wrong_date", f"「{d.raw}」({d.value})は判断のどの日付とも一致しません",
                           part, (d.start, d.end))
            if d.weekday and jatext.WEEKDAYS[d.value.weekday()] != d.weekday:
                right = jatext.WEEKDAYS[d.value.weekday()]
                report.add("wrong_weekday", f"{d.value} は{right}曜日です(「{d.weekday}」と記載)",
                           part, (d.start, d.end))
        for a in part.amounts:
            if a.value not in amounts_ok:
                detail = (f"金額「{a.raw}」({a.value:,}円)は"
                          "補償額・注文金額・単価のどれでもありません")
                report.add("wrong_amount", detail, part, (a.start, a.end))
        seen_opts, seen_kinds = _mentions(part, decision, report, require_all=require_all,
                                          facts=facts, refund_ok=refund_ok)
        options_seen |= seen_opts
        for kind, spans in seen_kinds.items():
            kinds_seen.setdefault(kind, []).extend((part, s) for s in spans)
        _guarantees(part, report)
        placeholders_and_names(part, order, report)
        meaning.report_meaning(part, order, decision, channel, settings, today, report,
                       notice=require_all and step is None)
        # Phishing signs (drafting/safety.py); the configured self-service link is always ours.
        domains = safety.with_host(allowed_domains, settings.self_service_url)
        for sign in safety.findings(text, domains):
            report.add(sign.code, sign.detail, part, (sign.start, sign.end))
    if require_all and step is not None:
        lifecycle_check.check_step(parts, order, decision, step, channel, options_seen, report)
        need_eta, need_next = lifecycle_check.required(step)
        need_eta = need_eta and order.eta.latest > today  # a new window only when one is known
        presence.required(order, decision, channel, report, presence.stated(parts),
                          options_seen, kinds_seen, has_link, settings, today,
                          need=(need_eta, need_next, False, False))
    elif require_all:
        presence.required(order, decision, channel, report, presence.stated(parts),
                          options_seen, kinds_seen, has_link, settings, today)
    if channel == "sms":
        length = len(body.encode("utf-16-le")) // 2  # emoji count as two, as on the handset
        limit = settings.sms_limit
        if length > limit:
            report.add("too_long", f"SMSが{length}文字です(上限{limit}文字)")
            report.add("sms_segments", f"SMSが{sms_segments(length)}通に分割されます"
                       f"(設定: {settings.sms_max_segments}通まで)")
    for part in parts:
        for w in keigo.lint(part.norm.text):
            report.add(w.code, w.detail, part, (w.start or 0, w.end or 0), warning=True)
    if granted:  # the compensation ledger (issue 11): drafting/ledger_check.py
        report.violations = apply_ledger(report.violations, parts, decision, granted)
    return CheckResult(
        ok=not report.violations, violations=report.violations, warnings=report.warnings
    )


def _guarantees(part: _Part, report: _Report) -> None:
    text = part.terms
    if not lx.GUARANTEE.search(text):
        return
    for start, end in part.sentences:
        sentence = text[start:end]
        if not lx.DELIVERY.search(sentence):
            continue
        for m in lx.GUARANTEE.finditer(sentence):
            report.add("guarantee_wording", f"お届けに関する文で「{m.group()}」は使えません",
                       part, (start + m.start(), start + m.end()))


