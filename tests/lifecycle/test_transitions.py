"""The declared transition table: every valid pair applies, every other pair is rejected."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from noki.domain.lifecycle import (
    TRANSITIONS,
    EventRejected,
    Snapshot,
    apply_event,
    parse_event,
)
from noki.domain.lifecycle.states import CLOSED_STATES, STATE_LABELS

STATES = list(STATE_LABELS)
KINDS = ["eta", "allocated", "partially_shipped", "shipped", "cancelled", "choice"]


def event(kind: str, **extra: Any):
    raw: dict[str, Any] = {"event_id": f"ev-{kind}", "kind": kind, "order_id": "O1"}
    raw.update({
        "eta": {"eta": {"earliest": "2026-12-10", "latest": "2026-12-14"}},
        "partially_shipped": {"quantity": 1, "tracking_number": "TN1"},
        "shipped": {"tracking_number": "TN2", "carrier": "ヤマト運輸"},
        "cancelled": {"reason": "お客様のご希望", "refund_jpy": 1000},
        "choice": {"option": "wait"},
    }.get(kind, {}))
    raw.update(extra)
    parsed = parse_event(raw)
    assert not isinstance(parsed, list), parsed
    return parsed


def snap(state: str, **kw: Any) -> Snapshot:
    base: dict[str, Any] = {"order_id": "O1", "state": state, "quantity": 3,
                            "order_value_jpy": 9000,
                            "offered_options": ("wait", "substitute", "cancel_refund")}
    base.update(kw)
    return Snapshot(**base)


@pytest.mark.parametrize(("state", "kind"), list(itertools.product(STATES, KINDS)))
def test_every_pair_follows_the_declared_table(state, kind):
    ev = event(kind)
    target = TRANSITIONS.get((state, kind))  # type: ignore[arg-type]
    if target is None:
        with pytest.raises(EventRejected) as info:
            apply_event(snap(state), ev)
        assert info.value.field == "kind"
        assert info.value.event_id == f"ev-{kind}"
        assert state in str(info.value)
    else:
        result = apply_event(snap(state), ev)
        assert result.source == state
        assert result.target == target
        assert result.closing == (kind in ("shipped", "cancelled"))


def test_closed_states_accept_nothing():
    for state in CLOSED_STATES:
        assert not [k for (s, k) in TRANSITIONS if s == state]
        with pytest.raises(EventRejected, match="closed"):
            apply_event(snap(state), event("eta"))


def test_shipment_larger_than_the_order_names_the_quantity():
    with pytest.raises(EventRejected) as info:
        apply_event(snap("partially_shipped", shipped_quantity=2), event("partially_shipped",
                                                                        quantity=2))
    assert info.value.field == "quantity"
    assert "1 still open" in info.value.message


def test_last_partial_shipment_completes_the_order():
    result = apply_event(snap("partially_shipped", shipped_quantity=2),
                         event("partially_shipped", quantity=1))
    assert result.target == "shipped" and result.after.shipped_quantity == 3


def test_partial_shipments_add_up():
    first = apply_event(snap("backordered"), event("partially_shipped", quantity=1))
    assert first.target == "partially_shipped" and first.after.shipped_quantity == 1


def test_refund_above_order_value_is_rejected():
    with pytest.raises(EventRejected) as info:
        apply_event(snap("backordered"), event("cancelled", refund_jpy=9001))
    assert info.value.field == "refund_jpy"


def test_substitute_choice_changes_the_state_and_only_offered_options_count():
    result = apply_event(snap("backordered"), event("choice", option="substitute"))
    assert result.target == "substituted" and result.after.choice == "substitute"
    with pytest.raises(EventRejected, match="not offered"):
        apply_event(snap("backordered"), event("choice", option="partial_shipment"))


def test_a_second_choice_is_rejected():
    with pytest.raises(EventRejected, match="already has a choice"):
        apply_event(snap("backordered", choice="wait"), event("choice", option="cancel_refund"))


def test_eta_for_another_order_is_rejected():
    with pytest.raises(EventRejected) as info:
        apply_event(snap("backordered"), event("eta", order_id="O2"))
    assert info.value.field == "order_id"
