"""Lifecycle notices (issue 11): every step kind, channel and industry passes its own checks."""

from __future__ import annotations

from collections import Counter

from draft_helpers import decided
from lifecycle_helpers import step_notices

from noki.domain.decision import Decision
from noki.drafting import check_text, draft_notice
from noki.drafting.lifecycle_notice import LifecycleNotice


def test_step_notices_of_300_orders_pass_the_checker() -> None:
    problems: Counter[tuple[str, str, str]] = Counter()
    kinds: Counter[tuple[str, str, str]] = Counter()
    for order, decision in decided(300, 7):
        if decision.notice_purpose == "none":
            continue
        for notice in step_notices(order, decision):
            for channel in ("email", "sms"):
                draft = draft_notice(order, decision, channel=channel, notice=notice)
                kinds[(notice.kind, channel, order.industry)] += 1
                for v in draft.check.violations:
                    problems[(notice.kind, channel, v.code)] += 1
    assert not problems
    assert len(kinds) == 6 * 2 * 3  # every kind x channel x industry was drafted


def test_shipped_notice_states_tracking_number_and_carrier() -> None:
    order, decision = next(p for p in decided(40, 7) if p[1].notice_purpose != "none")
    notice = LifecycleNotice(kind="shipped", state="shipped", tracking_number="4821-0937-5561",
                             carrier="ヤマト運輸", shipped_qty=order.quantity)
    draft = draft_notice(order, decision, channel="email", notice=notice)
    assert "4821-0937-5561" in draft.body and "ヤマト運輸" in draft.body
    assert draft.check.ok
    wrong = draft.body.replace("4821-0937-5561", "4821-0937-5562")
    codes = {v.code for v in check_text(order, decision, channel="email", subject=draft.subject,
                                         body=wrong, notice=notice).violations}
    assert {"missing_tracking_number", "wrong_tracking_number"} <= codes


def test_delay_notices_tell_earlier_grants_as_earlier_and_stay_clean() -> None:
    """A follow-up after a granted coupon: 「前回ご案内の…に加えて」, no duplicate_compensation."""
    checked = 0
    for order, decision in decided(300, 2026):
        comp = decision.compensation
        if decision.notice_purpose == "none" or comp.type not in ("coupon", "service_coupon"):
            continue
        extra = 300 if comp.amount_jpy == 500 else 500  # the repeat-delay bonus
        bonus = Decision.model_validate({**decision.model_dump(),
                                         "compensation": {"type": comp.type,
                                                          "amount_jpy": extra}})
        nothing = Decision.model_validate({**decision.model_dump(),
                                           "compensation": {"type": "none"}})
        granted = {comp.type: comp.amount_jpy}
        # The rules decide net of the ledger: a bonus on an ETA change, nothing more later.
        for kind, now in (("eta_change", bonus), ("followup", nothing)):
            notice = LifecycleNotice(kind=kind, granted=granted)
            draft = draft_notice(order, now, channel="email", notice=notice)
            assert draft.check.ok, (order.order_id, draft.check.violations, draft.body)
            assert "前回ご案内の" in draft.body
            assert ("に加えて" in draft.body) == (kind == "eta_change")
            # Without the ledger sentence the same text grants the coupon again.
            again = draft.body.replace("前回ご案内の", "").replace("に加えて、", "、")
            codes = {v.code for v in check_text(order, now, channel="email", body=again,
                                                subject=draft.subject, notice=notice).violations}
            assert "duplicate_compensation" in codes
            checked += 1
    assert checked >= 20


def test_notice_facts_from_json_name_the_bad_field() -> None:
    import pytest

    good = LifecycleNotice(kind="cancelled", refund_jpy=4980,
                           refund_by=decided(1, 7)[0][0].as_of, granted={"coupon": 1000})
    assert LifecycleNotice.from_dict(good.to_dict()) == good
    with pytest.raises(ValueError, match="refund_by: expected YYYY-MM-DD, got '12/2'"):
        LifecycleNotice.from_dict({"kind": "cancelled", "refund_by": "12/2"})
    with pytest.raises(ValueError, match="kind: expected one of"):
        LifecycleNotice.from_dict({"kind": "delivered"})
