"""In headless Chromium: demo states -> /kpi (cards, charts, table) -> approve a stop_sales."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from tests.web.test_browser import SHOTS, _shot, live_url, page  # noqa: F401 - fixtures

from noki.app import AppContext
from noki.services.kpi.demo import seed_kpi_demo

pytestmark = pytest.mark.browser


def test_supervisor_reads_kpis_and_approves_a_sales_stop(
        page: Any,  # noqa: F811 - the fixture imported above
        app_ctx: AppContext, app_engine: Any, password: str, database_url: str,
        tmp_path: Path) -> None:
    from playwright.sync_api import expect

    seeded = seed_kpi_demo(app_ctx)
    assert seeded["events"] > 0 and seeded["pending"] >= 1
    folder = SHOTS if os.environ.get("NOKI_UPDATE_SCREENSHOTS") == "1" else tmp_path
    page.goto("/kpi")
    page.get_by_label("ユーザー名").fill("supervisor")
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator("h1")).to_contain_text("受注残 KPI")
    expect(page.locator("#cards .card")).to_have_count(12)
    expect(page.locator("#charts svg")).to_have_count(6)
    expect(page.locator("#breakdown tbody tr").first).to_be_visible()
    if database_url.startswith("sqlite"):
        page.screenshot(path=str(_shot(folder, "kpi.png")), full_page=True)
    page.locator("#breakdown th a", has_text="キャンセル率").click()
    expect(page).to_have_url(re.compile(r"sort=cancel_rate"))
    page.goto(f"/kpi/sku/{seeded['sku']}")
    expect(page.locator("#orders tbody tr").first).to_be_visible()
    page.goto("/sales-control")
    row = page.locator("#sales-control tr", has_text=seeded["sku"])
    expect(row).to_contain_text("販売停止")
    row.get_by_role("button", name="承認して反映").click()
    expect(page.locator("#sales-control tr", has_text=seeded["sku"])).to_contain_text("承認済み")
    if database_url.startswith("sqlite"):
        page.screenshot(path=str(_shot(folder, "sales-control.png")), full_page=True)
