"""Issue 14 in headless Chromium, desktop and phone: the draft page.

A rejection's reason and next step on the order's story (also after the next draft), the SMS
counter under the editor, and two users on one draft (presence, a stale approve).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from tests.support import SAMPLE_DAY
from tests.web.test_browser import live_url  # noqa: F401 - fixture
from tests.web.test_workspace_browser import (  # noqa: F401 - fixtures
    chromium,
    open_as,
    pending,
    reachable,
    shot,
    viewport,
)

from noki.app import AppContext
from noki.db.models import DraftRow, OutboxMessage
from noki.messaging.sms import segments
from noki.services.tick import tick_report
from noki.settings import Settings

pytestmark = pytest.mark.browser
SMS_LIMIT = 2  # not the default (1): the counter must show the configured limit
REASON = "お客様に電話で説明済み"


@pytest.fixture
def settings(app_ctx: AppContext) -> Settings:
    """The console's settings (the drafts were written with the default limit)."""
    return app_ctx.settings.model_copy(update={"notice_sms_max_segments": SMS_LIMIT})


def test_a_rejection_reason_and_next_step_stay_on_the_story(
    open_as: Any, app_ctx: AppContext, app_engine: Engine  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    draft = reachable(app_engine, "email")[0]
    page = open_as("agent")
    page.goto(f"/drafts/{draft.id}")
    page.get_by_label("却下の理由").fill(REASON)
    page.get_by_label("次の対応").select_option(label="今回は送らない")
    page.get_by_role("button", name="却下", exact=True).click()
    expect(page.locator(".flash", has_text="却下しました。")).to_be_visible()
    rejected = page.locator("#timeline li.tl-rejected")
    expect(rejected).to_have_count(1)
    expect(rejected).to_contain_text(f"却下の理由：{REASON}")
    expect(rejected).to_contain_text("次の対応: 今回は送らない")
    expect(rejected.locator(".reason")).to_have_css("color", "rgb(198, 40, 40)")  # var(--bad)

    newer: DraftRow | None = None
    for day in range(1, 11):  # noki tick on the next days drafts the order's next notice
        tick_report(app_ctx, today=SAMPLE_DAY + timedelta(days=day))
        newer = next((d for d in pending(app_engine) if d.order_id == draft.order_id), None)
        if newer is not None:
            break
    assert newer is not None and newer.id != draft.id
    page.goto(f"/drafts/{newer.id}")
    expect(page.locator("h1")).to_contain_text(draft.order_id)
    expect(page.locator("#timeline li.tl-rejected")).to_contain_text(f"却下の理由：{REASON}")
    expect(page.locator("#timeline li.tl-draft").last).to_contain_text("の下書き（版")
    page.goto(f"/orders/{draft.order_id}")
    expect(page.locator(".timeline tr.tl-review")).to_contain_text(f"理由: {REASON}")


def _counter(text: str) -> str:
    """The counter's sentence, with the parts the sender (messaging.sms) would send."""
    gsm = text.isascii()  # the texts below: plain ASCII letters are GSM-7
    single, multi, kind = (160, 153, "英数字") if gsm else (70, 67, "全角")
    parts = segments(text)
    over = "を超えています" if parts > SMS_LIMIT else ""
    return (f"{len(text)} 文字・{parts} 通（{kind}：1 通 {single} 文字、分割時 {multi} 文字）"
            f"・上限 {SMS_LIMIT} 通{over}")


def test_the_sms_counter_follows_the_editor(
    open_as: Any, app_engine: Engine, viewport: str, database_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    draft = reachable(app_engine, "sms")[0]
    page = open_as("agent")
    page.goto(f"/drafts/{draft.id}")
    counter = page.locator("#sms-counter")
    expect(counter).to_have_text(_counter(draft.body))
    expect(counter).not_to_have_class(re.compile(r"\bover\b"))
    shot(page, tmp_path, database_url, viewport, "draft-sms.png", full_page=viewport == "desktop")
    body = page.get_by_label("本文")
    for text, parts in (("あ" * 70, 1), ("Hello, your order is late.", 1),
                        ("😀" * 35, 1), ("😀" * 36, 2), ("あ" * 134, 2), ("あ" * 135, 3)):
        body.fill(text)
        expect(counter).to_have_text(_counter(text))
        assert segments(text) == parts  # the sentence above is the sender's count
    expect(counter).to_have_text(  # spelled out once: the sentence the agent reads
        "135 文字・3 通（全角：1 通 70 文字、分割時 67 文字）・上限 2 通を超えています")
    expect(counter).to_have_class(re.compile(r"\bover\b"))
    body.fill("あ" * 133)
    body.press_sequentially("い")  # typing, key by key
    expect(counter).to_have_text(_counter("あ" * 133 + "い"))
    expect(counter).not_to_have_class(re.compile(r"\bover\b"))


@pytest.mark.parametrize("viewport", ["desktop"])
def test_two_users_on_one_draft_see_each_other_and_a_stale_approve_is_explained(
    open_as: Any, app_engine: Engine  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    draft = reachable(app_engine, "email")[0]
    agent = open_as("agent", fake_timers=True)
    agent.goto(f"/drafts/{draft.id}")
    expect(agent.locator("#presence")).to_be_hidden()
    supervisor = open_as("supervisor")
    supervisor.goto(f"/drafts/{draft.id}")
    expect(supervisor.locator("#presence")).to_have_text("agent さんがこの下書きを編集中です。")
    agent.clock.run_for(16_000)  # the agent's page beats every 15 s
    expect(agent.locator("#presence")).to_have_text("supervisor さんがこの下書きを編集中です。")

    edited = draft.body + "\nよろしくお願いいたします。"
    supervisor.get_by_label("本文").fill(edited)
    supervisor.get_by_role("button", name="保存して再チェック").click()
    expect(supervisor.locator(".flash", has_text="保存しました")).to_be_visible()
    latest = int(supervisor.url.rsplit("/", 1)[1])
    assert latest != draft.id

    agent.get_by_role("button", name="承認して送信").click()  # the page still shows version 1
    said = agent.locator(".flash.error", has_text="承認できません")
    expect(said).to_have_text(
        f"この下書き（#{draft.id}）は改版済みのため、もう承認できません。最新の版を開く")
    expect(said.get_by_role("link", name="最新の版を開く")).to_have_attribute(
        "href", f"/drafts/{latest}")
    expect(agent.locator("main")).not_to_contain_text(re.compile(r"replaced|can no longer"))
    with Session(app_engine) as s:
        assert s.exec(select(OutboxMessage.id)).all() == []  # nothing went out
        assert s.exec(select(DraftRow.status).where(col(DraftRow.id) == draft.id)).one() == (
            "replaced")
    said.get_by_role("link", name="最新の版を開く").click()
    expect(agent).to_have_url(re.compile(rf"/drafts/{latest}$"))
    expect(agent.get_by_label("本文")).to_have_value(edited)
