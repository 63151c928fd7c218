"""Event parsing: every bad field is named with the event it belongs to."""

from __future__ import annotations

from noki.domain.lifecycle import ShippedEvent, parse_event, parse_events


def test_valid_shipped_event():
    ev = parse_event({"event_id": "e1", "kind": "shipped", "order_id": "O1",
                      "tracking_number": "1234-5678", "carrier": "佐川急便"})
    assert isinstance(ev, ShippedEvent) and ev.carrier == "佐川急便"


def test_missing_tracking_number_names_event_and_field():
    errors = parse_event({"event_id": "e2", "kind": "shipped", "order_id": "O1",
                          "carrier": "佐川急便"})
    assert isinstance(errors, list)
    assert [(e.event_id, e.field) for e in errors] == [("e2", "tracking_number")]
    assert str(errors[0]).startswith("event 'e2': tracking_number:")


def test_unknown_kind_and_unknown_field():
    errors = parse_event({"event_id": "e3", "kind": "teleported", "order_id": "O1"})
    assert isinstance(errors, list) and errors[0].field == "kind"
    errors = parse_event({"event_id": "e4", "kind": "allocated", "order_id": "O1", "qty": 1})
    assert isinstance(errors, list) and errors[0].field == "qty"


def test_eta_needs_exactly_one_target():
    errors = parse_event({"event_id": "e5", "kind": "eta", "sku_id": "S", "po_ref": "P",
                          "eta": {"earliest": "2026-12-01", "latest": "2026-12-02"}})
    assert isinstance(errors, list) and "exactly one" in errors[0].message


def test_bad_event_next_to_good_ones_is_reported_alone():
    good, bad = parse_events([
        {"event_id": "a", "kind": "allocated", "order_id": "O1"},
        {"kind": "allocated", "order_id": "O1"},
        "not an object",
        {"event_id": "c", "kind": "cancelled", "order_id": "O1", "reason": "x", "refund_jpy": -1},
    ])
    assert [i for i, _ in good] == [0]
    assert [(e.index, e.field) for e in bad] == [(1, "event_id"), (2, "(event)"),
                                                 (3, "refund_jpy")]
