"""Signed webhooks to partner systems: enqueue in the caller's transaction, sign, verify."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from noki.db.clock import utcnow
from noki.db.models_lifecycle import TimelineEntry
from noki.db.models_webhooks import WebhookMessage
from noki.services import audit
from noki.services.errors import Conflict, NotFound

TOPIC_PREFIXES = ("oms", "storefront")
SIGNATURE_HEADER = "X-Noki-Signature"
TIMESTAMP_HEADER = "X-Noki-Timestamp"
TOPIC_LABELS = {"oms.choice": "OMSへお客様のご選択を通知",
                "storefront.sales_control": "ストアへ販売制御を通知"}


def sign(secret: str, body: bytes) -> str:
    """The X-Noki-Signature value: sha256=<hex HMAC-SHA256 of the raw body>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """True when the header is the signature of exactly these bytes (for receivers and tests)."""
    return bool(header) and hmac.compare_digest(sign(secret, body), str(header))


def encode_body(topic: str, key: str, payload: dict[str, Any]) -> str:
    """The JSON document sent: topic, key and the payload (UTF-8, keys sorted)."""
    return json.dumps({"topic": topic, "key": key, "data": payload},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def enqueue(
    session: Session, topic: str, key: str, payload: dict[str, Any], *,
    order_id: str | None = None,
) -> int:
    """Queue one webhook in the caller's transaction; the same (topic, key) is queued once.

    Returns the id of the new or the existing message. `order_id` (default: payload
    "order_id") puts the webhook on that order's timeline.
    """
    if topic.split(".", 1)[0] not in TOPIC_PREFIXES or "." not in topic:
        raise ValueError(f"topic: {topic!r} is not <{'|'.join(TOPIC_PREFIXES)}>.<name>")
    if not key or len(key) > 200:
        raise ValueError("key: 1-200 characters expected")
    body = encode_body(topic, key, payload)  # refuses what JSON cannot carry, before writing
    order_id = order_id if order_id is not None else _str_or_none(payload.get("order_id"))
    values = {"topic": topic, "key": key, "order_id": order_id, "payload": payload,
              "body": body, "status": "pending", "attempts": 0,
              "next_attempt_at": utcnow(), "created_at": utcnow()}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # ON CONFLICT DO NOTHING: a concurrent enqueue of the same key neither fails nor doubles.
    stmt = insert(WebhookMessage).values(**values).on_conflict_do_nothing(
        index_elements=["topic", "key"]).returning(col(WebhookMessage.id))
    new_id = session.execute(stmt).scalar()
    if new_id is None:
        existing = session.exec(select(WebhookMessage.id).where(
            WebhookMessage.topic == topic, WebhookMessage.key == key)).one()
        return int(existing or 0)
    if order_id is not None:
        session.add(TimelineEntry(
            order_id=order_id, kind="webhook", actor="system", source=topic,
            ref=f"webhook:{new_id}",
            summary=f"{TOPIC_LABELS.get(topic, topic)}（送信待ち）",
            detail={"topic": topic, "key": key, "webhook_id": new_id},
        ))
    return int(new_id)


def retry_dead(session: Session, webhook_id: int, *, actor: str) -> WebhookMessage:
    """Put a dead-lettered webhook back in the queue (e.g. after fixing the secret or URL)."""
    msg = session.get(WebhookMessage, webhook_id)
    if msg is None:
        raise NotFound(f"webhook {webhook_id} not found")
    if msg.status != "dead":
        raise Conflict(f"webhook {webhook_id} is {msg.status}, not dead")
    msg.status, msg.attempts, msg.next_attempt_at = "pending", 0, utcnow()
    session.add(msg)
    audit.record(session, actor=actor, action="webhook_retried", order_id=msg.order_id,
                 webhook_id=webhook_id, topic=msg.topic)
    return msg


def for_order(session: Session, order_id: str) -> list[WebhookMessage]:
    """The webhooks about one order, oldest first."""
    return list(session.exec(
        select(WebhookMessage).where(WebhookMessage.order_id == order_id)
        .order_by(col(WebhookMessage.id))).all())


def _str_or_none(value: object) -> str | None:
    return str(value) if isinstance(value, str) and value else None
