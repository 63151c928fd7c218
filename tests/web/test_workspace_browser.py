"""Issue 14 in headless Chromium, desktop (1366x768) and phone (390x844): the queue.

Search by order number, the urgency sort, bulk approve of a whole filter, no sideways scroll
on a phone, and the queue/draft screenshots. The draft page's scenarios (rejection story, SMS
counter, collision) are in test_workspace_draft_browser.py, which shares these fixtures.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from tests.support import SAMPLE_DAY
from tests.web.test_browser import (  # noqa: F401 - live_url is a fixture
    ARGS,
    CHROMIUM,
    SHOTS,
    _need_chromium,
    _shot,
    live_url,
)

from noki.app import AppContext
from noki.db.models import DraftRow
from noki.services.demo import sample_records
from noki.services.orders import ingest
from noki.services.queries import PAGE
from noki.services.tick import tick_report

pytestmark = pytest.mark.browser

VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1366, "height": 768}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
}
LANE_RANK = {"lane-priority": 1, "lane-expedite": 2, "lane-standard": 3}


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One Debian Chromium for the module (each test gets fresh contexts)."""
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    """desktop or phone; a scenario for one of them parametrizes `viewport` itself."""
    return str(request.param)


@pytest.fixture
def open_as(chromium: Any, live_url: str, viewport: str,  # noqa: F811 - the imported fixture
            password: str) -> Iterator[Callable[..., Any]]:
    """open_as(username) -> a page of a new browser context, logged in, on the queue."""
    contexts: list[Any] = []

    def open_(username: str, *, fake_timers: bool = False) -> Any:
        context = chromium.new_context(locale="ja-JP", base_url=live_url, **VIEWPORTS[viewport])
        contexts.append(context)
        page = context.new_page()
        if fake_timers:  # the page's setInterval runs when the test moves the clock
            page.clock.install()
        _login(page, username, password)
        return page

    yield open_
    for context in contexts:
        context.close()


def _login(page: Any, username: str, password: str) -> None:
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator("h1")).to_contain_text("承認キュー")


def shot(page: Any, tmp_path: Path, database_url: str, viewport: str, name: str,
         *, full_page: bool = False) -> None:
    """docs/screenshots/ when NOKI_UPDATE_SCREENSHOTS=1 (SQLite only), else tmp_path."""
    if not database_url.startswith("sqlite"):
        return
    folder = SHOTS if os.environ.get("NOKI_UPDATE_SCREENSHOTS") == "1" else tmp_path
    prefix = "phone-" if viewport == "phone" else ""
    page.screenshot(path=str(_shot(folder, prefix + name)), full_page=full_page)


def pending(engine: Engine) -> list[DraftRow]:
    with Session(engine) as s:
        return list(s.exec(select(DraftRow).where(DraftRow.status == "pending")
                           .order_by(col(DraftRow.id))).all())


def reachable(engine: Engine, channel: str) -> list[DraftRow]:
    """Pending, checker-clean drafts of a channel whose customer has a contact."""
    return [d for d in pending(engine) if d.channel == channel and d.check_ok
            and not d.meta.get("no_contact")]


def row_ids(page: Any) -> list[int]:
    return [int(x) for x in page.locator("#queue tbody tr[data-id]").evaluate_all(
        "rows => rows.map(r => r.dataset.id)")]


def test_search_by_order_number_shows_that_order(open_as: Any, app_engine: Engine) -> None:
    from playwright.sync_api import expect

    everything = pending(app_engine)
    target = everything[3]
    page = open_as("agent")
    rows = page.locator("#queue tbody tr[data-id]")
    expect(rows).to_have_count(len(everything))
    page.get_by_label("検索（注文番号").fill(target.order_id)
    page.get_by_label("検索（注文番号").press("Enter")
    expect(page).to_have_url(re.compile(rf"/queue\?q={target.order_id}(&|$)"))
    expect(rows).to_have_count(1)
    expect(rows.first.locator("a.order-link")).to_have_text(target.order_id)
    expect(page.locator("h1")).to_contain_text(
        f"条件に合う 1 件（承認待ち 全 {len(everything)} 件）")
    expect(page.locator("#q")).to_have_value(target.order_id)
    rows.first.locator("a.order-link").click()
    expect(page).to_have_url(re.compile(rf"/drafts/{target.id}$"))
    expect(page.locator("h1")).to_contain_text(f"{target.order_id} の連絡")


def test_the_default_sort_is_what_must_be_done_first(
    open_as: Any, app_ctx: AppContext, app_engine: Engine, viewport: str, database_url: str,
    tmp_path: Path,
) -> None:
    """queue_view.SORTS['urgency']: overdue escalations, then priority, expedite, standard;
    within those the customer's need-by date (none last), then the longest wait."""
    from playwright.sync_api import expect

    escalated = tick_report(app_ctx, today=SAMPLE_DAY + timedelta(days=7)).escalated
    drafts = pending(app_engine)
    overdue = [d for d in drafts if d.kind == "overdue"]
    assert escalated >= 1 and len(overdue) == escalated

    def rank(d: DraftRow) -> int:
        return 0 if d.kind == "overdue" else {"priority": 1, "expedite": 2}.get(d.lane, 3)

    expected = [d.id for d in sorted(drafts, key=lambda d: (
        rank(d), d.need_by is None, d.need_by or date.max, d.queued_at, d.id))]
    page = open_as("agent")
    expect(page.get_by_label("並び順")).to_have_value("urgency")
    expect(page.locator("#sort-help")).to_contain_text(
        "急ぎの順：予定超過のエスカレーション → レーン")
    expect(page.locator("#queue tbody tr[data-id]")).to_have_count(min(len(drafts), PAGE))
    assert row_ids(page) == expected[:PAGE]
    lanes = page.locator("#queue tbody tr[data-id] td[data-label='レーン']").evaluate_all(
        "cells => cells.map(c => [c.querySelector('.badge').classList[1], c.innerText])")
    shown = [0 if "予定超過" in text else LANE_RANK[lane] for lane, text in lanes]
    assert shown[: len(overdue)] == [0] * len(overdue) and shown == sorted(shown), shown
    first = page.locator("#queue tbody tr[data-id]").first
    expect(first.locator("a.order-link")).to_have_text(
        next(d.order_id for d in drafts if d.id == expected[0]))
    expect(first).to_contain_text("予定超過")
    shot(page, tmp_path, database_url, viewport, "queue-urgency.png")


@pytest.mark.parametrize("viewport", ["desktop"])
def test_supervisor_approves_a_whole_filter_and_stays_on_its_page(
    open_as: Any, app_ctx: AppContext, app_engine: Engine
) -> None:
    from playwright.sync_api import expect

    ingest(app_ctx, sample_records(130)[30:], actor="test")  # two pages of e-mail drafts
    email = [d for d in pending(app_engine) if d.channel == "email"]
    eligible = [d.id for d in email if d.drafter == "template" and d.check_ok
                and d.approval == "auto"]
    required = [d.id for d in email if d.check_ok and d.approval == "required"]
    assert len(email) > PAGE and eligible and required
    assert len(email) == len(eligible) + len(required)  # no other reason to leave one out
    url = "/queue?channel=email&sort=delay&page=2"
    page = open_as("supervisor")
    page.goto(url)
    expect(page.locator("#queue tbody tr[data-id]")).to_have_count(len(email) - PAGE)
    expect(page.locator("nav.pager [aria-current=page]")).to_have_text("2")
    button = page.get_by_role("button", name=f"条件に合う {len(eligible)} 件を承認")
    asked: list[str] = []

    def answer(dialog: Any, accept: bool) -> None:
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    button.click()
    assert len(asked) == 1 and f"条件に合う {len(eligible)} 件" in asked[0]
    assert {d.id for d in pending(app_engine)} >= set(eligible)  # declined: nothing approved

    page.once("dialog", lambda d: answer(d, True))
    button.click()
    flash = page.locator(".flash", has_text="件を承認しました")
    expect(flash).to_contain_text(f"{len(eligible)}件を承認しました。")
    expect(flash).to_contain_text(
        f"対象外 {len(required)}件：要承認の判定（1 件ずつ確認してください）。")
    assert len(asked) == 2
    expect(page).to_have_url(re.compile(re.escape(url) + "$"))  # the same filter, sort and page
    expect(page.get_by_label("チャネル")).to_have_value("email")
    expect(page.get_by_label("並び順")).to_have_value("delay")
    expect(page.locator("h1")).to_contain_text(f"条件に合う {len(required)} 件")
    expect(page.get_by_role("button", name="条件に合う 0 件を承認")).to_be_disabled()
    # page 2 is past the end now: it says so and leads back, not "nothing matches"
    expect(page.locator("#queue-empty")).to_contain_text(
        f"このページには下書きがありません（条件に合う {len(required)} 件は前のページにあります）")
    page.locator("#queue-empty").get_by_role("link", name="1 ページ目へ").click()
    expect(page.locator("#queue tbody tr[data-id]")).to_have_count(len(required))
    expect(page).to_have_url(re.compile(r"/queue\?channel=email&sort=delay$"))
    assert {d.id for d in pending(app_engine) if d.channel == "email"} == set(required)


OVERFLOW = """() => ({
  scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
  wide: [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .slice(0, 5).map((e) => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className),
})"""


@pytest.mark.parametrize("viewport", ["phone"])
def test_no_sideways_scroll_at_390_px(open_as: Any, app_engine: Engine) -> None:
    from playwright.sync_api import expect

    email, sms = reachable(app_engine, "email")[0], reachable(app_engine, "sms")[0]
    page = open_as("supervisor")  # the role with the most controls (bulk, override)
    for path in ("/queue", f"/drafts/{email.id}", f"/drafts/{sms.id}",
                 f"/orders/{email.order_id}"):
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        seen = page.evaluate(OVERFLOW)
        assert seen["inner"] == 390 and seen["scroll"] <= seen["inner"], (path, seen)
