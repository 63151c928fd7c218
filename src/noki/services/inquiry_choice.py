"""A choice the customer wrote in a reply (「代替品でお願いします」) is only a proposal: an agent
records it, on the inquiry or the answer draft page, as a lifecycle `choice` event."""

from __future__ import annotations

from sqlmodel import Session

from noki.app import AppContext
from noki.db import session_scope
from noki.db.models import InquiryRow
from noki.services import audit
from noki.services.answers import _cas_inquiry
from noki.services.errors import Conflict, Invalid, NotFound
from noki.services.roles import Actor, require
from noki.services.transitions import retrying


def choice_event(inq: InquiryRow) -> dict[str, object]:
    """The event an agent records for the inquiry's proposed choice (one id per inquiry: a
    second click is a duplicate, applied once)."""
    if inq.choice is None or inq.order_id is None:
        raise Conflict(f"問い合わせ #{inq.id} には記録できる選択の申し出がありません")
    evidence = str(inq.choice.get("evidence", ""))[:200]
    return {"kind": "choice", "event_id": f"inquiry-{inq.id}-choice", "order_id": inq.order_id,
            "option": inq.choice["option"], "chosen_by": "agent",
            "note": f"問い合わせ #{inq.id} のご返信「{evidence}」"}


def record_choice(ctx: AppContext, *, inquiry_id: int, actor: Actor) -> str:
    """Apply the proposed choice as an agent's choice event; returns what happened (Japanese)."""
    from noki.services.lifecycle_events import apply_events

    require(actor, "draft.write")
    with Session(ctx.engine) as s:
        inq = s.get(InquiryRow, inquiry_id)
        if inq is None:
            raise NotFound(f"inquiry {inquiry_id} not found")
        event = choice_event(inq)
    result = apply_events(ctx, [event], actor=actor.name, source="inquiry")
    if result.errors:
        raise Invalid("選択を記録できませんでした: " + "; ".join(str(e) for e in result.errors))

    def mark() -> None:
        with session_scope(ctx.engine) as s:
            row = s.get(InquiryRow, inquiry_id, populate_existing=True)
            assert row is not None and row.choice is not None
            if row.choice.get("recorded_by"):
                return
            _cas_inquiry(s, row, choice={**row.choice, "recorded_by": actor.name,
                                         "recorded_at": ctx.clock.now().isoformat()})
            audit.record(s, actor=actor.name, action="choice_recorded", order_id=row.order_id,
                         inquiry_id=inquiry_id, option=row.choice["option"],
                         event_id=event["event_id"])

    retrying(mark)
    if result.duplicates:
        return "この選択はすでに記録されています。"
    return f"お客様の選択（{event['option']}）を記録しました。確認のお知らせが作成されます。"
