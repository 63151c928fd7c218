"""Inquiries: `POST /api/inquiries` (chat, phone notes, web forms) and the console list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse, Response

from noki.faq import FaqIndex, load_faq
from noki.inbound.models import INTENT_LABELS, STATUS_LABELS
from noki.inbound.records import validate_batch
from noki.services.inquiries import list_inquiries, receive_record
from noki.web import masked_views
from noki.web.deps import CtxDep, CurrentUser, PermissionDenied, UserDep, need
from noki.web.render import render

router = APIRouter()
QueueReader = Annotated[CurrentUser, Depends(need("queue.read"))]
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
    faq = FaqIndex(load_faq(ctx.settings.faq_path))
    stored = []
    for record in good:
        got = receive_record(ctx.engine, record, faq=faq)
        stored.append({"id": got.inquiry_id, "created": got.created})
    return JSONResponse({"stored": stored, "errors": errors},
                        status_code=422 if errors and not good else 200)


@router.get("/inquiries")
def inquiries_page(request: Request, ctx: CtxDep, user: QueueReader, state: str = "") -> Response:
    """Customers' replies and questions: intent, link, proposed choice, answer draft, SLA."""
    lines = list_inquiries(ctx.engine, now=ctx.clock.now(), state=state)
    if not user.can("contact.read"):  # marketing reads voices, not who wrote them
        masked_views.inquiries([line.row for line in lines])
    return render(request, "inquiries.html", {
        "user": user, "lines": lines, "state": state, "intents": INTENT_LABELS,
        "statuses": STATUS_LABELS})
