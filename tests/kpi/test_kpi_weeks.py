"""Every KPI per ISO week on the hand-made fixture (values computed in tests/kpi/fixture.py)."""

from __future__ import annotations

from typing import Any

from tests.kpi.conftest import report_on


def _week(engine: Any, label: str) -> dict[str, Any]:
    weeks = {w["label"]: w for w in report_on(engine).weeks}
    assert list(weeks) == ["2026-W46", "2026-W47", "2026-W48"]
    return weeks[label]


def test_backlog_count_and_value_at_each_week_end(kpi_engine: Any) -> None:
    weeks = report_on(kpi_engine).weeks
    # W46 ends 11-15: A, E, G open (G closes 11-16 in Japan although 11-15 in UTC).
    assert [(w["open_count"], w["open_value_jpy"]) for w in weeks] == [
        (3, 7500), (3, 10000), (2, 10000)]
    assert weeks[-1]["end"] == "2026-11-25"  # the current week ends today


def test_days_waiting_median_p90_max(kpi_engine: Any) -> None:
    weeks = report_on(kpi_engine).weeks
    got = [(w["days_waiting_median"], w["days_waiting_p90"], w["days_waiting_max"])
           for w in weeks]
    # [4, 5, 10] / [5, 5, 12] / [1, 15]: percentile_cont interpolates between ranks.
    assert got == [(5.0, 9.0, 10), (5.0, 10.6, 12), (8.0, 13.6, 15)]


def test_redelay_rate_by_week_ordered(kpi_engine: Any) -> None:
    weeks = report_on(kpi_engine).weeks
    assert [w["redelay_rate"] for w in weeks] == [50.0, 0.0, 0.0]
    assert [w["counts"]["ordered"] for w in weeks] == [2, 2, 1]


def test_on_time_rate_counts_only_orders_told_an_eta(kpi_engine: Any) -> None:
    weeks = report_on(kpi_engine).weeks
    # W46: nothing shipped yet (no rate, not 0%); W47: E late, G shipped before any notice.
    assert [w["on_time_rate"] for w in weeks] == [None, 0.0, 100.0]
    assert [w["counts"]["promised"] for w in weeks] == [0, 1, 1]


def test_cancel_and_partial_rate_cancelled_after_partial_shipment(kpi_engine: Any) -> None:
    weeks = report_on(kpi_engine).weeks
    assert [w["cancel_rate"] for w in weeks] == [None, 0.0, 50.0]
    assert [w["partial_rate"] for w in weeks] == [None, 0.0, 50.0]  # C counts in both


def test_substitute_rate_and_options_chosen_per_offered(kpi_engine: Any) -> None:
    weeks = report_on(kpi_engine).weeks
    assert [w["substitute_rate"] for w in weeks] == [0.0, 0.0, 100.0]
    w47 = weeks[1]["options"]
    assert w47["wait"] == {"offered": 2, "chosen": 1, "rate": 50.0}
    assert w47["cancel_refund"] == {"offered": 1, "chosen": 1, "rate": 100.0}
    assert w47["partial_shipment"] == {"offered": 1, "chosen": 0, "rate": 0.0}
    assert w47["reschedule"] == {"offered": 0, "chosen": 0, "rate": None}


def test_compensation_from_the_ledger_by_week_granted_in_japan(kpi_engine: Any) -> None:
    weeks = report_on(kpi_engine).weeks
    assert [w["compensation_jpy"] for w in weeks] == [0, 500, 1000]
    assert [w["counts"]["grants"] for w in weeks] == [1, 1, 1]  # free shipping: no yen


def test_first_contact_hours_median(kpi_engine: Any) -> None:
    weeks = report_on(kpi_engine).weeks
    # W46: A 120 min; W47: B 40 and C 270 min -> 155 min; W48: D has no notice yet.
    assert [w["first_contact_hours"] for w in weeks] == [2.0, 2.6, None]
