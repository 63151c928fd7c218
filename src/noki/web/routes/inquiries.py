"""Inquiries: `POST /api/inquiries` (chat, phone notes, web forms) and the console list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from noki.inbound.models import INTENT_LABELS, STATUS_LABELS
from noki.inbound.records import validate_batch
from noki.services.answers import match_inquiry
from noki.services.errors import ServiceError
from noki.services.inquiries import list_inquiries, receive_record
from noki.services.inquiry_choice import record_choice
from noki.services.inquiry_views import sla
from noki.web import masked_views
from noki.web.deps import Csrf, CtxDep, CurrentUser, PermissionDenied, UserDep, need
from noki.web.render import flash, render

router = APIRouter()
QueueReader = Annotated[CurrentUser, Depends(need("queue.read"))]
Writer = Annotated[CurrentUser, Depends(need("draft.write"))]
MAX_ITEMS = 500


def _writer(user: UserDep) -> CurrentUser:
    # Integrations (orders.write) and agents taking calls (draft.write) record inquiries.
    if not (user.can("orders.write") or user.can("draft.write")):
        raise PermissionDenied("orders.write")
    return user


@router.post("/api/inquiries")
def post_inquiries(ctx: CtxDep, user: Annotated[CurrentUser, Depends(_writer)],
                   payload: Annotated[dict[str, Any] | list[dict[str, Any]], Body()],
                   ) -> JSONResponse:
    """Store one inquiry or a list; invalid items are reported by index, valid ones kept."""
    items = payload if isinstance(payload, list) else [payload]
    if len(items) > MAX_ITEMS:
        return JSONResponse({"detail": f"at most {MAX_ITEMS} inquiries per request"},
                            status_code=413)
    good, errors = validate_batch(items)
    faq = ctx.faq.index()
    stored = []
    for record in good:
        got = receive_record(ctx.engine, record, faq=faq, answerer=ctx.drafter.answer)
        stored.append({"id": got.inquiry_id, "created": got.created})
    return JSONResponse({"stored": stored, "errors": errors},
                        status_code=422 if errors and not good else 200)


@router.get("/inquiries")
def inquiries_page(request: Request, ctx: CtxDep, user: QueueReader, state: str = "") -> Response:
    """Customers' replies and questions: intent, link, proposed choice, answer draft, SLA."""
    now, target = ctx.clock.now(), ctx.settings.inquiry_first_response_minutes
    lines = list_inquiries(ctx.engine, now=now, state=state)
    if not user.can("contact.read"):  # marketing reads voices, not who wrote them
        masked_views.inquiries([line.row for line in lines])
    return render(request, "inquiries.html", {
        "user": user, "lines": lines, "state": state, "intents": INTENT_LABELS,
        "statuses": STATUS_LABELS,
        "slas": {line.row.id: sla(line.row, now=now, target=target) for line in lines}})


@router.post("/inquiries/{inquiry_id}/match", dependencies=[Csrf])
def match(request: Request, ctx: CtxDep, user: Writer, inquiry_id: int,
          order_id: Annotated[str, Form(max_length=64)]) -> Response:
    """A person links an unlinked inquiry to an order; its answer goes to the review queue."""
    try:
        draft_id = match_inquiry(ctx.engine, inquiry_id=inquiry_id, order_id=order_id,
                                 actor=user.actor, faq=ctx.faq.index())
    except ServiceError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse(f"/inquiries#inquiry-{inquiry_id}", status_code=303)
    flash(request, f"注文 {order_id.strip()} と照合しました。回答案を承認キューに入れました。")
    return RedirectResponse(f"/drafts/{draft_id}" if draft_id else "/inquiries",
                            status_code=303)


@router.post("/inquiries/{inquiry_id}/choice", dependencies=[Csrf])
def choice(request: Request, ctx: CtxDep, user: Writer, inquiry_id: int,
           back: Annotated[str, Form(max_length=200)] = "") -> Response:
    """Record the customer's proposed choice as an agent's choice event (never automatic)."""
    try:
        flash(request, record_choice(ctx, inquiry_id=inquiry_id, actor=user.actor))
    except ServiceError as exc:
        flash(request, str(exc), "error")
    safe = back if back.startswith("/drafts/") else f"/inquiries#inquiry-{inquiry_id}"
    return RedirectResponse(safe, status_code=303)
