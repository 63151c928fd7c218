"""Template rendering with the user, CSRF token, flash messages and text helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from noki.web.deps import csrf_token
from noki.web.textview import diff_html, highlight, local_time

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.filters["jst"] = local_time
templates.env.globals.update(highlight=highlight, diff_html=diff_html)

LABELS = {
    "priority": "優先",
    "expedite": "迅速",
    "standard": "通常",
    "ec": "EC",
    "btob": "BtoB",
    "auto": "自動車",
    "pending": "承認待ち",
    "approved": "承認済み",
    "sent": "送信済み",
    "rejected": "却下",
    "superseded": "失効",
    "replaced": "改版済み",
    "sending": "送信中",
    "dead": "送信不能",
    "cancelled": "取消",
    "required": "要承認",
    "auto_approval": "自動可",
    "email": "メール",
    "sms": "SMS",
    "initial": "初回",
    "eta_change": "入荷予定変更",
    "followup": "定期連絡",
    "answer": "問い合わせ回答",
    "template": "テンプレート",
    "llm": "LLM",
    "agent": "担当者編集",
}
templates.env.globals["label"] = lambda key: LABELS.get(str(key), str(key))

COMPENSATION_LABELS = {
    "none": "なし", "free_shipping": "送料無料", "coupon": "クーポン", "refund_full": "全額返金",
    "sla_credit": "遅延クレジット", "loaner_car": "代車",
    "accessory_coupon": "アクセサリークーポン", "service_coupon": "整備クーポン",
}


def compensation_label(kind: object, amount: object = None) -> str:
    """送料無料, クーポン 1,000円, なし: a compensation code in the console's words."""
    text = COMPENSATION_LABELS.get(str(kind), str(kind))
    return f"{text} {amount:,}円" if isinstance(amount, int) and amount else text


templates.env.globals["comp_label"] = compensation_label


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """Show a message on the next page."""
    request.session.setdefault("flash", []).append([kind, message])


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render a page template with the common context."""
    ctx = dict(context or {})
    ctx.setdefault("user", getattr(request.state, "user", None))
    ctx["csrf_token"] = csrf_token(request)
    ctx["csp_nonce"] = getattr(request.state, "csp_nonce", "")  # for any inline <script nonce=>
    ctx["flashes"] = request.session.pop("flash", [])
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)
