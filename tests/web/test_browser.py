"""End to end in headless Chromium: log in, open the queue, edit, see a violation, fix, approve."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from tests.servers import serve_app, wait_for
from tests.support import SAMPLE_DAY, clock_on

from noki.app import AppContext
from noki.db.models import DraftRow
from noki.settings import Settings
from noki.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: apt-get install chromium to run the browser tests"
    if os.environ.get("CI") == "1":
        pytest.fail(message)
    pytest.skip(message)


def _shot(folder: Path, name: str) -> Path:
    target = folder if (SHOTS / name).exists() else SHOTS
    target.mkdir(parents=True, exist_ok=True)
    return target / name


@pytest.fixture
def live_url(settings: Settings, app_engine: Engine) -> Iterator[str]:
    """The console served by a real uvicorn on a free port, sender running every 0.2 s."""
    live = settings.model_copy(
        update={
            "background_workers": True,
            "sender_interval_seconds": 0.2,
            "tick_interval_seconds": 3600,
        }
    )
    # The sample orders are written on 2026-11-25: the console runs on that day, so
    # opening and sending judge the drafts on it (not on the real date).
    with serve_app(create_app(AppContext(live, engine=app_engine,
                                         clock=clock_on(SAMPLE_DAY)))) as url:
        yield url


def launch(pw: Any, url: str) -> tuple[Any, Any]:
    """Headless Chromium and a desktop page (Japanese locale) on the console at `url`."""
    browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ja-JP",
                                  base_url=url)
    return browser, context.new_page()


@pytest.fixture
def page(live_url: str) -> Iterator[object]:
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser, page = launch(pw, live_url)
        yield page
        browser.close()


def test_agent_edits_fixes_approves_and_sees_it_sent(
    page, app_engine: Engine, settings: Settings, password: str, database_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    with Session(app_engine) as s:
        draft = s.exec(
            select(DraftRow)
            .where(
                DraftRow.status == "pending",
                DraftRow.check_ok,
                DraftRow.channel == "email",
            )
            .order_by(DraftRow.id)
        ).first()  # type: ignore[arg-type]
    assert draft is not None
    shots = database_url.startswith("sqlite")
    # docs/screenshots/ is refreshed when asked (or when a picture is missing), so a test run
    # does not dirty the checkout; otherwise the pictures go to the test's temporary folder.
    folder = SHOTS if os.environ.get("NOKI_UPDATE_SCREENSHOTS") == "1" else tmp_path

    page.goto("/queue")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("ユーザー名").fill("agent")
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator("h1")).to_contain_text("承認キュー")
    if shots:
        page.screenshot(path=str(_shot(folder, "queue.png")), full_page=False)

    page.locator("#queue").get_by_role("link", name=draft.order_id, exact=True).click()
    expect(page.locator("#draft-body")).to_be_visible()
    body = page.get_by_label("本文")
    body.fill(draft.body + "\n〇〇様、ご不便をおかけします。")
    page.get_by_role("button", name="保存して再チェック").click()
    expect(page.locator("mark.violation")).to_have_text("〇〇")
    expect(page.locator("#violations")).to_contain_text("placeholder_left")
    expect(page.get_by_role("button", name="上書きして承認")).to_be_disabled()
    if shots:
        page.screenshot(path=str(_shot(folder, "draft-violation.png")), full_page=True)

    page.get_by_label("本文").fill(draft.body + "\nよろしくお願いいたします。")
    page.get_by_role("button", name="保存して再チェック").click()
    expect(page.locator("#check-ok")).to_be_visible()
    page.get_by_role("button", name="承認して送信").click()
    expect(page.get_by_role("status")).to_contain_text("承認しました")
    for _ in range(50):  # the server's sender delivers within a second or so
        if page.locator("#message-status").inner_text() == "送信済み":
            break
        time.sleep(0.2)
        page.reload()
    expect(page.locator("#message-status")).to_have_text("送信済み")
    if shots:
        page.screenshot(path=str(_shot(folder, "draft.png")), full_page=True)
    files = list(Path(settings.outbox_dir).glob("*.eml"))
    assert len(files) == 1 and b"X-Noki-Outbox-Id" in files[0].read_bytes()


def _sendable_email_draft(engine: Engine, skip: int = 0) -> DraftRow:
    with Session(engine) as s:
        rows = s.exec(
            select(DraftRow)
            .where(DraftRow.status == "pending", DraftRow.check_ok, DraftRow.channel == "email")
            .order_by(DraftRow.id)  # type: ignore[arg-type]
        ).all()
    rows = [r for r in rows if not r.meta.get("no_contact")]
    return rows[skip]


def _log_in(page: Any, password: str) -> None:
    """Log in as the agent; the queue opens."""
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("ユーザー名").fill("agent")
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator("h1")).to_contain_text("承認キュー")


def test_approve_sends_the_text_in_the_editor_without_saving_first(
    page, app_engine: Engine, settings: Settings, password: str
) -> None:
    """Issue 9 #0: the agent edits and clicks 承認して送信 at once; the customer gets the edit."""
    from email import message_from_bytes

    from playwright.sync_api import expect

    draft = _sendable_email_draft(app_engine)
    edited = draft.body + "\n今後ともよろしくお願いいたします。"
    _log_in(page, password)
    page.goto(f"/drafts/{draft.id}")
    page.get_by_label("本文").click()
    page.get_by_label("本文").fill(edited)
    page.get_by_role("button", name="承認して送信").click()
    expect(page.get_by_role("status")).to_contain_text("承認しました")

    def versions() -> list[tuple[str, bool]]:
        with Session(app_engine) as s:
            rows = s.exec(select(DraftRow).where(DraftRow.order_id == draft.order_id)
                          .order_by(DraftRow.version)).all()  # type: ignore[arg-type]
        return [(v.status, v.body == edited) for v in rows]

    # The sink writes the file just before the sender commits "sent": wait for the commit.
    wait_for(lambda: versions()[-1][0] == "sent", "the sender to record the send", seconds=10)
    files = list(Path(settings.outbox_dir).glob("*.eml"))
    assert len(files) == 1
    mail = message_from_bytes(files[0].read_bytes())
    sent = mail.get_payload(decode=True).decode("utf-8")  # type: ignore[union-attr]
    assert sent == edited
    assert versions() == [("replaced", False), ("sent", True)]


def test_an_edit_that_fails_the_check_is_saved_not_approved(
    page, app_engine: Engine, settings: Settings, password: str
) -> None:
    from playwright.sync_api import expect

    draft = _sendable_email_draft(app_engine)
    _log_in(page, password)
    page.goto(f"/drafts/{draft.id}")
    page.get_by_label("本文").fill(draft.body + "\n〇〇様、ご不便をおかけします。")
    page.get_by_role("button", name="承認して送信").click()
    expect(page.get_by_role("status")).to_contain_text("承認していません")
    expect(page.locator("mark.violation")).to_have_text("〇〇")
    with Session(app_engine) as s:
        statuses = s.exec(
            select(DraftRow.status)
            .where(DraftRow.order_id == draft.order_id)
            .order_by(DraftRow.version)  # type: ignore[arg-type]
        ).all()
    assert list(statuses) == ["replaced", "pending"]
    assert not list(Path(settings.outbox_dir).glob("*.eml"))


def test_unsaved_edits_warn_before_leaving_and_regenerate_asks_first(
    page, app_engine: Engine, password: str
) -> None:
    from playwright.sync_api import expect

    draft = _sendable_email_draft(app_engine)
    _log_in(page, password)
    page.goto(f"/drafts/{draft.id}")
    seen: list[tuple[str, str]] = []
    accept = {"value": False}

    def answer(dialog) -> None:
        seen.append((dialog.type, dialog.message))
        dialog.accept() if accept["value"] else dialog.dismiss()

    page.on("dialog", answer)
    page.evaluate("() => { location.href = '/queue'; }")  # nothing changed: leaves silently
    expect(page.locator("h1")).to_contain_text("承認キュー")
    assert seen == []

    page.goto(f"/drafts/{draft.id}")
    page.get_by_label("本文").click()
    page.get_by_label("本文").fill(draft.body + "\nよろしくお願いいたします。")
    page.evaluate("() => { location.href = '/queue'; }")
    page.wait_for_timeout(500)
    assert [kind for kind, _ in seen] == ["beforeunload"]
    assert page.url.endswith(f"/drafts/{draft.id}")  # the agent chose to stay

    page.get_by_role("button", name="再作成").click()  # over unsaved edits: asked, and declined
    page.wait_for_timeout(300)
    assert seen[-1][0] == "confirm" and "保存していない" in seen[-1][1]
    assert page.url.endswith(f"/drafts/{draft.id}")

    page.get_by_role("button", name="保存して再チェック").click()  # saved: no leave warning
    expect(page.get_by_role("status")).to_contain_text("保存しました")
    saved_url = page.url
    assert len(seen) == 2
    page.get_by_role("button", name="再作成").click()  # over saved edits: asked as well
    page.wait_for_timeout(300)
    assert seen[-1][0] == "confirm" and "保存した変更" in seen[-1][1]
    assert page.url == saved_url
    accept["value"] = True
    page.get_by_role("button", name="再作成").click()
    expect(page.get_by_role("status")).to_contain_text("再作成しました")
    assert page.url != saved_url
