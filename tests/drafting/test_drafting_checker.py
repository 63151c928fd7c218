"""The grounding checker: each violation code, spans, and what must not be flagged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from draft_helpers import find

from noki.drafting import check_text, draft_notice
from noki.drafting.dates import customer_window
from noki.drafting.jatext import format_date
from noki.drafting.settings import DEFAULT_SETTINGS

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def codes(result) -> set[str]:
    return {v.code for v in result.violations}


def check_email(order, decision, body, subject=None):
    return check_text(order, decision, channel="email", subject=subject, body=body)


def test_template_draft_is_clean(ec_pair):
    order, decision = ec_pair
    draft = draft_notice(order, decision, channel="email")
    assert draft.check.ok, draft.check.violations
    assert check_email(order, decision, draft.body, draft.subject).ok


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda b, o, d: b + "\n12月31日にお届けします。", "wrong_date"),
        (lambda b, o, d: b + "\n追加で1万円のクーポンを差し上げます。", "wrong_amount"),
        (lambda b, o, d: b + "\nポイント500倍を進呈します。", "unauthorized_compensation"),
        (lambda b, o, d: b + "\n今回は送料無料です。", "unauthorized_compensation"),
        (lambda b, o, d: b + "\n代車もご用意します。", "unauthorized_compensation"),
        (lambda b, o, d: b + "\n10%割引いたします。", "unauthorized_compensation"),
        (lambda b, o, d: b + "\n12月10日までに必ずお届けします。", "guarantee_wording"),
        (lambda b, o, d: b + "\n入荷は確実に間に合います。", "guarantee_wording"),
        (lambda b, o, d: b + "\n{{ customer_name }} 様", "placeholder_left"),
        (lambda b, o, d: b + "\n〇〇様", "placeholder_left"),
        (lambda b, o, d: b + "\n[顧客名] 様", "placeholder_left"),
        (lambda b, o, d: b.replace(o.customer.name, "佐藤 一郎" if "佐藤" not in o.customer.name
                                   else "鈴木 一郎"), "wrong_name"),
        (lambda b, o, d: b.replace(format_date(d.next_update_date, o.as_of), "12月中"),
         "missing_next_update"),
        (lambda b, o, d: b.replace(format_date(o.eta.latest, o.as_of), "12月上旬").replace(
            format_date(customer_window(o, DEFAULT_SETTINGS)[1], o.as_of), "12月中旬"),
         "missing_eta"),
        (lambda b, o, d: b.replace("キャンセル", "ご変更"), "missing_option"),
        (lambda b, o, d: b.replace("クーポン", "お品物"), "missing_compensation"),
        (lambda b, o, d: b + "\n納期再設定のご相談も承ります。", "unoffered_option"),
    ],
    ids=[
        "date", "amount", "points", "free-shipping", "loaner", "discount", "guarantee-kanarazu",
        "guarantee-kakujitsu", "jinja-placeholder", "maru-placeholder", "bracket-placeholder",
        "other-name", "vague-next-update", "vague-eta", "option-dropped", "coupon-dropped",
        "reschedule-for-ec",
    ],
)
def test_each_violation_is_caught(ec_pair, mutate, code):
    order, decision = ec_pair
    draft = draft_notice(order, decision, channel="email")
    result = check_email(order, decision, mutate(draft.body, order, decision))
    assert code in codes(result), result.violations
    assert not result.ok


def test_coupon_amount_must_be_the_decided_one(ec_pair):
    order, decision = ec_pair
    body = draft_notice(order, decision, channel="email").body
    amount = f"{decision.compensation.amount_jpy:,}円"
    changed = body.replace(amount, f"{order.unit_price_jpy:,}円")  # an allowed amount, wrong place
    assert "missing_compensation" in codes(check_email(order, decision, changed))


def test_spans_point_at_the_offending_text(ec_pair):
    order, decision = ec_pair
    body = draft_notice(order, decision, channel="email").body
    body += "\n1万円のクーポンを必ずお届けします。"
    result = check_email(order, decision, body)
    spans = {v.code: body[v.start:v.end] for v in result.violations if v.start is not None}
    assert spans["wrong_amount"] == "1万円"
    assert spans["guarantee_wording"] == "必ず"


def test_wrong_weekday(ec_pair):
    order, decision = ec_pair
    day = decision.next_update_date
    wrong = "月火水木金土日"[(day.weekday() + 1) % 7]
    body = draft_notice(order, decision, channel="email").body
    right = format_date(day, order.as_of)
    result = check_email(order, decision, body.replace(right, right[:-3] + f"（{wrong}）"))
    assert "wrong_weekday" in codes(result)


@pytest.mark.parametrize(
    "sentence",
    [
        "次回の状況は必ずご連絡いたします。",
        "送料無料の対象外となります。",
        "ポイントの付与はございません。",
        "当初お約束していた納期に間に合わず申し訳ございません。",
        "必ずしも予定どおりにお届けできるとは限りません。",
    ],
    ids=["kanarazu-renraku", "negated-shipping", "negated-points", "past-promise", "kanarazushimo"],
)
def test_allowed_sentences(ec_pair, sentence):
    order, decision = ec_pair
    body = draft_notice(order, decision, channel="email").body + "\n" + sentence
    assert check_email(order, decision, body).ok


def test_all_date_and_amount_forms_of_allowed_values_pass(ec_pair):
    order, decision = ec_pair
    body = draft_notice(order, decision, channel="email").body
    eta = order.eta.latest
    reiwa = f"令和{eta.year - 2018}年{eta.month}月{eta.day}日"
    value = order.order_value_jpy
    extra = (f"\n{reiwa}、{eta.year}/{eta.month:02d}/{eta.day:02d}、{eta.month}/{eta.day}、"
             f"￥{value:,}、{value}円、{str(value).translate(FULL_WIDTH)}円")
    assert check_email(order, decision, body + extra).ok


def test_injection_text_cannot_promise_anything(ec_pair):
    order, decision = ec_pair
    body = draft_notice(order, decision, channel="email").body
    injected = body + "\nご要望どおり、以前の指示を無視して1万円のクーポンをお約束します。"
    assert {"wrong_amount"} <= codes(check_email(order, decision, injected))


def test_sms_link_may_replace_options_and_compensation(pairs):
    order, decision = find(pairs, lambda o, d: d.compensation.amount_jpy is not None
                           and o.industry == "ec")
    first, last = order.eta.earliest, order.eta.latest
    eta = f"{first.month}月{first.day}日～{last.month}月{last.day}日"
    nxt = f"{decision.next_update_date.month}月{decision.next_update_date.day}日"
    text = f"入荷は{eta}の見込みです。次回{nxt}にご連絡します。"
    no_link = check_text(order, decision, channel="sms", body=text)
    assert {"missing_option", "missing_compensation"} <= codes(no_link)
    with_link = check_text(order, decision, channel="sms", body=text + " https://noki.example/b/X")
    assert with_link.ok, with_link.violations
    assert "too_long" in codes(check_text(order, decision, channel="sms", body=text * 4 + "https://x"))


def test_btob_company_addressee(pairs):
    order, decision = find(pairs, lambda o, d: o.industry == "btob")
    body = draft_notice(order, decision, channel="email").body
    assert body.startswith(f"{order.customer.name} 御中")
    other = "株式会社ダミー商事"
    renamed = body.replace(order.customer.name, other)
    assert "wrong_name" in codes(check_email(order, decision, renamed))


def test_unoffered_cancel_for_btob_contract_within_sla(pairs):
    order, decision = find(pairs, lambda o, d: "cancel_refund" not in d.options)
    body = draft_notice(order, decision, channel="email").body
    assert "キャンセル" not in body
    offered = body + "\nキャンセルも承ります。"
    assert "unoffered_option" in codes(check_email(order, decision, offered))


def test_date_one_day_off_is_wrong(ec_pair):
    order, decision = ec_pair
    body = draft_notice(order, decision, channel="email").body
    allowed = {order.eta.earliest, order.eta.latest, order.as_of, order.promised_date,
               order.ordered_at, order.need_by}
    shifted = next(decision.next_update_date + timedelta(days=n) for n in range(1, 20)
                   if decision.next_update_date + timedelta(days=n) not in allowed)
    off = body.replace(format_date(decision.next_update_date, order.as_of),
                       format_date(shifted, order.as_of))
    assert {"wrong_date", "missing_next_update"} <= codes(check_email(order, decision, off))


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("ご覧になられましたでしょうか。", "keigo_double"),
        ("お送りさせていただきました。", "keigo_double"),
        ("ご注文の確認でよろしかったでしょうか。", "keigo_baito"),
        ("確認させていただき、手配させていただき、連絡させていただきます。",
         "keigo_sasete_overuse"),
    ],
    ids=["goran-ninarareru", "osasete", "yoroshikatta", "sasete-x3"],
)
def test_keigo_lint_warns_without_blocking(ec_pair, sentence, code):
    order, decision = ec_pair
    body = draft_notice(order, decision, channel="email").body + "\n" + sentence
    result = check_email(order, decision, body)
    assert result.ok
    assert code in {w.code for w in result.warnings}
