"""The agent's workspace over HTTP: search, filters, sorts, bulk by filter, notes, assignment."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from noki.db.models import AuditEvent, DraftRow, OrderRow, TimelineEntry
from noki.services import queries


def _pending(engine: Engine) -> list[DraftRow]:
    with Session(engine) as s:
        return list(s.exec(select(DraftRow).where(DraftRow.status == "pending")
                           .order_by(col(DraftRow.id))).all())


def test_search_finds_an_order_by_number_name_email_phone_and_sku(
    client: TestClient, login, app_engine: Engine
) -> None:
    login("agent")
    target = _pending(app_engine)[3]
    with Session(app_engine) as s:
        doc = s.get(OrderRow, target.order_id).payload  # type: ignore[union-attr]
    for q in (target.order_id, doc["customer"]["name"], doc["customer"]["contact"]["email"],
              doc["customer"]["contact"]["phone"].replace("+81", "0")):
        rows = client.get("/queue", params={"q": q}).context["page"].rows
        assert target.id in [r.id for r in rows], q
    by_sku = client.get("/queue", params={"q": doc["sku"]["sku_id"]}).context["page"]
    assert target.id in [r.id for r in by_sku.rows]
    assert all(r.order_id == target.order_id
               for r in client.get("/queue", params={"q": target.order_id}).context["page"].rows)


def test_marketing_cannot_search_by_contact(client: TestClient, login, app_engine) -> None:
    login("marketing")
    target = _pending(app_engine)[0]
    with Session(app_engine) as s:
        email = s.get(OrderRow, target.order_id).payload["customer"]["contact"]["email"]  # type: ignore[union-attr]
    assert client.get("/queue", params={"q": email}).context["page"].total == 0


def test_an_empty_filter_says_the_filter_matched_nothing(client: TestClient, login) -> None:
    login("agent")
    r = client.get("/queue", params={"q": "NO-SUCH-ORDER"})
    assert r.context["page"].total == 0
    assert "この条件に合う下書きはありません" in r.text
    assert "承認待ちの下書きはありません" not in r.text


def test_filters_channel_approval_state_overdue_mine(
    client: TestClient, login, app_engine: Engine
) -> None:
    login("agent")
    sms = client.get("/queue", params={"channel": "sms"}).context["page"]
    assert sms.rows and {r.channel for r in sms.rows} == {"sms"}
    required = client.get("/queue", params={"approval": "required"}).context["page"]
    assert {r.approval for r in required.rows} <= {"required"}
    one = _pending(app_engine)[0]
    with Session(app_engine) as s:
        s.execute(update(OrderRow).where(col(OrderRow.order_id) == one.order_id)
                  .values(state="allocated", overdue_escalated_on=date(2026, 12, 1)))
        s.commit()
    assert [r.order_id for r in client.get("/queue", params={"state": "allocated"})
            .context["page"].rows] == [one.order_id]
    assert [r.order_id for r in client.get("/queue", params={"overdue": "yes"})
            .context["page"].rows] == [one.order_id]
    assert client.get("/queue", params={"mine": "1"}).context["page"].total == 0


def test_sorts_answer_what_to_do_first(client: TestClient, login, app_engine: Engine) -> None:
    login("agent")
    rows = client.get("/queue").context["page"].rows
    keys = [(r.urgency, r.need_by or date.max, r.queued_at, r.id) for r in rows]
    assert keys == sorted(keys)
    assert [r.urgency for r in rows] == sorted(r.urgency for r in rows)
    delay = client.get("/queue", params={"sort": "delay"}).context["page"].rows
    assert [r.delay_days for r in delay] == sorted((r.delay_days for r in delay), reverse=True)
    need = client.get("/queue", params={"sort": "need_by"}).context["page"].rows
    dated = [r.need_by for r in need if r.need_by]
    assert dated == sorted(dated) and need[0].need_by is not None
    assert all(r.need_by is not None for r in need[: len(dated)])  # no need-by date: last


def test_whole_filter_bulk_approve_counts_and_keeps_filters(
    client: TestClient, login, csrf, app_engine: Engine
) -> None:
    login("supervisor")
    f = {"industry": "ec"}
    page = client.get("/queue", params=f).context["page"]
    assert page.eligible > 0
    token = csrf(client, "/queue")
    r = client.post("/queue/approve-filter", data={
        **f, "csrf_token": token, "back": "/queue?industry=ec&sort=delay"})
    assert r.status_code == 303 and r.headers["location"] == "/queue?industry=ec&sort=delay"
    after = client.get(r.headers["location"])
    flash = after.text.split('class="flash')[1].split("</div>")[0]
    assert f"{page.eligible}件を承認しました" in flash
    assert after.context["page"].eligible == 0
    with Session(app_engine) as s:
        left = s.exec(select(DraftRow).where(DraftRow.status == "pending")).all()
    assert not [d for d in left if d.industry == "ec" and d.drafter == "template"
                and d.check_ok and d.approval == "auto"]
    assert any(d.industry != "ec" and d.check_ok and d.approval == "auto" for d in left)


def test_agents_cannot_bulk_approve_a_filter(client: TestClient, login, csrf) -> None:
    login("agent")
    token = csrf(client, "/queue")
    assert client.post("/queue/approve-filter",
                       data={"csrf_token": token}).status_code == 403


def test_notes_are_on_the_timeline_audited_and_need_a_writer(
    client: TestClient, login, csrf, app_engine: Engine
) -> None:
    draft = _pending(app_engine)[0]
    login("marketing")
    token = csrf(client, f"/drafts/{draft.id}")
    assert client.post(f"/orders/{draft.order_id}/notes",
                       data={"csrf_token": token, "text": "x"}).status_code == 403
    client.post("/logout", data={"csrf_token": token})
    login("agent")
    assert client.post(f"/orders/{draft.order_id}/notes",
                       data={"text": "電話済み"}).status_code == 403  # no CSRF token
    token = csrf(client, f"/drafts/{draft.id}")
    r = client.post(f"/orders/{draft.order_id}/notes",
                    data={"csrf_token": token, "text": "お客様に電話で説明済み",
                          "draft_id": str(draft.id)})
    assert r.status_code == 303
    page = client.get(f"/drafts/{draft.id}").text
    assert "お客様に電話で説明済み" in page
    with Session(app_engine) as s:
        notes = s.exec(select(TimelineEntry).where(TimelineEntry.kind == "note")).all()
        audits = s.exec(select(AuditEvent).where(AuditEvent.action == "note_added")).all()
    assert [n.actor for n in notes] == ["agent"] and len(audits) == 1


def test_a_rejection_reason_stays_on_the_story_after_a_new_draft(
    client: TestClient, login, csrf, app_engine: Engine
) -> None:
    draft = _pending(app_engine)[0]
    login("agent")
    token = csrf(client, f"/drafts/{draft.id}")
    client.post(f"/drafts/{draft.id}/reject",
                data={"csrf_token": token, "reason": "お客様に電話で説明済み"})
    with Session(app_engine) as s:
        s.add(DraftRow(**{k: v for k, v in draft.model_dump().items()
                          if k not in ("id", "version", "status")},
                       version=99, status="pending"))
        s.commit()
        newer = s.exec(select(DraftRow).where(DraftRow.version == 99)).one()
    page = client.get(f"/drafts/{newer.id}").text
    story = page.split('id="timeline"')[1].split("</ol>")[0]
    assert "却下の理由：お客様に電話で説明済み" in story


def test_assignment_and_my_filter(client: TestClient, login, csrf, app_engine) -> None:
    draft = _pending(app_engine)[0]
    login("agent")
    token = csrf(client, f"/drafts/{draft.id}")
    client.post(f"/drafts/{draft.id}/assign", data={"csrf_token": token, "to": "me"})
    mine = client.get("/queue", params={"mine": "1"}).context["page"]
    assert [r.id for r in mine.rows] == [draft.id]
    assert "担当" in client.get(f"/drafts/{draft.id}").text
    client.post(f"/drafts/{draft.id}/assign", data={"csrf_token": token, "to": ""})
    assert client.get("/queue", params={"mine": "1"}).context["page"].total == 0


def test_presence_shows_the_other_user(client: TestClient, login, csrf, app_engine) -> None:
    from noki.services import workspace

    draft = _pending(app_engine)[0]
    workspace.beat(app_engine, root_id=draft.root_id, username="supervisor",  # type: ignore[arg-type]
                   display_name="監督 花子", mode="edit")
    login("agent")
    page = client.get(f"/drafts/{draft.id}").text
    assert "監督 花子</span> さんがこの下書きを編集中です" in page
    token = csrf(client, f"/drafts/{draft.id}")
    answer = client.post(f"/drafts/{draft.id}/presence", data={"csrf_token": token})
    assert answer.json() == {"others": [{"name": "監督 花子", "mode": "edit"}]}


def test_a_stale_approve_says_so_in_japanese_with_a_link(
    client: TestClient, login, csrf, app_engine: Engine
) -> None:
    draft = next(d for d in _pending(app_engine) if d.check_ok and d.channel == "email")
    login("agent")
    token = csrf(client, f"/drafts/{draft.id}")
    r = client.post(f"/drafts/{draft.id}/edit",
                    data={"csrf_token": token, "body": draft.body + "\nよろしくお願いいたします。",
                          "subject": draft.subject or ""})
    latest = int(r.headers["location"].rsplit("/", 1)[1])
    r = client.post(f"/drafts/{draft.id}/approve", data={"csrf_token": token})
    text = client.get(r.headers["location"]).text
    assert f"この下書き（#{draft.id}）は改版済みのため、もう承認できません。" in text
    assert f'<a href="/drafts/{latest}">最新の版を開く</a>' in text
    assert "can no longer" not in text


def test_a_save_with_problems_is_a_warning(client: TestClient, login, csrf, app_engine) -> None:
    draft = next(d for d in _pending(app_engine) if d.check_ok and d.channel == "email")
    login("agent")
    token = csrf(client, f"/drafts/{draft.id}")
    r = client.post(f"/drafts/{draft.id}/edit", data={
        "csrf_token": token, "body": draft.body + "\n〇〇様", "subject": draft.subject or ""})
    text = client.get(r.headers["location"]).text
    assert 'class="flash warn"' in text and "問題が見つかりました" in text


def test_queue_view_matches_the_database_for_a_combined_filter(app_engine: Engine) -> None:
    f = queries.QueueFilter(channel="email", violations="no", sort="waiting")
    page = queries.queue(app_engine, f)
    with Session(app_engine) as s:
        n = len(s.exec(select(DraftRow.id).where(
            DraftRow.status == "pending", DraftRow.channel == "email", DraftRow.check_ok)).all())
    assert page.total == n and len(page.rows) == min(n, queries.PAGE)
