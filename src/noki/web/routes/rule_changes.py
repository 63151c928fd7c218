"""Rule change pages: propose the files in rules/, the proposals and their diff, approve, reject,
roll back. Thin: the use cases in noki.services.rule_changes check roles and do the work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from noki.services import rule_changes, rule_versions
from noki.services.errors import ServiceError
from noki.web.deps import Csrf, CtxDep, CurrentUser, need
from noki.web.render import flash, render

router = APIRouter()
Reader = Annotated[CurrentUser, Depends(need("rules.read"))]
Note = Annotated[str, Form(max_length=500)]


def _step(request: Request, run: Callable[[], rule_changes.Outcome], back: str) -> Response:
    """Run one workflow step and flash its message (or why it was refused)."""
    try:
        flash(request, run().message)
    except ServiceError as exc:
        flash(request, str(exc), "error")
    return RedirectResponse(back, status_code=303)


@router.post("/rules/propose", dependencies=[Csrf])
def propose(request: Request, ctx: CtxDep,
            user: Annotated[CurrentUser, Depends(need("rules.propose"))],
            note: Note = "") -> Response:
    """Propose the files now in rules/ (NOKI_RULES_DIR) as a change awaiting approval."""
    from noki.rules.loader import read_rule_files
    from noki.rules.model import RuleFileError

    try:
        files = read_rule_files(ctx.settings.rules_dir)
    except RuleFileError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse("/rules/changes", status_code=303)
    return _step(request, lambda: rule_changes.propose(ctx, files, actor=user.actor, note=note),
                 "/rules/changes")


@router.get("/rules/changes")
def changes(request: Request, ctx: CtxDep, user: Reader) -> Response:
    """Proposals awaiting approval and the history of live versions."""
    return render(request, "rule_changes.html", {
        "user": user, "rows": rule_versions.history(ctx.engine, 100),
        "live_id": rule_versions.live_id(ctx.engine), "version": ctx.rules.version})


@router.get("/rules/changes/{version_id}")
def change(request: Request, ctx: CtxDep, user: Reader, version_id: int) -> Response:
    """One proposal: its note, its diff report (counts per field, yen per type)."""
    row = rule_versions.get(ctx.engine, version_id)
    if row is None:
        raise HTTPException(404, f"提案 #{version_id} はありません")
    return render(request, "rule_change.html", {"user": user, "row": row,
                                                "live_id": rule_versions.live_id(ctx.engine)})


@router.get("/rules/changes/{version_id}/diff.csv")
def change_csv(ctx: CtxDep, user: Reader, version_id: int) -> Response:
    """The proposal's diff report as CSV (for a spreadsheet)."""
    row = rule_versions.get(ctx.engine, version_id)
    if row is None:
        raise HTTPException(404, f"提案 #{version_id} はありません")
    return Response(row.diff_csv, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="rules-diff-{version_id}.csv"'})


@router.post("/rules/changes/{version_id}/approve", dependencies=[Csrf])
def approve(request: Request, ctx: CtxDep,
            user: Annotated[CurrentUser, Depends(need("rules.approve"))], version_id: int,
            note: Note = "") -> Response:
    """A second person approves: the proposal goes live."""
    return _step(request, lambda: rule_changes.approve(ctx, version_id, actor=user.actor,
                                                       note=note), "/rules/changes")


@router.post("/rules/changes/{version_id}/reject", dependencies=[Csrf])
def reject(request: Request, ctx: CtxDep, user: Reader, version_id: int,
           note: Note = "") -> Response:
    """Reject a proposal (approvers), or withdraw one's own."""
    return _step(request, lambda: rule_changes.reject(ctx, version_id, actor=user.actor,
                                                      note=note), "/rules/changes")


@router.post("/rules/rollback", dependencies=[Csrf])
def rollback(request: Request, ctx: CtxDep,
             user: Annotated[CurrentUser, Depends(need("rules.approve"))],
             note: Note = "") -> Response:
    """Restore the version that was live before the current one."""
    return _step(request, lambda: rule_changes.rollback(ctx, actor=user.actor, note=note),
                 "/rules/changes")
