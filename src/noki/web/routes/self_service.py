"""The customer's self-service page /b/{token}: no login, a signed link, one choice."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from noki.domain.lifecycle.tokens import TokenExpired, TokenInvalid
from noki.services import self_service as svc
from noki.web.deps import CtxDep
from noki.web.render import templates
from noki.web.self_service_throttle import SelfServiceThrottle

router = APIRouter()
RESULTS = {"chosen": "ご選択を承りました。確認のご連絡をお送りします。",
           "already": "ご選択はすでに承っております。"}
HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}
Option = Annotated[str, Form(max_length=40)]
FormToken = Annotated[str, Form(max_length=300)]


def _page(request: Request, context: dict[str, Any], status: int = 200) -> Response:
    # Not render(): the customer's page sets no session cookie and shows no console chrome.
    return templates.TemplateResponse(request, "self_service.html", context,
                                      status_code=status, headers=HEADERS)


def _problem(request: Request, title: str, message: str, status: int) -> Response:
    return _page(request, {"mode": "problem", "title": title, "message": message}, status)


def _throttle(request: Request) -> SelfServiceThrottle:
    throttle: SelfServiceThrottle = request.app.state.self_service_throttle
    return throttle


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _open(request: Request, ctx: CtxDep, token: str) -> tuple[str | None, Response | None]:
    """The order id of a valid link, or the page that explains a bad one."""
    try:
        return svc.open_token(ctx, token).order_id, None
    except TokenInvalid as exc:
        if not _throttle(request).allow_bad_link(_client(request)):
            return None, _too_many(request)
        if isinstance(exc, TokenExpired):
            return None, _problem(
                request, "リンクの有効期限が切れています",
                "このリンクは有効期限を過ぎました。最新のご案内メール（またはSMS）に記載の"
                "リンクを開くか、ご案内に記載の窓口までお問い合わせください。", 410)
        return None, _problem(
            request, "リンクが正しくありません",
            "リンクが途中で切れているか、変更されている可能性があります。ご案内のメール"
            "（またはSMS）のリンクをもう一度そのまま開いてください。", 400)


def _too_many(request: Request) -> Response:
    return _problem(request, "しばらくしてからお試しください",
                    "短い時間に多くの操作がありました。時間をおいてから、もう一度お試しください。",
                    429)


@router.get("/b/{token}", include_in_schema=False)
def page(request: Request, ctx: CtxDep, token: str, r: str = "") -> Response:
    """The order's status, ETA, next update, the options offered and the compensation."""
    order_id, problem = _open(request, ctx, token)
    if problem is not None or order_id is None:
        return problem or _problem(request, "リンクが正しくありません", "", 400)
    view = svc.page_view(ctx, order_id)
    if view is None:
        return _problem(request, "ご注文が見つかりません",
                        "ご案内に記載の窓口までお問い合わせください。", 404)
    return _page(request, {"mode": "view", "view": view, "token": token,
                           "form_token": svc.form_token(ctx, token),
                           "result": RESULTS.get(r)})


def _checked_post(request: Request, ctx: CtxDep, token: str, form_token: str
                  ) -> tuple[str | None, Response | None]:
    """The order of a form post that passes the link, rate limit and CSRF checks."""
    order_id, problem = _open(request, ctx, token)
    if problem is not None:
        return None, problem
    # Per order, not per link: every notice carries a new link to the same order.
    key = hashlib.sha256(str(order_id).encode()).hexdigest()[:32]
    if not _throttle(request).allow_post(key, _client(request)):
        return None, _too_many(request)
    if not svc.form_token_ok(ctx, token, form_token):
        return None, _problem(request, "画面の有効期限が切れました",
                              "お手数ですが、ご案内のリンクからページを開き直してください。", 403)
    return order_id, None


@router.post("/b/{token}/confirm", include_in_schema=False)
def confirm(request: Request, ctx: CtxDep, token: str, form_token: FormToken = "",
            option: Option = "") -> Response:
    """The confirmation step: the chosen option once more, with 確定 and 戻る."""
    order_id, problem = _checked_post(request, ctx, token, form_token)
    if problem is not None or order_id is None:
        return problem or _too_many(request)
    view = svc.page_view(ctx, order_id)
    if view is None or not view.can_choose:
        return RedirectResponse(f"/b/{token}", status_code=303)
    chosen = view.option(option)
    if chosen is None:
        return _problem(request, "選択肢をお選びください",
                        "表示されている選択肢から一つお選びください。", 422)
    return _page(request, {"mode": "confirm", "view": view, "token": token, "chosen": chosen,
                           "form_token": svc.form_token(ctx, token)})


@router.post("/b/{token}/choose", include_in_schema=False)
def choose(request: Request, ctx: CtxDep, token: str, form_token: FormToken = "",
           option: Option = "") -> Response:
    """Record the choice (once) and show the page with it."""
    order_id, problem = _checked_post(request, ctx, token, form_token)
    if problem is not None or order_id is None:
        return problem or _too_many(request)
    result = svc.record_choice(ctx, order_id, option, chosen_by="customer",
                               actor="customer", source="self_service")
    if result.outcome in RESULTS:
        return RedirectResponse(f"/b/{token}?r={result.outcome}", status_code=303)
    status = 422 if result.outcome == "not_offered" else 409
    return _problem(request, "ご選択を承れませんでした", result.message, status)
