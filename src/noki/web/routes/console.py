"""Queue and draft pages, and the review actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from importlib.resources import files
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine

from noki.db.clock import utcnow
from noki.services import (
    inquiry_views,
    masking,
    order_story,
    queries,
    queue_view,
    review,
    stale_drafts,
    workspace,
)
from noki.services.errors import ServiceError
from noki.services.roles import can, home_for
from noki.web import masked_views
from noki.web.deps import Csrf, CtxDep, CurrentUser, EngineDep, SettingsDep, UserDep, need
from noki.web.messages import japanese, stale
from noki.web.render import flash, render
from noki.web.textview import local_today

router = APIRouter()
BODY_MAX = 10_000  # characters: a notice is a page, not a document
SUBJECT_MAX = 200
REASON_MAX = 1_000
DRAFT_JS = files("noki.web").joinpath("static", "draft.js").read_text(encoding="utf-8")
Reader = Annotated[CurrentUser, Depends(need("queue.read"))]
Writer = Annotated[CurrentUser, Depends(need("draft.write"))]
Bulk = Annotated[CurrentUser, Depends(need("draft.bulk"))]


@router.get("/")
def home(user: UserDep) -> Response:
    """Each role lands on its own page."""
    return RedirectResponse(home_for(user.role), status_code=303)


@router.get("/queue")
def queue_page(
    request: Request,
    ctx: CtxDep,
    engine: EngineDep,
    settings: SettingsDep,
    user: Reader,
    f: Annotated[queries.QueueFilter, Depends()],
) -> Response:
    """Pending drafts with search, filters and counts; most urgent first by default."""
    page = queries.queue(engine, f, username=user.username,
                         contacts=masking.sees_contacts(user.role))
    target = ctx.settings.inquiry_first_response_minutes
    return render(
        request,
        "queue.html",
        {"user": user, "page": page, "f": f, "pages": max(1, -(-page.total // queries.PAGE)),
         "sla_hours": settings.queue_sla_hours, "sla": queue_view.sla_state,
         "today": local_today(), "back": _queue_url(f),
         "stale": stale_drafts.stale_for_page(ctx, page.rows),
         "slas": inquiry_views.queue_slas(engine, page.rows, now=utcnow(), target=target),
         "unmatched": inquiry_views.unmatched_count(engine)},
    )


def _queue_url(f: queries.QueueFilter, **change: object) -> str:
    query = urlencode(f.params(**change))
    return "/queue" + (f"?{query}" if query else "")


def _safe_back(back: str) -> str:
    """Only a queue URL of this site (the page and filters the agent was on)."""
    return back if back.startswith("/queue") and "//" not in back else "/queue"


@router.post("/queue/bulk-approve", dependencies=[Csrf])
def bulk_approve(
    request: Request,
    engine: EngineDep,
    user: Bulk,
    draft_ids: Annotated[list[int], Form(max_length=queries.PAGE)] = [],  # noqa: B006
    back: Annotated[str, Form(max_length=2000)] = "/queue",
) -> Response:
    """Approve the ticked drafts that are template-made, checker-clean and approval=auto."""
    if not draft_ids:
        flash(request, "下書きが選択されていません。承認する下書きにチェックを入れてください。",
              "warn")
        return RedirectResponse(_safe_back(back), status_code=303)
    return _act(
        request,
        _safe_back(back),
        lambda: _bulk_message(*review.bulk_approve(engine, draft_ids=draft_ids, actor=user.actor)),
    )


def _bulk_message(approved: int, skipped: int) -> str:
    why = f"（対象外 {skipped}件：変更・承認済み、または連絡先なし）" if skipped else ""
    return f"{approved}件を一括承認しました{why}。"


@router.get("/drafts/{draft_id}")
def draft_page(
    request: Request, ctx: CtxDep, settings: SettingsDep, user: Reader, draft_id: int
) -> Response:
    """The draft beside the order facts, the trace and the order's whole story (an answer:
    beside the customer's message, the order's thread and the SLA clock).

    A pending draft that became untrue by today is re-decided first when the viewer may write
    (a new version, with the reasons shown on it).
    """
    if can(user.role, "draft.write"):
        done = stale_drafts.refresh_if_stale(ctx, draft_id, actor=user.actor.name)
        if done is not None:
            flash(request, "送信日には内容が古くなっていたため、判断をやり直して新しい版を"
                  "作りました: " + "; ".join(done.reasons))
            return RedirectResponse(f"/drafts/{done.new_id}", status_code=303)
    engine = ctx.engine
    view = queries.draft_view(engine, draft_id)
    if view is None:
        raise HTTPException(404, "draft not found")
    inquiry = None
    if view.draft.kind == "answer":
        inquiry = inquiry_views.panel(engine, view.draft, now=ctx.clock.now(),
                                      target=ctx.settings.inquiry_first_response_minutes)
    if not masking.sees_contacts(user.role):
        view = masked_views.draft_view(view)
        if inquiry is not None:  # the message without who wrote it; no thread
            masked_views.inquiries([inquiry.inquiry])
            inquiry = replace(inquiry, thread=[])
    from noki.inbound.models import INTENT_LABELS

    d = view.draft
    assert d.root_id is not None
    mode = "edit" if d.status == "pending" and user.can("draft.write") else "view"
    others = workspace.beat(engine, root_id=d.root_id, username=user.username,
                            display_name=user.display_name or user.username, mode=mode)
    return render(request, "draft.html", {
        "user": user, "v": view, "d": d, "others": others,
        "story": order_story.story(engine, d.order_id),
        "next_id": queue_view.next_pending(engine, exclude=draft_id),
        "sms_limit": settings.notice_sms_max_segments,
        "inq": inquiry, "intents": INTENT_LABELS,
    })


@router.post("/drafts/{draft_id}/edit", dependencies=[Csrf])
def edit(
    request: Request,
    engine: EngineDep,
    user: Writer,
    draft_id: int,
    settings: SettingsDep,
    body: Annotated[str, Form(max_length=BODY_MAX)],
    subject: Annotated[str | None, Form(max_length=SUBJECT_MAX)] = None,
) -> Response:
    """Save an edit as a new version (re-checked)."""
    target: dict[str, Any] = {}

    def run() -> str:
        row = review.edit(
            engine,
            draft_id=draft_id,
            actor=user.actor,
            body=body,
            subject=subject,
            allowed_domains=settings.company_domain_list,
        )
        target["id"] = row.id
        if row.check_ok:
            return "保存しました。チェックに合格しています。"
        return Warn("保存しましたが、チェックで問題が見つかりました（赤い印の箇所）。"
                    "修正してから承認してください。")

    response = _act(request, f"/drafts/{draft_id}", run, engine, draft_id)
    if "id" in target:
        response.headers["location"] = f"/drafts/{target['id']}"
    return response


@router.post("/drafts/{draft_id}/approve", dependencies=[Csrf])
def approve(
    request: Request,
    engine: EngineDep,
    user: Writer,
    draft_id: int,
    settings: SettingsDep,
    override_reason: Annotated[str, Form(max_length=REASON_MAX)] = "",
    body: Annotated[str | None, Form(max_length=BODY_MAX)] = None,
    subject: Annotated[str | None, Form(max_length=SUBJECT_MAX)] = None,
) -> Response:
    """Approve the text the editor shows (saved and re-checked first when it was changed)."""
    target: dict[str, Any] = {}

    def run() -> str:
        if body is None:  # a form without the editor: the stored text is what was shown
            msg = review.approve(
                engine, draft_id=draft_id, actor=user.actor, override_reason=override_reason or None
            )
            return "承認しました。送信キューに入りました。" if msg else "承認済みです。"
        done = review.approve_as_shown(
            engine,
            draft_id=draft_id,
            actor=user.actor,
            body=body,
            subject=subject,
            override_reason=override_reason or None,
            allowed_domains=settings.company_domain_list,
        )
        target["id"] = done.draft_id
        if not done.approved:
            raise ServiceError(
                "変更を保存しましたが、チェックで問題が見つかったため承認していません"
                "（赤い印の箇所）。修正してから承認してください。"
            )
        if done.saved:
            return "変更を保存して再チェックし、承認しました。送信キューに入りました。"
        return "承認しました。送信キューに入りました。" if done.message_id else "承認済みです。"

    response = _act(request, f"/drafts/{draft_id}", run, engine, draft_id)
    if "id" in target:
        response.headers["location"] = f"/drafts/{target['id']}"
    return response


@router.post("/drafts/{draft_id}/reject", dependencies=[Csrf])
def reject(
    request: Request,
    engine: EngineDep,
    user: Writer,
    draft_id: int,
    ctx: CtxDep,
    reason: Annotated[str, Form(max_length=REASON_MAX)] = "",
    next_step: Annotated[str, Form(max_length=40)] = "not_this_time",
) -> Response:
    """Reject with a reason and what happens next."""

    def run() -> str:
        review.reject(engine, draft_id=draft_id, actor=user.actor, reason=reason,
                      next_step=next_step, clock=ctx.clock)
        return "却下しました。"

    return _act(request, f"/drafts/{draft_id}", run, engine, draft_id)


@router.post("/drafts/{draft_id}/regenerate", dependencies=[Csrf])
def regenerate(request: Request, ctx: CtxDep, user: Writer, draft_id: int) -> Response:
    """Draft the notice again from the same decision."""
    target: dict[str, Any] = {}

    def run() -> str:
        target["id"] = review.regenerate(ctx, draft_id=draft_id, actor=user.actor).id
        return "再作成しました。"

    response = _act(request, f"/drafts/{draft_id}", run, ctx.engine, draft_id)
    if "id" in target:
        response.headers["location"] = f"/drafts/{target['id']}"
    return response


@router.get("/static/draft.js")
def draft_script() -> Response:
    """The draft page's guard against losing or silently dropping edits."""
    return Response(DRAFT_JS, media_type="text/javascript; charset=utf-8")


class Warn(str):
    """A result that is done but needs the agent's attention (shown as a warning)."""


def _act(request: Request, back: str, run: Callable[[], str],
         engine: Engine | None = None, draft_id: int | None = None) -> Response:
    """Run a use case; its message (or its error, in Japanese) is flashed on the page we go
    back to; a stale page's action links to the latest version of the notice."""
    try:
        said = run()
        flash(request, said, "warn" if isinstance(said, Warn) else "ok")
    except ServiceError as exc:
        link = None
        if engine is not None and draft_id is not None and stale(str(exc)):
            latest = queries.latest_version(engine, draft_id)
            if latest is not None and latest != draft_id:
                link = (f"/drafts/{latest}", "最新の版を開く")
            elif latest is None:
                link = ("/queue", "承認キューに戻る")
        flash(request, japanese(str(exc)), "error", link)
    return RedirectResponse(back, status_code=303)
