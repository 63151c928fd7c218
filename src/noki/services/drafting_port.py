"""The one place the services reach the drafting package (issue 4)."""

from __future__ import annotations

import importlib
import re
from datetime import date
from typing import Any

from noki.domain.decision import Decision
from noki.domain.draft import CheckResult, Draft, NoticeChannel, Violation
from noki.domain.order import Order

try:  # resolved at import time so the stand-in below goes away once issue 4 lands
    _drafting: Any = importlib.import_module("noki.drafting")
    _draft_notice = _drafting.draft_notice
    _check_text = _drafting.check_text
    HAVE_DRAFTING = True
except (ImportError, AttributeError):
    HAVE_DRAFTING = False


def draft(order: Order, decision: Decision, *, channel: NoticeChannel | None = None) -> Draft:
    """Draft a notice for the order (template drafter)."""
    if HAVE_DRAFTING:
        return _draft_notice(order, decision, channel=channel)
    return _interim_draft(order, decision, channel or _channel(decision))


def check(
    order: Order, decision: Decision, *, channel: NoticeChannel, subject: str | None, body: str
) -> CheckResult:
    """Run the grounding checker on a (possibly edited) text."""
    if HAVE_DRAFTING:
        return _check_text(order, decision, channel=channel, subject=subject, body=body)
    return _interim_check(order, decision, body)


def _channel(decision: Decision) -> NoticeChannel:
    return "sms" if decision.channel == "sms" else "email"


def _jp(d: date) -> str:
    return f"{d.month}月{d.day}日"


def _interim_draft(order: Order, decision: Decision, channel: NoticeChannel) -> Draft:
    eta = f"{_jp(order.eta.earliest)}〜{_jp(order.eta.latest)}"
    nxt = _jp(decision.next_update_date)
    if channel == "sms":
        subject = None
        body = f"{order.customer.name}様 ご注文の{order.sku.name}は{eta}入荷予定です。"
        body += f"次回{nxt}にご連絡します。"
    else:
        subject = f"【お詫び】{order.sku.name}のお届け遅延について"
        body = (
            f"{order.customer.name} 様\n\nご注文の「{order.sku.name}」のお届けが遅れております。"
            f"誠に申し訳ございません。\n入荷予定は{eta}です。\n次回は{nxt}にご連絡いたします。\n"
        )
    result = _interim_check(order, decision, body)
    return Draft(
        order_id=order.order_id,
        channel=channel,
        subject=subject,
        body=body,
        drafter="template",
        check=result,
        rules_version=decision.rules_version,
    )


_PLACEHOLDER = re.compile(r"\{\{[^}]*\}\}|〇〇|○○|\[顧客名\]")


def _interim_check(order: Order, decision: Decision, body: str) -> CheckResult:
    out = []
    for code, d in (
        ("missing_eta", order.eta.earliest),
        ("missing_eta", order.eta.latest),
        ("missing_next_update", decision.next_update_date),
    ):
        if _jp(d) not in body:
            out.append(Violation(code=code, detail=f"{_jp(d)} is not stated"))
    for m in _PLACEHOLDER.finditer(body):
        out.append(
            Violation(code="placeholder_left", detail=m.group(), start=m.start(), end=m.end())
        )
    return CheckResult(ok=not out, violations=out)
