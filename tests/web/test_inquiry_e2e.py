"""Issue 13 end to end in headless Chromium (SQLite and PostgreSQL): a notice is sent over SMTP
(aiosmtpd) -> the customer's ISO-2022-JP reply arrives through `noki inbound` -> linked to the
order -> answer drafted -> the agent edits and approves it in Chromium -> the reply is sent with
In-Reply-To -> the inquiry appears in the VOC report."""

from __future__ import annotations

import json
import smtplib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from tests.servers import SmtpSink, free_port, serve_app, wait_for
from tests.support import SAMPLE_DAY, clock_on
from tests.web.test_browser import _log_in, _need_chromium, launch

from noki.app import AppContext
from noki.db.models import DraftRow, InquiryRow
from noki.inbound.samples import sample_reply
from noki.services import review
from noki.services.roles import Actor
from noki.services.voc_reports import build_from_db
from noki.settings import Settings
from noki.web.app import create_app

pytestmark = pytest.mark.browser
INBOX = "support@reply.noki.example.jp"
CUSTOMER_ID = "<e2e-reply-1@customer.example.jp>"


@pytest.fixture
def live(settings: Settings, app_engine: Engine,
         smtp_server: SmtpSink) -> Iterator[tuple[str, Settings]]:
    """The console on a real uvicorn, its sender delivering over SMTP to the sink."""
    live = settings.model_copy(update={
        "background_workers": True, "sender_interval_seconds": 0.2,
        "tick_interval_seconds": 3600, "mail_transport": "smtp", "smtp_host": "127.0.0.1",
        "smtp_port": smtp_server.port, "inbound_addresses": [INBOX]})
    with serve_app(create_app(AppContext(live, engine=app_engine,
                                         clock=clock_on(SAMPLE_DAY)))) as url:
        yield url, live


def _deliver_through_noki_inbound(raw: bytes, database_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = {**__import__("os").environ, "NOKI_DATABASE_URL": database_url,
           "NOKI_INBOUND_PORT": str(port), "NOKI_INBOUND_ADDRESSES": json.dumps([INBOX]),
           "NOKI_INBOUND_SPOOL_DIR": str(tmp_path / "spool")}
    proc = subprocess.Popen([sys.executable, "-m", "noki.cli.main", "inbound"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def connect() -> smtplib.SMTP | None:
            try:
                return smtplib.SMTP("127.0.0.1", port, timeout=10)
            except OSError:
                assert proc.poll() is None, "noki inbound exited"
                return None

        with wait_for(connect, "noki inbound to listen") as smtp:
            smtp.sendmail("customer@example.jp", [INBOX], raw)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_reply_answered_in_chromium_lands_in_the_thread_and_the_voc_report(
        live, smtp_server: SmtpSink, app_engine: Engine, password: str, database_url: str,
        tmp_path: Path) -> None:
    _need_chromium()
    from playwright.sync_api import expect, sync_playwright

    url, live_settings = live
    with Session(app_engine) as s:
        rows = s.exec(select(DraftRow).where(DraftRow.status == "pending", DraftRow.check_ok,
                                             DraftRow.channel == "email")
                      .order_by(DraftRow.id)).all()  # type: ignore[arg-type]
    notice = next(r for r in rows if not r.meta.get("no_contact"))
    review.approve(app_engine, draft_id=notice.id or 0, actor=Actor("agent", "agent"))
    [sent] = wait_for(lambda: list(smtp_server.messages), "the notice over SMTP")
    notice_id = str(sent["Message-ID"]).strip()
    assert str(sent["Reply-To"]) == INBOX

    reply = sample_reply("いつ頃届きますか？目安を教えてください。", charset="iso-2022-jp",
                         sender="customer@example.jp", to=INBOX, in_reply_to=notice_id,
                         msgid=CUSTOMER_ID)
    assert b"\x1b$B" in reply  # ISO-2022-JP on the wire
    _deliver_through_noki_inbound(reply, database_url, tmp_path)

    def queued() -> InquiryRow | None:
        with Session(app_engine) as s:
            row = s.exec(select(InquiryRow).where(InquiryRow.message_id == CUSTOMER_ID)).first()
            return row if row is not None and row.answer_draft_id else None

    inquiry = wait_for(queued, "the inquiry and its answer draft")
    assert inquiry.link_method == "thread" and inquiry.order_id == notice.order_id

    with sync_playwright() as pw:
        browser, page = launch(pw, url)
        _log_in(page, password)
        expect(page.locator("#queue")).to_contain_text("問い合わせ回答")
        page.goto("/inquiries")
        page.locator(f"#inquiry-{inquiry.id}").get_by_role("link", name="回答案を開く").click()
        expect(page.locator("#inquiry-text")).to_contain_text("いつ頃届きますか")
        expect(page.locator("#sla")).to_contain_text("目標")
        body = page.get_by_label("本文")
        edited = body.input_value().replace(
            "お問い合わせいただき、ありがとうございます。",
            "お問い合わせいただき、ありがとうございます。ご心配をおかけしております。")
        body.fill(edited)
        page.get_by_role("button", name="承認して送信").click()
        expect(page.get_by_role("status")).to_contain_text("承認しました")
        browser.close()

    answer = wait_for(lambda: smtp_server.messages[1] if len(smtp_server.messages) > 1 else None,
                      "the answer")
    assert str(answer["In-Reply-To"]).strip() == CUSTOMER_ID
    assert notice_id in str(answer["References"]).split()
    assert str(answer["To"]) == "customer@example.jp"
    assert str(answer["Subject"]).startswith("Re: ")
    assert "ご心配をおかけしております" in answer.get_content()
    with Session(app_engine) as s:
        row = s.get(InquiryRow, inquiry.id)
        assert row is not None and row.state == "answered" and row.first_response_at

    with AppContext(live_settings, engine=app_engine) as ctx:
        report, _ = build_from_db(ctx, [])
    assert f"inq-{inquiry.id}" in {d.id for d in report.docs}
