"""Login and logout (session cookie, argon2 passwords, CSRF on the form too)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from noki.services import sessions, users
from noki.services.roles import home_for
from noki.web.deps import Csrf, EngineDep, SettingsDep
from noki.web.login_throttle import LoginThrottle
from noki.web.render import render

router = APIRouter()


def _safe_next(target: str) -> str:
    ok = target.startswith("/") and not target.startswith(("//", "/\\"))
    return target if ok else ""


@router.get("/login")
def login_page(request: Request, next: str = "") -> Response:
    """The login form."""
    return render(request, "login.html", {"next": _safe_next(next)})


@router.post("/login", dependencies=[Csrf])
def login(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=256)],
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Check the password (throttled per account and client) and start a server-side session."""
    throttle: LoginThrottle = request.app.state.login_throttle
    name, client = username.strip(), request.client.host if request.client else "-"
    if locked := throttle.locked(name, client):
        minutes = -(-locked.retry_after // 60)
        ctx = {
            "next": _safe_next(next),
            "error": "ログインの失敗が続いたため一時的にロックしています。"
            f"{minutes}分後に再度お試しください。",
        }
        response = render(request, "login.html", ctx, status_code=429)
        response.headers["Retry-After"] = str(locked.retry_after)
        return response
    user = users.authenticate(engine, username=name, password=password)
    if user is None or user.id is None:
        throttle.failed(name, client)
        ctx = {"next": _safe_next(next), "error": "ユーザー名またはパスワードが違います。"}
        return render(request, "login.html", ctx, status_code=401)
    throttle.succeeded(name)
    sid = sessions.start(
        engine, user_id=user.id, max_age_seconds=settings.session_max_age_seconds
    )
    request.session.clear()
    request.session["sid"] = sid
    request.session["csrf"] = secrets.token_urlsafe(24)
    return RedirectResponse(_safe_next(next) or home_for(user.role), status_code=303)


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, engine: EngineDep) -> Response:
    """End the session on the server (a copied cookie stops working too)."""
    sid = request.session.get("sid")
    if isinstance(sid, str):
        sessions.end(engine, sid)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
