"""Issue 13 end to end in headless Chromium (SQLite and PostgreSQL): a notice is sent over SMTP
(aiosmtpd) -> the customer's ISO-2022-JP reply arrives through `noki inbound` -> linked to the
order -> answer drafted -> the agent edits and approves it in Chromium -> the reply is sent with
In-Reply-To -> the inquiry appears in the VOC report."""

from __future__ import annotations

import json
import smtplib
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from aiosmtpd.controller import Controller
from sqlalchemy import Engine
from sqlmodel import Session, select
from tests.outbox.conftest import SmtpSink, free_port
from tests.support import SAMPLE_DAY, clock_on
from tests.web.test_browser import ARGS, CHROMIUM, _need_chromium

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


def _wait(check, what: str, seconds: float = 60):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    box = SmtpSink(port=free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()


@pytest.fixture
def live(settings: Settings, app_engine: Engine, sink: SmtpSink) -> Iterator[tuple[str, Settings]]:
    """The console on a real uvicorn, its sender delivering over SMTP to the sink."""
    port = free_port()
    live = settings.model_copy(update={
        "background_workers": True, "sender_interval_seconds": 0.2,
        "tick_interval_seconds": 3600, "mail_transport": "smtp", "smtp_host": "127.0.0.1",
        "smtp_port": sink.port, "inbound_addresses": [INBOX]})
    app = create_app(AppContext(live, engine=app_engine, clock=clock_on(SAMPLE_DAY)))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    _wait(lambda: server.started, "uvicorn")
    yield f"http://127.0.0.1:{port}", live
    server.should_exit = True
    thread.join(10)


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

        with _wait(connect, "noki inbound to listen") as smtp:
            smtp.sendmail("customer@example.jp", [INBOX], raw)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_reply_answered_in_chromium_lands_in_the_thread_and_the_voc_report(
        live, sink: SmtpSink, app_engine: Engine, password: str, database_url: str,
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
    [sent] = _wait(lambda: list(sink.messages), "the notice over SMTP")
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

    inquiry = _wait(queued, "the inquiry and its answer draft")
    assert inquiry.link_method == "thread" and inquiry.order_id == notice.order_id

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ja-JP",
                                   base_url=url).new_page()
        page.goto("/login")
        page.get_by_label("ユーザー名").fill("agent")
        page.get_by_label("パスワード").fill(password)
        page.get_by_role("button", name="ログイン").click()
        expect(page.locator("h1")).to_contain_text("承認キュー")
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

    answer = _wait(lambda: sink.messages[1] if len(sink.messages) > 1 else None, "the answer")
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
