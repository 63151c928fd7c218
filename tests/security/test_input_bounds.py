"""Items 7, 8, 10: size limits, contact validation, strict types at the API boundary."""

from __future__ import annotations

import json
from email import message_from_bytes
from typing import Any

import pytest
from fastapi.testclient import TestClient

from noki.messaging.base import Outgoing
from noki.messaging.mime import email_bytes
from noki.services.demo import sample_records
from noki.services.order_input import parse_orders


def _order(**changes: Any) -> dict[str, Any]:
    doc = json.loads(sample_records(1)[0].model_dump_json())
    doc["order_id"] = "SEC-1"
    for path, value in changes.items():
        node = doc
        *parents, leaf = path.split(".")
        for key in parents:
            node = node[key]
        node[leaf] = value
    return doc


def _post(client: TestClient, headers: dict[str, str], body: Any):
    return client.post("/api/orders", json=body, headers=headers)


def _fields(r) -> set[str]:
    return {e["field"] for e in r.json()["errors"]}


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("quantity", True),
        ("quantity", 10**30),
        ("quantity", "3"),
        ("unit_price_jpy", 1.5),
        ("partial_allowed", "yes"),
        ("partial_allowed", 1),
        ("customer.fleet", "true"),
        ("order_id", "x" * 1_000),
        ("customer.name", "名" * 10_000),
        ("sku.substitutes", ["S"] * 500),
        ("customer.contact.email", "a@example.jp\r\nBcc: victim@example.jp"),
        ("customer.contact.email", "not-an-address"),
        ("customer.contact.phone", "09012345678\r\nTo: +819099999999"),
        ("customer.contact.phone", "12"),
    ],
)
def test_bad_field_is_a_422_naming_it(client: TestClient, token, path: str, value: Any) -> None:
    r = _post(client, token("admin"), [_order(**{path: value})])
    assert r.status_code == 422, r.text
    assert path in _fields(r)


def test_good_order_next_to_a_bad_one_is_kept(client: TestClient, token) -> None:
    good = _order()
    bad = _order(order_id="SEC-2", quantity=True)
    r = _post(client, token("admin"), [good, bad])
    assert r.status_code == 200 and r.json()["created"] == 1
    assert r.json()["errors"][0]["index"] == 1


def test_phone_and_email_are_stored_in_normal_form(client: TestClient, token) -> None:
    doc = _order(
        **{"customer.contact.phone": "090-1234-5678", "customer.contact.email": "A@Example.JP"}
    )
    parsed = parse_orders(json.dumps(doc))
    value = parsed[0].value  # type: ignore[union-attr]
    assert value.customer.contact.phone == "+819012345678"
    assert value.customer.contact.email == "A@example.jp"


def test_csv_ingest_rejects_a_header_injection_line() -> None:
    header = "order_id,contact_email"
    text = header + "\nX,\"a@example.jp\r\nBcc: x@example.jp\"\n"
    problems = [p for p in parse_orders(text, csv_format=True) if not hasattr(p, "value")]
    assert problems and "contact_email" in str(problems)


def test_no_header_line_can_be_injected_into_a_built_email() -> None:
    msg = Outgoing(
        outbox_id=1, channel="email", recipient="a@example.jp\r\nBcc : x@example.jp",
        subject="件名", body="本文",
    )
    with pytest.raises(ValueError, match="line break"):
        email_bytes(msg, sender="noki <noreply@noki.example>")
    ok = Outgoing(outbox_id=1, channel="email", recipient="a@example.jp", subject="s", body="b")
    parsed = message_from_bytes(email_bytes(ok, sender="noki <noreply@noki.example>"))
    assert parsed.get_all("To") == ["a@example.jp"] and parsed.get_all("Bcc") is None


def test_request_body_over_the_limit_is_413(client: TestClient, token) -> None:
    huge = b"[" + b" " * 2_100_000 + b"]"
    headers = {**token("admin"), "content-type": "application/json"}
    r = client.post("/api/orders", content=huge, headers=headers)
    assert r.status_code == 413 and "larger than" in r.json()["detail"]


def test_chunked_body_over_the_limit_is_413(client: TestClient, token) -> None:
    def chunks():
        for _ in range(300):
            yield b" " * 10_000

    headers = {**token("admin"), "content-type": "application/json"}
    r = client.post("/api/orders", content=chunks(), headers=headers)
    assert r.status_code == 413


def test_batch_over_the_limit_is_413(client: TestClient, token) -> None:
    batch = [{"order_id": str(i)} for i in range(1001)]
    r = _post(client, token("admin"), batch)
    assert r.status_code == 413 and "at most 1000" in r.json()["detail"]
    events = [{"event_id": str(i), "kind": "shipped"} for i in range(1001)]
    r = client.post("/api/events", json=events, headers=token("admin"))
    assert r.status_code == 413 and r.json()["detail"].startswith("1001 events")


def test_long_form_fields_are_422(client: TestClient, login) -> None:
    from tests.security.conftest import csrf_of

    login("agent")
    token = csrf_of(client, "/queue")
    r = client.post("/drafts/1/edit", data={"csrf_token": token, "body": "あ" * 20_000})
    assert r.status_code == 422


@pytest.mark.parametrize(
    "event",
    [
        {"sku_id": "S", "po_ref": "P", "eta": {"earliest": "2026-12-10", "latest": "2026-12-12"}},
        {"eta": {"earliest": "2026-12-10", "latest": "2026-12-12"}},
        {"sku_id": 5, "eta": {"earliest": "2026-12-10", "latest": "2026-12-12"}},
        {"sku_id": "S", "eta": {"earliest": 1_700_000_000, "latest": "2026-12-12"}},
        {"sku_id": "S", "eta": {"earliest": "2026-12-10", "latest": "2026-12-12"}, "x": 1},
    ],
)
def test_eta_event_types_are_strict(client: TestClient, token, event: dict[str, Any]) -> None:
    r = client.post("/api/events/eta", json=event, headers=token("admin"))
    assert r.status_code == 422, r.text


def test_pages_past_any_list_are_refused_or_clamped(client: TestClient, login, token) -> None:
    login("admin")
    assert client.get("/audit?page=" + "9" * 30).status_code == 422
    assert client.get("/outbox?page=0").status_code == 422
    assert client.get("/audit?page=2").status_code == 200
    r = client.get("/api/queue?page=" + str(10**15), headers=token("admin"))
    assert r.status_code == 200 and r.json()["drafts"] == []
