"""Lifecycle notices (issue 11): every step kind, channel and industry passes its own checks."""

from __future__ import annotations

from collections import Counter

from draft_helpers import decided
from lifecycle_helpers import step_notices

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
