"""JSON API for machines (bearer tokens): orders, ETA events, the queue; and /healthz."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, model_validator
from sqlalchemy import text

from noki.domain.order import Day, Eta
from noki.services import queries
from noki.services.eta_scope import ScopeTooLarge
from noki.services.order_input import validate_batch
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
    good, errors = validate_batch(items)  # every item is checked before anything is written
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

    sku_id: str | None = Field(default=None, min_length=1)
    po_ref: str | None = Field(default=None, min_length=1)
    eta: Eta
    as_of: Day | None = None
    confirm_scope: bool = Field(
        default=False,
        description="required when the key matches more open orders than "
        "NOKI_ETA_EVENT_MAX_ORDERS (default 100)",
    )

    @model_validator(mode="after")
    def _one_key(self) -> EtaEvent:
        if (self.sku_id is None) == (self.po_ref is None):
            raise ValueError("give exactly one of sku_id or po_ref")
        for key in ("sku_id", "po_ref"):
            value = getattr(self, key)
            if value is not None and not value.strip():
                raise ValueError(f"{key} is empty; give the SKU or purchase order")
        return self


@router.post("/api/events/eta", response_model=None)
def post_eta(
    ctx: CtxDep, user: OrdersWriter, event: EtaEvent
) -> dict[str, Any] | JSONResponse:
    """Re-decide the affected open orders, supersede their drafts, draft new notices."""
    try:
        report = eta_event(
            ctx,
            eta=event.eta,
            sku_id=event.sku_id,
            po_ref=event.po_ref,
            as_of=event.as_of,
            actor=user.username,
            auto_send=ctx.settings.auto_send,
            confirm_scope=event.confirm_scope,
            max_scope=ctx.settings.eta_event_max_orders,
        )
    except ScopeTooLarge as exc:
        detail = [{"loc": ["body", "confirm_scope"], "msg": str(exc), "type": "scope_too_large"}]
        return JSONResponse(
            {"detail": detail, "scope": exc.scope.as_json(), "limit": exc.limit},
            status_code=422,
        )
    return {
        "scope": report.scope.as_json(),
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
