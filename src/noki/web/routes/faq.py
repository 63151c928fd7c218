"""FAQ proposals from the VOC report, reviewed by marketing / CS supervisors; VOC refresh."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from noki.services import faq_review
from noki.services.errors import ServiceError
from noki.web.deps import Csrf, CtxDep, CurrentUser, need
from noki.web.render import flash, render

router = APIRouter()
Reviewer = Annotated[CurrentUser, Depends(need("faq.review"))]
VocReader = Annotated[CurrentUser, Depends(need("voc.read"))]
TEXT_MAX = faq_review.MAX_TEXT


@router.get("/faq")
def faq_page(request: Request, ctx: CtxDep, user: Reviewer) -> Response:
    """Proposals (open first) and the FAQ answers are drafted from (file + accepted)."""
    from noki.services.faq_source import accepted_entries

    accepted = {r.entry_id: r for r in accepted_entries(ctx.engine)}
    return render(request, "faq.html", {
        "user": user, "proposals": faq_review.proposals(ctx.engine),
        "entries": ctx.faq.entries(), "accepted": accepted})


@router.get("/faq/proposals/{proposal_id}")
def proposal_page(request: Request, ctx: CtxDep, user: Reviewer, proposal_id: int) -> Response:
    """One proposal with the customer quotes that motivated it, editable until decided."""
    try:
        row = faq_review.proposal(ctx.engine, proposal_id)
    except ServiceError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse("/faq", status_code=303)
    return render(request, "faq_proposal.html", {"user": user, "p": row})


def _act(request: Request, back: str, run: Callable[[], str]) -> Response:
    try:
        flash(request, run())
    except ServiceError as exc:
        flash(request, str(exc), "error")
    return RedirectResponse(back, status_code=303)


@router.post("/faq/proposals/{proposal_id}/edit", dependencies=[Csrf])
def edit(request: Request, ctx: CtxDep, user: Reviewer, proposal_id: int,
         question: Annotated[str, Form(max_length=TEXT_MAX)],
         answer: Annotated[str, Form(max_length=TEXT_MAX)]) -> Response:
    """Save the wording (still a proposal)."""
    def run() -> str:
        faq_review.edit(ctx.engine, proposal_id=proposal_id, actor=user.actor,
                        question=question, answer=answer)
        return "保存しました。"
    return _act(request, f"/faq/proposals/{proposal_id}", run)


@router.post("/faq/proposals/{proposal_id}/accept", dependencies=[Csrf])
def accept(request: Request, ctx: CtxDep, user: Reviewer, proposal_id: int,
           question: Annotated[str, Form(max_length=TEXT_MAX)],
           answer: Annotated[str, Form(max_length=TEXT_MAX)]) -> Response:
    """Accept the wording on screen: a new FAQ version, used by answer drafting at once."""
    def run() -> str:
        entry = faq_review.accept(ctx.engine, proposal_id=proposal_id, actor=user.actor,
                                  question=question, answer=answer)
        return (f"採用しました（{entry.entry_id} 版 {entry.version}）。"
                "回答案の作成にすぐ使われます。")
    return _act(request, f"/faq/proposals/{proposal_id}", run)


@router.post("/faq/proposals/{proposal_id}/reject", dependencies=[Csrf])
def reject(request: Request, ctx: CtxDep, user: Reviewer, proposal_id: int,
           reason: Annotated[str, Form(max_length=1000)] = "") -> Response:
    """Reject with a reason."""
    def run() -> str:
        faq_review.reject(ctx.engine, proposal_id=proposal_id, actor=user.actor, reason=reason)
        return "却下しました。"
    return _act(request, f"/faq/proposals/{proposal_id}", run)


@router.post("/voc/refresh", dependencies=[Csrf])
def voc_refresh(request: Request, ctx: CtxDep, user: VocReader) -> Response:
    """Rebuild the console's VOC report from imported voice files and stored inquiries."""
    from noki.services.voc_reports import refresh_console_report

    report, added = refresh_console_report(ctx)
    flash(request, f"VOC レポートを更新しました（{report.n_voices} 件）。"
                   f"新しい FAQ 提案 {added} 件。")
    return RedirectResponse("/voc", status_code=303)
