"""Template rendering with the user, CSRF token, flash messages and text helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from noki.web.deps import csrf_token
from noki.web.labels import LABELS, Labels, audit_detail
from noki.web.textview import diff_html, highlight, local_time
from noki.web.trace_view import conditions_ja

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.filters["jst"] = local_time
templates.env.globals.update(highlight=highlight, diff_html=diff_html)

_DEFAULT_LABELS = Labels()
templates.env.globals["label"] = _DEFAULT_LABELS
templates.env.globals["comp_label"] = _DEFAULT_LABELS.compensation


def compensation_label(kind: object, amount: object = None) -> str:
    """送料無料, クーポン 1,000円, 補償なし: a compensation code in the console's words."""
    return _DEFAULT_LABELS.compensation(kind, amount)


def labels_for(request: Request) -> Labels:
    """The labels with the serving rule vocabulary (the one place the words come from)."""
    ctx = getattr(request.state, "ctx", None)
    try:
        return Labels(ctx.rules.ruleset.vocabulary) if ctx is not None else _DEFAULT_LABELS
    except (AttributeError, AssertionError):
        return _DEFAULT_LABELS


# The order page and its timeline partial name their labels by group.
templates.env.globals["timeline_label"] = lambda kind: _DEFAULT_LABELS(kind, "timeline")
templates.env.globals["option_label"] = lambda name: _DEFAULT_LABELS(name, "option")


def flash(
    request: Request, message: str, kind: str = "ok", link: tuple[str, str] | None = None
) -> None:
    """Show a message on the next page (kind ok | warn | error; link = (href, text))."""
    # Assigned, not appended: the session notices only assignment, so a second message before
    # the next page view would otherwise be lost.
    request.session["flash"] = [*request.session.get("flash", []), [kind, message, *(link or ())]]


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render a page template with the common context."""
    ctx = dict(context or {})
    ctx.setdefault("user", getattr(request.state, "user", None))
    ctx["csrf_token"] = csrf_token(request)
    ctx["csp_nonce"] = getattr(request.state, "csp_nonce", "")  # for any inline <script nonce=>
    ctx["flashes"] = request.session.pop("flash", [])
    words = labels_for(request)
    ctx["label"], ctx["comp_label"] = words, words.compensation
    ctx["trace_ja"] = lambda why: conditions_ja(str(why), words)
    ctx["audit_detail"] = lambda detail: audit_detail(words, dict(detail or {}))
    ctx["audit_actions"] = sorted(LABELS["audit_action"].items(), key=lambda kv: kv[1])
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)
