"""Lifecycle notices on the guarded LLM path, through the real SDK against the local stub."""

from __future__ import annotations

from datetime import timedelta

import pytest
from draft_helpers import decided, draft_via_stub, find
from llm_step_writers import careless_step_writer, step_writer
from llm_stub_server import StubServer

from noki.drafting.lifecycle_notice import LifecycleNotice


@pytest.fixture(scope="module")
def case():
    """An EC order offering waiting and cancellation, and the notices of its steps."""
    order, decision = find(decided(120, 7), lambda o, d: o.industry == "ec"
                           and d.notice_purpose == "delay"
                           and {"wait", "cancel_refund"} <= set(d.options))
    notices = {
        "shipped": LifecycleNotice(kind="shipped", state="shipped",
                                   tracking_number="4821-0937-5561", carrier="ヤマト運輸",
                                   shipped_qty=order.quantity),
        "cancelled": LifecycleNotice(kind="cancelled", state="cancelled",
                                     refund_jpy=order.order_value_jpy,
                                     refund_by=order.as_of + timedelta(days=7),
                                     chosen_option="cancel_refund"),
        "choice": LifecycleNotice(kind="choice_confirmation", chosen_option="wait"),
    }
    return order, decision, notices


@pytest.mark.parametrize("step", ["shipped", "cancelled", "choice"])
def test_a_model_that_states_the_step_facts_is_used(case, step):
    order, decision, notices = case
    with StubServer(step_writer) as server:
        draft = draft_via_stub(server, order, decision, notice=notices[step])
        prompt = server.requests[0]["messages"][-1]["content"]
    assert draft.drafter == "llm", (draft.fallback_reason, draft.rejected_violations)
    assert draft.prompt_version == "1.2.0" and draft.notice is not None
    assert order.customer.name not in prompt  # the step prompt is still free of personal data


@pytest.mark.parametrize(("step", "codes"), [
    ("shipped", {"wrong_tracking_number", "missing_tracking_number", "eta_after_close"}),
    ("cancelled", {"missing_refund", "missing_refund_timing"}),
    ("choice", {"chosen_option_as_menu"}),
])
def test_a_model_that_gets_the_step_wrong_falls_back_to_the_template(case, step, codes):
    order, decision, notices = case
    with StubServer(careless_step_writer) as server:
        draft = draft_via_stub(server, order, decision, notice=notices[step])
    assert draft.drafter == "template" and draft.check.ok
    assert draft.fallback_reason and "llm_checker_failed" in draft.fallback_reason
    assert codes <= {v.code for v in draft.rejected_violations}
