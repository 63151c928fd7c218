"""The agent's workspace actions: whole-filter bulk approve, notes, assignment, presence."""

from __future__ import annotations

from importlib.resources import files
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlmodel import Session, col, func, select

from noki.db.models import DraftRow
from noki.services import masking, queries, review, workspace
from noki.services.errors import ServiceError
from noki.services.queue_view import QueueFilter
from noki.web.deps import Csrf, CurrentUser, EngineDep, need
from noki.web.messages import japanese
from noki.web.render import flash
from noki.web.routes.console import _safe_back

router = APIRouter()
WORKSPACE_JS = files("noki.web").joinpath("static", "workspace.js").read_text(encoding="utf-8")
Reader = Annotated[CurrentUser, Depends(need("queue.read"))]
Writer = Annotated[CurrentUser, Depends(need("draft.write"))]
Bulk = Annotated[CurrentUser, Depends(need("draft.bulk"))]
FILTER_MAX = 10_000  # approvals per click; a bigger filter is approved in several clicks
CHUNK = 200


async def _filter_form(request: Request) -> QueueFilter:
    """The queue filter posted as form fields (the filter the agent was looking at)."""
    form = await request.form()
    values: dict[str, Any] = {n: str(form.get(n) or "")[:100] for n in FILTER_FIELDS}
    return QueueFilter(**values)


FILTER_FIELDS = ("q", "lane", "industry", "compensation", "channel", "approval", "state",
                 "overdue", "violations", "age", "mine")


@router.post("/queue/approve-filter", dependencies=[Csrf])
def approve_filter(
    request: Request,
    engine: EngineDep,
    user: Bulk,
    form: Annotated[QueueFilter, Depends(_filter_form)],
    back: Annotated[str, Form(max_length=2000)] = "/queue",
) -> Response:
    """Approve every clean, template-made, auto-approvable draft the filter matches."""
    contacts = masking.sees_contacts(user.role)
    skipped_why = _not_eligible(engine, form, user.username, contacts)
    approved = skipped = 0
    after = 0
    try:
        while approved + skipped < FILTER_MAX:
            ids = queries.eligible_ids(engine, form, username=user.username, contacts=contacts,
                                       after=after, limit=CHUNK)
            if not ids:
                break
            a, s = review.bulk_approve(engine, draft_ids=ids, actor=user.actor)
            approved, skipped, after = approved + a, skipped + s, ids[-1]
    except ServiceError as exc:
        flash(request, japanese(str(exc)), "error")
        return RedirectResponse(_safe_back(back), status_code=303)
    parts = [f"{approved}件を承認しました。"]
    if skipped:
        parts.append(f"承認の直前に変更・承認された、または連絡先がない {skipped}件は"
                     "承認していません。")
    for why, n in skipped_why.items():
        parts.append(f"対象外 {n}件：{why}。")
    if approved + skipped >= FILTER_MAX:
        parts.append(f"一度に承認するのは {FILTER_MAX:,}件までです。残りはもう一度押してください。")
    flash(request, "".join(parts), "ok" if approved else "warn")
    return RedirectResponse(_safe_back(back), status_code=303)


def _not_eligible(engine: EngineDep, f: QueueFilter, username: str, contacts: bool
                  ) -> dict[str, int]:
    """Why the filter's other drafts are not taken (checker, LLM/edited, approval required)."""
    with Session(engine) as s:
        rows = s.exec(
            select(DraftRow.check_ok, DraftRow.drafter, DraftRow.approval, func.count())
            .where(*f.where(username=username, contacts=contacts))
            .group_by(col(DraftRow.check_ok), col(DraftRow.drafter), col(DraftRow.approval))
        ).all()
    out: dict[str, int] = {}
    for ok, drafter, approval, n in rows:
        if not ok:
            why = "チェックに不合格（1 件ずつ修正してください）"
        elif drafter != "template":
            why = "LLM 作成または担当者の編集あり（1 件ずつ確認してください）"
        elif approval != "auto":
            why = "要承認の判定（1 件ずつ確認してください）"
        else:
            continue
        out[why] = out.get(why, 0) + int(n)
    return out


@router.post("/orders/{order_id}/notes", dependencies=[Csrf])
def add_note(
    request: Request,
    engine: EngineDep,
    user: Writer,
    order_id: str,
    text: Annotated[str, Form(max_length=workspace.NOTE_MAX * 2)] = "",
    draft_id: Annotated[int | None, Form()] = None,
) -> Response:
    """An internal note on the order's timeline."""
    try:
        workspace.add_note(engine, order_id=order_id, actor=user.actor, text=text)
        flash(request, "メモを残しました。")
    except ServiceError as exc:
        flash(request, japanese(str(exc)), "error")
    back = f"/drafts/{draft_id}" if draft_id else "/queue"
    return RedirectResponse(back + "#timeline-panel", status_code=303)


@router.post("/drafts/{draft_id}/assign", dependencies=[Csrf])
def assign(
    request: Request,
    engine: EngineDep,
    user: Writer,
    draft_id: int,
    to: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Assign the notice to me (to=me) or nobody (to='')."""
    try:
        workspace.assign(engine, draft_id=draft_id, actor=user.actor,
                         to=user.username if to == "me" else None)
        flash(request, "自分の担当にしました。" if to == "me" else "担当を外しました。")
    except ServiceError as exc:
        flash(request, japanese(str(exc)), "error")
    return RedirectResponse(f"/drafts/{draft_id}", status_code=303)


@router.post("/drafts/{draft_id}/presence", dependencies=[Csrf])
def presence(
    engine: EngineDep,
    user: Reader,
    draft_id: int,
    mode: Annotated[str, Form(max_length=8)] = "view",
    leave: Annotated[str, Form(max_length=1)] = "",
) -> Response:
    """Heartbeat from an open draft page; answers who else has it open."""
    with Session(engine) as s:
        root = s.exec(select(DraftRow.root_id).where(col(DraftRow.id) == draft_id)).first()
    if root is None:
        return JSONResponse({"others": []}, status_code=404)
    if leave:
        workspace.leave(engine, root_id=root, username=user.username)
        return JSONResponse({"others": []})
    others = workspace.beat(engine, root_id=root, username=user.username,
                            display_name=user.display_name, mode=mode)
    return JSONResponse({"others": [
        {"name": p.display_name, "mode": p.mode} for p in others]})


@router.get("/static/workspace.js")
def workspace_script() -> Response:
    """Queue select-all and confirmation, SMS counter, presence, keyboard shortcuts."""
    return Response(WORKSPACE_JS, media_type="text/javascript; charset=utf-8")
