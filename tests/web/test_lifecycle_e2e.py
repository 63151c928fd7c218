"""Issue 11 end to end in headless Chromium (SQLite and PostgreSQL): an order is ingested -> the
agent approves its first notice in the console -> the real sender delivers it over SMTP (aiosmtpd)
-> the self-service link in the sent e-mail opens /b/{token} -> the customer chooses the
substitute (confirmation step) -> the signed `oms.choice` webhook reaches a local HTTP server ->
a confirmation notice is drafted -> a `shipped` event -> a shipped notice with the tracking
number -> the order is closed; then 30 simulated days of `tick --today` draft nothing more."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from tests.lifeflow.support import count, order_in, order_row
from tests.servers import SmtpSink, free_port, serve_app, wait_for
from tests.support import SAMPLE_DAY
from tests.web.test_browser import _log_in, _need_chromium, launch
from tests.webhooks.conftest import (
    SECRET,
    Receiver,
    receiver,  # noqa: F401  (fixture)
)

from noki.app import AppContext
from noki.app.context import Clock
from noki.db.models import DraftJob, DraftRow
from noki.services import webhooks
from noki.services.lifecycle_events import apply_events
from noki.services.orders import ingest
from noki.services.tick import tick
from noki.settings import Settings
from noki.web.app import create_app

pytestmark = pytest.mark.browser
ORDER = "EC-E2E-1"
TRACKING = "4821-7730-5519"
LINK = re.compile(r"https?://[^\s<>\"]+/b/[A-Za-z0-9._\-]+")


def _drafts(engine: Engine, *where: Any) -> list[DraftRow]:
    with Session(engine) as s:
        return list(s.exec(select(DraftRow).where(DraftRow.order_id == ORDER, *where)
                           .order_by(col(DraftRow.id))).all())


@pytest.fixture
def live(settings: Settings, app_engine: Engine, smtp_server: SmtpSink,
         receiver: Receiver) -> Iterator[tuple[str, AppContext]]:  # noqa: F811
    """The console on a real uvicorn on the sample day; its sender delivers notices over SMTP
    and webhooks to the receiver."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    live_settings = settings.model_copy(update={
        "background_workers": True, "sender_interval_seconds": 0.2,
        "tick_interval_seconds": 3600, "draft_interval_seconds": 0.2,
        "mail_transport": "smtp", "smtp_host": "127.0.0.1", "smtp_port": smtp_server.port,
        "notice_self_service_url": url + "/b/{token}",
        "webhook_oms_url": receiver.url, "webhook_secret": SECRET,
        "webhook_backoff_seconds": 0.0})
    ctx = AppContext(live_settings, engine=app_engine, clock=Clock.on_day(SAMPLE_DAY))
    with serve_app(create_app(ctx), port):
        yield url, ctx


def test_backorder_lifecycle_from_first_notice_to_a_quiet_closed_order(
        live: tuple[str, AppContext], smtp_server: SmtpSink, receiver: Receiver,  # noqa: F811
        app_engine: Engine, password: str) -> None:
    _need_chromium()
    from playwright.sync_api import expect, sync_playwright

    url, ctx = live
    report = ingest(ctx, [order_in(ORDER)], actor="test")
    assert report.created == 1
    [notice] = _drafts(app_engine, DraftRow.kind == "initial", DraftRow.channel == "email",
                       DraftRow.status == "pending")
    assert notice.check_ok, notice.meta

    with sync_playwright() as pw:
        browser, console = launch(pw, url)
        _log_in(console, password)
        console.goto(f"/drafts/{notice.id}")
        console.get_by_role("button", name="承認して送信").click()
        expect(console.get_by_role("status")).to_contain_text("承認しました")

        sent = wait_for(lambda: next((m for m in smtp_server.messages
                                   if str(m["To"]) == "hanako@example.jp"), None),
                     "the first notice over SMTP")
        body = sent.get_body(preferencelist=("plain",))
        assert body is not None
        links = LINK.findall(body.get_content())
        assert links, "no self-service link in the sent e-mail"
        link = links[0]
        assert link.startswith(url + "/b/") and ORDER not in link  # signed, not the order id

        phone = pw.devices["Pixel 7"]
        customer = browser.new_context(**{**phone, "locale": "ja-JP"}).new_page()
        customer.goto(link)
        expect(customer.locator("h1")).to_contain_text("ご注文の状況")
        expect(customer.locator("main")).to_contain_text(ORDER)
        expect(customer.locator("main")).to_contain_text("受注残")
        customer.locator('input[name="option"][value="substitute"]').check()
        customer.get_by_role("button", name="確認へ進む").click()
        expect(customer.locator("main")).to_contain_text("この内容で確定しますか")
        customer.get_by_role("button", name="確定する").click()
        expect(customer.get_by_role("status")).to_contain_text("ご選択を承りました")
        expect(customer.locator("main")).to_contain_text("ご選択いただいた対応")
        expect(customer.get_by_role("button", name="確認へ進む")).to_have_count(0)
        browser.close()

    row = order_row(app_engine, ORDER)
    assert (row.choice, row.state) == ("substitute", "substituted")

    hook = wait_for(lambda: next((h for h in receiver.accepted
                               if h["json"]["topic"] == "oms.choice"), None), "the OMS webhook")
    assert hook["headers"]["X-Noki-Signature"] == webhooks.sign(SECRET, hook["raw"])
    assert hook["json"]["data"]["order_id"] == ORDER
    assert hook["json"]["data"]["option"] == "substitute"
    assert receiver.rejected == []

    [confirmation] = wait_for(lambda: _drafts(app_engine, DraftRow.kind == "choice_confirmation",
                                           DraftRow.channel == "email"),
                           "the choice confirmation draft")
    assert "ご選択" in confirmation.body

    result = apply_events(ctx, [{"event_id": "wms-ship-1", "kind": "shipped", "order_id": ORDER,
                                 "tracking_number": TRACKING, "carrier": "ヤマト運輸"}],
                          actor="wms", source="api")
    assert result.errors == [] and [a.state_to for a in result.applied] == ["shipped"]
    [shipped] = wait_for(lambda: _drafts(app_engine, DraftRow.kind == "shipped",
                                      DraftRow.channel == "email"), "the shipped draft")
    assert TRACKING in shipped.body
    row = order_row(app_engine, ORDER)
    assert (row.state, row.status) == ("shipped", "closed")
    assert row.closed_at is not None and row.next_update_date is None

    drafts_before = len(_drafts(app_engine))
    jobs_before = count(app_engine, DraftJob, DraftJob.order_id == ORDER)
    start = ctx.clock.today() + timedelta(days=1)
    for n in range(30):
        day = start + timedelta(days=n)
        ctx.clock = Clock.on_day(day)
        tick(ctx, today=day)
    assert len(_drafts(app_engine)) == drafts_before
    assert count(app_engine, DraftJob, DraftJob.order_id == ORDER) == jobs_before
    assert order_row(app_engine, ORDER).status == "closed"
