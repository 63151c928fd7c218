"""A draft read days later: the checker judges the sending day, staleness says why."""

from __future__ import annotations

from datetime import timedelta

from draft_helpers import decide
from test_drafting_corpus import ORDERS

from noki.drafting import check_text, draft_notice
from noki.drafting.staleness import stale_reasons


def test_a_fresh_draft_is_not_stale_and_ages_with_the_calendar():
    order = ORDERS["ec_late_past"]
    decision = decide(order)
    draft = draft_notice(order, decision, channel="email")
    args = {"channel": "email", "subject": draft.subject, "body": draft.body}
    assert stale_reasons(order, decision, today=order.as_of, **args) == []
    # Sent a week later: the next contact it promises (11/28) is already past ...
    later = order.as_of + timedelta(days=7)
    reasons = stale_reasons(order, decision, today=later, **args)
    assert any("次回連絡日" in r for r in reasons)
    aged = check_text(order, decision, today=later, **args)
    assert "past_date_as_future" in {v.code for v in aged.violations}  # 「11月28日までにご連絡」
    # ... and on 12/10 the whole arrival window is over.
    over = stale_reasons(order, decision, today=order.as_of + timedelta(days=15), **args)
    assert any("入荷予定の幅" in r for r in over)
