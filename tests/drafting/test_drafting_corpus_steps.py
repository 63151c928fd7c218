"""Hand-written lifecycle notices: each gets exactly the violation codes written beside it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from draft_helpers import decide
from test_drafting_corpus import ORDERS, split

from noki.drafting import check_text
from noki.drafting.lifecycle_notice import LifecycleNotice

STEPS = [d for f in sorted((Path(__file__).parent / "corpus" / "steps").glob("*.yaml"))
         for d in yaml.safe_load(f.read_text())]
STEP_CODES = {"missing_tracking_number", "wrong_tracking_number", "missing_carrier",
              "missing_quantity", "missing_refund", "missing_refund_timing", "eta_after_close",
              "missing_chosen_option", "chosen_option_as_menu", "missing_apology",
              "missing_no_change", "nothing_new_too_long"}


def test_every_step_code_has_a_positive_and_a_negative_case():
    found = {c for d in STEPS for c in d["expect"]}
    assert STEP_CODES <= found
    kinds_clean = {d["notice"]["kind"] for d in STEPS if not d["expect"]}
    assert {"shipped", "partially_shipped", "cancelled", "choice_confirmation", "overdue",
            "followup"} <= kinds_clean
    assert {ORDERS[d["order"]].industry for d in STEPS} == {"ec", "btob", "auto"}


@pytest.mark.parametrize("draft", STEPS, ids=[d["id"] for d in STEPS])
def test_step_corpus_draft(draft):
    order = ORDERS[draft["order"]]
    subject, body = split(draft["text"])
    notice = LifecycleNotice.from_dict(draft["notice"])
    result = check_text(order, decide(order), channel=draft["channel"], subject=subject,
                        body=body, notice=notice)
    got = sorted({v.code for v in result.violations})
    assert got == sorted(draft["expect"]), [f"{v.code}: {v.detail}" for v in result.violations]
