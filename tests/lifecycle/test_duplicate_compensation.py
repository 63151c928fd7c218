"""The checker knows the ledger: granting again what was granted is duplicate_compensation."""

from __future__ import annotations

from noki.domain.decision import Compensation, Decision
from noki.domain.order import Order
from noki.drafting import check_text
from tests.lifecycle.test_ledger_decisions import BASE

ORDER = Order.model_validate(BASE)


def _decision(comp: Compensation) -> Decision:
    return Decision(order_id="EC-L1", segment="standard", lane="standard", human_followup=False,
                    compensation=comp, options=["wait"], approval="auto", channel="email",
                    next_update_date=ORDER.as_of, delay_days=15, deadline_missed=False,
                    rules_version="t")


def _codes(body: str, comp: Compensation, granted: dict[str, int | None] | None) -> list[str]:
    result = check_text(ORDER, _decision(comp), channel="email", body=body, require_all=False,
                        granted=granted)
    return [v.code for v in result.violations]


NOTHING = Compensation(type="none")
BONUS = Compensation(type="coupon", amount_jpy=500)


def test_granting_the_same_coupon_again_is_flagged():
    body = "お詫びとして1,000円分のクーポンをお贈りいたします。"
    assert _codes(body, NOTHING, {"coupon": 1000}) == ["duplicate_compensation"]
    # Without the ledger the checker can only call it unauthorized.
    assert "duplicate_compensation" not in _codes(body, NOTHING, None)


def test_earlier_grant_named_as_earlier_with_the_additional_amount_is_fine():
    body = ("前回ご案内した1,000円分のクーポンに加えて、再延期のお詫びとして"
            "500円分のクーポンをお贈りいたします。")
    assert _codes(body, BONUS, {"coupon": 1000}) == []


def test_additional_amount_alone_is_fine_but_the_full_amount_again_is_not():
    assert _codes("500円分のクーポンをお贈りいたします。", BONUS, {"coupon": 1000}) == []
    assert _codes("1,500円分のクーポンをお贈りいたします。", BONUS, {"coupon": 1000}) == [
        "duplicate_compensation"]


def test_free_shipping_once():
    body = "今回の送料は無料といたします。"
    assert _codes(body, NOTHING, {"free_shipping": None}) == ["duplicate_compensation"]
    assert _codes("前回ご案内のとおり送料は無料です。", NOTHING, {"free_shipping": None}) == []
