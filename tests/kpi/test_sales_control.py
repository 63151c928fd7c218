"""Sales control: recommendations from SKU KPIs, supervisor approval, storefront push, lift."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, text, update

from noki.app import AppContext
from noki.db import session_scope, table
from noki.db.models import EtaHistory, OrderRow
from noki.services.errors import Conflict, Forbidden
from noki.services.roles import Actor
from noki.services.sales_control.store import decide, evaluate, rows
from tests.kpi import fixture
from tests.support import make_settings

RULES = Path(__file__).resolve().parents[1] / "fixtures" / "sales_control"
BOSS, AGENT = Actor("sato", "supervisor"), Actor("aoki", "agent")


@pytest.fixture
def ctx(database_url: str, kpi_engine: Any, tmp_path: Path) -> Any:
    """The KPI fixture plus two more slips of A's ETA (3 within 14 days for S1)."""
    with session_scope(kpi_engine) as s:
        s.execute(insert(table(EtaHistory)), [
            {"order_id": "A", "earliest": date(2026, 12, 1), "latest": date(2026, 12, 9),
             "confidence": "low", "source": "erp", "recorded_at": fixture.utc(at)}
            for at in ("2026-11-22T00:00",)] + [
            {"order_id": "A", "earliest": date(2026, 12, 5), "latest": date(2026, 12, 15),
             "confidence": "low", "source": "erp", "recorded_at": fixture.utc("2026-11-24T00:00")}])
    context = AppContext(make_settings(database_url, tmp_path, sales_control_rules_dir=RULES),
                         engine=kpi_engine)
    yield context
    context.close()


def _webhooks(ctx: Any) -> list[dict[str, Any]]:
    with session_scope(ctx.engine) as s:
        return [dict(r) for r in s.execute(text(
            "SELECT topic, payload FROM webhook_messages ORDER BY id")).mappings()]


def test_third_slip_in_14_days_recommends_stop_sales_pending_approval(ctx: Any) -> None:
    report = evaluate(ctx, fixture.TODAY)
    recs = {r.sku_id: r for r in report.recommendations}
    assert recs["S1"].recommendation == "stop_sales"
    assert recs["S1"].rule_id == "stop-third-slip-in-14-days"
    assert recs["S1"].facts["eta_slips_14d"] == 3
    assert recs["S2"].recommendation == "show_eta_on_product_page"
    assert recs["S3"].recommendation == "none" and "S9" not in recs
    assert sorted(report.pending) == ["S1", "S2"]
    assert {r.sku_id: r.status for r in rows(ctx)} == {"S1": "pending", "S2": "pending"}
    assert _webhooks(ctx) == []  # nothing reaches the storefront before approval


def test_approval_pushes_and_lift_pushes_again_when_rules_stop_firing(ctx: Any) -> None:
    evaluate(ctx, fixture.TODAY)
    s1 = next(r for r in rows(ctx) if r.sku_id == "S1")
    with pytest.raises(Forbidden):
        decide(ctx, AGENT, "S1", approve=True, seen_version=s1.row_version)
    row = decide(ctx, BOSS, "S1", approve=True, seen_version=s1.row_version)
    assert (row.status, row.active, row.decided_by) == ("approved", "stop_sales", "sato")
    with pytest.raises(Conflict):
        decide(ctx, BOSS, "S1", approve=True, seen_version=s1.row_version)
    pushed = _webhooks(ctx)
    assert [(w["topic"]) for w in pushed] == ["storefront.sales_control"]
    # A ships: S1 has no backorder left, so no rule fires; the control is lifted and pushed.
    with session_scope(ctx.engine) as s:
        s.execute(update(table(OrderRow)).where(table(OrderRow).c.order_id == "A").values(
            state="shipped", status="closed", closed_at=fixture.utc("2026-11-26T00:00"),
            row_version=2))
        s.execute(insert(table(EtaHistory)), [{
            "order_id": "A", "earliest": date(2026, 12, 5), "latest": date(2026, 12, 15),
            "confidence": "high", "source": "wms", "recorded_at": fixture.utc("2026-11-26T00:00")}])
    report = evaluate(ctx, date(2026, 11, 27))
    assert report.lifted == ["S1"]
    s1 = next(r for r in rows(ctx) if r.sku_id == "S1")
    assert (s1.status, s1.active) == ("lifted", "none")
    assert len(_webhooks(ctx)) == 2


def test_rejected_recommendation_is_not_pushed(ctx: Any) -> None:
    evaluate(ctx, fixture.TODAY)
    s2 = next(r for r in rows(ctx) if r.sku_id == "S2")
    row = decide(ctx, BOSS, "S2", approve=False, seen_version=s2.row_version)
    assert (row.status, row.active) == ("rejected", "none")
    assert _webhooks(ctx) == []
    evaluate(ctx, date(2026, 11, 26))  # the same recommendation again: stays rejected
    again = next(r for r in rows(ctx) if r.sku_id == "S2")
    assert (again.status, again.row_version) == ("rejected", row.row_version + 1)
    assert again.evaluated_on == date(2026, 11, 26)  # facts and day updated, version bumped
