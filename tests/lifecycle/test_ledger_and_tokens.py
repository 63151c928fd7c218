"""Ledger facts and self-service tokens (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from noki.domain.decision import Compensation
from noki.domain.lifecycle import Grant, grant_for, ledger_facts
from noki.domain.lifecycle.ledger import totals_by_type
from noki.domain.lifecycle.tokens import TokenInvalid, issue_token, read_token


def test_ledger_facts_sum_the_last_kind():
    facts = ledger_facts([Grant("free_shipping", None), Grant("coupon", 1000),
                          Grant("coupon", 500)])
    assert (facts.granted_type, facts.granted_jpy) == ("coupon", 1500)
    assert facts.granted_types == ("free_shipping", "coupon")
    assert ledger_facts([]).granted_type == "none"
    assert totals_by_type([Grant("coupon", 1000), Grant("coupon", 500),
                           Grant("free_shipping", None)]) == {"coupon": 1500,
                                                               "free_shipping": None}


def test_nothing_to_grant_adds_no_line():
    assert grant_for(Compensation(type="none"), decision_id=1, rule_id=None, draft_id=1,
                     granted_at=None) is None


TODAY = date(2026, 12, 1)


def test_token_round_trip_and_expiry():
    token = issue_token("s3cret", "EC-1", today=TODAY, valid_days=30)
    assert "EC-1" not in token
    assert read_token("s3cret", token, today=date(2026, 12, 31)).order_id == "EC-1"
    with pytest.raises(TokenInvalid, match="expired"):
        read_token("s3cret", token, today=date(2027, 1, 1))


def test_tampered_or_foreign_token_is_refused():
    token = issue_token("s3cret", "EC-1", today=TODAY, valid_days=30)
    with pytest.raises(TokenInvalid):
        read_token("other", token, today=TODAY)
    body, _, sig = token.rpartition(".")
    forged = issue_token("s3cret", "EC-2", today=TODAY, valid_days=30).rpartition(".")[0]
    with pytest.raises(TokenInvalid):
        read_token("s3cret", f"{forged}.{sig}", today=TODAY)
    with pytest.raises(TokenInvalid):
        read_token("s3cret", token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), today=TODAY)
