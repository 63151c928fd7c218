"""JSON API for machines (bearer tokens): orders, ETA events, the queue; and /healthz."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from fastapi.responses import JSONResponse
from pydantic import ConfigDict, Field, model_validator
from sqlalchemy import text

from noki.services import queries
from noki.services.eta_scope import ScopeTooLarge
from noki.services.lifecycle_events import apply_events
from noki.services.order_input import validate_batch
from noki.services.orders import eta_event, ingest
from noki.web.deps import CtxDep, CurrentUser, EngineDep, need
from noki.web.strict import EtaIn, IsoDate, StrictBody, order_from_json

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


def _over_limit(items: list[Any], limit: int, what: str) -> JSONResponse | None:
    """413 for a batch larger than the configured limit (nothing of it is written)."""
    if len(items) <= limit:
        return None
    return JSONResponse({"detail": f"{len(items)} {what} in one request; send at most {limit}"},
                        status_code=413)


@router.post("/api/orders")
def post_orders(
    ctx: CtxDep,
    user: OrdersWriter,
    payload: Annotated[dict[str, Any] | list[dict[str, Any]], Body()],
) -> JSONResponse:
    """Upsert one order or a list; invalid items are reported, valid ones kept."""
    items = payload if isinstance(payload, list) else [payload]
    if too_many := _over_limit(items, ctx.settings.max_batch_orders, "orders"):
        return too_many
    # Every item is checked (JSON's own types, strictly) before anything is written.
    good, errors = validate_batch(items, parse=order_from_json)
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


class EtaEvent(StrictBody):
    """A new ETA for every open order of a SKU or of a purchase order."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["sku_id"]}, {"required": ["po_ref"]}]}
    )

    sku_id: str | None = Field(default=None, min_length=1, max_length=64)
    po_ref: str | None = Field(default=None, min_length=1, max_length=64)
    eta: EtaIn
    as_of: IsoDate | None = None
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


@router.post("/api/events")
def post_events(
    ctx: CtxDep,
    user: OrdersWriter,
    payload: Annotated[dict[str, Any] | list[Any], Body()],
) -> JSONResponse:
    """Lifecycle events (one or a list): applied once per event_id; bad ones named by field."""
    items = payload if isinstance(payload, list) else [payload]
    if too_many := _over_limit(items, ctx.settings.max_batch_orders, "events"):
        return too_many
    result = apply_events(ctx, items, actor=user.username, source="api")
    nothing_good = not result.applied and not result.duplicates
    return JSONResponse(result.as_json(),
                        status_code=422 if result.errors and nothing_good else 200)


@router.get("/api/queue")
def api_queue(
    engine: EngineDep,
    user: Annotated[CurrentUser, Depends(need("queue.read"))],
    f: Annotated[queries.QueueFilter, Depends()],
) -> dict[str, Any]:
    """Pending drafts (one page) and counts."""
    page = queries.queue(engine, f, username=user.username)
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
