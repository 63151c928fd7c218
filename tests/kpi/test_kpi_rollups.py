"""The rollups a refresh keeps step by step equal the rollups rebuilt from scratch."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import insert, select, text, update

from noki.db import session_scope, table
from noki.db.models import DecisionRow, EtaHistory, OrderRow
from noki.db.models_lifecycle import CompensationGrantRow, TimelineEntry
from noki.domain.kpi.definitions import BREAKDOWNS
from noki.domain.kpi.weeks import window
from noki.services.kpi import open_stats, rollups
from noki.services.kpi.projection import refresh
from noki.services.kpi.queries import KpiQueries, Window
from tests.kpi import fixture
from tests.kpi.conftest import report_on

TABLES = ("kpi_rollup_counts", "kpi_rollup_backlog", "kpi_rollup_contact", "kpi_eta_slips",
          "kpi_open_stats", "kpi_order_grants")


def _snapshot(engine: Any) -> dict[str, list[tuple[Any, ...]]]:
    with session_scope(engine) as s:
        return {t: sorted(tuple(str(v) for v in r) for r in s.execute(text(
            f"SELECT * FROM {t}"))) for t in TABLES}


def _more_history(engine: Any) -> None:
    """A slips twice more and ships; a new order H arrives under S3; G moves to S2; E gets a
    second ledger line (nothing else about E changes: the ledger's own mark finds it)."""
    with session_scope(engine) as s:
        s.execute(insert(table(EtaHistory)), [
            {"order_id": "A", "earliest": date(2026, 12, 1), "latest": date(2026, 12, day),
             "confidence": "low", "source": "erp", "recorded_at": fixture.utc(at)}
            for day, at in ((9, "2026-11-22T00:00"), (12, "2026-11-23T00:00"))])
        s.execute(update(table(OrderRow)).where(table(OrderRow).c.order_id == "A").values(
            state="shipped", status="closed", closed_at=fixture.utc("2026-11-24T02:00")))
        s.execute(insert(table(TimelineEntry)), [{
            "order_id": "A", "at": fixture.utc("2026-11-24T02:00"), "kind": "state",
            "state_from": "backordered", "state_to": "shipped", "summary": "出荷"}])
        payload = fixture._payload("H", "S3", "2026-11-23", 2, 3000, ("2026-12-01", "2026-12-04"))
        s.execute(insert(table(OrderRow)), [{
            "order_id": "H", "customer_id": "c1", "industry": "auto", "sku_id": "S3",
            "po_ref": "PO-2", "status": "open", "state": "backordered", "payload": payload,
            "payload_hash": "H", "created_at": fixture.utc("2026-11-23T00:00"),
            "updated_at": fixture.utc("2026-11-23T00:00"), "row_version": 1, "shipped_qty": 0}])
        s.execute(update(table(OrderRow)).where(table(OrderRow).c.order_id == "G").values(
            sku_id="S2"))
        s.execute(insert(table(DecisionRow)), [
            {"order_id": oid, "rules_version": "t", "created_at": fixture.utc("2026-11-23T00:00"),
             "payload": {"segment": "key", "options": ["wait", "reschedule"]}}
            for oid in ("H", "G")])
        e_decision = s.execute(select(table(DecisionRow).c.id).where(
            table(DecisionRow).c.order_id == "E")).scalar_one()
        s.execute(insert(table(CompensationGrantRow)), [{
            "order_id": "E", "type": "coupon", "amount_jpy": 700, "decision_id": e_decision,
            "granted_at": fixture.utc("2026-11-19T00:00")}])


def test_refresh_keeps_the_rollups_equal_to_a_rebuild(kpi_engine: Any) -> None:
    report_on(kpi_engine)  # D moved from S9 to S2: subtracted under S9, added under S2
    before = _snapshot(kpi_engine)
    _more_history(kpi_engine)
    with session_scope(kpi_engine) as s:
        assert refresh(s).projected >= 3  # A, G, H (and the last MARGIN ids again)
    kept = _snapshot(kpi_engine)
    assert kept != before
    assert not any("S9" in row for row in kept["kpi_rollup_counts"])  # zero rows swept
    assert len(kept["kpi_eta_slips"]) == 3  # A: one slip before, two now
    with session_scope(kpi_engine) as s:
        rollups.rebuild(s)
    assert _snapshot(kpi_engine) == kept


def test_report_after_more_history_equals_the_report_after_a_rebuild(kpi_engine: Any) -> None:
    _more_history(kpi_engine)
    for by in (None, "sku", "segment"):
        kept = report_on(kpi_engine, by).to_json()
        with session_scope(kpi_engine) as s:
            rollups.rebuild(s)
        assert report_on(kpi_engine, by).to_json() == kept
    weeks = report_on(kpi_engine).weeks
    assert [w["open_count"] for w in weeks] == [3, 3, 2]  # A closed 11-24: H came instead
    assert [w["compensation_jpy"] for w in weeks] == [0, 1200, 1000]  # E's 700 in W47
    s3 = {g["key"]: g for g in report_on(kpi_engine, "sku").groups}["S3"]
    assert (s3["compensation_jpy"], s3["counts"]["grants"]) == (700, 2)


def test_open_stats_equal_the_histogram_on_days_they_apply_to(kpi_engine: Any) -> None:
    _more_history(kpi_engine)
    with session_scope(kpi_engine) as s:
        refresh(s)
    # 11-25: F (ordered 11-26) is open but not yet ordered; 11-20: A, B, C closed later.
    for today, usable in ((date(2026, 12, 31), True), (fixture.TODAY, False),
                          (date(2026, 11, 20), False)):
        with session_scope(kpi_engine) as s:
            q = KpiQueries(s, Window(tuple(window(today)), today))
            assert open_stats.usable(s, q.d, q.today, q.params) is usable
            for by in BREAKDOWNS:
                slow = q.open_now(by, stats=False)
                fast = {k: {c: v[c] for c in ("n", "value", "max", "median", "p90")}
                        for k, v in open_stats.read(s, by, today).items()}
                if usable:
                    assert fast == slow and slow
                    assert q.open_now(by) == open_stats.read(s, by, today)
    with session_scope(kpi_engine) as s:
        got = open_stats.read(s, "sku", date(2026, 12, 31))
    # S3 on 12-31: F ordered 11-26 (35 days) and H 11-23 (38 days)
    assert got["S3"]["n"] == 2 and got["S3"]["median"] == 36.5 and got["S3"]["max"] == 38


def test_first_refresh_projects_orders_without_any_source_row(engine: Any) -> None:
    fixture.build(engine)
    with session_scope(engine) as s:  # an order imported without a decision or ETA history
        payload = fixture._payload("J", "S4", "2026-11-20", 1, 500, ("2026-12-01", "2026-12-02"))
        s.execute(insert(table(OrderRow)), [{
            "order_id": "J", "customer_id": "c1", "industry": "ec", "sku_id": "S4",
            "status": "open", "state": "backordered", "payload": payload, "payload_hash": "J",
            "created_at": fixture.utc("2026-11-20T00:00"),
            "updated_at": fixture.utc("2026-11-20T00:00"), "row_version": 1, "shipped_qty": 0}])
    groups = {g["key"]: g for g in report_on(engine, "sku").groups}
    assert groups["S4"]["open_count"] == 1


def test_refresh_reads_a_late_commit_below_its_mark_and_nothing_when_quiet(kpi_engine: Any
                                                                            ) -> None:
    report_on(kpi_engine)
    with session_scope(kpi_engine) as s:
        assert refresh(s).projected == 0  # nothing changed: nothing re-projected
        top = s.execute(text("SELECT MAX(id) FROM eta_history")).scalar_one()

    def eta(id_: int, oid: str, latest: date) -> None:
        with session_scope(kpi_engine) as s:
            s.execute(insert(table(EtaHistory)), [{
                "id": id_, "order_id": oid, "earliest": latest, "latest": latest,
                "confidence": "low", "source": "erp", "recorded_at": fixture.utc("2026-11-21")}])

    eta(top + 10, "E", date(2026, 11, 14))  # E: the same ETA again, no slip
    with session_scope(kpi_engine) as s:
        assert refresh(s).projected == 1  # E
    eta(top + 5, "B", date(2026, 12, 3))  # a transaction that took id top + 5 commits now
    with session_scope(kpi_engine) as s:
        assert refresh(s).projected >= 1  # B: the margin below the mark is read again
        slips = s.execute(text("SELECT eta_slips FROM kpi_order_facts WHERE order_id = 'B'"))
        assert slips.scalar_one() == 1
        assert refresh(s).projected == 0
