"""Login and logout (session cookie, argon2 passwords, CSRF on the form too)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from noki.services import users
from noki.services.roles import home_for
from noki.web.deps import Csrf, EngineDep
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
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "",
) -> Response:
    """Check the password and start a session."""
    user = users.authenticate(engine, username=username.strip(), password=password)
    if user is None or user.id is None:
        ctx = {"next": _safe_next(next), "error": "ユーザー名またはパスワードが違います。"}
        return render(request, "login.html", ctx, status_code=401)
    request.session.clear()
    request.session["uid"] = user.id
    request.session["csrf"] = secrets.token_urlsafe(24)
    return RedirectResponse(_safe_next(next) or home_for(user.role), status_code=303)


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request) -> Response:
    """End the session."""
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
