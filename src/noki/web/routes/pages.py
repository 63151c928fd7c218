"""Audit, outbox, rules and VOC pages."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from noki.app import AppContext
from noki.db import session_scope
from noki.services import masking, queries
from noki.services import outbox as outbox_service
from noki.services.errors import ServiceError
from noki.web import masked_views, rules_grid, rules_view
from noki.web.deps import Csrf, CtxDep, CurrentUser, EngineDep, SettingsDep, need
from noki.web.render import flash, render

router = APIRouter()
LIST_PAGE = 100  # audit events / outbox messages per page


@router.get("/audit")
def audit_page(
    request: Request,
    engine: EngineDep,
    user: Annotated[CurrentUser, Depends(need("audit.read"))],
    order_id: Annotated[str, Query(max_length=64)] = "",
    action: Annotated[str, Query(max_length=30)] = "",
    page: Annotated[int, Query(ge=1, le=queries.MAX_PAGE)] = 1,
) -> Response:
    """Who did what, when, to which order (newest first, one page at a time)."""
    events = queries.audit_events(
        engine,
        order_id=order_id.strip(),
        action=action.strip(),
        limit=LIST_PAGE + 1,
        offset=(page - 1) * LIST_PAGE,
    )
    return render(
        request,
        "audit.html",
        {
            "user": user,
            "events": events[:LIST_PAGE],
            "order_id": order_id,
            "action": action,
            "page": page,
            "has_next": len(events) > LIST_PAGE,
        },
    )


@router.get("/outbox")
def outbox_page(
    request: Request,
    engine: EngineDep,
    user: Annotated[CurrentUser, Depends(need("queue.read"))],
    status: Annotated[str, Query(max_length=10)] = "",
    page: Annotated[int, Query(ge=1, le=queries.MAX_PAGE)] = 1,
) -> Response:
    """Messages and their delivery state; dead letters show their error."""
    messages = queries.outbox_messages(
        engine, status=status, limit=LIST_PAGE + 1, offset=(page - 1) * LIST_PAGE
    )
    has_next = len(messages) > LIST_PAGE
    messages = messages[:LIST_PAGE]
    if not masking.sees_contacts(user.role):
        messages = list(masked_views.messages(messages))
    return render(
        request,
        "outbox.html",
        {
            "user": user,
            "messages": messages,
            "counts": queries.outbox_counts(engine),
            "status": status,
            "page": page,
            "has_next": has_next,
        },
    )


@router.post("/outbox/{message_id}/retry", dependencies=[Csrf])
def retry(
    request: Request,
    engine: EngineDep,
    message_id: int,
    user: Annotated[CurrentUser, Depends(need("outbox.retry"))],
) -> Response:
    """Put a dead letter back in the queue."""
    try:
        with session_scope(engine) as s:
            outbox_service.retry_dead(s, message_id, actor=user.username)
        flash(request, "再送キューに戻しました。")
    except ServiceError as exc:
        flash(request, str(exc), "error")
    return RedirectResponse("/outbox?status=dead", status_code=303)


@router.get("/rules")
def rules_page(
    request: Request,
    ctx: CtxDep,
    user: Annotated[CurrentUser, Depends(need("rules.read"))],
) -> Response:
    """rules_version, the tables as read from rules/, the simulator and lint findings."""
    return _rules(request, ctx, user, order_json="")


@router.post("/rules/simulate", dependencies=[Csrf])
def simulate(
    request: Request,
    ctx: CtxDep,
    user: Annotated[CurrentUser, Depends(need("rules.read"))],
    order_json: Annotated[str, Form()] = "",
    order_id: Annotated[str, Form()] = "",
) -> Response:
    """Decide a pasted order (or one picked by its id) and show the decision with its trace."""
    if order_id.strip() and not order_json.strip():
        from noki.db.models import OrderRow

        with session_scope(ctx.engine) as s:
            row = s.get(OrderRow, order_id.strip())
            doc = row.payload if row else None
            if doc is not None and not masking.sees_contacts(user.role):
                doc = masking.mask_order(doc)  # rule authors need the facts, not the person
            order_json = json.dumps(doc, ensure_ascii=False, indent=1) if doc else ""
    return _rules(request, ctx, user, order_json=order_json, run=True)


@router.post("/rules/reload", dependencies=[Csrf])
def reload(
    request: Request, ctx: CtxDep, user: Annotated[CurrentUser, Depends(need("rules.reload"))]
) -> Response:
    """Load the approved live version again (edited files go live only through approval)."""
    from noki.services import rule_changes

    flash(request, rule_changes.reload(ctx, actor=user.actor).message)
    return RedirectResponse("/rules", status_code=303)


def _rules(
    request: Request, ctx: AppContext, user: CurrentUser, *, order_json: str, run: bool = False
) -> Response:
    store = ctx.rules
    decision, error = rules_view.simulate(store, order_json) if run else (None, None)
    return render(
        request,
        "rules.html",
        {
            "user": user,
            "version": rules_view.rules_version(store),
            "files": rules_view.rule_files(ctx.settings.rules_dir),
            "grids": rules_grid.grids(store.ruleset),
            "lint": rules_view.lint_findings(store),
            "order_json": order_json,
            "decision": decision,
            "error": error,
        },
    )


VocReader = Annotated[CurrentUser, Depends(need("voc.read"))]


@router.get("/voc")
def voc_page(request: Request, settings: SettingsDep, user: VocReader) -> Response:
    """The latest VOC explanation-gap report (written by `noki voc report` into NOKI_VOC_DIR)."""
    report = settings.voc_dir / "voc-report.json"
    return render(request, "voc.html", {"user": user, "has_report": report.exists(),
                                        "folder": settings.voc_dir})


@router.get("/voc/report")
def voc_report(settings: SettingsDep, user: VocReader) -> Response:
    """The report as its own self-contained page."""
    from noki.voc import VocReport, render_html

    path = settings.voc_dir / "voc-report.json"
    if not path.exists():
        return HTMLResponse("no report", status_code=404)
    report = VocReport.model_validate_json(path.read_text(encoding="utf-8"))
    return HTMLResponse(render_html(report))
