"""The template drafter: every sample order passes the checker, in both channels."""

from __future__ import annotations

import pytest
from draft_helpers import decided, find

from noki.drafting import draft_notice
from noki.drafting.wording import REASONS, compensation_text

# On-time orders get no notice (notice_purpose none): see test_drafting_sample_problems.py.
SAMPLE = [p for p in decided(2000, seed=21) if p[1].notice_purpose != "none"]


@pytest.mark.parametrize("channel", ["email", "sms"])
def test_every_sample_order_passes_the_checker(channel):
    failures = []
    for order, decision in SAMPLE:
        draft = draft_notice(order, decision, channel=channel)
        if not draft.check.ok:
            failures.append((order.order_id, [v.code for v in draft.check.violations]))
    assert failures == []


def test_sms_fit_in_one_segment_and_carry_the_self_service_link():
    bodies = [draft_notice(o, d, channel="sms").body for o, d in SAMPLE]
    assert max(len(b.encode("utf-16-le")) // 2 for b in bodies) <= 70
    assert all("https://nk.example/s/" in b for b in bodies)
    # The link is an opaque token, never the bare order id.
    assert not any(o.order_id in b for (o, _), b in zip(SAMPLE, bodies, strict=True))


def test_default_channel_is_the_decisions():
    order, decision = find(SAMPLE, lambda o, d: d.channel == "sms")
    assert draft_notice(order, decision).channel == "sms"
    order, decision = find(SAMPLE, lambda o, d: d.channel == "none")
    assert draft_notice(order, decision).channel == "email"


def test_email_follows_the_explanation_order():
    order, decision = find(SAMPLE, lambda o, d: d.compensation.type == "coupon"
                           and d.notice_purpose == "delay" and o.industry == "ec")
    body = draft_notice(order, decision, channel="email").body
    marks = ["申し訳ございません", "遅れている理由", "新しいお届け予定", "お選びいただける対応",
             "補償について", "次回のご連絡", "お問い合わせ"]
    positions = [body.index(m) for m in marks]
    assert positions == sorted(positions)


@pytest.mark.parametrize("reason", sorted(REASONS), ids=str)
def test_reason_in_customer_words(reason):
    order, decision = find(SAMPLE, lambda o, d: o.delay_reason == reason and o.industry == "ec"
                           and d.notice_purpose == "delay")
    assert REASONS[reason]["default"] in draft_notice(order, decision, channel="email").body


@pytest.mark.parametrize(
    "kind",
    ["free_shipping", "coupon", "refund_full", "sla_credit", "loaner_car", "accessory_coupon",
     "service_coupon", "none"],
)
def test_compensation_stated_exactly_as_decided(kind):
    pool = SAMPLE + decided(3000, seed=99) if kind == "accessory_coupon" else SAMPLE
    # "none" is checked on the EC template, whose option section this test reads.
    order, decision = find(pool, lambda o, d: d.compensation.type == kind
                           and (kind != "none" or o.industry == "ec"))
    body = draft_notice(order, decision, channel="email").body
    sentence = compensation_text(decision.compensation, need_by=None)
    if kind == "none":
        assert "補償" not in body.split("■ 次回")[0].split("■ お選び")[1]
    else:
        assert sentence.split("、")[-1][:8] in body
    if decision.compensation.amount_jpy:
        assert f"{decision.compensation.amount_jpy:,}円" in body


def test_tone_differs_by_industry_and_lane():
    ec = find(SAMPLE, lambda o, d: o.industry == "ec" and d.lane == "standard")
    vip = find(SAMPLE, lambda o, d: o.industry == "ec" and d.lane == "priority")
    btob = find(SAMPLE, lambda o, d: o.industry == "btob")
    auto = find(SAMPLE, lambda o, d: o.industry == "auto" and o.purpose == "vehicle_off_road")
    bodies = {k: draft_notice(*p, channel="email").body
              for k, p in {"ec": ec, "vip": vip, "btob": btob, "auto": auto}.items()}
    assert "貴社" in bodies["btob"] and "平素より格別のご高配" in bodies["btob"]
    assert "貴社" not in bodies["ec"]
    assert "格別にご愛顧" in bodies["vip"] and "格別にご愛顧" not in bodies["ec"]
    assert "お車をお使いになれない" in bodies["auto"]


def test_fleet_company_is_addressed_onchu():
    order, decision = find(SAMPLE, lambda o, d: o.industry == "auto" and o.customer.fleet)
    draft = draft_notice(order, decision, channel="email")
    assert draft.body.startswith(f"{order.customer.name} 御中") and draft.check.ok
