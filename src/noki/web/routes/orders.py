"""The console's order page: timeline, ledger, webhooks; record an event or a choice."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from noki.services import order_view
from noki.services.errors import Forbidden
from noki.services.self_service import self_service_url
from noki.web.deps import Csrf, CtxDep, CurrentUser, need
from noki.web.render import flash, render

router = APIRouter()
Reader = Annotated[CurrentUser, Depends(need("queue.read"))]
Writer = Annotated[CurrentUser, Depends(need("draft.write"))]
Field = Annotated[str, Form(max_length=500)]


@router.get("/orders/{order_id}")
def order_page(request: Request, ctx: CtxDep, user: Reader, order_id: str) -> Response:
    """Header (state, ETA, choice, ledger), the timeline, webhooks and the action forms."""
    page = order_view.order_page(ctx, order_id)
    if page is None:
        raise HTTPException(404, f"order {order_id} not found")
    link = self_service_url(ctx, order_id) if user.can("draft.write") else None
    return render(request, "order.html", {"user": user, "o": page, "self_service_link": link,
                                          "can_events": user.can("orders.events")})


@router.post("/orders/{order_id}/events", dependencies=[Csrf])
def record_event(
    request: Request, ctx: CtxDep, user: Writer, order_id: str,
    kind: Annotated[str, Form(max_length=20)],
    quantity: Field = "", tracking_number: Field = "", carrier: Field = "", reason: Field = "",
    refund_jpy: Field = "", refund_by: Field = "", option: Field = "", note: Field = "",
) -> Response:
    """Apply one event (choice: agent+; shipments and cancellation: supervisor+), audited."""
    form = {"quantity": quantity, "tracking_number": tracking_number, "carrier": carrier,
            "reason": reason, "refund_jpy": refund_jpy, "refund_by": refund_by,
            "option": option, "note": note}
    try:
        errors = order_view.record_event(ctx, user.actor, order_id, kind, form)
    except Forbidden:
        flash(request, "この操作の権限がありません（出荷・取消の記録は supervisor 以上）。",
              "error")
        return RedirectResponse(f"/orders/{order_id}", status_code=303)
    if errors:
        flash(request, "記録できませんでした: " + " / ".join(errors), "error")
    else:
        flash(request, "記録しました。")
    return RedirectResponse(f"/orders/{order_id}", status_code=303)
