"""KPIs per SKU / supplier / segment / channel over the window, today's backlog."""

from __future__ import annotations

from typing import Any

from tests.kpi.conftest import report_on


def _groups(engine: Any, by: str) -> dict[str, dict[str, Any]]:
    return {g["key"]: g for g in report_on(engine, by).groups}


def test_by_sku_with_a_changed_sku_and_no_shipments(kpi_engine: Any) -> None:
    groups = _groups(kpi_engine, "sku")
    assert set(groups) == {"S1", "S2", "S3"}  # D left S9 when it was re-ingested as S2
    s1, s2, s3 = groups["S1"], groups["S2"], groups["S3"]
    assert (s1["open_count"], s1["open_value_jpy"]) == (1, 2000)
    assert (s1["days_waiting_median"], s1["days_waiting_p90"], s1["days_waiting_max"]) == (
        15.0, 15.0, 15)
    assert s1["redelay_rate"] == 33.3
    assert (s1["cancel_rate"], s1["partial_rate"], s1["on_time_rate"]) == (0.0, 0.0, 100.0)
    assert s1["substitute_rate"] == 0.0 and s1["compensation_jpy"] == 1000
    assert s1["first_contact_hours"] == 1.3  # A 120 and B 40 minutes
    assert (s2["open_count"], s2["open_value_jpy"], s2["days_waiting_max"]) == (1, 8000, 1)
    assert s2["on_time_rate"] is None  # nothing of S2 shipped yet
    assert (s2["cancel_rate"], s2["partial_rate"], s2["substitute_rate"]) == (
        100.0, 100.0, 100.0)
    assert s2["first_contact_hours"] == 4.5 and s2["compensation_jpy"] == 500
    assert (s3["open_count"], s3["redelay_rate"], s3["on_time_rate"]) == (0, None, 0.0)
    assert s3["days_waiting_median"] is None and s3["counts"]["grants"] == 1
    assert list(groups) == ["S1", "S2", "S3"]


def test_by_segment_follows_the_latest_decision(kpi_engine: Any) -> None:
    groups = _groups(kpi_engine, "segment")
    assert groups["new"]["open_count"] == 1  # D's re-decision made it "new"
    assert groups["vip"]["counts"]["closed"] == 1


def test_by_supplier_and_channel(kpi_engine: Any) -> None:
    suppliers = _groups(kpi_engine, "supplier")
    assert suppliers["PO-1"]["counts"]["ordered"] == 3
    assert suppliers["(PO なし)"]["open_count"] == 1
    channels = _groups(kpi_engine, "channel")
    assert channels["app"]["on_time_rate"] == 100.0
    assert channels["web"]["open_count"] == 2
