"""The JSON API refuses bad events and items before writing anything (issue 9 #2, #4)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from noki.app import AppContext
from noki.db.models import AuditEvent, DraftRow, EtaHistory, OrderRow
from noki.sample.orders import sample_orders
from noki.services import users
from noki.settings import Settings
from noki.web.app import create_app

ETA = {"earliest": "2027-02-01", "latest": "2027-02-03"}


@pytest.fixture
def auth(app_engine: Engine) -> dict[str, str]:
    token = users.create_token(app_engine, username="admin", name="oms")
    return {"Authorization": f"Bearer {token}"}


def _counts(engine: Engine) -> tuple[int, int, int, int]:
    """Orders, drafts, ETA history rows and audit events: any write moves one of them."""
    with Session(engine) as s:
        return tuple(  # type: ignore[return-value]
            s.exec(select(func.count()).select_from(t)).one()
            for t in (OrderRow, DraftRow, EtaHistory, AuditEvent)
        )


def _docs(n: int, seed: int = 5) -> list[dict[str, Any]]:
    docs = list(sample_orders(n, seed=seed))
    for i, d in enumerate(docs):
        d["order_id"] = f"API-{seed}-{i:04d}"
    return docs


@pytest.mark.parametrize(
    "event",
    [
        {"sku_id": "", "eta": ETA},
        {"sku_id": "   ", "eta": ETA},
        {"po_ref": "", "eta": ETA},
        {"eta": ETA},
        {"sku_id": "X", "po_ref": "Y", "eta": ETA},
        {"sku_id": None, "po_ref": None, "eta": ETA},
    ],
)
def test_eta_event_without_exactly_one_key_is_422_and_writes_nothing(
    client: TestClient, app_engine: Engine, auth: dict[str, str], event: dict[str, Any]
) -> None:
    before = _counts(app_engine)
    r = client.post("/api/events/eta", json=event, headers=auth)
    assert r.status_code == 422, r.text
    assert "sku_id" in r.text or "po_ref" in r.text
    assert _counts(app_engine) == before


def test_eta_event_states_its_scope(
    client: TestClient, app_engine: Engine, auth: dict[str, str]
) -> None:
    docs = _docs(3)
    for d in docs:
        d["sku"]["sku_id"] = "SCOPE-1"
    assert client.post("/api/orders", json=docs, headers=auth).json()["created"] == 3
    r = client.post("/api/events/eta", json={"sku_id": "SCOPE-1", "eta": ETA}, headers=auth)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["scope"] == {"key": "sku_id", "value": "SCOPE-1", "open_orders": 3}
    assert body["updated"] == 3 and sorted(body["order_ids"]) == sorted(d["order_id"] for d in docs)


def test_a_large_scope_needs_confirm_scope(
    settings: Settings, app_engine: Engine, auth: dict[str, str]
) -> None:
    small = AppContext(settings.model_copy(update={"eta_event_max_orders": 2}), engine=app_engine)
    with TestClient(create_app(small), follow_redirects=False) as client:
        docs = _docs(3)
        for d in docs:
            d["sku"]["sku_id"] = "SCOPE-2"
        client.post("/api/orders", json=docs, headers=auth)
        before = _counts(app_engine)
        event = {"sku_id": "SCOPE-2", "eta": ETA}
        r = client.post("/api/events/eta", json=event, headers=auth)
        assert r.status_code == 422
        assert r.json()["scope"] == {"key": "sku_id", "value": "SCOPE-2", "open_orders": 3}
        assert r.json()["detail"][0]["loc"] == ["body", "confirm_scope"]
        assert _counts(app_engine) == before
        r = client.post("/api/events/eta", json={**event, "confirm_scope": True}, headers=auth)
        assert r.status_code == 200 and r.json()["updated"] == 3


def test_reposting_the_original_order_restores_it_after_an_eta_event(
    client: TestClient, app_engine: Engine, auth: dict[str, str]
) -> None:
    doc = _docs(1)[0]
    doc["po_ref"] = "PO-RESTORE"
    client.post("/api/orders", json=doc, headers=auth)
    event = {"po_ref": "PO-RESTORE", "eta": {"earliest": "2027-05-01", "latest": "2027-05-09"}}
    assert client.post("/api/events/eta", json=event, headers=auth).json()["updated"] == 1
    r = client.post("/api/orders", json=doc, headers=auth)
    assert r.json()["updated"] == 1, r.json()  # not "unchanged": the stored order differs
    with Session(app_engine) as s:
        row = s.get(OrderRow, doc["order_id"])
        assert row is not None and row.payload["eta"]["latest"] == doc["eta"]["latest"]
    assert client.post("/api/orders", json=doc, headers=auth).json()["unchanged"] == 1


def test_repeated_order_id_is_named_by_index_and_nothing_of_it_is_written(
    client: TestClient, app_engine: Engine, auth: dict[str, str]
) -> None:
    docs = _docs(250)  # more than one ingest chunk (200): the old code committed the first
    docs[230] = copy.deepcopy(docs[5])
    docs[230]["quantity"] = docs[5]["quantity"] + 1
    r = client.post("/api/orders", json=docs, headers=auth)
    assert r.status_code == 200, r.text
    body = r.json()
    named = [(e["index"], e["field"]) for e in body["errors"]]
    assert named == [(5, "order_id"), (230, "order_id")]
    assert "230" in body["errors"][0]["message"] and "5" in body["errors"][1]["message"]
    assert body["created"] == 248
    with Session(app_engine) as s:
        assert s.get(OrderRow, docs[5]["order_id"]) is None


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("as_of",), "9999-12-31", "as_of"),
        (("eta", "latest"), "9999-12-31", "eta.latest"),
        (("customer", "name"), "山田\x00太郎", "customer.name"),
        (("sku", "name"), "部品\x00", "sku.name"),
        (("order_id",), "A\x00B", "order_id"),
    ],
)
def test_bad_item_is_422_naming_index_and_field_before_anything_is_written(
    client: TestClient,
    app_engine: Engine,
    auth: dict[str, str],
    path: tuple[str, ...],
    value: str,
    field: str,
) -> None:
    docs = _docs(2, seed=6)
    node = docs[1]
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    before = _counts(app_engine)
    r = client.post("/api/orders", json=[docs[1]], headers=auth)
    assert r.status_code == 422, r.text
    assert [(e["index"], e["field"]) for e in r.json()["errors"]] == [(0, field)]
    assert _counts(app_engine) == before
    r = client.post("/api/orders", json=docs, headers=auth)  # the good one beside it is kept
    assert r.status_code == 200 and r.json()["created"] == 1
    assert [(e["index"], e["field"]) for e in r.json()["errors"]] == [(1, field)]


def test_eta_event_far_future_as_of_is_422(
    client: TestClient, app_engine: Engine, auth: dict[str, str]
) -> None:
    before = _counts(app_engine)
    event = {"sku_id": "X", "eta": ETA, "as_of": "9999-12-31"}
    r = client.post("/api/events/eta", json=event, headers=auth)
    assert r.status_code == 422 and "as_of" in r.text
    assert _counts(app_engine) == before
