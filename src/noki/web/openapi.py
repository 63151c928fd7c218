"""The OpenAPI schema: served to token holders only, stating the real request bodies."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from noki.services.order_input import OrderIn
from noki.web.deps import UserDep

router = APIRouter()

_ERROR = {
    "type": "object",
    "properties": {"detail": {}},
    "required": ["detail"],
}
# Statuses every API operation may answer besides its own (documented so clients expect them).
_COMMON = {
    "400": "the body is not JSON",
    "401": "no or unknown bearer token",
    "403": "the token's role may not do this, or a cross-origin write",
    "413": "request body (or batch) too large",
}


@router.get("/api/openapi.json", include_in_schema=False)
def openapi_json(request: Request, user: UserDep) -> JSONResponse:
    """The schema, for anyone holding a valid token."""
    return JSONResponse(request.app.openapi())


def install(app: FastAPI) -> None:
    """Replace app.openapi by a generator that patches what FastAPI cannot infer."""
    plain = app.openapi
    max_batch = app.state.settings.max_batch_orders

    def schema() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = plain()
        # The schema describes the machine API; console pages are HTML forms, not an API.
        doc["paths"] = {
            path: ops
            for path, ops in doc.get("paths", {}).items()
            if path.startswith("/api/") or path == "/healthz"
        }
        _orders_body(doc, max_batch)
        for path, ops in doc.get("paths", {}).items():
            if not path.startswith("/api/"):
                continue
            for op in ops.values():
                for code, text in _COMMON.items():
                    op.setdefault("responses", {}).setdefault(code, _response(text))
        app.openapi_schema = doc
        return doc

    app.openapi = schema  # type: ignore[method-assign]


def _orders_body(doc: dict[str, Any], max_batch: int) -> None:
    """POST /api/orders takes one order or a list of 1..max_batch orders (OrderIn)."""
    order = OrderIn.model_json_schema(ref_template="#/components/schemas/{model}")
    components = doc.setdefault("components", {}).setdefault("schemas", {})
    components.update(order.pop("$defs", {}))
    components["OrderIn"] = order
    ref = {"$ref": "#/components/schemas/OrderIn"}
    body = {
        "oneOf": [ref, {"type": "array", "items": ref, "minItems": 1, "maxItems": max_batch}]
    }
    op = doc["paths"]["/api/orders"]["post"]
    op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}


def _response(text: str) -> dict[str, Any]:
    return {"description": text, "content": {"application/json": {"schema": _ERROR}}}
