"""Issue 12's done-when: on 1,000 sample orders of several seeds, no template draft has any of
the problems, counted by the checker AND by independent plain-text assertions."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from draft_helpers import decided
from lifecycle_helpers import step_notices

from noki.domain.decision import Decision
from noki.domain.order import Order
from noki.drafting import draft_notice
from noki.drafting.dates import customer_window, effective_eta
from noki.drafting.jatext import format_date, format_range
from noki.drafting.lifecycle_notice import LifecycleNotice
from noki.drafting.settings import DEFAULT_SETTINGS

SEEDS = (7, 2026)
NESTED = re.compile(r"（[^（）\n]*（[^（）\n]*）[^（）\n]*）")
YEAR_TWICE = re.compile(r"(\d{4})年\d{1,2}月\d{1,2}日(?:（.）)?～\1年")
CAUSES = {"仕入先の状況": "supplier_delay", "輸送の状況": "logistics",
          "品質確認の結果": "quality_hold", "生産の進み具合": "production_issue",
          "被災地域": "disaster", "メーカーからの入荷数": "demand_surge"}


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"[。\n]", text) if len(s.strip()) >= 12]


def independent_problems(order: Order, decision: Decision, email: str, sms: str) -> list[str]:
    """Plain string checks of issue 12's items 1-10, written without the checker."""
    found = []
    as_of = order.as_of
    if decision.delay_days == 0 and not decision.deadline_missed and re.search(
            r"遅れ|遅延|間に合わない見込み", email):
        found.append("1 on time but says late")
    if decision.notice_purpose == "improved" and re.search(r"たびたび|重ねてお詫び|再三", email):
        found.append("1 good news apologises for a re-delay")
    promised = format_date(order.promised_date, as_of)
    if order.promised_date < as_of and re.search(re.escape(promised) + r"[^。\n]*見込み", email):
        found.append("2 past promised date as future")
    first, last = effective_eta(order)
    if order.eta.earliest <= as_of and format_date(order.eta.earliest, as_of) + "～" in email:
        found.append("2 range starts in the past")
    window = customer_window(order, DEFAULT_SETTINGS)
    if format_range(*window, as_of) not in email.replace("ごろ", ""):
        found.append("3 no customer date")
    if order.previous_eta is not None and format_range(
            order.previous_eta.earliest, order.previous_eta.latest, as_of) not in email:
        found.append("4 previous ETA not stated")
    if order.sku.category == "vehicle" and re.search(r"互換部品|ご注文をキャンセル", email):
        found.append("5 parts words for a vehicle")
    if order.customer.contact.phone is None and "お電話" in email.split("■ お問い合わせ")[0]:
        found.append("5 phone promised without a number")
    head = "\n".join(email.splitlines()[:3])
    if "御中" in head and "様" in head or "ご購買" in email:
        found.append("6 addressee form")
    sentences = _sentences(email)
    if len(sentences) != len(set(sentences)):
        found.append("6 repeated sentence")
    if "最優先" in email and decision.lane != "priority":
        found.append("6 priority not decided")
    if decision.compensation.type == "refund_full" and "お待ちいただく" in email:
        found.append("7 refund beside waiting")
    for words, reason in CAUSES.items():
        if words in email and order.delay_reason != reason:
            found.append("8 caveat of another reason")
    if order.eta.confidence == "low" and first == last and "ごろ" not in email:
        found.append("8 exact day when uncertain")
    if len(sms.encode("utf-16-le")) // 2 > 70 or "返信" in sms or order.order_id in sms:
        found.append("9 sms")
    polish = ("いつものき" in email, "お詫びの補償" in email, NESTED.search(email),
              YEAR_TWICE.search(email))
    if any(polish):
        found.append("10 polish")
    return found


def step_problems(step: LifecycleNotice, email: str, sms: str) -> list[str]:
    """Plain string checks of a lifecycle notice, written without the checker."""
    found = []
    if step.tracking_number and step.tracking_number not in email + sms:
        found.append("step tracking number missing")
    if step.kind == "cancelled" and step.refund_jpy and f"{step.refund_jpy:,}円" not in sms:
        found.append("step refund amount missing")
    if step.kind in ("shipped", "cancelled") and re.search(r"入荷予定|お届け予定|見込み", email):
        found.append("step arrival promised after closing")
    menu = re.search(r"お選びください|お選びいただけます", email)
    if step.kind == "choice_confirmation" and menu:
        found.append("step choice as a menu")
    if len(sms.encode("utf-16-le")) // 2 > 70:
        found.append("step sms over one segment")
    if step.nothing_new and "変更はございません" not in email:
        found.append("step nothing-new does not say so")
    return found


@pytest.mark.parametrize("seed", SEEDS)
def test_no_template_draft_has_any_problem(seed):
    checker: Counter[str] = Counter()
    independent: Counter[str] = Counter()
    written = 0
    for i, (order, decision) in enumerate(decided(1000, seed=seed)):
        if decision.notice_purpose == "none":
            assert decision.delay_days == 0 and order.eta.latest <= order.promised_date
            continue
        email = draft_notice(order, decision, channel="email")
        sms = draft_notice(order, decision, channel="sms")
        written += 1
        # The lifecycle notices too (issue 11): one step kind per order, in turn, both channels.
        steps = step_notices(order, decision)
        step = steps[i % len(steps)]
        step_email = draft_notice(order, decision, channel="email", notice=step)
        step_sms = draft_notice(order, decision, channel="sms", notice=step)
        for v in [*step_email.check.violations, *step_sms.check.violations]:
            checker[f"{step.kind}:{v.code}"] += 1
        for problem in step_problems(step, step_email.body, step_sms.body):
            independent[problem] += 1
        for v in [*email.check.violations, *sms.check.violations]:
            checker[v.code] += 1
        for problem in independent_problems(order, decision, f"{email.subject}\n{email.body}",
                                            sms.body):
            independent[problem] += 1
    assert written > 500
    assert checker == Counter() and independent == Counter(), (checker, independent)


def test_the_independent_assertions_can_fail():
    """The same assertions find the old template's mistakes in a hand-written bad draft."""
    order, decision = next(p for p in decided(300, seed=7)
                           if p[0].promised_date < p[0].as_of and p[1].notice_purpose == "delay")
    promised = format_date(order.promised_date, order.as_of)
    bad = (f"{order.customer.name} 御中\nご購買ご担当者様\nいつものきストアを\n"
           f"当初ご案内した{promised}にはお届けできない見込みとなりました。\n"
           "■ お詫びの補償\n優先して手配を進めております。\n優先して手配を進めております。")
    problems = independent_problems(order, decision, bad, "返信でお選びください" * 8)
    assert {p.split(" ")[0] for p in problems} >= {"2", "3", "6", "9", "10"}
