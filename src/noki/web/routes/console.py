"""Queue and draft pages, and the review actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from importlib.resources import files
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from noki.db.clock import utcnow
from noki.services import masking, queries, review, stale_drafts
from noki.services.errors import ServiceError
from noki.services.roles import can, home_for
from noki.services.stale_drafts import StaleDraft
from noki.web import masked_views
from noki.web.deps import Csrf, CtxDep, CurrentUser, EngineDep, SettingsDep, UserDep, need
from noki.web.render import flash, render

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
    user: Reader,
    f: Annotated[queries.QueueFilter, Depends()],
) -> Response:
    """Pending drafts with filters and counts, priority lane first, oldest first."""
    page = queries.queue(ctx.engine, f)
    stale = stale_drafts.stale_for_page(ctx, page.rows)  # untrue if sent today: badge
    from noki.services import inquiry_views

    engine, target = ctx.engine, ctx.settings.inquiry_first_response_minutes
    return render(
        request,
        "queue.html",
        {"user": user, "page": page, "f": f, "pages": max(1, -(-page.total // queries.PAGE)),
         "slas": inquiry_views.queue_slas(engine, page.rows, now=utcnow(), target=target),
         "unmatched": inquiry_views.unmatched_count(engine),
         "stale": stale},
    )


@router.post("/queue/bulk-approve", dependencies=[Csrf])
def bulk_approve(
    request: Request,
    engine: EngineDep,
    user: Bulk,
    draft_ids: Annotated[list[int], Form(max_length=queries.PAGE)] = [],  # noqa: B006
) -> Response:
    """Approve the ticked drafts that are template-made, checker-clean and approval=auto."""
    return _act(
        request,
        "/queue",
        lambda: _bulk_message(*review.bulk_approve(engine, draft_ids=draft_ids, actor=user.actor)),
    )


def _bulk_message(approved: int, skipped: int) -> str:
    return f"{approved}件を一括承認しました（対象外 {skipped}件）。"


@router.get("/drafts/{draft_id}")
def draft_page(request: Request, ctx: CtxDep, user: Reader, draft_id: int) -> Response:
    """The draft beside the order facts and the decision trace (an answer: beside the
    customer's message, the order's thread and the SLA clock).

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
        from noki.services import inquiry_views

        inquiry = inquiry_views.panel(engine, view.draft, now=ctx.clock.now(),
                                      target=ctx.settings.inquiry_first_response_minutes)
    if not masking.sees_contacts(user.role):
        view = masked_views.draft_view(view)
        if inquiry is not None:  # the message without who wrote it; no thread
            masked_views.inquiries([inquiry.inquiry])
            inquiry = replace(inquiry, thread=[])
    from noki.inbound.models import INTENT_LABELS

    return render(request, "draft.html", {"user": user, "v": view, "d": view.draft,
                                          "inq": inquiry, "intents": INTENT_LABELS})


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
        return (
            "保存しました。チェックに合格しています。"
            if row.check_ok
            else ("保存しました。チェックで問題が見つかりました（赤い印の箇所）。")
        )

    response = _act(request, f"/drafts/{draft_id}", run)
    if "id" in target:
        response.headers["location"] = f"/drafts/{target['id']}"
    return response


@router.post("/drafts/{draft_id}/approve", dependencies=[Csrf])
def approve(
    request: Request,
    ctx: CtxDep,
    user: Writer,
    draft_id: int,
    settings: SettingsDep,
    override_reason: Annotated[str, Form(max_length=REASON_MAX)] = "",
    body: Annotated[str | None, Form(max_length=BODY_MAX)] = None,
    subject: Annotated[str | None, Form(max_length=SUBJECT_MAX)] = None,
) -> Response:
    """Approve the text the editor shows (saved and re-checked first when it was changed).

    The text is judged on today's date first: a stale draft is re-decided into a new version
    that the agent reviews before approving.
    """
    target: dict[str, Any] = {}
    engine = ctx.engine

    def run() -> str:
        try:
            return approve_now()
        except StaleDraft as exc:
            target["id"] = exc.draft_id
            raise

    def approve_now() -> str:
        if body is None:  # a form without the editor: the stored text is what was shown
            msg = review.approve(
                engine, draft_id=draft_id, actor=user.actor,
                override_reason=override_reason or None, ctx=ctx,
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
            ctx=ctx,
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

    response = _act(request, f"/drafts/{draft_id}", run)
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

    return _act(request, f"/drafts/{draft_id}", run)


@router.post("/drafts/{draft_id}/regenerate", dependencies=[Csrf])
def regenerate(request: Request, ctx: CtxDep, user: Writer, draft_id: int) -> Response:
    """Draft the notice again from the same decision."""
    target: dict[str, Any] = {}

    def run() -> str:
        target["id"] = review.regenerate(ctx, draft_id=draft_id, actor=user.actor).id
        return "再作成しました。"

    response = _act(request, f"/drafts/{draft_id}", run)
    if "id" in target:
        response.headers["location"] = f"/drafts/{target['id']}"
    return response


@router.get("/static/draft.js")
def draft_script() -> Response:
    """The draft page's guard against losing or silently dropping edits."""
    return Response(DRAFT_JS, media_type="text/javascript; charset=utf-8")


def _act(request: Request, back: str, run: Callable[[], str]) -> Response:
    """Run a use case; its message (or its error) is flashed on the page we go back to."""
    try:
        flash(request, run())
    except ServiceError as exc:
        flash(request, str(exc), "error")
    return RedirectResponse(back, status_code=303)
