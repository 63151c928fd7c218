"""JSON API for machines (bearer tokens): orders, ETA events, the queue; and /healthz."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError, model_validator
from sqlalchemy import text

from noki.domain.order import Eta
from noki.io.jsonl import format_validation_error
from noki.services import queries
from noki.services.order_input import OrderIn
from noki.services.orders import eta_event, ingest
from noki.web.deps import CtxDep, CurrentUser, EngineDep, need

router = APIRouter()
OrdersWriter = Annotated[CurrentUser, Depends(need("orders.write"))]


@router.get("/healthz")
def healthz(engine: EngineDep) -> JSONResponse:
    """Liveness and database reachability; no login."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # report, do not raise: this is the health endpoint
        return JSONResponse({"status": "error", "database": str(exc)[:200]}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


@router.post("/api/orders")
def post_orders(
    ctx: CtxDep,
    user: OrdersWriter,
    payload: Annotated[dict[str, Any] | list[dict[str, Any]], Body()],
) -> JSONResponse:
    """Upsert one order or a list; invalid items are reported, valid ones kept."""
    items = payload if isinstance(payload, list) else [payload]
    good, errors = [], []
    for index, item in enumerate(items):
        try:
            good.append(OrderIn.model_validate(item))
        except ValidationError as exc:
            errors += [
                {"index": index, "field": f, "message": m} for f, m in format_validation_error(exc)
            ]
    report = ingest(ctx, good, actor=user.username, auto_send=ctx.settings.auto_send)
    body = {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "drafted": report.drafted,
        "superseded": report.superseded,
        "errors": errors,
    }
    return JSONResponse(body, status_code=422 if errors and not good else 200)


class EtaEvent(BaseModel):
    """A new ETA for every open order of a SKU or of a purchase order."""

    sku_id: str | None = None
    po_ref: str | None = None
    eta: Eta
    as_of: date | None = None

    @model_validator(mode="after")
    def _one_key(self) -> EtaEvent:
        if (self.sku_id is None) == (self.po_ref is None):
            raise ValueError("give exactly one of sku_id or po_ref")
        return self


@router.post("/api/events/eta")
def post_eta(ctx: CtxDep, user: OrdersWriter, event: EtaEvent) -> dict[str, Any]:
    """Re-decide the affected open orders, supersede their drafts, draft new notices."""
    report = eta_event(
        ctx,
        eta=event.eta,
        sku_id=event.sku_id,
        po_ref=event.po_ref,
        as_of=event.as_of,
        actor=user.username,
        auto_send=ctx.settings.auto_send,
    )
    return {
        "updated": report.updated,
        "unchanged": report.unchanged,
        "drafted": report.drafted,
        "superseded": report.superseded,
        "order_ids": report.order_ids,
    }


@router.get("/api/queue")
def api_queue(
    engine: EngineDep,
    user: Annotated[CurrentUser, Depends(need("queue.read"))],
    f: Annotated[queries.QueueFilter, Depends()],
) -> dict[str, Any]:
    """Pending drafts (one page) and counts."""
    page = queries.queue(engine, f)
    rows = [
        {
            "id": d.id,
            "order_id": d.order_id,
            "lane": d.lane,
            "industry": d.industry,
            "compensation": d.compensation,
            "approval": d.approval,
            "channel": d.channel,
            "check_ok": d.check_ok,
            "created_at": d.created_at.isoformat(),
        }
        for d in page.rows
    ]
    return {"total": page.total, "counts": page.counts, "drafts": rows}
