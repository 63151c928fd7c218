"""The compensation ledger line of a sent notice, written with the message's "sent" status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from noki.db.models import AuditEvent, DecisionRow, DraftRow
from noki.db.models_lifecycle import CompensationGrantRow, TimelineEntry
from noki.domain.decision import Compensation
from noki.drafting.wording import compensation_short
from noki.outbox.claim import Claimed

CHANNEL_LABELS = {"email": "メール", "sms": "SMS"}


def record_sent(conn: Connection, msg: Claimed, *, at: datetime, worker: str) -> None:
    """Timeline the sent notice and, once per decision and kind, grant what it states.

    Runs in the transaction that marks the message sent: the e-mail and the SMS of one
    decision are one ledger line (unique order, decision, type; a second insert is a no-op).
    """
    draft = conn.execute(
        select(col(DraftRow.decision_id), col(DraftRow.compensation), col(DraftRow.meta),
               col(DraftRow.kind))
        .where(col(DraftRow.id) == msg.draft_id)
    ).first()
    if draft is None:
        return
    decision_id, comp_type, meta, kind = draft
    conn.execute(insert(TimelineEntry).values(
        order_id=msg.order_id, at=at, kind="message", actor=f"sender:{worker}",
        source=msg.channel, ref=f"message:{msg.id}",
        summary=f"通知を送信（{CHANNEL_LABELS.get(msg.channel, msg.channel)}・{kind}）",
        detail={"message_id": msg.id, "draft_id": msg.draft_id, "kind": kind}))
    if comp_type in (None, "none"):
        return
    amount = (meta or {}).get("compensation_amount")
    values: dict[str, Any] = {
        "order_id": msg.order_id, "type": comp_type, "amount_jpy": amount,
        "decision_id": decision_id, "rule_id": _rule_id(conn, decision_id),
        "draft_id": msg.draft_id, "message_id": msg.id, "granted_at": at,
    }
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    new_id = conn.execute(
        dialect.insert(CompensationGrantRow).values(**values)
        .on_conflict_do_nothing(index_elements=["order_id", "decision_id", "type"])
        .returning(col(CompensationGrantRow.id))
    ).scalar()
    if new_id is None:
        return  # the other channel of this decision was sent first: already granted
    try:
        label = compensation_short(Compensation(type=comp_type, amount_jpy=amount))
    except KeyError:  # a kind the wording does not know yet: its code is still clear
        label = f"{comp_type} {amount if amount is not None else ''}".strip()
    conn.execute(insert(TimelineEntry).values(
        order_id=msg.order_id, at=at, kind="grant", actor=f"sender:{worker}",
        source=msg.channel, ref=f"grant:{new_id}", summary=f"補償を付与: {label}",
        detail={"type": comp_type, "amount_jpy": amount, "decision_id": decision_id}))
    conn.execute(insert(AuditEvent).values(
        at=at, actor=f"sender:{worker}", action="granted", order_id=msg.order_id,
        draft_id=msg.draft_id, message_id=msg.id,
        detail={"type": comp_type, "amount_jpy": amount, "decision_id": decision_id}))


def _rule_id(conn: Connection, decision_id: int) -> str | None:
    """The rule that set the compensation (the last compensation row of the trace)."""
    payload = conn.execute(
        select(col(DecisionRow.payload)).where(col(DecisionRow.id) == decision_id)
    ).scalar()
    trace = (payload or {}).get("trace") or []
    rules = [t.get("rule") for t in trace if str(t.get("ruleset", "")).startswith("compensation")]
    return str(rules[-1])[:120] if rules else None
