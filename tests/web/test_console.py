"""The console pages and review actions through HTTP (template and context asserted)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from noki.db.models import DraftRow, OutboxMessage
from noki.sample.orders import sample_orders
from noki.services import users


def first_clean(engine: Engine) -> DraftRow:
    with Session(engine) as s:
        row = s.exec(
            select(DraftRow).where(
                DraftRow.status == "pending", DraftRow.check_ok, DraftRow.channel == "email"
            )
        ).first()
    assert row is not None
    return row


def test_queue_lists_pending_drafts_priority_first(client: TestClient, login) -> None:
    login("agent")
    r = client.get("/queue")
    assert r.template.name == "queue.html"
    page = r.context["page"]
    assert page.total == len(page.rows) > 0
    ranks = [{"priority": 0, "expedite": 1, "standard": 2}[d.lane] for d in page.rows]
    assert ranks == sorted(ranks)
    assert sum(page.counts["lane"].values()) == page.total
    assert 'id="bulk-approve"' not in r.text  # agents do not bulk approve


def test_queue_filters(client: TestClient, login) -> None:
    login("supervisor")
    everything = client.get("/queue").context["page"].total
    ec = client.get("/queue", params={"industry": "ec"}).context["page"]
    bad = client.get("/queue", params={"violations": "yes"}).context["page"]
    old = client.get("/queue", params={"age": "7d"}).context["page"]
    assert 0 < ec.total < everything and {d.industry for d in ec.rows} == {"ec"}
    assert all(not d.check_ok for d in bad.rows)
    assert old.total == 0  # everything was drafted just now


def test_draft_page_shows_facts_trace_and_draft(client: TestClient, login, app_engine) -> None:
    draft = first_clean(app_engine)
    login("agent")
    r = client.get(f"/drafts/{draft.id}")
    assert r.template.name == "draft.html" and r.context["d"].id == draft.id
    assert 'id="trace"' in r.text and 'id="order-facts"' in r.text
    assert "rules_version" in r.context["v"].decision and "判定の理由" in r.text
    assert "承認して送信" in r.text


def test_edit_with_violation_highlights_then_fix_and_approve(
    client: TestClient, login, csrf, app_engine: Engine
) -> None:
    draft = first_clean(app_engine)
    login("agent")
    token = csrf(client, f"/drafts/{draft.id}")
    bad_body = draft.body + "\n〇〇様、ご不便をおかけします。"
    r = client.post(
        f"/drafts/{draft.id}/edit",
        data={"csrf_token": token, "body": bad_body, "subject": draft.subject},
    )
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    edited = page.context["d"]
    assert edited.version == 2 and not edited.check_ok
    assert '<mark class="violation" title="placeholder_left">〇〇</mark>' in page.text
    assert 'id="diff"' in page.text and "<ins>" in page.text
    r = client.post(f"/drafts/{edited.id}/approve", data={"csrf_token": token})
    follow = client.get(r.headers["location"])
    assert "スーパーバイザー" in follow.text  # refused: agents cannot override
    r = client.post(
        f"/drafts/{edited.id}/edit",
        data={
            "csrf_token": token,
            "body": draft.body + "\nよろしくお願いいたします。",
            "subject": draft.subject,
        },
    )
    fixed = client.get(r.headers["location"]).context["d"]
    assert fixed.check_ok and fixed.version == 3
    client.post(f"/drafts/{fixed.id}/approve", data={"csrf_token": token})
    client.post(f"/drafts/{fixed.id}/approve", data={"csrf_token": token})  # twice
    with Session(app_engine) as s:
        msgs = s.exec(select(OutboxMessage).where(OutboxMessage.draft_id == fixed.id)).all()
    assert len(msgs) == 1 and msgs[0].body.endswith("よろしくお願いいたします。")


def test_supervisor_overrides_with_reason(client: TestClient, login, csrf, app_engine) -> None:
    draft = first_clean(app_engine)
    login("supervisor")
    token = csrf(client, f"/drafts/{draft.id}")
    r = client.post(
        f"/drafts/{draft.id}/edit",
        data={"csrf_token": token, "body": draft.body + "〇〇", "subject": draft.subject},
    )
    edited_id = int(r.headers["location"].rsplit("/", 1)[1])
    assert "上書きの理由" in client.get(f"/drafts/{edited_id}").text
    client.post(
        f"/drafts/{edited_id}/approve",
        data={"csrf_token": token, "override_reason": "お客様と電話で合意済み"},
    )
    page = client.get(f"/drafts/{edited_id}")
    assert page.context["d"].status == "approved" and "お客様と電話で合意済み" in page.text


def test_reject_and_regenerate(client: TestClient, login, csrf, app_engine) -> None:
    draft = first_clean(app_engine)
    login("agent")
    token = csrf(client, f"/drafts/{draft.id}")
    r = client.post(f"/drafts/{draft.id}/regenerate", data={"csrf_token": token})
    new_id = int(r.headers["location"].rsplit("/", 1)[1])
    assert new_id != draft.id
    client.post(f"/drafts/{new_id}/reject", data={"csrf_token": token, "reason": "電話済み"})
    assert client.get(f"/drafts/{new_id}").context["d"].status == "rejected"


def test_bulk_approve_by_supervisor(client: TestClient, login, csrf, app_engine) -> None:
    login("supervisor")
    page = client.get("/queue").context["page"]
    ids = [d.id for d in page.rows]
    token = csrf(client, "/queue")
    r = client.post("/queue/bulk-approve", data={"csrf_token": token, "draft_ids": ids})
    assert r.status_code == 303
    assert "一括承認しました" in client.get("/queue").text
    with Session(app_engine) as s:
        sent = s.exec(select(OutboxMessage)).all()
    assert len(sent) == page.eligible


def test_rules_page_and_simulator(client: TestClient, login, csrf) -> None:
    login("rule_author")
    r = client.get("/rules")
    assert r.template.name == "rules.html" and r.context["version"]
    token = csrf(client, "/rules")
    import json

    order = json.dumps(next(sample_orders(1, seed=3)), ensure_ascii=False)
    r = client.post("/rules/simulate", data={"csrf_token": token, "order_json": order})
    assert r.context["decision"] is not None and 'id="simulation"' in r.text
    r = client.post("/rules/simulate", data={"csrf_token": token, "order_json": "{bad"})
    assert r.context["error"]


def test_audit_page_shows_who_did_what(client: TestClient, login, app_engine) -> None:
    login("supervisor")
    r = client.get("/audit", params={"action": "drafted"})
    assert r.template.name == "audit.html"
    assert r.context["events"] and {e.action for e in r.context["events"]} == {"drafted"}


def test_api_orders_upsert_and_eta_event(client: TestClient, app_engine: Engine) -> None:
    token = users.create_token(app_engine, username="admin", name="erp")
    auth = {"Authorization": f"Bearer {token}"}
    docs = list(sample_orders(3, seed=99))
    docs[0]["order_id"] = "ERP-1"
    docs[0]["po_ref"] = "PO-1"
    bad = dict(docs[1], quantity=-1)
    r = client.post("/api/orders", json=[docs[0], bad], headers=auth)
    assert r.status_code == 200
    body = r.json()
    assert body["created"] == 1 and body["errors"][0]["field"] == "quantity"
    assert client.post("/api/orders", json=docs[0], headers=auth).json()["unchanged"] == 1
    event = {"po_ref": "PO-1", "eta": {"earliest": "2027-01-10", "latest": "2027-01-12"}}
    r = client.post("/api/events/eta", json=event, headers=auth)
    assert r.status_code == 200 and r.json()["order_ids"] == ["ERP-1"]
    r = client.post("/api/events/eta", json={"eta": event["eta"]}, headers=auth)
    assert r.status_code == 422


def test_voc_page_shows_the_latest_report(client: TestClient, login, settings) -> None:
    login("marketing")
    assert "まだありません" in client.get("/voc").text
    assert client.get("/voc/report").status_code == 404
    from noki.voc import build_report
    from noki.voc.models import Voice

    voices = [
        Voice(id=f"v{i}", date="2026-11-20", channel="email", text="いつ届くのか連絡がない")
        for i in range(3)
    ]
    settings.voc_dir.mkdir(parents=True, exist_ok=True)
    (settings.voc_dir / "voc-report.json").write_text(build_report(voices, []).model_dump_json())
    assert "<iframe" in client.get("/voc").text
    r = client.get("/voc/report")
    assert r.status_code == 200 and "<html" in r.text.lower()
